"""Check a filled deck's layout before it is written: no text past the slide, no new overlaps.

Each text box's text is measured with its font's metrics (verify/textbox.py), so a box whose
text has grown past its bottom counts as tall as its text. Two shapes that hold text may overlap
only where they already overlapped in the template, and text may reach past the slide only where
it already did in the template. See docs/checks.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from cipdocs.errors import DeckCheckError
from cipdocs.pptx_template.measure import Measurer
from cipdocs.pptx_template.measure import measurer as shared_measurer
from cipdocs.verify.colours import NAMESPACES
from cipdocs.verify.model import Box, DeckModel, ShapeModel, SlideModel, read_deck
from cipdocs.verify.shapes import Finding
from cipdocs.verify.textbox import EMU_PER_POINT, TextBoxes, paragraph_style

EMU_PER_CM = 360000
TOLERANCE = EMU_PER_POINT
"""A point of overlap or overhang is rounding, not a fault."""
FLOOR_SIZE = 10.0
"""The smallest size, in points, text is shrunk to so that it stays on its slide."""
SHRINK_STEP = 0.5
EMU_PER_CENTIPOINT = 127
Pair = tuple[str, str]


def cm(emu: int) -> str:
    """Return `emu` in centimetres, one decimal: ``9.2 cm``."""
    return f"{emu / EMU_PER_CM:.1f} cm"


def overlapping_text_shapes(presentation: Any) -> set[Pair]:
    """Return the pairs of text-bearing shape names that overlap (in the unfilled template)."""
    return overlapping_pairs(read_deck(presentation))


def overlapping_pairs(deck: DeckModel, measured: TextBoxes | None = None) -> set[Pair]:
    """Return the pairs of text-bearing shape names whose boxes overlap, on any slide: their
    own boxes, or where their text is drawn when `measured` is given."""
    pairs: set[Pair] = set()
    for slide in deck.slides:
        boxes = [
            (shape.name, measured.of(shape) if measured is not None else shape.box)
            for shape in text_shapes(slide)
        ]
        for index, (name, box) in enumerate(boxes):
            for other, other_box in boxes[index + 1 :]:
                if min(box.overlap(other_box)) > TOLERANCE:
                    pairs.add(pair_of(name, other))
    return pairs


def pair_of(name: str, other: str) -> Pair:
    """Return two shape names in a stable order."""
    first, second = sorted((name, other))
    return first, second


def shrink_overflowing_text(presentation: Any, measurer: Measurer | None = None) -> None:
    """Shrink the text of each text box that runs past the slide's bottom until it fits, in
    steps of half a point, never below `FLOOR_SIZE` (what still does not fit is reported)."""
    deck = read_deck(presentation)
    shrink_overflowing(deck, TextBoxes(measurer or shared_measurer(), deck.fonts))


def shrink_overflowing(deck: DeckModel, boxes: TextBoxes) -> None:
    """Shrink each text box of `deck` that runs past the slide's bottom (see
    `shrink_overflowing_text`); `boxes` measures, and forgets the boxes it shrinks."""
    for slide in deck.slides:
        for shape in text_shapes(slide):
            if shape.has_table or boxes.of(shape).bottom <= deck.height:
                continue
            defaults = shape.run_defaults()
            paragraphs = list(shape.element.iterfind("p:txBody/a:p", NAMESPACES))
            sizes = [paragraph_style(shape, p, boxes.fonts, defaults).size for p in paragraphs]
            step = 0
            while boxes.of(shape).bottom > deck.height:
                step += 1
                if min(sizes) - step * SHRINK_STEP < FLOOR_SIZE:
                    break
                for paragraph, size in zip(paragraphs, sizes, strict=True):
                    set_run_sizes(paragraph, size - step * SHRINK_STEP)
                boxes.forget(shape)


def set_run_sizes(paragraph: etree._Element, points: float) -> None:
    """Set the size of every run of `paragraph`, as python-pptx's `font.size` writes it."""
    centipoints = str(int(EMU_PER_POINT * points) // EMU_PER_CENTIPOINT)
    for run in paragraph.iterfind("a:r", NAMESPACES):
        # python-pptx's own element class places a new `a:rPr` where the schema wants it.
        holder: Any = run
        holder.get_or_add_rPr().set("sz", centipoints)


def check_layout(
    presentation: Any, allowed: set[Pair], measurer: Measurer | None = None
) -> list[Finding]:
    """Return a finding for each text past the slide's edge and each overlap not in `allowed`."""
    deck = read_deck(presentation)
    return layout_findings(deck, allowed, TextBoxes(measurer or shared_measurer(), deck.fonts))


def layout_findings(deck: DeckModel, allowed: set[Pair], boxes: TextBoxes) -> list[Finding]:
    """Return a finding for each text past the slide's edge and each overlap not in `allowed`,
    slide by slide."""
    findings: list[Finding] = []
    for slide in deck.slides:
        measured = [(shape.name, boxes.of(shape)) for shape in text_shapes(slide)]
        for name, box in measured:
            findings += past_the_slide(slide.number, name, box, deck.width, deck.height)
        findings += overlaps(slide, measured, allowed)
    return findings


def overlaps(
    slide: SlideModel, measured: Sequence[tuple[str, Box]], allowed: set[Pair]
) -> Iterator[Finding]:
    """Rule ``overlap``: no two shapes' text drawn over each other, unless `allowed`."""
    for index, (name, box) in enumerate(measured):
        for other, other_box in measured[index + 1 :]:
            across, down = box.overlap(other_box)
            if min(across, down) > TOLERANCE and pair_of(name, other) not in allowed:
                yield Finding(
                    slide.number,
                    name,
                    "overlap",
                    f"its text is drawn over shape {other!r} ({cm(down)} of it); "
                    "shorten the text or move the shapes apart in the template",
                )


def raise_on_layout_findings(deck: Path, findings: Sequence[Finding]) -> None:
    """Raise `DeckCheckError` with the findings, if any: the deck is not written."""
    if findings:
        raise DeckCheckError(deck, [f"{deck}: {finding}" for finding in findings])


def past_the_slide(number: int, name: str, box: Box, width: int, height: int) -> list[Finding]:
    """Rule ``past the slide``: a finding when `box` reaches past the slide's edges."""
    if box.bottom > height + TOLERANCE:
        return [
            Finding(
                number,
                name,
                "past the slide",
                f"the text needs {cm(box.bottom - box.top)} from {cm(box.top)} down, "
                f"{cm(max(0, height - box.top))} are left on the slide; shorten it or make "
                "room for it in the template",
            )
        ]
    if box.right > width + TOLERANCE or box.left < -TOLERANCE or box.top < -TOLERANCE:
        return [
            Finding(
                number,
                name,
                "past the slide",
                "the shape reaches past the edge of the slide; move it onto the slide",
            )
        ]
    return []


def text_shapes(slide: SlideModel) -> Iterator[ShapeModel]:
    """Yield the slide's top-level shapes and tables that hold text."""
    for shape in slide.shapes:
        if shape.has_table or (shape.has_text_frame and shape.text.strip()):
            yield shape
