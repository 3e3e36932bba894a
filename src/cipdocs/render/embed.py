"""Carry the report inside each .pptx and .docx as a custom XML part, and read it back.

The part is plain Open Packaging: ``customXml/itemN.xml`` (the record's JSON as the text of one
element), its ``itemPropsN.xml`` with a fixed item id, and a ``customXml`` relationship from
the main part (``ppt/presentation.xml`` or ``word/document.xml``). Working on the zip keeps one
function for both formats; reading needs neither python-pptx nor python-docx.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from cipdocs.errors import NewerUpdateError, PreviousUpdateError
from cipdocs.package.archive import (
    PackageDamaged,
    PackageRefused,
    check_zip_archive,
    damaged_message,
    read_part,
)
from cipdocs.package.custom_xml import (
    Parts,
    embed_custom_item,
    parse_xml,
    put_custom_item,
    serialise_xml,
)
from cipdocs.report.model import Report
from cipdocs.report.record import NewerFormatError, RecordError, report_from_json

RECORD_NAMESPACE = "urn:cipdocs:report"
"""The namespace of the record's root element, the same in every format version."""
RECORD_ELEMENT = f"{{{RECORD_NAMESPACE}}}report"
ITEM_ID = "{3C7A5E21-94D0-4B6F-8E1A-C1D2E3F4A5B6}"
"""Fixed, so that two runs write the same bytes; Office only needs it unique in the file."""
MAX_RECORD_SIZE = 4 * 1024 * 1024
"""A record is a few kilobytes; a larger part was not written by cipdocs."""

_ITEM = re.compile(r"customXml/item(\d+)\.xml")


def record_xml(record: Mapping[str, object]) -> bytes:
    """Return the custom XML part that holds `record` as compact JSON."""
    root = etree.fromstring(f'<report xmlns="{RECORD_NAMESPACE}"/>')
    root.text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return serialise_xml(root)


def embed_record(package: bytes, record: Mapping[str, object]) -> bytes:
    """Return the .pptx/.docx `package` (zip bytes) with `record` in its custom XML part.

    A part cipdocs embedded before (a template saved from an earlier update) is replaced;
    other custom XML parts (Word's bibliography, SharePoint's, cipdocs' snapshot) are kept.
    """
    return embed_custom_item(package, record_xml(record), item_id=ITEM_ID)


def put_record(parts: Parts, record: Mapping[str, object]) -> None:
    """Put `record` into the package's `parts` (name -> bytes) as `embed_record` does."""
    put_custom_item(parts, record_xml(record), item_id=ITEM_ID)


def read_embedded_report(path: Path) -> Report | None:
    """Return the report embedded in the document at `path`, or None when it carries none.

    Raise `PreviousUpdateError` naming the file when it is not a sound Office file or its
    record cannot be read, `NewerUpdateError` when a newer cipdocs wrote the record.
    """
    data = read_record(path)
    if data is None:
        return None
    try:
        return report_from_json(data)
    except NewerFormatError as error:
        raise NewerUpdateError(f"{path}: {error}") from None
    except RecordError as error:
        raise PreviousUpdateError(
            f"{path}: cannot read the report cipdocs embedded in it: {error}"
        ) from None


def read_record(path: Path) -> object | None:
    """Return the decoded JSON record embedded in `path`, or None when there is none.

    The file is checked as any package is (package/archive.py), and the record part is read
    with a hard limit on the bytes it produces: a damaged or crafted file in a shared output
    folder costs a line, never memory.
    """
    try:
        if not zipfile.is_zipfile(path):
            raise PreviousUpdateError(
                f"{path}: not a PowerPoint or Word file; name a .pptx or .docx cipdocs wrote, "
                "or the .xlsx workbook of that update"
            )
        check_zip_archive(path, what="previous update", error=PreviousUpdateError)
        with path.open("rb") as file, zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                if not _ITEM.fullmatch(info.filename) or info.file_size > MAX_RECORD_SIZE:
                    continue
                root = parse_xml(read_part(file, info, limit=MAX_RECORD_SIZE))
                if root is not None and root.tag == RECORD_ELEMENT:
                    return _decode(path, root)
    except PackageRefused as refused:
        raise PreviousUpdateError(
            f"{path}: the previous update was not opened: {refused}"
        ) from None
    except (PackageDamaged, zipfile.BadZipFile, zlib.error, EOFError) as damage:
        raise PreviousUpdateError(damaged_message(path, "previous update", damage)) from None
    except OSError as error:
        raise PreviousUpdateError(
            f"{path}: the previous update cannot be read ({error.strerror or error}); "
            "check the file's permissions, or name another update with --since"
        ) from None
    return None


def _decode(path: Path, root: etree._Element) -> object:
    """Return the record's JSON, or raise `PreviousUpdateError` when it is damaged."""
    try:
        record: object = json.loads(root.text or "")
    except json.JSONDecodeError:
        raise PreviousUpdateError(
            f"{path}: the report cipdocs embedded in it is damaged; "
            "name another update with --since, or its workbook"
        ) from None
    return record
