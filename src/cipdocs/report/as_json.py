"""The report as the documented `cipdocs summary --json` figures (and the documents' record)."""

from __future__ import annotations

from cipdocs.report.model import Report


def report_as_json(report: Report) -> dict[str, object]:
    """Return the report in the documented `cipdocs summary --json` shape."""
    return {
        "workbook": report.source_name,
        "report_date": report.report_date.isoformat(),
        "meetings_held": report.meetings_held,
        "groups_total": report.representation.total,
        "groups_represented": report.representation.represented,
        "unrepresented": list(report.representation.unrepresented),
        "groups": list(report.representation.groups),
        "statuses": [
            {
                "status": row.status.name,
                "label": row.status.label,
                "groups": list(row.groups),
                "count": row.count,
            }
            for row in report.statuses
        ],
        "bands": [
            {
                "band": row.band.name,
                "low": row.band.low,
                "high": row.band.high,
                "colour": row.band.colour,
                "groups": list(row.groups),
            }
            for row in report.bands
        ],
        "participation": [
            {
                "group": row.group,
                "attended": row.attended,
                "held": row.held,
                "rate": row.rate,
                "band": row.band.name,
                "since": row.since.isoformat() if row.since else None,
                "not_expected": row.not_expected,
            }
            for row in report.participation
        ],
        "uncounted": list(report.uncounted),
        "meetings": [
            {
                "meeting": meeting.name,
                "date": meeting.date.isoformat(),
                "cancelled": meeting.cancelled,
            }
            for meeting in report.meetings
        ],
        "represented_since": {
            group: since.isoformat() for group, since in report.represented_since
        },
        "milestones": [
            {"milestone": milestone.text, "status": milestone.status or ""}
            for milestone in report.milestones
        ],
        "roadmap": [
            {
                "phase": phase.phase,
                "start": phase.start.isoformat(),
                "end": phase.end.isoformat(),
                "status": phase.status or "",
            }
            for phase in report.roadmap
        ],
    }
