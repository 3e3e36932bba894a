"""`cipdocs edits FILE`: the hand edits a deck or Word update holds, by the file's type."""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

from cipdocs.edits.model import Edit
from cipdocs.errors import NotCipdocsDocumentError

SUFFIXES = (".pptx", ".docx")
NO_RECORD = (
    "holds no record of what cipdocs wrote (cipdocs did not make it, or a version before it "
    "kept one), so its hand edits cannot be told; name a deck or Word update cipdocs wrote"
)


def read_edits(path: Path) -> list[Edit]:
    """Return the hand edits of the deck or Word update at `path`, relative to what cipdocs
    wrote there; raise `NotCipdocsDocumentError` for a file cipdocs did not make."""
    from cipdocs.package.archive import check_zip_archive

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NotCipdocsDocumentError(
            f"{path}: not a .pptx or .docx; name a deck or Word update cipdocs wrote"
        )
    if not path.is_file():
        problem = "is a folder" if path.is_dir() else "does not exist"
        raise NotCipdocsDocumentError(f"{path}: the file {problem}; check the name")
    if not zipfile.is_zipfile(path):
        raise NotCipdocsDocumentError(
            f"{path}: not a PowerPoint or Word file; name a deck or Word update cipdocs wrote"
        )
    check_zip_archive(path, what="document", error=NotCipdocsDocumentError)
    package = path.read_bytes()
    if suffix == ".pptx":
        from cipdocs.edits.deck import UNREADABLE, NoSnapshotError, list_deck_edits

        try:
            return list_deck_edits(package)
        except NoSnapshotError:
            raise NotCipdocsDocumentError(f"{path}: {NO_RECORD}") from None
        except UNREADABLE:
            raise NotCipdocsDocumentError(
                f"{path}: the deck is damaged; open it in PowerPoint and save it again"
            ) from None
    # The Word update's edits (edits/update.py, issue 17's Word half).
    update = importlib.import_module("cipdocs.edits.update")
    try:
        return list(update.list_update_edits(package))
    except update.NoSnapshotError:
        raise NotCipdocsDocumentError(f"{path}: {NO_RECORD}") from None
