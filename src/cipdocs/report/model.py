"""The validated workbook as frozen value objects, and the computed report."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    """A framework status category, from the `Statuses` sheet."""

    name: str
    """The key used in `Groups`, e.g. ``Completed``."""
    label: str
    """The wording the documents show, e.g. ``Completed Framework (with Consensus Call ...)``."""


@dataclass(frozen=True)
class Group:
    """An eligible community group, from the `Groups` sheet."""

    name: str
    """The short name shown, e.g. ``GNSO IPC``."""
    represented: bool
    """Whether the group appointed a CIP-CCG representative."""
    status: str | None
    """The `Status.name` of its framework, or None when not tracked in the status table."""
    tracked: bool = True
    """Whether its participation is tracked (`Participation tracked`; blank is Yes): a
    represented group that is not tracked needs no `Attendance` row."""
    represented_since: dt.date | None = None
    """`Represented since`: only meetings held on or after it count for the group; None (blank)
    counts every meeting."""


@dataclass(frozen=True)
class Meeting:
    """A CIP-CCG meeting, held or planned, from the `Meetings` sheet."""

    name: str
    date: dt.date
    cancelled: bool = False
    """`Cancelled` is Yes: the meeting is not held and counts for no group."""


@dataclass(frozen=True)
class AttendanceRecord:
    """One group's row of the `Attendance` sheet."""

    group: str
    """The `Group.name` (canonical spelling from `Groups`)."""
    attended: frozenset[str]
    """Names of the meetings the representative attended."""
    where: str
    """The row's first cell, e.g. ``Attendance!A5``, so later checks can point at it."""
    not_expected: frozenset[str] = frozenset()
    """Names of the meetings marked not expected (``n/a``, ``-``): left out of its count."""


class FigureKind(enum.Enum):
    """Which of a group's figures a column of the workbook's own sums states."""

    ATTENDED = "attended"
    HELD = "held"
    RATE = "rate"


@dataclass(frozen=True)
class StatedFigure:
    """A group's figure as the workbook's own sum column states it (a formula or a number)."""

    group: str
    """The `Group.name`."""
    kind: FigureKind
    where: str
    """The cell, e.g. ``Attendance!P9``."""
    value: float
    """A count, or a rate as a percentage (76 for a cell holding 0.76 shown as 76%)."""
    reasons: tuple[str, ...] = ()
    """What the workbook shows about a disagreement (a mark a COUNTIF of "Y" does not count)."""


@dataclass(frozen=True)
class Band:
    """A participation band, from the `Bands` sheet: an inclusive range of whole percentages."""

    name: str
    low: int
    high: int
    colour: str | None = None
    """An ``RRGGBB`` colour for charts, or None for the default palette."""

    def holds(self, rate: int) -> bool:
        """Return True when `rate` lies in this band's inclusive range."""
        return self.low <= rate <= self.high


@dataclass(frozen=True)
class Milestone:
    """A CIP-CCG task, from the `Milestones` sheet."""

    text: str
    status: str | None


@dataclass(frozen=True)
class RoadmapPhase:
    """A phase of the program roadmap, from the `Roadmap` sheet."""

    phase: str
    start: dt.date
    end: dt.date
    status: str | None


@dataclass(frozen=True)
class WorkbookData:
    """Everything the workbook says, validated."""

    source_name: str
    """The workbook's file name, quoted in speaker notes."""
    report_date: dt.date
    groups: tuple[Group, ...]
    statuses: tuple[Status, ...]
    meetings: tuple[Meeting, ...]
    attendance: tuple[AttendanceRecord, ...]
    bands: tuple[Band, ...]
    milestones: tuple[Milestone, ...]
    roadmap: tuple[RoadmapPhase, ...]
    stated: tuple[StatedFigure, ...] = ()
    """The figures the workbook's own `Attended`, `Held` and `Rate` columns state."""


@dataclass(frozen=True)
class StatusRow:
    """A row of the framework status table."""

    status: Status
    groups: tuple[str, ...]

    @property
    def count(self) -> int:
        """Return how many groups have this status."""
        return len(self.groups)


@dataclass(frozen=True)
class Representation:
    """How many eligible groups appointed a representative."""

    total: int
    represented: int
    unrepresented: tuple[str, ...]
    groups: tuple[str, ...] = ()
    """Every eligible group, in `Groups` order: what an update compares to find added groups."""


@dataclass(frozen=True)
class Participation:
    """One group's attendance over the meetings held, and its band."""

    group: str
    attended: int
    held: int
    rate: int
    """Percentage rounded down: 12 of 13 is 92, 199 of 200 is 99."""
    band: Band
    since: dt.date | None = None
    """The group's `Represented since`, when it leaves out meetings held before it."""
    not_expected: int = 0
    """Held meetings left out because the group's mark says it was not expected (``n/a``)."""


@dataclass(frozen=True)
class BandRow:
    """A row of the participation table: a band and its groups in `Groups` order."""

    band: Band
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """Every figure the documents show, computed from a `WorkbookData`."""

    source_name: str
    report_date: dt.date
    meetings_held: int
    statuses: tuple[StatusRow, ...]
    representation: Representation
    participation: tuple[Participation, ...]
    """In `Groups` order."""
    bands: tuple[BandRow, ...]
    milestones: tuple[Milestone, ...]
    roadmap: tuple[RoadmapPhase, ...]
    meetings: tuple[Meeting, ...] = ()
    """Every meeting of the `Meetings` sheet, held, planned or cancelled."""
    represented_since: tuple[tuple[str, dt.date], ...] = ()
    """(group, `Represented since`) for the groups that have one, in `Groups` order."""
    uncounted: tuple[str, ...] = ()
    """Tracked groups with no held meeting to count yet (represented since after them all, or
    every one marked not expected): not in the participation table."""

    @property
    def cancelled(self) -> tuple[Meeting, ...]:
        """Return the cancelled meetings."""
        return tuple(meeting for meeting in self.meetings if meeting.cancelled)
