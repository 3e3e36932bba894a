"""The participation chart: a bar chart placed in the template, refreshed with the report's data.

A chart whose shape name starts with ``Participation chart`` receives one category per group of
`participation_by_band`, its rate as the value and its band colour as the bar's fill. Everything
else (axes, number formats, data labels, fonts) stays as the template sets it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Pt

from cipdocs.render.files import normalize_zip
from cipdocs.render.pptx_text import Element
from cipdocs.report.present import ParticipationView

CHART_NAME = "participation chart"
NUMBER_FORMAT = '0"%"'

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
CHART_DATA: Any = CategoryChartData
COLOUR: Any = RGBColor
POINTS: Any = Pt

CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

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


def is_participation_chart(shape: Any) -> bool:
    """Return True for the chart the renderer fills."""
    return bool(shape.has_chart) and str(shape.name).lower().startswith(CHART_NAME)


def fill_participation_chart(
    shape: Any, rows: Sequence[ParticipationView], report_date: dt.date
) -> None:
    """Replace the chart's data with `rows`, colour each bar by its band, keep the formatting."""
    chart = shape.chart
    plot = chart.plots[0]
    old_series = list(plot.series)
    name = old_series[0].name if old_series else "Participation rate"
    data = CHART_DATA(number_format=NUMBER_FORMAT)
    # python-pptx cannot write a chart without categories; one blank one draws an empty chart.
    data.categories = [row.group for row in rows] or [""]
    index_by_position(data.categories)
    values: list[int | None] = [row.rate for row in rows]
    data.add_series(name, values or [None], NUMBER_FORMAT)
    chart.replace_data(data)
    colour_bars(plot.series[0]._element, [row.colour for row in rows])
    fit_labels(chart, shape.height, len(rows))
    fix_workbook_dates(chart, report_date)


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


def fix_workbook_dates(chart: Any, report_date: dt.date) -> None:
    """Pin the embedded workbook's creation dates, which XlsxWriter sets to now."""
    part = chart.part.chart_workbook.xlsx_part
    if part is None:
        return
    stamp = f"{report_date.isoformat()}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(part.blob))
    target = io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                data = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            rewritten.writestr(member, data)
    part.blob = normalize_zip(target.getvalue())
