"""The roadmap timeline, drawn with native shapes where the template's `Timeline` shape stands.

One row per phase: its name, dates and status in words on the left, a bar from its start to its
end on the right; month labels along the top and a "today" marker at the report date, labelled
with the `Timeline` shape's own (rendered) text, so that wording stays in the template.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from cipdocs.report.formats import month_year
from cipdocs.report.present import PhaseView
from cipdocs.verify.colours import readable_on

TIMELINE_NAME = "timeline"
EXT_LIST = qn("p:extLst")

COLOUR: Any = RGBColor
POINTS: Any = Pt
LENGTH: Any = Emu

INCH = 914400


@dataclass(frozen=True)
class ThemeColour:
    """A colour of the template's theme, optionally lightened, so a changed theme reaches it."""

    slot: Any
    brightness: float = 0.0


Colour = str | ThemeColour
"""``RRGGBB`` for colours with a meaning (status, today), else a theme colour."""

TEXT = ThemeColour(MSO_THEME_COLOR.TEXT_1)
MUTED = ThemeColour(MSO_THEME_COLOR.TEXT_1, 0.35)
GRID = ThemeColour(MSO_THEME_COLOR.TEXT_1, 0.85)
TODAY = "C8102E"
# Colour follows the status's wording, word by word (a status that negates, such as "Not
# started", is not yet under way); the status is written beside the bar as well, so colour is
# never the only cue.
STATUS_COLOURS = (
    (("complete", "completed", "done", "finished", "closed"), "2E7D32"),
    (("progress", "ongoing", "underway", "started", "active"), "003B71"),
)
NEGATIONS = frozenset({"not", "no", "yet"})
OTHER_COLOUR = "8497B0"
DARK_ON_BAR = "1F2937"
"""The status inside a light bar (white is 3.0:1 on `OTHER_COLOUR`, this 4.9:1)."""
EN_DASH = "\u2013"
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
MAX_TICKS = 12


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


def is_timeline(shape: Any) -> bool:
    """Return True for the template shape the timeline replaces."""
    return str(shape.name).lower().startswith(TIMELINE_NAME) and not shape.has_chart


def status_colour(status: str) -> str:
    """Return the bar colour for a status, by its wording."""
    words = set(re.findall(r"[^\W\d_]+", status.lower()))
    if words & NEGATIONS:
        return OTHER_COLOUR
    for wording, colour in STATUS_COLOURS:
        if words & set(wording):
            return colour
    return OTHER_COLOUR


def month_start(value: dt.date) -> dt.date:
    """Return the first day of `value`'s month."""
    return value.replace(day=1)


def add_months(value: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after `value`'s."""
    index = value.year * 12 + value.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def time_range(phases: Sequence[PhaseView], today: dt.date) -> tuple[dt.date, dt.date]:
    """Return whole months covering every phase and today."""
    first = min([phase.start for phase in phases] + [today])
    last = max([phase.end for phase in phases] + [today])
    return month_start(first), add_months(last, 1)


def draw_timeline(
    slide: Any, region: Any, phases: Sequence[PhaseView], today: dt.date, alt_text: str
) -> None:
    """Replace `region` by the timeline: a group of native shapes carrying `alt_text`."""
    box = Box(int(region.left), int(region.top), int(region.width), int(region.height))
    today_label = str(region.text_frame.text) if region.has_text_frame else ""
    region._element.getparent().remove(region._element)
    group = slide.shapes.add_group_shape()
    group.name = "Timeline"
    start, end = time_range(phases, today)
    label_width = min(int(box.width * 0.3), int(3.2 * INCH))
    plot = Box(
        box.left + label_width,
        box.top + int(0.75 * INCH),
        box.width - label_width - int(0.1 * INCH),
        0,
    )
    rows_height = box.height - int(0.8 * INCH)
    row_height = min(int(0.8 * INCH), rows_height // max(1, len(phases)))
    plot = Box(plot.left, plot.top, plot.width, row_height * len(phases))

    def x_of(value: dt.date) -> int:
        span = (end - start).days
        return plot.left + round(plot.width * (value - start).days / span)

    # Drawn on the slide after the (still empty) group, then gathered into it: python-pptx
    # recomputes a group's extents after every shape added to it, which cost more than drawing.
    shapes = slide.shapes
    draw_months(shapes, plot, start, end, x_of)
    for index, phase in enumerate(phases):
        top = plot.top + index * row_height
        draw_phase(shapes, phase, Box(box.left, top, label_width, row_height), x_of)
    draw_today(shapes, box, plot, x_of(today), today_label)
    gather_into(group)
    group._element.xpath("./p:nvGrpSpPr/p:cNvPr")[0].set("descr", alt_text)


def gather_into(group: Any) -> None:
    """Move the shapes drawn after `group` on its slide into it, then fit it to them once."""
    element = group._element
    for drawn in [sibling for sibling in element.itersiblings() if sibling.tag != EXT_LIST]:
        element.insert_element_before(drawn, "p:extLst")
    element.recalculate_extents()


def draw_months(shapes: Any, plot: Box, start: dt.date, end: dt.date, x_of: Any) -> None:
    """Draw the month labels along the top and faint gridlines under them."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = next((step for step in MONTH_STEPS if months / step <= MAX_TICKS), MONTH_STEPS[-1])
    tick = start
    while tick < end:
        x = x_of(tick)
        add_text(
            shapes,
            Box(x - int(0.5 * INCH), plot.top - int(0.35 * INCH), INCH, int(0.3 * INCH)),
            month_year(tick),
            10,
            MUTED,
            centred=True,
        )
        add_line(shapes, x, plot.top, x, plot.top + plot.height, GRID, 0.75)
        tick = add_months(tick, step)
    add_line(shapes, x_of(end), plot.top, x_of(end), plot.top + plot.height, GRID, 0.75)


def draw_phase(shapes: Any, phase: PhaseView, label: Box, x_of: Any) -> None:
    """Draw one phase: its words on the left, its bar on the right."""
    small = label.height < int(0.5 * INCH)
    dates = f"{month_year(phase.start)} {EN_DASH} {month_year(phase.end)}"
    detail = f"{dates} · {phase.status}" if phase.status else dates
    box = add_text(shapes, label, phase.phase, 9 if small else 12, TEXT, bold=True)
    paragraph = box.text_frame.add_paragraph()
    write(paragraph, detail, 8 if small else 10, MUTED)
    left = x_of(phase.start)
    right = max(left + int(0.05 * INCH), x_of(phase.end + dt.timedelta(days=1)))
    bar_height = int(label.height * 0.5)
    bar = shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE,
        LENGTH(left),
        LENGTH(label.top + (label.height - bar_height) // 2),
        LENGTH(right - left),
        LENGTH(bar_height),
    )
    bar.name = f"Phase: {phase.phase}"
    bar.fill.solid()
    bar.fill.fore_color.rgb = COLOUR.from_string(status_colour(phase.status))
    bar.line.fill.background()
    bar.shadow.inherit = False
    frame = bar.text_frame
    frame.word_wrap = False
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    # The status goes inside the bar only where it fits; it is always in the label as well.
    if phase.status and (right - left) > len(phase.status) * 6 * 12700 + int(0.3 * INCH):
        fill = status_colour(phase.status)
        write(frame.paragraphs[0], phase.status, 9, readable_on(fill, DARK_ON_BAR), bold=True)
        frame.paragraphs[0].alignment = PP_ALIGN.CENTER


def draw_today(shapes: Any, box: Box, plot: Box, x: int, label: str) -> None:
    """Draw the today marker: a red line over the rows and its label above the month labels."""
    add_line(shapes, x, plot.top - int(0.05 * INCH), x, plot.top + plot.height, TODAY, 2.0)
    width = int(2.4 * INCH)
    left = min(max(box.left, x - width // 2), box.left + box.width - width)
    add_text(
        shapes,
        Box(left, box.top, width, int(0.32 * INCH)),
        label,
        11,
        TODAY,
        bold=True,
        centred=True,
    )


def add_text(
    shapes: Any,
    box: Box,
    text: str,
    size: int,
    colour: Colour,
    bold: bool = False,
    centred: bool = False,
) -> Any:
    """Add a text box holding one paragraph of `text`."""
    added = shapes.add_textbox(
        LENGTH(box.left), LENGTH(box.top), LENGTH(box.width), LENGTH(box.height)
    )
    frame = added.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, LENGTH(int(0.03 * INCH)))
    write(frame.paragraphs[0], text, size, colour, bold=bold)
    if centred:
        frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    return added


def write(paragraph: Any, text: str, size: int, colour: Colour, bold: bool = False) -> None:
    """Append a run of `text` to `paragraph`, in the theme's body font (no typeface named)."""
    run = paragraph.add_run()
    run.text = text
    run.font.size = POINTS(size)
    run.font.bold = bold or None
    paint(run.font.color, colour)


def paint(color: Any, colour: Colour) -> None:
    """Set a python-pptx colour to a theme colour or to ``RRGGBB``."""
    if isinstance(colour, ThemeColour):
        color.theme_color = colour.slot
        if colour.brightness:
            color.brightness = colour.brightness
    else:
        color.rgb = COLOUR.from_string(colour)


def add_line(
    shapes: Any, x1: int, y1: int, x2: int, y2: int, colour: Colour, points: float
) -> None:
    """Add a straight line."""
    line = shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, LENGTH(x1), LENGTH(y1), LENGTH(x2), LENGTH(y2)
    )
    paint(line.line.color, colour)
    line.line.width = POINTS(points)
