"""`cipdocs edits`, `templates`, `init` and `check-deck`: about documents and folders."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cipdocs.cli.group import CONTEXT_SETTINGS, err, reported_errors, say_if_shipped


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False, readable=False))
@click.option("--json", "as_json", is_flag=True, help="Print the edits as JSON.")
def edits(document: Path, as_json: bool) -> None:
    """List the hand edits in DOCUMENT, a deck (.pptx) or Word update (.docx) cipdocs wrote.

    Each edit is what a person changed after cipdocs wrote the file, with its place and its
    content as it stands now: the text typed, the title of a slide added or deleted, the name
    of a shape added or moved. An unedited document lists nothing. A file cipdocs did not make
    is refused (exit 3). `cipdocs deck` carries these edits into the next deck (docs/cycle.md).

    \b
    Examples:
      cipdocs edits "output/CIP-CCG Status Update 2024-08-30.pptx"
      cipdocs edits "output/CIP-CCG Status Update 2024-08-30.docx" --json
    """
    import json

    from cipdocs.edits.listing import read_edits

    with reported_errors():
        found = read_edits(document)
    if as_json:
        click.echo(json.dumps([edit.as_json() for edit in found], indent=2, ensure_ascii=False))
        return
    for edit in found:
        click.echo(f"{edit.place}: {edit.kind.value}: {edit.content}")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("templates", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def templates(templates: tuple[Path, ...]) -> None:
    """List the placeholders and chart bindings in TEMPLATES and report every problem.

    TEMPLATES default to templates/cip-ccg-deck.pptx and templates/cip-ccg-update.docx, each
    replaced by the one shipped with cipdocs where this folder has none (a note says so).
    Every unknown name, broken tag, attribute the sandbox refuses, tag in the wrong place and
    malformed chart binding is reported with its place (a chart bound to nothing is listed, and
    is fine); the last line is `ok: no problems` when there are none. Exits 5 when a template
    has a problem. docs/templates.md is the cookbook.

    \b
    Examples:
      cipdocs templates
      cipdocs templates "ICANN branded deck.pptx"
    """
    from cipdocs import shipped

    chosen = list(templates) or [
        say_if_shipped(shipped.choose_deck_template(None), "deck template"),
        say_if_shipped(shipped.choose_update_template(None), "Word template"),
    ]
    problems = 0
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        for found in app.inspect_templates(chosen):
            click.echo(f"{found.template}:")
            for placeholder in found.placeholders:
                click.echo(f"  {placeholder.where}: {placeholder.source}")
            for problem in found.problems:
                err(f"{found.template}: {problem}")
            problems += len(found.problems)
    if problems:
        err(f"error: {problems} template {'problem' if problems == 1 else 'problems'}")
        sys.exit(5)
    click.echo("ok: no problems")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("folder", type=click.Path(path_type=Path), default=".")
def init(folder: Path) -> None:
    """Set up FOLDER (default: this one) to make updates in, never replacing a file.

    Writes inputs/cip-ccg.xlsx (the sample's data as a worked example, with dropdowns and an
    About sheet), templates/ (copies of the shipped templates, to brand or edit) and output/.
    Files already there are kept. The paths made are printed, one per line; in that folder
    `cipdocs check` and `cipdocs deck` then work with no arguments.

    \b
    Examples:
      cipdocs init
      cipdocs init "CIP-CCG updates"
    """
    from cipdocs.init import init_folder  # imported here so that --help stays fast

    with reported_errors():
        result = init_folder(folder)
    for path in result.created:
        click.echo(str(path))
    for path in result.kept:
        err(f"kept {path} (already there)")
    where = "" if folder == Path() else f"cd {folder} && "
    err(f"ready: {where}cipdocs check && cipdocs deck")


@click.command("check-deck", context_settings=CONTEXT_SETTINGS)
@click.argument("deck", type=click.Path(path_type=Path, dir_okay=False))
def check_deck(deck: Path) -> None:
    """Check DECK (any .pptx, e.g. one edited by hand) for accessibility and layout.

    As PowerPoint's Accessibility Checker would: every slide has a title and no two share one;
    charts, pictures and groups have alternative text; tables mark a header row; text contrasts
    at least 4.5:1 with what is behind it. And the layout: no text past the slide, no two
    shapes' text drawn over each other. Prints each finding with its slide and shape; exits 8
    when there are any (docs/checks.md).

    Given a PDF (one --pdf wrote, or one exported by hand), checks what a screen reader needs
    of it: tagged, a language, a title it shows, PDF/UA claimed, headings, every figure's
    alternative text, links tagged.

    \b
    Examples:
      cipdocs check-deck "output/CIP-CCG Status Update 2024-08-30.pptx"
      cipdocs check-deck "output/CIP-CCG Status Update 2024-08-30 (slides).pdf"
    """
    from cipdocs import app  # imported here so that --help stays fast

    with reported_errors():
        app.check_deck(deck)
    checks = "accessibility" if deck.suffix.lower() == ".pdf" else "accessibility or layout"
    err(f"ok: {deck}: no {checks} findings")
