"""Run cipdocs' steps in order: read, validate, compute, present, render. No click here."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.options import DeckRequest, OutputFormat

if TYPE_CHECKING:
    # Types only: `check-deck` and `templates` need none of the report's modules (or Jinja2).
    from cipdocs.cycle import Comparison
    from cipdocs.loading import LoadedReport
    from cipdocs.office.pdf import Office
    from cipdocs.parallel import Worker
    from cipdocs.render.pptx import PreparedTemplate
    from cipdocs.render.staging import Collected, Committed, Staging
    from cipdocs.report.model import Report
    from cipdocs.report.present import PresentedReport
    from cipdocs.templating import Placeholder

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
    deck_worker: Worker[DeckOrder, RenderedDeck] | None = None,
) -> list[Path]:
    """Render the requested documents into the output folder and return their paths in order.

    Each document embeds the report (docs/cycle.md); `comparison` gives the changes since the
    previous update the documents show (none when not given). For --pdf and --preview, `office`
    is the LibreOffice started by `office_for` (one is started here when it is not given), and
    `deck_worker` the deck's worker started by `deck_worker_for` (likewise).

    The run is one transaction (render/staging.py): every file is staged first and all are put
    in place together once each is complete and checked, so a failure or an interrupt leaves
    the output folder as it was. Only then are the paths appended to `written` (when given).
    An earlier file the run replaced with different bytes is kept in `replaced/`, and a PDF or
    preview of a document that changed and was not made again is moved there; `progress`
    says so.

    Where the platform can fork and `request.parallel` allows, the deck renders in its worker
    process (which read its template while the workbook was read) and the Word update in a child
    process beside it: the two share nothing but the presented report, and a run takes about
    the time of the slower one.
    """
    from cipdocs.render.staging import Staging, prepare_output_dir
    from cipdocs.report.changes import NO_CHANGES
    from cipdocs.report.present import present_report
    from cipdocs.report.record import report_record

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
        if deck_worker is None:
            deck_worker = stack.enter_context(deck_worker_for(request))
        edits_from = (
            None
            if request.fresh
            else update_edits_source(request.output_dir / f"{stem}.docx", comparison)
        )
        order = DeckOrder(
            presented,
            request.output_dir / f"{stem}.pptx",
            record,
            deck_edits_source(request, stem, comparison),
        )
        deck, slide_count, update, edit_lines = _render_documents(
            request, order, stem, staging, deck_worker, edits_from
        )
        for line in edit_lines:
            progress(line)
        if office is not None:
            convert_documents(request, stem, (deck, slide_count), update, progress, office, staging)
        _note_earlier_copies(request.output_dir, stem, deck, update, staging)

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


@dataclass(frozen=True)
class DeckOrder:
    """What the deck's worker needs once the report is ready."""

    presented: PresentedReport
    destination: Path
    record: dict[str, object]
    edits_from: Path | None
    """The deck whose hand edits are carried (`deck_edits_source`), or None."""


@dataclass(frozen=True)
class RenderedDeck:
    """What the deck's worker hands back (pickled, from its process): the deck's bytes, to be
    staged with the run's other files, how many slides a PDF of it has, and the lines that
    tell what became of its hand edits."""

    collected: Collected
    visible_slides: int
    edit_lines: tuple[str, ...]


@contextlib.contextmanager
def deck_worker_for(request: DeckRequest) -> Iterator[Worker[DeckOrder, RenderedDeck] | None]:
    """Start the deck's worker (None when no deck is asked for): in a child process (where the
    platform can fork and `request.parallel` allows) it imports what rendering needs and opens
    and judges the deck template while the parent reads the workbook; then it fills the
    template when given its `DeckOrder`. A worker never given its order is stopped on the way
    out.
    """
    if not request.output_format.includes(OutputFormat.PPTX):
        yield None
        return
    from cipdocs.parallel import Worker

    worker = Worker(
        functools.partial(_prepare_deck, request.deck_template),
        _render_deck,
        in_child=request.parallel,
    )
    try:
        yield worker
    finally:
        worker.stop()


def _prepare_deck(template: Path) -> PreparedTemplate:
    # Imported now, while the workbook is read, rather than once the order comes.
    from cipdocs.edits import deck as _hand_edits  # noqa: F401
    from cipdocs.render.pptx import prepare_template

    return prepare_template(template)


def _render_deck(prepared: PreparedTemplate, order: DeckOrder) -> RenderedDeck:
    from cipdocs.edits.deck import DeckEdits
    from cipdocs.render.pptx import render_deck
    from cipdocs.render.staging import Collected

    collected = Collected()
    hand_edits = DeckEdits(order.edits_from)
    visible = render_deck(
        order.presented,
        prepared.template,
        order.destination,
        record=order.record,
        hand_edits=hand_edits,
        staging=collected,
        prepared=prepared,
    )
    return RenderedDeck(collected, visible, tuple(hand_edits.lines()))


def deck_edits_source(
    request: DeckRequest, stem: str, comparison: Comparison | None
) -> Path | None:
    """Return the deck whose hand edits are carried (docs/cycle.md): the deck about to be
    replaced, else the previous update's deck; None with --fresh or when there is none."""
    replaced = request.output_dir / f"{stem}.pptx"
    previous = comparison.previous if comparison is not None else None
    earlier: Path | None = replaced
    if request.fresh:
        earlier = None
    elif not replaced.is_file() and previous is not None:
        # The previous update may be its Word update: its deck is beside it (not a workbook's).
        is_update = previous.path.suffix.lower() in (".pptx", ".docx")
        earlier = previous.path.with_suffix(".pptx") if is_update else None
    return earlier if earlier is not None and earlier.is_file() else None


def _render_documents(
    request: DeckRequest,
    order: DeckOrder,
    stem: str,
    staging: Staging,
    deck_worker: Worker[DeckOrder, RenderedDeck] | None,
    edits_from: Path | None = None,
) -> tuple[Path | None, int, Path | None, tuple[str, ...]]:
    """Render and stage the deck and the Word update asked for; return their paths, the slide
    count and the lines that tell what became of the hand edits of the earlier deck and of
    the Word update `edits_from`."""
    from cipdocs.parallel import run_beside

    deck = order.destination if deck_worker is not None else None
    update = None
    if request.output_format.includes(OutputFormat.DOCX):
        update = request.output_dir / f"{stem}.docx"
    pending = None
    if update is not None:
        # The child renders into memory and hands the bytes back: it never writes a file.
        pending = run_beside(
            functools.partial(
                _render_update,
                order.presented,
                request.update_template,
                update,
                order.record,
                edits_from,
            ),
            in_child=request.parallel and deck is not None,
        )
    rendered = None
    try:
        if deck_worker is not None:
            rendered = deck_worker.give(order).wait()
            assert rendered is not None
    except BaseException:
        if pending is not None:
            pending.wait(raise_error=False)
        raise
    rendered_update = pending.wait() if pending is not None else None
    # The deck first, then the update: the order their paths are printed in.
    edit_lines: tuple[str, ...] = ()
    slide_count = 0
    if rendered is not None:
        _stage_collected(staging, rendered.collected)
        edit_lines, slide_count = rendered.edit_lines, rendered.visible_slides
    if rendered_update is not None:
        _stage_collected(staging, rendered_update.collected)
        edit_lines += rendered_update.edit_lines
    return deck, slide_count, update, edit_lines


def _stage_collected(staging: Staging, collected: Collected) -> None:
    for destination, data, made_from in collected.documents:
        staging.stage(destination, data, made_from=made_from)


@dataclass(frozen=True)
class RenderedUpdate:
    """What rendering the Word update hands back (from the child process, pickled): the
    document's bytes, to be staged with the run's other files, and the lines that tell what
    became of its hand edits."""

    collected: Collected
    edit_lines: tuple[str, ...]


def _render_update(
    presented: PresentedReport,
    template: Path,
    destination: Path,
    record: dict[str, object],
    edits_from: Path | None,
) -> RenderedUpdate:
    from cipdocs.render.docx import render_update
    from cipdocs.render.staging import Collected

    collected = Collected()
    edits = render_update(
        presented, template, destination, record=record, edits_from=edits_from, staging=collected
    )
    return RenderedUpdate(collected, tuple(edits.lines()))


def update_edits_source(destination: Path, comparison: Comparison | None) -> Path | None:
    """Return the Word update to carry hand edits from: the one `destination` is about to
    replace (same report date), else the previous update's (`comparison`), or None."""
    if destination.is_file():
        return destination
    previous = comparison.previous.path if comparison and comparison.previous else None
    if previous is None or previous.suffix.lower() not in (".pptx", ".docx"):
        return None
    # The previous update may be its deck (cycle.py takes the .pptx); its Word update is beside it.
    beside = previous.with_suffix(".docx")
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
