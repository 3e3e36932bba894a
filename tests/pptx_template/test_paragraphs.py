"""Paragraph tags: {%p for %} and {%p if %} repeat or drop whole paragraphs, bullets kept."""

from __future__ import annotations

import pytest

from cipdocs.pptx_template.paragraphs import check_body
from cipdocs.pptx_template.tags import Names, TemplateError
from tests.pptx_template.conftest import Fill, add_slide, add_table, environment, new_deck

CONTENT = 1


def bullet_slide(deck: object, paragraphs: list[tuple[str, int]]) -> object:
    """Add a Title and Content slide whose bulleted body holds `paragraphs` at their levels."""
    slide = deck.slides.add_slide(deck.slide_layouts[CONTENT])  # type: ignore[attr-defined]
    slide.shapes.title.text_frame.text = "Groups"
    frame = slide.placeholders[1].text_frame
    frame.text = paragraphs[0][0]
    frame.paragraphs[0].level = paragraphs[0][1]
    for text, level in paragraphs[1:]:
        paragraph = frame.add_paragraph()
        paragraph.text = text
        paragraph.level = level
    return slide


def body(deck: object) -> list[tuple[str, int]]:
    frame = deck.slides[0].placeholders[1].text_frame  # type: ignore[attr-defined]
    return [(paragraph.text, paragraph.level) for paragraph in frame.paragraphs]


def test_one_bullet_per_item_keeping_levels(fill: Fill) -> None:
    deck = new_deck()
    bullet_slide(
        deck,
        [
            ("Without a representative:", 0),
            ("{%p for g in unrepresented %}", 1),
            ("{{ g }}", 1),
            ("{%p endfor %}", 1),
            ("Thank you", 0),
        ],
    )
    filled = fill(deck, {"unrepresented": ["ASO", "GAC"]})
    assert body(filled) == [
        ("Without a representative:", 0),
        ("ASO", 1),
        ("GAC", 1),
        ("Thank you", 0),
    ]


def test_nested_loops_and_conditions(fill: Fill) -> None:
    deck = new_deck()
    bullet_slide(
        deck,
        [
            ("{%p for s in statuses %}", 0),
            ("{{ s.label }}", 0),
            ("{%p for g in s.groups %}", 1),
            ("{{ loop.index }}. {{ g }}", 1),
            ("{%p endfor %}", 1),
            ("{%p if not s.groups %}", 1),
            ("none yet", 1),
            ("{%p else %}", 1),
            ("{{ s.groups | length }} in all", 1),
            ("{%p endif %}", 1),
            ("{%p endfor %}", 0),
        ],
    )
    statuses = [{"label": "Done", "groups": ["A", "B"]}, {"label": "Idle", "groups": []}]
    assert body(fill(deck, {"statuses": statuses})) == [
        ("Done", 0),
        ("1. A", 1),
        ("2. B", 1),
        ("2 in all", 1),
        ("Idle", 0),
        ("none yet", 1),
    ]


def test_a_condition_that_fails_everywhere_leaves_one_empty_paragraph(fill: Fill) -> None:
    deck = new_deck()
    bullet_slide(deck, [("{%p if items %}", 0), ("{{ items }}", 0), ("{%p endif %}", 0)])
    assert body(fill(deck, {"items": []})) == [("", 0)]


def test_paragraph_loop_in_a_table_cell(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(deck, "Bands")
    frame = add_table(slide, [["Band", "Groups"], ["{%tr for b in bands %}{{ b.name }}", ""]])
    cell = frame.table.cell(1, 1).text_frame
    cell.text = "{%p for g in b.groups %}"
    cell.add_paragraph().text = "{{ g }}"
    cell.add_paragraph().text = "{%p endfor %}"
    bands = [{"name": "100%", "groups": ["ASO", "GAC"]}, {"name": "0%", "groups": ["SSAC"]}]
    filled = fill(deck, {"bands": bands})
    table = next(shape for shape in filled.slides[0].shapes if shape.has_table).table
    assert [[c.text_frame.text for c in row.cells] for row in table.rows] == [
        ["Band", "Groups"],
        ["100%", "ASO\nGAC"],
        ["0%", "SSAC"],
    ]


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        (["{%p for g in items %}", "{{ g }}"], "never closed"),
        (["{{ x }}", "{%p endfor %}"], "closes or continues no open"),
        (["Names: {%p for g in items %}", "{{ g }}", "{%p endfor %}"], "alone in its paragraph"),
    ],
)
def test_unmatched_or_misplaced_tags_are_refused(
    fill: Fill, paragraphs: list[str], message: str
) -> None:
    deck = new_deck()
    add_slide(deck, "x", paragraphs)
    with pytest.raises(TemplateError, match=message):
        fill(deck, {"items": [1], "x": 1})


def test_check_reads_loop_names_and_flags_unknown_ones() -> None:
    deck = new_deck()
    slide = add_slide(deck, "x", ["{%p for g in groups %}", "{{ g }} {{ h }}", "{%p endfor %}"])
    paragraphs = slide.shapes[1].text_frame._txBody.findall(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}p"
    )
    problems = check_body(paragraphs, environment(), "here", Names(frozenset({"groups"})))
    assert [problem.message.split(";")[0] for problem in problems] == [
        "unknown name 'h' in '{{ g }} {{ h }}'"
    ]
