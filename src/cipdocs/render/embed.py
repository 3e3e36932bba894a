"""Carry the report inside each .pptx and .docx as a custom XML part, and read it back.

The part is plain Open Packaging: ``customXml/itemN.xml`` (the record's JSON as the text of one
element), its ``itemPropsN.xml`` with a fixed item id, and a ``customXml`` relationship from
the main part (``ppt/presentation.xml`` or ``word/document.xml``). Working on the zip keeps one
function for both formats; reading needs neither python-pptx nor python-docx.
"""

from __future__ import annotations

import io
import json
import posixpath
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
from cipdocs.report.model import Report
from cipdocs.report.record import NewerFormatError, RecordError, report_from_json

RECORD_NAMESPACE = "urn:cipdocs:report"
"""The namespace of the record's root element, the same in every format version."""
RECORD_ELEMENT = f"{{{RECORD_NAMESPACE}}}report"
ITEM_ID = "{3C7A5E21-94D0-4B6F-8E1A-C1D2E3F4A5B6}"
"""Fixed, so that two runs write the same bytes; Office only needs it unique in the file."""
MAX_RECORD_SIZE = 4 * 1024 * 1024
"""A record is a few kilobytes; a larger part was not written by cipdocs."""

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = f"{_OFFICE}/officeDocument"
CUSTOM_XML = f"{_OFFICE}/customXml"
CUSTOM_XML_PROPS = f"{_OFFICE}/customXmlProps"
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CONTENT_TYPES = "[Content_Types].xml"
_ITEM = re.compile(r"customXml/item(\d+)\.xml")
_RID = re.compile(r"rId(\d+)")
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)

Parts = dict[str, bytes]


def record_xml(record: Mapping[str, object]) -> bytes:
    """Return the custom XML part that holds `record` as compact JSON."""
    root = etree.fromstring(f'<report xmlns="{RECORD_NAMESPACE}"/>')
    root.text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return _serialise(root)


def embed_record(package: bytes, record: Mapping[str, object]) -> bytes:
    """Return the .pptx/.docx `package` (zip bytes) with `record` in its custom XML part.

    A part cipdocs embedded before (a template saved from an earlier update) is replaced;
    other custom XML parts (Word's bibliography, SharePoint's) are kept as they are.
    """
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        parts: Parts = {name: archive.read(name) for name in archive.namelist()}
    item = _find_record_item(parts)
    if item is None:
        item = _add_record_item(parts)
    parts[item] = record_xml(record)
    buffer = io.BytesIO()
    # Stored, not deflated: write_document re-packs the zip (normalize_zip) straight after.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


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
                root = _parse(read_part(file, info, limit=MAX_RECORD_SIZE))
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


def _find_record_item(parts: Parts) -> str | None:
    for name, data in parts.items():
        if _ITEM.fullmatch(name):
            root = _parse(data)
            if root is not None and root.tag == RECORD_ELEMENT:
                return name
    return None


def _add_record_item(parts: Parts) -> str:
    """Add an empty record item with its properties, relationship and content types."""
    number = 1
    while f"customXml/item{number}.xml" in parts or f"customXml/itemProps{number}.xml" in parts:
        number += 1
    item, props = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
    parts[item] = b""
    parts[props] = _item_props()
    parts[f"customXml/_rels/item{number}.xml.rels"] = _relationships(
        [("rId1", CUSTOM_XML_PROPS, f"itemProps{number}.xml")]
    )
    main = _main_part(parts)
    main_rels = posixpath.join(posixpath.dirname(main), "_rels", f"{posixpath.basename(main)}.rels")
    target = posixpath.relpath(item, posixpath.dirname(main))
    parts[main_rels] = _add_relationship(parts.get(main_rels), CUSTOM_XML, target)
    parts[CONTENT_TYPES] = _add_content_types(parts[CONTENT_TYPES], item, props)
    return item


def _main_part(parts: Parts) -> str:
    root = etree.fromstring(parts["_rels/.rels"], _PARSER)
    for relationship in root.iterfind(f"{{{_REL_NS}}}Relationship"):
        if relationship.get("Type") == OFFICE_DOCUMENT:
            return (relationship.get("Target") or "").lstrip("/")
    raise ValueError("the package has no main document part")


def _item_props() -> bytes:
    root = etree.Element(f"{{{_DS_NS}}}datastoreItem", nsmap={"ds": _DS_NS})
    root.set(f"{{{_DS_NS}}}itemID", ITEM_ID)
    refs = etree.SubElement(root, f"{{{_DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS_NS}}}schemaRef").set(f"{{{_DS_NS}}}uri", RECORD_NAMESPACE)
    return _serialise(root)


def _relationships(relationships: list[tuple[str, str, str]]) -> bytes:
    root = etree.fromstring(f'<Relationships xmlns="{_REL_NS}"/>')
    for rel_id, rel_type, target in relationships:
        etree.SubElement(
            root, f"{{{_REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target
        )
    return _serialise(root)


def _add_relationship(rels: bytes | None, rel_type: str, target: str) -> bytes:
    if rels is None:
        return _relationships([("rId1", rel_type, target)])
    root = etree.fromstring(rels, _PARSER)
    taken = [
        int(match.group(1))
        for element in root
        if (match := _RID.fullmatch(element.get("Id") or ""))
    ]
    etree.SubElement(
        root,
        f"{{{_REL_NS}}}Relationship",
        Id=f"rId{max(taken, default=0) + 1}",
        Type=rel_type,
        Target=target,
    )
    return _serialise(root)


def _add_content_types(types: bytes, item: str, props: str) -> bytes:
    root = etree.fromstring(types, _PARSER)
    defaults = {
        (element.get("Extension") or "").casefold()
        for element in root.iterfind(f"{{{_CT_NS}}}Default")
    }
    if "xml" not in defaults:
        _add_override(root, item, "application/xml")
    _add_override(root, props, CUSTOM_XML_PROPS_TYPE)
    return _serialise(root)


def _add_override(root: etree._Element, part: str, content_type: str) -> None:
    etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=f"/{part}", ContentType=content_type)


def _parse(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
