"""The series of updates found in a folder, oldest first, with the figures each one carried."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cipdocs.report.model import Report


@dataclass(frozen=True)
class HistoryEntry:
    """One update: its report date, the files that carry it, and its report."""

    report_date: dt.date
    files: tuple[str, ...]
    """The file names, sorted; a deck and its Word update carry the same report."""
    report: Report


def compute_history(updates: Iterable[tuple[str, Report]]) -> tuple[HistoryEntry, ...]:
    """Return one entry per report date, oldest first, from ``(file name, report)`` pairs.

    When several files carry one date, the report of the first file by name stands for it.
    """
    by_date: dict[dt.date, list[tuple[str, Report]]] = {}
    for name, report in sorted(updates, key=lambda update: update[0]):
        by_date.setdefault(report.report_date, []).append((name, report))
    return tuple(
        HistoryEntry(date, tuple(name for name, _ in found), found[0][1])
        for date, found in sorted(by_date.items())
    )


def median_participation(report: Report) -> float | None:
    """Return the median participation rate of the groups in the table, or None when empty."""
    rates = [row.rate for row in report.participation]
    return statistics.median(rates) if rates else None


def history_as_json(entries: Sequence[HistoryEntry]) -> list[dict[str, object]]:
    """Return `entries` in the documented shape of `cipdocs history --json`."""
    return [
        {
            "report_date": entry.report_date.isoformat(),
            "files": list(entry.files),
            "statuses": {row.status.name: row.count for row in entry.report.statuses},
            "groups_total": entry.report.representation.total,
            "groups_represented": entry.report.representation.represented,
            "meetings_held": entry.report.meetings_held,
            "median_participation": median_participation(entry.report),
        }
        for entry in entries
    ]


def format_history(entries: Sequence[HistoryEntry]) -> str:
    """Return `entries` as lines for people: one block per update, oldest first."""
    lines: list[str] = []
    for entry in entries:
        report = entry.report
        median = median_participation(report)
        statuses = ", ".join(f"{row.status.name} {row.count}" for row in report.statuses)
        lines += [
            f"{entry.report_date.isoformat()}  {', '.join(entry.files)}",
            f"  Statuses: {statuses}",
            f"  Representation: {report.representation.represented} of "
            f"{report.representation.total} groups; meetings held: {report.meetings_held}; "
            f"median participation: {'n/a' if median is None else f'{median:g}%'}",
        ]
    return "\n".join(lines)
