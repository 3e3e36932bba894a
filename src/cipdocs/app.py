"""Run cipdocs' steps in order: read, validate, compute, present, render. No click here."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.options import DeckRequest

if TYPE_CHECKING:
    # Types only: `check-deck` and `templates` need none of the report's modules (or Jinja2).
    from cipdocs.cycle import Comparison
    from cipdocs.loading import LoadedReport
    from cipdocs.office.pdf import Office
    from cipdocs.render.staging import Committed, Staging
    from cipdocs.report.model import Report
    from cipdocs.templating import Placeholder
    from cipdocs.workers import Order, Workers

Progress = Callable[[str], None]
PDF_TIMEOUT = 120.0
"""Seconds LibreOffice may take to convert the documents of one run."""


def output_stem(report: Report) -> str:
    """Return the documents' shared file name stem: ``CIP-CCG Status Update 2024-08-30``."""
    return f"CIP-CCG Status Update {report.report_date.isoformat()}"


def build_documents(
    request: DeckRequest,
    loaded: LoadedReport,
    progress: Progress,
    *,
    comparison: Comparison | None = None,
    written: list[Path] | None = None,
    office: Office | None = None,
    workers: Workers | None = None,
) -> list[Path]:
    """Render the requested documents into the output folder and return their paths in order.

    Each document embeds the report (docs/cycle.md); `comparison` gives the changes since the
    previous update the documents show (none when not given). For --pdf and --preview, `office`
    is the LibreOffice started by `office_for` (one is started here when it is not given), and
    `workers` the documents' workers started by `workers.workers_for` (likewise).

    The run is one transaction (render/staging.py): every file is staged first and all are put
    in place together once each is complete and checked, so a failure or an interrupt leaves
    the output folder as it was. Only then are the paths appended to `written` (when given).
    An earlier file the run replaced with different bytes is kept in `replaced/`, and a PDF or
    preview of a document that changed and was not made again is moved there; `progress`
    says so.

    Where the platform can fork and `request.parallel` allows, the deck and the Word update
    render in their workers' processes (the deck's opened its template while the workbook was
    read): the two share nothing but the presented report, and a run takes about the time of
    the slower one (workers.py).
    """
    from cipdocs.render.staging import Staging, prepare_output_dir
    from cipdocs.report.changes import NO_CHANGES
    from cipdocs.report.present import present_report
    from cipdocs.report.record import report_record
    from cipdocs.workers import Order, workers_for

    changes, previous_file, earlier = (
        (comparison.changes, comparison.previous_file, comparison.earlier)
        if comparison is not None
        else (NO_CHANGES, "", ())
    )
    presented = present_report(loaded.report, changes, previous_file, earlier)
    record = report_record(loaded.report)
    stem = output_stem(loaded.report)
    prepare_output_dir(request.output_dir)
    written = [] if written is None else written
    with contextlib.ExitStack() as stack:
        staging = stack.enter_context(Staging())
        if office is None and (request.pdf or request.preview):
            office = stack.enter_context(office_for(request))
        if workers is None:
            workers = stack.enter_context(workers_for(request))
        deck = request.output_dir / f"{stem}.pptx"
        update = request.output_dir / f"{stem}.docx"

        def order(destination: Path) -> Order:
            earlier = None if request.fresh else edits_source(destination, comparison)
            return Order(presented, destination, record, earlier)

        slide_count, edit_lines = _render_documents(workers, (order(deck), order(update)), staging)
        deck_made = deck if workers.deck is not None else None
        update_made = update if workers.update is not None else None
        for line in edit_lines:
            progress(line)
        if office is not None:
            convert_documents(
                request, stem, (deck_made, slide_count), update_made, progress, office, staging
            )
        _note_earlier_copies(request.output_dir, stem, deck_made, update_made, staging)

        def committed(outcome: Committed) -> None:
            written.extend(outcome.written)
            for line in describe_commit(outcome):
                progress(line)

        staging.commit(on_done=committed)
    return written


def describe_commit(committed: Committed) -> list[str]:
    """Return the lines that tell what a run kept or set aside (none when it replaced nothing)."""
    lines = []
    if committed.kept:
        folder = committed.kept[0][1].parent
        names = ", ".join(kept.name for _, kept in committed.kept)
        lines.append(f"kept the earlier files this run replaced, in {folder}: {names}")
    if committed.set_aside:
        folder = committed.set_aside[0][1].parent
        stale = [path.name for path, _ in committed.set_aside]
        previews = [name for name in stale if name.endswith(".png")]
        listed = [name for name in stale if not name.endswith(".png")]
        if previews:
            listed.append(f"{len(previews)} slide preview{'s' if len(previews) > 1 else ''}")
        names = " and ".join(listed)
        lines.append(
            f"moved {names} to {folder}: made from the earlier document, they were out of "
            "date (--pdf and --preview make new ones)"
        )
    return lines


def _note_earlier_copies(
    folder: Path, stem: str, deck: Path | None, update: Path | None, staging: Staging
) -> None:
    """Tell `staging` which PDFs and previews in `folder` were made from the run's documents."""
    from cipdocs.office.previews import earlier_previews

    if deck is not None:
        slides_pdf = folder / f"{stem} (slides).pdf"
        staging.made_earlier(deck, [slides_pdf, *earlier_previews(folder, stem)])
    if update is not None:
        staging.made_earlier(update, [folder / f"{stem} (document).pdf"])


@contextlib.contextmanager
def office_for(request: DeckRequest) -> Iterator[Office | None]:
    """Start LibreOffice in the background when `request` needs it, and stop it afterwards.

    Started before the workbook is read, LibreOffice gets ready while cipdocs does its own work.
    """
    if not (request.pdf or request.preview):
        yield None
        return
    from cipdocs.office.pdf import started_office

    with started_office() as office:
        yield office


def _render_documents(
    workers: Workers, orders: tuple[Order, Order], staging: Staging
) -> tuple[int, tuple[str, ...]]:
    """Give each worker its order (the deck's first, then the Word update's) and stage what
    they render, deck first; return the deck's visible slide count and the lines that tell what
    became of the earlier documents' hand edits."""
    deck_order, update_order = orders
    pending = [
        worker.give(order)
        for worker, order in ((workers.deck, deck_order), (workers.update, update_order))
        if worker is not None
    ]
    rendered = []
    try:
        for done in pending:
            rendered.append(done.wait())
    except BaseException:
        # The one that failed is collected already; the work of those after it is moot.
        for done in pending[len(rendered) + 1 :]:
            done.wait(raise_error=False)
        raise
    edit_lines: tuple[str, ...] = ()
    for result in rendered:
        assert result is not None
        for destination, data, made_from in result.collected.documents:
            staging.stage(destination, data, made_from=made_from)
        edit_lines += result.edit_lines
    deck = rendered[0] if workers.deck is not None else None
    return (deck.visible_slides if deck is not None else 0), edit_lines


def edits_source(destination: Path, comparison: Comparison | None) -> Path | None:
    """Return the document to carry hand edits from into `destination` (docs/cycle.md): the
    one it is about to replace (same report date), else the previous update's document of the
    same kind (`comparison`), or None."""
    if destination.is_file():
        return destination
    previous = comparison.previous.path if comparison and comparison.previous else None
    if previous is None or previous.suffix.lower() not in (".pptx", ".docx"):
        return None  # no earlier update, or the previous one named by its workbook
    # The previous update is found by either document (cycle.py takes the .pptx); this kind
    # of document is beside it.
    beside = previous.with_suffix(destination.suffix)
    return beside if beside.is_file() else None


def convert_documents(
    request: DeckRequest,
    stem: str,
    deck: tuple[Path | None, int],
    update: Path | None,
    progress: Progress,
    office: Office,
    staging: Staging,
) -> None:
    """Stage the PDFs and slide previews asked for, made from the staged documents.

    `deck` is the deck's path (None when not written) and its visible slide count, which the
    slides PDF must match page for page. Both documents go to LibreOffice in one run.
    """
    from cipdocs.office.pdf import Conversion, render_previews, substitute_font_warning
    from cipdocs.render.staging import Staging, temporary_folder_problem

    font_warning = substitute_font_warning()
    if font_warning:
        progress(f"warning: {font_warning}")
    deck_path, slide_count = deck
    # Scratch files go in LibreOffice's own folder for the run, which goes when the run does
    # (and which the next run removes if this one is killed).
    scratch = office.work / "scratch"
    try:
        scratch.mkdir(exist_ok=True)
    except OSError as error:
        raise temporary_folder_problem(error, scratch) from None
    with Staging(scratch=True) as scratches:
        conversions = []
        slides_pdf = None
        if deck_path is not None:
            folder = request.output_dir if request.pdf else scratch
            slides_pdf = folder / f"{stem} (slides).pdf"
            source = staging.temporary(deck_path)
            conversions.append(Conversion(source, slides_pdf, slide_count, deck_path))
        if update is not None and request.pdf:
            document_pdf = request.output_dir / f"{stem} (document).pdf"
            conversions.append(Conversion(staging.temporary(update), document_pdf, None, update))
        # The slides PDF of a --preview alone is a scratch file, not a result.
        office.convert(
            conversions,
            timeout=PDF_TIMEOUT,
            progress=progress,
            staging=staging if request.pdf else scratches,
        )
        if request.preview and slides_pdf is not None:
            made = staging if request.pdf else scratches
            render_previews(
                made.temporary(slides_pdf),
                request.output_dir,
                stem,
                progress=progress,
                staging=staging,
                made_from=deck_path,
            )


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


def check_deck(deck: Path) -> None:
    """Check the .pptx at `deck` for accessibility and layout; raise `DeckCheckError` with
    every finding."""
    from cipdocs.errors import DeckCheckError
    from cipdocs.verify.deck import check_deck_file
    from cipdocs.verify.pdf import check_pdf_file

    checked = check_pdf_file if deck.suffix.lower() == ".pdf" else check_deck_file
    findings: list[object] = list(checked(deck))
    if findings:
        raise DeckCheckError(deck, [f"{deck}: {finding}" for finding in findings])
