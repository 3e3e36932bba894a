"""Templating: the sandboxed environment, its filters and placeholder checks."""

from __future__ import annotations

import datetime as dt

import pytest

from cipdocs.errors import TemplateProblemError
from cipdocs.templating import (
    check_source,
    find_placeholders,
    has_placeholder,
    make_environment,
    render_text,
)


def test_filters_render() -> None:
    environment = make_environment()
    text = render_text(
        environment,
        "{{ d | short_date }} / {{ d | long_date }} / {{ names | and_list('the') }} / {{ 5 | percent }}",
        {"d": dt.date(2024, 8, 30), "names": ["ASO", "GAC"]},
        "test",
    )
    assert text == "30 Aug 2024 / 30 August 2024 / the ASO and the GAC / 5%"


def test_unknown_name_is_a_template_problem_naming_the_place() -> None:
    with pytest.raises(TemplateProblemError, match=r"slide 2, shape 'Title': cannot render"):
        render_text(make_environment(), "{{ nope }}", {}, "slide 2, shape 'Title'")


def test_sandbox_blocks_attribute_escapes() -> None:
    with pytest.raises(TemplateProblemError, match="cannot render"):
        render_text(make_environment(), "{{ x.__class__.__mro__ }}", {"x": 1}, "here")


def test_autoescape_escapes_markup() -> None:
    text = render_text(make_environment(autoescape=True), "{{ name }}", {"name": "A & <B>"}, "x")
    assert text == "A &amp; &lt;B&gt;"


def test_check_source_flags_unknown_names_with_suggestion() -> None:
    (issue,) = check_source("{{ report_dat | short_date }}", "slide 1")
    assert issue.where == "slide 1"
    assert "unknown name 'report_dat'" in issue.message
    assert "did you mean 'report_date'?" in issue.message


def test_check_source_accepts_loop_variables_and_known_names() -> None:
    assert check_source("{% for row in statuses %}{{ row.label }}{% endfor %}", "x") == []


def test_check_source_flags_broken_jinja_and_unknown_filters() -> None:
    (broken,) = check_source("{{ report_date | }}", "paragraph 3")
    assert "broken placeholder" in broken.message
    (unknown_filter,) = check_source("{{ report_date | shortdate }}", "paragraph 4")
    assert "shortdate" in unknown_filter.message


def test_find_placeholders() -> None:
    text = "As of {{ report_date | short_date }}{% if x %}!{% endif %}"
    assert find_placeholders(text) == [
        "{{ report_date | short_date }}",
        "{% if x %}",
        "{% endif %}",
    ]
    assert has_placeholder("a {{") and not has_placeholder("plain")
