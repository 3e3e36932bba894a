"""A bar chart with more bars than fit with readable labels continues on follow-on slides.

Each follow-on is a copy of the slide (its own chart part and workbook, so each chart stays
complete and editable, with the same formatting) keeping only its title, marked as continued,
and the chart with the next bars. Every bar keeps a label of at least `MIN_LABEL_POINTS`.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData

from cipdocs.pptx_template.chart import (
    DATA_POINT,
    LABEL_POINTS_MAX,
    colour_bars,
    index_by_position,
    series_format,
    unlink_workbook,
)
from cipdocs.pptx_template.copies import PartNames, duplicate_slide
from cipdocs.pptx_template.slides import mark_continued
from cipdocs.pptx_template.text import NAMESPACES

CHART_NAMESPACES = {**NAMESPACES, "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}

MIN_LABEL_POINTS = 8
POINTS_PER_LABEL = 1.3
"""A label needs this many times its size in height per bar (as `fit_labels` reckons)."""
PLOT_SHARE = 0.8
"""The share of the chart's height its bars get, after axes and margins."""
CHART_DATA: Any = CategoryChartData
PT = f"{{{CHART_NAMESPACES['c']}}}pt"
PT_COUNT = f"{{{CHART_NAMESPACES['c']}}}ptCount"
V = f"{{{CHART_NAMESPACES['c']}}}v"
POINT = 12700


def bars_per_slide(height: int) -> int:
    """Return how many bars a chart `height` EMU tall holds with labels of the minimum size."""
    return max(1, int(height / 12700 * PLOT_SHARE / (MIN_LABEL_POINTS * POINTS_PER_LABEL)))


def continue_chart(presentation: Any, slide: Any, frame: Any) -> list[Any]:
    """Split the chart in `frame` over follow-on slides when its bars would get labels under
    the minimum size; return the charts of every page, the original's first."""
    chart = frame.chart
    plot = chart.plots[0]
    categories = list(plot.categories)
    per_slide = bars_per_slide(int(frame.height))
    if len(categories) <= per_slide:
        return [chart]
    series = [
        (
            item.name,
            series_values(item._element),
            series_format(item._element),
            bar_colours(item._element),
        )
        for item in plot.series
    ]
    pages = [
        range(start, min(start + per_slide, len(categories)))
        for start in range(0, len(categories), per_slide)
    ]
    # The first page is filled before the slide is copied, so each copy carries one page of
    # bars, not all of them: copying is then linear in the bars, however many pages. A page's
    # data and colours are rewritten whole, so what a copy held before makes no difference.
    fill_page(frame, categories, series, pages[0])
    names = PartNames(presentation.part.package)  # the copies take every part added meanwhile
    charts: list[Any] = []
    copy = None
    for page in reversed(pages[1:]):
        if copy is None:
            copy = duplicate_slide(presentation, slide, names)
            copied_frame = keep_title_and(copy, frame.name)
        else:
            # The page made before holds just the title, continued, and the chart: a copy of it
            # is what a copy of the slide becomes, with less to copy and nothing to remove.
            copy = duplicate_slide(presentation, copy, names, after=slide)
            copied_frame = next(shape for shape in copy.shapes if shape.has_chart)
        fill_page(copied_frame, categories, series, page)
        charts.insert(0, copied_frame.chart)
    return [chart, *charts]


def series_values(series: etree._Element) -> list[Any]:
    """Return the series' values as python-pptx's `series.values` reads them (None for a
    missing point), in one pass: python-pptx searches the whole cache for each point."""
    values = series.find("c:val", CHART_NAMESPACES)
    if values is None:
        return []
    counts = [found.get("val") for found in values.iter(PT_COUNT) if found.get("val") is not None]
    points: dict[int, Any] = {}
    for point in values.iter(PT):
        index = point.get("idx", "")
        if index.isdigit():
            points.setdefault(int(index), point)
    return [
        float(points[index].findtext(V, "")) if index in points else None
        for index in range(int(counts[0] or "") if counts else 0)
    ]


def bar_colours(series: etree._Element) -> dict[int, str]:
    """Return each bar's own fill colour, by its index."""
    found = {}
    for point in series.iterfind(DATA_POINT):
        index = point.find("c:idx", CHART_NAMESPACES)
        colour = point.find("c:spPr/a:solidFill/a:srgbClr", CHART_NAMESPACES)
        if index is not None and colour is not None:
            found[int(index.get("val", "0"))] = str(colour.get("val"))
    return found


def keep_title_and(slide: Any, name: str) -> Any:
    """Remove every shape of `slide` but its title and the chart called `name`; mark the title
    continued and return the chart's frame."""
    title = slide.shapes.title
    kept = None
    for shape in list(slide.shapes):
        if title is not None and shape.shape_id == title.shape_id:
            continue
        if kept is None and shape.has_chart and shape.name == name:
            kept = shape
            continue
        shape._element.getparent().remove(shape._element)
    if title is not None:
        mark_continued(title._element)
    return kept


def fill_page(
    frame: Any,
    categories: list[Any],
    series: list[tuple[str, list[Any], str, dict[int, str]]],
    page: range,
) -> None:
    """Give the chart in `frame` the bars of `page`, with their colours and readable labels."""
    data = CHART_DATA(number_format=series[0][2] if series else "General")
    data.categories = [categories[index] for index in page]
    index_by_position(data.categories)
    for name, values, number_format, _ in series:
        data.add_series(name, [values[index] for index in page], number_format)
    chart = frame.chart
    unlink_workbook(chart)
    chart.replace_data(data)
    for (_, _, _, colours), item in zip(series, chart.plots[0].series, strict=True):
        colour_bars(item._element, [colours.get(index) for index in page])
    room = int(frame.height) / 12700 * PLOT_SHARE / len(page)
    size = min(LABEL_POINTS_MAX, max(MIN_LABEL_POINTS, int(room / POINTS_PER_LABEL)))
    chart.category_axis.tick_labels.font.size = POINT * size
    if chart.plots[0].has_data_labels:
        chart.plots[0].data_labels.font.size = POINT * size
