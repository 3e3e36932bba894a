"""A run's files as one transaction: staged as temporary files, then put in place together.

A run's documents (deck, Word update, PDFs, previews) are staged: each is written to a
temporary file beside its destination, in the output folder, so that the final rename stays on
one file system. Only when every one of them is complete and checked does `Staging.commit` put
them in place, together, with Ctrl-C, SIGTERM and SIGHUP held off meanwhile; any failure before
or during the commit leaves every earlier file as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import secrets
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

from cipdocs.errors import OutputProblemError

REPLACED_FOLDER = "replaced"
"""The folder, inside the output folder, that keeps the files a run replaced (docs/cycle.md)."""
HELD_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""The signals held off while a run's files are put in place, so the commit is never cut short."""


class Stager(Protocol):
    """Where a renderer hands a finished document: a `Staging`, or a collector in a child."""

    def stage(self, destination: Path, data: bytes, *, made_from: Path | None = None) -> None:
        """Take `data`, the complete and checked bytes of the file `destination`."""


@dataclass
class Collected:
    """Documents kept in memory, for a child process to hand to its parent's `Staging`."""

    documents: list[tuple[Path, bytes, Path | None]] = field(default_factory=list)

    def stage(self, destination: Path, data: bytes, *, made_from: Path | None = None) -> None:
        """Keep `data` for `destination` in memory."""
        self.documents.append((destination, data, made_from))


@dataclass(frozen=True)
class Staged:
    """A file of the run written to its temporary file, waiting for the commit."""

    destination: Path
    temporary: Path
    made_from: Path | None
    """The document this file was made from (a PDF's deck), or None for a document."""


@dataclass
class Committed:
    """What a commit did: the run's files, and the earlier files it kept or set aside."""

    written: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, Path]] = field(default_factory=list)
    """(file replaced, its kept copy): earlier files that differed from what the run wrote."""
    set_aside: list[tuple[Path, Path]] = field(default_factory=list)
    """(stale file, where it went): PDFs and previews of a changed document the run did not
    make again."""


class Staging:
    """The files of one run, staged as temporary files and put in place together by `commit`.

    With `keep_replaced` (a run of `cipdocs deck`), an earlier file that differs from the one
    replacing it is kept in the `replaced/` folder beside it, named with the time of the run;
    a PDF or preview is kept when the document it was made from changed (its bytes differ on
    every conversion anyway). Files with identical bytes are left untouched. A `scratch`
    staging holds files in the temporary folder, and its errors say so.
    """

    def __init__(self, *, keep_replaced: bool = True, scratch: bool = False) -> None:
        self.keep_replaced = keep_replaced
        self._problem = temporary_folder_problem if scratch else output_problem
        self.staged: list[Staged] = []
        self._derived: dict[Path, list[Path]] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()

    def stage(self, destination: Path, data: bytes, *, made_from: Path | None = None) -> None:
        """Write `data` to a new temporary file beside `destination`, to be put in place by
        `commit`; `made_from` names the document a PDF or preview was made from."""
        prepare_output_dir(destination.parent)
        if destination.is_dir():
            raise OutputProblemError(
                f"{destination}: a folder has this file's name; rename or remove the folder"
            )
        # Held off, so that a Ctrl-C cannot fall between making the file and noting it.
        with _signals_held():
            try:
                handle, name = tempfile.mkstemp(
                    prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
                )
            except OSError as error:
                raise self._problem(error, destination.parent) from None
            temporary = Path(name)
            self.staged.append(Staged(destination, temporary, made_from))
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            temporary.chmod(0o644)
        except OSError as error:
            raise self._problem(error, destination) from None

    def temporary(self, destination: Path) -> Path:
        """Return the temporary file staged for `destination`."""
        return next(s.temporary for s in self.staged if s.destination == destination)

    def made_earlier(self, document: Path, files: Iterable[Path]) -> None:
        """Note `files` an earlier run made from `document` (its PDF, its previews).

        Those this run does not make again are set aside at the commit when `document`
        changes, so that no PDF or preview older than its document is left beside it.
        """
        self._derived.setdefault(document, []).extend(files)

    def commit(self, on_done: Callable[[Committed], None] | None = None) -> Committed:
        """Put every staged file in place, keeping the replaced ones; all or nothing.

        Raise `OutputProblemError` when a file cannot be put in place: the files already
        moved are moved back, so every earlier file is as it was. `on_done` is called with
        the outcome while signals are still held, so that a Ctrl-C that came meanwhile still
        finds the files recorded as written.
        """
        done = Committed()
        undo: list[tuple[Path, Path | None]] = []
        backups: list[Path] = []
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
        with _signals_held():
            try:
                same = {s.destination: _same_bytes(s.destination, s.temporary) for s in self.staged}
                changed = {s.destination: not same[s.destination] for s in self.staged}
                for staged in self.staged:
                    if not same[staged.destination]:
                        self._put_in_place(staged, changed, stamp, done, undo, backups)
                    done.written.append(staged.destination)
                for document, files in self._derived.items():
                    if changed.get(document, False):
                        self._set_aside(files, stamp, done, undo)
                if on_done is not None:
                    on_done(done)
            except OSError as error:
                _roll_back(undo)
                where = Path(error.filename) if error.filename else Path()
                raise self._problem(error, where) from None
            finally:
                self.discard()
                for backup in backups:
                    with contextlib.suppress(OSError):
                        backup.unlink(missing_ok=True)
        return done

    def discard(self) -> None:
        """Remove every temporary file still staged."""
        for staged in self.staged:
            with contextlib.suppress(OSError):
                staged.temporary.unlink(missing_ok=True)

    def _put_in_place(
        self,
        staged: Staged,
        changed: dict[Path, bool],
        stamp: str,
        done: Committed,
        undo: list[tuple[Path, Path | None]],
        backups: list[Path],
    ) -> None:
        destination = staged.destination
        document_changed = changed.get(staged.made_from or destination, True)
        earlier = None
        if destination.is_file():
            if self.keep_replaced and document_changed:
                earlier = _keep_copy(destination, stamp)
                done.kept.append((destination, earlier))
            else:
                # Not kept, yet needed to put the file back if a later rename fails.
                earlier = _link_beside(destination)
                backups.append(earlier)
        undo.append((destination, earlier))
        try:
            staged.temporary.replace(destination)
        except OSError as error:
            error.filename = str(destination)
            raise

    def _set_aside(
        self, files: list[Path], stamp: str, done: Committed, undo: list[tuple[Path, Path | None]]
    ) -> None:
        made_now = {staged.destination for staged in self.staged}
        for stale in files:
            if stale in made_now or not stale.is_file():
                continue
            kept = _keep_copy(stale, stamp)
            stale.unlink()
            undo.append((stale, kept))
            done.set_aside.append((stale, kept))


def prepare_output_dir(folder: Path) -> None:
    """Create `folder` if needed; raise `OutputProblemError` when it cannot be a folder."""
    if folder.exists() and not folder.is_dir():
        raise OutputProblemError(
            f"{folder}: the output folder is a file; choose another folder with -o/--output-dir"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputProblemError(
            f"{folder}: cannot create the output folder ({error.strerror}); "
            "choose another folder with -o/--output-dir"
        ) from None


def output_problem(error: OSError, path: Path) -> OutputProblemError:
    """Return the one-line error for `error`, met writing `path` (a file or folder)."""
    code = error.errno
    if code == errno.ENOSPC:
        return OutputProblemError(
            f"{path}: the disk is full ({error.strerror}); free some space, or choose another "
            "folder with -o/--output-dir"
        )
    if code == errno.EDQUOT:
        return OutputProblemError(
            f"{path}: your disk quota is used up ({error.strerror}); free some space, or "
            "choose another folder with -o/--output-dir"
        )
    if code == errno.EFBIG:
        limit = file_size_limit()
        size = "" if limit is None else f" of {limit:,} bytes"
        return OutputProblemError(
            f"{path}: the file would exceed this session's file-size limit{size} "
            "(ulimit -f); raise the limit (ulimit -f unlimited) and run again"
        )
    if code == errno.ENOTDIR and path.name == REPLACED_FOLDER:
        return OutputProblemError(
            f"{path}: a file has the name of the folder where cipdocs keeps the files a run "
            "replaces; rename or remove that file"
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputProblemError(
            f"{path}: cannot write here ({error.strerror}); check the folder's permissions or "
            "choose another folder with -o/--output-dir"
        )
    return OutputProblemError(
        f"{path}: cannot replace the file ({error.strerror}); "
        "close it if it is open in PowerPoint or Word, then run again"
    )


def temporary_folder_problem(error: OSError, path: Path | None = None) -> OutputProblemError:
    """Return the one-line error for `error`, met writing in the temporary folder."""
    folder = tempfile.gettempdir() if path is None else path
    room = "point TMPDIR at a folder with room"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        cause, fix = (
            f"the temporary folder is full ({error.strerror})",
            f"free some space there, or {room}",
        )
    elif error.errno == errno.EFBIG:
        return output_problem(error, Path(folder))
    elif error.errno == errno.ENOENT:
        cause = f"no usable temporary folder ({error.strerror})"
        fix = "create it, or point TMPDIR at an existing folder"
    else:
        cause = f"cannot write in the temporary folder ({error.strerror})"
        fix = "point TMPDIR at a folder you can write in"
    return OutputProblemError(f"{folder}: {cause}; {fix}")


def file_size_limit() -> int | None:
    """Return this process's file-size limit in bytes (ulimit -f), or None without one."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if limit == resource.RLIM_INFINITY else limit


def _same_bytes(existing: Path, staged: Path) -> bool:
    """Return True when `existing` is a file holding exactly the bytes of `staged`."""
    try:
        if not existing.is_file() or existing.stat().st_size != staged.stat().st_size:
            return False
        return existing.read_bytes() == staged.read_bytes()
    except OSError:
        return False


def _keep_copy(path: Path, stamp: str) -> Path:
    """Keep `path` as `replaced/<name> (replaced <stamp>)<suffix>` beside it; return the copy.

    A hard link costs no room and keeps the very file; where the file system has none (some
    network shares), a copy. Never over an existing file: a second run in the same second gets
    ` 2` after the time.
    """
    folder = path.parent / REPLACED_FOLDER
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    folder.mkdir(exist_ok=True)
    number = 1
    while True:
        extra = "" if number == 1 else f" {number}"
        kept = folder / f"{path.stem} (replaced {stamp}{extra}){path.suffix}"
        try:
            os.link(path, kept)
            return kept
        except FileExistsError:
            number += 1
            continue
        except OSError:
            pass
        try:
            with path.open("rb") as source, kept.open("xb") as target:
                shutil.copyfileobj(source, target)
        except FileExistsError:
            number += 1
            continue
        except OSError:
            kept.unlink(missing_ok=True)
            raise
        return kept


def _link_beside(path: Path) -> Path:
    """Return a hidden second name of `path` beside it (a copy where links are not allowed)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
    try:
        os.link(path, temporary)
    except FileExistsError:
        return _link_beside(path)
    except OSError:
        shutil.copyfile(path, temporary)
    return temporary


def _roll_back(undo: list[tuple[Path, Path | None]]) -> None:
    """Put back the earlier files a failed commit had replaced or set aside, newest first;
    a file that was not there before is removed."""
    for destination, kept in reversed(undo):
        with contextlib.suppress(OSError):
            if kept is None:
                destination.unlink(missing_ok=True)
            elif destination.is_file() and kept.samefile(destination):
                kept.unlink()  # the rename failed: the file is still in place
            else:
                kept.replace(destination)
    for destination, _ in undo:
        # The replaced/ folder this commit made, now empty again (an older one holds files).
        with contextlib.suppress(OSError):
            (destination.parent / REPLACED_FOLDER).rmdir()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold off Ctrl-C, SIGTERM and SIGHUP meanwhile; they are delivered afterwards."""
    held = {getattr(signal, name) for name in HELD_SIGNALS if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
