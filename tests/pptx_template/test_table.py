"""Table rows: {%tr for %} with any loop header Jinja accepts, {%tr if %}, and their checks."""

from __future__ import annotations

from typing import Any

import pytest

from cipdocs.pptx_template.presentation import fill_presentation
from cipdocs.pptx_template.table import KeptRows, check_table, table_of
from cipdocs.pptx_template.tags import Names, TemplateError
from cipdocs.pptx_template.text import NAMESPACES
from tests.pptx_template.conftest import Fill, add_slide, add_table, environment, new_deck

BANDS = [
    {"name": "100%", "groups": ["ASO", "GAC"]},
    {"name": "50%-99%", "groups": []},
    {"name": "0%-49%", "groups": ["SSAC"]},
]


def rows_of(deck: Any) -> list[list[str]]:
    table = next(shape for shape in deck.slides[0].shapes if shape.has_table).table
    return [[cell.text_frame.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize(
    ("first_cell", "second_cell", "expected"),
    [
        (
            "{%tr for row in bands if row.groups %}{{ row.name }}",
            "{{ row.groups | join(', ') }}",
            [["100%", "ASO, GAC"], ["0%-49%", "SSAC"]],
        ),
        (
            "{%tr for row in bands | reverse %}{{ loop.index }}",
            "{{ row.name }}",
            [["1", "0%-49%"], ["2", "50%-99%"], ["3", "100%"]],
        ),
        (
            "{%tr for name, count in counts.items() %}{{ name }}",
            "{{ count }}",
            [["a", "1"], ["b", "2"]],
        ),
        (
            "{%tr for row in bands | selectattr('groups') | list %}{{ row.name }}",
            "{{ loop.last }}",
            [["100%", "False"], ["0%-49%", "True"]],
        ),
        ("{%tr if counts %}Total", "{{ counts | length }}", [["Total", "2"]]),
        ("{%tr if not counts %}Total", "none", []),
    ],
)
def test_row_loops(
    fill: Fill, first_cell: str, second_cell: str, expected: list[list[str]]
) -> None:
    deck = new_deck()
    add_table(add_slide(deck, "t"), [["Band", "Groups"], [first_cell, second_cell]])
    filled = fill(deck, {"bands": BANDS, "counts": {"a": 1, "b": 2}})
    assert rows_of(filled) == [["Band", "Groups"], *expected]


def test_curly_quotes_from_autocorrect_work_in_a_row_tag(fill: Fill) -> None:
    deck = new_deck()
    first = "{%tr for row in bands if row.name != \u201850%-99%\u2019 %}{{ row.name }}"
    add_table(
        add_slide(deck, "t"),
        [["Band", "Groups"], [first, "{{ row.groups | join(\u2018+\u2019) }}"]],
    )
    assert rows_of(fill(deck, {"bands": BANDS})) == [
        ["Band", "Groups"],
        ["100%", "ASO+GAC"],
        ["0%-49%", "SSAC"],
    ]


def test_a_word_style_endfor_row_is_refused_with_the_powerpoint_form(fill: Fill) -> None:
    deck = new_deck()
    add_table(
        add_slide(deck, "t"),
        [["{%tr for row in bands %}{{ row.name }}", ""], ["{%tr endfor %}", ""]],
    )
    with pytest.raises(
        TemplateError, match=r"row 2, cell 1: in PowerPoint the row .* repeats itself"
    ):
        fill(deck, {"bands": BANDS})


def test_check_reads_filtered_loops_and_flags_every_problem() -> None:
    deck = new_deck()
    frame = add_table(
        add_slide(deck, "t"),
        [
            ["{%tr for row in bands if row.groups %}{{ row.name }}", "{{ row.colour }}"],
            ["{%tr for x in %}", "{{ x.__class__ }}"],
            ["{{ nope }}", "{%tr endfor %}"],
            ["{%tr endfor %}", ""],
        ],
    )
    table = table_of(frame._element)
    assert table is not None
    problems = check_table(
        table, "slide 1, shape 'Table'", environment(), Names(frozenset({"bands"}))
    )
    found = [(problem.where, problem.message.split(":")[0]) for problem in problems]
    assert found == [
        ("slide 1, shape 'Table', row 2, cell 1", "broken tag '{%tr for x in %}'"),
        (
            "slide 1, shape 'Table', row 2, cell 2",
            "'__class__' in '{{ x.__class__ }}' is refused by the sandbox; remove it",
        ),
        (
            "slide 1, shape 'Table', row 3, cell 1",
            "unknown name 'nope' in '{{ nope }}'; check the spelling",
        ),
        ("slide 1, shape 'Table', row 3, cell 2", "a {%tr %} tag must start the row's first cell"),
        (
            "slide 1, shape 'Table', row 4, cell 1",
            "in PowerPoint the row that starts with {%tr for … %} repeats itself and needs no {%tr endfor %} row (that is Word's form); delete this row",
        ),
    ]


def test_filling_tells_the_rows_it_left_as_the_template_had_them() -> None:
    deck = new_deck()
    frame = add_table(
        add_slide(deck, "t"),
        [["Band", "Groups"], ["{%tr for row in bands %}{{ row.name }}", "x"], ["Total", "{{ n }}"]],
    )
    plain = add_table(add_slide(deck, "u"), [["Band", "Groups"], ["Total", "3"]], "Plain")
    table, untouched = table_of(frame._element), table_of(plain._element)
    assert table is not None and untouched is not None
    before = KeptRows.before_filling(table), KeptRows.before_filling(untouched)
    filled = fill_presentation(deck, environment(), {"bands": BANDS, "n": 3})
    key, plain_key = str(frame.shape_id), str(plain.shape_id)
    assert filled[0].kept_rows[key] == before[0].after_filling(table)
    kept, rows = filled[0].kept_rows[key], table.findall("a:tr", NAMESPACES)
    # The header row is kept; the loop's rows are new and the total's text is filled in.
    assert [row in kept for row in rows] == [True, False, False, False, False]
    assert kept.changed
    assert not filled[1].kept_rows[plain_key].changed
    assert all(
        row in filled[1].kept_rows[plain_key] for row in untouched.findall("a:tr", NAMESPACES)
    )
    assert before[1].rows == filled[1].kept_rows[plain_key].rows
