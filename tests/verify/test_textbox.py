"""Tests for verify/textbox.py: text measured as PowerPoint lays it out, with what a shape
inherits from its layout and master (autofit, insets, anchor, wrapping) and merged table cells."""

from __future__ import annotations

import pptx
from lxml import etree
from pptx.util import Cm, Emu, Pt

from cipdocs.pptx_template.fonts import FaceMetrics
from cipdocs.pptx_template.measure import Measurer
from cipdocs.verify.layoutcheck import check_layout
from cipdocs.verify.model import read_deck
from cipdocs.verify.textbox import table_height, text_box

# Every character half an em wide, lines 1.2 em: at 20 pt a character is 10 pt, a line 24 pt.
HALF = FaceMetrics("Half", False, 1000, dict.fromkeys(range(32, 127), 500), 900, 300)
MEASURE = Measurer(lambda typeface, bold: HALF)
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
LINE = 24 * 12700
"""One line of 20 pt text, in EMU."""


def body_slide(lines: int):  # type: ignore[no-untyped-def]
    """Return a deck whose one slide's body placeholder holds `lines` paragraphs of 20 pt."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    body = slide.placeholders[1]
    body.text_frame.text = "\n".join(["aaaa"] * lines)
    for paragraph in body.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(20)
    return deck, body


def master_body(deck):  # type: ignore[no-untyped-def]
    """Return the `a:bodyPr` of the master's body placeholder."""
    master_placeholder = next(
        shape for shape in deck.slide_master.placeholders if shape.placeholder_format.idx == 1
    )
    return master_placeholder.element.find(f".//{A}bodyPr")


def test_autofit_inherited_from_the_master_keeps_the_box_its_size() -> None:
    # The default master's body shrinks text on overflow; the slide's placeholder says nothing.
    deck, _ = body_slide(40)

    assert check_layout(deck, set(), MEASURE) == []


def test_text_without_autofit_anywhere_grows_past_the_slide() -> None:
    deck, _ = body_slide(40)
    fit = master_body(deck).find(f"{A}normAutofit")
    fit.getparent().remove(fit)

    assert [finding.rule for finding in check_layout(deck, set(), MEASURE)] == ["past the slide"]


def test_the_slide_s_own_autofit_wins_over_the_master_s() -> None:
    deck, body = body_slide(40)
    body.element.find(f".//{A}bodyPr").append(etree.Element(f"{A}noAutofit"))

    assert [finding.rule for finding in check_layout(deck, set(), MEASURE)] == ["past the slide"]


def test_insets_and_anchor_come_from_the_master_when_the_shape_sets_none() -> None:
    deck, body = body_slide(3)
    body.left, body.top, body.width, body.height = Cm(1), Cm(5), Cm(20), Emu(LINE)
    # One line high, three lines of text.
    master = master_body(deck)
    master.remove(master.find(f"{A}normAutofit"))
    master.set("tIns", str(Cm(1)))
    master.set("bIns", "0")
    master.set("anchor", "b")

    shape = next(shape for shape in read_deck(deck).slides[0].shapes if shape.name == body.name)
    box = text_box(shape, MEASURE, ("Half", "Half"))

    # Anchored at the bottom, the text grows upwards by two lines and the 1 cm top inset.
    assert box.bottom == Cm(5) + LINE
    assert box.top == Cm(5) - 2 * LINE - Cm(1)


def test_text_that_does_not_wrap_is_one_line_a_paragraph() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(Cm(1), Cm(17), Cm(2), Emu(LINE + Cm(0.254)))
    box.text_frame.word_wrap = False
    run = box.text_frame.paragraphs[0].add_run()
    run.text = " ".join(["aaaa"] * 10)  # would take 10 lines wrapped 2 cm wide
    run.font.size = Pt(20)

    assert check_layout(deck, set(), MEASURE) == []
    box.text_frame.word_wrap = True
    assert [finding.rule for finding in check_layout(deck, set(), MEASURE)] == ["past the slide"]


def test_a_cell_merged_down_two_rows_needs_their_heights_together() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    frame = slide.shapes.add_table(2, 2, Cm(1), Cm(1), Cm(10), Emu(2 * LINE))
    table = frame.table
    for row in table.rows:
        row.height = Emu(2 * LINE)
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 0).text = "\n".join(["aaaa"] * 3)  # three lines, in two rows of two lines
    for cell in (table.cell(0, 0), table.cell(0, 1), table.cell(1, 1)):
        cell.margin_top = cell.margin_bottom = 0
        for paragraph in cell.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(20)

    shape = read_deck(deck).slides[0].shapes[0]

    # Measured as one row's cell, the merged cell would make the first row three lines high.
    assert table_height(shape, MEASURE, ("Half", "Half")) == 4 * LINE
