"""Check a written .pptx or .docx for the faults that make Office offer to repair it."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from lxml import etree

from cipdocs.errors import SelfCheckError
from cipdocs.package.kind import macro_parts

CONTENT_TYPES = "[Content_Types].xml"
CORE_PROPERTIES_SUFFIX = "/metadata/core-properties"
"""The end of every form of the core-properties relationship type (the package's, LibreOffice's)."""
SHARED_MEDIA_TYPES = frozenset(
    {
        "http://schemas.microsoft.com/office/2007/relationships/media",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/video",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/audio",
    }
)
"""PowerPoint points at a video or sound with two relationships, ``media`` and ``video`` or
``audio``: the one pair of different types to one part that Office itself writes."""
NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
}
# Our own output, but parsed as carefully as input: no entities, no DTD, no network.
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
_MAX_REPORTED = 5
TABLE_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?tbl[\s>]")
"""The start of a DrawingML ``<a:tbl>`` or WordprocessingML ``<w:tbl>`` element."""


def check_office_file(path: Path) -> list[str]:
    """Return the structural faults of the .pptx or .docx at `path` (empty when it is sound)."""
    return check_office_bytes(path.read_bytes())


def check_office_bytes(data: bytes) -> list[str]:
    """Return the structural faults of a .pptx or .docx held in memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return list(_iter_faults(archive))
    except zipfile.BadZipFile as error:
        return [f"not a zip file ({error})"]


def check_office_parts(parts: Mapping[str, bytes]) -> list[str]:
    """Return the structural faults of a .pptx or .docx held as its parts (name -> bytes, in
    the order they are written)."""
    return list(_iter_faults(_Parts(parts)))


def raise_if_broken(path: Path, data: bytes | Mapping[str, bytes] | None = None) -> None:
    """Raise `SelfCheckError` when the document (`data`, its bytes or its parts, else the file
    at `path`) has faults."""
    if data is None:
        faults = check_office_file(path)
    elif isinstance(data, bytes):
        faults = check_office_bytes(data)
    else:
        faults = check_office_parts(data)
    if not faults:
        return
    shown = "; ".join(faults[:_MAX_REPORTED])
    more = f" (and {len(faults) - _MAX_REPORTED} more)" if len(faults) > _MAX_REPORTED else ""
    raise SelfCheckError(
        f"{path}: failed cipdocs' structural self-check, so Office would offer to repair it: "
        f"{shown}{more}; this is a bug in cipdocs, not in your workbook or template; please "
        "report it with both files (run with --debug for details)"
    )


class _Archive(Protocol):
    """What the checks read of a package: a zip file, or its parts already in hand."""

    def namelist(self) -> list[str]: ...

    def read(self, name: str) -> bytes: ...


class _Parts:
    """A package's parts in hand, read as a zip file is."""

    def __init__(self, parts: Mapping[str, bytes]) -> None:
        self.parts = parts

    def namelist(self) -> list[str]:
        return list(self.parts)

    def read(self, name: str) -> bytes:
        return self.parts[name]


def _iter_faults(archive: _Archive) -> Iterator[str]:
    names = [name for name in archive.namelist() if not name.endswith("/")]
    parts = {name.casefold(): name for name in names}
    # Part names are case-insensitive (OPC): two entries for one name is a package the Open
    # XML SDK refuses to open, whichever of them a reader would take.
    for folded, count in sorted(Counter(name.casefold() for name in names).items()):
        if count > 1:
            yield f"the part {parts[folded]} is in the file {count} times"
    if CONTENT_TYPES.casefold() not in parts:
        yield f"{CONTENT_TYPES} is missing"
    else:
        content_types = parts[CONTENT_TYPES.casefold()]
        yield from _content_type_faults(archive, content_types, names)
        yield from _macro_faults(archive, content_types, names)
    for name in names:
        if _is_rels(name):
            yield from _relationship_faults(archive, name, parts)
    for name in names:
        if not name.endswith(".xml") or name == CONTENT_TYPES:
            continue
        is_slide = name.startswith("ppt/slides/slide")
        data = archive.read(name)
        # Only slides and parts holding a table have something to check; skipping the rest
        # (styles, themes, fonts) keeps the check a small part of a run.
        if not is_slide and not TABLE_ELEMENT.search(data):
            continue
        tree = _parse_bytes(data)
        if tree is None:
            yield f"{name} is not well-formed XML"
            continue
        if is_slide:
            yield from _shape_id_faults(name, tree)
        yield from _drawing_table_faults(name, tree)
        yield from _word_table_faults(name, tree)


def _parse(archive: _Archive, name: str) -> etree._Element | None:
    return _parse_bytes(archive.read(name))


def _parse_bytes(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _is_rels(name: str) -> bool:
    folder, file_name = posixpath.split(name)
    return posixpath.basename(folder) == "_rels" and file_name.endswith(".rels")


def _content_type_faults(archive: _Archive, name: str, members: list[str]) -> Iterator[str]:
    """Yield a fault for each part that neither a Default nor an Override gives a type."""
    tree = _parse(archive, name)
    if tree is None:
        yield f"{name} is not well-formed XML"
        return
    defaults = {
        (element.get("Extension") or "").casefold() for element in tree.iterfind("ct:Default", NS)
    }
    overrides = {
        (element.get("PartName") or "").lstrip("/").casefold()
        for element in tree.iterfind("ct:Override", NS)
    }
    for member in members:
        if member == name:
            continue
        # rpartition, not splitext: "_rels/.rels" has the extension "rels".
        extension = posixpath.basename(member).rpartition(".")[2].casefold()
        if member.casefold() not in overrides and extension not in defaults:
            yield f"{member} has no content type in {CONTENT_TYPES}"


def _relationship_faults(archive: _Archive, name: str, parts: dict[str, str]) -> Iterator[str]:
    """Yield a fault for each internal relationship whose target the package does not hold."""
    tree = _parse(archive, name)
    if tree is None:
        yield f"{name} is not well-formed XML"
        return
    # word/_rels/document.xml.rels describes word/document.xml: targets are relative to word/.
    base = posixpath.dirname(posixpath.dirname(name))
    ids: Counter[str] = Counter()
    for relationship in tree.iterfind("rel:Relationship", NS):
        ids[relationship.get("Id") or ""] += 1
        if relationship.get("TargetMode") == "External":
            continue
        target = unquote(relationship.get("Target") or "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        resolved = posixpath.normpath(resolved)
        if resolved.casefold() not in parts:
            yield (
                f"{name}: relationship {relationship.get('Id')} points at {resolved}, "
                "which the file does not hold"
            )
    for rel_id, count in sorted(ids.items()):
        if count > 1:
            yield f"{name}: relationship id {rel_id!r} is used {count} times"
    yield from _relationship_type_faults(name, tree, base)


def _relationship_type_faults(name: str, tree: etree._Element, base: str) -> Iterator[str]:
    """Yield a fault for relationships the Open XML SDK refuses: two of different types to one
    part (but a video's or sound's pair), and more than one to core properties."""
    types: dict[str, set[str]] = {}
    core = 0
    for relationship in tree.iterfind("rel:Relationship", NS):
        rel_type = relationship.get("Type") or ""
        core += rel_type.casefold().endswith(CORE_PROPERTIES_SUFFIX)
        if relationship.get("TargetMode") == "External":
            continue
        target = unquote(relationship.get("Target") or "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        types.setdefault(posixpath.normpath(resolved), set()).add(rel_type)
    for target, found in sorted(types.items()):
        if len(found) > 1 and not found <= SHARED_MEDIA_TYPES:
            yield (
                f"{name}: {len(found)} relationships of different types point at {target} "
                f"({', '.join(sorted(found))})"
            )
    if core > 1:
        yield f"{name}: {core} relationships to core properties, where a package has one"


def _macro_faults(archive: _Archive, content_types: str, names: list[str]) -> Iterator[str]:
    """Yield a fault for each macro part (VBA project, ActiveX control, macro-enabled type)."""
    for part in macro_parts(names, archive.read(content_types)):
        yield f"{part} carries macros or an ActiveX control, which cipdocs never writes"


def _shape_id_faults(name: str, tree: etree._Element) -> Iterator[str]:
    """Yield a fault for each shape id used more than once on a slide."""
    ids = Counter(element.get("id") for element in tree.iterfind(".//p:cNvPr", NS))
    for shape_id, count in sorted(ids.items(), key=lambda item: str(item[0])):
        if count > 1:
            yield f"{name}: shape id {shape_id} is used by {count} shapes"


def _drawing_table_faults(name: str, tree: etree._Element) -> Iterator[str]:
    """Yield a fault for each PowerPoint table row whose cells do not fill its grid."""
    for table_number, table in enumerate(tree.iterfind(".//a:tbl", NS), start=1):
        columns = len(table.findall("a:tblGrid/a:gridCol", NS))
        for row_number, row in enumerate(table.iterfind("a:tr", NS), start=1):
            # DrawingML keeps a merged-over cell as its own <a:tc hMerge="1">, so the count
            # of cells must equal the grid; a gridSpan must also stay inside it.
            cells = row.findall("a:tc", NS)
            reach = max(
                (index + int(cell.get("gridSpan", "1")) for index, cell in enumerate(cells)),
                default=0,
            )
            if len(cells) != columns or reach > columns:
                yield (
                    f"{name}: table {table_number}, row {row_number} has {len(cells)} cells "
                    f"(spanning {reach}) but the table has {columns} columns"
                )


def _word_table_faults(name: str, tree: etree._Element) -> Iterator[str]:
    """Yield a fault for each Word table row whose cells (with their spans) miss the grid."""
    for table_number, table in enumerate(tree.iterfind(".//w:tbl", NS), start=1):
        columns = len(table.findall("w:tblGrid/w:gridCol", NS))
        rows = _word_children(table, "w:tr")
        for row_number, row in enumerate(rows, start=1):
            span = _word_row_span(row)
            if span != columns:
                yield (
                    f"{name}: table {table_number}, row {row_number} spans {span} grid columns "
                    f"but the table has {columns}"
                )


def _word_row_span(row: etree._Element) -> int:
    """Return the grid columns a Word row covers: its cells' spans plus gridBefore/gridAfter."""
    # Word leaves a merged-over cell out and widens the first with gridSpan instead.
    span = sum(_w_int(cell.find("w:tcPr/w:gridSpan", NS)) for cell in _word_children(row, "w:tc"))
    before = row.find("w:trPr/w:gridBefore", NS)
    after = row.find("w:trPr/w:gridAfter", NS)
    return (
        span
        + (_w_int(before) if before is not None else 0)
        + (_w_int(after) if after is not None else 0)
    )


def _word_children(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Return `parent`'s `tag` children, including those wrapped in a content control."""
    return parent.findall(tag, NS) + parent.findall(f"w:sdt/w:sdtContent/{tag}", NS)


def _w_int(element: etree._Element | None) -> int:
    """Return a ``w:val`` count, 1 when the element is absent."""
    if element is None:
        return 1
    value = element.get(f"{{{NS['w']}}}val", "1")
    return int(value) if value.isdigit() else 1
