"""`cipdocs check`, `summary`, `changes` and `history`: the workbook's figures and what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cipdocs import options
from cipdocs.cli.group import (
    CONTEXT_SETTINGS,
    chosen_workbook,
    err,
    load_and_compare,
    previous_folder_option,
    print_warnings,
    reported_errors,
    since_option,
    workbook_argument,
)
from cipdocs.errors import Issue

if TYPE_CHECKING:
    from cipdocs.cycle import Comparison


@click.command(context_settings=CONTEXT_SETTINGS)
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

    workbook = chosen_workbook(workbook)
    with reported_errors():
        loaded = loading.load_report(workbook)
        layout = loading.describe_workbook(workbook) if verbose else []
    for line in layout:
        err(f"note: {line}")
    print_warnings(loaded.warnings)
    err(
        f"ok: {workbook} is usable ({loaded.report.representation.total} groups, "
        f"{loaded.report.meetings_held} meetings held by {loaded.report.report_date.isoformat()})"
    )


@click.command(context_settings=CONTEXT_SETTINGS)
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
    loaded, comparison = load_and_compare(workbook, since, output_dir)
    if as_json:
        import json

        from cipdocs.report.as_json import report_as_json
        from cipdocs.report.changes import changes_as_json

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


@click.command(context_settings=CONTEXT_SETTINGS)
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

    _, comparison = load_and_compare(workbook, since, output_dir)
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
    from cipdocs.report.formats import short_date
    from cipdocs.report.present_changes import present_changes

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


@click.command(context_settings=CONTEXT_SETTINGS)
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
    print_warnings(tuple(skipped))
    if as_json:
        click.echo(json.dumps(history_as_json(entries), indent=2, ensure_ascii=False))
    elif entries:
        click.echo(format_history(entries))
    else:
        err(f"no updates written by cipdocs in {folder}")
