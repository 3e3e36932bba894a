"""What a deck shows, slide by slide and shape by shape: the form both sides of a comparison take.

The same description is made of three decks: the one cipdocs wrote (kept in the document as
its snapshot), the one the person saved, and the one cipdocs writes now. It records what
survives another program's save: LibreOffice renumbers slide and shape ids, renames
placeholders (``PlaceHolder 1``), drops ``p:custDataLst`` tags and ``creationId``s, turns text
boxes into shapes, spells every inherited format out and rounds positions to 1/100 mm. So text
is compared as text with its *effective* formatting, boxes with a tolerance, and ids are one clue
among others (edits/deck_match.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from lxml import etree

from cipdocs.verify.colours import NAMESPACES, Palette
from cipdocs.verify.contrast import text_defaults
from cipdocs.verify.model import DeckModel, ShapeModel, read_deck, read_shape

A = NAMESPACES["a"]
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHART_NAMESPACES = {**NAMESPACES, "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
EXTENDED_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)
TITLE_TYPES = {"title": "title", "ctrTitle": "title"}
"""LibreOffice writes a centred title back as a plain title."""


@dataclass(frozen=True)
class ParagraphView:
    """One paragraph: its text and its runs' effective formatting."""

    text: str
    style: str
    """``len:bold,italic,underline,strike,size,colour`` per stretch of equal formatting."""


@dataclass(frozen=True)
class ShapeView:
    """One top-level shape of a slide."""

    id: int
    name: str
    kind: str
    """``text`` (text box or shape), ``picture``, ``line``, ``table``, ``chart``, ``group``…"""
    placeholder: str
    """The placeholder type (``title``, ``body``…), or empty."""
    box: tuple[int, int, int, int]
    """Left, top, width, height in EMU (a group: its members' bounds)."""
    grows: bool
    """The shape's height follows its text, so another program may set it anew."""
    unwrapped: bool
    """Its text does not wrap: with `grows`, the width follows the text too."""
    paragraphs: tuple[ParagraphView, ...]
    cells: tuple[tuple[str, ...], ...]
    """A table's cells' text, row by row."""
    content: str
    """A digest of what a chart or group shows (its data, its members' text and places)."""

    @property
    def label(self) -> str:
        """Return how a reader knows the shape: its name, else its first words."""
        if self.placeholder == "title":
            return "title"
        if self.kind == "chart" and self.name.startswith("Chart:"):
            return "chart"  # a template's binding, not a name
        if self.name and not self.name.startswith("PlaceHolder "):
            return self.name
        words = " ".join(p.text for p in self.paragraphs).strip()
        return words[:40] or self.kind


@dataclass(frozen=True)
class SlideView:
    """One slide: its id, layout, title, shapes and speaker notes."""

    id: int
    layout: str
    title: str
    hidden: bool
    shapes: tuple[ShapeView, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DeckView:
    """A deck's slides in order, and whether its slide and shape ids can be trusted."""

    slides: tuple[SlideView, ...]
    keeps_ids: bool = True
    """False when the program that saved it renumbers ids (LibreOffice)."""
    parts: str = ""
    """A digest of the deck's content parts as cipdocs wrote them (`parts_digest`): when the
    saved deck's parts still have it, nobody changed them and there is nothing to compare."""


class Inherited:
    """The run defaults, text colour and place shapes inherit, from the deck read once
    (verify/model.py), worked out once per layout and placeholder."""

    def __init__(self, deck: DeckModel) -> None:
        self.slides = {slide.element: slide for slide in deck.slides}
        self.shapes = {shape.element: shape for slide in deck.slides for shape in slide.shapes}
        self.found: dict[tuple[str, str], tuple[list[etree._Element], str]] = {}

    def palette(self, slide: Any) -> Palette:
        """Return the palette of the slide's master."""
        return self.slides[slide._element].master.palette

    def model(self, slide: Any, element: etree._Element) -> ShapeModel:
        """Return the model of one of the slide's top-level shapes."""
        found = self.shapes.get(element)
        if found is None:
            layout = self.slides[slide._element].layout
            found = self.shapes[element] = read_shape(element, layout, layout.master)
        return found

    def of(self, slide: Any, element: etree._Element) -> tuple[list[etree._Element], str]:
        """Return the run defaults (nearest first) and the text colour a shape inherits."""
        palette = self.palette(slide)
        own = element.findall("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NAMESPACES)
        key = self.key(slide, element)
        if key not in self.found:
            shape = self.model(slide, element)
            self.found[key] = (shape.run_defaults()[len(own) :], text_colour(shape, palette))
        tail, colour = self.found[key]
        font = element.find("p:style/a:fontRef", NAMESPACES)
        if font is not None:
            colour = palette.colour(font) or colour
        return [*own, *tail], colour

    def box(self, slide: Any, element: etree._Element) -> tuple[int, int, int, int]:
        """Return the shape's box, its layout's when it states none."""
        box = element_box(element)
        if box is not None:
            return box
        drawn = self.model(slide, element).box
        return drawn.left, drawn.top, drawn.right - drawn.left, drawn.bottom - drawn.top

    @staticmethod
    def key(slide: Any, element: etree._Element) -> tuple[str, str]:
        """Return what a shape inherits by: its slide's layout and its placeholder."""
        ph = element.find("./*/p:nvPr/p:ph", NAMESPACES)
        return (
            str(slide.slide_layout.part.partname),
            "" if ph is None else f"{ph.get('type', 'obj')}/{ph.get('idx', '0')}",
        )


def describe_deck(presentation: Any) -> DeckView:
    """Return what the python-pptx `presentation` shows."""
    inherited = Inherited(read_deck(presentation))
    ids = {
        entry.get(f"{{{R}}}id"): int(entry.get("id", "0"))
        for entry in presentation.slides._sldIdLst
    }
    slides = []
    for rel_id in ids:
        slide = presentation.part.related_slide(rel_id)
        slides.append(describe_slide(slide, ids[rel_id], inherited))
    return DeckView(tuple(slides), keeps_ids=not saved_by_libreoffice(presentation))


def saved_by_libreoffice(presentation: Any) -> bool:
    """Return True when LibreOffice saved the deck last (it renumbers every id)."""
    try:
        part = presentation.part.package.part_related_by(EXTENDED_PROPERTIES)
    except KeyError:
        return False
    found = etree.fromstring(part.blob).find("{*}Application")
    return found is not None and "LibreOffice" in (found.text or "")


def describe_slide(slide: Any, slide_id: int, inherited: Inherited) -> SlideView:
    """Return what one slide shows."""
    shapes = tuple(
        describe_shape(slide, element, inherited)
        for element in shape_elements(slide.shapes._spTree)
    )
    title = next((s for s in shapes if s.placeholder == "title"), None)
    return SlideView(
        id=slide_id,
        layout=str(slide.slide_layout.name),
        title=" ".join(p.text for p in title.paragraphs).strip() if title else "",
        hidden=slide._element.get("show") in ("0", "false"),
        shapes=shapes,
        notes=notes_of(slide),
    )


NOTES_SLIDE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide"


def notes_of(slide: Any) -> tuple[str, ...]:
    """Return the paragraphs of a slide's speaker notes (its notes page's body placeholder)."""
    for relationship in slide.part.rels.values():
        if relationship.reltype == NOTES_SLIDE and not relationship.is_external:
            notes = relationship.target_part._element
            for shape in notes.iterfind("p:cSld/p:spTree/p:sp", NAMESPACES):
                ph = shape.find("p:nvSpPr/p:nvPr/p:ph", NAMESPACES)
                if ph is not None and ph.get("type") == "body":
                    return tuple(
                        paragraph_text(p) for p in shape.iterfind("p:txBody/a:p", NAMESPACES)
                    )
    return ()


def shape_elements(tree: etree._Element) -> list[etree._Element]:
    """Return the shapes of a shape tree, in the order python-pptx's `shapes` gives them."""
    return [child for child in tree if child.tag in MEMBER_TAGS]


def describe_shape(slide: Any, element: etree._Element, inherited: Inherited) -> ShapeView:
    """Return what one top-level shape shows."""
    kind = shape_kind(element)
    ph = element.find("./*/p:nvPr/p:ph", NAMESPACES)
    placeholder = (
        "" if ph is None else TITLE_TYPES.get(ph.get("type", "obj"), ph.get("type", "obj"))
    )
    paragraphs: tuple[ParagraphView, ...] = ()
    body = element.find("p:txBody", NAMESPACES)
    if kind == "text" and body is not None:
        defaults, colour = inherited.of(slide, element)
        palette = inherited.palette(slide)
        paragraphs = tuple(
            describe_paragraph(p, defaults, colour, palette) for p in body.iterfind(f"{{{A}}}p")
        )
    cells: tuple[tuple[str, ...], ...] = ()
    if kind == "table":
        cells = tuple(
            tuple(
                "\n".join(paragraph_text(p) for p in cell.iterfind(".//a:p", NAMESPACES))
                for cell in row.iterfind("a:tc", NAMESPACES)
            )
            for row in element.iterfind(".//a:tbl/a:tr", NAMESPACES)
        )
    names = element.find("./*/p:cNvPr", NAMESPACES)
    return ShapeView(
        id=int(names.get("id", "0")) if names is not None else 0,
        name=names.get("name", "") if names is not None else "",
        kind=kind,
        placeholder=placeholder,
        box=inherited.box(slide, element),
        grows=element_grows(element),
        unwrapped=element.find("p:txBody/a:bodyPr[@wrap='none']", NAMESPACES) is not None,
        paragraphs=paragraphs,
        cells=cells,
        content=content_digest(slide, element, kind),
    )


def shape_kind(element: etree._Element) -> str:
    """Return the kind of shape, in the words both PowerPoint and LibreOffice files share."""
    tag = etree.QName(element).localname
    if tag == "graphicFrame":
        data = element.find("a:graphic/a:graphicData", NAMESPACES)
        uri = data.get("uri", "") if data is not None else ""
        return (
            "table" if uri.endswith("/table") else "chart" if uri.endswith("/chart") else "object"
        )
    return {"sp": "text", "pic": "picture", "cxnSp": "line", "grpSp": "group"}.get(tag, tag)


MEMBER_TAGS = {
    f"{{{NAMESPACES['p']}}}{tag}"
    for tag in ("sp", "pic", "cxnSp", "grpSp", "graphicFrame", "contentPart")
}


def element_box(element: etree._Element) -> tuple[int, int, int, int] | None:
    """Return the box a shape element states itself (a group: its members'), None if none."""
    tag = etree.QName(element).localname
    if tag == "grpSp":
        members = [child for child in element if child.tag in MEMBER_TAGS]
        fixed = [element_box(m) for m in members if not element_grows(m)]
        boxes = [box for box in fixed or [element_box(m) for m in members] if box is not None]
        return group_bounds(element, boxes) if boxes else None
    path = "p:xfrm" if tag == "graphicFrame" else "p:spPr/a:xfrm" if tag != "grpSp" else ""
    xfrm = element.find(path, NAMESPACES)
    if xfrm is None:
        return None
    offset, extent = xfrm.find("a:off", NAMESPACES), xfrm.find("a:ext", NAMESPACES)
    if offset is None or extent is None:
        return None
    return (
        int(offset.get("x", "0")),
        int(offset.get("y", "0")),
        int(extent.get("cx", "0")),
        int(extent.get("cy", "0")),
    )


def element_grows(element: etree._Element) -> bool:
    """Return True when the shape's height follows its text (another program sets it anew)."""
    body = element.find("p:txBody/a:bodyPr", NAMESPACES)
    return body is not None and body.find("a:spAutoFit", NAMESPACES) is not None


def group_bounds(
    group: etree._Element, boxes: list[tuple[int, int, int, int]]
) -> tuple[int, int, int, int]:
    """Return the bounds of member `boxes` (child coordinates) on the slide."""
    xfrm = group.find("p:grpSpPr/a:xfrm", NAMESPACES)
    values = {"x": 0, "y": 0, "cx": 1, "cy": 1}
    offset, extent, child_offset, child_extent = (dict(values) for _ in range(4))
    if xfrm is not None:
        for target, name in ((offset, "off"), (child_offset, "chOff")):
            found = xfrm.find(f"a:{name}", NAMESPACES)
            if found is not None:
                target.update(x=int(found.get("x", 0)), y=int(found.get("y", 0)))
        for target, name in ((extent, "ext"), (child_extent, "chExt")):
            found = xfrm.find(f"a:{name}", NAMESPACES)
            if found is not None:
                target.update(x=int(found.get("cx", 1)) or 1, y=int(found.get("cy", 1)) or 1)
    scale_x = extent["x"] / child_extent["x"]
    scale_y = extent["y"] / child_extent["y"]
    left = min(box[0] for box in boxes)
    top = min(box[1] for box in boxes)
    right = max(box[0] + box[2] for box in boxes)
    bottom = max(box[1] + box[3] for box in boxes)
    x = offset["x"] + (left - child_offset["x"]) * scale_x
    y = offset["y"] + (top - child_offset["y"]) * scale_y
    return round(x), round(y), round((right - left) * scale_x), round((bottom - top) * scale_y)


def describe_paragraph(
    paragraph: etree._Element, defaults: list[etree._Element], colour: str, palette: Palette
) -> ParagraphView:
    """Return a paragraph's text and effective run formatting."""
    stretches: list[list[Any]] = []
    for child in paragraph:
        name = etree.QName(child).localname
        if name not in ("r", "fld", "br"):
            continue
        text = "\n" if name == "br" else child.findtext("a:t", "", NAMESPACES)
        if not text:
            continue
        if name == "br" and stretches:
            stretches[-1][0] += 1  # a line break shows no formatting of its own
            continue
        style = run_style(child.find("a:rPr", NAMESPACES), defaults, colour, palette)
        if stretches and stretches[-1][1] == style:
            stretches[-1][0] += len(text)
        else:
            stretches.append([len(text), style])
    return ParagraphView(
        paragraph_text(paragraph), ";".join(f"{n}:{style}" for n, style in stretches)
    )


def paragraph_text(paragraph: etree._Element) -> str:
    """Return a paragraph's text, line breaks as ``\\n``."""
    parts = []
    for child in paragraph:
        name = etree.QName(child).localname
        if name == "br":
            parts.append("\n")
        elif name in ("r", "fld"):
            parts.append(child.findtext("a:t", "", NAMESPACES))
    return "".join(parts)


def run_style(
    properties: etree._Element | None,
    defaults: list[etree._Element],
    colour: str,
    palette: Palette,
) -> str:
    """Return a run's effective bold, italic, underline, strike, size and colour."""
    chain = [p for p in (properties, *defaults) if p is not None]

    def first(name: str, default: str) -> str:
        return next((str(p.get(name)) for p in chain if p.get(name) is not None), default)

    bold = first("b", "0") in ("1", "true")
    italic = first("i", "0") in ("1", "true")
    underline = first("u", "none") != "none"
    strike = first("strike", "noStrike") != "noStrike"
    fill = properties.find("a:solidFill", NAMESPACES) if properties is not None else None
    own = palette.colour(fill) if fill is not None else None
    if properties is not None and properties.find("a:hlinkClick", NAMESPACES) is not None:
        # A link's colour and underline come from the theme; programs spell them out or not.
        underline, own = False, "link"
    flags = "".join("1" if flag else "0" for flag in (bold, italic, underline, strike))
    # An inherited colour is marked: programs that spell colours out may resolve it otherwise.
    return f"{flags},{first('sz', '1800')},{own or '~' + colour}"


def text_colour(shape: ShapeModel, palette: Palette) -> str:
    """Return the text colour a shape's runs inherit."""
    found = text_defaults(shape, palette)
    return found[0] if found else "000000"


def content_digest(slide: Any, element: etree._Element, kind: str) -> str:
    """Return a digest of a chart's data and title, or of a group's members' text and places
    (the places of members whose height follows their text left out: programs set them anew)."""
    if kind == "chart":
        reference = element.find(".//c:chart", CHART_NAMESPACES)
        rel_id = reference.get(f"{{{R}}}id", "") if reference is not None else ""
        if rel_id not in slide.part.rels:
            return ""
        part = slide.part.related_part(rel_id)
        chart = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
        values = [
            f"{series_part(value)}={value.text}"
            for value in chart.iterfind(".//c:ser//c:v", CHART_NAMESPACES)
        ]
        values += [text.text or "" for text in chart.iterfind(".//c:title//a:t", CHART_NAMESPACES)]
        return digest(values)
    if kind == "group":
        parts = []
        for member in element:
            if member.tag not in MEMBER_TAGS:
                continue
            text = "\n".join(paragraph_text(p) for p in member.iter(f"{{{A}}}p"))
            box = None if element_grows(member) else element_box(member)
            place = ",".join(str(v // 12700) for v in box) if box else ""
            parts.append(f"{text}@{place}")
        return digest(parts)
    return ""


def series_part(value: etree._Element) -> str:
    """Return which part of a chart series a value is (``pt`` under ``cat``, ``val``, ``tx``…)."""
    parent = value.getparent()
    holder = parent.getparent() if parent is not None else None
    return etree.QName(holder).localname if holder is not None else ""


def digest(values: list[str]) -> str:
    """Return a short digest of `values`."""
    return hashlib.sha1("\x1f".join(values).encode()).hexdigest()[:16]
