"""The Attendance sheet with the whole contract: cancelled meetings, represented since, n/a."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cipdocs.errors import InvalidWorkbookError
from cipdocs.loading import load_report
from cipdocs.report.model import Participation
from tests.conftest import contract_sheets, write_sheets


def figures(rows: tuple[Participation, ...]) -> dict[str, tuple[int, int, int]]:
    return {row.group: (row.attended, row.held, row.rate) for row in rows}


def test_cancelled_meetings_represented_since_and_na_marks_by_hand(tmp_path: Path) -> None:
    loaded = load_report(write_sheets(contract_sheets(), tmp_path / "book.xlsx"))
    report = loaded.report
    assert loaded.warnings == ()  # nothing to act on: cancelled as such, n/a marks
    assert report.meetings_held == 3  # M1, M3, M4; M2 cancelled, M5 planned
    assert [meeting.name for meeting in report.cancelled] == ["M2"]
    assert figures(report.participation) == {
        "Alpha": (3, 3, 100),  # Y, Y, "Yes "; the "-" in M2's column is not a mark to count
        "Beta": (1, 2, 50),  # since 1 Feb: M3 (Y) and M4 (N)
        "Delta": (2, 2, 100),  # M1 Y, M3 n/a, M4 Y
    }
    beta, delta = report.participation[1], report.participation[2]
    assert (beta.since, beta.not_expected) == (dt.date(2024, 2, 1), 0)
    assert (delta.since, delta.not_expected) == (None, 1)
    assert report.participation[0].since is None
    assert report.represented_since == (("Beta", dt.date(2024, 2, 1)),)


def test_a_cancelled_meeting_needs_no_column(tmp_path: Path) -> None:
    sheets = contract_sheets()
    sheets["Attendance"] = [
        [cell for index, cell in enumerate(row) if index != 2] for row in sheets["Attendance"]
    ]
    loaded = load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert loaded.warnings == ()
    assert figures(loaded.report.participation)["Alpha"] == (3, 3, 100)


def test_a_represented_since_after_every_held_meeting_leaves_the_group_without_a_rate(
    tmp_path: Path,
) -> None:
    sheets = contract_sheets()
    sheets["Groups"][2][3] = "15 Mar 2024"  # as text, as every date of the contract may be
    sheets["Attendance"][2] = ["Beta", None, None, None, None, None]
    loaded = load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert loaded.warnings == ()
    assert "Beta" not in figures(loaded.report.participation)
    assert loaded.report.uncounted == ("Beta",)


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "warning"),
    [
        (
            "Attendance",
            1,
            2,
            "Y",
            "Attendance!C1: meeting 'M2' is cancelled (Cancelled is Yes in Meetings) but has "
            "marks; they are not counted (set Cancelled to No if the meeting was held, or clear "
            "the column)",
        ),
        (
            "Attendance",
            2,
            1,
            "N",
            "Attendance!A3: Beta is represented since 2024-02-01 (Groups), but its row has marks "
            "on 1 earlier meeting (M1); they are not counted (move Represented since back, or "
            "clear those marks)",
        ),
    ],
)
def test_marks_that_are_not_counted_warn_once_and_change_no_figure(
    tmp_path: Path, sheet: str, row: int, column: int, value: str, warning: str
) -> None:
    sheets = contract_sheets()
    sheets[sheet][row][column] = value
    loaded = load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert [str(issue) for issue in loaded.warnings] == [warning]
    assert figures(loaded.report.participation) == {
        "Alpha": (3, 3, 100),
        "Beta": (1, 2, 50),
        "Delta": (2, 2, 100),
    }


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "problem"),
    [
        ("Meetings", 2, 2, "maybe", "Meetings!C3: 'maybe' is not Yes or No; enter Yes or No"),
        (
            "Groups",
            2,
            3,
            "soon",
            "Groups!D3: 'soon' is not a date; enter a date such as 2024-08-30 (a date cell, or "
            "text in that form)",
        ),
        (
            "Attendance",
            1,
            1,
            "n/b",
            "Attendance!B2: 'n/b' is not an attendance mark; use Y or N (or leave blank for "
            "absent, n/a if the group was not expected)",
        ),
    ],
)
def test_bad_new_cells_are_one_line_each(
    tmp_path: Path, sheet: str, row: int, column: int, value: str, problem: str
) -> None:
    sheets = contract_sheets()
    sheets[sheet][row][column] = value
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert raised.value.lines() == [problem, "error: the workbook has 1 problem"]


@pytest.mark.parametrize("mark", ["-", "\u2013", "n/a", "N/A", "NA", " na ", "N/a"])
def test_every_not_expected_mark_takes_the_meeting_out_of_the_groups_count(
    tmp_path: Path, mark: str
) -> None:
    sheets = contract_sheets()
    sheets["Attendance"][3][3] = mark
    loaded = load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert figures(loaded.report.participation)["Delta"] == (2, 2, 100)
    assert loaded.warnings == ()


def test_a_meeting_held_before_every_group_was_represented_needs_no_marks(
    tmp_path: Path,
) -> None:
    sheets = contract_sheets()
    for row in sheets["Groups"][1:]:
        row[3] = dt.date(2024, 2, 1)
    for row in sheets["Attendance"][1:]:
        row[1] = None  # M1, 10 Jan: nobody's yet
    loaded = load_report(write_sheets(sheets, tmp_path / "book.xlsx"))
    assert loaded.warnings == ()
    assert figures(loaded.report.participation) == {
        "Alpha": (2, 2, 100),
        "Beta": (1, 2, 50),
        "Delta": (1, 1, 100),
    }
    # One group expected at M1 is enough for its empty column to be a problem again.
    sheets["Groups"][1][3] = None
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(write_sheets(sheets, tmp_path / "again.xlsx"))
    assert raised.value.lines()[0].startswith(
        "Attendance!B1: meeting 'M1' was held on 2024-01-10 but has no marks"
    )
