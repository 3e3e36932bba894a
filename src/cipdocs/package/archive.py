"""Refuse hostile Office zip files (workbooks, templates, earlier updates) before any library
opens them, and read their parts with a hard limit on the bytes inflation produces."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from cipdocs.errors import CipdocsError

MAX_MEMBERS = 10_000
"""Office files hold tens to a few hundred parts; thousands only come from crafted files."""
MAX_TOTAL_SIZE = 200 * 1024 * 1024
"""The most all parts may hold once uncompressed (200 MB): declared, and counted as produced."""
MAX_RATIO = 200
"""The most an XML part may expand (200:1) once it is larger than `RATIO_FLOOR`."""
RATIO_FLOOR = 1024 * 1024
"""Parts below 1 MB may compress as well as they like: small repetitive XML does."""
XML_SUFFIXES = (".xml", ".rels", ".vml")
"""The parts libraries parse, where a huge repetitive part costs many times its size in memory.
Other parts (pictures, an embedded PDF's EMF preview, OLE data) are copied byte for byte, so
they are bounded by the bytes they produce, however well they compress."""
PROLOG_BYTES = 64 * 1024
CHUNK_SIZE = 256 * 1024
"""The most one step of inflation produces: memory stays flat whatever a part claims."""
XML_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
"""What may precede a DOCTYPE or the root element: a BOM, spaces, the declaration, comments."""
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_:]")
OFFICE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

# The fixed part of a zip local file header, before its name and extra field.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_LOCAL_HEADER_SIZE = _LOCAL_HEADER.size
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageRefused(Exception):
    """Why a package is refused as hostile, without the file name or the fix."""


class PackageDamaged(Exception):
    """Why a package cannot be read: cut short, a failed checksum; without the file name."""


def check_zip_archive(path: Path, *, what: str, error: type[CipdocsError]) -> None:
    """Raise `error` when the zip at `path` is damaged, a bomb, or holds unsafe names or DTDs."""
    fix = (
        f"if the {what} is genuine, open it in its Office program (Excel, PowerPoint, Word or "
        "LibreOffice) and save a fresh copy"
    )
    try:
        with path.open("rb") as file:
            check_package(file, path.stat().st_size)
    except PackageRefused as refused:
        raise error(f"{path}: the {what} was not opened: {refused}; {fix}") from None
    except (
        PackageDamaged,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
    ) as damage:
        raise error(damaged_message(path, what, damage)) from None


def check_package(file: IO[bytes], size: int) -> None:
    """Raise `PackageRefused` or `PackageDamaged` (or zipfile's and zlib's errors) when the zip
    in `file`, `size` bytes long, is a bomb, damaged, or holds unsafe names or DTDs."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        _check_members(members, size)
        _check_parts(file, members)


def damaged_message(path: Path, what: str, damage: BaseException) -> str:
    """Return the line for a package that is not a complete zip file, with the reason."""
    reason = str(damage).strip().splitlines()[0][:120] if str(damage).strip() else ""
    detail = f" ({reason})" if reason else ""
    return (
        f"{path}: the {what} is damaged (not a complete zip file){detail}; "
        "save it again from its Office program"
    )


def _check_members(members: Sequence[zipfile.ZipInfo], file_size: int) -> None:
    """Raise `PackageRefused` for too many members, unsafe or repeated names, or lying sizes."""
    if len(members) > MAX_MEMBERS:
        raise PackageRefused(f"it holds {len(members):,} parts, more than {MAX_MEMBERS:,}")
    seen: set[str] = set()
    for member in members:
        _check_name(member.filename)
        # Part names are case-insensitive (OPC), and two entries for one name let a reader
        # and a checker see different content.
        key = member.filename.casefold()
        if key in seen:
            raise PackageRefused(f"the part {member.filename!r} appears twice")
        seen.add(key)
        if member.compress_type not in OFFICE_METHODS:
            raise PackageRefused(
                f"the part {member.filename!r} uses a compression method Office files never use"
            )
        if member.flag_bits & 0x1:
            raise PackageRefused(f"the part {member.filename!r} is encrypted")
    _check_sizes(members, file_size)


def _check_name(name: str) -> None:
    """Raise `PackageRefused` for an absolute, drive-letter, backslash or ``..`` member name."""
    parts = name.split("/")
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
    ):
        raise PackageRefused(
            f"it holds a part with an unsafe name ({name!r}: an absolute path, '..', a backslash "
            "or a drive letter), which Office programs never write"
        )


def _check_sizes(members: Sequence[zipfile.ZipInfo], file_size: int) -> None:
    """Raise `PackageRefused` for a bomb: a huge total, an XML part expanding far, overlaps."""
    total = sum(member.file_size for member in members)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        is_xml = member.filename.lower().endswith(XML_SUFFIXES)
        if is_xml and member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise PackageRefused(
                f"the part {member.filename!r} expands {ratio:,.0f} times "
                f"(to {_mb(member.file_size)}), more than {MAX_RATIO} times; "
                "this is how a zip bomb looks"
            )
    if total > MAX_TOTAL_SIZE:
        raise PackageRefused(
            f"its parts would take {_mb(total)} once uncompressed, more than "
            f"{_mb(MAX_TOTAL_SIZE)}; this is how a zip bomb looks"
        )
    # Parts must lie one after another inside the file: overlapping entries are the trick of
    # zip bombs that reuse one compressed stream many times.
    ordered = sorted(members, key=lambda member: member.header_offset)
    for member, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = (
            member.header_offset
            + _LOCAL_HEADER_SIZE
            + len(member.orig_filename.encode(_name_encoding(member), "surrogateescape"))
            + member.compress_size
        )
        limit = following.header_offset if following is not None else file_size
        if end > limit:
            raise PackageRefused(
                f"the part {member.filename!r} claims more bytes than the file holds for it "
                "(its declared size is wrong, or parts overlap)"
            )


def _check_parts(file: IO[bytes], members: Sequence[zipfile.ZipInfo]) -> None:
    """Inflate every part once, bounded, and check the prologs of the XML parts.

    Each part must produce exactly the bytes it declares, with its checksum; the declared
    sizes were checked already, so no part, however it lies, produces more than those limits.
    """
    budget = MAX_TOTAL_SIZE
    for member in sorted(members, key=lambda member: member.header_offset):
        if member.is_dir():
            continue
        is_xml = member.filename.lower().endswith(XML_SUFFIXES) and member.file_size > 0
        head = b""
        for chunk in iter_part(file, member, limit=budget):
            budget -= len(chunk)
            if is_xml and len(head) < PROLOG_BYTES:
                head += chunk[: PROLOG_BYTES - len(head)]
        if is_xml:
            _check_prolog(member.filename, head)


def _check_prolog(name: str, head: bytes) -> None:
    """Raise `PackageRefused` when an XML part declares a DTD (entities), as Office never does."""
    # A DOCTYPE can only stand in the prolog, before the root element: the part's first bytes
    # are enough, and far cheaper than parsing every part.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    prolog = XML_PROLOG.match(head)
    after_prolog = head[prolog.end() :] if prolog else head
    if after_prolog.startswith(b"<!DOCTYPE"):
        raise PackageRefused(
            f"the part {name!r} declares XML entities (a DTD), which Office "
            "files never do and which can expand without limit (a 'billion laughs' file)"
        )
    if not ROOT_ELEMENT.match(after_prolog):
        raise PackageRefused(
            f"the part {name!r} is not valid XML (it does not start with an "
            "XML declaration or element)"
        )


def read_part(file: IO[bytes], member: zipfile.ZipInfo, *, limit: int) -> bytes:
    """Return the part's bytes, inflated with at most `limit` bytes produced."""
    return b"".join(iter_part(file, member, limit=limit))


def iter_part(file: IO[bytes], member: zipfile.ZipInfo, *, limit: int) -> Iterator[bytes]:
    """Yield the bytes of the part `member` of the zip `file`, at most `CHUNK_SIZE` at a time.

    Inflation stops as soon as it would produce more than the part declares or than `limit`
    (`PackageRefused`), whatever the part claims; a part cut short or with a wrong checksum
    raises `PackageDamaged`. zipfile's own read() of a whole part inflates in one step, up to
    2 GB, before it compares the size: this never does.
    """
    name = member.filename
    remaining = member.compress_size
    file.seek(member.header_offset)
    header = file.read(_LOCAL_HEADER_SIZE)
    if len(header) < _LOCAL_HEADER_SIZE or header[:4] != _LOCAL_SIGNATURE:
        raise PackageDamaged(f"the part {name!r} has no local header")
    fields = _LOCAL_HEADER.unpack(header)
    file.seek(fields[10] + fields[11], 1)  # past the name and the extra field
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if member.compress_type else None
    produced = 0
    checksum = 0
    pending = b""
    while True:
        if not pending and remaining > 0:
            pending = file.read(min(CHUNK_SIZE, remaining))
            if not pending:
                raise PackageDamaged(f"the part {name!r} is cut short")
            remaining -= len(pending)
        if inflater is None:
            chunk, pending = pending, b""
        else:
            chunk = inflater.decompress(pending, CHUNK_SIZE)
            pending = inflater.unconsumed_tail
        produced += len(chunk)
        if produced > member.file_size:
            raise PackageRefused(
                f"the part {name!r} holds more than the {_mb(member.file_size)} it declares "
                "(its declared size is wrong: the file is damaged or was made to look small)"
            )
        if produced > limit:
            raise PackageRefused(
                f"the part {name!r} takes more than {_mb(limit)} once uncompressed, more than "
                "an Office file holds there; this is how a zip bomb looks"
            )
        checksum = zlib.crc32(chunk, checksum)
        if chunk:
            yield chunk
        finished = inflater is not None and inflater.eof
        if finished or (not chunk and not pending and remaining == 0):
            break
    if produced != member.file_size or checksum != member.CRC:
        raise PackageDamaged(f"the part {name!r} fails its checksum (Bad CRC-32)")


def _name_encoding(member: zipfile.ZipInfo) -> str:
    """Return the encoding of the member's name in the file: UTF-8 when flagged, else cp437."""
    return "utf-8" if member.flag_bits & 0x800 else "cp437"


def _mb(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.0f} MB"
    return f"{size / 1024:,.0f} KB" if size >= 10 * 1024 else f"{size:,} bytes"
