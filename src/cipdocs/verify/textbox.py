"""Where a shape's text is drawn, measured with its font's metrics (pptx_template/measure.py):
a text box grown to fit text that overflows it, a table as tall as its measured rows.

What the renderers do that is measured here: a text box set to shrink text on overflow (its own
or inherited from its layout's or master's placeholder) keeps its size; one that does not wrap
is one line per paragraph; insets and the anchor come from the nearest of the shape and the
placeholders it inherits from; a table cell merged across columns wraps in their widths, one
merged down several rows needs their heights together.
"""

from __future__ import annotations

import re

from lxml import etree

from cipdocs.pptx_template.measure import Measurer, TextStyle, resolve_typeface
from cipdocs.verify.colours import NAMESPACES
from cipdocs.verify.model import Box, ShapeModel
from cipdocs.verify.shapes import TITLE_TYPES

EMU_PER_POINT = 12700
DEFAULT_SIZE = 18.0
"""PowerPoint's text size where nothing sets one, in points."""
INSETS = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720}
"""A text box's default inner margins, in EMU."""
CELL_MARGINS = {"marL": 91440, "marR": 91440, "marT": 45720, "marB": 45720}
"""A table cell's default margins, in EMU."""
AUTOFIT = ("a:normAutofit", "a:noAutofit", "a:spAutoFit")
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}")
UNWRAPPED = float("inf")


class TextBoxes:
    """The measured text box of each shape of a deck, measured once until its text changes."""

    def __init__(self, measurer: Measurer, fonts: tuple[str, str]) -> None:
        """Measure with `measurer`, the theme's major and minor typefaces being `fonts`."""
        self.measurer = measurer
        self.fonts = fonts
        self._boxes: dict[etree._Element, Box] = {}

    def of(self, shape: ShapeModel) -> Box:
        """Return where the shape's text is drawn: its box, grown to fit text that overflows."""
        box = self._boxes.get(shape.element)
        if box is None:
            box = self._boxes[shape.element] = text_box(shape, self.measurer, self.fonts)
        return box

    def forget(self, shape: ShapeModel) -> None:
        """Measure the shape again next time (its text has changed)."""
        self._boxes.pop(shape.element, None)


def body_setting(shape: ShapeModel, attribute: str, default: str) -> str:
    """Return a `a:bodyPr` attribute from the shape, else the placeholders it inherits from."""
    for element in (shape.element, *shape.inherited):
        body = element.find("p:txBody/a:bodyPr", NAMESPACES)
        if body is not None and body.get(attribute) is not None:
            return str(body.get(attribute))
    return default


def autofit(shape: ShapeModel) -> str | None:
    """Return how the shape's text is fitted, ``normAutofit`` (shrunk to fit), ``spAutoFit``
    (the shape grows) or ``noAutofit``, from the nearest body properties that say."""
    for element in (shape.element, *shape.inherited):
        body = element.find("p:txBody/a:bodyPr", NAMESPACES)
        if body is None:
            continue
        for name in AUTOFIT:
            if body.find(name, NAMESPACES) is not None:
                return name[2:]
    return None


def text_box(shape: ShapeModel, measurer: Measurer, fonts: tuple[str, str]) -> Box:
    """Return where the shape's text is drawn: its box, grown to fit text that overflows it."""
    box = shape.box
    if shape.has_table:
        return Box(box.left, box.top, box.right, box.top + table_height(shape, measurer, fonts))
    body = shape.element.find(".//p:txBody/a:bodyPr", NAMESPACES)
    if body is None or autofit(shape) == "normAutofit":
        return box  # shrink on overflow: the renderer fits the text into the box
    insets = {
        side: int(body_setting(shape, side, str(default))) for side, default in INSETS.items()
    }
    usable: float = box.right - box.left - insets["lIns"] - insets["rIns"]
    if body_setting(shape, "wrap", "square") == "none":
        usable = UNWRAPPED
    needed = insets["tIns"] + insets["bIns"]
    needed += text_height(shape, shape.element, usable, measurer, fonts, shape.run_defaults())
    extra = needed - (box.bottom - box.top)
    if extra <= 0:
        return box
    anchor = body_setting(shape, "anchor", "t")
    above = extra // 2 if anchor == "ctr" else extra if anchor == "b" else 0
    return Box(box.left, box.top - above, box.right, box.bottom + extra - above)


def table_height(frame: ShapeModel, measurer: Measurer, fonts: tuple[str, str]) -> int:
    """Return the height the table's rows take with their text measured, in EMU."""
    table = frame.table
    if table is None:
        return frame.box.bottom - frame.box.top
    defaults = frame.run_defaults()
    widths = [
        int(column.get("w", "0")) for column in table.findall("a:tblGrid/a:gridCol", NAMESPACES)
    ]
    rows = table.findall("a:tr", NAMESPACES)
    heights = [int(row.get("h", "0")) for row in rows]
    spanning: list[tuple[int, int, int]] = []
    """(first row, rows spanned, height needed) of each cell merged down several rows."""
    for number, row in enumerate(rows):
        for index, cell in enumerate(row.findall("a:tc", NAMESPACES)):
            if cell.get("hMerge") in ("1", "true") or cell.get("vMerge") in ("1", "true"):
                continue
            if index >= len(widths):
                continue
            needed = cell_height(frame, cell, widths, index, measurer, fonts, defaults)
            span = max(1, int(cell.get("rowSpan", "1")))
            if span > 1:
                spanning.append((number, span, needed))
            else:
                heights[number] = max(heights[number], needed)
    for first, span, needed in spanning:
        last = min(first + span, len(heights)) - 1
        short = needed - sum(heights[first : last + 1])
        if short > 0:
            heights[last] += short  # the merged cell's rows grow at its bottom
    return sum(heights)


def cell_height(
    frame: ShapeModel,
    cell: etree._Element,
    widths: list[int],
    index: int,
    measurer: Measurer,
    fonts: tuple[str, str],
    defaults: list[etree._Element],
) -> int:
    """Return the height a cell's text needs with its margins, wrapped in its columns' width."""
    span = max(1, int(cell.get("gridSpan", "1")))
    properties = cell.find("a:tcPr", NAMESPACES)
    margin = {
        side: int(properties.get(side, default) if properties is not None else default)
        for side, default in CELL_MARGINS.items()
    }
    usable = sum(widths[index : index + span]) - margin["marL"] - margin["marR"]
    height = margin["marT"] + margin["marB"]
    return height + text_height(frame, cell, usable, measurer, fonts, defaults)


def text_height(
    shape: ShapeModel,
    holder: etree._Element,
    usable: float,
    measurer: Measurer,
    fonts: tuple[str, str],
    defaults: list[etree._Element],
) -> int:
    """Return the height of the paragraphs in `holder` wrapped `usable` EMU wide, in EMU."""
    total = 0.0
    for paragraph in holder.iterfind(".//a:p", NAMESPACES):
        # A template's tags are not drawn as they stand: measure the text around them.
        text = TEMPLATE_TAG.sub("", runs_text(paragraph))
        style = paragraph_style(shape, paragraph, fonts, defaults)
        spacing = line_spacing(paragraph)
        total += measurer.height(text, usable / EMU_PER_POINT, style, spacing)
    return round(total * EMU_PER_POINT)


def runs_text(paragraph: etree._Element) -> str:
    """Return the text of the paragraph's runs (line breaks and fields are not measured)."""
    return "".join(
        run.findtext("a:t", default="", namespaces=NAMESPACES) or ""
        for run in paragraph.iterfind("a:r", NAMESPACES)
    )


def line_spacing(paragraph: etree._Element) -> float:
    """Return the paragraph's line spacing as a multiple of single spacing."""
    percent = paragraph.find("a:pPr/a:lnSpc/a:spcPct", NAMESPACES)
    return int(percent.get("val", "100000")) / 100000 if percent is not None else 1.0


def paragraph_style(
    shape: ShapeModel,
    paragraph: etree._Element,
    fonts: tuple[str, str],
    defaults: list[etree._Element],
) -> TextStyle:
    """Return the style a paragraph is measured in: its largest run's size, bold if any run is
    bold (bold is wider), in the typeface the first run resolves to; `defaults` are the run
    defaults the shape inherits (`ShapeModel.run_defaults`)."""
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
    heading = shape.placeholder in TITLE_TYPES
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
