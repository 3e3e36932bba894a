"""What changed since the last update, in words."""

from __future__ import annotations

import datetime as dt

from cipdocs.report.changes import NO_CHANGES, Changes, Move, compute_changes
from cipdocs.report.model import Report
from cipdocs.report.present_changes import present_changes


def test_changes_in_words() -> None:
    changes = Changes(
        since=dt.date(2024, 8, 2),
        meetings_held_since=2,
        status_changes=(Move("GNSO RrSG", "In progress", "Completed"), Move("X", None, "Open")),
        groups_added=("TLG",),
        groups_removed=("Old", "Older"),
        represented_gained=("ASO",),
        represented_lost=("GAC",),
        band_changes=(Move("SSAC", "60%-79%", "80%-99%"), Move("TLG", None, "100%")),
        milestone_changes=(Move("Agree", "", "Done"),),
        roadmap_changes=(Move("Build", "Planned", None),),
    )
    view = present_changes(changes, "CIP-CCG Status Update 2024-08-02.pptx")
    assert view.lines == [
        "GNSO RrSG: framework status In progress → Completed",
        "X: framework status not tracked → Open",
        "New group: TLG",
        "Groups removed: Old, Older",
        "ASO appointed a representative",
        "GAC no longer has a representative",
        "Participation band, SSAC: 60%-79% → 80%-99%",
        "Participation band, TLG: not in the table → 100%",
        "Milestone “Agree”: no status → Done",
        "Roadmap phase Build: Planned → not listed",
    ]
    assert view.status_changes[1].before == "" and view.status_changes[1].after == "Open"
    assert view.previous_file == "CIP-CCG Status Update 2024-08-02.pptx"
    assert view.any


def test_no_previous_update_has_no_lines_and_nothing_moved_says_so(sample_report: Report) -> None:
    assert present_changes(NO_CHANGES).lines == []
    same = compute_changes(sample_report, sample_report)
    assert present_changes(same).lines == [
        "No framework status, representation, participation band, milestone or roadmap changes."
    ]
