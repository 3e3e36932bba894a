"""Changes: what moved between two reports, as pure functions over literal reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from cipdocs.report.changes import (
    NO_CHANGES,
    Move,
    changes_as_json,
    compute_changes,
    compute_moves,
)
from cipdocs.report.compute import compute_report
from cipdocs.report.model import (
    AttendanceRecord,
    Band,
    Group,
    Meeting,
    Milestone,
    Report,
    RoadmapPhase,
    Status,
    WorkbookData,
)
from cipdocs.report.present_changes import present_changes

STATUSES = (Status("Done", "Done (label)"), Status("Open", "Open (label)"))
BANDS = (Band("High", 50, 100), Band("Low", 0, 49))
MEETINGS = tuple(Meeting(f"M{n}", dt.date(2024, n, 1)) for n in range(1, 7))


def report(
    date: dt.date,
    groups: Sequence[tuple[str, bool, str | None]],
    attended: dict[str, Sequence[str]],
    milestones: Sequence[tuple[str, str | None]] = (),
    roadmap: Sequence[tuple[str, str | None]] = (),
) -> Report:
    """Return the report of a small workbook: `attended` maps a group to its meetings."""
    return compute_report(
        WorkbookData(
            source_name="book.xlsx",
            report_date=date,
            groups=tuple(Group(*group) for group in groups),
            statuses=STATUSES,
            meetings=MEETINGS,
            attendance=tuple(
                AttendanceRecord(group, frozenset(meetings), f"Attendance!A{row}")
                for row, (group, meetings) in enumerate(attended.items(), start=2)
            ),
            bands=BANDS,
            milestones=tuple(Milestone(*milestone) for milestone in milestones),
            roadmap=tuple(
                RoadmapPhase(phase, dt.date(2024, 1, 1), dt.date(2024, 12, 31), status)
                for phase, status in roadmap
            ),
        )
    )


MARCH = dt.date(2024, 3, 15)
MAY = dt.date(2024, 5, 15)
BEFORE = report(
    MARCH,
    [("A", True, "Open"), ("B", False, None), ("C", True, "Done"), ("Old", True, "Open")],
    {"A": ["M1"], "C": ["M1", "M2", "M3"], "Old": ["M1"]},
    milestones=[("Agree", None), ("Draft", "Started")],
    roadmap=[("Build", "Planned"), ("Test", "Planned")],
)
AFTER = report(
    MAY,
    [("A", True, "Done"), ("B", True, "Open"), ("C", True, "Done"), ("New", True, "Open")],
    {"A": ["M1", "M4", "M5"], "C": ["M1", "M2", "M3", "M4", "M5"], "New": ["M5"]},
    milestones=[("Agree", "Done"), ("Draft", "Started"), ("Publish", None)],
    roadmap=[("Build", "In progress"), ("Test", "Planned")],
)


def test_every_kind_of_move_between_two_reports() -> None:
    assert changes_as_json(compute_changes(BEFORE, AFTER)) == {
        "since": "2024-03-15",
        "meetings_held_since": 2,
        "status_changes": [
            {"group": "A", "from": "Open", "to": "Done"},
            {"group": "B", "from": None, "to": "Open"},
        ],
        "groups_added": ["New"],
        "groups_removed": ["Old"],
        "represented": {"gained": ["B"], "lost": []},
        # A went from 1 of 3 (33%) to 3 of 5 (60%); New is new to the table; C stayed High.
        "band_changes": [
            {"group": "A", "from": "Low", "to": "High"},
            {"group": "New", "from": None, "to": "Low"},
        ],
        "milestone_changes": [
            {"milestone": "Agree", "from": "", "to": "Done"},
            {"milestone": "Publish", "from": None, "to": ""},
        ],
        "roadmap_changes": [{"phase": "Build", "from": "Planned", "to": "In progress"}],
        "milestones_reworded": [],
        "roadmap_renamed": [],
        "roadmap_redated": [],
        "meetings_cancelled": [],
        "represented_since": [],
    }


def plan(
    date: dt.date,
    milestones: Sequence[tuple[str, str | None]],
    roadmap: Sequence[RoadmapPhase],
    meetings: Sequence[Meeting] = MEETINGS,
    since: dt.date | None = None,
) -> Report:
    """Return the report of a workbook with one group, A (represented since `since`)."""
    return compute_report(
        WorkbookData(
            source_name="book.xlsx",
            report_date=date,
            groups=(Group("A", True, "Open", True, since),),
            statuses=STATUSES,
            meetings=tuple(meetings),
            attendance=(AttendanceRecord("A", frozenset({"M4"}), "Attendance!A2"),),
            bands=BANDS,
            milestones=tuple(Milestone(*milestone) for milestone in milestones),
            roadmap=tuple(roadmap),
        )
    )


NOV, JAN, DEC, FEB = (
    dt.date(*day) for day in ((2024, 11, 1), (2025, 1, 31), (2024, 12, 1), (2025, 2, 28))
)


def test_roadmap_milestones_cancelled_meetings_and_represented_since_changes() -> None:
    before = plan(
        MARCH,
        [("Agree on the method", None), ("Draft the framework", "Started"), ("Retire", None)],
        [
            RoadmapPhase("Public comment", NOV, JAN, "Planned"),
            RoadmapPhase("Pilot", DEC, FEB, "Planned"),
            RoadmapPhase("Gone", NOV, FEB, "Planned"),
        ],
    )
    # M5 (1 May) was planned at the March update and is cancelled now, its column left empty;
    # M6 (1 Jun) too, after this report date: still cancelled since the last update.
    meetings = (
        *MEETINGS[:4],
        Meeting("M5", dt.date(2024, 5, 1), True),
        Meeting("M6", dt.date(2024, 6, 1), True),
    )
    after = plan(
        MAY,
        [("Agree on the methods", "Done"), ("Draft the framework", "Done"), ("Publish", None)],
        [
            RoadmapPhase("Public comment", DEC, FEB, "Planned"),
            RoadmapPhase("Pilot phase", DEC, FEB, "In progress"),
            RoadmapPhase("Assess", JAN, FEB, None),
        ],
        meetings,
        since=dt.date(2024, 4, 1),
    )
    figures = changes_as_json(compute_changes(before, after))
    assert figures["meetings_held_since"] == 1  # M4; M5 is cancelled
    assert figures["milestones_reworded"] == [
        {
            "milestone": "Agree on the methods",
            "before": "Agree on the method",
            "after": "Agree on the methods",
        },
        # The third of three, replaced in its place: reworded too.
        {"milestone": "Publish", "before": "Retire", "after": "Publish"},
    ]
    assert figures["milestone_changes"] == [
        {"milestone": "Agree on the methods", "from": "", "to": "Done"},
        {"milestone": "Draft the framework", "from": "Started", "to": "Done"},
    ]
    assert figures["roadmap_renamed"] == [
        {"phase": "Pilot phase", "before": "Pilot", "after": "Pilot phase"},
    ]
    assert figures["roadmap_redated"] == [
        {
            "phase": "Public comment",
            "before": {"start": "2024-11-01", "end": "2025-01-31"},
            "after": {"start": "2024-12-01", "end": "2025-02-28"},
        }
    ]
    assert figures["roadmap_changes"] == [
        {"phase": "Pilot phase", "from": "Planned", "to": "In progress"},
        {"phase": "Assess", "from": None, "to": ""},
        {"phase": "Gone", "from": "Planned", "to": None},
    ]
    assert figures["meetings_cancelled"] == [
        {"meeting": "M5", "date": "2024-05-01", "before": "planned", "after": "cancelled"},
        {"meeting": "M6", "date": "2024-06-01", "before": "planned", "after": "cancelled"},
    ]
    assert figures["represented_since"] == [{"group": "A", "before": None, "after": "2024-04-01"}]
    lines = present_changes(compute_changes(before, after)).lines
    assert lines == [
        "A, represented since: not set → 1 Apr 2024",
        # 0 of M1-M3 in March; in May, only M4 counts for A (since 1 Apr): 1 of 1.
        "Participation band, A: Low → High",
        "Meetings cancelled: M5 (1 May 2024), M6 (1 Jun 2024)",
        "Milestone reworded: “Agree on the method” → “Agree on the methods”",
        "Milestone reworded: “Retire” → “Publish”",
        "Milestone “Agree on the methods”: no status → Done",
        "Milestone “Draft the framework”: Started → Done",
        "Roadmap phase renamed: Pilot → Pilot phase",
        "Roadmap phase re-dated, Public comment: 1 Nov 2024 to 31 Jan 2025 → 1 Dec 2024 to 28 Feb 2025",
        "Roadmap phase Pilot phase: Planned → In progress",
        "Roadmap phase Assess: not listed → no status",
        "Roadmap phase Gone: Planned → not listed",
    ]


def test_a_meeting_cancelled_at_both_updates_or_held_then_is_told_once() -> None:
    cancelled_then = (*MEETINGS[:4], Meeting("M5", dt.date(2024, 5, 1), True))
    before = plan(MAY, [], [], cancelled_then)
    assert (
        compute_changes(
            before, plan(dt.date(2024, 7, 1), [], [], cancelled_then)
        ).meetings_cancelled
        == ()
    )
    # Held at the last update (marks and all), cancelled now: a correction, told as one.
    held_then = plan(MARCH, [], [], MEETINGS[:4])
    now = plan(MAY, [], [], (*MEETINGS[:2], Meeting("M3", dt.date(2024, 3, 1), True), MEETINGS[3]))
    assert [(m.meeting, m.before) for m in compute_changes(held_then, now).meetings_cancelled] == [
        ("M3", "held")
    ]


def test_the_reverse_comparison_loses_what_the_forward_one_gained() -> None:
    changes = compute_changes(AFTER, BEFORE)
    assert (changes.groups_added, changes.groups_removed) == (("Old",), ("New",))
    assert changes.represented_lost == ("B",)
    assert changes.meetings_held_since == 0  # never negative
    assert Move("Publish", "", None) in changes.milestone_changes


def test_a_renamed_group_is_removed_and_added() -> None:
    renamed = report(MAY, [("A2", True, "Open")], {"A2": ["M1"]})
    original = report(MARCH, [("A", True, "Open")], {"A": ["M1"]})
    changes = compute_changes(original, renamed)
    assert (changes.groups_added, changes.groups_removed) == (("A2",), ("A",))
    assert changes.status_changes == ()
    assert changes.band_changes == (Move("A2", None, "Low"),)


def test_a_group_leaving_the_participation_table_moves_to_none() -> None:
    before = report(MARCH, [("A", True, "Open")], {"A": ["M1"]})
    after = report(MAY, [("A", True, "Open")], {})
    assert compute_changes(before, after).band_changes == (Move("A", "Low", None),)


def test_no_previous_report_is_no_changes() -> None:
    assert compute_changes(None, AFTER) is NO_CHANGES
    assert changes_as_json(NO_CHANGES)["since"] is None
    assert not NO_CHANGES.any


def test_the_same_report_twice_has_nothing_moved() -> None:
    changes = compute_changes(BEFORE, BEFORE)
    assert changes.since == MARCH
    assert not changes.any


@pytest.mark.parametrize(
    ("before", "after", "new_or_gone", "expected"),
    [
        ({"x": "1"}, {"x": "1"}, False, []),
        ({"x": "1"}, {"x": "2"}, False, [Move("x", "1", "2")]),
        ({"x": None}, {"x": "2"}, False, [Move("x", None, "2")]),
        ({}, {"x": "2"}, False, []),
        ({}, {"x": "2"}, True, [Move("x", None, "2")]),
        ({"x": "1"}, {}, True, [Move("x", "1", None)]),
        ({}, {}, True, []),
    ],
)
def test_compute_moves(
    before: dict[str, str | None],
    after: dict[str, str | None],
    new_or_gone: bool,
    expected: list[Move],
) -> None:
    assert list(compute_moves(before, after, ["x"], new_or_gone=new_or_gone)) == expected
