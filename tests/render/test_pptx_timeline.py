"""Tests for render/pptx_timeline.py: colours follow the status's meaning and stay readable."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pptx
import pytest

from cipdocs.render.pptx import render_deck
from cipdocs.render.pptx_timeline import OTHER_COLOUR, status_colour
from cipdocs.report.present import PhaseView, PresentedReport
from cipdocs.verify.accessibility import check_accessibility
from tests.conftest import DECK_TEMPLATE

DONE, UNDER_WAY = "2E7D32", "003B71"


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("Completed", DONE),
        ("Done", DONE),
        ("Completed Framework (with Consensus Call)", DONE),
        ("In progress", UNDER_WAY),
        ("In Progress (Awaiting Consensus Call)", UNDER_WAY),
        ("Started", UNDER_WAY),
        ("Not started", OTHER_COLOUR),
        ("Not yet done", OTHER_COLOUR),
        ("Incomplete", OTHER_COLOUR),
        ("Planned", OTHER_COLOUR),
        ("Under discussion", OTHER_COLOUR),
        ("", OTHER_COLOUR),
    ],
)
def test_status_colour_follows_the_words(status: str, colour: str) -> None:
    assert status_colour(status) == colour


def test_bars_name_their_status_in_readable_text(
    sample_presented: PresentedReport, tmp_path: Path
) -> None:
    phases = [
        PhaseView("Build", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "In progress"),
        PhaseView("Review", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "Not started"),
        PhaseView("Launch", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Planned"),
    ]
    report = dataclasses.replace(sample_presented, roadmap=phases)
    render_deck(report, DECK_TEMPLATE, tmp_path / "deck.pptx")

    deck = pptx.Presentation(str(tmp_path / "deck.pptx"))
    timeline = next(shape for shape in deck.slides[4].shapes if shape.name == "Timeline")
    bars = {shape.name: shape for shape in timeline.shapes if shape.name.startswith("Phase: ")}
    texts = [shape.text_frame.text for shape in timeline.shapes if shape.has_text_frame]
    assert str(bars["Phase: Review"].fill.fore_color.rgb) == OTHER_COLOUR
    assert str(bars["Phase: Build"].fill.fore_color.rgb) == UNDER_WAY
    run = bars["Phase: Launch"].text_frame.paragraphs[0].runs[0]
    assert (run.text, str(run.font.color.rgb)) == ("Planned", "1F2937")
    # The status is also in words beside each bar: colour is never the only cue.
    for phase in phases:
        assert any(text.startswith(phase.phase) and phase.status in text for text in texts)
    assert check_accessibility(deck) == []
