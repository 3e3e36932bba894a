"""Compute: status rows, representation, meetings held, rates rounded down, bands."""

from __future__ import annotations

import datetime as dt

import pytest

from cipdocs.errors import InvalidWorkbookError
from cipdocs.report.compute import (
    compute_band_rows,
    compute_meetings_held,
    compute_participation,
    compute_rate,
    compute_report,
    compute_representation,
    compute_status_rows,
    find_band,
)
from cipdocs.report.model import (
    AttendanceRecord,
    Band,
    Group,
    Meeting,
    Status,
    WorkbookData,
)

BANDS = (Band("100%", 100, 100), Band("80%-99%", 80, 99), Band("0%-79%", 0, 79))


@pytest.mark.parametrize(
    ("attended", "held", "rate"),
    [
        (13, 13, 100),
        (12, 13, 92),
        (199, 200, 99),
        (799, 1000, 79),  # 79.9% rounds down
        (4, 5, 80),
        (1, 3, 33),
        (2, 3, 66),
        (0, 13, 0),
        (0, 0, 0),
    ],
)
def test_compute_rate_rounds_down(attended: int, held: int, rate: int) -> None:
    assert compute_rate(attended, held) == rate


@pytest.mark.parametrize(
    ("rate", "band"),
    [(100, "100%"), (99, "80%-99%"), (80, "80%-99%"), (79, "0%-79%"), (0, "0%-79%")],
)
def test_find_band_at_edges(rate: int, band: str) -> None:
    found = find_band(BANDS, rate)
    assert found is not None
    assert found.name == band


def test_find_band_in_a_gap_is_none() -> None:
    assert find_band((Band("20%-39%", 20, 39), Band("0%-10%", 0, 10)), 15) is None


def test_status_rows_keep_order_and_zero_counts() -> None:
    statuses = (Status("Done", "Done!"), Status("Open", "Open!"), Status("Idle", "Idle!"))
    groups = (
        Group("B", True, "Open"),
        Group("A", True, "Done"),
        Group("C", False, None),
        Group("D", True, "Open"),
    )
    rows = compute_status_rows(statuses, groups)
    assert [(row.status.name, row.groups, row.count) for row in rows] == [
        ("Done", ("A",), 1),
        ("Open", ("B", "D"), 2),
        ("Idle", (), 0),
    ]


def test_representation_counts_and_names() -> None:
    groups = (Group("A", True, None), Group("ASO", False, None), Group("Z", False, None))
    representation = compute_representation(groups)
    assert (representation.total, representation.represented) == (3, 1)
    assert representation.unrepresented == ("ASO", "Z")


def test_meetings_after_report_date_are_not_held() -> None:
    meetings = (
        Meeting("1", dt.date(2024, 1, 1)),
        Meeting("2", dt.date(2024, 8, 30)),
        Meeting("3", dt.date(2024, 8, 31)),
    )
    held = compute_meetings_held(meetings, dt.date(2024, 8, 30))
    assert [meeting.name for meeting in held] == ["1", "2"]


def test_participation_ignores_marks_for_planned_meetings() -> None:
    held = (Meeting("1", dt.date(2024, 1, 1)), Meeting("2", dt.date(2024, 2, 1)))
    record = AttendanceRecord("A", frozenset({"1", "2", "3"}), "Attendance!A2")
    (row,) = compute_participation([record], held, BANDS)
    assert (row.attended, row.held, row.rate, row.band.name) == (2, 2, 100, "100%")


def test_participation_in_no_band_names_group_rate_and_counts() -> None:
    held = tuple(Meeting(str(number), dt.date(2024, 1, number)) for number in range(1, 14))
    bands = (Band("20%-39%", 20, 39), Band("0%-10%", 0, 10))
    record = AttendanceRecord("GNSO BC", frozenset({"1", "2"}), "Attendance!A9")
    with pytest.raises(InvalidWorkbookError) as raised:
        compute_participation([record], held, bands)
    (issue,) = raised.value.issues
    assert issue.where == "Attendance!A9"
    assert "GNSO BC attended 2 of 13 meetings (15%), which falls in no band" in issue.message


def test_band_rows_list_groups_in_participation_order_and_keep_empty_bands() -> None:
    held = (Meeting("1", dt.date(2024, 1, 1)),)
    records = [
        AttendanceRecord(name, frozenset(marks), f"Attendance!A{index}")
        for index, (name, marks) in enumerate([("A", {"1"}), ("B", set()), ("C", {"1"})])
    ]
    participation = compute_participation(records, held, BANDS)
    rows = compute_band_rows(BANDS, participation)
    assert [(row.band.name, row.groups) for row in rows] == [
        ("100%", ("A", "C")),
        ("80%-99%", ()),
        ("0%-79%", ("B",)),
    ]


def test_report_orders_participation_by_groups_sheet() -> None:
    data = WorkbookData(
        source_name="x.xlsx",
        report_date=dt.date(2024, 2, 1),
        groups=(Group("First", True, "S"), Group("Second", True, "S")),
        statuses=(Status("S", "S label"),),
        meetings=(Meeting("1", dt.date(2024, 1, 1)),),
        attendance=(
            AttendanceRecord("Second", frozenset(), "Attendance!A2"),
            AttendanceRecord("First", frozenset({"1"}), "Attendance!A3"),
        ),
        bands=BANDS,
        milestones=(),
        roadmap=(),
    )
    report = compute_report(data)
    assert [row.group for row in report.participation] == ["First", "Second"]
    assert report.meetings_held == 1
    assert report.statuses[0].count == 2


@pytest.mark.parametrize(("rate", "held"), [(80, True), (99, True), (79, False), (100, False)])
def test_band_holds_its_inclusive_range(rate: int, held: bool) -> None:
    assert Band("80%-99%", 80, 99).holds(rate) is held


MEETINGS_2024 = (
    Meeting("M1", dt.date(2024, 1, 10)),
    Meeting("M2", dt.date(2024, 1, 24), cancelled=True),
    Meeting("M3", dt.date(2024, 2, 10)),
    Meeting("M4", dt.date(2024, 2, 20)),
    Meeting("M5", dt.date(2024, 4, 10)),
)


@pytest.mark.parametrize(
    ("attended", "not_expected", "since", "expected"),
    [
        # (attended, held, rate, since shown, not expected) worked out by hand over M1, M3, M4.
        ({"M1", "M2", "M3", "M4"}, set(), None, (3, 3, 100, None, 0)),
        ({"M3"}, set(), dt.date(2024, 2, 1), (1, 2, 50, dt.date(2024, 2, 1), 0)),
        ({"M3"}, set(), dt.date(2024, 2, 10), (1, 2, 50, dt.date(2024, 2, 10), 0)),  # inclusive
        ({"M1", "M4"}, {"M3"}, None, (2, 2, 100, None, 1)),
        ({"M4"}, {"M3"}, dt.date(2024, 2, 1), (1, 1, 100, dt.date(2024, 2, 1), 1)),
        ({"M1"}, set(), dt.date(2024, 1, 1), (1, 3, 33, None, 0)),  # since before every one
    ],
)
def test_participation_counts_held_meetings_since_and_not_marked_not_expected(
    attended: set[str],
    not_expected: set[str],
    since: dt.date | None,
    expected: tuple[int, int, int, dt.date | None, int],
) -> None:
    held = compute_meetings_held(MEETINGS_2024, dt.date(2024, 3, 1))
    assert [meeting.name for meeting in held] == ["M1", "M3", "M4"]
    record = AttendanceRecord("A", frozenset(attended), "Attendance!A2", frozenset(not_expected))
    (row,) = compute_participation([record], held, BANDS, [Group("A", True, None, True, since)])
    assert (row.attended, row.held, row.rate, row.since, row.not_expected) == expected
