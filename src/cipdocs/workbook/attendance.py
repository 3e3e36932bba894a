"""Validate the `Attendance` sheet: meeting columns, marks, and the checks around them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cipdocs.report.model import AttendanceRecord, Group, Meeting, StatedFigure
from cipdocs.workbook.columns import required_text, unique
from cipdocs.workbook.read import RawCell, RawRow
from cipdocs.workbook.sheets import (
    UNSAVED_FORMULA,
    Findings,
    Table,
    column_letter,
    suggestion,
)
from cipdocs.workbook.sums import read_stated
from cipdocs.workbook.values import (
    ValueProblem,
    as_mark,
    as_text,
    fold,
    header_dates,
    is_not_expected,
)

PARTICIPATION_TRACKED = "Participation tracked"


def parse_attendance(
    table: Table | None,
    groups: Sequence[Group] | None,
    meetings: Sequence[Meeting] | None,
    report_date: dt.date | None,
    findings: Findings,
) -> tuple[list[AttendanceRecord], list[StatedFigure]]:
    """Return one record per attendance row and the figures its own sum columns state; warn
    about tracked groups left without a row."""
    if table is None or meetings is None:
        return [], []
    meeting_columns = _meeting_columns(table, meetings, report_date, findings)
    by_key = {fold(group.name): group for group in groups or ()}
    records: list[AttendanceRecord] = []
    counted: list[RawRow] = []
    rows_by_group: list[tuple[str, RawRow]] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        name = required_text(table, row, "Group", findings)
        if not name:
            continue
        attended, not_expected = _attended_meetings(table, row, meeting_columns, findings)
        if ("Groups", fold(name)) in findings.flawed:
            # Its Groups row has a problem already: one cause, one message.
            seen.setdefault(fold(name), table.where(row, "Group"))
            continue
        group = by_key.get(fold(name))
        if groups is not None and not _check_attendance_group(
            table, row, name, group, groups, meeting_columns, findings
        ):
            continue
        if unique(table, row, "Group", name, seen, findings):
            records.append(
                AttendanceRecord(
                    group.name if group else name, attended, table.where(row, "Group"), not_expected
                )
            )
            counted.append(row)
            rows_by_group.append((group.name if group else name, row))
            if group is not None and group.represented_since and report_date is not None:
                _check_since(table, row, group, meetings, meeting_columns, report_date, findings)
    stated: list[StatedFigure] = []
    if counted and report_date is not None:
        since = [
            by_key[fold(name)].represented_since
            for name, _ in rows_by_group
            if fold(name) in by_key
        ]
        _check_marks(table, counted, meetings, meeting_columns, report_date, since, findings)
        counted_columns = {
            meeting_columns[meeting.name]
            for meeting in meetings
            if meeting.name in meeting_columns
            and meeting.date <= report_date
            and not meeting.cancelled
        }
        stated = read_stated(table, rows_by_group, counted_columns)
    _check_stray_marks(table, counted, meeting_columns, findings)
    for group in groups or ():
        if (
            group.represented
            and group.tracked
            and fold(group.name) not in seen
            and ("Groups", fold(group.name)) not in findings.flawed
        ):
            findings.warning(
                table.sheet,
                f"{group.name} has a representative but no attendance row; it is left out of the "
                f"participation table (add its row, or set {PARTICIPATION_TRACKED} to No in "
                "Groups)",
            )
    return records, stated


def _check_since(
    table: Table,
    row: RawRow,
    group: Group,
    meetings: Sequence[Meeting],
    meeting_columns: dict[str, int],
    report_date: dt.date,
    findings: Findings,
) -> None:
    """Warn once when the row has marks on held meetings before the group's `Represented since`."""
    assert group.represented_since is not None
    cells = {cell.column: cell for cell in row.cells}
    early = [
        meeting.name
        for meeting in meetings
        if meeting.date < group.represented_since
        and meeting.date <= report_date
        and not meeting.cancelled
        and meeting.name in meeting_columns
        and (cell := cells.get(meeting_columns[meeting.name])) is not None
        and not is_not_expected(cell)
    ]
    if early:
        findings.warning(
            table.where(row, "Group"),
            f"{group.name} is represented since {group.represented_since.isoformat()} (Groups), "
            f"but its row has marks on {len(early)} earlier "
            f"{'meeting' if len(early) == 1 else 'meetings'} ({', '.join(early)}); they are not "
            "counted (move Represented since back, or clear those marks)",
        )


def _check_attendance_group(
    table: Table,
    row: RawRow,
    name: str,
    group: Group | None,
    groups: Sequence[Group],
    meeting_columns: dict[str, int],
    findings: Findings,
) -> bool:
    """Return True when the row's group may have attendance; record why not otherwise."""
    if group is None:
        known = [known_group.name for known_group in groups]
        findings.problem(
            table.where(row, "Group"),
            f"{name!r} is not in the Groups sheet{suggestion(name, known)}; "
            "spell it as in Groups, or add the group there",
        )
        return False
    if not group.represented:
        findings.problem(
            table.where(row, "Group"),
            f"{group.name} has no representative (Groups says No), so it cannot have attendance; "
            "set Representative to Yes in Groups, or delete this row",
        )
        return False
    if not group.tracked:
        # An empty row for an untracked group (a template listing every group) is harmless.
        marked = {cell.column for cell in row.cells} & set(meeting_columns.values())
        if marked:
            findings.problem(
                table.where(row, "Group"),
                f"{group.name}'s participation is not tracked ({PARTICIPATION_TRACKED} is No in "
                f"Groups), but this row has marks; set {PARTICIPATION_TRACKED} to Yes, or clear "
                "the row",
            )
        return False
    return True


def _meeting_columns(
    table: Table, meetings: Sequence[Meeting], report_date: dt.date | None, findings: Findings
) -> dict[str, int]:
    """Return meeting name -> column, by name or date; a held meeting without one is a problem."""
    columns: dict[str, int] = {}
    meeting_keys = {fold(meeting.name) for meeting in meetings}
    unmatched = {
        column: text
        for column, text in table.headers.items()
        if fold(text) not in meeting_keys and column != table.columns[fold("Group")]
    }
    by_date = _columns_by_date(unmatched, meetings)
    for meeting in meetings:
        column = table.columns.get(fold(meeting.name), by_date.get(meeting.date))
        if column is not None:
            columns[meeting.name] = column
        elif report_date is not None and meeting.date <= report_date and not meeting.cancelled:
            findings.problem(
                f"{table.sheet}!{table.header_row}:{table.header_row}",
                f"meeting {meeting.name!r} was held on {meeting.date.isoformat()} but has no column"
                f"{suggestion(meeting.name, unmatched.values())}; add a column headed "
                f"{meeting.name!r}",
            )
    return columns


def _columns_by_date(headers: dict[int, str], meetings: Sequence[Meeting]) -> dict[dt.date, int]:
    """Return meeting date -> column for headers that are dates (``17 Jan 2024``, a date cell)."""
    dates = [meeting.date for meeting in meetings]
    found: dict[dt.date, int] = {}
    for column, text in headers.items():
        # A date two meetings share, or text that reads as two meetings' dates (1/2/2024 is
        # 1 February or 2 January), cannot say which meeting the column is.
        matches = {date for date in header_dates(text) if dates.count(date) == 1}
        if len(matches) == 1:
            found.setdefault(matches.pop(), column)
    return found


def _check_marks(
    table: Table,
    rows: Sequence[RawRow],
    meetings: Sequence[Meeting],
    meeting_columns: dict[str, int],
    report_date: dt.date,
    since: Sequence[dt.date | None],
    findings: Findings,
) -> None:
    """Record held meetings with no marks, marks on later meetings, and colour-only cells.

    `since` are the rows' groups' `Represented since` dates: a meeting held before every one
    of them needs no marks.
    """
    marked = {cell.column for row in rows for cell in row.cells}
    for meeting in meetings:
        column = meeting_columns.get(meeting.name)
        if column is None:
            continue
        header = f"{table.sheet}!{column_letter(column)}{table.header_row}"
        painted = _colour_only(table, rows, column)
        held = meeting.date <= report_date and not meeting.cancelled
        if meeting.cancelled:
            _check_cancelled(table, rows, meeting, column, findings)
        elif (
            held
            and column not in marked
            and any(date is None or date <= meeting.date for date in since or [None])
        ):
            hint = (
                " (its cells are coloured, but cipdocs reads marks, not colours)" if painted else ""
            )
            findings.problem(
                header,
                f"meeting {meeting.name!r} was held on {meeting.date.isoformat()} but has no "
                f"marks{hint}; enter the attendance, set Cancelled to Yes in Meetings if it did "
                "not take place, or move the Report date back before it",
            )
        elif held:
            for row in painted:
                findings.warning(
                    f"{table.sheet}!{column_letter(column)}{row}",
                    "the cell is coloured but has no mark, so it counts as absent; cipdocs reads "
                    "marks, not colours: type Y or N",
                )
        elif column in marked:
            findings.warning(
                header,
                f"meeting {meeting.name!r} is dated {meeting.date.isoformat()}, after the report "
                f"date ({report_date.isoformat()}), but has marks; they are not counted (move the "
                "Report date on if the meeting was held)",
            )


def _check_cancelled(
    table: Table, rows: Sequence[RawRow], meeting: Meeting, column: int, findings: Findings
) -> None:
    """Warn once when a cancelled meeting's column holds marks (not-expected marks aside)."""
    numbers = {row.number for row in rows}
    marked = [
        cell
        for row in rows
        for cell in row.cells
        if cell.column == column and row.number in numbers and not is_not_expected(cell)
    ]
    if marked:
        findings.warning(
            f"{table.sheet}!{column_letter(column)}{table.header_row}",
            f"meeting {meeting.name!r} is cancelled (Cancelled is Yes in Meetings) but has marks; "
            "they are not counted (set Cancelled to No if the meeting was held, or clear the "
            "column)",
        )


def _attended_meetings(
    table: Table, row: RawRow, meeting_columns: dict[str, int], findings: Findings
) -> tuple[frozenset[str], frozenset[str]]:
    """Return the meetings the row marks as attended, and those it marks as not expected."""
    cells = {cell.column: cell for cell in row.cells}
    attended: set[str] = set()
    not_expected: set[str] = set()
    for meeting, column in meeting_columns.items():
        cell = cells.get(column)
        try:
            if cell is not None and cell.is_unsaved_formula:
                raise ValueProblem(UNSAVED_FORMULA)
            if cell is not None and cell.is_error:
                raise ValueProblem(f"the cell holds the error {as_text(cell.value)}; enter Y or N")
            mark = as_mark(cell)
            if mark:
                attended.add(meeting)
            elif mark is None:
                not_expected.add(meeting)
        except ValueProblem as problem:
            findings.problem(f"{table.sheet}!{column_letter(column)}{row.number}", str(problem))
    return frozenset(attended), frozenset(not_expected)


def _check_stray_marks(
    table: Table, rows: Sequence[RawRow], meeting_columns: dict[str, int], findings: Findings
) -> None:
    """Warn about a column of typed attendance marks that is no meeting: it would not count.

    Columns of numbers or formulas (attended, held, rate) are someone's own and stay quiet.
    """
    read = {*meeting_columns.values(), table.columns[fold("Group")]}
    by_column: dict[int, list[RawCell]] = {}
    for row in rows:
        for cell in row.cells:
            if cell.column not in read:
                by_column.setdefault(cell.column, []).append(cell)
    for column, cells in sorted(by_column.items()):
        if all(_is_typed_mark(cell) for cell in cells):
            header = table.headers.get(column)
            named = f"the column headed {header!r}" if header else "this column, with no header,"
            findings.warning(
                f"{table.sheet}!{column_letter(column)}{table.header_row}",
                f"{named} holds attendance marks but is not a meeting in the Meetings sheet, so "
                "they are not counted; add the meeting to Meetings (with its date) and head the "
                "column with its name, or clear the column",
            )


def _is_typed_mark(cell: RawCell) -> bool:
    """Return True for a typed text mark (Y, N, a tick): not a number, a formula or other text."""
    if cell.formula or cell.is_unsaved_formula or not isinstance(cell.value, str):
        return False
    try:
        # A column of n/a is someone's note, not marks.
        return as_mark(cell) is not None
    except ValueProblem:
        return False


def _colour_only(table: Table, rows: Sequence[RawRow], column: int) -> list[int]:
    """Return the row numbers of blank cells in `column` whose colour alone seems to mark them.

    A colour every marked cell of the column shares too is decoration (a shaded block), not a
    mark, and is left alone.
    """
    if not any(col == column for _, col, _ in table.painted):
        return []
    numbers = {row.number for row in rows}
    marked_fills = {cell.fill for row in rows for cell in row.cells if cell.column == column}
    return [
        row
        for row, col, fill in table.painted
        if col == column and row in numbers and marked_fills != {fill}
    ]
