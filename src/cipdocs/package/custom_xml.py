"""Custom XML items inside an Office package: add or replace one by its root element, find it.

An item is plain Open Packaging: ``customXml/itemN.xml``, its ``itemPropsN.xml`` with a fixed
item id, and a ``customXml`` relationship from the main part (``ppt/presentation.xml`` or
``word/document.xml``). Items are told apart by the namespace of their root element, so
cipdocs' own (the report, the snapshot of what it wrote) live beside Word's bibliography or
SharePoint's and beside each other. LibreOffice keeps the items when it saves a .pptx or .docx
(it moves their relationships to the package root), so readers look for the item, not the
relationship.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from lxml import etree

from cipdocs.package.archive import PackageDamaged, PackageRefused, read_part

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = f"{_OFFICE}/officeDocument"
CUSTOM_XML = f"{_OFFICE}/customXml"
CUSTOM_XML_PROPS = f"{_OFFICE}/customXmlProps"
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CONTENT_TYPES = "[Content_Types].xml"
ITEM_NAME = re.compile(r"customXml/item(\d+)\.xml")
_RID = re.compile(r"rId(\d+)")
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)

Parts = dict[str, bytes]


def read_parts(package: bytes) -> Parts:
    """Return every part of the zip `package`, by name, in the zip's order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(parts: Parts) -> bytes:
    """Return `parts` as zip bytes, stored (write_document re-packs them deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def embed_custom_item(package: bytes, item_xml: bytes, *, item_id: str) -> bytes:
    """Return `package` (zip bytes) with `item_xml` as a custom XML item.

    An item whose root element has the same tag as `item_xml`'s is replaced; a new one gets
    its properties (with `item_id`), relationship and content types.
    """
    parts = read_parts(package)
    put_custom_item(parts, item_xml, item_id=item_id)
    return write_parts(parts)


def put_custom_item(parts: Parts, item_xml: bytes, *, item_id: str) -> None:
    """Put `item_xml` into `parts` as `embed_custom_item` puts it into a package."""
    tag = etree.fromstring(item_xml, _PARSER).tag
    item = find_custom_item(parts, str(tag))
    if item is None:
        item = add_custom_item(parts, item_id, etree.QName(tag).namespace or "")
    parts[item] = item_xml


def read_custom_item(package: bytes, tag: str, *, max_size: int) -> etree._Element | None:
    """Return the root element of the custom XML item of `package` whose root is `tag`.

    Items larger than `max_size` bytes, or not well-formed, are skipped; an item is inflated
    in bounded steps (package/archive.py), so one that lies about its size is skipped too,
    without ever holding more than `max_size` bytes of it.
    """
    file = io.BytesIO(package)
    with zipfile.ZipFile(file) as archive:
        for info in archive.infolist():
            if not ITEM_NAME.fullmatch(info.filename) or info.file_size > max_size:
                continue
            try:
                data = read_part(file, info, limit=max_size)
            except (PackageRefused, PackageDamaged, zlib.error):
                continue
            root = parse_xml(data)
            if root is not None and root.tag == tag:
                return root
    return None


def find_custom_item(parts: Parts, tag: str) -> str | None:
    """Return the name of the custom XML item whose root element is `tag`, if any."""
    for name, data in parts.items():
        if ITEM_NAME.fullmatch(name):
            root = parse_xml(data)
            if root is not None and root.tag == tag:
                return name
    return None


def add_custom_item(parts: Parts, item_id: str, schema: str) -> str:
    """Add an empty custom XML item with its properties, relationship and content types."""
    number = 1
    while f"customXml/item{number}.xml" in parts or f"customXml/itemProps{number}.xml" in parts:
        number += 1
    item, props = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
    parts[item] = b""
    parts[props] = _item_props(item_id, schema)
    parts[f"customXml/_rels/item{number}.xml.rels"] = _relationships(
        [("rId1", CUSTOM_XML_PROPS, f"itemProps{number}.xml")]
    )
    main = main_part(parts)
    main_rels = posixpath.join(posixpath.dirname(main), "_rels", f"{posixpath.basename(main)}.rels")
    target = posixpath.relpath(item, posixpath.dirname(main))
    parts[main_rels] = _add_relationship(parts.get(main_rels), CUSTOM_XML, target)
    parts[CONTENT_TYPES] = _add_content_types(parts[CONTENT_TYPES], item, props)
    return item


def main_part(parts: Parts) -> str:
    """Return the name of the package's main part (``ppt/presentation.xml``, …)."""
    root = etree.fromstring(parts["_rels/.rels"], _PARSER)
    for relationship in root.iterfind(f"{{{_REL_NS}}}Relationship"):
        if relationship.get("Type") == OFFICE_DOCUMENT:
            return (relationship.get("Target") or "").lstrip("/")
    raise ValueError("the package has no main document part")


def _item_props(item_id: str, schema: str) -> bytes:
    root = etree.Element(f"{{{_DS_NS}}}datastoreItem", nsmap={"ds": _DS_NS})
    root.set(f"{{{_DS_NS}}}itemID", item_id)
    refs = etree.SubElement(root, f"{{{_DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS_NS}}}schemaRef").set(f"{{{_DS_NS}}}uri", schema)
    return serialise_xml(root)


def _relationships(relationships: list[tuple[str, str, str]]) -> bytes:
    root = etree.fromstring(f'<Relationships xmlns="{_REL_NS}"/>')
    for rel_id, rel_type, target in relationships:
        etree.SubElement(
            root, f"{{{_REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target
        )
    return serialise_xml(root)


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
    return serialise_xml(root)


def _add_content_types(types: bytes, item: str, props: str) -> bytes:
    root = etree.fromstring(types, _PARSER)
    defaults = {
        (element.get("Extension") or "").casefold()
        for element in root.iterfind(f"{{{_CT_NS}}}Default")
    }
    if "xml" not in defaults:
        _add_override(root, item, "application/xml")
    _add_override(root, props, CUSTOM_XML_PROPS_TYPE)
    return serialise_xml(root)


def _add_override(root: etree._Element, part: str, content_type: str) -> None:
    etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=f"/{part}", ContentType=content_type)


def parse_xml(data: bytes) -> etree._Element | None:
    """Return `data` parsed safely (no entities, no DTD, no network), None if not well-formed."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def serialise_xml(root: etree._Element) -> bytes:
    """Return `root` as a standalone UTF-8 part."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
