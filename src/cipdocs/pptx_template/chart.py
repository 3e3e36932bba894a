"""Charts bound to data: any chart, any list, one or more series, optional colours per bar.

Staff bind a chart by its name in PowerPoint's Selection Pane (alternative text stays a
description for screen readers)::

    Chart: for row in participation; categories=row.group; values=row.rate; colours=row.colour

The part after ``Chart:`` is a loop header, as in ``{%tr for %}``, then ``;``-separated
``key=expression`` pairs evaluated per item: ``categories`` (once), ``values`` (once per series,
in the order of the template's series, whose names are kept) and ``colours`` (``RRGGBB``; none or
empty leaves the bar as the template colours it). ``Chart: fixed`` keeps the template's own data.
Everything else (axes, number formats, labels, fonts) stays as the template sets it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Pt

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.tag_checks import check_header, check_source
from cipdocs.pptx_template.tags import (
    Names,
    Problem,
    Tag,
    TemplateError,
    evaluate,
    evaluate_each,
    iterate,
    straighten,
)
from cipdocs.pptx_template.text import Element

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
COLOUR: Any = RGBColor
CHART_DATA: Any = CategoryChartData
POINTS: Any = Pt

# Past this many bars, the template's label sizes would overlap; shrink them to fit the plot.
LABEL_POINTS_MAX = 10
LABEL_POINTS_MIN = 5

BINDING = re.compile(r"^\s*chart\s*:\s*(?P<spec>.*?)\s*$", re.IGNORECASE | re.DOTALL)
FIXED = "fixed"
KEYS = {
    "categories": "categories",
    "category": "categories",
    "values": "values",
    "value": "values",
    "colours": "colours",
    "colour": "colours",
    "colors": "colours",
    "color": "colours",
}
COLOUR_VALUE = re.compile(r"#?[0-9A-Fa-f]{6}")
CHART_NAMESPACE = "http://schemas.openxmlformats.org/drawingml/2006/chart"
FORMAT_CODE = "./c:val/c:numRef/c:numCache/c:formatCode"
BINDING_FORM = "Chart: for row in LIST; categories=row.NAME; values=row.NUMBER"

# The plots python-pptx can give new categories and values: category charts in 2-D, and area.
FILLABLE_PLOTS = frozenset(
    qn(f"c:{name}")
    for name in (
        "areaChart",
        "area3DChart",
        "barChart",
        "doughnutChart",
        "lineChart",
        "pieChart",
        "radarChart",
    )
)
PLOT_NAMES = {
    "bar3DChart": "3-D column or bar",
    "line3DChart": "3-D line",
    "pie3DChart": "3-D pie",
    "ofPieChart": "pie of pie",
    "surfaceChart": "surface",
    "surface3DChart": "3-D surface",
    "stockChart": "stock",
    "scatterChart": "scatter (X Y)",
    "bubbleChart": "bubble",
}

DATA_POINT = qn("c:dPt")
INDEX, SHAPE_PROPERTIES = qn("c:idx"), qn("c:spPr")
SOLID_FILL, RGB_COLOUR = qn("a:solidFill"), qn("a:srgbClr")
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


@dataclass(frozen=True)
class Binding:
    """What a chart is filled from: a loop over a list and the expressions read per item."""

    loop: str
    """The loop header, e.g. ``row in participation_by_band``; empty for a fixed chart."""
    categories: str = ""
    values: tuple[str, ...] = ()
    colours: str = ""

    @property
    def fixed(self) -> bool:
        """Return True for a chart that keeps the template's data."""
        return not self.loop

    def __str__(self) -> str:
        if self.fixed:
            return "Chart: fixed"
        parts = [f"for {self.loop}", f"categories={self.categories}"]
        parts += [f"values={value}" for value in self.values]
        parts += [f"colours={self.colours}"] if self.colours else []
        return "Chart: " + "; ".join(parts)


def read_binding(name: str) -> Binding | None:
    """Return the binding a chart's name declares, None when it declares none; raise
    `ValueError` with the fix when the name starts ``Chart:`` but is not a binding."""
    found = BINDING.match(straighten(name))
    if found is None:
        return None
    spec = found.group("spec")
    if spec.lower() == FIXED:
        return Binding("")
    head, *pairs = [part.strip() for part in spec.split(";")]
    if not head.startswith("for "):
        raise ValueError(f"a chart binding starts with a loop; name the chart {BINDING_FORM!r}")
    fields: dict[str, list[str]] = {"categories": [], "values": [], "colours": []}
    for pair in filter(None, pairs):
        key, equals, expression = pair.partition("=")
        field = KEYS.get(key.strip().lower())
        if not equals or field is None or not expression.strip():
            raise ValueError(
                f"{pair!r} is not categories=…, values=… or colours=…; name the chart "
                f"{BINDING_FORM!r}"
            )
        fields[field].append(expression.strip())
    if len(fields["categories"]) != 1 or not fields["values"] or len(fields["colours"]) > 1:
        raise ValueError(
            f"a chart binding needs one categories=…, one values=… per series and at most one "
            f"colours=…; name the chart {BINDING_FORM!r}"
        )
    return Binding(
        head[4:].strip(),
        fields["categories"][0],
        tuple(fields["values"]),
        fields["colours"][0] if fields["colours"] else "",
    )


def fill_chart(
    shape: Any,
    binding: Binding,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> None:
    """Replace the chart's data with what `binding` reads from `context`, keep its formatting."""
    if binding.fixed:
        return
    chart = shape.chart
    unfillable = unfillable_plot(chart)
    if unfillable:
        raise TemplateError(where, unfillable)
    expressions = [binding.categories, *binding.values, binding.colours]
    # Every bar's values from one run of the loop; when that cannot tell them as evaluating each
    # does (a failure, say), each is evaluated on its own, which says what went wrong and where.
    rows = evaluate_each(environment, binding.loop, [e for e in expressions if e], context)
    items = (
        [{**context, **item} for item in iterate(environment, binding.loop, context, where)]
        if rows is None
        else []
    )

    def column(position: int) -> Iterator[object]:
        """Yield what the expression at `position` gives for each bar, one by one."""
        if rows is not None:
            return (row[position] for row in rows)
        return (evaluate(environment, expressions[position], item, where) for item in items)

    count = len(items) if rows is None else len(rows)
    unlink_workbook(chart)
    plot = chart.plots[0]
    old_series = list(plot.series)
    number_format = series_format(old_series[0]._element) if old_series else "General"
    data = CHART_DATA(number_format=number_format)
    # python-pptx cannot write a chart without categories; one blank one draws an empty chart.
    data.categories = [category_of(value) for value in column(0)] or [""]
    index_by_position(data.categories)
    for index, expression in enumerate(binding.values):
        old = old_series[index] if index < len(old_series) else None
        values = [number_of(value, expression, where) for value in column(1 + index)]
        data.add_series(
            old.name if old is not None else expression,
            values or [None],
            series_format(old._element) if old is not None else number_format,
        )
    chart.replace_data(data)
    if binding.colours:
        colours = [
            colour_of(value, binding.colours, where) for value in column(1 + len(binding.values))
        ]
        for series in chart.plots[0].series:
            colour_bars(series._element, colours)
    fit_labels(chart, shape.height, count)


def unfillable_plot(chart: Any) -> str:
    """Return why a binding cannot fill `chart` (a 3-D column, a scatter, a stock chart…), or
    an empty text when it can."""
    plots = [child for child in chart._chartSpace.chart.plotArea if child.tag.endswith("Chart")]
    if plots and all(plot.tag in FILLABLE_PLOTS for plot in plots):
        return ""
    kind = next(
        (etree.QName(plot).localname for plot in plots if plot.tag not in FILLABLE_PLOTS), "empty"
    )
    return (
        f"a {PLOT_NAMES.get(kind, kind)} chart cannot be filled from a list; change it to a 2-D "
        "column, bar, line, area, pie, doughnut or radar chart (Chart Design > Change Chart "
        "Type), or name it 'Chart: fixed' to keep its data"
    )


def unlink_workbook(chart: Any) -> None:
    """Drop the chart's link to a workbook outside the deck, so that its new data is embedded.

    python-pptx cannot write into a linked file; and PowerPoint's Update Links would bring the
    linked file's data back over the bound data.
    """
    chart_space = chart._chartSpace
    link = chart_space.find(qn("c:externalData"))
    if link is None:
        return
    key = link.get(qn("r:id"), "")
    relationship = chart.part.rels.get(key)
    if relationship is not None and not relationship.is_external:
        return
    chart_space.remove(link)
    if relationship is not None:
        chart.part.drop_rel(key)


def series_format(series: Element) -> str:
    """Return the number format of a series' values, as the template sets it."""
    found = series.find(FORMAT_CODE, {"c": CHART_NAMESPACE})
    return found.text if found is not None and found.text else "General"


def category_of(value: object) -> object:
    """Return a value a chart category can hold: text, a number or a date."""
    if isinstance(value, str | int | float | dt.date) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def number_of(value: object, expression: str, where: str) -> float | int | None:
    """Return a bar's value; raise `TemplateError` when it is not a number."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    try:
        return float(str(value))
    except ValueError:
        raise TemplateError(
            where, f"values={expression} gives {value!r}, not a number; bind a number"
        ) from None


def colour_of(value: object, expression: str, where: str) -> str | None:
    """Return a bar's colour as ``RRGGBB``, or None to keep the template's."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and COLOUR_VALUE.fullmatch(value):
        return value.lstrip("#").upper()
    raise TemplateError(
        where, f"colours={expression} gives {value!r}, not a colour; bind RRGGBB text"
    )


def check_binding(
    name: str, environment: jinja2.Environment, where: str, names: Names, declared: Scope
) -> list[Problem]:
    """Return the problems of a chart's binding.

    A chart bound to nothing is none: it is a chart the deck shows as the template has it (the
    listing says so), like one named ``Chart: fixed``.
    """
    try:
        binding = read_binding(name)
    except ValueError as error:
        return [Problem(where, str(error))]
    if binding is None or binding.fixed:
        return []
    tag = Tag("", "for", binding.loop, f"for {binding.loop}", 0, 0)
    problems, loop = check_header(environment, tag, where, names, declared)
    scope = {**declared, **loop}
    for expression in (binding.categories, *binding.values, binding.colours):
        if expression:
            problems += check_source(environment, f"{{{{ {expression} }}}}", where, names, scope)
    return problems


def index_by_position(categories: Any) -> None:
    """Let one-level `categories` find each category's offset at once: its position.

    python-pptx's `Categories.index` walks the list from the start for every category it writes
    into the chart's workbook, which is quadratic in the number of bars.
    """
    positions = {id(category): position for position, category in enumerate(categories)}
    categories.index = lambda category: positions[id(category)]


def colour_bars(series: Element, colours: Sequence[str | None]) -> None:
    """Give bar `i` the solid fill `colours[i]`: one ``c:dPt`` per bar, written in one pass.

    The XML is the same python-pptx writes through `series.points[i].format.fill`, which
    searches every ``c:dPt`` already written for each point: quadratic in the number of bars.
    """
    for point in series.findall(DATA_POINT):
        series.remove(point)  # the template's colours belong to its example bars
    anchor = next((child for child in series if child.tag in AFTER_DATA_POINTS), None)
    add = series.append if anchor is None else anchor.addprevious
    for index, colour in enumerate(colours):
        if colour is None:
            continue
        point = series.makeelement(DATA_POINT, {})
        add(point)
        # Children are added once `point` is in the tree, so they use its namespace prefixes.
        etree.SubElement(point, INDEX, val=str(index))
        fill = etree.SubElement(etree.SubElement(point, SHAPE_PROPERTIES), SOLID_FILL)
        etree.SubElement(fill, RGB_COLOUR, val=colour_value(colour))


@functools.lru_cache(maxsize=256)
def colour_value(colour: str) -> str:
    """Return ``RRGGBB`` as python-pptx writes it (upper case)."""
    return str(COLOUR.from_string(colour))


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
