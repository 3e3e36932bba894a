"""`cipdocs deck`: write the deck and Word update from the workbook."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from cipdocs import options
from cipdocs.cli.group import (
    CONTEXT_SETTINGS,
    chosen_workbook,
    debug_requested,
    err,
    print_warnings,
    reported_errors,
    say_if_shipped,
    since_option,
    workbook_argument,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@workbook_argument
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=options.DEFAULT_OUTPUT_DIR,
    show_default=True,
    help="Folder for the documents; created if missing.",
)
@click.option(
    "--template",
    "deck_template",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"PowerPoint template to fill.  [default: {options.DEFAULT_DECK_TEMPLATE} if it "
    "exists, else the shipped one]",
)
@click.option(
    "--docx-template",
    "update_template",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"Word template to fill.  [default: {options.DEFAULT_UPDATE_TEMPLATE} if it "
    "exists, else the shipped one]",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice([choice.value for choice in options.OutputFormat], case_sensitive=False),
    default=options.OutputFormat.ALL.value,
    show_default=True,
    help="Which documents to write.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write PDFs of the deck and Word update with LibreOffice (docs/rendering.md).",
)
@click.option(
    "--preview",
    is_flag=True,
    help="Also write a PNG preview of each slide (needs LibreOffice and poppler).",
)
@since_option
@click.option(
    "--fresh",
    is_flag=True,
    help="Carry no hand edits from an earlier deck or Word update: write the plain documents "
    "(the edits stay in the earlier files).",
)
def deck(
    workbook: Path | None,
    output_dir: Path,
    deck_template: Path | None,
    update_template: Path | None,
    output_format: str,
    pdf: bool,
    preview: bool,
    since: options.Since,
    fresh: bool,
) -> None:
    """Write the status-update deck (.pptx) and Word update (.docx) from WORKBOOK.

    WORKBOOK defaults to inputs/cip-ccg.xlsx (none named and none there: nothing is written);
    the templates to those in templates/, else the shipped ones (a note says so, and
    `cipdocs init` makes a folder of your own). The workbook is validated first (as
    `cipdocs check` does); nothing is written when it has problems. The files are named after
    the report date, e.g. `CIP-CCG Status Update 2024-08-30.pptx`, and their paths are printed,
    one per line. With --pdf, `... (slides).pdf` and `... (document).pdf` are written too;
    with --preview, `... (slide 01).png` and so on. Earlier files are replaced only when every
    new one is complete; one that differs is kept in replaced/ in the output folder, and an
    earlier PDF or preview of a changed document is moved there (docs/cycle.md).

    Each file carries its figures, and the documents show what changed since the previous
    update: the newest earlier one in the output folder, or the one named with --since
    (docs/cycle.md).

    Edits made by hand to the deck and Word update about to be replaced (or, for a new date, to
    the previous update's) are carried into the new ones wherever the content they touch did
    not change; a few lines on stderr say how many, and name each edit not carried and why.
    --fresh carries none (`cipdocs edits FILE` lists a document's hand edits).

    \b
    Examples:
      cipdocs deck
      cipdocs deck tracker.xlsx -o ~/Desktop/update
      cipdocs deck --format docx --docx-template "ICANN letterhead.docx"
      cipdocs deck --pdf --preview
      cipdocs deck --since "old/CIP-CCG Status Update 2024-08-02.docx"
      cipdocs deck --fresh
    """
    from cipdocs import shipped

    if preview and not options.OutputFormat(output_format).includes(options.OutputFormat.PPTX):
        raise click.UsageError("--preview shows slides; use it with --format pptx or all")
    workbook = chosen_workbook(workbook)
    fmt = options.OutputFormat(output_format)
    if fmt.includes(options.OutputFormat.PPTX):
        deck_template = say_if_shipped(shipped.choose_deck_template(deck_template), "deck template")
    if fmt.includes(options.OutputFormat.DOCX):
        update_template = say_if_shipped(
            shipped.choose_update_template(update_template), "Word template"
        )
    request = options.DeckRequest(
        workbook=workbook,
        output_dir=output_dir,
        deck_template=deck_template or options.DEFAULT_DECK_TEMPLATE,
        update_template=update_template or options.DEFAULT_UPDATE_TEMPLATE,
        output_format=options.OutputFormat(output_format),
        pdf=pdf,
        preview=preview,
        # One process under --debug, so a traceback shows where the failure happened.
        parallel=not debug_requested(),
        since=since,
        fresh=fresh,
    )
    from cipdocs import app, cycle, loading, workers  # imported here so --help stays fast

    # The objects made so far (modules, options) live to the end of the run: the collector need
    # not walk them again while the workbook is read.
    gc.freeze()
    written: list[Path] = []
    try:
        with (
            reported_errors(),
            # Started first, LibreOffice (for --pdf, --preview) and the workers get ready
            # while the workbook is read; LibreOffice takes longest.
            app.office_for(request) as office,
            workers.workers_for(request) as started,
        ):
            loaded = loading.load_report(workbook)
            print_warnings(loaded.warnings)
            comparison = cycle.compare_with_previous(loaded.report, since, output_dir)
            print_warnings(comparison.warnings)
            if comparison.previous is not None:
                err(f"comparing with {comparison.previous.path}")
            app.build_documents(
                request,
                loaded,
                err,
                comparison=comparison,
                written=written,
                office=office,
                workers=started,
            )
    except KeyboardInterrupt:
        # What is already written is complete (temp file, then rename): say where it is.
        for path in written:
            click.echo(str(path))
        raise
    for path in written:
        click.echo(str(path))
