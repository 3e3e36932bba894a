"""Crafted packages for the hostile-file tests, made in the test, and a cipdocs run whose memory
is measured on the child alone (os.wait4's rusage, taken by a small Python in between)."""

from __future__ import annotations

import dataclasses
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

KB = 1024
MB = 1024 * 1024
MEMORY_LIMIT_MB = 200
"""The most memory (peak resident size) a run may take on any hostile file (issue 18)."""


def corpus_folder() -> Path | None:
    """Return the folder of real third-party Office files (``files/`` in it), or None: from
    $CIPDOCS_CORPUS, else ``../shared/corpus`` beside the checkout, else /work/shared/corpus."""
    root = Path(__file__).resolve().parents[2]
    for folder in (
        Path(os.environ.get("CIPDOCS_CORPUS", "")),
        root.parent / "shared" / "corpus",
        Path("/work/shared/corpus"),
    ):
        if str(folder) not in ("", ".") and (folder / "MANIFEST.json").is_file():
            return folder
    return None


@dataclass(frozen=True)
class Entry:
    """One zip member as the file stores it, sizes and checksum as given (they may lie)."""

    name: str
    stored: bytes
    """The bytes in the file: raw deflate for `method` 8, the content itself for 0."""
    size: int
    """The uncompressed size the central directory declares."""
    crc: int
    method: int = zipfile.ZIP_DEFLATED

    @classmethod
    def of(cls, name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Entry:
        """Return an honest entry holding `data`."""
        stored = data if method == zipfile.ZIP_STORED else _deflate(data)
        return cls(name, stored, len(data), zlib.crc32(data), method)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def deflate_repeated(block: bytes, times: int) -> bytes:
    """Return raw deflate of `block` repeated `times` times, in the time of compressing it once.

    After a full flush the compressor forgets what came before, so every copy of `block`
    compresses to the same bytes: 1 MB of spaces to ~1 KB, and 1.1 GB to ~1.1 MB.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    once = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return once * times + compressor.flush()


def write_zip(path: Path, entries: Iterable[Entry]) -> Path:
    """Write `entries` as a zip at `path`, byte by byte, trusting every size they declare."""
    local = bytearray()
    central = bytearray()
    count = 0
    for entry in entries:
        name = entry.name.encode()
        offset = len(local)
        local += struct.pack(
            zipfile.structFileHeader,
            zipfile.stringFileHeader,
            20,
            0,
            0,
            entry.method,
            0,
            0x21,
            entry.crc,
            len(entry.stored),
            entry.size,
            len(name),
            0,
        )
        local += name + entry.stored
        central += struct.pack(
            zipfile.structCentralDir,
            zipfile.stringCentralDir,
            20,
            0,
            20,
            0,
            0,
            entry.method,
            0,
            0x21,
            entry.crc,
            len(entry.stored),
            entry.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
        count += 1
    end = struct.pack(
        zipfile.structEndArchive,
        zipfile.stringEndArchive,
        0,
        0,
        count,
        count,
        len(central),
        len(local),
        0,
    )
    path.write_bytes(bytes(local + central + end))
    return path


def copy_package(source: Path, target: Path, replace: Mapping[str, Entry | bytes]) -> Path:
    """Write `source`'s parts to `target`, with the parts in `replace` replaced or added."""
    entries = []
    with zipfile.ZipFile(source) as archive:
        for member in archive.infolist():
            if member.filename not in replace:
                entries.append(Entry.of(member.filename, archive.read(member)))
    for name, value in replace.items():
        entries.append(
            dataclasses.replace(value, name=name)
            if isinstance(value, Entry)
            else Entry.of(name, value)
        )
    return write_zip(target, entries)


def lying_part(name: str, *, declared: int = 900 * KB, produced: int = 1100 * MB) -> Entry:
    """Return a part that declares `declared` bytes but inflates to `produced` (1.1 GB from
    about 1.1 MB in the file), with an XML start so it looks like the part it replaces."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    stream = deflate_repeated(b" " * MB, produced // MB)
    # The start is a stored block of its own, so the copies after it stay byte-identical.
    compressor = zlib.compressobj(0, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    return Entry(name, start + stream, declared, 0)


def compound_file(path: Path, streams: Iterable[str]) -> Path:
    """Write a small Compound File (the container of old .ppt/.doc files, and of every
    password-protected .pptx/.docx) whose directory names `streams`."""
    end_of_chain, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = struct.pack(
        "<8s16s6H6s9L",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,  # 512-byte sectors
        6,
        0,
        bytes(6),
        0,  # directory sectors (0 for version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,
        end_of_chain,  # no mini FAT
        0,
        end_of_chain,  # no DIFAT sectors
        0,
    )
    header += struct.pack("<109L", 0, *([free] * 108))
    fat = struct.pack("<128L", fat_sector, end_of_chain, *([free] * 126))
    entries = b""
    names = ["Root Entry", *streams][:4]
    for index, name in enumerate(names):
        encoded = (name + "\0").encode("utf-16-le")
        entries += struct.pack(
            "<64sHBB3L16sLQQLQ",
            encoded,
            len(encoded),
            5 if index == 0 else 2,
            1,
            free,
            index + 1 if 0 < index < len(names) - 1 else free,
            1 if index == 0 and len(names) > 1 else free,
            bytes(16),
            0,
            0,
            0,
            end_of_chain,
            0,
        )
    directory = entries.ljust(512, b"\0")
    path.write_bytes(header + fat + directory)
    return path


@dataclass(frozen=True)
class Run:
    """A finished cipdocs run: its exit code, output, and peak memory."""

    code: int
    stdout: str
    stderr: str
    peak_mb: float
    """The child's peak resident size (Linux reports ru_maxrss in kilobytes)."""


# Run by a small Python of its own: a child's peak memory counts what its process held before
# exec, and a child forked from pytest itself would count pytest's memory as its own.
_MEASURED = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "cipdocs", *sys.argv[1:]])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = code = os.waitstatus_to_exitcode(status)
with open(os.environ["CIPDOCS_TEST_PEAK"], "w") as peak:
    peak.write(str(usage.ru_maxrss))
sys.exit(code if code >= 0 else 128 - code)
"""


def run_cipdocs(*args: str | Path, cwd: Path) -> Run:
    """Run ``python -m cipdocs ARGS`` in `cwd` and return what it did and its peak memory."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        peak = Path(folder) / "peak"
        completed = subprocess.run(
            [sys.executable, "-c", _MEASURED, *map(str, args)],
            cwd=cwd,
            stdout=out,
            stderr=err,
            env={**os.environ, "CIPDOCS_TEST_PEAK": str(peak)},
            check=False,
        )
        out.seek(0)
        err.seek(0)
        return Run(
            completed.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            int(peak.read_text()) / 1024,
        )
