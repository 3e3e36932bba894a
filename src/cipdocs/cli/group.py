"""The `cipdocs` group: its options, shared arguments, and errors turned into exit codes."""

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


def chosen_workbook(workbook: Path | None) -> Path:
    """Return WORKBOOK, else inputs/cip-ccg.xlsx here; stop (exit 3) when there is neither."""
    from cipdocs import shipped

    with reported_errors():
        return shipped.choose_workbook(workbook).path


def say_if_shipped(chosen: shipped.Chosen, what: str) -> Path:
    """Return the chosen file's path, noting on stderr when it is the copy shipped with cipdocs."""
    from cipdocs import shipped

    note = shipped.describe(chosen, what)
    if note:
        err(note)
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


def err(line: str) -> None:
    """Print `line` on stderr."""
    # A terminal that hung up (SIGHUP) or a stderr piped to a finished reader: say nothing.
    with process.broken_streams_ignored():
        click.echo(line, err=True)


def load_and_compare(
    workbook: Path | None, since: options.Since, output_dir: Path
) -> tuple[LoadedReport, Comparison]:
    """Return the report of WORKBOOK (printing its warnings) and its comparison with the
    previous update, for the commands that show both."""
    from cipdocs import cycle, loading  # imported here so that --help stays fast

    chosen = chosen_workbook(workbook)
    with reported_errors():
        loaded = loading.load_report(chosen)
        comparison = cycle.compare_with_previous(loaded.report, since, output_dir)
    print_warnings(loaded.warnings + comparison.warnings)
    return loaded, comparison


def print_warnings(warnings: tuple[Issue, ...]) -> None:
    """Print each warning on stderr as `warning: ...`."""
    for warning in warnings:
        err(f"warning: {warning}")


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a `CipdocsError` into stderr lines and its exit code; --debug adds the traceback."""
    try:
        yield
    except CipdocsError as error:
        if debug_requested():
            import traceback  # imported here (as json below) so that --help stays fast

            traceback.print_exc()
        lines = error.lines()
        for line in lines[:-1]:
            err(line)
        err(lines[-1] if lines[-1].startswith("error:") else f"error: {lines[-1]}")
        sys.exit(error.exit_code)


def debug_requested() -> bool:
    """Return whether --debug was given."""
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
            err(line)
            sys.exit(code)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            line, fd = process.closed_while_printing()
            say_on(fd, line)
            sys.exit(process.OUTPUT_PROBLEM_EXIT)


def say_on(fd: int, line: str) -> None:
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
