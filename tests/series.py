"""A series of three updates a few weeks apart, built from the sample with planted moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from tests.conftest import SAMPLE_WORKBOOK


@dataclass(frozen=True)
class Planted:
    """What one workbook changes in the sample."""

    report_date: dt.date
    groups: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """Group -> (Representative, Framework status); None keeps the sample's cell, "" blanks it."""
    attendance: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(group, meeting) -> mark."""
    everyone: Mapping[str, str] = field(default_factory=dict)
    """Meeting -> the mark every group's row gets (before `attendance`)."""
    milestones: Mapping[int, str | None] = field(default_factory=dict)
    """Milestone number (1, 2, …) -> status."""
    roadmap: Mapping[int, str | None] = field(default_factory=dict)
    """Phase number -> status."""
    new_groups: Sequence[tuple[str, str, str | None]] = ()


def write_variant(planted: Planted, path: Path) -> Path:
    """Write the sample workbook with `planted`'s changes to `path`."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    book["Settings"]["B2"].value = dt.datetime.combine(planted.report_date, dt.time())
    groups = book["Groups"]
    for row in groups.iter_rows(min_row=2):
        representative, status = planted.groups.get(str(row[0].value), (None, None))
        if representative is not None:
            row[1].value = representative
        if status is not None:
            row[2].value = status or None
    for name, representative, status in planted.new_groups:
        groups.append([name, representative, status])
    attendance = book["Attendance"]
    header = [cell.value for cell in attendance[1]]
    for row in attendance.iter_rows(min_row=2):
        for meeting, mark in planted.everyone.items():
            row[header.index(meeting)].value = mark
        for (group, meeting), mark in planted.attendance.items():
            if row[0].value == group:
                row[header.index(meeting)].value = mark
    for number, status in planted.milestones.items():
        book["Milestones"].cell(number + 1, 2).value = status
    for number, status in planted.roadmap.items():
        book["Roadmap"].cell(number + 1, 4).value = status
    book.save(path)
    return path


# 21 Aug 2024: two weeks before the sample; SSAC's framework still in progress, GNSO CSG without
# a representative, GAC at 11 of 13 (80%-99%), the fourth milestone without a status.
FIRST = Planted(
    dt.date(2024, 8, 21),
    groups={"SSAC": (None, "In progress"), "GNSO CSG": ("No", None)},
    attendance={("GAC", "#03"): "Y", ("GAC", "#06"): "Y"},
    milestones={4: None},
)
# 30 Aug 2024: the sample as it is.
SECOND = Planted(dt.date(2024, 8, 30))
# 20 Sep 2024: meeting #14 held and attended by all; GNSO RrSG completed; ASO appointed a
# representative; a new group TLG; SSAC's #03 corrected to attended (12 of 14: 80%-99%); the
# public comment phase started.
THIRD = Planted(
    dt.date(2024, 9, 20),
    groups={"GNSO RrSG": (None, "Completed"), "ASO": ("Yes", None)},
    everyone={"#14": "Y"},
    attendance={("SSAC", "#03"): "Y"},
    roadmap={2: "In progress"},
    new_groups=[("TLG", "Yes", "Not started")],
)
SERIES = (FIRST, SECOND, THIRD)

EXPECTED_SECOND = {
    "since": "2024-08-21",
    "meetings_held_since": 0,
    "status_changes": [{"group": "SSAC", "from": "In progress", "to": "Completed"}],
    "groups_added": [],
    "groups_removed": [],
    "represented": {"gained": ["GNSO CSG"], "lost": []},
    "band_changes": [{"group": "GAC", "from": "80%-99%", "to": "60%-79%"}],
    "milestone_changes": [
        {
            "milestone": "Formulating a CIP Framework, to be used by each SO, AC, and NomCom",
            "from": "",
            "to": "In Progress",
        }
    ],
    "roadmap_changes": [],
    "milestones_reworded": [],
    "roadmap_renamed": [],
    "roadmap_redated": [],
    "meetings_cancelled": [],
    "represented_since": [],
}
"""The planted moves from FIRST to SECOND, in the documented JSON shape."""
EXPECTED_THIRD = {
    "since": "2024-08-30",
    "meetings_held_since": 1,
    "status_changes": [{"group": "GNSO RrSG", "from": "In progress", "to": "Completed"}],
    "groups_added": ["TLG"],
    "groups_removed": [],
    "represented": {"gained": ["ASO"], "lost": []},
    "band_changes": [{"group": "SSAC", "from": "60%-79%", "to": "80%-99%"}],
    "milestone_changes": [],
    "roadmap_changes": [
        {"phase": "Public comment on the CIP Framework", "from": "Planned", "to": "In progress"}
    ],
    "milestones_reworded": [],
    "roadmap_renamed": [],
    "roadmap_redated": [],
    "meetings_cancelled": [],
    "represented_since": [],
}
"""The planted moves from SECOND to THIRD."""


def write_series(folder: Path) -> list[Path]:
    """Write the three workbooks into `folder` and return their paths, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_variant(planted, folder / f"cip-ccg {planted.report_date.isoformat()}.xlsx")
        for planted in SERIES
    ]
