"""Build inputs/cip-ccg.xlsx, the sample workbook that reproduces the 30 Aug 2024 update."""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from cipdocs.render.files import normalize_zip

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
            ("Group", "Representative", "Framework status", "Participation tracked"),
            # GNSO CSG and GNSO NCSG are represented but their participation is not tracked.
            [
                (name, rep, status, "No" if rep == "Yes" and attended is None else None)
                for name, rep, status, attended in GROUPS
            ],
        ),
        "Statuses": _with_header(("Status", "Label"), STATUSES),
        "Meetings": _with_header(("Meeting", "Date"), zip(meetings, MEETING_DATES, strict=True)),
        "Attendance": attendance,
        "Bands": _with_header(("Band", "From %", "To %"), BANDS),
        "Milestones": _with_header(("Milestone", "Status"), MILESTONES),
        "Roadmap": _with_header(("Phase", "Start", "End", "Status"), ROADMAP),
    }


def _with_header(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> list[Sequence[Cell]]:
    return [header, *rows]


def write_workbook(sheets: Sheets, path: Path) -> None:
    """Write `sheets` as a tidy .xlsx at `path`: bold headers, dates, widths, frozen row 1."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        _tidy(sheet, rows)
    fixed = dt.datetime(REPORT_DATE.year, REPORT_DATE.month, REPORT_DATE.day)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "cipdocs sample"
    buffer = io.BytesIO()
    # ExcelWriter is what book.save runs, without its stamping "modified" with the clock,
    # so the bytes are the same on every build.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    path.write_bytes(normalize_zip(buffer.getvalue()))


def _tidy(sheet: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    header_fill = PatternFill("solid", fgColor="1F3864")
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "d mmm yyyy"
    for index in range(1, max(len(row) for row in rows) + 1):
        longest = max(len(str(row[index - 1])) if index <= len(row) else 0 for row in rows)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 6), 90)
    sheet.freeze_panes = "A2"


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
