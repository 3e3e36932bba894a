"""The errors cipdocs reports to the user, one hierarchy with one exit code per kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Issue:
    """One problem or warning pinned to a place in the workbook or a template."""

    where: str
    """The place, e.g. ``Attendance!D14`` or ``slide 2, shape 'Status table'``."""
    message: str
    """What is wrong and how to fix it, e.g. ``'maybe' is not an attendance mark; use Y or N``."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class CipdocsError(Exception):
    """Base of every error meant for the user; the CLI exits with its `exit_code`."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """Return the lines to print for this error."""
        return [self.message]

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross from a worker process to the run (parallel.py) by pickle, which would
        # call __init__ with `args` alone; the subclasses' __init__ take other arguments.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(
    kind: type[CipdocsError], args: tuple[object, ...], state: dict[str, object]
) -> object:
    """Return the error `kind` with `args` and attributes `state`, its __init__ not called."""
    error = kind.__new__(kind, *args)
    error.__dict__.update(state)
    return error


class WorkbookUnreadableError(CipdocsError):
    """The workbook file is missing, is not an .xlsx workbook, or cannot be opened."""

    exit_code = 3


class PreviousUpdateError(CipdocsError):
    """The previous update named with --since cannot be compared: not cipdocs', damaged,
    written by a newer cipdocs, or not earlier than this update."""

    exit_code = 3


class NotCipdocsDocumentError(CipdocsError):
    """`cipdocs edits` was given a file cipdocs did not make (it holds no snapshot)."""

    exit_code = 3


class NewerUpdateError(PreviousUpdateError):
    """An earlier update's embedded data is in a format newer than this cipdocs reads."""


MAX_ISSUE_LINES = 18
"""The most issue lines an error prints: with the count, `check` stays under about 20 lines."""


class InvalidWorkbookError(CipdocsError):
    """The workbook opened, but its data breaks the contract; carries every issue found."""

    exit_code = 4

    def __init__(self, issues: Iterable[Issue], total: int | None = None) -> None:
        self.issues = tuple(issues)
        # `total` counts every problem when `issues` are grouped lines (247 cells in one line).
        count = len(self.issues) if total is None else total
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the workbook has {count} {noun}")

    def lines(self) -> list[str]:
        """Return one line per issue, at most `MAX_ISSUE_LINES`, then the count."""
        shown = [str(issue) for issue in self.issues]
        if len(shown) > MAX_ISSUE_LINES:
            hidden = len(shown) - (MAX_ISSUE_LINES - 1)
            shown = [
                *shown[: MAX_ISSUE_LINES - 1],
                f"... and {hidden} more not shown; fix these and run again",
            ]
        return [*shown, f"error: {self.message}"]


class TemplateProblemError(CipdocsError):
    """A template is missing, unreadable, or holds a placeholder that cannot be rendered."""

    exit_code = 5


class OutputProblemError(CipdocsError):
    """An output file or folder cannot be written."""

    exit_code = 6


class ConverterProblemError(CipdocsError):
    """LibreOffice or pdftoppm is missing, timed out, or produced no usable file."""

    exit_code = 7


class DeckCheckError(CipdocsError):
    """A deck fails the layout or accessibility check; carries every finding. Nothing is written."""

    exit_code = 8

    def __init__(
        self, deck: Path, findings: Iterable[object], fix: str = "fix them, then check again"
    ) -> None:
        self.findings = tuple(str(finding) for finding in findings)
        count = len(self.findings)
        noun = "finding" if count == 1 else "findings"
        super().__init__(f"{deck}: {count} {noun}; {fix}")

    def lines(self) -> list[str]:
        """Return one line per finding, then the count."""
        return [*self.findings, f"error: {self.message}"]


class SelfCheckError(CipdocsError):
    """A written document failed the structural self-check: a bug in cipdocs, not in the input."""

    exit_code = 70
