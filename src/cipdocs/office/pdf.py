"""Convert the deck and the Word update to PDF with LibreOffice (slide previews: previews.py)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import CipdocsError, ConverterProblemError, OutputProblemError
from cipdocs.office.pages import count_pdf_pages, substitute_font_warning
from cipdocs.office.pdfua import EXPORT_OPTIONS, make_accessible, not_accessible_warning
from cipdocs.office.previews import earlier_previews, preview_name, render_previews
from cipdocs.office.process import (
    WORK_PREFIX,
    Progress,
    kill_group,
    last_line,
    private_folder,
    remove_abandoned_offices,
    run_group,
)
from cipdocs.office.profile import adopt_profile, cache_folder, claim_profile
from cipdocs.render.files import write_atomically
from cipdocs.render.staging import Stager, file_size_limit, temporary_folder_problem

__all__ = [
    "Conversion",
    "Office",
    "cache_folder",
    "convert_to_pdf",
    "count_pdf_pages",
    "earlier_previews",
    "find_soffice",
    "preview_name",
    "remove_abandoned_offices",
    "render_previews",
    "started_office",
    "substitute_font_warning",
]

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

# Forcing the import filter matters: without it LibreOffice "converts" a damaged .pptx as plain text
# and writes a one-page PDF with exit code 0; with it, it refuses to load the file.
FILTERS: dict[str, tuple[str, str]] = {
    ".pptx": ("Impress MS PowerPoint 2007 XML", "impress_pdf_Export"),
    ".docx": ("MS Word 2007 XML", "writer_pdf_Export"),
}
"""Suffix -> (LibreOffice import filter, PDF export filter)."""

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
    """The document's own path when `source` is its staged temporary file (render/staging.py):
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
        self.profile, self._lock, self._adopt = claim_profile(work)
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
            command += [
                f"--infilter={filters[0]}",
                "--convert-to",
                f"pdf:{filters[1]}:{EXPORT_OPTIONS}",
            ]
        else:
            # One --infilter would apply to every file, so mixed documents are left to
            # LibreOffice's type detection; they come straight from cipdocs' self-check.
            # The Writer export's name carries the options; Impress documents are exported alike.
            command += ["--convert-to", f"pdf:writer_pdf_Export:{EXPORT_OPTIONS}"]
        command += ["--outdir", str(outbox), *map(str, copies)]
        names = " and ".join(conversion.shown.name for conversion in conversions)
        output = run_group(
            command, timeout, what=f"converting {names} to PDF", env=_office_environment(self.work)
        )
        output += self._server_output()
        pdfs = []
        untagged: dict[str, str] = {}
        for conversion, copy in zip(conversions, copies, strict=True):
            pdf = outbox / f"{copy.stem}.pdf"
            try:
                data = _read_pdf(pdf, conversion.shown, output)
                _check_pages(pdf, conversion)
            except ConverterProblemError as problem:
                raise _cause_of_failure(self.work) or problem from None
            # The alt texts are read from the copy: a staged source has a temporary name.
            data, untagged_by = make_accessible(data, copy)
            if untagged_by:
                untagged[conversion.destination.name] = untagged_by
            if staging is not None:
                staging.stage(conversion.destination, data, made_from=conversion.document)
            else:
                write_atomically(conversion.destination, data)
                if written is not None:
                    written.append(conversion.destination)
            pdfs.append(conversion.destination)
        self.converted = True
        if untagged and progress:
            progress(f"warning: {not_accessible_warning(untagged)}")
        return pdfs

    def stop(self) -> None:
        """Let LibreOffice finish (it quits after converting), then make sure it is gone."""
        if self.server is not None:
            if self.converted:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.server.wait(timeout=SERVER_QUIT_TIMEOUT)
            kill_group(self.server)
            self.server.wait()
        if self._adopt and self.converted:
            adopt_profile(self.profile)
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
    with private_folder(WORK_PREFIX) as work:
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
    with private_folder(WORK_PREFIX) as work:
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


def _read_pdf(pdf: Path, source: Path, output: str) -> bytes:
    """Return the bytes of the PDF LibreOffice wrote; its exit code says nothing, so check them."""
    reason = last_line(output) or "LibreOffice gave no reason"
    if not pdf.is_file():
        raise ConverterProblemError(f"{source}: LibreOffice wrote no PDF ({reason})")
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise ConverterProblemError(
            f"{source}: LibreOffice wrote an empty or broken PDF ({reason})"
        )
    return data


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
