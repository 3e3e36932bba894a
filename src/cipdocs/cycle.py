"""The update cycle (docs/cycle.md): earlier updates read back from the files cipdocs wrote.

Finds the previous update in the output folder or reads the one named with ``--since``, and
compares; the documents then show the changes. No click here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import CipdocsError, Issue, NewerUpdateError, PreviousUpdateError
from cipdocs.options import NO_PREVIOUS, Since
from cipdocs.report.changes import NO_CHANGES, Changes, compute_changes
from cipdocs.report.formats import short_date
from cipdocs.report.history import HistoryEntry, compute_history
from cipdocs.report.model import Report

UPDATE_SUFFIXES = (".pptx", ".docx")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class EarlierUpdate:
    """An earlier update: the report it carried and the file it was read from."""

    path: Path
    report: Report


@dataclass(frozen=True)
class Comparison:
    """The previous update an update is compared with (None without one), and what moved."""

    previous: EarlierUpdate | None
    changes: Changes
    earlier: tuple[HistoryEntry, ...] = ()
    """The updates in the output folder dated before this one, oldest first (the history)."""
    warnings: tuple[Issue, ...] = ()
    """One per file in the output folder skipped as damaged or unreadable."""

    @property
    def previous_file(self) -> str:
        """Return the previous update's file name, or empty without one."""
        return self.previous.path.name if self.previous else ""


def iter_updates(folder: Path, skipped: list[Issue] | None = None) -> Iterator[EarlierUpdate]:
    """Yield the updates cipdocs wrote in `folder`, by file name; other files are skipped.

    A damaged, hostile or unreadable file is skipped as if it were absent, with a warning
    added to `skipped`: one bad file in a shared folder must not stop everyone's run. A file
    written by a newer cipdocs is not skipped: `NewerUpdateError` says to upgrade.
    """
    if not folder.is_dir():
        return
    paths = sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in UPDATE_SUFFIXES
        # Office's lock files (~$…) and cipdocs' own temporary files (.…tmp) are not updates.
        and not path.name.startswith(("~$", "."))
        and path.is_file()
    )
    from cipdocs.render.embed import read_embedded_report

    for path in paths:
        try:
            report = read_embedded_report(path)
        except NewerUpdateError:
            raise
        except CipdocsError as error:
            if skipped is not None:
                # The message's last part is the fix for --since; here the file is passed over.
                what = error.message.rsplit("; ", 1)[0]
                fix = "it is skipped (delete it, or replace it with a sound copy)"
                skipped.append(Issue("", f"{what}; {fix}"))
            continue
        if report is not None:
            yield EarlierUpdate(path, report)


def find_previous_update(
    updates: Iterable[EarlierUpdate], report_date: dt.date
) -> EarlierUpdate | None:
    """Return the newest of `updates` dated before `report_date`, or None."""
    earlier = [update for update in updates if update.report.report_date < report_date]
    # A deck and its Word update carry the same report; the later name (.pptx) is taken.
    return max(
        earlier, key=lambda update: (update.report.report_date, update.path.name), default=None
    )


def read_previous_update(path: Path) -> EarlierUpdate:
    """Return the update at `path`: a deck or Word update cipdocs wrote, or a workbook."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from cipdocs.loading import load_report  # reading a workbook is heavy: import when used

        return EarlierUpdate(path, load_report(path).report)
    if not path.is_file():
        problem = "is a folder" if path.is_dir() else "does not exist"
        raise PreviousUpdateError(
            f"{path}: the previous update {problem}; name a deck or Word update cipdocs "
            "wrote, or an earlier workbook, with --since (or --since none)"
        )
    from cipdocs.render.embed import read_embedded_report

    report = read_embedded_report(path)
    if report is None:
        raise PreviousUpdateError(
            f"{path}: holds no data cipdocs can compare with (it was not written by cipdocs, "
            "or by a version before it embedded its data); name a deck or Word update cipdocs "
            "wrote, or the workbook of that update, with --since"
        )
    return EarlierUpdate(path, report)


def compare_with_previous(report: Report, since: Since, output_dir: Path) -> Comparison:
    """Return `report` compared with the update `since` names, or the one found in `output_dir`,
    with the earlier updates `output_dir` holds (for the history, whatever `since` says).

    Raise `PreviousUpdateError` when a named update is not dated before `report`.
    """
    skipped: list[Issue] = []
    found = list(iter_updates(output_dir, skipped))
    earlier = compute_history(
        (update.path.name, update.report)
        for update in found
        if update.report.report_date < report.report_date
    )
    if since is None:
        previous = find_previous_update(found, report.report_date)
    elif since == NO_PREVIOUS:
        previous = None
    else:
        previous = read_previous_update(Path(since))
        if previous.report.report_date >= report.report_date:
            raise PreviousUpdateError(
                f"{since}: the previous update is dated {short_date(previous.report.report_date)}, "
                f"not before this update ({short_date(report.report_date)}); name an earlier "
                "update with --since, or use --since none"
            )
    warnings = tuple(skipped)
    if previous is None:
        return Comparison(None, NO_CHANGES, earlier, warnings)
    return Comparison(previous, compute_changes(previous.report, report), earlier, warnings)


def read_history(folder: Path, skipped: list[Issue] | None = None) -> tuple[HistoryEntry, ...]:
    """Return the updates cipdocs wrote in `folder`, one per report date, oldest first; a file
    skipped as damaged adds a warning to `skipped`."""
    return compute_history(
        (update.path.name, update.report) for update in iter_updates(folder, skipped)
    )
