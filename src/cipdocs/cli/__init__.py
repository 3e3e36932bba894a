"""The `cipdocs` command line: parse options, call the app, map errors to exit codes.

The only package that imports click: the group and what its commands share (group.py), and
the commands, each importing the core only when it runs, so that --help stays fast."""

from __future__ import annotations

import sys

from cipdocs import process
from cipdocs.cli.build import deck
from cipdocs.cli.documents import check_deck, edits, init, templates
from cipdocs.cli.figures import changes, check, history, summary
from cipdocs.cli.group import cli, say_on

__all__ = ["cli", "main"]

for command in (check, summary, deck, edits, templates, init, check_deck, changes, history):
    cli.add_command(command)


def main() -> None:
    """Run the command line."""
    problem = process.startup_problem()
    if problem is not None:
        message, fd = problem
        say_on(fd, f"error: {message}")
        sys.exit(process.OUTPUT_PROBLEM_EXIT)
    # A console that cannot show a character (an emoji in a group name, on a cp1252 or ASCII
    # terminal) gets a replacement character, never a UnicodeEncodeError traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    process.stop_on_signals()
    cli(prog_name="cipdocs")
