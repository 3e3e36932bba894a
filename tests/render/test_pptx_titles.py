"""Tests for render/pptx_titles.py: follow-on slides numbered ``(continued, 2 of 3)``."""

from __future__ import annotations

import pptx

from cipdocs.render.pptx_titles import number_continued_titles


def deck_titled(*titles: str):  # type: ignore[no-untyped-def]
    deck = pptx.Presentation()
    for title in titles:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text_frame.text = title
    return deck


def test_each_run_of_follow_ons_is_numbered_on_its_own() -> None:
    deck = deck_titled(
        "Status",
        "Status (continued)",
        "Status (continued)",
        "Bands",
        "Bands (continued)",
        "Roadmap",
    )

    number_continued_titles(deck)

    assert [slide.shapes.title.text for slide in deck.slides] == [
        "Status",
        "Status (continued, 2 of 3)",
        "Status (continued, 3 of 3)",
        "Bands",
        "Bands (continued, 2 of 2)",
        "Roadmap",
    ]


def test_a_title_that_merely_says_continued_is_left_alone() -> None:
    deck = deck_titled("Intro", "Story (continued)")

    number_continued_titles(deck)

    assert [slide.shapes.title.text for slide in deck.slides] == ["Intro", "Story (continued)"]
