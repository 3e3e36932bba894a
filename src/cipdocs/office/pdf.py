"""Convert the deck and the Word update to PDF with LibreOffice, and slides to PNG with pdftoppm."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cipdocs.errors import CipdocsError, ConverterProblemError, OutputProblemError
from cipdocs.render.files import (
    Stager,
    file_size_limit,
    prepare_output_dir,
    temporary_folder_problem,
    write_atomically,
)

Progress = Callable[[str], None]

SOFFICE_NAMES = ("soffice", "libreoffice", "soffice.exe")
"""The names LibreOffice's launcher goes by on Linux, macOS and Windows."""

SEARCH_FOLDERS: tuple[str, ...] = (
    "/usr/bin",
    "/usr/lib/libreoffice/program",
    "/opt/libreoffice*/program",
    "/Applications/LibreOffice.app/Contents/MacOS",
    "C:/Program Files/LibreOffice/program",
    "C:/Program Files (x86)/LibreOffice/program",
)
"""Where LibreOffice lives when it is not on PATH; globs allowed (newest version first)."""

INSTALL_LIBREOFFICE = (
    "install it with `apt-get install libreoffice-impress libreoffice-writer` (Debian/Ubuntu) "
    "or from https://www.libreoffice.org/download/ (Windows, macOS)"
)
INSTALL_POPPLER = (
    "install it with `apt-get install poppler-utils` (Debian/Ubuntu), "
    "`brew install poppler` (macOS) or `conda install poppler` (Windows)"
)

# Forcing the import filter matters: without it LibreOffice "converts" a damaged .pptx as plain text
# and writes a one-page PDF with exit code 0; with it, it refuses to load the file.
FILTERS: dict[str, tuple[str, str]] = {
    ".pptx": ("Impress MS PowerPoint 2007 XML", "impress_pdf_Export"),
    ".docx": ("MS Word 2007 XML", "writer_pdf_Export"),
}
"""Suffix -> (LibreOffice import filter, PDF export filter)."""

PREVIEW_PAGE = re.compile(r"-(\d+)\.png$")
WORK_PREFIX = "cipdocs-soffice-"
"""The name of each run's LibreOffice folder in the temporary folder starts with this."""
PDFTOPPM_PREFIX = "cipdocs-pdftoppm-"
"""The same for the folder pdftoppm writes previews into."""
OWNER_FILE = "owner.pid"
"""In a run's LibreOffice folder: the process id of the cipdocs run that made it."""
ABANDONED_AFTER = 24 * 3600
"""Seconds after which a LibreOffice folder without an owner file (an older cipdocs) is stale."""
LOW_TEMPORARY_SPACE = 64 * 1024 * 1024
"""Below this many free bytes, a failed conversion is put down to a full temporary folder."""
SERVER_QUIT_TIMEOUT = 10.0
"""Seconds LibreOffice may take to quit after converting before it is stopped."""


def find_soffice() -> Path:
    """Return the path of LibreOffice's `soffice`; raise `ConverterProblemError` if missing."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for folder in _expand_folders(SEARCH_FOLDERS):
        for name in SOFFICE_NAMES:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    raise ConverterProblemError(f"LibreOffice (soffice) is not installed; {INSTALL_LIBREOFFICE}")


@dataclass(frozen=True)
class Conversion:
    """One document to convert: its source, where its PDF goes, the pages it must have."""

    source: Path
    destination: Path
    expected_pages: int | None = None
    """The deck's visible slide count, which its PDF must match page for page (None: any)."""
    document: Path | None = None
    """The document's own path when `source` is its staged temporary file (render/files.py):
    the PDF is made from it, and messages name it."""

    @property
    def shown(self) -> Path:
        """Return the document's path as the user knows it."""
        return self.document or self.source


class Office:
    """LibreOffice started in the background with cipdocs' profile, ready to convert.

    Started before the documents are rendered, its start-up overlaps theirs; the conversion then
    hands the documents to it (LibreOffice passes a second start's files to the running one).
    """

    def __init__(self, soffice: Path | ConverterProblemError, work: Path) -> None:
        self.soffice = soffice
        self.work = work
        self.profile, self._lock, self._adopt = _claim_profile(work)
        self.server: subprocess.Popen[bytes] | None = None
        self.converted = False

    def start(self) -> None:
        """Start LibreOffice headless and idle, without waiting for it."""
        if isinstance(self.soffice, ConverterProblemError):
            return
        with contextlib.suppress(OSError), (self.work / "office.log").open("wb") as log:
            self.server = subprocess.Popen(
                [*self._base_command(), "--invisible", "--nologo", "--nodefault"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=_office_environment(self.work),
            )

    def convert(
        self,
        conversions: Sequence[Conversion],
        *,
        timeout: float,
        progress: Progress | None,
        written: list[Path] | None = None,
        staging: Stager | None = None,
    ) -> list[Path]:
        """Convert every document in one LibreOffice run; return the PDFs written, in order.

        Each PDF is also appended to `written` (when given) as soon as it is in place. With
        `staging`, the PDFs are staged there for the run's commit instead (and not listed).
        Every PDF must open with a PDF library and have pages (as many as expected, if given).
        """
        if isinstance(self.soffice, ConverterProblemError):
            raise self.soffice
        for conversion in conversions:
            _check_source(conversion.source, conversion.shown)
            if progress:
                progress(f"converting {conversion.shown.name} to PDF…")
        inbox, outbox = self.work / "in", self.work / "out"
        inbox.mkdir(exist_ok=True)
        # Copies with names of their own: the deck and the update share a stem, and LibreOffice
        # names each PDF after its source.
        copies = [
            inbox / f"document-{n}{c.shown.suffix.lower()}" for n, c in enumerate(conversions)
        ]
        for conversion, copy in zip(conversions, copies, strict=True):
            try:
                shutil.copyfile(conversion.source, copy)
            except OSError as error:
                raise temporary_folder_problem(error, copy) from None
        suffixes = {copy.suffix for copy in copies}
        command = [*self._base_command()]
        if len(suffixes) == 1:
            filters = FILTERS[suffixes.pop()]
            command += [f"--infilter={filters[0]}", "--convert-to", f"pdf:{filters[1]}"]
        else:
            # One --infilter would apply to every file, so mixed documents are left to
            # LibreOffice's type detection; they come straight from cipdocs' self-check.
            command += ["--convert-to", "pdf"]
        command += ["--outdir", str(outbox), *map(str, copies)]
        names = " and ".join(conversion.shown.name for conversion in conversions)
        output = _run_group(
            command, timeout, what=f"converting {names} to PDF", env=_office_environment(self.work)
        )
        output += self._server_output()
        pdfs = []
        for conversion, copy in zip(conversions, copies, strict=True):
            pdf = outbox / f"{copy.stem}.pdf"
            try:
                data = _read_pdf(pdf, conversion.shown, output)
                _check_pages(pdf, conversion)
            except ConverterProblemError as problem:
                raise _cause_of_failure(self.work) or problem from None
            if staging is not None:
                staging.stage(conversion.destination, data, made_from=conversion.document)
            else:
                write_atomically(conversion.destination, data)
                if written is not None:
                    written.append(conversion.destination)
            pdfs.append(conversion.destination)
        self.converted = True
        return pdfs

    def stop(self) -> None:
        """Let LibreOffice finish (it quits after converting), then make sure it is gone."""
        if self.server is not None:
            if self.converted:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.server.wait(timeout=SERVER_QUIT_TIMEOUT)
            _kill_group(self.server)
            self.server.wait()
        if self._adopt and self.converted:
            _adopt_profile(self.profile)
        if self._lock is not None:
            self._lock.close()

    def _base_command(self) -> list[str]:
        assert not isinstance(self.soffice, ConverterProblemError)
        return [
            str(self.soffice),
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={self.profile.as_uri()}",
        ]

    def _server_output(self) -> str:
        log = self.work / "office.log"
        return log.read_text(errors="replace") if log.exists() else ""


@contextlib.contextmanager
def started_office(soffice: Path | None = None) -> Iterator[Office]:
    """Start LibreOffice in the background and yield it; stop it and clean up afterwards.

    A missing LibreOffice is reported when converting, so the documents are written first.
    """
    try:
        executable: Path | ConverterProblemError = soffice or find_soffice()
    except ConverterProblemError as missing:
        executable = missing
    remove_abandoned_offices()
    with _private_folder(WORK_PREFIX) as work:
        office = Office(executable, work)
        try:
            office.start()
            yield office
        finally:
            office.stop()


def convert_to_pdf(
    source: Path,
    destination: Path,
    *,
    expected_pages: int | None = None,
    timeout: float = 120.0,
    progress: Progress | None = None,
    soffice: Path | None = None,
) -> None:
    """Convert `source` (.pptx or .docx) to the PDF `destination` with LibreOffice headless."""
    _check_source(source)
    executable = soffice or find_soffice()
    with _private_folder(WORK_PREFIX) as work:
        office = Office(executable, work)
        try:
            office.convert(
                [Conversion(source, destination, expected_pages)],
                timeout=timeout,
                progress=progress,
            )
        finally:
            office.stop()


def _check_source(source: Path, shown: Path | None = None) -> None:
    """Raise `ConverterProblemError` unless `source` is a .pptx or .docx file (named `shown`)."""
    shown = shown or source
    if shown.suffix.lower() not in FILTERS:
        raise ConverterProblemError(f"{shown}: cannot convert to PDF; only .pptx and .docx can be")
    if not source.is_file():
        raise ConverterProblemError(f"{shown}: no such file to convert to PDF")


def _check_pages(pdf: Path, conversion: Conversion) -> None:
    """Raise `ConverterProblemError` when the PDF cannot be read, has no pages, or has other
    than the expected number."""
    try:
        pages = count_pdf_pages(pdf)
    except ConverterProblemError as problem:
        # The PDF is a scratch file with a made-up name: say what is wrong, not where.
        reason = problem.message.removeprefix(f"{pdf}: not a readable PDF (").removesuffix(")")
        raise ConverterProblemError(
            f"{conversion.shown}: LibreOffice wrote a broken PDF ({reason}); run again, or open "
            "the file in PowerPoint or Word to see what went wrong"
        ) from None
    if pages == 0:
        raise ConverterProblemError(
            f"{conversion.shown}: LibreOffice wrote a PDF with no pages; "
            "open the file in PowerPoint or Word to see what went wrong"
        )
    if conversion.expected_pages is not None and pages != conversion.expected_pages:
        raise ConverterProblemError(
            f"{conversion.shown}: LibreOffice wrote {pages} PDF pages, expected "
            f"{conversion.expected_pages}; "
            "open the file in PowerPoint or Word to see what went wrong"
        )


def cache_folder() -> Path:
    """Return the user's cache folder for cipdocs (XDG on Linux, Library/Caches, LOCALAPPDATA)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cipdocs"


def _claim_profile(work: Path) -> tuple[Path, IO[bytes] | None, bool]:
    """Return the LibreOffice profile to use, the lock held on it, and whether to keep it after.

    LibreOffice lets one process own a profile, so the cached one is used only under a lock;
    a second run at the same time gets a private one. A profile is made in the run's own folder
    and moved into the cache only after a conversion worked, so a killed run never leaves a
    half-made profile behind.
    """
    private = work / "profile"
    cached = cache_folder() / "libreoffice-profile"
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        lock = (cached.parent / "libreoffice-profile.lock").open("a+b")
    except OSError:
        return private, None, False
    if not _try_lock(lock):
        lock.close()
        return private, None, False
    if cached.is_dir():
        # Holding the lock, this run is the profile's only user: a LibreOffice still using it
        # was left by a killed run, and its lock file in the profile is stale.
        _stop_offices_using(cached)
        with contextlib.suppress(OSError):
            (cached / ".lock").unlink(missing_ok=True)
        return cached, lock, False
    return private, lock, True


def _try_lock(stream: IO[bytes]) -> bool:
    """Take an exclusive lock on `stream` without waiting; return False when another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _adopt_profile(profile: Path) -> None:
    """Move a profile that converted well into the cache, for the next runs; best effort."""
    cached = cache_folder() / "libreoffice-profile"
    staging = cached.with_name(f".{cached.name}.{os.getpid()}")
    try:
        shutil.copytree(profile, staging, symlinks=True)
        staging.rename(cached)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def render_previews(
    pdf: Path,
    folder: Path,
    stem: str,
    *,
    dpi: int = 80,
    timeout: float = 60,
    progress: Progress | None = None,
    staging: Stager | None = None,
    made_from: Path | None = None,
) -> list[Path]:
    """Write one PNG per page of `pdf` as `folder/"<stem> (slide 01).png"`; return them in order.

    With `staging`, the previews (made from the deck `made_from`) are staged there for the
    run's commit, which also deals with the previews of an earlier, longer deck.
    """
    pdftoppm = _find_poppler_tool("pdftoppm")
    if progress:
        progress(f"rendering slide previews of {(made_from or pdf).name}…")
    prepare_output_dir(folder)
    with _private_folder(PDFTOPPM_PREFIX) as work:
        command = [str(pdftoppm), "-png", "-r", str(dpi), str(pdf), str(work / "page")]
        _run_group(command, timeout, what=f"rendering previews of {pdf.name}")
        pages = sorted(work.glob("page-*.png"), key=_page_number)
        if not pages:
            raise ConverterProblemError(f"{pdf}: pdftoppm wrote no slide previews")
        width = max(2, len(str(len(pages))))
        previews = [
            folder / preview_name(stem, number, width) for number in range(1, len(pages) + 1)
        ]
        for page, preview in zip(pages, previews, strict=True):
            if staging is not None:
                staging.stage(preview, page.read_bytes(), made_from=made_from)
            else:
                write_atomically(preview, page.read_bytes())
    if staging is None:
        _remove_stale_previews(folder, stem, keep=previews)
    return previews


def earlier_previews(folder: Path, stem: str) -> list[Path]:
    """Return the slide previews of the update `stem` that `folder` holds, in name order."""
    pattern = re.compile(rf"{re.escape(stem)} \(slide \d+\)\.png")
    return sorted(
        path
        for path in folder.glob(f"{glob.escape(stem)} (slide *).png")
        if pattern.fullmatch(path.name)
    )


def preview_name(stem: str, number: int, width: int = 2) -> str:
    """Return the name of slide `number`'s preview, zero-padded so names sort in slide order."""
    return f"{stem} (slide {number:0{width}d}).png"


def substitute_font_warning() -> str | None:
    """Return a warning when the Carlito font (Calibri's metric twin) is not installed."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None  # Windows and macOS without fontconfig: Calibri comes with Office there
    for family in ("Carlito", "Calibri"):
        found = subprocess.run(
            [fc_list, family, "family"], capture_output=True, text=True, check=False
        ).stdout
        if found.strip():
            return None
    return (
        "the Carlito font is not installed, so the PDF will use a substitute font and text may "
        "wrap differently; install fonts-crosextra-carlito (docs/rendering.md)"
    )


def count_pdf_pages(pdf: Path) -> int:
    """Return the number of pages in `pdf`, read with pikepdf (qpdf's page tree, not a guess)."""
    import pikepdf  # imported here: only --pdf and --preview need it

    if not pdf.is_file():
        raise ConverterProblemError(f"{pdf}: no such PDF to count the pages of")
    try:
        with pikepdf.open(pdf) as document:
            return len(document.pages)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        reason = str(error).replace(str(pdf), "").strip(" :") or type(error).__name__
        raise ConverterProblemError(f"{pdf}: not a readable PDF ({reason})") from None


def _run_group(
    command: Sequence[str], timeout: float, *, what: str, env: dict[str, str] | None = None
) -> str:
    """Run `command` in a new process group and return its output; kill the group on timeout."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    except OSError as error:
        raise ConverterProblemError(f"{command[0]}: cannot start it ({error.strerror})") from None
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        # Reap the killed leader; the bound guards against a grandchild that left the group.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)
        raise ConverterProblemError(
            f"{what} took longer than {timeout:g} s and was stopped; "
            "try again, or raise the timeout for a very large file"
        ) from None
    finally:
        # soffice.bin is a grandchild; make sure nothing of this run outlives it, whatever happened.
        _kill_group(process)
    return output.decode(errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill every process in `process`'s group (and `process` itself where groups do not exist)."""
    if sys.platform == "win32":
        if process.poll() is None:
            process.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _read_pdf(pdf: Path, source: Path, output: str) -> bytes:
    """Return the bytes of the PDF LibreOffice wrote; its exit code says nothing, so check them."""
    reason = _last_line(output) or "LibreOffice gave no reason"
    if not pdf.is_file():
        raise ConverterProblemError(f"{source}: LibreOffice wrote no PDF ({reason})")
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise ConverterProblemError(
            f"{source}: LibreOffice wrote an empty or broken PDF ({reason})"
        )
    return data


def _last_line(output: str) -> str:
    """Return the last line of tool output worth showing, skipping LibreOffice's Java noise."""
    lines = [line.strip() for line in output.splitlines()]
    useful = [line for line in lines if line and "javaldx" not in line]
    return useful[-1] if useful else ""


def _find_poppler_tool(name: str) -> Path:
    """Return the path of poppler's `name`; raise `ConverterProblemError` when it is missing."""
    found = shutil.which(name)
    if not found:
        raise ConverterProblemError(f"{name} (from poppler) is not installed; {INSTALL_POPPLER}")
    return Path(found)


def _page_number(page: Path) -> int:
    """Return the page number pdftoppm put in `page`'s name (`page-7.png` or `page-07.png`)."""
    match = PREVIEW_PAGE.search(page.name)
    return int(match.group(1)) if match else 0


def _remove_stale_previews(folder: Path, stem: str, *, keep: Sequence[Path]) -> None:
    """Remove previews of slides a previous, longer deck had, so the folder matches this deck."""
    pattern = re.compile(rf"{re.escape(stem)} \(slide \d+\)\.png")
    for old in folder.glob(f"{glob.escape(stem)} (slide *).png"):
        if pattern.fullmatch(old.name) and old not in keep:
            try:
                old.unlink()
            except OSError as error:
                raise OutputProblemError(
                    f"{old}: cannot remove this old slide preview ({error.strerror})"
                ) from None


def _expand_folders(patterns: Sequence[str]) -> Iterator[Path]:
    """Yield the folders `patterns` name, newest match first where a pattern is a glob."""
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            anchor = Path(pattern).anchor or "/"
            relative = str(Path(pattern).relative_to(anchor))
            yield from sorted(Path(anchor).glob(relative), key=_version_key, reverse=True)
        else:
            yield Path(pattern)


def _version_key(path: Path) -> list[tuple[int, str]]:
    """Return a sort key that orders `libreoffice24.2` after `libreoffice7.6`, as versions go."""
    return [
        (int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", str(path))
    ]


@contextlib.contextmanager
def _private_folder(prefix: str) -> Iterator[Path]:
    """Yield a new temporary folder, removed afterwards even when the tool failed or timed out.

    The folder holds `OWNER_FILE`, so that a later run can tell it was abandoned by a run
    that was killed (`remove_abandoned_offices`).
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    except OSError as error:
        raise temporary_folder_problem(error) from None
    try:
        try:
            (folder / OWNER_FILE).write_text(f"{os.getpid()}\n")
        except OSError as error:
            raise temporary_folder_problem(error, folder) from None
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _office_environment(work: Path) -> dict[str, str]:
    """Return the environment LibreOffice runs in: its temporary files go to the run's own
    folder, so a TMPDIR that is missing cannot trip it and nothing of it outlives the run."""
    return {**os.environ, "TMPDIR": str(work), "TMP": str(work), "TEMP": str(work)}


def _cause_of_failure(work: Path) -> CipdocsError | None:
    """Return the error a failed conversion is really due to, when it is the machine's:
    a file-size limit (ulimit -f) or a nearly full temporary folder; else None."""
    limit = file_size_limit()
    if limit is not None:
        return OutputProblemError(
            f"LibreOffice could not write the PDF: this session limits files to {limit:,} bytes "
            "(ulimit -f); raise the limit (ulimit -f unlimited) and run again"
        )
    try:
        free = shutil.disk_usage(work).free
    except OSError:
        return None
    if free < LOW_TEMPORARY_SPACE:
        return OutputProblemError(
            f"{work.parent}: the temporary folder is nearly full ({free // 1024:,} KB free), so "
            "LibreOffice could not convert; free some space there, or point TMPDIR at a "
            "folder with room"
        )
    return None


def remove_abandoned_offices() -> None:
    """Stop the LibreOffice and remove the temporary folder that a killed run left behind.

    A folder is abandoned when the run named in its owner file is gone (or, without one, when
    it is a day old); a LibreOffice still running with its profile, or with the cached profile
    that no live run holds, is stopped. Best effort: nothing here stops this run.
    """
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for prefix in (WORK_PREFIX, PDFTOPPM_PREFIX):
            for folder in base.glob(f"{prefix}*"):
                if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
                    _stop_offices_using(folder / "profile")
                    shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    """Return True when the cipdocs run that made `folder` is no longer running."""
    try:
        owner = int((folder / OWNER_FILE).read_text().strip())
    except (OSError, ValueError):
        try:
            return folder.stat().st_mtime < time.time() - ABANDONED_AFTER
        except OSError:
            return False
    if owner == os.getpid():
        return False
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def _stop_offices_using(profile: Path) -> None:
    """Kill every LibreOffice process started with `profile` (Linux: read from /proc)."""
    marker = f"-env:UserInstallation={profile.as_uri()}".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker not in cmdline.read_bytes().split(b"\0"):
                continue
            os.kill(int(cmdline.parent.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue
