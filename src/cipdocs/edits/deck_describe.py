"""Describe a python-pptx deck as a `DeckView` (edits/deck_view.py): slides, shapes and notes,
with the formatting each shape inherits worked out from the deck read once (verify/model.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from cipdocs.edits.deck_elements import (
    MEMBER_TAGS,
    A,
    describe_paragraph,
    element_box,
    element_grows,
    paragraph_text,
    shape_elements,
    shape_kind,
)
from cipdocs.edits.deck_view import DeckView, ParagraphView, ShapeView, SlideView
from cipdocs.verify.colours import NAMESPACES, Palette
from cipdocs.verify.contrast import text_defaults
from cipdocs.verify.model import DeckModel, ShapeModel, read_deck, read_shape

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHART_NAMESPACES = {**NAMESPACES, "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
EXTENDED_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)
TITLE_TYPES = {"title": "title", "ctrTitle": "title"}
"""LibreOffice writes a centred title back as a plain title."""


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
    # Shapes are read as they are described, and only those whose inheritance is not known yet.
    inherited = Inherited(read_deck(presentation, shapes=False))
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
