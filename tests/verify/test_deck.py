"""Tests for verify/deck.py: the template's own findings (and their cache), the filled deck's
judgement, and check-deck on any file."""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest
from pptx.dml.color import RGBColor
from pptx.util import Cm, Pt

from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport
from cipdocs.verify import deck as judging
from cipdocs.verify.deck import check_deck_file, template_findings
from tests.conftest import DECK_TEMPLATE


def template_with_flaws(folder: Path) -> Path:
    """Return the shipped template with two flaws of its own on slide 5 (participation): a footnote whose text
    runs past the bottom of the slide and a pale label."""
    deck = pptx.Presentation(str(DECK_TEMPLATE))
    slide = deck.slides[4]
    height = deck.slide_height
    footnote = slide.shapes.add_textbox(Cm(1), height - Cm(1), Cm(20), Cm(0.8))
    footnote.name = "Footnote"
    footnote.text_frame.word_wrap = True
    footnote.text_frame.text = "\n".join(["Source: the CIP-CCG tracker"] * 6)
    label = slide.shapes.add_textbox(Cm(2), Cm(13.5), Cm(5), Cm(1))
    label.name = "Pale label"
    run = label.text_frame.paragraphs[0].add_run()
    run.text = "Draft"
    run.font.size = Pt(12)
    run.font.color.rgb = RGBColor(0xEE, 0xEE, 0xEE)
    path = folder / "flawed.pptx"
    deck.save(str(path))
    return path


def test_what_the_template_already_had_does_not_stop_the_run(
    sample_presented: PresentedReport, tmp_path: Path
) -> None:
    template = template_with_flaws(tmp_path)

    render_deck(sample_presented, template, tmp_path / "deck.pptx")

    # check-deck still lists both (and the footnote over the text box it was put on): they
    # are the template's to fix.
    found = {(finding.rule, finding.shape) for finding in check_deck_file(tmp_path / "deck.pptx")}
    assert {("past the slide", "Footnote"), ("contrast", "Pale label")} <= found


def test_template_findings_are_the_same_cold_and_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIPDOCS_CACHE_DIR", str(tmp_path / "cache"))
    template = template_with_flaws(tmp_path)

    cold = template_findings(pptx.Presentation(str(template)), template)

    def judged_again(presentation: object) -> None:
        raise AssertionError("the template was judged again instead of read from the cache")

    monkeypatch.setattr(judging, "judge_template", judged_again)
    warm = template_findings(pptx.Presentation(str(template)), template)

    assert warm == cold
    assert {finding.rule for finding in cold.accessibility} == {"contrast"}
    assert [finding.shape for finding in cold.past_the_slide] == ["Footnote"]


def test_a_changed_template_is_judged_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIPDOCS_CACHE_DIR", str(tmp_path / "cache"))
    template = template_with_flaws(tmp_path)
    template_findings(pptx.Presentation(str(template)), template)

    deck = pptx.Presentation(str(template))
    label = next(shape for shape in deck.slides[4].shapes if shape.name == "Pale label")
    label.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0, 0, 0)
    deck.save(str(template))

    assert template_findings(pptx.Presentation(str(template)), template).accessibility == ()


def test_text_drawn_over_a_shape_in_the_template_is_an_overlap_it_had(tmp_path: Path) -> None:
    deck = pptx.Presentation(str(DECK_TEMPLATE))
    slide = deck.slides[4]
    long_text = slide.shapes.add_textbox(Cm(2), Cm(8), Cm(5), Cm(1))
    long_text.name = "Long note"
    long_text.text_frame.word_wrap = True
    long_text.text_frame.text = " ".join(["participation"] * 40)
    below = slide.shapes.add_textbox(Cm(2), Cm(10), Cm(5), Cm(1))
    below.name = "Below"
    below.text_frame.text = "Below"
    deck.save(str(tmp_path / "template.pptx"))

    found = template_findings(pptx.Presentation(str(tmp_path / "template.pptx")))

    # Their boxes do not overlap; the long note's text, as it is drawn, runs over the other.
    assert ("Below", "Long note") in found.overlaps
