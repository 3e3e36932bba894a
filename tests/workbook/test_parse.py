"""Parse: the workbook contract, every problem reported at once with its place and fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cipdocs.errors import InvalidWorkbookError
from cipdocs.loading import load_report
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import read_workbook
from tests.conftest import WorkbookFactory, minimal_sheets


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(path)
    return [str(issue) for issue in raised.value.issues]


def test_minimal_workbook_parses(make_workbook: WorkbookFactory) -> None:
    data, warnings = parse_workbook(read_workbook(make_workbook()))
    assert data.report_date == dt.date(2024, 3, 1)
    assert [group.name for group in data.groups] == ["Alpha", "Beta", "Gamma"]
    assert warnings == ()


def test_headers_sheets_and_values_match_case_and_spaces(make_workbook: WorkbookFactory) -> None:
    sheets = minimal_sheets()
    path = make_workbook(
        drop=["Groups", "Attendance"],
        **{
            " groups ": [
                ["GROUP", " representative ", "FRAMEWORK\u00a0STATUS"],
                *sheets["Groups"][1:3],
                ["  gamma ", "no", None],
            ],
            "ATTENDANCE": [["group", "m1", "M2"], ["ALPHA", "yes", "✓"], [" beta", "x", "absent"]],
        },
    )
    report = load_report(path).report
    assert [(row.group, row.attended, row.held) for row in report.participation] == [
        ("Alpha", 2, 2),
        ("Beta", 1, 2),
    ]


def test_blank_rows_and_extra_sheets_and_columns_are_ignored(
    make_workbook: WorkbookFactory,
) -> None:
    path = make_workbook(
        Groups=[
            ["Group", "Representative", "Framework status", "Notes", "Notes"],
            ["Alpha", "Yes", "Done", "anything", "repeated extra columns are fine"],
            [None, None, None],
            ["Beta", "Yes", "Open"],
            ["Gamma", "No", None],
        ],
        Scratch=[["whatever"]],
    )
    assert load_report(path).report.representation.total == 3


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (
            {
                "Groups": [
                    ["Group", "Representative", "Framework status"],
                    ["Alpha", "Yes", "Dne"],
                    ["Beta", "Yes", "Open"],
                    ["Gamma", "No", None],
                ]
            },
            "Groups!C2: 'Dne' is not a status (did you mean 'Done'?); use one of the Statuses "
            "sheet's names, or leave it blank",
        ),
        (
            {
                "Groups": [
                    ["Group", "Representative", "Framework status"],
                    ["Alpha", "Yes", "Done"],
                    ["alpha", "Yes", "Open"],
                    ["Gamma", "No", None],
                ]
            },
            "Groups!A3: 'alpha' is listed twice (first at Groups!A2); keep one row per group",
        ),
        (
            {"Groups": [["Group", "Representative", "Framework status"], ["Alpha", "maybe", None]]},
            "Groups!B2: 'maybe' is not Yes or No; enter Yes or No",
        ),
        (
            {"Attendance": [["Group", "M1", "M2"], ["Alpha", "Y", "maybe"]]},
            "Attendance!C2: 'maybe' is not an attendance mark; use Y or N (or leave blank for absent, n/a if the group was not expected)",
        ),
        (
            {"Attendance": [["Group", "M1", "M2"], ["Alpah", "Y", "Y"]]},
            "Attendance!A2: 'Alpah' is not in the Groups sheet (did you mean 'Alpha'?); spell it as "
            "in Groups, or add the group there",
        ),
        (
            {"Attendance": [["Group", "M1", "M2"], ["Gamma", "Y", "Y"]]},
            "Attendance!A2: Gamma has no representative (Groups says No), so it cannot have "
            "attendance; set Representative to Yes in Groups, or delete this row",
        ),
        (
            {"Attendance": [["Group", "M1", "M2"], ["Alpha", "Y", "Y"], ["Alpha", "Y", "N"]]},
            "Attendance!A3: 'Alpha' is listed twice (first at Attendance!A2); keep one row per group",
        ),
        (
            {"Attendance": [["Group", "M1", "Meeting 2"], ["Alpha", "Y", "Y"]]},
            "Attendance!1:1: meeting 'M2' was held on 2024-02-10 but has no column; add a column "
            "headed 'M2'",
        ),
        (
            {"Meetings": [["Meeting", "Date"], ["M1", "soon"], ["M2", dt.date(2024, 2, 10)]]},
            "Meetings!B2: 'soon' is not a date; enter a date such as 2024-08-30 (a date cell, or "
            "text in that form)",
        ),
        (
            {"Meetings": [["Meeting", "Date"], ["M1", None], ["M2", dt.date(2024, 2, 10)]]},
            "Meetings!B2: Date is blank; fill it in or delete the row",
        ),
        (
            {"Settings": [["Setting", "Value"], ["Report dat", dt.date(2024, 3, 1)]]},
            "Settings!A3: no 'Report date' row (did you mean 'Report dat'?); add a row with Setting "
            "'Report date' and the update's date in Value",
        ),
        (
            {
                "Bands": [
                    ["Band", "From %", "To %"],
                    ["All", 100, 100],
                    ["Most", 50, 100],
                    ["Low", 0, 49],
                ]
            },
            "Bands!B3: band 'Most' (50-100) overlaps band 'All' (100-100) at Bands!B2; make the "
            "ranges separate",
        ),
        (
            {"Bands": [["Band", "From %", "To %"], ["All", 99.5, 100]]},
            "Bands!B2: '99.5' is not a whole percentage; bands use whole numbers such as 80 or 99",
        ),
        (
            {"Bands": [["Band", "From %", "To %"], ["All", 100, 0]]},
            "Bands!B2: band 'All' runs from 100 to 0; From % must not exceed To %",
        ),
        (
            {"Bands": [["Band", "From %", "To %"], ["All", 100, 100], ["Low", 0, 49]]},
            "Attendance!A2: Alpha attended 1 of 2 meetings (50%), which falls in no band; add a band "
            "in Bands whose From %-To % range covers 50",
        ),
        (
            {
                "Roadmap": [
                    ["Phase", "Start", "End", "Status"],
                    ["Build", dt.date(2024, 5, 1), dt.date(2024, 1, 1), None],
                ]
            },
            "Roadmap!C2: phase 'Build' ends (2024-01-01) before it starts (2024-05-01); fix Start "
            "or End",
        ),
        (
            {"Attendance": [["Group", "M1", "M2", "m1"], ["Alpha", "Y", "Y", "N"]]},
            "Attendance!D1: the header 'm1' repeats (first in column B); keep one column per header",
        ),
        (
            {
                "Groups": [
                    ["Group", "Representative", "Framework status", "Group"],
                    ["Alpha", "Yes", "Done", "Beta"],
                ]
            },
            "Groups!D1: the header 'Group' repeats (first in column A); keep one column per header",
        ),
        (
            {"Groups": [["Group", "Representative", "Framwork status"], ["Alpha", "Yes", None]]},
            "Groups!1:1: no 'Framework status' column (did you mean 'Framwork status'?); put the "
            "header 'Framework status' in row 1",
        ),
    ],
)
def test_broken_workbook_message(
    make_workbook: WorkbookFactory, replace: dict[str, list[list[object]]], expected: str
) -> None:
    if "Attendance" in str(expected) and "falls in no band" in expected:
        replace = {**replace, "Attendance": [["Group", "M1", "M2"], ["Alpha", "Y", "N"]]}
    assert expected in problems_of(make_workbook(**replace))


def test_missing_sheet_suggests_close_name(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(drop=["Milestones"], Milestone=[["Milestone", "Status"]])
    assert problems_of(path) == [
        "Milestones: no sheet named 'Milestones' (did you mean 'Milestone'?); add the sheet or "
        "rename it (docs/workbook.md lists the sheets)"
    ]


def test_every_problem_is_reported_at_once(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(
        Groups=[
            ["Group", "Representative", "Framework status"],
            ["Alpha", "Yes", "Nope"],
            ["Beta", "Yes", "Open"],
            ["Gamma", "No", None],
        ],
        Attendance=[["Group", "M1", "M2"], ["Alpha", "?", "Y"], ["Beta", "maybe", "Y"]],
        Meetings=[["Meeting", "Date"], ["M1", dt.date(2024, 1, 10)], ["M2", "later"]],
    )
    places = [problem.split(":")[0] for problem in problems_of(path)]
    assert places == ["Groups!C2", "Meetings!B3", "Attendance!B2", "Attendance!B3"]


def test_error_values_are_reported(make_workbook: WorkbookFactory) -> None:
    # openpyxl writes a string starting with '#' and a known error code as an error cell.
    path = make_workbook(
        Meetings=[["Meeting", "Date"], ["M1", "#REF!"], ["M2", dt.date(2024, 2, 10)]]
    )
    assert "Meetings!B2: the cell holds the error #REF!; fix the formula or type the value" in (
        problems_of(path)
    )


def test_warning_for_represented_group_without_row(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "Y", "N"]])
    warnings = [str(warning) for warning in load_report(path).warnings]
    assert warnings == [
        "Attendance: Beta has a representative but no attendance row; it is left out of the "
        "participation table (add its row, or set Participation tracked to No in Groups)",
    ]


def test_held_meeting_without_marks_is_a_problem(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "Y", None], ["Beta", "N"]])
    assert problems_of(path) == [
        "Attendance!C1: meeting 'M2' was held on 2024-02-10 but has no marks; enter the "
        "attendance, set Cancelled to Yes in Meetings if it did not take place, or move the "
        "Report date back before it",
    ]


def test_planned_meeting_without_column_is_fine(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "Y", "Y"], ["Beta", 1, 0]])
    report = load_report(path).report
    assert report.meetings_held == 2


def test_percent_formatted_bands_and_text_dates(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(
        Settings=[["Setting", "Value"], ["Report date", "1 Mar 2024"]],
        Bands=[
            ["Band", "From %", "To %", "Colour"],
            ["All", "100%", "100%", "#112233"],
            ["Rest", "0%", "99%", None],
        ],
    )
    report = load_report(path).report
    assert report.report_date == dt.date(2024, 3, 1)
    assert [
        (row.band.name, row.band.low, row.band.high, row.band.colour) for row in report.bands
    ] == [
        ("All", 100, 100, "112233"),
        ("Rest", 0, 99, None),
    ]


def test_status_label_blank_shows_status_name(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Statuses=[["Status", "Label"], ["Done", None], ["Open", "Open (label)"]])
    assert load_report(path).report.statuses[0].status.label == "Done"


def test_one_cause_gives_one_message(make_workbook: WorkbookFactory) -> None:
    sheets = minimal_sheets()
    path = make_workbook(
        Groups=[*sheets["Groups"][:1], ["Alpha", "Yse", "Done"], *sheets["Groups"][2:]]
    )
    assert problems_of(path) == [
        "Groups!B2: 'Yse' is not Yes or No; enter Yes or No",
    ]


def test_a_cell_cleared_with_a_space_is_blank(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(
        Meetings=[["Meeting", "Date"], ["M1", " "], ["M2", "\u00a0"], ["M3", "_x000D_\u200b"]]
    )
    assert problems_of(path) == ["Meetings!B2, B3, B4: Date is blank; fill it in or delete the row"]


def test_two_report_dates_are_a_problem_naming_both(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(
        Settings=[
            ["Setting", "Value"],
            ["Report date", dt.date(2024, 3, 1)],
            ["report date", dt.date(2024, 2, 1)],
        ]
    )
    assert problems_of(path) == [
        "Settings!A3: 'Report date' is set 2 times (Settings!A2, Settings!A3); keep one row, "
        "with the update's date",
    ]


def test_a_blank_report_date_names_the_setting(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Settings=[["Setting", "Value"], ["Report date", None]])
    assert problems_of(path) == [
        "Settings!B2: Report date is blank; enter the update's date, e.g. 2024-08-30",
    ]


def test_groups_not_tracked_for_participation(make_workbook: WorkbookFactory) -> None:
    groups = [
        ["Group", "Representative", "Framework status", "Participation tracked"],
        ["Alpha", "Yes", "Done", None],
        ["Beta", "Yes", "Open", "No"],
        ["Gamma", "No", None, None],
    ]
    quiet = make_workbook(Groups=groups, Attendance=[["Group", "M1", "M2"], ["Alpha", "Y", "N"]])
    loaded = load_report(quiet)
    assert [row.group for row in loaded.report.participation] == ["Alpha"]
    assert loaded.warnings == ()
    empty_row = make_workbook(
        "empty.xlsx",
        Groups=groups,
        Attendance=[["Group", "M1", "M2"], ["Alpha", "Y", "N"], ["Beta"]],
    )
    assert [row.group for row in load_report(empty_row).report.participation] == ["Alpha"]
    marked = make_workbook("marked.xlsx", Groups=groups)
    assert problems_of(marked) == [
        "Attendance!A3: Beta's participation is not tracked (Participation tracked is No in "
        "Groups), but this row has marks; set Participation tracked to Yes, or clear the row",
    ]


def test_repeated_problems_are_grouped_and_the_count_is_of_all(
    make_workbook: WorkbookFactory,
) -> None:
    meetings = [f"M{number}" for number in range(1, 13)]
    sheets = minimal_sheets()
    path = make_workbook(
        Groups=[sheets["Groups"][0], *([f"G{index}", "Yes", None] for index in range(30))],
        Meetings=[
            ["Meeting", "Date"],
            *([name, dt.date(2024, 1, number)] for number, name in enumerate(meetings, 1)),
        ],
        Attendance=[["Group", *meetings], *([f"G{index}", *"ü" * 12] for index in range(30))],
    )
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(path)
    assert raised.value.lines() == [
        "Attendance!B2:M31 (360 cells): 'ü' is not an attendance mark; use Y or N (or leave "
        "blank for absent, n/a if the group was not expected)",
        "error: the workbook has 360 problems",
    ]


def test_at_most_about_twenty_lines(make_workbook: WorkbookFactory) -> None:
    sheets = minimal_sheets()
    path = make_workbook(
        Groups=[
            sheets["Groups"][0],
            *([f"G{index}", f"maybe {index}", None] for index in range(40)),
        ],
        Attendance=[["Group", "M1", "M2"]],
    )
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(path)
    lines = raised.value.lines()
    assert len(lines) == 19
    assert lines[0] == "Groups!B2: 'maybe 0' is not Yes or No; enter Yes or No"
    assert lines[-2] == "... and 23 more issues not shown; fix these and run again"
    assert lines[-1] == "error: the workbook has 40 problems"
