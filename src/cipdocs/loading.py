"""Read the workbook and compute its report: the first steps every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import Issue
from cipdocs.report.compute import compute_report
from cipdocs.report.model import Report
from cipdocs.report.sums import check_stated
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import read_workbook


@dataclass(frozen=True)
class LoadedReport:
    """The computed report and the warnings met on the way."""

    report: Report
    warnings: tuple[Issue, ...]


def load_report(workbook: Path) -> LoadedReport:
    """Return the report computed from the workbook at `workbook`; raise on any problem."""
    data, warnings = parse_workbook(read_workbook(workbook))
    report = compute_report(data)
    return LoadedReport(report, (*warnings, *check_stated(report, data.stated)))


def describe_workbook(workbook: Path) -> list[str]:
    """Return where each sheet's header row was found in the workbook (``Groups: header row 2``)."""
    from cipdocs.workbook.parse import describe_layout

    return describe_layout(read_workbook(workbook))
