"""Run cipdocs' steps in order: read, validate, compute, present, render. No click here."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.loading import LoadedReport
from cipdocs.options import DeckRequest, OutputFormat
from cipdocs.report.changes import NO_CHANGES
from cipdocs.report.model import Report
from cipdocs.report.present import PresentedReport, present_report
from cipdocs.templating import Placeholder

if TYPE_CHECKING:
    from cipdocs.cycle import Comparison
    from cipdocs.office.pdf import Office

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
) -> list[Path]:
    """Render the requested documents into the output folder and return their paths in order.

    Each document embeds the report (docs/cycle.md); `comparison` gives the changes since the
    previous update the documents show (none when not given). For --pdf and --preview, `office`
    is the LibreOffice started by `office_for` (one is started here when it is not given).

    Each file's path is appended to `written` (when given) as soon as the file is complete, so
    an interrupted run can still say what it wrote.

    With both documents asked for, the Word update renders in a child process beside the deck
    (where the platform can fork and `request.parallel` allows): the two share nothing but the
    presented report, and a run takes about the time of the slower one.
    """
    from cipdocs.render.files import prepare_output_dir
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
        if office is None and (request.pdf or request.preview):
            office = stack.enter_context(office_for(request))
        deck, slide_count, update = _render_documents(request, presented, stem, record)
        written += [path for path in (deck, update) if path is not None]
        if office is not None:
            convert_documents(request, stem, (deck, slide_count), update, progress, office, written)
    return written


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
    request: DeckRequest, presented: PresentedReport, stem: str, record: dict[str, object]
) -> tuple[Path | None, int, Path | None]:
    """Render the deck and the Word update asked for; return their paths and the slide count."""
    from cipdocs.parallel import run_beside

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
    return deck, slide_count, update


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
    office: Office,
    written: list[Path],
) -> None:
    """Write the PDFs and slide previews asked for, appending their paths to `written`.

    `deck` is the deck's path (None when not written) and its visible slide count, which the
    slides PDF must match page for page. Both documents go to LibreOffice in one run.
    """
    import tempfile

    from cipdocs.office.pdf import Conversion, render_previews, substitute_font_warning

    font_warning = substitute_font_warning()
    if font_warning:
        progress(f"warning: {font_warning}")
    deck_path, slide_count = deck
    with tempfile.TemporaryDirectory(prefix="cipdocs-preview-") as scratch:
        conversions = []
        slides_pdf = None
        if deck_path is not None:
            folder = request.output_dir if request.pdf else Path(scratch)
            slides_pdf = folder / f"{stem} (slides).pdf"
            conversions.append(Conversion(deck_path, slides_pdf, slide_count))
        if update is not None and request.pdf:
            document_pdf = request.output_dir / f"{stem} (document).pdf"
            conversions.append(Conversion(update, document_pdf))
        # The slides PDF of a --preview alone is a scratch file, not a result.
        listed = written if request.pdf else None
        office.convert(conversions, timeout=PDF_TIMEOUT, progress=progress, written=listed)
        if request.preview and slides_pdf is not None:
            written += render_previews(slides_pdf, request.output_dir, stem, progress=progress)


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
