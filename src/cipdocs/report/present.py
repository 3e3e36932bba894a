"""The report as people read it: formatted dates, joined lists and the values templates see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from cipdocs import __version__
from cipdocs.report.model import Band, Participation, Report

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


def short_date(value: dt.date) -> str:
    """Return `value` day-first with a short month and no leading zero: ``30 Aug 2024``."""
    return f"{value.day} {value:%b %Y}"


def long_date(value: dt.date) -> str:
    """Return `value` day-first with the month in full and no leading zero: ``8 January 2024``."""
    return f"{value.day} {value:%B %Y}"


def month_year(value: dt.date) -> str:
    """Return the month and year of `value`: ``Aug 2024``."""
    return f"{value:%b %Y}"


def iso_date(value: dt.date) -> str:
    """Return `value` as ``2024-08-30``."""
    return value.isoformat()


def percent(value: int) -> str:
    """Return a whole percentage as ``92%``."""
    return f"{value}%"


def join_names(names: Iterable[str], separator: str = ", ", empty: str = "") -> str:
    """Return `names` joined by `separator`, or `empty` when there are none."""
    joined = separator.join(names)
    return joined if joined else empty


def and_list(names: Sequence[str], article: str = "") -> str:
    """Return ``the ASO``, ``the ASO and the GAC`` or ``A, B and C``, each name after `article`."""
    prefixed = [f"{article} {name}" if article else name for name in names]
    if len(prefixed) <= 1:
        return "".join(prefixed)
    return f"{', '.join(prefixed[:-1])} and {prefixed[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return `singular` when `count` is 1, otherwise `plural_form` (default: singular + s)."""
    if count == 1:
        return singular
    return plural_form if plural_form is not None else f"{singular}s"


@dataclass(frozen=True)
class StatusView:
    """A row of the status table as templates see it."""

    status: str
    label: str
    groups: list[str]
    groups_text: str
    """The groups joined by ``, ``; empty when none."""
    count: int


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
    milestones: list[MilestoneView]
    roadmap: list[PhaseView]
    source: SourceView
    cipdocs_version: str

    def as_template_context(self) -> dict[str, object]:
        """Return the top-level names templates see."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True)
class DocumentProperties:
    """The core properties both documents carry; fixed, so two runs write the same bytes."""

    author: str
    comments: str
    stamp: dt.datetime
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
    )


def band_colour(band: Band, bands: Sequence[Band]) -> str:
    """Return the band's own colour, or its place in the default palette."""
    if band.colour:
        return band.colour
    return DEFAULT_BAND_COLOURS[bands.index(band) % len(DEFAULT_BAND_COLOURS)]


def _participation_view(row: Participation, bands: Sequence[Band]) -> ParticipationView:
    return ParticipationView(
        group=row.group,
        attended=row.attended,
        held=row.held,
        rate=row.rate,
        rate_text=percent(row.rate),
        band=row.band.name,
        colour=band_colour(row.band, bands),
    )


def present_report(report: Report) -> PresentedReport:
    """Return the report in the words and formats the documents use."""
    bands = [row.band for row in report.bands]
    by_group = {row.group: _participation_view(row, bands) for row in report.participation}
    return PresentedReport(
        report_date=report.report_date,
        report_year=report.report_date.year,
        meetings_held=report.meetings_held,
        groups_total=report.representation.total,
        groups_represented=report.representation.represented,
        unrepresented=list(report.representation.unrepresented),
        statuses=[
            StatusView(
                row.status.name,
                row.status.label,
                list(row.groups),
                join_names(row.groups),
                row.count,
            )
            for row in report.statuses
        ],
        bands=[
            BandView(
                row.band.name,
                row.band.low,
                row.band.high,
                band_colour(row.band, bands),
                list(row.groups),
                join_names(row.groups, empty=EMPTY_BAND_TEXT),
            )
            for row in report.bands
        ],
        participation=list(by_group.values()),
        participation_by_band=[by_group[name] for row in report.bands for name in row.groups],
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
    )


def report_as_json(report: Report) -> dict[str, object]:
    """Return the report in the documented `cipdocs summary --json` shape."""
    return {
        "report_date": report.report_date.isoformat(),
        "meetings_held": report.meetings_held,
        "groups_total": report.representation.total,
        "groups_represented": report.representation.represented,
        "unrepresented": list(report.representation.unrepresented),
        "statuses": [
            {
                "status": row.status.name,
                "label": row.status.label,
                "groups": list(row.groups),
                "count": row.count,
            }
            for row in report.statuses
        ],
        "bands": [{"band": row.band.name, "groups": list(row.groups)} for row in report.bands],
        "participation": [
            {
                "group": row.group,
                "attended": row.attended,
                "held": row.held,
                "rate": row.rate,
                "band": row.band.name,
            }
            for row in report.participation
        ],
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
