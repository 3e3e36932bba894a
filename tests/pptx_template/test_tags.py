"""Tags and placeholders: quotes straightened, loops run by Jinja, checks that find everything."""

from __future__ import annotations

import pytest

from cipdocs.pptx_template.tag_checks import check_source
from cipdocs.pptx_template.tags import (
    Names,
    TemplateError,
    evaluate,
    evaluate_each,
    holds,
    iterate,
    render_text,
    straighten,
    whole_tag,
)
from tests.pptx_template.conftest import environment


def test_straighten_only_inside_tags() -> None:
    text = "\u2018Hi\u2019 {{ x | join(\u2018, \u2019) }} {% if y == \u201cz\u201d %}"
    assert straighten(text) == "\u2018Hi\u2019 {{ x | join(', ') }} {% if y == \"z\" %}"


def test_render_text_straightens_quotes() -> None:
    assert render_text(environment(), "{{ \u2018a\u2019 ~ x }}", {"x": "b"}, "here") == "ab"


def test_iterate_gives_each_item_and_its_loop() -> None:
    items = iterate(
        environment(), "k, v in pairs if v > 1", {"pairs": [("a", 1), ("b", 2), ("c", 3)]}, "x"
    )
    assert [(item["k"], item["v"]) for item in items] == [("b", 2), ("c", 3)]
    loops = [item["loop"] for item in items]
    assert [(loop.index, loop.first, loop.last, loop.length) for loop in loops] == [  # type: ignore[attr-defined]
        (1, True, False, 2),
        (2, False, True, 2),
    ]


@pytest.mark.parametrize(
    "header", ["x in nope", "x in 5", "x in items %}{{ evil }}{% for y in items"]
)
def test_iterate_refuses_what_is_not_one_loop_over_a_list(header: str) -> None:
    with pytest.raises(TemplateError, match="cannot repeat over"):
        iterate(environment(), header, {"items": [1]}, "slide 2")


def test_holds() -> None:
    assert holds(environment(), "items | length > 1", {"items": [1, 2]}, "x")
    assert not holds(environment(), "items", {"items": []}, "x")


def test_whole_tag() -> None:
    tag = whole_tag("  {%slide for s in statuses %} ")
    assert tag is not None and (tag.kind, tag.word, tag.header) == ("slide", "for", "s in statuses")
    assert whole_tag("Text {%p if x %}") is None


def test_check_source_finds_every_problem_in_one_text() -> None:
    names = Names(frozenset({"report_date"}), "see the list")
    source = "{{ reprt_date }} {{ ''.__class__.__mro__ }} {{ x['__globals__'] }} {{ y }}"
    messages = [
        problem.message.split(" in ")[0]
        for problem in check_source(environment(), source, "p", names)
    ]
    assert messages == [
        "'__mro__'",
        "'__class__'",
        "'__globals__'",
        "unknown name 'reprt_date'",
        "unknown name 'x'",
        "unknown name 'y'",
    ]
    problems = check_source(environment(), "{{ reprt_date }}", "p", names)
    assert "did you mean 'report_date'? (see the list)" in problems[0].message


def test_evaluate_each_gives_what_evaluating_each_gives() -> None:
    context = {"rows": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}], "k": 10}
    expressions = ["r.a * k", "r.b | upper", "[r.a, k]"]

    rows = evaluate_each(environment(), "r in rows if r.a", expressions, context)

    items = iterate(environment(), "r in rows if r.a", context, "here")
    assert rows == [
        tuple(evaluate(environment(), e, {**context, **item}, "here") for e in expressions)
        for item in items
    ]
    assert rows == [(10, "X", [1, 10]), (20, "Y", [2, 10])]


@pytest.mark.parametrize(
    "expression",
    ["loop.index", "r.missing", "r.a / 0", "r.a }}{{ r.b", "r.a +"],
)
def test_evaluate_each_leaves_what_it_cannot_tell_to_evaluate(expression: str) -> None:
    context = {"rows": [{"a": 1, "b": "x"}]}
    assert evaluate_each(environment(), "r in rows", ["r.b", expression], context) is None
