"""Write a valid CIP-CCG workbook of any size, for the benchmarks: N groups, M meetings."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter

Cell = str | int | dt.date | None
Rows = list[list[Cell]]

REPORT_DATE = dt.date(2024, 12, 20)
FIRST_MEETING = dt.date(2024, 1, 10)

STATUSES: Rows = [
    ["Completed", "Completed Framework (with Consensus Call or appropriate process)"],
    ["In progress", "In Progress (Awaiting Consensus Call)"],
    ["Under discussion", "Under discussion"],
    ["Not started", "Not started"],
]

# Whole numbers from 0 to 100 with no gap, so every rate falls in a band.
BANDS: Rows = [
    ["100%", 100, 100],
    ["80%-99%", 80, 99],
    ["60%-79%", 60, 79],
    ["40%-59%", 40, 59],
    ["20%-39%", 20, 39],
    ["0%-19%", 0, 19],
]

MILESTONES: Rows = [
    ["Developing a shared understanding of Continuous Improvement", None],
    ["Considering a range of methodologies for continuous improvement", None],
    ["Agreeing on the methodology that is fit for ICANN purpose", None],
    ["Formulating a CIP Framework, to be used by each SO, AC, and NomCom", "In Progress"],
]

ROADMAP: Rows = [
    ["CIP Framework development", dt.date(2024, 1, 17), dt.date(2024, 12, 31), "In progress"],
    ["Public comment on the CIP Framework", dt.date(2024, 11, 1), dt.date(2025, 1, 31), "Planned"],
    ["Final CIP Framework", dt.date(2025, 4, 1), dt.date(2025, 6, 30), "Planned"],
    ["First CIP assessment period", dt.date(2025, 7, 1), dt.date(2026, 6, 30), "Planned"],
]


def group_name(index: int) -> str:
    """Return the unique name of group `index` (0-based): ``Community group 0001``."""
    return f"Community group {index + 1:04d}"


def is_represented(index: int) -> bool:
    """Return False for one group in 25, so representation is not trivially all."""
    return index % 25 != 24


def framework_status(index: int) -> str | None:
    """Return the group's framework status; one group in 10 is not tracked (blank)."""
    if index % 10 == 9:
        return None
    return str(STATUSES[index % len(STATUSES)][0])


def attendance_marks(index: int, meetings: int) -> list[str]:
    """Return Y/N marks for each meeting; how often a group attends varies from 0 to 100%."""
    attended = (index * 8) % (meetings + 1)
    return [
        "Y" if (meeting * 11 + index) % meetings < attended else "N" for meeting in range(meetings)
    ]


def workbook_sheets(groups: int, meetings: int = 20) -> dict[str, Rows]:
    """Return the sheets of a valid workbook with `groups` groups and `meetings` held meetings."""
    names = [f"#{number:02d}" for number in range(1, meetings + 1)]
    dates = [FIRST_MEETING + dt.timedelta(days=14 * number) for number in range(meetings)]
    if dates and dates[-1] > REPORT_DATE:
        raise ValueError(f"{meetings} fortnightly meetings do not fit before {REPORT_DATE}")
    attendance: Rows = [["Group", *names]]
    attendance += [
        [group_name(index), *attendance_marks(index, meetings)]
        for index in range(groups)
        if is_represented(index)
    ]
    meeting_rows: Rows = [[name, date] for name, date in zip(names, dates, strict=True)]
    group_rows: Rows = [
        [group_name(index), "Yes" if is_represented(index) else "No", framework_status(index)]
        for index in range(groups)
    ]
    return {
        "Settings": [["Setting", "Value"], ["Report date", REPORT_DATE]],
        "Groups": [["Group", "Representative", "Framework status"], *group_rows],
        "Statuses": [["Status", "Label"], *STATUSES],
        "Meetings": [["Meeting", "Date"], *meeting_rows],
        "Attendance": attendance,
        "Bands": [["Band", "From %", "To %"], *BANDS],
        "Milestones": [["Milestone", "Status"], *MILESTONES],
        "Roadmap": [["Phase", "Start", "End", "Status"], *ROADMAP],
    }


def write_workbook(path: Path, groups: int, meetings: int = 20) -> Path:
    """Write the workbook with `groups` groups and `meetings` meetings to `path`; return `path`."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title, rows in workbook_sheets(groups, meetings).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "d mmm yyyy"
    book.save(path)
    return path


def write_formatted_workbook(path: Path, plain: Path, cells: int, columns: int = 20) -> Path:
    """Write `plain` to `path` with `cells` empty bordered cells below the Attendance data.

    This is how a sheet looks after a user selects whole columns and adds borders: the values
    are unchanged, and the sheet part holds millions of value-less ``<c r="B9" s="N"/>``.
    """
    book = openpyxl.load_workbook(plain)
    sheet = book["Attendance"]
    # One bordered cell makes the style; its index is then reused for every formatted cell.
    last_row = sheet.max_row
    sheet.cell(last_row + 1, 1).border = Border(bottom=Side(style="thin"))
    book.save(path)
    part = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members[part]
    found = re.search(rb'<c r="A%d" s="(\d+)"' % (last_row + 1), xml)
    if found is None:
        raise ValueError("the bordered cell was not written as expected")
    style = found.group(1)
    rows = []
    for row in range(last_row + 1, last_row + 1 + cells // columns):
        row_cells = b"".join(
            b'<c r="%s%d" s="%s"/>' % (get_column_letter(column).encode(), row, style)
            for column in range(1, columns + 1)
        )
        rows.append(b'<row r="%d">%s</row>' % (row, row_cells))
    start = xml.index(b'<row r="%d"' % (last_row + 1))
    end = xml.index(b"</sheetData>")
    members[part] = xml[:start] + b"".join(rows) + xml[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generated workbook from the command line and print its path."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path, help="the .xlsx file to write")
    parser.add_argument("--groups", type=int, default=300, help="number of groups (default 300)")
    parser.add_argument("--meetings", type=int, default=20, help="meetings held (default 20)")
    args = parser.parse_args(argv)
    print(write_workbook(args.path, args.groups, args.meetings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
