"""Sheets: locating sheets and header columns by name, and column letters."""

from __future__ import annotations

import pytest

from cipdocs.workbook.read import RawCell, RawRow, RawSheet, RawWorkbook
from cipdocs.workbook.sheets import Findings, column_letter, find_sheet, read_table, suggestion


def sheet(title: str, *rows: list[object]) -> RawSheet:
    return RawSheet(
        title,
        tuple(
            RawRow(
                number,
                tuple(
                    RawCell(f"{column_letter(column)}{number}", column, value)  # type: ignore[arg-type]
                    for column, value in enumerate(row, start=1)
                    if value is not None
                ),
            )
            for number, row in enumerate(rows, start=1)
        ),
    )


@pytest.mark.parametrize(
    ("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (28, "AB"), (703, "AAA")]
)
def test_column_letter(number: int, letters: str) -> None:
    assert column_letter(number) == letters


def test_find_sheet_ignores_case_and_spaces() -> None:
    workbook = RawWorkbook("x.xlsx", (sheet(" groups "),))
    found = find_sheet(workbook, "Groups", Findings())
    assert found is not None
    assert found.title == " groups "


def test_read_table_maps_headers_and_keeps_data_rows() -> None:
    workbook = RawWorkbook(
        "x.xlsx", (sheet("Bands", ["BAND", None, " to % ", "From %"], ["All", None, 100, 100]),)
    )
    findings = Findings()
    table = read_table(workbook, "Bands", ("Band", "From %", "To %"), findings)
    assert findings.problems == []
    assert table is not None
    (row,) = table.rows
    assert table.text(row, "band") == "All"
    assert table.where(row, "From %") == "Bands!D2"
    assert table.cell(row, "Colour") is None


def test_read_table_reports_each_missing_header_with_a_suggestion() -> None:
    workbook = RawWorkbook("x.xlsx", (sheet("Meetings", ["Meting", "When"]),))
    findings = Findings()
    assert read_table(workbook, "Meetings", ("Meeting", "Date"), findings) is None
    assert [str(issue) for issue in findings.problems] == [
        "Meetings!1:1: no 'Meeting' column (did you mean 'Meting'?); put the header 'Meeting' in row 1",
        "Meetings!1:1: no 'Date' column; put the header 'Date' in row 1",
    ]


def test_suggestion_is_empty_when_nothing_is_close() -> None:
    assert suggestion("Roadmap", ["Groups", "Bands"]) == ""
