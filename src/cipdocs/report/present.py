"""The report as people read it: the values templates see (formats.py words the dates,
percentages and lists; present_changes.py what changed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields

from cipdocs import __version__
from cipdocs.report.changes import NO_CHANGES, Changes
from cipdocs.report.formats import join_names, percent, plural, short_date
from cipdocs.report.history import HistoryEntry, median_participation
from cipdocs.report.model import Band, Participation, Report, StatusRow
from cipdocs.report.present_changes import ChangesView, present_changes

SHEETS_USED = (
    "Settings",
    "Groups",
    "Statuses",
    "Meetings",
    "Attendance",
    "Bands",
    "Milestones",
    "Roadmap",
)

# Green to red in display order, distinguishable in grey-scale print as well; a band's own
# `Colour` cell in the workbook wins over this.
DEFAULT_BAND_COLOURS = ("2E7D32", "7CB342", "F9A825", "EF6C00", "C62828", "6A1B9A", "455A64")

EMPTY_BAND_TEXT = "N/A"

# Words, not colour alone, so a screen reader says why a group is marked in the status table.
MOVED_IN_MARKER = "(moved in)"
NEW_GROUP_MARKER = "(new)"


@dataclass(frozen=True)
class StatusView:
    """A row of the status table as templates see it."""

    status: str
    label: str
    groups: list[str]
    groups_text: str
    """The groups joined by ``, ``; empty when none."""
    count: int
    moved_in: list[str]
    """Groups that moved into this row since the last update, or are new since."""
    groups_marked_text: str
    """`groups_text` with ``(moved in)`` or ``(new)`` after those groups."""


@dataclass(frozen=True)
class BandView:
    """A row of the participation table as templates see it."""

    band: str
    low: int
    high: int
    colour: str
    """``RRGGBB``, from the workbook or the default palette."""
    groups: list[str]
    groups_text: str
    """The groups joined by ``, ``; ``N/A`` when the band is empty."""
    groups_marked_text: str = ""
    """`groups_text` with ``*`` after each group whose rate is out of fewer meetings."""


@dataclass(frozen=True)
class ParticipationView:
    """One group's participation as templates see it."""

    group: str
    attended: int
    held: int
    rate: int
    rate_text: str
    """``92%``."""
    band: str
    colour: str
    out_of_text: str = ""
    """``2 of 3 meetings since 4 Sep 2024`` when the rate is out of fewer meetings than were
    held (represented since, or meetings marked not expected); empty otherwise."""
    note: str = ""
    """The same with the group's name: ``ASO: 2 of 3 meetings since 4 Sep 2024``."""


@dataclass(frozen=True)
class MilestoneView:
    """A milestone as templates see it."""

    number: int
    milestone: str
    status: str
    """Empty when the workbook leaves it blank."""


@dataclass(frozen=True)
class PhaseView:
    """A roadmap phase as templates and the timeline see it."""

    phase: str
    start: dt.date
    end: dt.date
    status: str


@dataclass(frozen=True)
class SourceView:
    """Where the figures come from, for speaker notes and document properties."""

    workbook: str
    sheets: list[str]
    generator: str
    """``cipdocs 0.1.0``."""


@dataclass(frozen=True)
class HistoryPointView:
    """One update of the series, for a chart of the figures over time."""

    report_date: dt.date
    label: str
    """The report date as ``30 Aug 2024``, for a chart's categories."""
    counts: dict[str, int]
    """Groups per status name: ``point.counts['Completed']``."""
    groups_represented: int
    groups_total: int
    meetings_held: int
    median_participation: float | None
    """The median participation rate (a whole or half percentage); None with an empty table."""

    def count(self, status: str) -> int:
        """Return how many groups had `status` (a status name) then; 0 for a status not used."""
        return self.counts.get(status, 0)


@dataclass(frozen=True)
class PresentedReport:
    """Everything a template may use; the same object feeds the deck and the Word update."""

    report_date: dt.date
    report_year: int
    meetings_held: int
    groups_total: int
    groups_represented: int
    unrepresented: list[str]
    statuses: list[StatusView]
    bands: list[BandView]
    participation: list[ParticipationView]
    """In `Groups` order."""
    participation_by_band: list[ParticipationView]
    """In the participation table's order: by band, then `Groups` order; the chart uses this."""
    participation_notes: list[str]
    """One line per group whose rate is out of fewer meetings than were held, or that has no
    meeting to count yet: ``ASO: 2 of 3 meetings since 4 Sep 2024``; empty when none."""
    milestones: list[MilestoneView]
    roadmap: list[PhaseView]
    source: SourceView
    cipdocs_version: str
    changes: ChangesView
    history: list[HistoryPointView]
    """The updates found in the output folder dated before this one, oldest first, then this."""

    def as_template_context(self) -> dict[str, object]:
        """Return the top-level names templates see."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True)
class DocumentProperties:
    """The core properties both documents carry; fixed, so two runs write the same bytes."""

    author: str
    comments: str
    stamp: dt.datetime
    title: str
    """The update's title, ``CIP-CCG Status Update 30 Aug 2024``: the deck's and its PDF's."""
    """Created and modified: the report date at midnight, not the time of the run."""


def document_properties(report: PresentedReport) -> DocumentProperties:
    """Return the core properties for the documents of `report`."""
    return DocumentProperties(
        author="cipdocs",
        comments=(
            f"Generated by {report.source.generator} from {report.source.workbook}, "
            f"as of {short_date(report.report_date)}"
        ),
        stamp=dt.datetime.combine(report.report_date, dt.time()),
        title=f"CIP-CCG Status Update {short_date(report.report_date)}",
    )


def band_colour(band: Band, bands: Sequence[Band]) -> str:
    """Return the band's own colour, or its place in the default palette."""
    if band.colour:
        return band.colour
    return DEFAULT_BAND_COLOURS[bands.index(band) % len(DEFAULT_BAND_COLOURS)]


SHORTER_MARKER = "*"
"""After a group's name in the band table when its rate is out of fewer meetings (its note
names it)."""


def out_of_text(row: Participation, meetings_held: int) -> str:
    """Return ``2 of 3 meetings since 4 Sep 2024 (1 not expected)`` for a rate out of fewer
    meetings than `meetings_held`, or '' for one out of them all."""
    if row.held >= meetings_held:
        return ""
    since = f" since {short_date(row.since)}" if row.since else ""
    not_expected = f" ({row.not_expected} not expected)" if row.not_expected else ""
    return f"{row.attended} of {row.held} {plural(row.held, 'meeting')}{since}{not_expected}"


def uncounted_note(group: str, since: dt.date | None) -> str:
    """Return the note for a group with no meeting to count yet."""
    if since is not None:
        return f"{group}: no meetings held since {short_date(since)} yet, so no rate"
    return f"{group}: every meeting held is marked not expected, so no rate"


def _participation_view(
    row: Participation, bands: Sequence[Band], meetings_held: int = 0
) -> ParticipationView:
    shorter = out_of_text(row, meetings_held)
    return ParticipationView(
        group=row.group,
        attended=row.attended,
        held=row.held,
        rate=row.rate,
        rate_text=percent(row.rate),
        band=row.band.name,
        colour=band_colour(row.band, bands),
        out_of_text=shorter,
        note=f"{row.group}: {shorter}" if shorter else "",
    )


def present_report(
    report: Report,
    changes: Changes = NO_CHANGES,
    previous_file: str = "",
    earlier: Sequence[HistoryEntry] = (),
) -> PresentedReport:
    """Return the report in the words and formats the documents use.

    `changes` are those since the previous update, read from `previous_file`; `earlier` are
    the updates before this one, oldest first, for the history."""
    bands = [row.band for row in report.bands]
    by_group = {
        row.group: _participation_view(row, bands, report.meetings_held)
        for row in report.participation
    }
    since = dict(report.represented_since)
    return PresentedReport(
        report_date=report.report_date,
        report_year=report.report_date.year,
        meetings_held=report.meetings_held,
        groups_total=report.representation.total,
        groups_represented=report.representation.represented,
        unrepresented=list(report.representation.unrepresented),
        statuses=[_status_view(row, changes) for row in report.statuses],
        bands=[
            BandView(
                row.band.name,
                row.band.low,
                row.band.high,
                band_colour(row.band, bands),
                list(row.groups),
                join_names(row.groups, empty=EMPTY_BAND_TEXT),
                join_names(
                    (f"{name}{SHORTER_MARKER}" if by_group[name].note else name)
                    for name in row.groups
                )
                or EMPTY_BAND_TEXT,
            )
            for row in report.bands
        ],
        participation=list(by_group.values()),
        participation_by_band=[by_group[name] for row in report.bands for name in row.groups],
        participation_notes=[view.note for view in by_group.values() if view.note]
        + [uncounted_note(group, since.get(group)) for group in report.uncounted],
        milestones=[
            MilestoneView(number, milestone.text, milestone.status or "")
            for number, milestone in enumerate(report.milestones, start=1)
        ],
        roadmap=[
            PhaseView(phase.phase, phase.start, phase.end, phase.status or "")
            for phase in report.roadmap
        ],
        source=SourceView(report.source_name, list(SHEETS_USED), f"cipdocs {__version__}"),
        cipdocs_version=__version__,
        changes=present_changes(changes, previous_file),
        history=[_history_point(entry.report) for entry in earlier] + [_history_point(report)],
    )


def _history_point(report: Report) -> HistoryPointView:
    return HistoryPointView(
        report_date=report.report_date,
        label=short_date(report.report_date),
        counts={row.status.name: row.count for row in report.statuses},
        groups_represented=report.representation.represented,
        groups_total=report.representation.total,
        meetings_held=report.meetings_held,
        median_participation=median_participation(report),
    )


def _status_view(row: StatusRow, changes: Changes) -> StatusView:
    moved = {move.item for move in changes.status_changes if move.after == row.status.name}
    added = set(changes.groups_added)

    def marked(group: str) -> str:
        if group in moved:
            return f"{group} {MOVED_IN_MARKER}"
        return f"{group} {NEW_GROUP_MARKER}" if group in added else group

    return StatusView(
        row.status.name,
        row.status.label,
        list(row.groups),
        join_names(row.groups),
        row.count,
        [group for group in row.groups if group in moved or group in added],
        join_names(marked(group) for group in row.groups),
    )
