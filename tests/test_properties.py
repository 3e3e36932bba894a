"""Properties of parse + compute over generated workbooks built in memory (no files)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cipdocs.errors import CipdocsError, InvalidWorkbookError
from cipdocs.report.compute import compute_report
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import CellValue, RawCell, RawRow, RawSheet, RawWorkbook
from cipdocs.workbook.sheets import column_letter
from cipdocs.workbook.values import ABSENT_MARKS, ATTENDED_MARKS

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
Rows = list[Sequence[CellValue]]


def raw_workbook(
    sheets: Mapping[str, Sequence[Sequence[CellValue]]],
    flags: dict[tuple[str, int, int], RawCell] | None = None,
) -> RawWorkbook:
    """Return a RawWorkbook as workbook.py would: only non-empty cells, 1-based coordinates."""
    built = []
    for title, rows in sheets.items():
        raw_rows = []
        for row_number, values in enumerate(rows, start=1):
            cells = []
            for column, value in enumerate(values, start=1):
                override = (flags or {}).get((title, row_number, column))
                if override is not None:
                    cells.append(override)
                elif value is not None and value != "":
                    cells.append(RawCell(f"{column_letter(column)}{row_number}", column, value))
            if cells:
                raw_rows.append(RawRow(row_number, tuple(cells)))
        built.append(RawSheet(title, tuple(raw_rows)))
    return RawWorkbook("generated.xlsx", tuple(built))


def spelled(word: str) -> st.SearchStrategy[str]:
    """Return `word` in any case, with stray spaces (the contract ignores both)."""
    return st.tuples(
        st.sampled_from(["", " ", "\u00a0"]),
        st.sampled_from([word, word.upper(), word.lower(), word.title()]),
        st.sampled_from(["", "  "]),
    ).map("".join)


ATTENDED = st.one_of(
    st.sampled_from(sorted(ATTENDED_MARKS)).flatmap(spelled), st.just(True), st.just(1)
)
ABSENT = st.one_of(
    st.sampled_from(sorted(ABSENT_MARKS)).flatmap(spelled), st.just(False), st.just(0), st.none()
)
ABSENT_MARK = st.one_of(
    st.sampled_from(sorted(ABSENT_MARKS)).flatmap(spelled), st.just(False), st.just(0)
)
"""A typed absent mark, never blank: a held meeting's column needs at least one mark."""
YES = st.one_of(st.sampled_from(["Yes", "Y", "TRUE", "1", "x"]).flatmap(spelled), st.just(True))
NO = st.one_of(st.sampled_from(["No", "N", "FALSE", "0"]).flatmap(spelled), st.just(False))
DATES = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 12, 31))


@dataclass(frozen=True)
class Generated:
    """A valid workbook as rows plus what it should compute to."""

    sheets: dict[str, Rows]
    report_date: dt.date
    statuses: list[str]
    groups: list[tuple[str, bool, str | None]]
    attended: dict[str, int]
    held: int


@st.composite
def bands(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """Return bands covering 0-100 without overlap, in a random display order."""
    cuts = sorted(draw(st.sets(st.integers(1, 100), max_size=6)))
    edges = [0, *cuts, 101]
    ranges = [(low, high - 1) for low, high in itertools.pairwise(edges)]
    named = [(f"{low}%-{high}%", low, high) for low, high in ranges]
    return draw(st.permutations(named))


@st.composite
def valid_workbooks(draw: st.DrawFn) -> Generated:
    """Return a workbook that follows the contract, with every accepted kind of value."""
    statuses = [f"Status {index}" for index in range(draw(st.integers(1, 4)))]
    group_count = draw(st.integers(1, 10))
    groups: list[tuple[str, bool, str | None]] = [
        (f"Group {index}", draw(st.booleans()), draw(st.none() | st.sampled_from(statuses)))
        for index in range(group_count)
    ]
    report_date = draw(DATES)
    meetings = [(f"#{index:02d}", draw(DATES)) for index in range(draw(st.integers(0, 6)))]
    held = [name for name, date in meetings if date <= report_date]
    represented = [name for name, is_represented, _ in groups if is_represented]
    tracked = [name for name in represented if draw(st.booleans())]
    attendance_rows: Rows = []
    attended: dict[str, int] = {}
    for index, name in enumerate(tracked):
        marks = {meeting: draw(st.booleans()) for meeting, _ in meetings}
        attended[name] = sum(marks[meeting] for meeting in held)
        absent = ABSENT_MARK if index == 0 else ABSENT
        attendance_rows.append(
            [draw(spelled(name)), *(draw(ATTENDED if marks[m] else absent) for m, _ in meetings)]
        )
    sheets: dict[str, Rows] = {
        "Settings": [["Setting", "Value"], [draw(spelled("Report date")), report_date]],
        "Statuses": [["Status", "Label"], *([name, f"{name} label"] for name in statuses)],
        "Groups": [
            [draw(spelled("Group")), "Representative", draw(spelled("Framework status"))],
            *(
                [
                    name,
                    draw(YES if is_represented else NO),
                    draw(spelled(status)) if status else None,
                ]
                for name, is_represented, status in groups
            ),
        ],
        "Meetings": [["Meeting", "Date"], *((name, date) for name, date in meetings)],
        "Attendance": [["Group", *(draw(spelled(name)) for name, _ in meetings)], *attendance_rows],
        "Bands": [["Band", "From %", "To %"], *draw(bands())],
        "Milestones": [["Milestone", "Status"], ["A task", None]],
        "Roadmap": [
            ["Phase", "Start", "End", "Status"],
            ["Build", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "Now"],
        ],
    }
    return Generated(sheets, report_date, statuses, groups, attended, len(held))


@PROPERTY_SETTINGS
@given(valid_workbooks())
def test_valid_workbooks_compute_consistent_reports(generated: Generated) -> None:
    data, _warnings = parse_workbook(raw_workbook(generated.sheets))
    report = compute_report(data)

    with_status = [name for name, _, status in generated.groups if status]
    listed = [group for row in report.statuses for group in row.groups]
    assert sorted(listed) == sorted(with_status)  # each exactly once
    assert sum(row.count for row in report.statuses) == len(with_status)
    assert [row.status.name for row in report.statuses] == generated.statuses

    total = report.representation
    assert total.represented + len(total.unrepresented) == total.total == len(generated.groups)
    assert total.represented == sum(is_represented for _, is_represented, _ in generated.groups)

    banded = [group for row in report.bands for group in row.groups]
    assert sorted(banded) == sorted(generated.attended)  # every tracked group, exactly once
    assert report.meetings_held == generated.held
    for row in report.participation:
        assert row.attended == generated.attended[row.group]
        assert row.held == generated.held
        assert row.rate == (row.attended * 100 // row.held if row.held else 0)
        assert row.band.low <= row.rate <= row.band.high


JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["Y", "no", "#01", "Yes", "Group 0", "Status 0", "100%", "2024-02-30", "50"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    DATES,
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(),
)


@st.composite
def junk_workbooks(draw: st.DrawFn) -> RawWorkbook:
    """Return the contract's sheets and headers with junk rows, error and unsaved cells."""
    headers = {
        "Settings": ["Setting", "Value"],
        "Statuses": ["Status", "Label"],
        "Groups": ["Group", "Representative", "Framework status"],
        "Meetings": ["Meeting", "Date"],
        "Attendance": ["Group", "#01", "#02"],
        "Bands": ["Band", "From %", "To %", "Colour"],
        "Milestones": ["Milestone", "Status"],
        "Roadmap": ["Phase", "Start", "End", "Status"],
    }
    titles = draw(st.lists(st.sampled_from(sorted(headers)), unique=True, min_size=5))
    sheets: dict[str, Rows] = {}
    flags: dict[tuple[str, int, int], RawCell] = {}
    for title in titles:
        width = len(headers[title])
        rows: Rows = [list(headers[title])]
        rows += draw(
            st.lists(st.lists(st.none() | JUNK, min_size=width, max_size=width), max_size=5)
        )
        sheets[title] = rows
        for row_number, column in draw(
            st.lists(st.tuples(st.integers(2, len(rows) + 1), st.integers(1, width)), max_size=2)
        ):
            coordinate = f"{column_letter(column)}{row_number}"
            flags[(title, row_number, column)] = draw(
                st.sampled_from(
                    [
                        RawCell(coordinate, column, "#REF!", is_error=True),
                        RawCell(coordinate, column, None, is_unsaved_formula=True),
                        RawCell(coordinate, column, 0.5, is_percent=True),
                    ]
                )
            )
    return raw_workbook(sheets, flags)


@PROPERTY_SETTINGS
@given(junk_workbooks())
def test_junk_cells_raise_only_invalid_workbook(workbook: RawWorkbook) -> None:
    try:
        data, warnings = parse_workbook(workbook)
        assert len(warnings) <= 19
        compute_report(data)
    except InvalidWorkbookError as error:
        assert error.issues
        assert all(issue.message for issue in error.issues)
        assert len(error.lines()) <= 20  # check stays short, however bad the workbook


@PROPERTY_SETTINGS
@given(valid_workbooks(), st.data())
def test_one_junk_cell_in_a_valid_workbook_raises_only_cipdocs_errors(
    generated: Generated, data: st.DataObject
) -> None:
    sheets = {title: [list(row) for row in rows] for title, rows in generated.sheets.items()}
    title = data.draw(st.sampled_from(sorted(sheets)))
    row = data.draw(st.sampled_from(sheets[title]))
    row[data.draw(st.integers(0, len(row) - 1))] = data.draw(JUNK)
    try:
        compute_report(parse_workbook(raw_workbook(sheets))[0])
    except CipdocsError as error:
        assert isinstance(error, InvalidWorkbookError)
