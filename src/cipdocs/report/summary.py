"""The plain-text summary of a report that `cipdocs summary` prints for a person."""

from __future__ import annotations

from cipdocs.report.formats import join_names, long_date, percent
from cipdocs.report.model import Report
from cipdocs.report.present import EMPTY_BAND_TEXT, out_of_text, uncounted_note


def format_summary(report: Report) -> str:
    """Return the report as a few short, aligned sections."""
    representation = report.representation
    cancelled = sum(1 for meeting in report.cancelled if meeting.date <= report.report_date)
    cancelled_text = f", {cancelled} cancelled" if cancelled else ""
    lines = [
        f"CIP-CCG status update as of {long_date(report.report_date)} "
        f"({report.meetings_held} meetings held{cancelled_text}, source {report.source_name})",
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
                shorter = out_of_text(member, report.meetings_held)
                lines.append(
                    f"      {member.group:<24} {member.attended:>3}/{member.held:<3} "
                    f"{percent(member.rate):>5}" + (f"  {shorter}" if shorter else "")
                )
    since = dict(report.represented_since)
    lines += [f"  {uncounted_note(group, since.get(group))}" for group in report.uncounted]
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
