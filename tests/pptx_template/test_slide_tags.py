"""Slide tags: {%slide for %} repeats a slide, {%slide if %} keeps it only when it holds."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from cipdocs.pptx_template.presentation import fill_presentation
from cipdocs.pptx_template.tags import TemplateError
from cipdocs.verify.selfcheck import check_office_file
from tests.pptx_template.conftest import (
    TITLE_ONLY,
    Fill,
    add_chart,
    add_slide,
    add_table,
    all_text,
    environment,
    new_deck,
    slide_texts,
    titles,
)

STATUSES = [
    {"label": "Completed", "groups": ["ASO", "GAC"]},
    {"label": "In progress", "groups": ["SSAC"]},
    {"label": "Not started", "groups": []},
]


def test_a_slide_per_item_in_place_with_its_own_text_and_notes(fill: Fill) -> None:
    deck = new_deck()
    add_slide(deck, "Opening")
    add_slide(
        deck,
        "Status: {{ status.label }}",
        ["{%slide for status in statuses %}"],
        ["{{ status.groups | join(', ') or 'none' }}"],
        notes=["Slide {{ loop.index }} of {{ loop.length }}: {{ status.label }}"],
    )
    add_slide(deck, "Closing")
    filled = fill(deck, {"statuses": STATUSES})
    assert titles(filled) == [
        "Opening",
        "Status: Completed",
        "Status: In progress",
        "Status: Not started",
        "Closing",
    ]
    assert slide_texts(filled.slides[1])[1:] == ["ASO, GAC"]
    assert slide_texts(filled.slides[3])[1:] == ["none"]
    notes = [slide.notes_slide.notes_text_frame.text for slide in list(filled.slides)[1:4]]
    assert notes == [
        "Slide 1 of 3: Completed",
        "Slide 2 of 3: In progress",
        "Slide 3 of 3: Not started",
    ]
    # The tag's text box, emptied, is gone; nothing of the tags is left.
    assert [shape.name for shape in filled.slides[1].shapes] == ["Title 1", "Box 2"]
    assert "{%" not in all_text(filled)


def test_the_tag_may_stand_in_the_speaker_notes(fill: Fill) -> None:
    deck = new_deck()
    add_slide(deck, "{{ band }}", notes=["{%slide for band in bands %}", "About {{ band }}"])
    filled = fill(deck, {"bands": ["100%", "50%-99%"]})
    assert titles(filled) == ["100%", "50%-99%"]
    assert [s.notes_slide.notes_text_frame.text for s in filled.slides] == [
        "About 100%",
        "About 50%-99%",
    ]


@pytest.mark.parametrize(
    ("unrepresented", "expected"),
    [([], ["Opening", "Closing"]), (["ASO"], ["Opening", "Without a representative", "Closing"])],
)
def test_a_slide_kept_only_when_its_condition_holds(
    fill: Fill, unrepresented: list[str], expected: list[str]
) -> None:
    deck = new_deck()
    add_slide(deck, "Opening")
    add_slide(
        deck,
        "Without a representative",
        ["{%slide if unrepresented %}", "{{ unrepresented | join(', ') }}"],
    )
    add_slide(deck, "Closing")
    filled = fill(deck, {"unrepresented": unrepresented})
    assert titles(filled) == expected
    if unrepresented:
        # The paragraph left beside the tag keeps its text box.
        assert slide_texts(filled.slides[1])[1:] == ["ASO"]


def test_an_empty_list_removes_the_slide(fill: Fill) -> None:
    deck = new_deck()
    add_slide(deck, "One {{ x }}", ["{%slide for x in items %}"])
    add_slide(deck, "Kept")
    assert titles(fill(deck, {"items": []})) == ["Kept"]


def test_copies_carry_their_own_chart_table_and_notes_and_open_without_repair(
    fill: Fill, tmp_path: Path
) -> None:
    deck = new_deck()
    slide = add_slide(
        deck, "{{ group.name }}", ["{%slide for group in groups %}"], notes=["{{ group.name }}"]
    )
    add_table(
        slide,
        [["Meeting", "Attended"], ["{%tr for m in group.meetings %}{{ m[0] }}", "{{ m[1] }}"]],
    )
    add_chart(slide, "Chart: for m in group.meetings; categories=m[0]; values=m[1]")
    groups = [
        {"name": "ASO", "meetings": [("M1", 1), ("M2", 0)]},
        {"name": "GAC", "meetings": [("M1", 1), ("M2", 1), ("M3", 1)]},
    ]
    filled = fill(deck, {"groups": groups})
    assert check_office_file(tmp_path / "filled.pptx") == []
    charts = [next(s for s in slide.shapes if s.has_chart).chart for slide in filled.slides]
    assert [list(chart.plots[0].categories) for chart in charts] == [
        ["M1", "M2"],
        ["M1", "M2", "M3"],
    ]
    assert [list(chart.plots[0].series[0].values) for chart in charts] == [[1, 0], [1, 1, 1]]
    assert charts[0].part is not charts[1].part
    assert charts[0].part.chart_workbook.xlsx_part is not charts[1].part.chart_workbook.xlsx_part
    tables = [next(s for s in slide.shapes if s.has_table).table for slide in filled.slides]
    assert [len(table.rows) for table in tables] == [3, 4]
    with zipfile.ZipFile(tmp_path / "filled.pptx") as archive:
        names = archive.namelist()
    assert sum(name.startswith("ppt/charts/chart") for name in names) == 2
    assert (
        sum(
            name.startswith("ppt/notesSlides/notesSlide") and name.endswith(".xml")
            for name in names
        )
        == 2
    )


def test_two_slide_tags_on_one_slide_are_refused(fill: Fill) -> None:
    deck = new_deck()
    add_slide(deck, "x", ["{%slide if a %}"], ["{%slide for b in c %}"])
    with pytest.raises(TemplateError, match=re.escape("one {%slide %} tag")):
        fill(deck, {"a": 1, "c": []})


def test_a_slide_tag_beside_other_text_is_refused(fill: Fill) -> None:
    deck = new_deck()
    add_slide(deck, "x", ["Groups {%slide for g in groups %}"])
    with pytest.raises(TemplateError, match="alone in its paragraph"):
        fill(deck, {"groups": []})


def test_slides_dropped_then_repeated_keep_distinct_part_names(fill: Fill, tmp_path: Path) -> None:
    # python-pptx names a new slide after the count of slides; after a removal that name is taken.
    deck = new_deck()
    add_slide(deck, "Dropped", ["{%slide if false %}"])
    add_slide(deck, "Kept")
    add_slide(deck, "{{ x }}", ["{%slide for x in items %}"], notes=["{{ x }}"])
    filled = fill(deck, {"items": ["a", "b", "c"]})
    assert titles(filled) == ["Kept", "a", "b", "c"]
    assert [s.notes_slide.notes_text_frame.text for s in list(filled.slides)[1:]] == ["a", "b", "c"]
    assert check_office_file(tmp_path / "filled.pptx") == []
    with zipfile.ZipFile(tmp_path / "filled.pptx") as archive:
        slides = [name for name in archive.namelist() if name.startswith("ppt/slides/slide")]
    assert len(slides) == len(set(slides)) == 4


def test_a_slide_added_after_repeats_and_removals_takes_a_free_name(tmp_path: Path) -> None:
    # As a table's follow-on slide is added once the slides are expanded.
    deck = new_deck()
    add_slide(deck, "{{ x }}", ["{%slide for x in items %}"])
    add_slide(deck, "Dropped", ["{%slide if false %}"])
    add_slide(deck, "{{ y }}", ["{%slide for y in items %}"])
    fill_presentation(deck, environment(), {"items": ["a", "b", "c"]})
    deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    deck.save(str(tmp_path / "added.pptx"))
    with zipfile.ZipFile(tmp_path / "added.pptx") as archive:
        slides = [
            name for name in archive.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", name)
        ]
    assert len(slides) == len(set(slides)) == 7
