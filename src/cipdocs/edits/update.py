"""Hand edits of the Word update: what a person changed, and carrying it into the next one.

The update carries a snapshot of what cipdocs wrote (update_units.py): each body paragraph and
table row with where it came from in the template, whether the workbook made it, its text and
look. An edited document is read against its snapshot by content (update_changes.py), and the
edits are carried three-way into the next update (update_carry.py), the elements they hold
made to stand in the new package (update_graft.py). docs/cycle.md says it for staff.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from cipdocs.edits.model import Carried, Edit
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

__all__ = [
    "NoSnapshotError",
    "carry_update_edits",
    "finish_update",
    "list_update_edits",
    "mark_origins",
    "snapshot_update",
]


class NoSnapshotError(ValueError):
    """The document carries no record of what cipdocs wrote (cipdocs did not make it)."""


def finish_update(
    package: bytes, earlier: tuple[bytes, Path] | None
) -> tuple[bytes, Carried | None]:
    """Return the rendered `package` with its snapshot, and the edits of `earlier` carried into it.

    `package` is the Word update as docxtpl saved it from a template marked by `mark_origins`;
    `earlier` (its bytes and path) is the document to take hand edits from. The result is None
    without an earlier document, or when that one carries no snapshot.
    """
    fresh = snapshot_update(package)
    if earlier is None:
        return fresh, None
    data, path = earlier
    try:
        carried = carry_update_edits(data, path, fresh)
    except NoSnapshotError:
        return fresh, None
    return carried.data, carried


def snapshot_update(package: bytes) -> bytes:
    """Return `package` with its origin marks read into a snapshot, embedded, and removed."""
    document = WordPackage(package)
    snapshot = take_snapshot(document.body)
    return embed_snapshot(document.data(), snapshot_json(snapshot))


def list_update_edits(package: bytes) -> list[Edit]:
    """Return the hand edits in the Word update `package`, in document order.

    Raise `NoSnapshotError` when cipdocs did not make it (it carries no snapshot).
    """
    document = WordPackage(package)
    written = _snapshot(package)
    return [change.edit for change in compare_units(written, read_units(document.body)).all()]


def carry_update_edits(earlier: bytes, earlier_path: Path, fresh: bytes) -> Carried:
    """Return `fresh` (a Word update just written) with the hand edits of `earlier` carried in.

    Raise `NoSnapshotError` when `earlier` carries no snapshot. The new document keeps its own
    snapshot, of the content cipdocs wrote, so carried edits stay hand edits next time.
    """
    before, earlier_package = _read_earlier(earlier)
    changes = compare_units(before, read_units(earlier_package.body))
    if changes.empty:
        return Carried(fresh, earlier_path, (), ())
    after = _snapshot(fresh)
    fresh_package = WordPackage(fresh)
    units = read_units(fresh_package.body)
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
        raise NoSnapshotError("the document is not a Word document cipdocs can read") from None


def _snapshot(package: bytes) -> tuple[Written, ...]:
    data = read_snapshot(package)
    snapshot = None if data is None else parse_snapshot(data)
    if snapshot is None:
        raise NoSnapshotError("the document carries no snapshot of what cipdocs wrote")
    return snapshot
