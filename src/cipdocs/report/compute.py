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
    """Return the meetings dated on or before `report_date` that were not cancelled."""
    return tuple(
        meeting for meeting in meetings if meeting.date <= report_date and not meeting.cancelled
    )


def compute_counted(
    record: AttendanceRecord, held: Sequence[Meeting], since: dt.date | None
) -> tuple[frozenset[str], frozenset[str]]:
    """Return the held meetings that count for a group, and those its marks say were not expected.

    A meeting counts when it was held on or after the group's `since` and is not marked
    not expected (``n/a``).
    """
    expected = frozenset(meeting.name for meeting in held if since is None or meeting.date >= since)
    return expected - record.not_expected, expected & record.not_expected


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
    groups: Sequence[Group] = (),
) -> tuple[Participation, ...]:
    """Return each tracked group's attendance, rate and band; raise when a rate fits no band.

    A group with a `represented_since` counts only the meetings held from then on, and no
    group counts a meeting its mark says it was not expected at. A group left with no meeting
    to count (while meetings were held) has no rate: it is in `compute_uncounted`.
    """
    since = {group.name: group.represented_since for group in groups}
    rows: list[Participation] = []
    problems: list[Issue] = []
    for record in attendance:
        counted, not_expected = compute_counted(record, held, since.get(record.group))
        if held and not counted:
            continue
        attended = len(record.attended & counted)
        rate = compute_rate(attended, len(counted))
        band = find_band(bands, rate)
        if band is None:
            problems.append(_unbanded_issue(record, attended, len(counted), rate))
            continue
        shortened = len(counted) + len(not_expected) < len(held)
        rows.append(
            Participation(
                record.group,
                attended,
                len(counted),
                rate,
                band,
                since.get(record.group) if shortened else None,
                len(not_expected),
            )
        )
    if problems:
        raise InvalidWorkbookError(problems)
    return tuple(rows)


def compute_uncounted(
    attendance: Iterable[AttendanceRecord], held: Sequence[Meeting], groups: Sequence[Group]
) -> tuple[str, ...]:
    """Return the groups with no held meeting to count (represented since, or all not expected)."""
    since = {group.name: group.represented_since for group in groups}
    return tuple(
        record.group
        for record in attendance
        if held and not compute_counted(record, held, since.get(record.group))[0]
    )


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
    attendance = order_groups(data.groups, data.attendance)
    participation = compute_participation(attendance, held, data.bands, data.groups)
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
        meetings=data.meetings,
        represented_since=tuple(
            (group.name, group.represented_since)
            for group in data.groups
            if group.represented_since is not None
        ),
        uncounted=compute_uncounted(attendance, held, data.groups),
    )
