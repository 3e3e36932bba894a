"""Tags and placeholders: quotes straightened, loops run by Jinja, checks that find everything."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from cipdocs.cache import write_entry
from cipdocs.pptx_template.tags import (
    Names,
    TemplateError,
    check_source,
    compiled,
    compiled_key,
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


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CIPDOCS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def refuse_to_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: object, **__: object) -> None:
        raise AssertionError("Jinja compiled the text again")

    monkeypatch.setattr(jinja2.Environment, "compile", refused)


def test_a_text_compiled_in_an_earlier_run_is_not_compiled_again(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "{% for x in xs %}{{ x | upper }}{% if not loop.last %}, {% endif %}{% endfor %}"
    cold = compiled(environment(), text).render(xs=["a", "b"])
    assert len(list((cache_folder / "jinja").iterdir())) == 1
    refuse_to_compile(monkeypatch)

    # A new environment, as each run makes: the code comes from the cache.
    assert compiled(environment(), text).render(xs=["a", "b"]) == cold == "A, B"
    with pytest.raises(jinja2.UndefinedError):
        compiled(environment(), text).render()  # strict as ever


@pytest.mark.parametrize("stored", ["not base64!", "aGVsbG8=", 12])
def test_a_damaged_compiled_entry_is_compiled_again(cache_folder: Path, stored: object) -> None:
    first = environment()
    write_entry("jinja", compiled_key(first, "{{ x }}!"), stored)

    assert compiled(first, "{{ x }}!").render(x=1) == "1!"


def test_compiled_code_is_kept_per_environment_settings(cache_folder: Path) -> None:
    trimmed = environment()
    trimmed.trim_blocks = True
    text = "{% if x %}\nyes{% endif %}"

    assert compiled(environment(), text).render(x=1) == "\nyes"
    assert compiled(trimmed, text).render(x=1) == "yes"


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
