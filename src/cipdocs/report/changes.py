"""What changed between two reports: statuses, representation, bands, milestones, the roadmap,
cancelled meetings and represented-since dates."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cipdocs.report.model import Report, RoadmapPhase

SIMILAR = 0.6
"""How alike a removed and an added milestone or phase must be to be one reworded item."""


@dataclass(frozen=True)
class Move:
    """One item whose value changed: a group's status or band, a milestone's or phase's status."""

    item: str
    """The group, milestone or roadmap phase, as the workbook names it."""
    before: str | None
    """The value in the previous report; None when the item was not there."""
    after: str | None
    """The value in this report; None when the item is no longer there."""


@dataclass(frozen=True)
class DatesMove:
    """A roadmap phase whose start or end moved."""

    item: str
    before: tuple[dt.date, dt.date]
    """(start, end) in the previous report."""
    after: tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Cancelled:
    """A meeting cancelled since the previous update."""

    meeting: str
    date: dt.date
    before: str | None
    """``planned`` or ``held`` as the previous update had it; None when it was not listed."""


@dataclass(frozen=True)
class Changes:
    """Everything that moved since the previous update; all empty when there is none."""

    since: dt.date | None
    """The previous update's report date, or None when there is no previous update."""
    meetings_held_since: int
    status_changes: tuple[Move, ...]
    """Groups in both reports whose framework status (its `Status.name`) changed."""
    groups_added: tuple[str, ...]
    groups_removed: tuple[str, ...]
    represented_gained: tuple[str, ...]
    """Groups in both reports that appointed a representative since."""
    represented_lost: tuple[str, ...]
    band_changes: tuple[Move, ...]
    """Groups whose participation band changed; None where a group is not in the table."""
    milestone_changes: tuple[Move, ...]
    roadmap_changes: tuple[Move, ...]
    milestones_reworded: tuple[Move, ...] = ()
    """Milestones whose text changed: `before` the old text, `after` (and `item`) the new."""
    roadmap_renamed: tuple[Move, ...] = ()
    """Phases whose name changed: `before` the old name, `after` (and `item`) the new."""
    roadmap_redated: tuple[DatesMove, ...] = ()
    meetings_cancelled: tuple[Cancelled, ...] = ()
    represented_since: tuple[Move, ...] = ()
    """Groups in both reports whose `Represented since` (ISO date, None: not set) changed."""

    @property
    def any(self) -> bool:
        """Return True when at least one thing moved (meetings held aside)."""
        return bool(
            self.status_changes
            or self.groups_added
            or self.groups_removed
            or self.represented_gained
            or self.represented_lost
            or self.band_changes
            or self.milestone_changes
            or self.roadmap_changes
            or self.milestones_reworded
            or self.roadmap_renamed
            or self.roadmap_redated
            or self.meetings_cancelled
            or self.represented_since
        )


NO_CHANGES = Changes(None, 0, (), (), (), (), (), (), (), ())
"""What an update compared with nothing shows."""


def compute_changes(previous: Report | None, current: Report) -> Changes:
    """Return what moved from `previous` to `current` (nothing when `previous` is None)."""
    if previous is None:
        return NO_CHANGES
    before_groups, after_groups = previous.representation.groups, current.representation.groups
    kept = [group for group in after_groups if group in before_groups]
    before_represented = _represented(previous)
    after_represented = _represented(current)
    texts = (
        [milestone.text for milestone in previous.milestones],
        [milestone.text for milestone in current.milestones],
    )
    reworded = compute_reworded(*texts, _same_place(*texts))
    renamed = compute_reworded(
        [phase.phase for phase in previous.roadmap],
        [phase.phase for phase in current.roadmap],
        _same_dates(previous, current),
    )
    return Changes(
        since=previous.report_date,
        meetings_held_since=max(current.meetings_held - previous.meetings_held, 0),
        status_changes=compute_moves(_group_statuses(previous), _group_statuses(current), kept),
        groups_added=tuple(group for group in after_groups if group not in before_groups),
        groups_removed=tuple(group for group in before_groups if group not in after_groups),
        represented_gained=tuple(
            group
            for group in kept
            if group in after_represented and group not in before_represented
        ),
        represented_lost=tuple(
            group
            for group in kept
            if group in before_represented and group not in after_represented
        ),
        # A removed group is told once, as removed; one new to the table moves from None.
        band_changes=compute_moves(
            _group_bands(previous), _group_bands(current), after_groups, new_or_gone=True
        ),
        milestone_changes=compute_moves(
            _milestone_statuses(previous, reworded),
            _milestone_statuses(current),
            _union(_milestone_statuses(previous, reworded), _milestone_statuses(current)),
            new_or_gone=True,
        ),
        roadmap_changes=compute_moves(
            _phase_statuses(previous, renamed),
            _phase_statuses(current),
            _union(_phase_statuses(previous, renamed), _phase_statuses(current)),
            new_or_gone=True,
        ),
        milestones_reworded=tuple(Move(new, old, new) for old, new in reworded.items()),
        roadmap_renamed=tuple(Move(new, old, new) for old, new in renamed.items()),
        roadmap_redated=compute_redated(previous.roadmap, current.roadmap, renamed),
        meetings_cancelled=compute_cancelled(previous, current),
        represented_since=compute_moves(_since(previous), _since(current), kept),
    )


def compute_reworded(
    before: Sequence[str], after: Sequence[str], same: Callable[[str, str], bool]
) -> dict[str, str]:
    """Return old -> new for items only in `before` that match one only in `after`.

    Wording alike enough (`SIMILAR`), or else `same` (the same place in lists of one length, the
    same dates), makes a pair: a reworded milestone or renamed phase, rather than one removed
    and one added.
    """
    removed = [item for item in before if item not in after]
    added = [item for item in after if item not in before]
    pairs: dict[str, str] = {}
    for old in removed:
        candidates = [new for new in added if new not in pairs.values()]
        alike = difflib.get_close_matches(old, candidates, n=1, cutoff=SIMILAR)
        match = alike or [new for new in candidates if same(old, new)]
        if match:
            pairs[old] = match[0]
    return pairs


def _same_place(before: Sequence[str], after: Sequence[str]) -> Callable[[str, str], bool]:
    """Return a test: `old` and `new` stand in the same place of two lists of one length."""
    return lambda old, new: len(before) == len(after) and before.index(old) == after.index(new)


def _same_dates(before: Report, after: Report) -> Callable[[str, str], bool]:
    """Return a test: phase `old` then and phase `new` now have the same start and end."""
    then = {phase.phase: (phase.start, phase.end) for phase in before.roadmap}
    now = {phase.phase: (phase.start, phase.end) for phase in after.roadmap}
    return lambda old, new: then[old] == now[new]


def compute_redated(
    before: Sequence[RoadmapPhase], after: Sequence[RoadmapPhase], renamed: Mapping[str, str]
) -> tuple[DatesMove, ...]:
    """Return the phases (matched by name, or renamed) whose start or end moved."""
    old = {renamed.get(phase.phase, phase.phase): phase for phase in before}
    return tuple(
        DatesMove(
            phase.phase, (old[phase.phase].start, old[phase.phase].end), (phase.start, phase.end)
        )
        for phase in after
        if phase.phase in old
        and (old[phase.phase].start, old[phase.phase].end) != (phase.start, phase.end)
    )


def compute_cancelled(previous: Report, current: Report) -> tuple[Cancelled, ...]:
    """Return the meetings cancelled now that were not at the previous update: listed then (held
    or planned), or new since and dated after it."""
    then = {meeting.name: meeting for meeting in previous.meetings}
    found = []
    for meeting in current.cancelled:
        earlier = then.get(meeting.name)
        if earlier is not None and not earlier.cancelled:
            held = earlier.date <= previous.report_date
            found.append(Cancelled(meeting.name, meeting.date, "held" if held else "planned"))
        elif earlier is None and meeting.date > previous.report_date:
            found.append(Cancelled(meeting.name, meeting.date, None))
    return tuple(found)


def compute_moves(
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    items: Iterable[str],
    *,
    new_or_gone: bool = False,
) -> tuple[Move, ...]:
    """Return a move for each of `items` whose value differs between `before` and `after`.

    An item missing on one side counts as a move (to or from None) only with `new_or_gone`;
    otherwise only items on both sides are compared.
    """
    moves: list[Move] = []
    for item in items:
        on_both_sides = item in before and item in after
        if not on_both_sides and not (new_or_gone and (item in before or item in after)):
            continue
        if on_both_sides and before[item] == after[item]:
            continue
        moves.append(Move(item, before.get(item), after.get(item)))
    return tuple(moves)


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Return the items of `second` in its order, then those only in `first`."""
    ordered = list(second)
    return ordered + [item for item in first if item not in ordered]


def _represented(report: Report) -> set[str]:
    return set(report.representation.groups) - set(report.representation.unrepresented)


def _group_statuses(report: Report) -> dict[str, str | None]:
    statuses: dict[str, str | None] = dict.fromkeys(report.representation.groups)
    for row in report.statuses:
        for group in row.groups:
            statuses[group] = row.status.name
    return statuses


def _group_bands(report: Report) -> dict[str, str | None]:
    return {row.group: row.band.name for row in report.participation}


def _milestone_statuses(
    report: Report, reworded: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Return milestone -> status; with `reworded`, an old text goes by its new one."""
    names = reworded or {}
    return {names.get(item.text, item.text): item.status or "" for item in report.milestones}


def _phase_statuses(
    report: Report, renamed: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    names = renamed or {}
    return {names.get(phase.phase, phase.phase): phase.status or "" for phase in report.roadmap}


def _since(report: Report) -> dict[str, str | None]:
    since: dict[str, str | None] = dict.fromkeys(report.representation.groups)
    since.update((group, date.isoformat()) for group, date in report.represented_since)
    return since


def changes_as_json(changes: Changes) -> dict[str, object]:
    """Return `changes` in the documented shape of `cipdocs changes --json`."""
    return {
        "since": changes.since.isoformat() if changes.since else None,
        "meetings_held_since": changes.meetings_held_since,
        "status_changes": _moves_json(changes.status_changes, "group"),
        "groups_added": list(changes.groups_added),
        "groups_removed": list(changes.groups_removed),
        "represented": {
            "gained": list(changes.represented_gained),
            "lost": list(changes.represented_lost),
        },
        "band_changes": _moves_json(changes.band_changes, "group"),
        "milestone_changes": _moves_json(changes.milestone_changes, "milestone"),
        "roadmap_changes": _moves_json(changes.roadmap_changes, "phase"),
        "milestones_reworded": _before_after_json(changes.milestones_reworded, "milestone"),
        "roadmap_renamed": _before_after_json(changes.roadmap_renamed, "phase"),
        "roadmap_redated": [
            {
                "phase": move.item,
                "before": {"start": move.before[0].isoformat(), "end": move.before[1].isoformat()},
                "after": {"start": move.after[0].isoformat(), "end": move.after[1].isoformat()},
            }
            for move in changes.roadmap_redated
        ],
        "meetings_cancelled": [
            {
                "meeting": meeting.meeting,
                "date": meeting.date.isoformat(),
                "before": meeting.before,
                "after": "cancelled",
            }
            for meeting in changes.meetings_cancelled
        ],
        "represented_since": _before_after_json(changes.represented_since, "group"),
    }


def _before_after_json(moves: Iterable[Move], key: str) -> list[dict[str, str | None]]:
    return [{key: move.item, "before": move.before, "after": move.after} for move in moves]


def _moves_json(moves: Iterable[Move], key: str) -> list[dict[str, str | None]]:
    return [{key: move.item, "from": move.before, "to": move.after} for move in moves]
