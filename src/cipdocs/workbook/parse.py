"""Validate the workbook's rows into frozen model objects, collecting every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from cipdocs.errors import InvalidWorkbookError, Issue
from cipdocs.report.model import (
    AttendanceRecord,
    Band,
    Group,
    Meeting,
    Milestone,
    RoadmapPhase,
    Status,
    WorkbookData,
)
from cipdocs.workbook.grouped import group_issues
from cipdocs.workbook.read import RawCell, RawRow, RawWorkbook
from cipdocs.workbook.sheets import (
    UNSAVED_FORMULA,
    Findings,
    Table,
    column_letter,
    read_table,
    suggestion,
)
from cipdocs.workbook.values import (
    ValueProblem,
    as_attended,
    as_colour,
    as_date,
    as_text,
    as_whole_percent,
    as_yes_no,
    fold,
    header_dates,
)

T = TypeVar("T")

REPORT_DATE_SETTING = "Report date"


NEVER_CALCULATED = (
    "the workbook's formulas were never calculated (it was written by a program such as "
    "xlsxwriter or openpyxl, which saves 0 or nothing as each result); open it in Excel and save "
    "it (in LibreOffice, choose Data > Calculate > Recalculate Hard before saving)"
)
PARTICIPATION_TRACKED = "Participation tracked"


def parse_workbook(workbook: RawWorkbook) -> tuple[WorkbookData, tuple[Issue, ...]]:
    """Return the data and its warnings, or raise `InvalidWorkbookError` with every problem."""
    data, findings = parse_findings(workbook)
    if findings.problems or data is None:
        problems = _formulas_once(findings.problems, workbook.never_calculated)
        raise InvalidWorkbookError(group_issues(problems), total=len(problems))
    return data, tuple(group_issues(findings.warnings))


def describe_layout(workbook: RawWorkbook) -> list[str]:
    """Return where each sheet's header row was found (``Attendance: header row 3``)."""
    return parse_findings(workbook)[1].layout


def parse_findings(workbook: RawWorkbook) -> tuple[WorkbookData | None, Findings]:
    """Return the data (None when a problem stops the run) and everything found on the way."""
    findings = Findings()
    if workbook.lock_file:
        findings.warning(
            workbook.lock_file,
            "the workbook is open in Excel; edits not yet saved there are not included "
            "(save it in Excel, then run again)",
        )
    report_date = parse_settings(
        read_table(workbook, "Settings", ("Setting", "Value"), findings), findings
    )
    statuses = parse_statuses(
        read_table(workbook, "Statuses", ("Status", "Label"), findings, totals=True), findings
    )
    groups = parse_groups(
        read_table(
            workbook,
            "Groups",
            ("Group", "Representative", "Framework status"),
            findings,
            expected=(PARTICIPATION_TRACKED,),
            totals=True,
        ),
        statuses,
        findings,
    )
    meetings = parse_meetings(
        read_table(workbook, "Meetings", ("Meeting", "Date"), findings), findings
    )
    meeting_names = [meeting.name for meeting in meetings or ()]
    attendance = parse_attendance(
        read_table(
            workbook,
            "Attendance",
            ("Group",),
            findings,
            also_unique=meeting_names,
            expected=[meeting.date.isoformat() for meeting in meetings or ()],
            totals=True,
        ),
        groups,
        meetings,
        report_date,
        findings,
    )
    bands = parse_bands(
        read_table(workbook, "Bands", ("Band", "From %", "To %"), findings), findings
    )
    milestones = parse_milestones(
        read_table(workbook, "Milestones", ("Milestone", "Status"), findings), findings
    )
    roadmap = parse_roadmap(
        read_table(workbook, "Roadmap", ("Phase", "Start", "End", "Status"), findings), findings
    )
    if findings.problems or report_date is None:
        return None, findings
    data = WorkbookData(
        source_name=workbook.file_name,
        report_date=report_date,
        groups=tuple(groups or ()),
        statuses=tuple(statuses or ()),
        meetings=tuple(meetings or ()),
        attendance=tuple(attendance),
        bands=tuple(bands),
        milestones=tuple(milestones),
        roadmap=tuple(roadmap),
    )
    return data, findings


def _formulas_once(problems: list[Issue], never_calculated: bool) -> list[Issue]:
    """Return `problems` with the formulas that have no trustworthy result as one problem."""
    unsaved = [problem for problem in problems if problem.message == UNSAVED_FORMULA]
    if not unsaved or not (never_calculated or len(unsaved) > 1):
        return problems
    others = len(unsaved) - 1
    where = unsaved[0].where + (
        f" and {others} other formula {'cell' if others == 1 else 'cells'}" if others else ""
    )
    message = NEVER_CALCULATED if never_calculated else UNSAVED_FORMULA
    first = problems.index(unsaved[0])
    rest = [problem for problem in problems if problem.message != UNSAVED_FORMULA]
    return [*rest[:first], Issue(where, message), *rest[first:]]


def _convert(
    table: Table, row: RawRow, column: str, convert: Callable[[RawCell], T], findings: Findings
) -> T | None:
    """Return the converted cell, or record its problem (blank included) and return None."""
    cell = table.cell(row, column)
    # Text that cleans to nothing (a lone _x000D_ escape, zero-width spaces) is blank too.
    if cell is None or (isinstance(cell.value, str) and not as_text(cell.value)):
        findings.problem(
            table.where(row, column), f"{column} is blank; fill it in or delete the row"
        )
        return None
    if cell.is_unsaved_formula:
        findings.problem(table.where(row, column), UNSAVED_FORMULA)
        return None
    if cell.is_error:
        findings.problem(
            table.where(row, column),
            f"the cell holds the error {as_text(cell.value)}; fix the formula or type the value",
        )
        return None
    try:
        return convert(cell)
    except ValueProblem as problem:
        findings.problem(table.where(row, column), str(problem))
        return None


def _required_text(table: Table, row: RawRow, column: str, findings: Findings) -> str | None:
    return _convert(table, row, column, lambda cell: as_text(cell.value), findings) or None


def _optional_text(table: Table, row: RawRow, column: str, findings: Findings) -> str | None:
    """Return the cell's text, None when blank; an error or unsaved formula is a problem."""
    cell = table.cell(row, column)
    if cell is None:
        return None
    if cell.is_error or cell.is_unsaved_formula:
        return _convert(table, row, column, lambda cell: as_text(cell.value), findings)
    return as_text(cell.value)


def _unique(
    table: Table, row: RawRow, column: str, name: str, seen: dict[str, str], findings: Findings
) -> bool:
    """Return True the first time `name` is seen in `column`; record a problem for a repeat."""
    if fold(name) in seen:
        findings.problem(
            table.where(row, column),
            f"{name!r} is listed twice (first at {seen[fold(name)]}); "
            f"keep one row per {column.lower()}",
        )
        return False
    seen[fold(name)] = table.where(row, column)
    return True


def parse_settings(table: Table | None, findings: Findings) -> dt.date | None:
    """Return the report date from the `Settings` sheet; two `Report date` rows are a problem."""
    if table is None:
        return None
    rows = []
    for row in table.rows:
        setting = table.cell(row, "Setting")
        if setting is not None and setting.is_unsaved_formula:
            findings.problem(table.where(row, "Setting"), UNSAVED_FORMULA)
        if fold(table.text(row, "Setting")) == fold(REPORT_DATE_SETTING):
            rows.append(row)
    if len(rows) > 1:
        places = ", ".join(table.where(row, "Setting") for row in rows)
        findings.problem(
            table.where(rows[1], "Setting"),
            f"{REPORT_DATE_SETTING!r} is set {len(rows)} times ({places}); "
            "keep one row, with the update's date",
        )
        return None
    if rows:
        if table.cell(rows[0], "Value") is None:
            findings.problem(
                table.where(rows[0], "Value"),
                f"{REPORT_DATE_SETTING} is blank; enter the update's date, e.g. 2024-08-30",
            )
            return None
        return _convert(table, rows[0], "Value", as_date, findings)
    settings = [table.text(row, "Setting") for row in table.rows]
    findings.problem(
        f"{table.sheet}!A{max((row.number for row in table.rows), default=table.header_row) + 1}",
        f"no {REPORT_DATE_SETTING!r} row{suggestion(REPORT_DATE_SETTING, settings)}; "
        f"add a row with Setting {REPORT_DATE_SETTING!r} and the update's date in Value",
    )
    return None


def parse_statuses(table: Table | None, findings: Findings) -> list[Status] | None:
    """Return the status categories in display order; a blank label shows the status name."""
    if table is None:
        return None
    statuses: list[Status] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        name = _required_text(table, row, "Status", findings)
        if name and _unique(table, row, "Status", name, seen, findings):
            statuses.append(Status(name, _optional_text(table, row, "Label", findings) or name))
    if not statuses and not table.rows:
        findings.problem(f"{table.sheet}!A2", "no statuses; add one row per framework status")
    return statuses


def parse_groups(
    table: Table | None, statuses: Sequence[Status] | None, findings: Findings
) -> list[Group] | None:
    """Return the eligible groups in display order."""
    if table is None:
        return None
    by_key = {fold(status.name): status.name for status in statuses or ()}
    groups: list[Group] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        before = len(findings.problems)
        name = _required_text(table, row, "Group", findings)
        represented = _convert(table, row, "Representative", as_yes_no, findings)
        status_text = _optional_text(table, row, "Framework status", findings)
        status = by_key.get(fold(status_text)) if status_text else None
        if status_text and status is None and statuses is not None:
            findings.problem(
                table.where(row, "Framework status"),
                f"{status_text!r} is not a status{suggestion(status_text, by_key.values())}; "
                "use one of the Statuses sheet's names, or leave it blank",
            )
        tracked = _tracked(table, row, findings)
        if name and len(findings.problems) > before:
            findings.flawed.add(("Groups", fold(name)))
        if (
            name
            and represented is not None
            and tracked is not None
            and _unique(table, row, "Group", name, seen, findings)
        ):
            groups.append(Group(name, represented, status, tracked))
    if not table.rows:
        findings.problem(
            f"{table.sheet}!A{table.header_row + 1}",
            "no groups; add one row per eligible community group",
        )
    return groups


def _tracked(table: Table, row: RawRow, findings: Findings) -> bool | None:
    """Return the group's `Participation tracked` (blank or no column: Yes), None on a problem."""
    if table.cell(row, PARTICIPATION_TRACKED) is None:
        return True
    return _convert(table, row, PARTICIPATION_TRACKED, as_yes_no, findings)


def parse_meetings(table: Table | None, findings: Findings) -> list[Meeting] | None:
    """Return every meeting, held or planned."""
    if table is None:
        return None
    meetings: list[Meeting] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        name = _required_text(table, row, "Meeting", findings)
        date = _convert(table, row, "Date", as_date, findings)
        if name and date and _unique(table, row, "Meeting", name, seen, findings):
            meetings.append(Meeting(name, date))
    return meetings


def parse_attendance(
    table: Table | None,
    groups: Sequence[Group] | None,
    meetings: Sequence[Meeting] | None,
    report_date: dt.date | None,
    findings: Findings,
) -> list[AttendanceRecord]:
    """Return one record per attendance row; warn about tracked groups left without one."""
    if table is None or meetings is None:
        return []
    meeting_columns = _meeting_columns(table, meetings, report_date, findings)
    by_key = {fold(group.name): group for group in groups or ()}
    records: list[AttendanceRecord] = []
    counted: list[RawRow] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        name = _required_text(table, row, "Group", findings)
        if not name:
            continue
        attended = _attended_meetings(table, row, meeting_columns, findings)
        if ("Groups", fold(name)) in findings.flawed:
            # Its Groups row has a problem already: one cause, one message.
            seen.setdefault(fold(name), table.where(row, "Group"))
            continue
        group = by_key.get(fold(name))
        if groups is not None and not _check_attendance_group(
            table, row, name, group, groups, meeting_columns, findings
        ):
            continue
        if _unique(table, row, "Group", name, seen, findings):
            records.append(
                AttendanceRecord(group.name if group else name, attended, table.where(row, "Group"))
            )
            counted.append(row)
    if counted and report_date is not None:
        _check_marks(table, counted, meetings, meeting_columns, report_date, findings)
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
    return records


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
        elif report_date is not None and meeting.date <= report_date:
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
    findings: Findings,
) -> None:
    """Record held meetings with no marks, marks on later meetings, and colour-only cells."""
    marked = {cell.column for row in rows for cell in row.cells}
    for meeting in meetings:
        column = meeting_columns.get(meeting.name)
        if column is None:
            continue
        header = f"{table.sheet}!{column_letter(column)}{table.header_row}"
        painted = _colour_only(table, rows, column)
        held = meeting.date <= report_date
        if held and column not in marked:
            hint = (
                " (its cells are coloured, but cipdocs reads marks, not colours)" if painted else ""
            )
            findings.problem(
                header,
                f"meeting {meeting.name!r} was held on {meeting.date.isoformat()} but has no "
                f"marks{hint}; enter the attendance, or move the Report date back before it",
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


def _attended_meetings(
    table: Table, row: RawRow, meeting_columns: dict[str, int], findings: Findings
) -> frozenset[str]:
    cells = {cell.column: cell for cell in row.cells}
    attended: set[str] = set()
    for meeting, column in meeting_columns.items():
        cell = cells.get(column)
        try:
            if cell is not None and cell.is_unsaved_formula:
                raise ValueProblem(UNSAVED_FORMULA)
            if cell is not None and cell.is_error:
                raise ValueProblem(f"the cell holds the error {as_text(cell.value)}; enter Y or N")
            if as_attended(cell):
                attended.add(meeting)
        except ValueProblem as problem:
            findings.problem(f"{table.sheet}!{column_letter(column)}{row.number}", str(problem))
    return frozenset(attended)


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
        as_attended(cell)
    except ValueProblem:
        return False
    return True


def _colour_only(table: Table, rows: Sequence[RawRow], column: int) -> list[int]:
    """Return the row numbers of blank cells in `column` whose colour alone seems to mark them.

    A colour every marked cell of the column shares too is decoration (a shaded block), not a
    mark, and is left alone.
    """
    numbers = {row.number for row in rows}
    marked_fills = {cell.fill for row in rows for cell in row.cells if cell.column == column}
    return [
        row
        for row, col, fill in table.painted
        if col == column and row in numbers and marked_fills != {fill}
    ]


def parse_bands(table: Table | None, findings: Findings) -> list[Band]:
    """Return the participation bands in display order; overlapping bands are a problem."""
    if table is None:
        return []
    bands: list[Band] = []
    seen: dict[str, str] = {}
    places: dict[Band, str] = {}
    for row in table.rows:
        name = _required_text(table, row, "Band", findings)
        low = _convert(table, row, "From %", as_whole_percent, findings)
        high = _convert(table, row, "To %", as_whole_percent, findings)
        colour_cell = table.cell(row, "Colour")
        colour = None
        if colour_cell is not None:
            colour = _convert(table, row, "Colour", as_colour, findings)
        if name is None or low is None or high is None:
            continue
        if low > high:
            findings.problem(
                table.where(row, "From %"),
                f"band {name!r} runs from {low} to {high}; From % must not exceed To %",
            )
            continue
        if _unique(table, row, "Band", name, seen, findings):
            band = Band(name, low, high, colour)
            _check_overlap(band, bands, places, table.where(row, "From %"), findings)
            places[band] = table.where(row, "From %")
            bands.append(band)
    if not bands and not table.rows:
        findings.problem(f"{table.sheet}!A2", "no bands; add one row per participation band")
    return bands


def _check_overlap(
    band: Band, earlier: Sequence[Band], places: dict[Band, str], where: str, findings: Findings
) -> None:
    for other in earlier:
        if band.low <= other.high and other.low <= band.high:
            findings.problem(
                where,
                f"band {band.name!r} ({band.low}-{band.high}) overlaps band {other.name!r} "
                f"({other.low}-{other.high}) at {places[other]}; make the ranges separate",
            )


def parse_milestones(table: Table | None, findings: Findings) -> list[Milestone]:
    """Return the milestones in order."""
    if table is None:
        return []
    milestones = []
    for row in table.rows:
        text = _required_text(table, row, "Milestone", findings)
        if text:
            milestones.append(Milestone(text, _optional_text(table, row, "Status", findings)))
    return milestones


def parse_roadmap(table: Table | None, findings: Findings) -> list[RoadmapPhase]:
    """Return the roadmap phases in order; a phase must not end before it starts."""
    if table is None:
        return []
    phases = []
    for row in table.rows:
        phase = _required_text(table, row, "Phase", findings)
        start = _convert(table, row, "Start", as_date, findings)
        end = _convert(table, row, "End", as_date, findings)
        if phase is None or start is None or end is None:
            continue
        if end < start:
            findings.problem(
                table.where(row, "End"),
                f"phase {phase!r} ends ({end.isoformat()}) before it starts "
                f"({start.isoformat()}); fix Start or End",
            )
            continue
        phases.append(
            RoadmapPhase(phase, start, end, _optional_text(table, row, "Status", findings))
        )
    return phases
