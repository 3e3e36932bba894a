"""The `cipdocs` command line: parse options, call the app, map errors to exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from cipdocs import __version__, options
from cipdocs.errors import CipdocsError, Issue

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

workbook_argument = click.argument(
    "workbook",
    type=click.Path(path_type=Path, dir_okay=False),
    default=options.DEFAULT_WORKBOOK,
    required=False,
)


def _err(line: str) -> None:
    click.echo(line, err=True)


def _print_warnings(warnings: tuple[Issue, ...]) -> None:
    for warning in warnings:
        _err(f"warning: {warning}")


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a `CipdocsError` into stderr lines and its exit code; --debug adds the traceback."""
    try:
        yield
    except CipdocsError as error:
        if _debug_requested():
            traceback.print_exc()
        lines = error.lines()
        for line in lines[:-1]:
            _err(line)
        _err(lines[-1] if lines[-1].startswith("error:") else f"error: {lines[-1]}")
        sys.exit(error.exit_code)


def _debug_requested() -> bool:
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return bool(root and root.params.get("debug"))


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="cipdocs")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the full traceback when something goes wrong (and render in one process).",
)
def cli(debug: bool) -> None:
    """Build the CIP-CCG status-update deck and Word update from one Excel workbook.

    Staff keep the workbook (groups, statuses, meetings, attendance, bands, milestones,
    roadmap); cipdocs validates it, computes the counts and bands, and fills the branded
    templates in templates/.

    \b
    Examples:
      cipdocs deck                       # inputs/cip-ccg.xlsx -> output/
      cipdocs check inputs/cip-ccg.xlsx  # validate only
      cipdocs summary --json             # the computed figures

    Exit codes: 0 ok, 2 usage, 3 unreadable workbook, 4 invalid data, 5 template problem,
    6 output problem, 7 converter problem, 8 deck check findings, 70 internal self-check failure
    (docs/errors.md).
    """


@cli.command(context_settings=CONTEXT_SETTINGS)
@workbook_argument
def check(workbook: Path) -> None:
    """Validate WORKBOOK (default: inputs/cip-ccg.xlsx) and list every problem at once.

    Each problem is printed as `Sheet!Cell: what is wrong; how to fix it`. Warnings (things
    that do not stop a run) are printed too. Exits 0 when the workbook is usable.

    \b
    Examples:
      cipdocs check
      cipdocs check "CIP-CCG tracker.xlsx"
    """
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        loaded = app.load_report(workbook)
    _print_warnings(loaded.warnings)
    _err(
        f"ok: {workbook} is usable ({loaded.report.representation.total} groups, "
        f"{loaded.report.meetings_held} meetings held by {loaded.report.report_date.isoformat()})"
    )


@cli.command(context_settings=CONTEXT_SETTINGS)
@workbook_argument
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the figures as JSON (docs/workbook.md shows the shape).",
)
def summary(workbook: Path, as_json: bool) -> None:
    """Print the figures computed from WORKBOOK (default: inputs/cip-ccg.xlsx).

    Shows the framework status table, representation, and each participation band with its
    groups' attended/held meetings and rate.

    \b
    Examples:
      cipdocs summary
      cipdocs summary --json > figures.json
    """
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        loaded = app.load_report(workbook)
    _print_warnings(loaded.warnings)
    if as_json:
        from cipdocs.report.present import report_as_json

        click.echo(json.dumps(report_as_json(loaded.report), indent=2, ensure_ascii=False))
    else:
        from cipdocs.report.summary import format_summary

        click.echo(format_summary(loaded.report))


@cli.command(context_settings=CONTEXT_SETTINGS)
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
    default=options.DEFAULT_DECK_TEMPLATE,
    show_default=True,
    help="PowerPoint template to fill.",
)
@click.option(
    "--docx-template",
    "update_template",
    type=click.Path(path_type=Path, dir_okay=False),
    default=options.DEFAULT_UPDATE_TEMPLATE,
    show_default=True,
    help="Word template to fill.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice([choice.value for choice in options.OutputFormat]),
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
def deck(
    workbook: Path,
    output_dir: Path,
    deck_template: Path,
    update_template: Path,
    output_format: str,
    pdf: bool,
    preview: bool,
) -> None:
    """Write the status-update deck (.pptx) and Word update (.docx) from WORKBOOK.

    WORKBOOK defaults to inputs/cip-ccg.xlsx. The workbook is validated first (as
    `cipdocs check` does); nothing is written when it has problems. The files are named after
    the report date, e.g. `CIP-CCG Status Update 2024-08-30.pptx`, and their paths are printed,
    one per line. Earlier files are replaced only when the new ones are complete. With --pdf,
    `... (slides).pdf` and `... (document).pdf` are written too; with --preview,
    `... (slide 01).png` and so on.

    \b
    Examples:
      cipdocs deck
      cipdocs deck tracker.xlsx -o ~/Desktop/update
      cipdocs deck --format docx --docx-template "ICANN letterhead.docx"
      cipdocs deck --pdf --preview
    """
    request = options.DeckRequest(
        workbook=workbook,
        output_dir=output_dir,
        deck_template=deck_template,
        update_template=update_template,
        output_format=options.OutputFormat(output_format),
        pdf=pdf,
        preview=preview,
        # One process under --debug, so a traceback shows where the failure happened.
        parallel=not _debug_requested(),
    )
    if preview and not request.output_format.includes(options.OutputFormat.PPTX):
        raise click.UsageError("--preview shows slides; use it with --format pptx or all")
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        loaded = app.load_report(workbook)
        _print_warnings(loaded.warnings)
        written = app.build_documents(request, loaded, _err)
    for path in written:
        click.echo(str(path))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("templates", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def templates(templates: tuple[Path, ...]) -> None:
    """List the placeholders in TEMPLATES and flag unknown names and broken Jinja.

    TEMPLATES default to templates/cip-ccg-deck.pptx and templates/cip-ccg-update.docx.
    Exits 5 when a template has a problem. docs/templates.md lists the names templates may use.

    \b
    Examples:
      cipdocs templates
      cipdocs templates "ICANN branded deck.pptx"
    """
    chosen = list(templates) or [options.DEFAULT_DECK_TEMPLATE, options.DEFAULT_UPDATE_TEMPLATE]
    problems = 0
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        for found in app.inspect_templates(chosen):
            click.echo(f"{found.template}:")
            for placeholder in found.placeholders:
                click.echo(f"  {placeholder.where}: {placeholder.source}")
            for problem in found.problems:
                _err(f"{found.template}: {problem}")
            problems += len(found.problems)
    if problems:
        _err(f"error: {problems} template {'problem' if problems == 1 else 'problems'}")
        sys.exit(5)


@cli.command("check-deck", context_settings=CONTEXT_SETTINGS)
@click.argument("deck", type=click.Path(path_type=Path, dir_okay=False))
def check_deck(deck: Path) -> None:
    """Check DECK (any .pptx, e.g. one edited by hand) for accessibility and layout.

    As PowerPoint's Accessibility Checker would: every slide has a title and no two share one;
    charts, pictures and groups have alternative text; tables mark a header row; text contrasts
    at least 4.5:1 with what is behind it. And the layout: no text past the slide, no two
    shapes' text drawn over each other. Prints each finding with its slide and shape; exits 8
    when there are any (docs/checks.md).

    \b
    Examples:
      cipdocs check-deck "output/CIP-CCG Status Update 2024-08-30.pptx"
    """
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        app.check_deck(deck)
    _err(f"ok: {deck}: no accessibility or layout findings")


def main() -> None:
    """Run the command line."""
    cli(prog_name="cipdocs")
