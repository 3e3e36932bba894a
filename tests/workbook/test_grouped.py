"""Grouped: repeated issues become one line naming the cells, and a report has few lines."""

from __future__ import annotations

import pytest

from cipdocs.errors import Issue
from cipdocs.workbook.grouped import group_issues

MARK = "'ü' is not an attendance mark"


@pytest.mark.parametrize(
    ("wheres", "expected"),
    [
        (["Attendance!B2"], "Attendance!B2"),
        (["Attendance!B2", "Attendance!D5"], "Attendance!B2, D5"),
        (["Attendance!B2", "Attendance!D5", "Attendance!C9"], "Attendance!B2, D5, C9"),
        (
            ["Attendance!B2", "Attendance!N20", "Attendance!C9", "Attendance!AA3"],
            "Attendance!B2:AA20 (4 cells)",
        ),
        (["Attendance!1:1", "Attendance!1:1"], "Attendance!1:1"),
    ],
)
def test_cells_with_one_message_become_one_line(wheres: list[str], expected: str) -> None:
    assert group_issues([Issue(where, MARK) for where in wheres]) == [Issue(expected, MARK)]


def test_other_messages_and_sheets_stay_apart_in_order() -> None:
    issues = [
        Issue("Attendance!B2", MARK),
        Issue("Groups!B2", "'Yse' is not Yes or No"),
        Issue("Attendance!C2", MARK),
        Issue("Other!C2", MARK),
    ]
    assert group_issues(issues) == [
        Issue("Attendance!B2, C2", MARK),
        Issue("Groups!B2", "'Yse' is not Yes or No"),
        Issue("Other!C2", MARK),
    ]


def test_lines_are_capped_and_the_rest_counted() -> None:
    issues = [Issue(f"Groups!B{row}", f"problem {row}") for row in range(2, 30)]
    issues += [Issue("Attendance!B2", MARK), Issue("Attendance!B3", MARK)]
    grouped = group_issues(issues, limit=5)
    assert grouped == [
        *(Issue(f"Groups!B{row}", f"problem {row}") for row in range(2, 6)),
        Issue("", "... and 26 more issues not shown; fix these and run again"),
    ]
