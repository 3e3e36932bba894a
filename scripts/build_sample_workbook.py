"""Build inputs/cip-ccg.xlsx, the sample workbook that reproduces the 30 Aug 2024 update.

It is also the workbook `cipdocs init` gives staff to keep: dropdowns on the cells filled in by
hand, dates formatted, frozen headers, live Attended/Held/Rate formulas and an About sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

# XlsxWriter (already installed with python-pptx) can save a formula's result with the formula,
# which openpyxl cannot; data validation, formats and frozen panes it writes as Excel does.
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from cipdocs.loading import load_report
from cipdocs.render.files import normalize_zip
from cipdocs.workbook.values import ATTENDED_MARKS, NOT_EXPECTED_MARKS, YES_WORDS

Cell = str | int | dt.date | None
Sheets = dict[str, Sequence[Sequence[Cell]]]

REPORT_DATE = dt.date(2024, 8, 30)

STATUSES = [
    ("Completed", "Completed Framework (with Consensus Call or appropriate process)"),
    ("In progress", "In Progress (Awaiting Consensus Call)"),
    ("Under discussion", "Under discussion"),
    ("Not started", "Not started"),
]

# (group, representative, framework status, meetings attended of the 13 held)
GROUPS: list[tuple[str, str, str | None, int | None]] = [
    ("ALAC", "Yes", "Completed", 13),
    ("AFRALO", "Yes", "Completed", 12),
    ("APRALO", "Yes", "Completed", 13),
    ("EURALO", "Yes", "In progress", 13),
    ("LACRALO", "Yes", "Under discussion", 13),
    ("NARALO", "Yes", "In progress", 13),
    ("ASO", "No", None, None),
    ("ccNSO", "Yes", "Under discussion", 11),
    ("GNSO Council", "Yes", "Under discussion", 10),
    ("GNSO BC", "Yes", "Under discussion", 7),
    ("GNSO IPC", "Yes", "Completed", 9),
    ("GNSO ISPCP", "Yes", "Completed", 6),
    ("GNSO CSG", "Yes", None, None),
    ("GNSO NCUC", "Yes", "In progress", 12),
    ("GNSO NPOC", "Yes", "Under discussion", 8),
    ("GNSO NCSG", "Yes", None, None),
    ("GNSO RrSG", "Yes", "In progress", 10),
    ("GNSO RySG", "Yes", "Under discussion", 7),
    ("GAC", "Yes", "In progress", 9),
    ("NomCom", "Yes", "Completed", 8),
    ("RSSAC", "Yes", "Completed", 13),
    ("SSAC", "Yes", "Completed", 10),
]

# Fortnightly from 17 Jan 2024, with the breaks around ICANN80 and the summer; #14 is planned.
MEETING_DATES = [
    dt.date(2024, 1, 17),
    dt.date(2024, 1, 31),
    dt.date(2024, 2, 14),
    dt.date(2024, 2, 28),
    dt.date(2024, 3, 13),
    dt.date(2024, 3, 27),
    dt.date(2024, 4, 10),
    dt.date(2024, 4, 24),
    dt.date(2024, 5, 8),
    dt.date(2024, 5, 22),
    dt.date(2024, 6, 5),
    dt.date(2024, 7, 24),
    dt.date(2024, 8, 21),
    dt.date(2024, 9, 4),
]

BANDS = [
    ("100%", 100, 100),
    ("80%-99%", 80, 99),
    ("60%-79%", 60, 79),
    ("40%-59%", 40, 59),
    ("20%-39%", 20, 39),
    ("0%-10%", 0, 10),
]

MILESTONES = [
    (
        "Developing a shared understanding of the meaning of Continuous Improvement in the context "
        "of ATRT3 Recommendation 3.6",
        None,
    ),
    ("Considering a range of methodologies for effective continuous improvement programs", None),
    ("Agreeing on the methodology that is fit for ICANN purpose", None),
    ("Formulating a CIP Framework, to be used by each SO, AC, and NomCom", "In Progress"),
]

ROADMAP = [
    (
        "CIP Framework development by the CIP-CCG",
        dt.date(2024, 1, 17),
        dt.date(2024, 12, 31),
        "In progress",
    ),
    ("Public comment on the CIP Framework", dt.date(2024, 11, 1), dt.date(2025, 1, 31), "Planned"),
    ("Final CIP Framework", dt.date(2025, 4, 1), dt.date(2025, 6, 30), "Planned"),
    ("First CIP assessment period", dt.date(2025, 7, 1), dt.date(2026, 6, 30), "Planned"),
    ("Second CIP assessment period", dt.date(2026, 7, 1), dt.date(2027, 6, 30), "Planned"),
]


def meeting_name(number: int) -> str:
    """Return ``#01`` for meeting 1."""
    return f"#{number:02d}"


def attendance_marks(attended: int, held: int) -> list[str]:
    """Return Y/N marks for `held` meetings with `attended` Ys, absences spread evenly."""
    absences = held - attended
    absent = (
        {round((index + 0.5) * held / absences) for index in range(absences)} if absences else set()
    )
    return ["N" if meeting in absent else "Y" for meeting in range(held)]


def sample_sheets() -> Sheets:
    """Return the sample workbook's sheets as rows, header first."""
    held = sum(1 for date in MEETING_DATES if date <= REPORT_DATE)
    meetings = [meeting_name(number) for number in range(1, len(MEETING_DATES) + 1)]
    attendance: list[list[Cell]] = [["Group", *meetings]]
    for name, _, _, attended in GROUPS:
        if attended is not None:
            attendance.append([name, *attendance_marks(attended, held), None])
    return {
        "Settings": _with_header(("Setting", "Value"), [("Report date", REPORT_DATE)]),
        "Groups": _with_header(
            GROUPS_HEADER,
            # GNSO CSG and GNSO NCSG are represented but their participation is not tracked.
            [
                (name, rep, status, "No" if rep == "Yes" and attended is None else None, None)
                for name, rep, status, attended in GROUPS
            ],
        ),
        "Statuses": _with_header(("Status", "Label"), STATUSES),
        "Meetings": _with_header(
            MEETINGS_HEADER,
            [(name, date, None) for name, date in zip(meetings, MEETING_DATES, strict=True)],
        ),
        "Attendance": attendance,
        "Bands": _with_header(("Band", "From %", "To %"), BANDS),
        "Milestones": _with_header(("Milestone", "Status"), MILESTONES),
        "Roadmap": _with_header(("Phase", "Start", "End", "Status"), ROADMAP),
    }


GROUPS_HEADER = (
    "Group",
    "Representative",
    "Framework status",
    "Participation tracked",
    "Represented since",
)
MEETINGS_HEADER = ("Meeting", "Date", "Cancelled")


def _with_header(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> list[Sequence[Cell]]:
    return [header, *rows]


ABOUT = [
    "About this workbook",
    "",
    "cipdocs reads this workbook and writes the CIP-CCG status-update deck and Word update.",
    "Run it from the folder that holds inputs/:  cipdocs check  (validate), then  cipdocs deck",
    "(the files appear in output/). docs/workbook.md describes every sheet and column.",
    "",
    "Settings: the report date, the 'as of' date of the update.",
    "Groups: one row per community group, in the order the documents show them; Representative",
    "  Yes/No; Framework status one of the Statuses (or blank when not tracked).",
    "Statuses: the framework status categories, in display order, with the wording shown.",
    "Meetings: every CIP-CCG meeting, held or planned, with its date; Cancelled Yes for one that",
    "  did not take place (it counts for no group and needs no marks).",
    "Attendance: Y or N (blank counts as absent) per group and meeting; n/a (or -) where the",
    "  group was not expected (a vacant seat that week). Attended, Held and Rate are formulas",
    "  for you to read; they count what cipdocs counts, and cipdocs warns if they ever differ.",
    "Groups: Represented since (a date) for a group that joined during the year: only the",
    "  meetings held from that date count for it.",
    "Bands: the participation bands, whole percentages from 0 to 100.",
    "Milestones and Roadmap: the CIP-CCG's tasks and the program timeline.",
    "",
    "To add a meeting: add a row to Meetings (name and date), then insert a column in Attendance",
    "  before 'Attended', headed with the meeting's name.",
    "To add a group: add a row to Groups; if it has a representative, add its row to Attendance",
    "  and copy the Attended, Held and Rate formulas down from the row above.",
]

TRACKED_ROWS = 200
"""How many rows down the dropdowns reach, so rows staff add get them too."""

FORMULA_COLUMNS = ("Attended", "Held", "Rate")


def write_workbook(sheets: Sheets, path: Path) -> None:
    """Write `sheets` as the workbook staff keep: dropdowns, formats, widths, formulas, About."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fixed = dt.datetime(REPORT_DATE.year, REPORT_DATE.month, REPORT_DATE.day)
    book.set_properties({"created": fixed, "author": "cipdocs sample"})
    # Recalculate as usual, but not "fully on load": the formulas' results are saved below, and
    # fullCalcOnLoad would mark the whole workbook as never calculated.
    book.set_calc_mode("auto")
    book.calc_on_load = False
    styles = _Styles(book)
    about = book.add_worksheet("About")
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        _write_rows(sheet, rows, styles)
        # Attendance keeps its group names in view while staff scroll across the meetings.
        sheet.freeze_panes(1, 1 if title == "Attendance" else 0)
        _add_dropdowns(sheet, title, rows)
    _add_attendance_formulas(book.get_worksheet_by_name("Attendance"), sheets, styles)
    _write_about(about, styles)
    book.close()
    path.write_bytes(normalize_zip(buffer.getvalue()))


class _Styles:
    """The few cell formats the sample uses."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864"}
        )
        self.date = book.add_format({"num_format": "d mmm yyyy"})
        self.rate = book.add_format({"num_format": "0%", "italic": True})
        self.count = book.add_format({"italic": True})
        self.title = book.add_format({"bold": True, "font_size": 14})


def _write_rows(sheet: Worksheet, rows: Sequence[Sequence[Cell]], styles: _Styles) -> None:
    """Write `rows` with a styled header row, dates as dates and widths that fit."""
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if number == 0:
                sheet.write_string(0, column, str(value), styles.header)
            elif isinstance(value, dt.date):
                sheet.write_datetime(number, column, value, styles.date)
            elif value is not None:
                sheet.write(number, column, value)
    widths = [
        max(len(_shown(row[index])) if index < len(row) else 0 for row in rows)
        for index in range(max(len(row) for row in rows))
    ]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(max(width + 2, 6), 90))


def _shown(value: Cell) -> str:
    """Return `value` as a reader sees it, for the column width."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


def _add_dropdowns(sheet: Worksheet, title: str, rows: Sequence[Sequence[Cell]]) -> None:
    """Give the cells staff fill in by hand a dropdown, an input message and an error alert."""
    header = list(rows[0])
    if title == "Groups":
        statuses = f"=Statuses!$A$2:$A${TRACKED_ROWS}"
        _dropdown(
            sheet,
            header.index("Representative"),
            ["Yes", "No"],
            "Representative",
            "Yes if the group has appointed a representative, otherwise No.",
        )
        _dropdown(
            sheet,
            header.index("Framework status"),
            statuses,
            "Framework status",
            "One of the names on the Statuses sheet; blank if the group is not tracked.",
        )
        _dropdown(
            sheet,
            header.index("Participation tracked"),
            ["Yes", "No"],
            "Tracked",
            "No if the group's attendance is not tracked (no Attendance row); blank means Yes.",
        )
        column = header.index("Represented since")
        sheet.data_validation(
            1,
            column,
            TRACKED_ROWS,
            column,
            {
                "validate": "date",
                "criteria": ">",
                "value": dt.date(2000, 1, 1),
                "ignore_blank": True,
                "input_title": "Represented since",
                "input_message": "The date the group's representative joined; only meetings "
                "from then on count for it. Blank: every meeting.",
                "error_title": "Not a date",
                "error_message": "Enter a date such as 4 Sep 2024, or leave the cell blank.",
                "error_type": "stop",
            },
        )
    if title == "Meetings":
        _dropdown(
            sheet,
            header.index("Cancelled"),
            ["Yes", "No"],
            "Cancelled",
            "Yes if the meeting did not take place: it counts for no group. Blank means No.",
        )
    if title == "Attendance":
        last = len(header) - 1
        sheet.data_validation(
            1,
            1,
            TRACKED_ROWS,
            last,
            _list_rule(
                ["Y", "N", "n/a"],
                "Attendance",
                "Y if the group attended the meeting, N (or blank) if not, n/a if it was not "
                "expected (no representative that week).",
            ),
        )


def _dropdown(
    sheet: Worksheet, column: int, source: list[str] | str, title: str, message: str
) -> None:
    sheet.data_validation(1, column, TRACKED_ROWS, column, _list_rule(source, title, message))


def _list_rule(source: list[str] | str, title: str, message: str) -> dict[str, object]:
    """Return a list validation that allows blanks, explains itself and refuses other values."""
    return {
        "validate": "list",
        "source": source,
        "ignore_blank": True,
        "input_title": title,
        "input_message": message,
        "error_title": f"Not a valid {title.lower()}",
        "error_message": f"{message} Pick a value from the dropdown.",
        "error_type": "stop",
    }


# What the formulas count as a mark, trimmed and in lower case, as cipdocs reads it
# (src/cipdocs/workbook/values.py). Symbol-font ticks are in the list too, except Marlett's
# "a", which in a text font means Absent.
ATTENDED_FORMS = sorted((ATTENDED_MARKS | {"ü", "þ", "p", "r", "b"}) - {"a"})
NOT_EXPECTED_FORMS = sorted(NOT_EXPECTED_MARKS)
YES_FORMS = sorted(YES_WORDS)


def _cleaned(cells: str) -> str:
    """Return an array term: the cells' text trimmed (non-breaking spaces too), in lower case."""
    return f'LOWER(TRIM(SUBSTITUTE({cells},_xlfn.UNICHAR(160)," ")))'


def _in_row(cells: str, words: Sequence[str]) -> str:
    """Return a 1-row array term for a row of `cells`: 1 where a cell is one of `words`."""
    column = ";".join(f'"{word}"' for word in words)
    ones = ",".join("1" for _ in words)
    return f"MMULT({{{ones}}},--({{{column}}}={_cleaned(cells)}))"


def _in_column(cells: str, words: Sequence[str]) -> str:
    """Return a 1-column array term for a column of `cells`: 1 where a cell is one of `words`."""
    row = ",".join(f'"{word}"' for word in words)
    ones = ";".join("1" for _ in words)
    return f"MMULT(--({_cleaned(cells)}={{{row}}}),{{{ones}}})"


def _formulas(row: int, marks: str, headers: str) -> tuple[str, str]:
    """Return the Attended and Held formulas of Attendance row `row`, counting as cipdocs does.

    A meeting column counts when its header names a meeting of the Meetings sheet dated on or
    before the report date, on or after the group's Represented since, and not cancelled; a
    not-expected mark (n/a, -) takes it out of that group's count. Each term is an array: the
    meetings down (one per Meetings row), the columns across; SUMPRODUCT adds up their product.
    """
    names, dates, cancelled = (f"Meetings!${c}$2:${c}${TRACKED_ROWS}" for c in "ABC")
    report_date = 'VLOOKUP("Report date",Settings!$A:$B,2,FALSE)'
    since = f"SUMIFS(Groups!$E$2:$E${TRACKED_ROWS},Groups!$A$2:$A${TRACKED_ROWS},$A{row})"
    counted = (
        f'({names}={headers})*({names}<>"")*({dates}<={report_date})*({dates}>={since})'
        f"*(1-{_in_column(cancelled, YES_FORMS)})"
    )
    attended = f"SUMPRODUCT({counted}*{_in_row(marks, ATTENDED_FORMS)})"
    held = f"SUMPRODUCT({counted}*(1-{_in_row(marks, NOT_EXPECTED_FORMS)}))"
    return attended, held


def _add_attendance_formulas(sheet: Worksheet, sheets: Sheets, styles: _Styles) -> None:
    """Add live Attended, Held and Rate columns with their results saved, for staff to read."""
    rows = sheets["Attendance"]
    first = len(rows[0])
    last_mark = xl_col_to_name(first - 1)
    for offset, name in enumerate(FORMULA_COLUMNS):
        sheet.write_string(0, first + offset, name, styles.header)
        sheet.set_column(first + offset, first + offset, 10)
    attended_column, held_column = xl_col_to_name(first), xl_col_to_name(first + 1)
    figures = _figures(sheets)
    for number, row in enumerate(rows[1:], start=1):
        excel_row = number + 1
        # A group with no meeting to count yet has no rate in cipdocs, and none here.
        attended, held = figures.get(str(row[0]), (0, 0))
        attended_formula, held_formula = _formulas(
            excel_row, f"B{excel_row}:{last_mark}{excel_row}", f"B$1:{last_mark}$1"
        )
        # Array formulas ({=...}), so every Excel evaluates the terms as arrays.
        for offset, formula, value in ((0, attended_formula, attended), (1, held_formula, held)):
            cell = (number, first + offset, number, first + offset)
            sheet.write_array_formula(*cell, formula, styles.count, value)
        # Rounded down to a whole percentage, as cipdocs rounds it.
        sheet.write_formula(
            number,
            first + 2,
            f"=IF({held_column}{excel_row}>0,ROUNDDOWN({attended_column}{excel_row}"
            f'/{held_column}{excel_row}*100,0)/100,"")',
            styles.rate,
            (attended * 100 // held) / 100 if held else "",
        )


def _figures(sheets: Sheets) -> dict[str, tuple[int, int]]:
    """Return group -> (attended, held) as cipdocs computes them: the formulas' saved results."""
    workbook = Path(tempfile.mkdtemp()) / "figures.xlsx"
    book = xlsxwriter.Workbook(str(workbook))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(number, column, value, date)
                elif value is not None:
                    sheet.write(number, column, value)
    book.close()
    try:
        report = load_report(workbook).report
    finally:
        shutil.rmtree(workbook.parent)
    return {row.group: (row.attended, row.held) for row in report.participation}


def _write_about(sheet: Worksheet, styles: _Styles) -> None:
    """Write the About sheet: what each sheet is for, how to add a meeting or group, the command."""
    sheet.write_string(0, 0, ABOUT[0], styles.title)
    for number, line in enumerate(ABOUT[1:], start=1):
        if line:
            sheet.write_string(number, 0, line)
    sheet.set_column(0, 0, 100)
    sheet.activate()


def main(argv: Sequence[str]) -> int:
    """Write the sample workbook to the path given, or inputs/cip-ccg.xlsx."""
    target = (
        Path(argv[1])
        if len(argv) > 1
        else Path(__file__).resolve().parents[1] / "inputs" / "cip-ccg.xlsx"
    )
    write_workbook(sample_sheets(), target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
