"""What changed since the last update, in the words the documents and `cipdocs changes` use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cipdocs.report.changes import Changes, Move
from cipdocs.report.formats import join_names, plural, short_date


@dataclass(frozen=True)
class MoveView:
    """One move since the last update as templates see it."""

    item: str
    """The group, milestone or roadmap phase."""
    before: str
    """The previous value; empty when the item was not there."""
    after: str
    """The value now; empty when the item is no longer there."""
    text: str
    """The move in words: ``GNSO RrSG: In progress → Completed``."""


@dataclass(frozen=True)
class ChangesView:
    """What moved since the last update, as templates see it; `since` is None without one."""

    since: dt.date | None
    previous_file: str
    """The file the previous update was read from; empty without one."""
    meetings_held_since: int
    status_changes: list[MoveView]
    groups_added: list[str]
    groups_removed: list[str]
    represented_gained: list[str]
    represented_lost: list[str]
    band_changes: list[MoveView]
    milestone_changes: list[MoveView]
    roadmap_changes: list[MoveView]
    milestones_reworded: list[MoveView]
    """`before` the old text, `after` the new."""
    roadmap_renamed: list[MoveView]
    roadmap_redated: list[MoveView]
    """`before` and `after` as ``1 Nov 2024 to 31 Jan 2025``."""
    meetings_cancelled: list[MoveView]
    """`item` the meeting, `before` ``planned``/``held`` (empty when new), `after` ``cancelled``;
    `text` ``#14 (4 Sep 2024)``."""
    represented_since: list[MoveView]
    """`before` and `after` as ``4 Sep 2024``, empty when not set."""
    lines: list[str]
    """Every change as one line of words, for a bulleted list; one line saying so when none."""
    any: bool
    """Whether anything moved (meetings held aside)."""


NOTHING_MOVED = (
    "No framework status, representation, participation band, milestone or roadmap changes."
)


def present_changes(changes: Changes, previous_file: str = "") -> ChangesView:
    """Return the changes since the last update in the words the documents use."""
    statuses = [_move_view(move, "not tracked") for move in changes.status_changes]
    bands = [_move_view(move, "not in the table") for move in changes.band_changes]
    milestones = [_move_view(move, "not listed", quoted=True) for move in changes.milestone_changes]
    phases = [_move_view(move, "not listed") for move in changes.roadmap_changes]
    lines = [
        f"{move.item}: framework status {_moved(move, 'not tracked')}"
        for move in changes.status_changes
    ]
    lines += _named_line("New group", "New groups", changes.groups_added)
    lines += _named_line("Group removed", "Groups removed", changes.groups_removed)
    lines += _subject_line(
        "appointed a representative", "appointed representatives", changes.represented_gained
    )
    lines += _subject_line(
        "no longer has a representative",
        "no longer have representatives",
        changes.represented_lost,
    )
    since = [_since_view(move) for move in changes.represented_since]
    cancelled = [
        MoveView(
            meeting.meeting,
            meeting.before or "",
            "cancelled",
            f"{meeting.meeting} ({short_date(meeting.date)})",
        )
        for meeting in changes.meetings_cancelled
    ]
    reworded = [
        _move_view(move, "", quoted=True, both=True) for move in changes.milestones_reworded
    ]
    renamed = [_move_view(move, "", both=True) for move in changes.roadmap_renamed]
    redated = [
        MoveView(
            move.item,
            _dates(*move.before),
            _dates(*move.after),
            f"{move.item}: {_dates(*move.before)} → {_dates(*move.after)}",
        )
        for move in changes.roadmap_redated
    ]
    lines += [view.text for view in since]
    lines += [f"Participation band, {view.text}" for view in bands]
    lines += _named_line(
        "Meeting cancelled", "Meetings cancelled", [view.text for view in cancelled]
    )
    lines += [f"Milestone reworded: {view.text}" for view in reworded]
    lines += [f"Milestone {view.text}" for view in milestones]
    lines += [f"Roadmap phase renamed: {view.text}" for view in renamed]
    lines += [f"Roadmap phase re-dated, {view.text}" for view in redated]
    lines += [f"Roadmap phase {view.text}" for view in phases]
    if changes.since is not None and not lines:
        lines = [NOTHING_MOVED]
    return ChangesView(
        since=changes.since,
        previous_file=previous_file,
        meetings_held_since=changes.meetings_held_since,
        status_changes=statuses,
        groups_added=list(changes.groups_added),
        groups_removed=list(changes.groups_removed),
        represented_gained=list(changes.represented_gained),
        represented_lost=list(changes.represented_lost),
        band_changes=bands,
        milestone_changes=milestones,
        roadmap_changes=phases,
        milestones_reworded=reworded,
        roadmap_renamed=renamed,
        roadmap_redated=redated,
        meetings_cancelled=cancelled,
        represented_since=since,
        lines=lines,
        any=changes.any,
    )


def _move_view(move: Move, absent: str, *, quoted: bool = False, both: bool = False) -> MoveView:
    """Return `move` with its text; `absent` stands for a side where the item was not there.

    With `both`, the text is only the two sides (a rename: ``Old → New``)."""
    item = f"“{move.item}”" if quoted else move.item
    if both:
        before, after = _sides(move, absent)
        if quoted:
            before, after = f"“{before}”", f"“{after}”"
        text = f"{before} → {after}"
    else:
        text = f"{item}: {_moved(move, absent)}"
    return MoveView(move.item, move.before or "", move.after or "", text)


def _sides(move: Move, absent: str) -> tuple[str, str]:
    """Return the move's two sides, `absent` for a side where the item was not there."""
    before = absent if move.before is None else move.before or "no status"
    after = absent if move.after is None else move.after or "no status"
    return before, after


def _moved(move: Move, absent: str) -> str:
    """Return the move's two sides: ``In progress → Completed``."""
    before, after = _sides(move, absent)
    return f"{before} → {after}"


def _subject_line(singular: str, plural_form: str, names: Sequence[str]) -> list[str]:
    """Return the sentence with the groups as its subject: ``ASO appointed a representative``."""
    if not names:
        return []
    return [f"{join_names(names)} {plural(len(names), singular, plural_form)}"]


def _since_view(move: Move) -> MoveView:
    """Return a change of `Represented since` (ISO dates) in words."""
    before, after = (
        short_date(dt.date.fromisoformat(side)) if side else ""
        for side in (move.before, move.after)
    )
    return MoveView(
        move.item,
        before,
        after,
        f"{move.item}, represented since: {before or 'not set'} → {after or 'not set'}",
    )


def _dates(start: dt.date, end: dt.date) -> str:
    return f"{short_date(start)} to {short_date(end)}"


def _named_line(singular: str, plural_form: str, names: Sequence[str]) -> list[str]:
    if not names:
        return []
    return [f"{plural(len(names), singular, plural_form)}: {join_names(names)}"]
