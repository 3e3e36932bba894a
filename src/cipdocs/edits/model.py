"""The hand edits found in a document, and what became of them in the next one (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class EditKind(Enum):
    """What a person did to a document after cipdocs wrote it."""

    TEXT_CHANGED = "text changed"
    PARAGRAPH_ADDED = "paragraph added"
    PARAGRAPH_REMOVED = "paragraph removed"
    FORMAT_CHANGED = "formatting changed"
    SHAPE_ADDED = "shape added"
    SHAPE_REMOVED = "shape removed"
    SHAPE_MOVED = "shape moved or resized"
    SLIDE_ADDED = "slide added"
    SLIDE_REMOVED = "slide deleted"
    SLIDE_MOVED = "slide moved"
    NOTES_CHANGED = "speaker notes changed"
    CELL_CHANGED = "table cell changed"
    CHART_CHANGED = "chart changed"


@dataclass(frozen=True)
class Edit:
    """One hand edit, with where it is and what it holds now."""

    kind: EditKind
    place: str
    """Where a reader finds it: ``slide 3, 'Status table'`` or ``paragraph 'The CCG met…'``."""
    content: str
    """The edit as it stands: the text typed, the title of a slide added, a shape's name."""

    def as_json(self) -> dict[str, str]:
        """Return the edit as `cipdocs edits --json` prints it."""
        return {"kind": self.kind.value, "place": self.place, "content": self.content}


@dataclass(frozen=True)
class NotCarried:
    """An edit left behind, and why (``the figures there changed``)."""

    edit: Edit
    reason: str

    def __str__(self) -> str:
        return f"{self.edit.place}: {self.edit.kind.value} not carried ({self.reason})"


@dataclass(frozen=True)
class Carried:
    """A new document with the edits of an earlier one carried into it."""

    data: bytes
    """The new document's package bytes, edits applied."""
    source: Path
    """The earlier document the edits were taken from."""
    carried: tuple[Edit, ...]
    not_carried: tuple[NotCarried, ...]


def carried_lines(carried: Carried | None, problem: str, into: str) -> list[str]:
    """Return what a run prints of the edits carried `into` a document (``the deck``): how many
    and from where, one warning per edit left behind, or why none were taken; nothing when the
    earlier document holds no edits."""
    if problem:
        return [f"warning: no hand edits carried into {into}: {problem}"]
    if carried is None or not (carried.carried or carried.not_carried):
        return []
    count = len(carried.carried)
    noun = "hand edit" if count == 1 else "hand edits"
    lines = [f"carried {count} {noun} into {into} from {carried.source}"]
    return lines + [f"warning: {left}" for left in carried.not_carried]
