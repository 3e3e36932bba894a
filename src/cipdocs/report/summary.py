"""The plain-text summary of a report that `cipdocs summary` prints for a person."""

from __future__ import annotations

from cipdocs.report.model import Report
from cipdocs.report.present import EMPTY_BAND_TEXT, join_names, long_date, percent


def format_summary(report: Report) -> str:
    """Return the report as a few short, aligned sections."""
    representation = report.representation
    lines = [
        f"CIP-CCG status update as of {long_date(report.report_date)} "
        f"({report.meetings_held} meetings held, source {report.source_name})",
        "",
        "Framework status",
    ]
    for status_row in report.statuses:
        lines.append(
            f"  {status_row.count:>3}  {status_row.status.label}: "
            f"{join_names(status_row.groups, empty='-')}"
        )
    lines += [
        "",
        f"Representation: {representation.represented} of {representation.total} groups; "
        f"without a representative: {join_names(representation.unrepresented, empty='none')}",
        "",
        "Participation",
    ]
    for band_row in report.bands:
        lines.append(
            f"  {band_row.band.name}: {join_names(band_row.groups, empty=EMPTY_BAND_TEXT)}"
        )
        for member in report.participation:
            if member.band == band_row.band:
                lines.append(
                    f"      {member.group:<24} {member.attended:>3}/{member.held:<3} "
                    f"{percent(member.rate):>5}"
                )
    lines += ["", "Milestones"]
    for number, milestone in enumerate(report.milestones, start=1):
        status = f" [{milestone.status}]" if milestone.status else ""
        lines.append(f"  {number}. {milestone.text}{status}")
    lines += ["", "Roadmap"]
    for phase in report.roadmap:
        status = f" [{phase.status}]" if phase.status else ""
        lines.append(
            f"  {phase.start.isoformat()} to {phase.end.isoformat()}  {phase.phase}{status}"
        )
    return "\n".join(lines)
