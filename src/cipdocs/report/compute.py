"""Pure arithmetic from the validated workbook to the report: counts, rates and bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from cipdocs.errors import InvalidWorkbookError, Issue
from cipdocs.report.model import (
    AttendanceRecord,
    Band,
    BandRow,
    Group,
    Meeting,
    Participation,
    Report,
    Representation,
    Status,
    StatusRow,
    WorkbookData,
)


def compute_status_rows(
    statuses: Sequence[Status], groups: Sequence[Group]
) -> tuple[StatusRow, ...]:
    """Return one row per status in display order, each with its groups in `Groups` order."""
    return tuple(
        StatusRow(status, tuple(group.name for group in groups if group.status == status.name))
        for status in statuses
    )


def compute_representation(groups: Sequence[Group]) -> Representation:
    """Return how many groups appointed a representative, and which did not."""
    unrepresented = tuple(group.name for group in groups if not group.represented)
    return Representation(
        len(groups),
        len(groups) - len(unrepresented),
        unrepresented,
        tuple(group.name for group in groups),
    )


def compute_meetings_held(meetings: Iterable[Meeting], report_date: dt.date) -> tuple[Meeting, ...]:
    """Return the meetings dated on or before `report_date`."""
    return tuple(meeting for meeting in meetings if meeting.date <= report_date)


def compute_rate(attended: int, held: int) -> int:
    """Return `attended` out of `held` as a whole percentage, rounded down (199 of 200 is 99)."""
    if held == 0:
        return 0
    return attended * 100 // held


def find_band(bands: Iterable[Band], rate: int) -> Band | None:
    """Return the first band that holds `rate`, or None when no band does."""
    return next((band for band in bands if band.holds(rate)), None)


def compute_participation(
    attendance: Iterable[AttendanceRecord],
    held: Sequence[Meeting],
    bands: Sequence[Band],
) -> tuple[Participation, ...]:
    """Return each tracked group's attendance, rate and band; raise when a rate fits no band."""
    held_names = frozenset(meeting.name for meeting in held)
    rows: list[Participation] = []
    problems: list[Issue] = []
    for record in attendance:
        attended = len(record.attended & held_names)
        rate = compute_rate(attended, len(held_names))
        band = find_band(bands, rate)
        if band is None:
            problems.append(_unbanded_issue(record, attended, len(held_names), rate))
            continue
        rows.append(Participation(record.group, attended, len(held_names), rate, band))
    if problems:
        raise InvalidWorkbookError(problems)
    return tuple(rows)


def _unbanded_issue(record: AttendanceRecord, attended: int, held: int, rate: int) -> Issue:
    return Issue(
        record.where,
        f"{record.group} attended {attended} of {held} meetings ({rate}%), which falls in no band; "
        f"add a band in Bands whose From %-To % range covers {rate}",
    )


def compute_band_rows(
    bands: Sequence[Band], participation: Sequence[Participation]
) -> tuple[BandRow, ...]:
    """Return one row per band in display order, with its groups in `Groups` order."""
    return tuple(
        BandRow(band, tuple(row.group for row in participation if row.band == band))
        for band in bands
    )


def order_groups(
    groups: Sequence[Group], attendance: Iterable[AttendanceRecord]
) -> tuple[AttendanceRecord, ...]:
    """Return the attendance records sorted into `Groups` order."""
    position = {group.name: index for index, group in enumerate(groups)}
    return tuple(sorted(attendance, key=lambda record: position.get(record.group, len(position))))


def compute_report(data: WorkbookData) -> Report:
    """Return every figure the documents show."""
    held = compute_meetings_held(data.meetings, data.report_date)
    participation = compute_participation(
        order_groups(data.groups, data.attendance), held, data.bands
    )
    return Report(
        source_name=data.source_name,
        report_date=data.report_date,
        meetings_held=len(held),
        statuses=compute_status_rows(data.statuses, data.groups),
        representation=compute_representation(data.groups),
        participation=participation,
        bands=compute_band_rows(data.bands, participation),
        milestones=data.milestones,
        roadmap=data.roadmap,
    )
