"""Make a working folder for `cipdocs init`: the sample workbook, the templates, output/.

Nothing that exists is ever replaced: the folder may already hold the staff's own files.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import OutputProblemError
from cipdocs.options import (
    DEFAULT_DECK_TEMPLATE,
    DEFAULT_OUTPUT_DIR,
    DEFAULT_UPDATE_TEMPLATE,
    DEFAULT_WORKBOOK,
)
from cipdocs.shipped import shipped_templates, shipped_workbook


@dataclass(frozen=True)
class InitResult:
    """What `init_folder` made, and what it found already there and left alone."""

    created: tuple[Path, ...]
    kept: tuple[Path, ...]


def init_folder(folder: Path) -> InitResult:
    """Give `folder` inputs/cip-ccg.xlsx, templates/ and output/, keeping every existing file."""
    if folder.exists() and not folder.is_dir():
        raise OutputProblemError(f"{folder}: is a file; give a folder to set up (or none for here)")
    deck, update = shipped_templates()
    copies = [
        (shipped_workbook(), folder / DEFAULT_WORKBOOK),
        (deck, folder / DEFAULT_DECK_TEMPLATE),
        (update, folder / DEFAULT_UPDATE_TEMPLATE),
    ]
    created: list[Path] = []
    kept: list[Path] = []
    for source, target in copies:
        (created if copy_new(source, target) else kept).append(target)
    output = folder / DEFAULT_OUTPUT_DIR
    (kept if output.is_dir() else created).append(output)
    _make_folder(output)
    return InitResult(tuple(created), tuple(kept))


def copy_new(source: Path, target: Path) -> bool:
    """Copy `source` to `target` unless `target` exists; return True when it was copied.

    The copy is written to a temporary file and linked into place, which fails rather than
    replaces when another program made `target` meanwhile, and never leaves half a file.
    """
    if target.exists():
        return False
    _make_folder(target.parent)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temporary = Path(name)
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(source.read_bytes())
        temporary.chmod(0o644)  # mkstemp makes it private; a copy of a template need not be
        os.link(temporary, target)
    except FileExistsError:
        return False
    except OSError as error:
        raise _cannot_write(target, error) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return True


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputProblemError(
            f"{folder}: cannot create the folder ({error.strerror}); "
            "check the permissions or choose another folder"
        ) from None


def _cannot_write(target: Path, error: OSError) -> OutputProblemError:
    return OutputProblemError(
        f"{target}: cannot write it ({error.strerror}); "
        "check the folder's permissions or choose another folder"
    )
