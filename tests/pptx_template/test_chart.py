"""Charts bound by name to any list: categories, several series, colours per bar."""

from __future__ import annotations

from typing import Any

import pytest
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from cipdocs.pptx_template.chart import Binding, check_binding, read_binding
from cipdocs.pptx_template.presentation import check_presentation
from cipdocs.pptx_template.tags import Names, TemplateError
from tests.pptx_template.conftest import (
    OUTSIDE_WORKBOOK,
    Fill,
    add_chart,
    add_slide,
    environment,
    link_to_outside_workbook,
    new_deck,
)

C = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
GROUPS = [
    {"group": "ASO", "attended": 12, "held": 13, "colour": "2E7D32"},
    {"group": "GAC", "attended": 5, "held": 13, "colour": ""},
    {"group": "SSAC", "attended": 0, "held": 13, "colour": "C8102E"},
]


def chart_of(deck: Any, index: int = 0) -> Any:
    return [shape for shape in deck.slides[0].shapes if shape.has_chart][index].chart


def test_a_chart_per_binding_with_two_series_and_colours(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(deck, "Attendance")
    add_chart(
        slide,
        "Chart: for g in groups if g.held; categories=g.group; values=g.attended; "
        "values=g.held - g.attended; colours=g.colour",
        series=("Attended", "Missed"),
    )
    add_chart(slide, "Chart: for name, n in counts | dictsort; categories=name; values=n")
    filled = fill(deck, {"groups": GROUPS, "counts": {"b": 2, "a": 1}})
    first = chart_of(filled)
    assert list(first.plots[0].categories) == ["ASO", "GAC", "SSAC"]
    assert [series.name for series in first.plots[0].series] == ["Attended", "Missed"]
    assert [list(series.values) for series in first.plots[0].series] == [[12, 5, 0], [1, 8, 13]]
    points = first.plots[0].series[0]._element.findall("c:dPt", C)
    colours = {p.find("c:idx", C).get("val"): p.find(".//a:srgbClr", C).get("val") for p in points}
    assert colours == {"0": "2E7D32", "2": "C8102E"}  # an empty colour keeps the template's
    second = chart_of(filled, 1)
    assert list(second.plots[0].categories) == ["a", "b"]
    assert list(second.plots[0].series[0].values) == [1, 2]


def test_an_unbound_or_fixed_chart_keeps_its_data(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(deck, "x")
    add_chart(slide, "Chart 3")
    add_chart(slide, "Chart: fixed")
    filled = fill(deck, {})
    assert [list(chart_of(filled, i).plots[0].categories) for i in (0, 1)] == [["A", "B"]] * 2


def test_a_value_that_is_not_a_number_names_the_chart(fill: Fill) -> None:
    deck = new_deck()
    add_chart(add_slide(deck, "x"), "Chart: for g in groups; categories=g.group; values=g.group")
    with pytest.raises(TemplateError, match=r"slide 1, shape 'Chart: .*'ASO', not a number"):
        fill(deck, {"groups": GROUPS})


@pytest.mark.parametrize(
    ("name", "binding"),
    [
        ("Chart 1", None),
        ("chart:  FIXED ", Binding("")),
        (
            "Chart: for r in rows; categories=r.a; value=r.b; color=r.c",
            Binding("r in rows", "r.a", ("r.b",), "r.c"),
        ),
    ],
)
def test_read_binding(name: str, binding: Binding | None) -> None:
    assert read_binding(name) == binding


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Chart: rows", "starts with a loop"),
        ("Chart: for r in rows; values=r.b", "needs one categories="),
        ("Chart: for r in rows; categories=r.a; size=r.b", "'size=r.b' is not categories="),
    ],
)
def test_malformed_bindings_say_the_form(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_binding(name)


def external_targets(chart: Any) -> list[str]:
    return [rel.target_ref for rel in chart.part.rels.values() if rel.is_external]


def test_a_chart_linked_to_an_outside_workbook_is_shown_or_filled(fill: Fill) -> None:
    # python-pptx has no part for an external relationship (`.target_part` raises); a bound
    # chart's data is embedded instead, and the link, which Update Links would follow, dropped.
    deck = new_deck()
    slide = add_slide(deck, "x")
    link_to_outside_workbook(add_chart(slide, "Chart 3"))
    link_to_outside_workbook(
        add_chart(slide, "Chart: for g in groups; categories=g.group; values=g.held")
    )
    filled = fill(deck, {"groups": GROUPS})
    shown, bound = chart_of(filled, 0), chart_of(filled, 1)
    assert list(shown.plots[0].categories) == ["A", "B"]
    assert external_targets(shown) == [OUTSIDE_WORKBOOK]
    assert list(bound.plots[0].categories) == ["ASO", "GAC", "SSAC"]
    assert external_targets(bound) == []
    workbook = bound.part.chart_workbook.xlsx_part
    assert workbook is not None and workbook.blob.startswith(b"PK")


def make_3d(frame: Any) -> None:
    """Turn a column chart into a 3-D one, as Chart Design > Change Chart Type does."""
    frame.chart._chartSpace.find(".//c:barChart", C).tag = qn("c:bar3DChart")


def test_a_bound_chart_of_a_kind_no_list_fills_is_a_template_problem(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(deck, "x")
    make_3d(add_chart(slide, "Chart 3"))  # shown as it is: no problem
    make_3d(add_chart(slide, "Chart: for g in groups; categories=g.group; values=g.held"))
    problems = check_presentation(deck, environment(), Names(frozenset({"groups"})))
    message = (
        "a 3-D column or bar chart cannot be filled from a list; change it to a 2-D column, bar, "
        "line, area, pie, doughnut or radar chart (Chart Design > Change Chart Type), or name it "
        "'Chart: fixed' to keep its data"
    )
    assert [str(problem) for problem in problems] == [
        f"slide 1, shape 'Chart: for g in groups; categories=g.group; values=g.held': {message}"
    ]
    with pytest.raises(TemplateError, match="a 3-D column or bar chart cannot be filled"):
        fill(deck, {"groups": GROUPS})


def test_check_binding_passes_unbound_charts_and_flags_unknown_names() -> None:
    names = Names(frozenset({"rows"}))
    # A chart bound to nothing is one the deck just shows, as `Chart: fixed` is: no problem.
    assert check_binding("Chart 2", environment(), "slide 1", names, {}) == []
    assert check_binding("Chart: fixed", environment(), "slide 1", names, {}) == []
    found = check_binding(
        "Chart: for r in row; categories=r.a; values=q", environment(), "s", names, {}
    )
    assert [problem.message.split(";")[0] for problem in found] == [
        "unknown name 'row' in '{% for r in row %}{% endfor %}'",
        "unknown name 'q' in '{{ q }}'",
    ]


def test_a_chart_in_a_group_is_filled_too(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(deck, "x")
    group = slide.shapes.add_group_shape()
    data = CategoryChartData()
    data.categories = ["A"]
    data.add_series("S", (1,))
    frame = group.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(4), Inches(3), data
    )
    frame.name = "Chart: for g in groups; categories=g.group; values=g.attended"
    filled = fill(deck, {"groups": GROUPS})
    grouped = next(s for s in filled.slides[0].shapes if s.shape_type == 6)
    chart = next(s for s in grouped.shapes if s.has_chart).chart
    assert list(chart.plots[0].categories) == ["ASO", "GAC", "SSAC"]


def test_a_chart_may_read_the_loop_as_other_tags_do(fill: Fill) -> None:
    deck = new_deck()
    add_chart(
        add_slide(deck, "x"),
        "Chart: for g in groups; categories=g.group ~ ' ' ~ loop.index; values=loop.revindex",
    )
    filled = chart_of(fill(deck, {"groups": GROUPS}))
    assert list(filled.plots[0].categories) == ["ASO 1", "GAC 2", "SSAC 3"]
    assert list(filled.plots[0].series[0].values) == [3, 2, 1]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("g.missing", r"cannot evaluate 'g.missing': 'dict object' has no attribute 'missing'"),
        ("g.held / g.attended", r"division by zero"),
        ("g.attended }}{{ g.held", r"cannot evaluate 'g.attended }}{{ g.held'"),
    ],
)
def test_a_value_that_cannot_be_had_names_its_expression(
    fill: Fill, values: str, message: str
) -> None:
    deck = new_deck()
    add_chart(add_slide(deck, "x"), f"Chart: for g in groups; categories=g.group; values={values}")
    with pytest.raises((TemplateError, ZeroDivisionError), match=message):
        fill(deck, {"groups": GROUPS})
