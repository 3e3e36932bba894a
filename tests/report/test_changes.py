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
    }


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
