"""Number the titles of follow-on slides, ``… (continued, 2 of 3)``, so every title is unique."""

from __future__ import annotations

from typing import Any

from cipdocs.pptx_template.slides import CONTINUED
from cipdocs.pptx_template.text import NAMESPACES, paragraph_runs, run_text, set_run_text


def number_continued_titles(presentation: Any) -> None:
    """Rename each run of ``T (continued)`` slides after a slide titled ``T`` as 2 of n, 3 of n…"""
    slides = list(presentation.slides)
    index = 0
    while index < len(slides):
        base = title_text(slides[index])
        follow_ons: list[Any] = []
        while (
            base is not None
            and index + 1 + len(follow_ons) < len(slides)
            and title_text(slides[index + 1 + len(follow_ons)]) == base + CONTINUED
        ):
            follow_ons.append(slides[index + 1 + len(follow_ons)])
        total = len(follow_ons) + 1
        for position, slide in enumerate(follow_ons, start=2):
            renumber(slide.shapes.title, f" (continued, {position} of {total})")
        index += total


def title_text(slide: Any) -> str | None:
    """Return the slide's title text, or None when it has no title."""
    title = slide.shapes.title
    return None if title is None else str(title.text_frame.text)


def renumber(title: Any, marker: str) -> None:
    """Replace the `` (continued)`` the title's last run ends with by `marker`."""
    runs = [
        run
        for paragraph in title._element.iterfind(".//a:p", NAMESPACES)
        for run in paragraph_runs(paragraph)
    ]
    text = run_text(runs[-1])
    set_run_text(runs[-1], text.removesuffix(CONTINUED) + marker)
