"""Validate the workbook's rows into frozen model objects, collecting every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from cipdocs.errors import InvalidWorkbookError, Issue
from cipdocs.report.model import (
    Band,
    Group,
    Meeting,
    Milestone,
    RoadmapPhase,
    StatedFigure,
    Status,
    WorkbookData,
)
from cipdocs.workbook.attendance import PARTICIPATION_TRACKED, parse_attendance
from cipdocs.workbook.columns import convert, optional_text, required_text, unique
from cipdocs.workbook.grouped import group_issues
from cipdocs.workbook.read import RawCell, RawRow, RawWorkbook
from cipdocs.workbook.sheets import (
    UNSAVED_FORMULA,
    Findings,
    Table,
    read_table,
    suggestion,
)
from cipdocs.workbook.sums import read_stated, sum_columns
from cipdocs.workbook.values import (
    as_colour,
    as_date,
    as_whole_percent,
    as_yes_no,
    fold,
)

T = TypeVar("T")

REPORT_DATE_SETTING = "Report date"
CANCELLED = "Cancelled"
REPRESENTED_SINCE = "Represented since"


NEVER_CALCULATED = (
    "the workbook's formulas were never calculated (it was written by a program such as "
    "xlsxwriter or openpyxl, which saves 0 or nothing as each result); open it in Excel and save "
    "it (in LibreOffice, choose Data > Calculate > Recalculate Hard before saving)"
)


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
    groups_table = read_table(
        workbook,
        "Groups",
        ("Group", "Representative", "Framework status"),
        findings,
        expected=(PARTICIPATION_TRACKED, REPRESENTED_SINCE),
        totals=True,
    )
    groups = parse_groups(groups_table, statuses, findings)
    meetings = parse_meetings(
        read_table(workbook, "Meetings", ("Meeting", "Date"), findings, expected=(CANCELLED,)),
        findings,
    )
    meeting_names = [meeting.name for meeting in meetings or ()]
    attendance, stated = parse_attendance(
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
        stated=(*stated, *_groups_stated(groups_table, groups or ())),
    )
    return data, findings


def _groups_stated(table: Table | None, groups: Sequence[Group]) -> list[StatedFigure]:
    """Return the figures the `Groups` sheet's own sum columns state (if it has any)."""
    if table is None or not sum_columns(table):
        return []
    by_key = {fold(group.name): group.name for group in groups}
    rows = [
        (by_key[fold(table.text(row, "Group"))], row)
        for row in table.rows
        if fold(table.text(row, "Group")) in by_key
    ]
    return read_stated(table, rows, ())


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
        return convert(table, rows[0], "Value", as_date, findings)
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
        name = required_text(table, row, "Status", findings)
        if name and unique(table, row, "Status", name, seen, findings):
            statuses.append(Status(name, optional_text(table, row, "Label", findings) or name))
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
        name = required_text(table, row, "Group", findings)
        represented = convert(table, row, "Representative", as_yes_no, findings)
        status_text = optional_text(table, row, "Framework status", findings)
        status = by_key.get(fold(status_text)) if status_text else None
        if status_text and status is None and statuses is not None:
            findings.problem(
                table.where(row, "Framework status"),
                f"{status_text!r} is not a status{suggestion(status_text, by_key.values())}; "
                "use one of the Statuses sheet's names, or leave it blank",
            )
        tracked = _tracked(table, row, findings)
        since = _optional(table, row, REPRESENTED_SINCE, as_date, findings)
        if name and len(findings.problems) > before:
            findings.flawed.add(("Groups", fold(name)))
        if (
            name
            and represented is not None
            and tracked is not None
            and unique(table, row, "Group", name, seen, findings)
        ):
            groups.append(Group(name, represented, status, tracked, since))
    if not table.rows:
        findings.problem(
            f"{table.sheet}!A{table.header_row + 1}",
            "no groups; add one row per eligible community group",
        )
    return groups


def _optional(
    table: Table, row: RawRow, column: str, parse: Callable[[RawCell], T], findings: Findings
) -> T | None:
    """Return an optional column's cell parsed, None when blank or absent (or on a problem)."""
    if table.cell(row, column) is None:
        return None
    return convert(table, row, column, parse, findings)


def _tracked(table: Table, row: RawRow, findings: Findings) -> bool | None:
    """Return the group's `Participation tracked` (blank or no column: Yes), None on a problem."""
    if table.cell(row, PARTICIPATION_TRACKED) is None:
        return True
    return convert(table, row, PARTICIPATION_TRACKED, as_yes_no, findings)


def parse_meetings(table: Table | None, findings: Findings) -> list[Meeting] | None:
    """Return every meeting, held, planned or cancelled (`Cancelled`: Yes/No, blank is No)."""
    if table is None:
        return None
    meetings: list[Meeting] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        name = required_text(table, row, "Meeting", findings)
        date = convert(table, row, "Date", as_date, findings)
        cancelled = _optional(table, row, CANCELLED, as_yes_no, findings)
        if name and date and unique(table, row, "Meeting", name, seen, findings):
            meetings.append(Meeting(name, date, bool(cancelled)))
    return meetings


def parse_bands(table: Table | None, findings: Findings) -> list[Band]:
    """Return the participation bands in display order; overlapping bands are a problem."""
    if table is None:
        return []
    bands: list[Band] = []
    seen: dict[str, str] = {}
    places: dict[Band, str] = {}
    for row in table.rows:
        name = required_text(table, row, "Band", findings)
        low = convert(table, row, "From %", as_whole_percent, findings)
        high = convert(table, row, "To %", as_whole_percent, findings)
        colour_cell = table.cell(row, "Colour")
        colour = None
        if colour_cell is not None:
            colour = convert(table, row, "Colour", as_colour, findings)
        if name is None or low is None or high is None:
            continue
        if low > high:
            findings.problem(
                table.where(row, "From %"),
                f"band {name!r} runs from {low} to {high}; From % must not exceed To %",
            )
            continue
        if unique(table, row, "Band", name, seen, findings):
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
        text = required_text(table, row, "Milestone", findings)
        if text:
            milestones.append(Milestone(text, optional_text(table, row, "Status", findings)))
    return milestones


def parse_roadmap(table: Table | None, findings: Findings) -> list[RoadmapPhase]:
    """Return the roadmap phases in order; a phase must not end before it starts."""
    if table is None:
        return []
    phases = []
    for row in table.rows:
        phase = required_text(table, row, "Phase", findings)
        start = convert(table, row, "Start", as_date, findings)
        end = convert(table, row, "End", as_date, findings)
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
            RoadmapPhase(phase, start, end, optional_text(table, row, "Status", findings))
        )
    return phases
