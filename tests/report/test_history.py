"""History: the updates of a folder, one per report date, oldest first."""

from __future__ import annotations

import dataclasses
import datetime as dt

from cipdocs.report.history import (
    compute_history,
    format_history,
    history_as_json,
    median_participation,
)
from cipdocs.report.model import Report


def dated(report: Report, day: int) -> Report:
    return dataclasses.replace(report, report_date=dt.date(2024, 8, day))


def test_one_entry_per_date_oldest_first(sample_report: Report) -> None:
    entries = compute_history(
        [
            ("b.pptx", dated(sample_report, 30)),
            ("a.docx", dated(sample_report, 2)),
            ("a.docx x", dated(sample_report, 30)),
        ]
    )
    assert [(entry.report_date.day, entry.files) for entry in entries] == [
        (2, ("a.docx",)),
        (30, ("a.docx x", "b.pptx")),
    ]


def test_median_participation(sample_report: Report) -> None:
    assert median_participation(sample_report) == 76
    assert median_participation(dataclasses.replace(sample_report, participation=())) is None


def test_history_json_and_text(sample_report: Report) -> None:
    entries = compute_history([("x.pptx", sample_report)])
    assert history_as_json(entries) == [
        {
            "report_date": "2024-08-30",
            "files": ["x.pptx"],
            "statuses": {"Completed": 8, "In progress": 5, "Under discussion": 6, "Not started": 0},
            "groups_total": 22,
            "groups_represented": 21,
            "meetings_held": 13,
            "median_participation": 76,
        }
    ]
    assert format_history(entries).splitlines() == [
        "2024-08-30  x.pptx",
        "  Statuses: Completed 8, In progress 5, Under discussion 6, Not started 0",
        "  Representation: 21 of 22 groups; meetings held: 13; median participation: 76%",
    ]
