"""Compare the workbook's own sums with cipdocs' figures: one warning per group that disagrees."""

from __future__ import annotations

from collections.abc import Iterable

from cipdocs.errors import Issue
from cipdocs.report.model import FigureKind, Participation, Report, StatedFigure

RATE_TOLERANCE = 1
"""Percentage points a stated rate may differ by (rounding up or to the nearest) and agree."""

_NAMES = {FigureKind.ATTENDED: "Attended", FigureKind.HELD: "Held", FigureKind.RATE: "Rate"}


def check_stated(report: Report, stated: Iterable[StatedFigure]) -> tuple[Issue, ...]:
    """Return one warning per group whose stated figure disagrees with cipdocs' (the first one)."""
    by_group = {row.group: row for row in report.participation}
    warnings: dict[str, Issue] = {}
    for figure in stated:
        row = by_group.get(figure.group)
        if row is None or figure.group in warnings or _agrees(figure, row):
            continue
        warnings[figure.group] = _warning(report, figure, row)
    return tuple(warnings.values())


def figure_of(row: Participation, kind: FigureKind) -> int:
    """Return cipdocs' own figure of `kind` for the group."""
    figures = {FigureKind.ATTENDED: row.attended, FigureKind.HELD: row.held}
    return figures.get(kind, row.rate)


def _agrees(figure: StatedFigure, row: Participation) -> bool:
    ours = figure_of(row, figure.kind)
    if figure.kind is FigureKind.RATE:
        return abs(figure.value - ours) <= RATE_TOLERANCE
    return figure.value == ours


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _warning(report: Report, figure: StatedFigure, row: Participation) -> Issue:
    unit = "%" if figure.kind is FigureKind.RATE else ""
    why = [*figure.reasons] if figure.kind is not FigureKind.HELD else []
    if figure.kind is not FigureKind.ATTENDED:
        why += held_reasons(report, row)
    because = f" ({'; '.join(why)})" if why else ""
    return Issue(
        figure.where,
        f"{_NAMES[figure.kind]} says {_number(figure.value)}{unit} for {row.group}, but cipdocs "
        f"counts {figure_of(row, figure.kind)}{unit}{because}; the documents show cipdocs' "
        "figure: fix the formula or the marks (docs/workbook.md says what counts)",
    )


def held_reasons(report: Report, row: Participation) -> list[str]:
    """Return why the group's meetings held may be fewer than a plain count of meetings."""
    reasons = []
    cancelled = [meeting.name for meeting in report.cancelled if meeting.date <= report.report_date]
    if cancelled:
        reasons.append(
            f"cipdocs does not count the cancelled {_meetings(cancelled)} {', '.join(cancelled)}"
        )
    if row.since is not None:
        reasons.append(
            f"{row.group} counts only meetings since its Represented since "
            f"({row.since.isoformat()})"
        )
    if row.not_expected:
        one = row.not_expected == 1
        reasons.append(
            f"{row.not_expected} {'meeting' if one else 'meetings'} marked not expected (n/a) "
            f"{'is' if one else 'are'} not counted"
        )
    return reasons


def _meetings(names: list[str]) -> str:
    return "meeting" if len(names) == 1 else "meetings"
