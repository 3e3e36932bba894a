"""Hand edits of the Word update: what a person changed, and carrying it into the next one.

The update carries a snapshot of what cipdocs wrote (update_units.py): each body paragraph and
table row with where it came from in the template, whether the workbook made it, its text and
look. An edited document is read against its snapshot by content (update_changes.py), and the
edits are carried three-way into the next update (update_carry.py), the elements they hold
made to stand in the new package (update_graft.py). docs/cycle.md says it for staff.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cipdocs.edits.model import Carried, Edit, carried_lines
from cipdocs.edits.snapshot import embed_snapshot, read_snapshot
from cipdocs.edits.update_carry import Carrier, Outcome
from cipdocs.edits.update_changes import compare_units
from cipdocs.edits.update_graft import Graft, WordPackage
from cipdocs.edits.update_units import (
    Written,
    mark_origins,
    parse_snapshot,
    read_units,
    snapshot_json,
    take_snapshot,
)
from cipdocs.errors import CipdocsError
from cipdocs.package.archive import check_zip_archive

__all__ = [
    "DamagedUpdateError",
    "NoSnapshotError",
    "UpdateEdits",
    "carry_update_edits",
    "finish_update",
    "list_update_edits",
    "mark_origins",
    "snapshot_update",
]


class NoSnapshotError(ValueError):
    """The document carries no record of what cipdocs wrote (cipdocs did not make it)."""


class DamagedUpdateError(NoSnapshotError):
    """The document's snapshot or Word parts cannot be read (a damaged file)."""


DAMAGED = "the Word update is damaged; open it in Word and save it again"


@dataclass(frozen=True)
class UpdateEdits:
    """What became of an earlier Word update's hand edits in one run, and what to say of it."""

    carried: Carried | None = None
    """The edits carried and left behind; None when there was no earlier update to take from."""
    problem: str = ""
    """Why no edits were taken from an earlier update that could not be read."""

    def lines(self) -> list[str]:
        """Return what to print: how many edits were carried and from where, and a warning for
        each left behind (or why none were taken); nothing when the earlier update has none."""
        return carried_lines(self.carried, self.problem, "the Word update")


def finish_update(package: bytes, edits_from: Path | None) -> tuple[bytes, UpdateEdits]:
    """Return the rendered `package` with its snapshot, and the edits of `edits_from` carried in.

    `package` is the Word update as docxtpl saved it from a template marked by `mark_origins`;
    `edits_from` is the Word update to take hand edits from (None: none). One that cipdocs did
    not write is passed over; one that cannot be read is named in the outcome's `problem`.
    """
    fresh = snapshot_update(package)
    if edits_from is None or not edits_from.is_file():
        return fresh, UpdateEdits()
    try:
        check_zip_archive(edits_from, what="earlier Word update", error=CipdocsError)
        carried = carry_update_edits(edits_from.read_bytes(), edits_from, fresh)
    except DamagedUpdateError:
        return fresh, UpdateEdits(problem=f"{edits_from}: {DAMAGED}")
    except NoSnapshotError:
        return fresh, UpdateEdits()
    except CipdocsError as error:
        return fresh, UpdateEdits(problem=str(error).split(";")[0])
    except OSError as error:
        return fresh, UpdateEdits(problem=f"{edits_from}: cannot be read ({error.strerror})")
    return carried.data, UpdateEdits(carried)


def snapshot_update(package: bytes) -> bytes:
    """Return `package` with its origin marks read into a snapshot, embedded, and removed."""
    document = WordPackage(package)
    snapshot = take_snapshot(document.body, document.style_names())
    return embed_snapshot(document.data(), snapshot_json(snapshot))


def list_update_edits(package: bytes) -> list[Edit]:
    """Return the hand edits in the Word update `package`, in document order.

    Raise `NoSnapshotError` when cipdocs did not make it (it carries no snapshot), and its
    `DamagedUpdateError` when the file cannot be read.
    """
    written, document = _read_earlier(package)
    return [
        change.edit
        for change in compare_units(
            written, read_units(document.body, document.style_names())
        ).all()
    ]


def carry_update_edits(earlier: bytes, earlier_path: Path, fresh: bytes) -> Carried:
    """Return `fresh` (a Word update just written) with the hand edits of `earlier` carried in.

    Raise `NoSnapshotError` when `earlier` carries no snapshot, `DamagedUpdateError` when it
    cannot be read. The new document keeps its own
    snapshot, of the content cipdocs wrote, so carried edits stay hand edits next time.
    """
    before, earlier_package = _read_earlier(earlier)
    changes = compare_units(before, read_units(earlier_package.body, earlier_package.style_names()))
    if changes.empty:
        return Carried(fresh, earlier_path, (), ())
    after = _snapshot(fresh)
    fresh_package = WordPackage(fresh)
    units = read_units(fresh_package.body, fresh_package.style_names())
    outcome = Outcome()
    graft = Graft(earlier_package, fresh_package)
    Carrier(graft, outcome).carry(changes, before, after, units, fresh_package.body)
    return Carried(
        fresh_package.data(), earlier_path, tuple(outcome.carried), tuple(outcome.not_carried)
    )


def _read_earlier(package: bytes) -> tuple[tuple[Written, ...], WordPackage]:
    snapshot = _snapshot(package)
    try:
        return snapshot, WordPackage(package)
    except (ValueError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        raise DamagedUpdateError(DAMAGED) from None


def _snapshot(package: bytes) -> tuple[Written, ...]:
    try:
        data = read_snapshot(package)
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise DamagedUpdateError(DAMAGED) from None
    snapshot = None if data is None else parse_snapshot(data)
    if snapshot is None:
        raise NoSnapshotError("the document carries no snapshot of what cipdocs wrote")
    return snapshot
