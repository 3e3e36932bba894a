"""Chart data: categories written fast, one colour per bar, labels shrunk to fit the bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Pt

from cipdocs.pptx_template.text import Element

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
COLOUR: Any = RGBColor
POINTS: Any = Pt

# Past this many bars, the template's label sizes would overlap; shrink them to fit the plot.
LABEL_POINTS_MAX = 10
LABEL_POINTS_MIN = 5

DATA_POINT = qn("c:dPt")
# What follows the ``c:dPt`` elements in a series (CT_BarSer and the other series types), so the
# new ones go where the schema wants them.
AFTER_DATA_POINTS = frozenset(
    qn(tag)
    for tag in (
        "c:dLbls",
        "c:trendline",
        "c:errBars",
        "c:cat",
        "c:val",
        "c:xVal",
        "c:yVal",
        "c:shape",
        "c:smooth",
        "c:bubbleSize",
        "c:bubble3D",
        "c:extLst",
    )
)


def index_by_position(categories: Any) -> None:
    """Let one-level `categories` find each category's offset at once: its position.

    python-pptx's `Categories.index` walks the list from the start for every category it writes
    into the chart's workbook, which is quadratic in the number of bars.
    """
    positions = {id(category): position for position, category in enumerate(categories)}
    categories.index = lambda category: positions[id(category)]


def colour_bars(series: Element, colours: Sequence[str]) -> None:
    """Give bar `i` the solid fill `colours[i]`: one ``c:dPt`` per bar, written in one pass.

    The XML is the same python-pptx writes through `series.points[i].format.fill`, which
    searches every ``c:dPt`` already written for each point: quadratic in the number of bars.
    """
    for point in series.findall(DATA_POINT):
        series.remove(point)  # the template's colours belong to its example bars
    anchor = next((child for child in series if child.tag in AFTER_DATA_POINTS), None)
    for index, colour in enumerate(colours):
        point = series.makeelement(DATA_POINT, {})
        if anchor is None:
            series.append(point)
        else:
            anchor.addprevious(point)
        # Children are added once `point` is in the tree, so they use its namespace prefixes.
        etree.SubElement(point, qn("c:idx"), val=str(index))
        fill = etree.SubElement(etree.SubElement(point, qn("c:spPr")), qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr"), val=str(COLOUR.from_string(colour)))


def fit_labels(chart: Any, height: int, count: int) -> None:
    """Shrink category and value labels when the bars are too thin for the template's size."""
    if count == 0:
        return
    room = height / 12700 * 0.8 / count  # points per bar, roughly, after axes and margins
    if room >= LABEL_POINTS_MAX * 1.3:
        return
    size = max(LABEL_POINTS_MIN, int(room / 1.3))
    chart.category_axis.tick_labels.font.size = POINTS(size)
    plot = chart.plots[0]
    if plot.has_data_labels:
        plot.data_labels.font.size = POINTS(size)
