"""What a deck shows, slide by slide and shape by shape: the form both sides of a comparison take.

The same description is made of three decks: the one cipdocs wrote (kept in the document as
its snapshot), the one the person saved, and the one cipdocs writes now. It records what
survives another program's save: LibreOffice renumbers slide and shape ids, renames
placeholders (``PlaceHolder 1``), drops ``p:custDataLst`` tags and ``creationId``s, turns text
boxes into shapes, spells every inherited format out and rounds positions to 1/100 mm. So text
is compared as text with its *effective* formatting, boxes with a tolerance, and ids are one clue
among others (edits/deck_match.py). edits/deck_describe.py makes the description.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParagraphView:
    """One paragraph: its text and its runs' effective formatting."""

    text: str
    style: str
    """``len:bold,italic,underline,strike,size,colour`` per stretch of equal formatting."""


@dataclass(frozen=True)
class ShapeView:
    """One top-level shape of a slide."""

    id: int
    name: str
    kind: str
    """``text`` (text box or shape), ``picture``, ``line``, ``table``, ``chart``, ``group``…"""
    placeholder: str
    """The placeholder type (``title``, ``body``…), or empty."""
    box: tuple[int, int, int, int]
    """Left, top, width, height in EMU (a group: its members' bounds)."""
    grows: bool
    """The shape's height follows its text, so another program may set it anew."""
    unwrapped: bool
    """Its text does not wrap: with `grows`, the width follows the text too."""
    paragraphs: tuple[ParagraphView, ...]
    cells: tuple[tuple[str, ...], ...]
    """A table's cells' text, row by row."""
    content: str
    """A digest of what a chart or group shows (its data, its members' text and places)."""

    @property
    def label(self) -> str:
        """Return how a reader knows the shape: its name, else its first words."""
        if self.placeholder == "title":
            return "title"
        if self.kind == "chart" and self.name.startswith("Chart:"):
            return "chart"  # a template's binding, not a name
        if self.name and not self.name.startswith("PlaceHolder "):
            return self.name
        words = " ".join(p.text for p in self.paragraphs).strip()
        return words[:40] or self.kind


@dataclass(frozen=True)
class SlideView:
    """One slide: its id, layout, title, shapes and speaker notes."""

    id: int
    layout: str
    title: str
    hidden: bool
    shapes: tuple[ShapeView, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DeckView:
    """A deck's slides in order, and whether its slide and shape ids can be trusted."""

    slides: tuple[SlideView, ...]
    keeps_ids: bool = True
    """False when the program that saved it renumbers ids (LibreOffice)."""
    parts: str = ""
    """A digest of the deck's content parts as cipdocs wrote them (`parts_digest`): when the
    saved deck's parts still have it, nobody changed them and there is nothing to compare."""
