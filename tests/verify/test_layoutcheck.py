"""Tests for verify/layoutcheck.py: text measured past the slide or over another shape is found."""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest
from bench.make_workbook import write_workbook
from pptx.util import Cm, Pt

from cipdocs.errors import DeckCheckError
from cipdocs.loading import load_report
from cipdocs.pptx_template.fonts import FaceMetrics
from cipdocs.pptx_template.measure import Measurer
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import present_report
from cipdocs.verify.layoutcheck import (
    FLOOR_SIZE,
    check_layout,
    overlapping_text_shapes,
    raise_on_layout_findings,
    shrink_overflowing_text,
)
from tests.conftest import DECK_TEMPLATE

# Every character half an em wide, lines 1.2 em: easy sums. At 20 pt a character is 10 pt.
HALF = FaceMetrics("Half", False, 1000, dict.fromkeys(range(32, 127), 500), 900, 300)
MEASURE = Measurer(lambda typeface, bold: HALF)


def deck_with_boxes(*boxes: tuple[str, float, float, float, float, str]):  # type: ignore[no-untyped-def]
    """Return a deck with one slide holding text boxes (name, left, top, width, height cm, text)."""
    deck = pptx.Presentation()  # 25.4 x 19.05 cm
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    for name, left, top, width, height, text in boxes:
        box = slide.shapes.add_textbox(Cm(left), Cm(top), Cm(width), Cm(height))
        box.name = name
        box.text_frame.word_wrap = True
        run = box.text_frame.paragraphs[0].add_run()
        run.text = text
        run.font.size = Pt(20)
    return deck


def messages(deck, allowed=frozenset()) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(finding) for finding in check_layout(deck, set(allowed), MEASURE)]


def test_text_that_fits_its_box_passes() -> None:
    assert messages(deck_with_boxes(("Note", 2, 2, 10, 2, "Short text"))) == []


def test_text_grown_past_the_bottom_of_the_slide_names_the_room_needed_and_left() -> None:
    # 30 words of 5 characters, 10 pt each: 5 words a line of 10 cm (283 pt - insets), 6 lines
    # of 24 pt: 144 pt + 0.25 cm of insets = 5.3 cm from 15 cm down; 4.05 cm are left.
    deck = deck_with_boxes(("Names", 1, 15, 10, 1, " ".join(["aaaa"] * 30)))

    assert messages(deck) == [
        "slide 1, shape 'Names': the text needs 5.3 cm from 15.0 cm down, 4.0 cm are left on "
        "the slide; shorten it or make room for it in the template"
    ]


def test_a_box_past_the_right_edge() -> None:
    assert messages(deck_with_boxes(("Wide", 20, 2, 10, 2, "x"))) == [
        "slide 1, shape 'Wide': the shape reaches past the edge of the slide; move it onto the slide"
    ]


def test_text_grown_over_the_shape_below() -> None:
    deck = deck_with_boxes(
        ("Paragraph", 1, 2, 10, 1, " ".join(["aaaa"] * 30)),
        ("Footer", 1, 5, 10, 1, "Below"),
    )

    assert messages(deck) == [
        "slide 1, shape 'Paragraph': its text is drawn over shape 'Footer' (1.1 cm of it); "
        "shorten the text or move the shapes apart in the template"
    ]


def test_overlaps_the_template_already_had_are_allowed() -> None:
    deck = deck_with_boxes(("Badge", 1, 1, 5, 2, "New"), ("Heading", 2, 1.5, 5, 2, "Title"))

    assert overlapping_text_shapes(deck) == {("Badge", "Heading")}
    assert messages(deck, {("Badge", "Heading")}) == []
    assert len(messages(deck)) == 1


def test_overflowing_text_shrinks_within_the_floor() -> None:
    deck = deck_with_boxes(("Names", 1, 15, 10, 1, " ".join(["aaaa"] * 30)))

    shrink_overflowing_text(deck, MEASURE)

    sizes = {run.font.size.pt for run in deck.slides[0].shapes[0].text_frame.paragraphs[0].runs}
    assert messages(deck) == []
    assert len(sizes) == 1 and FLOOR_SIZE <= sizes.pop() < 20


def test_text_that_cannot_fit_at_the_floor_is_still_reported() -> None:
    deck = deck_with_boxes(("Names", 1, 17, 10, 1, " ".join(["aaaa"] * 200)))

    shrink_overflowing_text(deck, MEASURE)

    assert [finding.rule for finding in check_layout(deck, set(), MEASURE)] == ["past the slide"]


def test_findings_stop_the_write(tmp_path: Path) -> None:
    deck = deck_with_boxes(("Wide", 20, 2, 10, 2, "x"))
    with pytest.raises(DeckCheckError) as raised:
        raise_on_layout_findings(tmp_path / "deck.pptx", check_layout(deck, set(), MEASURE))
    assert raised.value.exit_code == 8
    raise_on_layout_findings(tmp_path / "deck.pptx", [])


@pytest.mark.parametrize("groups", [300, 400])
def test_big_decks_are_laid_out_within_their_slides(tmp_path: Path, groups: int) -> None:
    workbook = write_workbook(tmp_path / f"groups-{groups}.xlsx", groups=groups)
    render_deck(present_report(load_report(workbook).report), DECK_TEMPLATE, tmp_path / "deck.pptx")

    deck = pptx.Presentation(str(tmp_path / "deck.pptx"))
    representation = next(
        shape for shape in deck.slides[1].shapes if shape.name == "Representation"
    )
    assert check_layout(deck, overlapping_text_shapes(pptx.Presentation(str(DECK_TEMPLATE)))) == []
    assert all(
        run.font.size is None or run.font.size.pt >= FLOOR_SIZE
        for paragraph in representation.text_frame.paragraphs
        for run in paragraph.runs
    )
