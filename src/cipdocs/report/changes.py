"""What changed between two reports: status, representation, band, milestone and roadmap moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cipdocs.report.model import Report


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
            _milestone_statuses(previous),
            _milestone_statuses(current),
            _union(_milestone_statuses(previous), _milestone_statuses(current)),
            new_or_gone=True,
        ),
        roadmap_changes=compute_moves(
            _phase_statuses(previous),
            _phase_statuses(current),
            _union(_phase_statuses(previous), _phase_statuses(current)),
            new_or_gone=True,
        ),
    )


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


def _milestone_statuses(report: Report) -> dict[str, str | None]:
    return {milestone.text: milestone.status or "" for milestone in report.milestones}


def _phase_statuses(report: Report) -> dict[str, str | None]:
    return {phase.phase: phase.status or "" for phase in report.roadmap}


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
    }


def _moves_json(moves: Iterable[Move], key: str) -> list[dict[str, str | None]]:
    return [{key: move.item, "from": move.before, "to": move.after} for move in moves]
