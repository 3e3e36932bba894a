"""Run cipdocs' steps in order: read, validate, compute, present, render. No click here."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import (
    CipdocsError,
    Issue,
    NewerUpdateError,
    PreviousUpdateError,
    TemplateProblemError,
)
from cipdocs.options import NO_PREVIOUS, DeckRequest, OutputFormat, Since
from cipdocs.report.changes import NO_CHANGES, Changes, compute_changes
from cipdocs.report.compute import compute_report
from cipdocs.report.history import HistoryEntry, compute_history
from cipdocs.report.model import Report
from cipdocs.report.present import PresentedReport, present_report, short_date
from cipdocs.templating import Placeholder
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import read_workbook

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadedReport:
    """The computed report and the warnings met on the way."""

    report: Report
    warnings: tuple[Issue, ...]


def load_report(workbook: Path) -> LoadedReport:
    """Return the report computed from the workbook at `workbook`; raise on any problem."""
    data, warnings = parse_workbook(read_workbook(workbook))
    return LoadedReport(compute_report(data), warnings)


def describe_workbook(workbook: Path) -> list[str]:
    """Return where each sheet's header row was found in the workbook (``Groups: header row 2``)."""
    from cipdocs.workbook.parse import describe_layout

    return describe_layout(read_workbook(workbook))


def output_stem(report: Report) -> str:
    """Return the documents' shared file name stem: ``CIP-CCG Status Update 2024-08-30``."""
    return f"CIP-CCG Status Update {report.report_date.isoformat()}"


def build_documents(
    request: DeckRequest,
    loaded: LoadedReport,
    progress: Progress,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Render the requested documents into the output folder and return their paths in order.

    Each document embeds the report (docs/cycle.md); `comparison` gives the changes since the
    previous update the documents show (none when not given).

    With both documents asked for, the Word update renders in a child process beside the deck
    (where the platform can fork and `request.parallel` allows): the two share nothing but the
    presented report, and a run takes about the time of the slower one.
    """
    from cipdocs.parallel import run_beside
    from cipdocs.render.files import prepare_output_dir
    from cipdocs.report.record import report_record

    comparison = comparison or Comparison(None, NO_CHANGES)
    presented = present_report(
        loaded.report, comparison.changes, comparison.previous_file, comparison.earlier
    )
    record = report_record(loaded.report)
    stem = output_stem(loaded.report)
    prepare_output_dir(request.output_dir)
    deck = update = None
    if request.output_format.includes(OutputFormat.PPTX):
        deck = request.output_dir / f"{stem}.pptx"
    if request.output_format.includes(OutputFormat.DOCX):
        update = request.output_dir / f"{stem}.docx"
    pending = None
    if update is not None:
        pending = run_beside(
            functools.partial(_render_update, presented, request.update_template, update, record),
            in_child=request.parallel and deck is not None,
        )
    slide_count = 0
    try:
        if deck is not None:
            from cipdocs.render.pptx import render_deck

            slide_count = render_deck(presented, request.deck_template, deck, record=record)
    except BaseException:
        if pending is not None:
            pending.wait(raise_error=False)
        raise
    if pending is not None:
        pending.wait()
    written = [path for path in (deck, update) if path is not None]
    if request.pdf or request.preview:
        written += convert_documents(request, stem, (deck, slide_count), update, progress)
    return written


def _render_update(
    presented: PresentedReport, template: Path, destination: Path, record: dict[str, object]
) -> None:
    from cipdocs.render.docx import render_update

    render_update(presented, template, destination, record=record)


def convert_documents(
    request: DeckRequest,
    stem: str,
    deck: tuple[Path | None, int],
    update: Path | None,
    progress: Progress,
) -> list[Path]:
    """Write the PDFs and slide previews asked for, with LibreOffice; return their paths.

    `deck` is the deck's path (None when not written) and its visible slide count, which the
    slides PDF must match page for page.
    """
    import tempfile

    from cipdocs.render.pdf import convert_to_pdf, find_soffice, render_previews

    soffice = find_soffice()
    written: list[Path] = []
    deck_path, slide_count = deck
    if deck_path is not None:
        slides_pdf = request.output_dir / f"{stem} (slides).pdf"
        with tempfile.TemporaryDirectory(prefix="cipdocs-preview-") as scratch:
            if not request.pdf:
                slides_pdf = Path(scratch) / f"{stem} (slides).pdf"
            convert_to_pdf(
                deck_path,
                slides_pdf,
                expected_pages=slide_count,
                progress=progress,
                soffice=soffice,
            )
            if request.pdf:
                written.append(slides_pdf)
            if request.preview:
                written += render_previews(slides_pdf, request.output_dir, stem, progress=progress)
    if update is not None and request.pdf:
        document_pdf = request.output_dir / f"{stem} (document).pdf"
        convert_to_pdf(update, document_pdf, progress=progress, soffice=soffice)
        written.append(document_pdf)
    return written


@dataclass(frozen=True)
class TemplateReport:
    """A template's placeholders and problems, for `cipdocs templates`."""

    template: Path
    placeholders: list[Placeholder]
    problems: list[Issue]


def inspect_templates(templates: list[Path]) -> Iterator[TemplateReport]:
    """Yield the placeholders and problems of each template, by its file type."""
    from cipdocs.render import docx, pptx

    renderers = {".pptx": pptx, ".docx": docx}
    for template in templates:
        renderer = renderers.get(template.suffix.lower())
        if renderer is None:
            raise TemplateProblemError(
                f"{template}: not a .pptx or .docx template; give a PowerPoint or Word template"
            )
        yield TemplateReport(
            template, renderer.list_placeholders(template), renderer.check_template(template)
        )


# The update cycle (docs/cycle.md): earlier updates read back from the files cipdocs wrote.

UPDATE_SUFFIXES = (".pptx", ".docx")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class EarlierUpdate:
    """An earlier update: the report it carried and the file it was read from."""

    path: Path
    report: Report


@dataclass(frozen=True)
class Comparison:
    """The previous update an update is compared with (None without one), and what moved."""

    previous: EarlierUpdate | None
    changes: Changes
    earlier: tuple[HistoryEntry, ...] = ()
    """The updates in the output folder dated before this one, oldest first (the history)."""

    @property
    def previous_file(self) -> str:
        """Return the previous update's file name, or empty without one."""
        return self.previous.path.name if self.previous else ""


def iter_updates(folder: Path) -> Iterator[EarlierUpdate]:
    """Yield the updates cipdocs wrote in `folder`, by file name; other files are skipped.

    A file written by a newer cipdocs is not skipped: `NewerUpdateError` says to upgrade.
    """
    if not folder.is_dir():
        return
    paths = sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in UPDATE_SUFFIXES
        # Office's lock files (~$…) and cipdocs' own temporary files (.…tmp) are not updates.
        and not path.name.startswith(("~$", "."))
        and path.is_file()
    )
    from cipdocs.render.embed import read_embedded_report

    for path in paths:
        try:
            report = read_embedded_report(path)
        except NewerUpdateError:
            raise
        except CipdocsError:
            continue
        if report is not None:
            yield EarlierUpdate(path, report)


def find_previous_update(
    updates: Iterable[EarlierUpdate], report_date: dt.date
) -> EarlierUpdate | None:
    """Return the newest of `updates` dated before `report_date`, or None."""
    earlier = [update for update in updates if update.report.report_date < report_date]
    # A deck and its Word update carry the same report; the later name (.pptx) is taken.
    return max(
        earlier, key=lambda update: (update.report.report_date, update.path.name), default=None
    )


def read_previous_update(path: Path) -> EarlierUpdate:
    """Return the update at `path`: a deck or Word update cipdocs wrote, or a workbook."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return EarlierUpdate(path, load_report(path).report)
    if not path.is_file():
        problem = "is a folder" if path.is_dir() else "does not exist"
        raise PreviousUpdateError(
            f"{path}: the previous update {problem}; name a deck or Word update cipdocs "
            "wrote, or an earlier workbook, with --since (or --since none)"
        )
    from cipdocs.render.embed import read_embedded_report

    report = read_embedded_report(path)
    if report is None:
        raise PreviousUpdateError(
            f"{path}: holds no data cipdocs can compare with (it was not written by cipdocs, "
            "or by a version before it embedded its data); name a deck or Word update cipdocs "
            "wrote, or the workbook of that update, with --since"
        )
    return EarlierUpdate(path, report)


def compare_with_previous(report: Report, since: Since, output_dir: Path) -> Comparison:
    """Return `report` compared with the update `since` names, or the one found in `output_dir`,
    with the earlier updates `output_dir` holds (for the history, whatever `since` says).

    Raise `PreviousUpdateError` when a named update is not dated before `report`.
    """
    found = list(iter_updates(output_dir))
    earlier = compute_history(
        (update.path.name, update.report)
        for update in found
        if update.report.report_date < report.report_date
    )
    if since is None:
        previous = find_previous_update(found, report.report_date)
    elif since == NO_PREVIOUS:
        previous = None
    else:
        previous = read_previous_update(Path(since))
        if previous.report.report_date >= report.report_date:
            raise PreviousUpdateError(
                f"{since}: the previous update is dated {short_date(previous.report.report_date)}, "
                f"not before this update ({short_date(report.report_date)}); name an earlier "
                "update with --since, or use --since none"
            )
    if previous is None:
        return Comparison(None, NO_CHANGES, earlier)
    return Comparison(previous, compute_changes(previous.report, report), earlier)


def read_history(folder: Path) -> tuple[HistoryEntry, ...]:
    """Return the updates cipdocs wrote in `folder`, one per report date, oldest first."""
    return compute_history((update.path.name, update.report) for update in iter_updates(folder))
