"""Bring paragraphs and rows of one Word package into another: links, pictures, styles and lists.

A paragraph taken from the earlier document names things of its own package by id: hyperlinks and
pictures by relationship id, styles by style id, lists by numbering id, bookmarks and drawings by
number. Each is re-made in the new package, so the result opens in Word without repair; what
cannot be brought (a chart, an embedded file, a footnote) is refused with a reason the caller
reports as an edit not carried.
"""

from __future__ import annotations

import copy
import io
import itertools
import posixpath
import zipfile

from lxml import etree

from cipdocs.edits.update_units import w

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE_DOCUMENT = f"{R}/officeDocument"
_STYLES = f"{R}/styles"
_NUMBERING = f"{R}/numbering"
_HYPERLINK = f"{R}/hyperlink"
_IMAGE = f"{R}/image"
_OBJECTS = {"chart": "a chart", "oleObject": "an embedded file", "package": "an embedded file"}
_RANGES = {
    f"{kind}{end}": kind
    for kind in ("bookmark", "moveFromRange", "moveToRange", "perm", "customXmlInsRange")
    for end in ("Start", "End")
} | {"customXmlDelRangeStart": "customXmlDelRange", "customXmlDelRangeEnd": "customXmlDelRange"}
"""Elements that open or close a range, by the kind of range: a start and its end share an id."""
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


class CannotCarry(Exception):
    """What a paragraph holds that cannot be brought into another document."""


class WordPackage:
    """The parts of a .docx, with its main document, relationships and content types parsed."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts: dict[str, bytes] = {name: archive.read(name) for name in archive.namelist()}
        self._parsed: dict[str, etree._Element] = {}
        self.main = _main_part(self.parts)
        self.document = self.xml(self.main)
        self.rels_name = posixpath.join(
            posixpath.dirname(self.main), "_rels", posixpath.basename(self.main) + ".rels"
        )

    def xml(self, name: str) -> etree._Element:
        """Return part `name` parsed; changes to it are kept by `data`."""
        if name not in self._parsed:
            self._parsed[name] = etree.fromstring(self.parts[name], _PARSER)
        return self._parsed[name]

    @property
    def body(self) -> etree._Element:
        """Return the document's ``w:body``."""
        body = self.document.find(w("body"))
        if body is None:
            raise ValueError("the document has no body")
        return body

    @property
    def rels(self) -> etree._Element:
        """Return the main part's relationships, made empty when it has none."""
        if self.rels_name not in self.parts:
            self.parts[self.rels_name] = f'<Relationships xmlns="{_PACKAGE_RELS}"/>'.encode()
        return self.xml(self.rels_name)

    def related(self, reltype: str) -> str | None:
        """Return the name of the part the main part relates to with `reltype`, if any."""
        for rel in self.rels:
            if rel.get("Type") == reltype and rel.get("TargetMode") != "External":
                return self.resolve(rel.get("Target") or "")
        return None

    def resolve(self, target: str) -> str:
        """Return the part name a target relative to the main part stands for."""
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.main), target))

    def content_type(self, name: str) -> str | None:
        """Return the content type of part `name`."""
        types = self.xml("[Content_Types].xml")
        for override in types.iterfind(f"{{{_CONTENT_TYPES}}}Override"):
            if (override.get("PartName") or "").lstrip("/") == name:
                return override.get("ContentType")
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        for default in types.iterfind(f"{{{_CONTENT_TYPES}}}Default"):
            if (default.get("Extension") or "").lower() == extension:
                return default.get("ContentType")
        return None

    def style_names(self) -> dict[str, str]:
        """Return the package's style ids with their names (``Caption1`` -> ``caption``)."""
        name = self.related(_STYLES) or "word/styles.xml"
        if name not in self.parts:
            return {}
        return {
            style.get(w("styleId")) or "": found.get(w("val")) or ""
            for style in self.xml(name).iterfind(w("style"))
            if (found := style.find(w("name"))) is not None
        }

    def data(self) -> bytes:
        """Return the package as zip bytes, parts changed through `xml` re-serialised."""
        for name, root in self._parsed.items():
            self.parts[name] = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        buffer = io.BytesIO()
        # Stored: write_document re-packs the zip (normalize_zip) before it is written.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for name, part in self.parts.items():
                archive.writestr(name, part)
        return buffer.getvalue()


def _main_part(parts: dict[str, bytes]) -> str:
    root = etree.fromstring(parts["_rels/.rels"], _PARSER)
    for rel in root:
        if rel.get("Type") == _OFFICE_DOCUMENT:
            return (rel.get("Target") or "").lstrip("/")
    raise ValueError("the package has no main document part")


class Graft:
    """Copies of elements of `earlier`, made to stand in `fresh`."""

    def __init__(self, earlier: WordPackage, fresh: WordPackage) -> None:
        self.earlier = earlier
        self.fresh = fresh
        self._rel_ids: dict[str, str] = {}
        self._num_ids: dict[str, str | None] = {}
        self._next_rel = itertools.count(_max_number(fresh.rels, "Id", "rId") + 1)
        bookmarks = fresh.body.iter(w("bookmarkStart"))
        self._bookmark_names = {mark.get(w("name")) for mark in bookmarks}
        self._next_id = itertools.count(_max_number(fresh.body, w("id")) + 1)
        self._next_drawing = itertools.count(
            max((int(d.get("id") or 0) for d in fresh.body.iter(f"{{{WP}}}docPr")), default=0) + 1
        )

    def bring(self, element: etree._Element) -> etree._Element:
        """Return a copy of `element` with everything it names made in the fresh package."""
        for reference in element.iter(w("footnoteReference"), w("endnoteReference")):
            kind = "footnote" if reference.tag == w("footnoteReference") else "endnote"
            raise CannotCarry(f"it holds a {kind}, which cipdocs cannot carry")
        carried = copy.deepcopy(element)
        for node in carried.iter():
            for name in (f"{{{W14}}}paraId", f"{{{W14}}}textId"):
                if name in node.attrib:
                    del node.attrib[name]
        self._drop_comments(carried)
        _normalise_switches(carried)
        # A section break keeps its page (orientation, margins, columns); its own header and
        # footer parts are not carried, so it shows the ones before it.
        for reference in list(carried.iter(w("headerReference"), w("footerReference"))):
            _remove(reference)
        self._relate(carried)
        self._renumber(carried)
        self._style(carried)
        self._number(carried)
        return carried

    def _drop_comments(self, element: etree._Element) -> None:
        # Comments live in their own part; the text they were about is kept, the comment is not.
        for mark in list(element.iter(w("commentRangeStart"), w("commentRangeEnd"))):
            _remove(mark)
        for reference in list(element.iter(w("commentReference"))):
            run = reference.getparent()
            _remove(run if run is not None and run.tag == w("r") else reference)

    def _relate(self, element: etree._Element) -> None:
        for node in element.iter():
            for name, value in list(node.attrib.items()):
                if isinstance(name, str) and name.startswith(f"{{{R}}}"):
                    node.set(name, self._rel_id(str(value)))

    def _rel_id(self, earlier_id: str) -> str:
        if earlier_id in self._rel_ids:
            return self._rel_ids[earlier_id]
        rel = next((r for r in self.earlier.rels if r.get("Id") == earlier_id), None)
        if rel is None:
            raise CannotCarry("it refers to a part the document does not hold")
        reltype, target = rel.get("Type") or "", rel.get("Target") or ""
        external = rel.get("TargetMode") == "External"
        if not external and reltype == _IMAGE:
            target = self._copy_picture(self.earlier.resolve(target))
        elif not (external and reltype == _HYPERLINK):
            what = _OBJECTS.get(reltype.rpartition("/")[2], "an object")
            raise CannotCarry(f"it holds {what}, which cipdocs cannot carry")
        new_id = f"rId{next(self._next_rel)}"
        attributes = {"Id": new_id, "Type": reltype, "Target": target}
        if external:
            attributes["TargetMode"] = "External"
        etree.SubElement(self.fresh.rels, f"{{{_PACKAGE_RELS}}}Relationship", attributes)
        self._rel_ids[earlier_id] = new_id
        return new_id

    def _copy_picture(self, name: str) -> str:
        """Copy picture part `name` into the fresh package; return its target from the main part."""
        if name not in self.earlier.parts:
            raise CannotCarry("it holds a picture the document does not hold")
        stem, extension = posixpath.splitext(posixpath.basename(name))
        # Carried again next time under the same name, so a rerun writes the same bytes.
        stem = stem.removeprefix("carried-")
        folder = posixpath.join(posixpath.dirname(self.fresh.main), "media")
        new_name = posixpath.join(folder, f"carried-{stem}{extension}")
        for number in itertools.count(2):
            if new_name not in self.fresh.parts:
                break
            new_name = posixpath.join(folder, f"carried-{stem}-{number}{extension}")
        self.fresh.parts[new_name] = self.earlier.parts[name]
        content_type = self.earlier.content_type(name) or "application/octet-stream"
        if self.fresh.content_type(new_name) != content_type:
            etree.SubElement(
                self.fresh.xml("[Content_Types].xml"),
                f"{{{_CONTENT_TYPES}}}Override",
                PartName=f"/{new_name}",
                ContentType=content_type,
            )
        return posixpath.relpath(new_name, posixpath.dirname(self.fresh.main))

    def _renumber(self, element: etree._Element) -> None:
        """Give bookmarks, tracked changes and drawings numbers of their own in the document.

        A range's start and end keep one number between them; a bookmark whose name the new
        document (or a paragraph carried before) already has is dropped, with its end.
        """
        numbers: dict[tuple[str, str], str] = {}
        for node in list(element.iter()):
            old = node.get(w("id"))
            if old is None or not isinstance(node.tag, str):
                continue
            name = etree.QName(node).localname
            family = _RANGES.get(name)
            if family is None:
                node.set(w("id"), str(next(self._next_id)))
                continue
            if name == "bookmarkStart":
                if node.get(w("name")) in self._bookmark_names:
                    _remove(node)
                    continue
                self._bookmark_names.add(node.get(w("name")))
            if name.endswith("Start"):
                numbers[family, old] = str(next(self._next_id))
            number = numbers.get((family, old))
            if number is None:
                _remove(node)  # an end whose start is not carried
            else:
                node.set(w("id"), number)
        for drawing in element.iter(f"{{{WP}}}docPr"):
            drawing.set("id", str(next(self._next_drawing)))

    def _style(self, element: etree._Element) -> None:
        for reference in list(element.iter(w("pStyle"), w("rStyle"), w("tblStyle"))):
            if not self._ensure_style(reference.get(w("val")) or ""):
                _remove(reference)

    def _ensure_style(self, style_id: str) -> bool:
        """Make style `style_id` exist in the fresh package; return False when it cannot."""
        fresh_styles = self._styles(self.fresh)
        if fresh_styles is None:
            return False
        if _find_style(fresh_styles, style_id) is not None:
            return True
        earlier_styles = self._styles(self.earlier)
        style = None if earlier_styles is None else _find_style(earlier_styles, style_id)
        if style is None:
            return False
        style = copy.deepcopy(style)
        fresh_styles.append(style)
        for link in list(style.iterchildren(w("basedOn"), w("link"), w("next"))):
            if not self._ensure_style(link.get(w("val")) or ""):
                _remove(link)
        return True

    def _styles(self, package: WordPackage) -> etree._Element | None:
        name = package.related(_STYLES)
        return package.xml(name) if name is not None and name in package.parts else None

    def _number(self, element: etree._Element) -> None:
        """Keep a carried list paragraph in its list: by its style, or with its list copied."""
        for numbering in list(element.iter(w("numPr"))):
            properties = numbering.getparent()
            style = properties.find(w("pStyle")) if properties is not None else None
            if style is not None and self._style_numbers(style.get(w("val")) or ""):
                # LibreOffice writes the style's list out on each paragraph, with its own ids.
                _remove(numbering)
                continue
            number = numbering.find(w("numId"))
            value = number.get(w("val")) if number is not None else None
            if number is None or value in (None, "0"):
                continue
            new_value = self._num_id(value or "")
            if new_value is None:
                _remove(numbering)
            else:
                number.set(w("val"), new_value)

    def _style_numbers(self, style_id: str) -> bool:
        styles = self._styles(self.fresh)
        style = None if styles is None else _find_style(styles, style_id)
        return style is not None and style.find(f"{w('pPr')}/{w('numPr')}") is not None

    def _num_id(self, earlier_id: str) -> str | None:
        if earlier_id not in self._num_ids:
            self._num_ids[earlier_id] = self._copy_list(earlier_id)
        return self._num_ids[earlier_id]

    def _copy_list(self, earlier_id: str) -> str | None:
        earlier_name = self.earlier.related(_NUMBERING)
        fresh_name = self.fresh.related(_NUMBERING)
        if earlier_name is None or fresh_name is None:
            return None
        earlier, fresh = self.earlier.xml(earlier_name), self.fresh.xml(fresh_name)
        instance = _find(earlier, "num", "numId", earlier_id)
        abstract_id = instance.find(w("abstractNumId")) if instance is not None else None
        abstract = (
            None
            if abstract_id is None
            else _find(earlier, "abstractNum", "abstractNumId", abstract_id.get(w("val")) or "")
        )
        if instance is None or abstract is None or abstract_id is None:
            return None
        new_abstract = str(_max_number(fresh, w("abstractNumId")) + 1)
        new_num = str(_max_number(fresh, w("numId")) + 1)
        abstract = copy.deepcopy(abstract)
        abstract.set(w("abstractNumId"), new_abstract)
        for link in list(abstract.iter(w("numStyleLink"), w("styleLink"), w("pStyle"))):
            _remove(link)
        instance = copy.deepcopy(instance)
        instance.set(w("numId"), new_num)
        instance_abstract = instance.find(w("abstractNumId"))
        if instance_abstract is not None:
            instance_abstract.set(w("val"), new_abstract)
        # CT_Numbering: every abstractNum before the first num.
        first_num = fresh.find(w("num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            fresh.append(abstract)
        last_num = fresh.findall(w("num"))
        if last_num:
            last_num[-1].addnext(instance)
        else:
            fresh.append(instance)
        return new_num


def _normalise_switches(element: etree._Element) -> None:
    # LibreOffice writes switches as w:val="true"/"false"; some (w:cantSplit, w:tblHeader) allow
    # only "on"/"off" in the schema Word and the validator hold to. Absent means on.
    for node in element.iter():
        value = node.get(w("val"))
        if value == "true":
            del node.attrib[w("val")]
        elif value == "false":
            node.set(w("val"), "off")


def _find_style(styles: etree._Element, style_id: str) -> etree._Element | None:
    return _find(styles, "style", "styleId", style_id)


def _find(root: etree._Element, tag: str, attribute: str, value: str) -> etree._Element | None:
    for element in root.iterchildren(w(tag)):
        if element.get(w(attribute)) == value:
            return element
    return None


def _max_number(root: etree._Element, attribute: str, prefix: str = "") -> int:
    numbers = []
    for element in root.iter():
        value = element.get(attribute) or ""
        if value.startswith(prefix) and value[len(prefix) :].isdigit():
            numbers.append(int(value[len(prefix) :]))
    return max(numbers, default=0)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
