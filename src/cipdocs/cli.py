"""The `cipdocs` command line: parse options, call the app, map errors to exit codes."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cipdocs import __version__, options, process
from cipdocs.errors import CipdocsError, Issue

if TYPE_CHECKING:
    from cipdocs import shipped
    from cipdocs.cycle import Comparison
    from cipdocs.loading import LoadedReport

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

workbook_argument = click.argument(
    "workbook",
    # No dir_okay/readable checks here: read_workbook says what is wrong with exit code 3, as
    # docs/errors.md promises, where click would answer with a usage error (exit 2).
    type=click.Path(path_type=Path, readable=False),
    required=False,
)


def _chosen_workbook(workbook: Path | None) -> Path:
    """Return WORKBOOK, else inputs/cip-ccg.xlsx here; stop (exit 3) when there is neither."""
    from cipdocs import shipped

    with reported_errors():
        return shipped.choose_workbook(workbook).path


def _say_if_shipped(chosen: shipped.Chosen, what: str) -> Path:
    """Return the chosen file's path, noting on stderr when it is the copy shipped with cipdocs."""
    from cipdocs import shipped

    note = shipped.describe(chosen, what)
    if note:
        _err(note)
    return chosen.path


def _since(context: click.Context, parameter: click.Parameter, value: str | None) -> options.Since:
    if value is None:
        return None
    return options.NO_PREVIOUS if value == options.NO_PREVIOUS else Path(value)


since_option = click.option(
    "--since",
    metavar="PATH|none",
    callback=_since,
    help="The previous update to compare with: a deck or Word update cipdocs wrote, or an "
    "earlier workbook; `none` compares with nothing. Default: the newest earlier update in "
    "the output folder (docs/cycle.md).",
)
previous_folder_option = click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=options.DEFAULT_OUTPUT_DIR,
    show_default=True,
    help="Folder where the previous update is looked for.",
)


def _err(line: str) -> None:
    # A terminal that hung up (SIGHUP) or a stderr piped to a finished reader: say nothing.
    with process.broken_streams_ignored():
        click.echo(line, err=True)


def _load_and_compare(
    workbook: Path | None, since: options.Since, output_dir: Path
) -> tuple[LoadedReport, Comparison]:
    """Return the report of WORKBOOK (printing its warnings) and its comparison with the
    previous update, for the commands that show both."""
    from cipdocs import cycle, loading  # imported here so that --help stays fast

    chosen = _chosen_workbook(workbook)
    with reported_errors():
        loaded = loading.load_report(chosen)
        comparison = cycle.compare_with_previous(loaded.report, since, output_dir)
    _print_warnings(loaded.warnings + comparison.warnings)
    return loaded, comparison


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
            import traceback  # imported here (as json below) so that --help stays fast

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


class CipdocsGroup(click.Group):
    """The `cipdocs` group: whole command descriptions in --help, and Ctrl-C exits 130."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its whole first sentence (click cuts it to one line)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; on Ctrl-C say `interrupted` and exit 130 (click says `Aborted!`, 1),
        on SIGTERM and SIGHUP the same with their own exit code; a stream closed while printing
        is one line too."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as interrupt:
            line, code = process.describe_interrupt(interrupt)
            _err(line)
            sys.exit(code)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            line, fd = process.closed_while_printing()
            _say_on(fd, line)
            sys.exit(process.OUTPUT_PROBLEM_EXIT)


def _say_on(fd: int, line: str) -> None:
    """Print `line` straight to file descriptor `fd` (no stream of Python's may be usable)."""
    if fd >= 0:
        with process.broken_streams_ignored():
            os.write(fd, f"{line}\n".encode())


@click.group(cls=CipdocsGroup, context_settings=CONTEXT_SETTINGS)
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
    6 output problem, 7 converter problem, 8 deck check findings, 70 internal self-check failure,
    130 interrupted (129 SIGHUP, 143 SIGTERM)
    (docs/errors.md).
    """


@cli.command(context_settings=CONTEXT_SETTINGS)
@workbook_argument
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say where each sheet's header row was found (an Excel Table, or row N).",
)
def check(workbook: Path | None, verbose: bool) -> None:
    """Validate WORKBOOK (default: inputs/cip-ccg.xlsx) and list every problem at once.

    Each problem is printed as `Sheet!Cell: what is wrong; how to fix it`. Warnings (things
    that do not stop a run) are printed too. Exits 0 when the workbook is usable.

    \b
    Examples:
      cipdocs check
      cipdocs check "CIP-CCG tracker.xlsx"
      cipdocs check -v                   # also where each header row was found
    """
    from cipdocs import loading  # imported here so that --help stays fast

    workbook = _chosen_workbook(workbook)
    with reported_errors():
        loaded = loading.load_report(workbook)
        layout = loading.describe_workbook(workbook) if verbose else []
    for line in layout:
        _err(f"note: {line}")
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
@since_option
@previous_folder_option
def summary(workbook: Path | None, as_json: bool, since: options.Since, output_dir: Path) -> None:
    """Print the figures computed from WORKBOOK (default: inputs/cip-ccg.xlsx).

    Shows the framework status table, representation, and each participation band with its
    groups' attended/held meetings and rate, then what changed since the previous update when
    one is found in the output folder or named with --since (with --json, under `changes`;
    docs/cycle.md).

    \b
    Examples:
      cipdocs summary
      cipdocs summary --json > figures.json
      cipdocs summary --json --since "output/CIP-CCG Status Update 2024-08-30.pptx"
    """
    loaded, comparison = _load_and_compare(workbook, since, output_dir)
    if as_json:
        import json

        from cipdocs.report.changes import changes_as_json
        from cipdocs.report.present import report_as_json

        figures = report_as_json(loaded.report)
        if comparison.previous is not None:
            figures["changes"] = changes_as_json(comparison.changes)
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        from cipdocs.report.summary import format_summary

        click.echo(format_summary(loaded.report))
        if comparison.previous is not None:
            click.echo("")
            _print_changes(comparison)


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
    workbook = _chosen_workbook(workbook)
    fmt = options.OutputFormat(output_format)
    if fmt.includes(options.OutputFormat.PPTX):
        deck_template = _say_if_shipped(
            shipped.choose_deck_template(deck_template), "deck template"
        )
    if fmt.includes(options.OutputFormat.DOCX):
        update_template = _say_if_shipped(
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
        parallel=not _debug_requested(),
        since=since,
        fresh=fresh,
    )
    from cipdocs import app, cycle, loading  # imported here so that --help stays fast

    written: list[Path] = []
    try:
        with reported_errors(), app.office_for(request) as office:
            loaded = loading.load_report(workbook)
            _print_warnings(loaded.warnings)
            comparison = cycle.compare_with_previous(loaded.report, since, output_dir)
            _print_warnings(comparison.warnings)
            if comparison.previous is not None:
                _err(f"comparing with {comparison.previous.path}")
            app.build_documents(
                request, loaded, _err, comparison=comparison, written=written, office=office
            )
    except KeyboardInterrupt:
        # What is already written is complete (temp file, then rename): say where it is.
        for path in written:
            click.echo(str(path))
        raise
    for path in written:
        click.echo(str(path))


@cli.command(context_settings=CONTEXT_SETTINGS)
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


@cli.command(context_settings=CONTEXT_SETTINGS)
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
        _say_if_shipped(shipped.choose_deck_template(None), "deck template"),
        _say_if_shipped(shipped.choose_update_template(None), "Word template"),
    ]
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
    click.echo("ok: no problems")


@cli.command(context_settings=CONTEXT_SETTINGS)
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
        _err(f"kept {path} (already there)")
    where = "" if folder == Path() else f"cd {folder} && "
    _err(f"ready: {where}cipdocs check && cipdocs deck")


@cli.command("check-deck", context_settings=CONTEXT_SETTINGS)
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
    _err(f"ok: {deck}: no {checks} findings")


@cli.command(context_settings=CONTEXT_SETTINGS)
@workbook_argument
@since_option
@previous_folder_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the changes as JSON (docs/cycle.md shows the shape).",
)
def changes(workbook: Path | None, since: options.Since, output_dir: Path, as_json: bool) -> None:
    """Print what changed between the previous update and WORKBOOK (default: inputs/cip-ccg.xlsx).

    The previous update is the newest earlier deck or Word update in the output folder, or
    the file named with --since: a .pptx or .docx cipdocs wrote, or an earlier workbook.
    Framework status moves, groups added or removed, representation gained or lost, meetings
    held or cancelled since, Represented since dates, participation band moves, milestones
    added, removed, reworded or re-statused, roadmap phases added, removed, renamed, re-dated
    or re-statused (docs/cycle.md).

    \b
    Examples:
      cipdocs changes
      cipdocs changes --since "output/CIP-CCG Status Update 2024-08-30.pptx"
      cipdocs changes new.xlsx --since old.xlsx --json
    """
    import json

    from cipdocs.report.changes import changes_as_json

    _, comparison = _load_and_compare(workbook, since, output_dir)
    if as_json:
        click.echo(json.dumps(changes_as_json(comparison.changes), indent=2, ensure_ascii=False))
        return
    if comparison.previous is None:
        where = "" if since == options.NO_PREVIOUS else f" in {output_dir}"
        click.echo(f"No previous update{where} to compare with.")
        return
    _print_changes(comparison)


def _print_changes(comparison: Comparison) -> None:
    """Print the changes since the previous update of `comparison`, which must have one."""
    from cipdocs.report.present import present_changes, short_date

    assert comparison.previous is not None
    view = present_changes(comparison.changes, comparison.previous_file)
    held = view.meetings_held_since
    since_date = short_date(comparison.previous.report.report_date)
    click.echo(
        f"Since the last update ({since_date}, {comparison.previous.path}): "
        f"{held} {'meeting' if held == 1 else 'meetings'} held"
    )
    for line in view.lines:
        click.echo(f"- {line}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument(
    "folder",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=options.DEFAULT_OUTPUT_DIR,
    required=False,
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the updates as JSON (docs/cycle.md shows the shape).",
)
def history(folder: Path, as_json: bool) -> None:
    """List every update cipdocs wrote in FOLDER (default: output/), oldest first.

    Read from the data each deck and Word update carries: report date, files, status counts,
    representation, meetings held and median participation. Other files are skipped.

    \b
    Examples:
      cipdocs history
      cipdocs history "Shared/CIP-CCG updates" --json
    """
    import json

    from cipdocs import cycle  # imported here so that --help stays fast
    from cipdocs.report.history import format_history, history_as_json

    skipped: list[Issue] = []
    with reported_errors():
        entries = cycle.read_history(folder, skipped)
    _print_warnings(tuple(skipped))
    if as_json:
        click.echo(json.dumps(history_as_json(entries), indent=2, ensure_ascii=False))
    elif entries:
        click.echo(format_history(entries))
    else:
        _err(f"no updates written by cipdocs in {folder}")


def main() -> None:
    """Run the command line."""
    problem = process.startup_problem()
    if problem is not None:
        message, fd = problem
        _say_on(fd, f"error: {message}")
        sys.exit(process.OUTPUT_PROBLEM_EXIT)
    # A console that cannot show a character (an emoji in a group name, on a cp1252 or ASCII
    # terminal) gets a replacement character, never a UnicodeEncodeError traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    process.stop_on_signals()
    cli(prog_name="cipdocs")
