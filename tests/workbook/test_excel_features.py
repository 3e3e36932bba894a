"""Workbooks built with Excel's everyday features: read as Excel shows them, or one right message.

Each workbook is written in the test with xlsxwriter (Tables, merges, fonts, number formats,
fills, formulas with ``fullCalcOnLoad``) or openpyxl, starting from `minimal_sheets()`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from click.testing import CliRunner

from cipdocs.cli import cli
from cipdocs.errors import InvalidWorkbookError, WorkbookUnreadableError
from cipdocs.loading import load_report
from cipdocs.report.model import Report
from cipdocs.workbook.read import read_workbook
from tests.conftest import minimal_sheets

Sheet = Any
"""An xlsxwriter worksheet."""
Build = Callable[[xlsxwriter.Workbook, Sheet], None]


def build(path: Path, **custom: Build) -> Path:
    """Write `minimal_sheets()` with xlsxwriter; a sheet named in `custom` is written by it."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "d mmm yyyy"})
    for title, rows in minimal_sheets().items():
        sheet = book.add_worksheet(title)
        if title in custom:
            custom[title](book, sheet)
            continue
        for row_index, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(row_index, column, value, date_format)
                elif value is not None:
                    sheet.write(row_index, column, value)
    book.close()
    return path


def figures(report: Report) -> list[tuple[str, int, int]]:
    return [(row.group, row.attended, row.held) for row in report.participation]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(path)
    return [str(issue) for issue in raised.value.issues]


def warnings_of(path: Path) -> list[str]:
    return [str(warning) for warning in load_report(path).warnings]


def write_rows(sheet: Sheet, rows: list[list[object]], first_row: int = 0) -> None:
    for row_index, row in enumerate(rows, start=first_row):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(row_index, column, value)


# -- Excel Tables ------------------------------------------------------------------------------


def add_groups_table(sheet: Sheet, where: str) -> None:
    """Add the three minimal groups at `where` as an Excel Table with a Total Row."""
    sheet.add_table(
        where,
        {
            "data": [["Alpha", "Yes", "Done"], ["Beta", "Yes", "Open"], ["Gamma", "No", None]],
            "columns": [
                {"header": "Group", "total_string": "Total"},
                {"header": "Representative", "total_function": "count"},
                {"header": "Framework status"},
            ],
            "total_row": True,
        },
    )


def test_tables_with_totals_rows_give_the_right_figures(tmp_path: Path) -> None:
    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.write(0, 0, "Groups of the CIP-CCG")  # a note above the table
        add_groups_table(sheet, "B3:D7")

    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.add_table(
            "A1:C4",
            {
                "data": [["Alpha", "Y", "Y"], ["Beta", "Y", "N"]],
                "columns": [
                    {"header": "Group", "total_string": "Total"},
                    {"header": "M1", "total_function": "count"},
                    {"header": "M2", "total_function": "count"},
                ],
                "total_row": True,
            },
        )

    path = build(tmp_path / "tables.xlsx", Groups=groups, Attendance=attendance)
    loaded = load_report(path)
    assert loaded.report.representation.total == 3
    assert figures(loaded.report) == [("Alpha", 2, 2), ("Beta", 1, 2)]
    assert loaded.warnings == ()


def test_check_verbose_says_where_the_headers_are(tmp_path: Path) -> None:
    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.add_table(
            "B3:D6",
            {
                "data": [["Alpha", "Yes", "Done"], ["Beta", "Yes", "Open"], ["Gamma", "No", None]],
                "columns": [{"header": "Group"}, {"header": "Representative"}, {"header": "F"}],
            },
        )
        sheet.write(2, 3, "Framework status")

    path = build(tmp_path / "verbose.xlsx", Groups=groups)
    result = CliRunner().invoke(cli, ["check", "-v", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "note: Groups: Excel Table 'Table1' (B3:D6), header row 3\n" in result.stderr
    assert "note: Settings: header row 1\n" in result.stderr
    quiet = CliRunner().invoke(cli, ["check", str(path)])
    assert quiet.stderr.startswith("ok: ")


# -- Title rows, two-row headers, merged cells ---------------------------------------------------


def test_title_rows_two_row_headers_and_merged_cells(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        banner = book.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF"})
        sheet.merge_range("A1:D1", "CIP-CCG Attendance 2024", banner)
        sheet.merge_range("A2:A3", "Group", banner)
        sheet.merge_range("B2:D2", "2024 meetings", banner)
        sheet.write_row(2, 1, ["M1", "M2", "M3"])
        write_rows(sheet, [["Alpha", "Y", "Y"], ["Beta"]], first_row=3)
        sheet.merge_range("B5:C5", "Y")  # Beta attended both, marked once across

    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, [["Groups"], [], ["Group", "Representative", "Framework status"]])
        write_rows(sheet, [["Alpha"], ["Beta"], ["Gamma", "No"]], first_row=3)
        sheet.merge_range("B4:B5", "Yes")
        sheet.merge_range("C4:C5", "Done")

    path = build(tmp_path / "merged.xlsx", Attendance=attendance, Groups=groups)
    report = load_report(path).report
    assert figures(report) == [("Alpha", 2, 2), ("Beta", 2, 2)]
    assert [(row.status.name, row.groups) for row in report.statuses] == [
        ("Done", ("Alpha", "Beta")),
        ("Open", ()),
    ]
    result = CliRunner().invoke(cli, ["check", "-v", str(path)])
    assert "note: Attendance: header row 3\n" in result.stderr
    assert "note: Groups: header row 3\n" in result.stderr


# -- Symbol-font ticks and register marks -------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "attended", "absent"),
    [
        ("Wingdings", "ü", "û"),
        ("Wingdings 2", "P", "O"),
        ("Calibri", "☑", "☐"),
        ("Calibri", "P", "A"),
        ("Calibri", "Present", "Apologies"),
    ],
)
def test_ticks_and_register_marks(tmp_path: Path, font: str, attended: str, absent: str) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        mark = book.add_format({"font_name": font})
        sheet.write_row(0, 0, ["Group", "M1", "M2"])
        sheet.write(1, 0, "Alpha")
        sheet.write_row(1, 1, [attended, attended], mark)
        sheet.write(2, 0, "Beta")
        sheet.write_row(2, 1, [attended, absent], mark)

    report = load_report(build(tmp_path / "ticks.xlsx", Attendance=attendance)).report
    assert figures(report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


def test_a_symbol_font_letter_that_is_no_mark_names_the_font(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.write_row(0, 0, ["Group", "M1", "M2"])
        write_rows(sheet, [["Alpha", "Y", "Y"], ["Beta", "Y"]], first_row=1)
        sheet.write(2, 2, "l", book.add_format({"font_name": "Wingdings"}))

    assert problems_of(build(tmp_path / "bullet.xlsx", Attendance=attendance)) == [
        "Attendance!C3: 'l' in the Wingdings font is not an attendance mark; use Y or N in a "
        "text font, or a tick or cross from Insert > Symbol",
    ]


# -- Number formats -----------------------------------------------------------------------------


def test_literal_percent_formats_and_east_asian_dates(tmp_path: Path) -> None:
    def bands(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        literal = book.add_format({"num_format": '0"%"'})
        escaped = book.add_format({"num_format": "0\\%"})
        percent = book.add_format({"num_format": "0%"})
        sheet.write_row(0, 0, ["Band", "From %", "To %"])
        sheet.write_row(1, 0, ["All", 100, 100], literal)
        sheet.write_row(2, 0, ["Half", 50, 99], escaped)
        sheet.write(3, 0, "Low")
        sheet.write_row(3, 1, [0, 0.49], percent)

    def meetings(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        # 31 and 57 are built-in Japanese/Chinese date formats, written with no format string.
        japanese = book.add_format({"num_format": 31})
        chinese = book.add_format({"num_format": 57})
        sheet.write_row(0, 0, ["Meeting", "Date"])
        sheet.write(1, 0, "M1")
        sheet.write_number(1, 1, 45301, japanese)  # 2024-01-10
        sheet.write(2, 0, "M2")
        sheet.write_number(2, 1, 45332, chinese)  # 2024-02-10
        sheet.write(3, 0, "M3")
        sheet.write_number(3, 1, 45392, japanese)  # 2024-04-10

    data = load_report(build(tmp_path / "formats.xlsx", Bands=bands, Meetings=meetings)).report
    assert [(row.band.name, row.band.low, row.band.high) for row in data.bands] == [
        ("All", 100, 100),
        ("Half", 50, 99),
        ("Low", 0, 49),
    ]
    assert data.meetings_held == 2


# -- Meetings identified by date ----------------------------------------------------------------


def test_attendance_columns_headed_by_meeting_dates(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        date_format = book.add_format({"num_format": "d mmm yyyy"})
        sheet.write(0, 0, "Group")
        sheet.write_datetime(0, 1, dt.datetime(2024, 1, 10), date_format)
        sheet.write(0, 2, "10 Feb 2024")  # the text Excel writes for a Table header
        write_rows(sheet, [["Alpha", "Y", "Y"], ["Beta", "N", "Y"]], first_row=1)

    def meetings(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        date_format = book.add_format({"num_format": "d mmm yyyy"})
        sheet.write_row(0, 0, ["Meeting", "Date"])
        for row, day in enumerate((dt.datetime(2024, 1, 10), dt.datetime(2024, 2, 10)), 1):
            sheet.write_datetime(row, 0, day, date_format)  # meetings named by their date
            sheet.write_datetime(row, 1, day, date_format)

    path = build(tmp_path / "dates.xlsx", Attendance=attendance, Meetings=meetings)
    assert figures(load_report(path).report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


# -- Text escapes -------------------------------------------------------------------------------


def test_utf16_escapes_decode_and_never_crash_printing(tmp_path: Path) -> None:
    import os
    import sys

    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(
            sheet,
            [
                ["Group", "Representative", "Framework status"],
                ["Alpha_xD83C__xDF10_", "Yes", "Done"],
                ["Beta", "Yes", "Open"],
                ["Gamma", "No", "_xD83C_"],
            ],
        )

    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, [["Group", "M1", "M2"], ["Alpha🌐", "Y", "Y"], ["Beta", "Y", "N"]])

    path = build(tmp_path / "emoji.xlsx", Groups=groups, Attendance=attendance)
    assert problems_of(path) == [
        "Groups!C4: '\ufffd' is not a status; use one of the Statuses sheet's names, or leave it "
        "blank"
    ]
    fixed = build(tmp_path / "fixed.xlsx", Attendance=attendance, Groups=_emoji_groups)
    assert figures(load_report(fixed).report)[0] == ("Alpha🌐", 2, 2)
    for command in ("summary", "check"):
        completed = subprocess.run(
            [sys.executable, "-m", "cipdocs", command, str(fixed)],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": "ascii"},
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert b"Traceback" not in completed.stderr


def _emoji_groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
    write_rows(
        sheet,
        [
            ["Group", "Representative", "Framework status"],
            ["Alpha_xD83C__xDF10_", "Yes", "Done"],
            ["Beta", "Yes", "Open"],
            ["Gamma", "No"],
        ],
    )


# -- Formulas that were never calculated ---------------------------------------------------------

NEVER_CALCULATED = (
    "the workbook's formulas were never calculated (it was written by a program such as "
    "xlsxwriter or openpyxl, which saves 0 or nothing as each result); open it in Excel and save "
    "it (in LibreOffice, choose Data > Calculate > Recalculate Hard before saving)"
)


def test_xlsxwriter_zeros_are_not_read_as_data(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.write_row(0, 0, ["Group", "M1", "M2"])
        sheet.write(1, 0, "Alpha")
        sheet.write_formula(1, 1, '=IF(TRUE,"Y","N")')  # xlsxwriter saves 0 as the result
        sheet.write_formula(1, 2, '=IF(TRUE,"Y","N")')
        write_rows(sheet, [["Beta", "Y", "N"]], first_row=2)

    assert problems_of(build(tmp_path / "zeros.xlsx", Attendance=attendance)) == [
        f"Attendance!B2 and 1 other formula cell: {NEVER_CALCULATED}"
    ]


def test_formula_columns_that_are_not_read_cause_nothing(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.write_row(0, 0, ["Group", "M1", "M2", "Attended", "Held", "Rate"])
        for row, (name, marks) in enumerate((("Alpha", ["Y", "Y"]), ("Beta", ["Y", "N"])), 1):
            sheet.write(row, 0, name)
            sheet.write_row(row, 1, marks)
            sheet.write_formula(row, 3, f'=COUNTIF(B{row + 1}:C{row + 1},"Y")', None, 2)
            sheet.write_formula(row, 4, "=COUNTA(B1:C1)", None, 2)
            sheet.write_formula(row, 5, f"=D{row + 1}/E{row + 1}", None, 1)

    loaded = load_report(build(tmp_path / "formulas.xlsx", Attendance=attendance))
    assert figures(loaded.report) == [("Alpha", 2, 2), ("Beta", 1, 2)]
    assert loaded.warnings == ()


# -- Marks, meetings and colours ----------------------------------------------------------------


def test_marks_on_a_meeting_after_the_report_date_warn(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, [["Group", "M1", "M2", "M3"], ["Alpha", "Y", "Y", "Y"], ["Beta", "Y"]])

    loaded = load_report(build(tmp_path / "later.xlsx", Attendance=attendance))
    assert figures(loaded.report) == [("Alpha", 2, 2), ("Beta", 1, 2)]
    assert [str(warning) for warning in loaded.warnings] == [
        "Attendance!D1: meeting 'M3' is dated 2024-04-10, after the report date (2024-03-01), "
        "but has marks; they are not counted (move the Report date on if the meeting was held)"
    ]


def test_attendance_shown_by_colour_only_warns(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        green = book.add_format({"bg_color": "#00B050"})
        write_rows(sheet, [["Group", "M1", "M2"], ["Alpha", "Y", "Y"], ["Beta", "Y"]])
        sheet.write_blank(2, 2, None, green)
        sheet.write_blank(2, 3, None, green)  # not a meeting column: not read

    assert warnings_of(build(tmp_path / "colour.xlsx", Attendance=attendance)) == [
        "Attendance!C3: the cell is coloured but has no mark, so it counts as absent; cipdocs "
        "reads marks, not colours: type Y or N"
    ]


def test_a_meeting_shown_by_colour_only_is_a_problem_that_says_so(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        green = book.add_format({"bg_color": "#00B050"})
        write_rows(sheet, [["Group", "M1", "M2"], ["Alpha", "Y"], ["Beta", "Y"]])
        sheet.write_blank(1, 2, None, green)

    assert problems_of(build(tmp_path / "colour.xlsx", Attendance=attendance)) == [
        "Attendance!C1: meeting 'M2' was held on 2024-02-10 but has no marks (its cells are "
        "coloured, but cipdocs reads marks, not colours); enter the attendance, set Cancelled "
        "to Yes in Meetings if it did not take place, or move the Report date back before it"
    ]


# -- Totals rows outside Tables -----------------------------------------------------------------


def test_totals_rows_outside_tables_are_skipped_with_a_warning(tmp_path: Path) -> None:
    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, minimal_sheets()["Groups"])  # type: ignore[arg-type]
        write_rows(sheet, [["Total", 3]], first_row=4)

    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, [["Group", "M1", "M2"], ["Alpha", "Y", "Y"], ["Beta", "Y", "N"]])
        sheet.write_formula(3, 1, '=COUNTIF(B2:B3,"Y")', None, 2)
        sheet.write_formula(3, 2, '=COUNTIF(C2:C3,"Y")', None, 1)

    def statuses(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(sheet, [*minimal_sheets()["Statuses"], ["Totals:"]])  # type: ignore[list-item]

    path = build(tmp_path / "totals.xlsx", Groups=groups, Attendance=attendance, Statuses=statuses)
    loaded = load_report(path)
    assert loaded.report.representation.total == 3
    assert [row.status.name for row in loaded.report.statuses] == ["Done", "Open"]
    assert figures(loaded.report) == [("Alpha", 2, 2), ("Beta", 1, 2)]
    skipped = (
        "holds totals, so it is skipped; delete it, or make it an Excel Table's Total Row "
        "(Table Design > Total Row), which is skipped quietly"
    )
    assert [str(warning) for warning in loaded.warnings] == [
        f"Statuses!A4: row 4 {skipped}",
        f"Groups!A5: row 5 {skipped}",
        f"Attendance!A4: row 4 {skipped}",
    ]


# -- Files Excel leaves around, and files it saves differently ----------------------------------


def test_strict_open_xml_gets_one_line(tmp_path: Path) -> None:
    source = build(tmp_path / "normal.xlsx")
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(strict, "w") as new:
        for member in old.infolist():
            data = old.read(member)
            if member.filename == "xl/workbook.xml":
                data = data.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            new.writestr(member, data)
    with pytest.raises(WorkbookUnreadableError) as raised:
        read_workbook(strict)
    assert raised.value.message == (
        f"{strict}: saved as Strict Open XML Spreadsheet, which cipdocs cannot read; "
        "in Excel use File > Save As > Excel Workbook (.xlsx)"
    )
    result = CliRunner().invoke(cli, ["check", str(strict)])
    assert result.exit_code == 3
    assert result.stderr == f"error: {raised.value.message}\n"


def test_excel_lock_file_beside_the_workbook_warns(tmp_path: Path) -> None:
    path = build(tmp_path / "tracker.xlsx")
    (tmp_path / "~$tracker.xlsx").write_bytes(b"owner")
    assert warnings_of(path) == [
        "~$tracker.xlsx: the workbook is open in Excel; edits not yet saved there are not "
        "included (save it in Excel, then run again)"
    ]


# -- Huge empty formatting ----------------------------------------------------------------------


def test_formatting_on_many_empty_cells_reads_only_the_values(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        bordered = book.add_format({"border": 1})
        for row in range(4, 20_000):
            for column in range(10):
                sheet.write_blank(row, column, None, bordered)
        write_rows(sheet, [["Group", "M1", "M2"], ["Alpha", "Y", "Y"], ["Beta", "Y", "N"]])

    path = build(tmp_path / "formatted.xlsx", Attendance=attendance)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet5.xml").file_size > 1024 * 1024
    raw = read_workbook(path)
    attendance_sheet = next(sheet for sheet in raw.sheets if sheet.title == "Attendance")
    assert [row.number for row in attendance_sheet.rows] == [1, 2, 3]
    assert figures(load_report(path).report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


def test_rows_typed_below_a_table_are_a_problem(tmp_path: Path) -> None:
    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.add_table(
            "A1:C3",
            {
                "data": [["Alpha", "Yes", "Done"], ["Beta", "Yes", "Open"]],
                "columns": [
                    {"header": "Group"},
                    {"header": "Representative"},
                    {"header": "Framework status"},
                ],
            },
        )
        write_rows(sheet, [["Gamma", "No"]], first_row=3)  # the Table was not extended
        sheet.write(0, 5, "notes beside the Table are fine")

    assert problems_of(build(tmp_path / "below.xlsx", Groups=groups)) == [
        "Groups!A4: row 4 is below the Excel Table 'Table1', which ends at row 3, so it would "
        "not be read; extend the Table over it (drag its bottom-right corner), or move it out "
        "of columns A:C",
    ]


def test_meeting_names_over_their_dates(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        date_format = book.add_format({"num_format": "d mmm"})
        sheet.merge_range("A1:A2", "Group")
        sheet.write_row(0, 1, ["M1", "M2", "M3"])
        for column, day in enumerate(((1, 10), (2, 10), (4, 10)), 1):
            sheet.write_datetime(1, column, dt.datetime(2024, *day), date_format)
        write_rows(sheet, [["Alpha", "Y", "Y"], ["Beta", "N", "Y"]], first_row=2)

    path = build(tmp_path / "two-row.xlsx", Attendance=attendance)
    assert figures(load_report(path).report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


def test_marlett_ticks(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        marlett = book.add_format({"font_name": "Marlett"})
        sheet.write_row(0, 0, ["Group", "M1", "M2"])
        sheet.write(1, 0, "Alpha")
        sheet.write_row(1, 1, ["a", "a"], marlett)
        sheet.write(2, 0, "Beta")
        sheet.write_row(2, 1, ["a", "r"], marlett)

    report = load_report(build(tmp_path / "marlett.xlsx", Attendance=attendance)).report
    assert figures(report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


def test_a_shaded_block_is_decoration_not_attendance(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        grey = book.add_format({"bg_color": "#D9D9D9"})
        sheet.write_row(0, 0, ["Group", "M1", "M2"])
        sheet.write_row(1, 0, ["Alpha", "Y", "Y"], grey)
        sheet.write_row(2, 0, ["Beta", "Y"], grey)
        sheet.write_blank(2, 2, None, grey)

    assert warnings_of(build(tmp_path / "shaded.xlsx", Attendance=attendance)) == []


# -- Re-saved by LibreOffice ----------------------------------------------------------------------


@pytest.mark.office
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("localc")),
    reason="LibreOffice Calc is not installed: run scripts/install-office.sh (libreoffice-calc)",
)
def test_features_survive_a_libreoffice_resave(tmp_path: Path) -> None:
    def groups(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        add_groups_table(sheet, "A1:C5")

    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.merge_range("A1:D1", "CIP-CCG Attendance 2024")
        sheet.merge_range("A2:A3", "Group")
        sheet.merge_range("B2:D2", "2024 meetings")
        sheet.write_row(2, 1, ["M1", "M2", "M3"])
        wingdings = book.add_format({"font_name": "Wingdings"})
        sheet.write(3, 0, "Alpha")
        sheet.write_row(3, 1, ["ü", "ü"], wingdings)
        sheet.write(4, 0, "Beta")
        sheet.write_row(4, 1, ["ü", "û"], wingdings)

    def bands(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        literal = book.add_format({"num_format": '0"%"'})
        sheet.write_row(0, 0, ["Band", "From %", "To %"])
        for row, band in enumerate((["All", 100, 100], ["Half", 50, 99], ["Low", 0, 49]), 1):
            sheet.write_row(row, 0, band, literal)

    source = build(tmp_path / "features.xlsx", Groups=groups, Attendance=attendance, Bands=bands)
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    loaded = load_report(resaved / "features.xlsx")
    assert loaded.report.representation.total == 3
    assert figures(loaded.report) == [("Alpha", 2, 2), ("Beta", 1, 2)]
    assert [(row.band.low, row.band.high) for row in loaded.report.bands] == [
        (100, 100),
        (50, 99),
        (0, 49),
    ]
    assert loaded.warnings == ()


def test_of_two_tables_the_one_with_the_meetings_is_read(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        sheet.add_table(
            "F1:G3",
            {
                "data": [["Alpha", 2], ["Beta", 1]],
                "columns": [{"header": "Group"}, {"header": "Attended"}],
                "name": "Summary",
            },
        )
        sheet.add_table(
            "A1:C3",
            {
                "data": [["Alpha", "Y", "Y"], ["Beta", "Y", "N"]],
                "columns": [{"header": "Group"}, {"header": "M1"}, {"header": "M2"}],
                "name": "Marks",
            },
        )

    path = build(tmp_path / "two-tables.xlsx", Attendance=attendance)
    assert figures(load_report(path).report) == [("Alpha", 2, 2), ("Beta", 1, 2)]


def test_marks_in_a_column_that_is_no_meeting_warn(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(
            sheet,
            [
                ["Group", "M1", "M2", "M2b", "Attended", "Notes", None],
                ["Alpha", "Y", "Y", "Y", 2, "chair", "N"],
                ["Beta", "Y", "N", "N", 1, None, "Y"],
            ],
        )

    assert warnings_of(build(tmp_path / "stray.xlsx", Attendance=attendance)) == [
        "Attendance!D1: the column headed 'M2b' holds attendance marks but is not a meeting in "
        "the Meetings sheet, so they are not counted; add the meeting to Meetings (with its "
        "date) and head the column with its name, or clear the column",
        "Attendance!G1: this column, with no header, holds attendance marks but is not a meeting "
        "in the Meetings sheet, so they are not counted; add the meeting to Meetings (with its "
        "date) and head the column with its name, or clear the column",
    ]


def test_a_header_repeated_lower_down_is_not_the_header(tmp_path: Path) -> None:
    def attendance(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
        write_rows(
            sheet,
            [
                ["Group", "M1", "M2"],
                ["Alpha", "Y", "Y"],
                ["Beta", "Y", "N"],
                ["Group", "M1", "M2"],  # printed again above a second block
                ["Gamma-less block"],
            ],
        )
        write_rows(sheet, [["Group", "M2", "M1"]], first_row=5)  # the columns moved

    assert problems_of(build(tmp_path / "repeated.xlsx", Attendance=attendance)) == [
        "Attendance!6:6: row 6 is a second header row, different from row 1; keep one header "
        "row per sheet, with the columns in the same places",
        "Attendance!A5: 'Gamma-less block' is not in the Groups sheet; spell it as in Groups, or "
        "add the group there",
    ]
