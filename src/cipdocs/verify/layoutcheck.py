"""Check a filled deck's layout before it is written: no text past the slide, no new overlaps.

Each text box's text is measured with its font's metrics (pptx_template/measure.py), so a box
whose text has grown past its bottom counts as tall as its text. Two shapes that hold text may
overlap only where they already overlapped in the template. See docs/checks.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from cipdocs.errors import DeckCheckError
from cipdocs.pptx_template.fonts import theme_fonts
from cipdocs.pptx_template.measure import Measurer, TextStyle, resolve_typeface
from cipdocs.pptx_template.measure import measurer as shared_measurer
from cipdocs.pptx_template.text import paragraph_text
from cipdocs.verify.colours import NAMESPACES
from cipdocs.verify.shapes import TITLE_TYPES, Finding, inherited_elements, placeholder_type

EMU_PER_POINT = 12700
EMU_PER_CM = 360000
DEFAULT_SIZE = 18.0
"""PowerPoint's text size where nothing sets one, in points."""
INSETS = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720}
"""A text box's default inner margins, in EMU."""
TOLERANCE = EMU_PER_POINT
"""A point of overlap or overhang is rounding, not a fault."""
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}")
FLOOR_SIZE = 10.0
"""The smallest size, in points, text is shrunk to so that it stays on its slide."""
SHRINK_STEP = 0.5
POINT = EMU_PER_POINT


@dataclass(frozen=True)
class Box:
    """Where a shape's text is drawn, in EMU."""

    left: int
    top: int
    right: int
    bottom: int

    def overlap(self, other: Box) -> tuple[int, int]:
        """Return how far the two boxes overlap across and down (0 where they do not)."""
        across = min(self.right, other.right) - max(self.left, other.left)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        return max(0, across), max(0, down)


def cm(emu: int) -> str:
    """Return `emu` in centimetres, one decimal: ``9.2 cm``."""
    return f"{emu / EMU_PER_CM:.1f} cm"


def overlapping_text_shapes(presentation: Any) -> set[tuple[str, str]]:
    """Return the pairs of text-bearing shape names that overlap (in the unfilled template)."""
    pairs: set[tuple[str, str]] = set()
    for slide in presentation.slides:
        boxes = [(str(shape.name), shape_box(shape)) for shape in text_shapes(slide)]
        for index, (name, box) in enumerate(boxes):
            for other, other_box in boxes[index + 1 :]:
                if min(box.overlap(other_box)) > TOLERANCE:
                    pairs.add(tuple(sorted((name, other))))  # type: ignore[arg-type]
    return pairs


def shrink_overflowing_text(presentation: Any, measurer: Measurer | None = None) -> None:
    """Shrink the text of each text box that runs past the slide's bottom until it fits, in
    steps of half a point, never below `FLOOR_SIZE` (what still does not fit is reported)."""
    measurer = measurer or shared_measurer()
    fonts = theme_fonts(presentation)
    height = int(presentation.slide_height)
    for slide in presentation.slides:
        for shape in text_shapes(slide):
            if getattr(shape, "has_table", False):
                continue
            if text_box(shape, measurer, fonts).bottom <= height:
                continue
            paragraphs = list(shape.text_frame.paragraphs)
            defaults = inherited_defaults(shape)
            sizes = [paragraph_style(shape, p._p, fonts, defaults).size for p in paragraphs]
            step = 0
            while text_box(shape, measurer, fonts).bottom > height:
                step += 1
                if min(sizes) - step * SHRINK_STEP < FLOOR_SIZE:
                    break
                for paragraph, size in zip(paragraphs, sizes, strict=True):
                    for run in paragraph.runs:
                        run.font.size = POINT * (size - step * SHRINK_STEP)


def check_layout(
    presentation: Any, allowed: set[tuple[str, str]], measurer: Measurer | None = None
) -> list[Finding]:
    """Return a finding for each text past the slide's edge and each overlap not in `allowed`."""
    measurer = measurer or shared_measurer()
    fonts = theme_fonts(presentation)
    width, height = int(presentation.slide_width), int(presentation.slide_height)
    findings: list[Finding] = []
    for number, slide in enumerate(presentation.slides, start=1):
        boxes = [
            (str(shape.name), text_box(shape, measurer, fonts)) for shape in text_shapes(slide)
        ]
        for name, box in boxes:
            findings += past_the_slide(number, name, box, width, height)
        for index, (name, box) in enumerate(boxes):
            for other, other_box in boxes[index + 1 :]:
                across, down = box.overlap(other_box)
                pair = tuple(sorted((name, other)))
                if min(across, down) > TOLERANCE and pair not in allowed:
                    findings.append(
                        Finding(
                            number,
                            name,
                            "overlap",
                            f"its text is drawn over shape {other!r} ({cm(down)} of it); "
                            "shorten the text or move the shapes apart in the template",
                        )
                    )
    return findings


def raise_on_layout_findings(deck: Path, findings: Sequence[Finding]) -> None:
    """Raise `DeckCheckError` with the findings, if any: the deck is not written."""
    if findings:
        raise DeckCheckError(deck, [f"{deck}: {finding}" for finding in findings])


def past_the_slide(number: int, name: str, box: Box, width: int, height: int) -> list[Finding]:
    """Return a finding when `box` reaches past the slide's bottom or right edge."""
    if box.bottom > height + TOLERANCE:
        return [
            Finding(
                number,
                name,
                "past the slide",
                f"the text needs {cm(box.bottom - box.top)} from {cm(box.top)} down, "
                f"{cm(max(0, height - box.top))} are left on the slide; shorten it or make "
                "room for it in the template",
            )
        ]
    if box.right > width + TOLERANCE or box.left < -TOLERANCE or box.top < -TOLERANCE:
        return [
            Finding(
                number,
                name,
                "past the slide",
                "the shape reaches past the edge of the slide; move it onto the slide",
            )
        ]
    return []


def text_shapes(slide: Any) -> Iterator[Any]:
    """Yield the slide's top-level shapes and tables that hold text."""
    for shape in slide.shapes:
        if getattr(shape, "has_table", False) or (
            getattr(shape, "has_text_frame", False) and str(shape.text_frame.text).strip()
        ):
            yield shape


def shape_box(shape: Any) -> Box:
    """Return the shape's own box."""
    left, top = int(shape.left or 0), int(shape.top or 0)
    return Box(left, top, left + int(shape.width or 0), top + int(shape.height or 0))


def text_box(shape: Any, measurer: Measurer, fonts: tuple[str, str]) -> Box:
    """Return where the shape's text is drawn: its box, grown to fit text that overflows it."""
    box = shape_box(shape)
    if getattr(shape, "has_table", False):
        return Box(box.left, box.top, box.right, box.top + table_height(shape, measurer, fonts))
    body = shape.element.find(".//p:txBody/a:bodyPr", NAMESPACES)
    if body is None or body.find("a:normAutofit", NAMESPACES) is not None:
        return box  # shrink on overflow: the renderer fits the text into the box
    insets = {side: int(body.get(side, default)) for side, default in INSETS.items()}
    usable = box.right - box.left - insets["lIns"] - insets["rIns"]
    needed = insets["tIns"] + insets["bIns"]
    needed += text_height(shape, shape.element, usable, measurer, fonts, inherited_defaults(shape))
    extra = needed - (box.bottom - box.top)
    if extra <= 0:
        return box
    anchor = body.get("anchor", "t")
    above = extra // 2 if anchor == "ctr" else extra if anchor == "b" else 0
    return Box(box.left, box.top - above, box.right, box.bottom + extra - above)


def table_height(frame: Any, measurer: Measurer, fonts: tuple[str, str]) -> int:
    """Return the height the table's rows take with their text measured, in EMU."""
    table = frame.table._tbl
    defaults = inherited_defaults(frame)
    widths = [
        int(column.get("w", "0")) for column in table.findall("a:tblGrid/a:gridCol", NAMESPACES)
    ]
    total = 0
    for row in table.findall("a:tr", NAMESPACES):
        needed = int(row.get("h", "0"))
        for index, cell in enumerate(row.findall("a:tc", NAMESPACES)):
            if cell.get("hMerge") == "1" or cell.get("vMerge") == "1" or index >= len(widths):
                continue
            span = int(cell.get("gridSpan", "1"))
            margins = cell.find("a:tcPr", NAMESPACES)
            margin = {} if margins is None else dict(margins.attrib)
            usable = (
                sum(widths[index : index + span])
                - int(margin.get("marL", 91440))
                - int(margin.get("marR", 91440))
            )
            height = int(margin.get("marT", 45720)) + int(margin.get("marB", 45720))
            height += text_height(frame, cell, usable, measurer, fonts, defaults)
            needed = max(needed, height)
        total += needed
    return total


def text_height(
    shape: Any,
    holder: etree._Element,
    usable: int,
    measurer: Measurer,
    fonts: tuple[str, str],
    defaults: list[etree._Element],
) -> int:
    """Return the height of the paragraphs in `holder` wrapped `usable` EMU wide, in EMU."""
    total = 0.0
    for paragraph in holder.iterfind(".//a:p", NAMESPACES):
        # A template's tags are not drawn as they stand: measure the text around them.
        text = TEMPLATE_TAG.sub("", paragraph_text(paragraph))
        style = paragraph_style(shape, paragraph, fonts, defaults)
        spacing = line_spacing(paragraph)
        total += measurer.height(text, usable / EMU_PER_POINT, style, spacing)
    return round(total * EMU_PER_POINT)


def line_spacing(paragraph: etree._Element) -> float:
    """Return the paragraph's line spacing as a multiple of single spacing."""
    percent = paragraph.find("a:pPr/a:lnSpc/a:spcPct", NAMESPACES)
    return int(percent.get("val", "100000")) / 100000 if percent is not None else 1.0


def paragraph_style(
    shape: Any, paragraph: etree._Element, fonts: tuple[str, str], defaults: list[etree._Element]
) -> TextStyle:
    """Return the style a paragraph is measured in: its largest run's size, bold if any run is
    bold (bold is wider), in the typeface the first run resolves to; `defaults` are the run
    defaults the shape inherits (`inherited_defaults`)."""
    runs = [run.find("a:rPr", NAMESPACES) for run in paragraph.iterfind("a:r", NAMESPACES)]
    levels = [*runs, paragraph.find("a:pPr/a:defRPr", NAMESPACES)]
    sizes = [size for size in map(size_of, levels) if size]
    inherited = [size for size in map(size_of, defaults) if size]
    size = max(sizes) if sizes else (inherited[0] if inherited else DEFAULT_SIZE)
    bold = any(properties is not None and properties.get("b") == "1" for properties in levels)
    bold = bold or next((found.get("b") == "1" for found in defaults if found.get("b")), False)
    candidates = [
        typeface(properties) for properties in [runs[0] if runs else None, *levels[-1:], *defaults]
    ]
    heading = placeholder_type(shape.element) in TITLE_TYPES
    return TextStyle(resolve_typeface(candidates, *fonts, heading=heading), size, bold)


def size_of(properties: etree._Element | None) -> float | None:
    """Return the size run properties set, in points, if any."""
    size = properties.get("sz") if properties is not None else None
    return int(size) / 100 if size else None


def typeface(properties: etree._Element | None) -> str | None:
    """Return the Latin typeface a run's properties name, if any."""
    if properties is None:
        return None
    latin = properties.find("a:latin", NAMESPACES)
    return latin.get("typeface") if latin is not None else None


def inherited_defaults(shape: Any) -> list[etree._Element]:
    """Return the run defaults the shape inherits, nearest first: its own list style, its
    layout's and master's placeholders, then the master's text styles."""
    found: list[etree._Element] = []
    for element in [shape.element, *inherited_elements(shape)]:
        found += element.findall("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NAMESPACES)
    part = shape.part
    if hasattr(part, "slide_layout"):
        kind = placeholder_type(shape.element)
        style = "p:otherStyle"
        if kind is not None:
            style = "p:titleStyle" if kind in TITLE_TYPES else "p:bodyStyle"
        master = part.slide_layout.slide_master.element
        found += master.findall(f"p:txStyles/{style}/a:lvl1pPr/a:defRPr", NAMESPACES)
    return found
