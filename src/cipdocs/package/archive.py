"""Refuse hostile Office zip files (workbooks and templates) before any library opens them."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from cipdocs.errors import CipdocsError

MAX_MEMBERS = 10_000
"""Office files hold tens to a few hundred parts; thousands only come from crafted files."""
MAX_TOTAL_SIZE = 200 * 1024 * 1024
"""The most all parts may claim to hold once uncompressed (200 MB)."""
MAX_RATIO = 200
"""The most a part may expand (200:1) once it is larger than `RATIO_FLOOR`."""
RATIO_FLOOR = 1024 * 1024
"""Parts below 1 MB may compress as well as they like: small repetitive XML does."""
XML_SUFFIXES = (".xml", ".rels", ".vml")
PROLOG_BYTES = 64 * 1024
XML_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
"""What may precede a DOCTYPE or the root element: a BOM, spaces, the declaration, comments."""
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_:]")
OFFICE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

# The fixed part of a zip local file header, before its name and extra field.
_LOCAL_HEADER_SIZE = 30
_DRIVE = re.compile(r"^[A-Za-z]:")


class _Refused(Exception):
    """Why the archive is refused, without the file name or the fix."""


def check_zip_archive(path: Path, *, what: str, error: type[CipdocsError]) -> None:
    """Raise `error` when the zip at `path` is damaged, a bomb, or holds unsafe names or DTDs."""
    fix = (
        f"if the {what} is genuine, open it in its Office program (Excel, PowerPoint, Word or "
        "LibreOffice) and save a fresh copy"
    )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(members, path.stat().st_size)
            _check_xml_prologs(archive, members)
    except _Refused as refused:
        raise error(f"{path}: the {what} was not opened: {refused}; {fix}") from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
    ) as damage:
        reason = str(damage).strip().splitlines()[0][:120] if str(damage).strip() else ""
        detail = f" ({reason})" if reason else ""
        raise error(
            f"{path}: the {what} is damaged (not a complete zip file){detail}; "
            f"save it again from its Office program"
        ) from None


def _check_members(members: Sequence[zipfile.ZipInfo], file_size: int) -> None:
    """Raise `_Refused` for too many members, unsafe or repeated names, or lying sizes."""
    if len(members) > MAX_MEMBERS:
        raise _Refused(f"it holds {len(members):,} parts, more than {MAX_MEMBERS:,}")
    seen: set[str] = set()
    for member in members:
        _check_name(member.filename)
        # Part names are case-insensitive (OPC), and two entries for one name let a reader
        # and a checker see different content.
        key = member.filename.casefold()
        if key in seen:
            raise _Refused(f"the part {member.filename!r} appears twice")
        seen.add(key)
        if member.compress_type not in OFFICE_METHODS:
            raise _Refused(
                f"the part {member.filename!r} uses a compression method Office files never use"
            )
        if member.flag_bits & 0x1:
            raise _Refused(f"the part {member.filename!r} is encrypted")
    _check_sizes(members, file_size)


def _check_name(name: str) -> None:
    """Raise `_Refused` for an absolute, drive-letter, backslash or ``..`` member name."""
    parts = name.split("/")
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
    ):
        raise _Refused(
            f"it holds a part with an unsafe name ({name!r}: an absolute path, '..', a backslash "
            "or a drive letter), which Office programs never write"
        )


def _check_sizes(members: Sequence[zipfile.ZipInfo], file_size: int) -> None:
    """Raise `_Refused` for a zip bomb: huge total, a part expanding too far, overlapping parts."""
    total = sum(member.file_size for member in members)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _Refused(
                f"the part {member.filename!r} expands {ratio:,.0f} times "
                f"(to {_mb(member.file_size)}), more than {MAX_RATIO} times; "
                "this is how a zip bomb looks"
            )
    if total > MAX_TOTAL_SIZE:
        raise _Refused(
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
            raise _Refused(
                f"the part {member.filename!r} claims more bytes than the file holds for it "
                "(its declared size is wrong, or parts overlap)"
            )


def _check_xml_prologs(archive: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo]) -> None:
    """Raise `_Refused` when an XML part declares a DTD (entities), which Office files never do."""
    for member in members:
        if not member.filename.lower().endswith(XML_SUFFIXES) or member.file_size == 0:
            continue
        with archive.open(member) as stream:
            # A DOCTYPE can only stand in the prolog, before the root element: reading the
            # part's first bytes is enough, and far cheaper than parsing every part.
            head = stream.read(PROLOG_BYTES)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        prolog = XML_PROLOG.match(head)
        after_prolog = head[prolog.end() :] if prolog else head
        if after_prolog.startswith(b"<!DOCTYPE"):
            raise _Refused(
                f"the part {member.filename!r} declares XML entities (a DTD), which Office "
                "files never do and which can expand without limit (a 'billion laughs' file)"
            )
        if not ROOT_ELEMENT.match(after_prolog):
            raise _Refused(
                f"the part {member.filename!r} is not valid XML (it does not start with an "
                "XML declaration or element)"
            )


def _name_encoding(member: zipfile.ZipInfo) -> str:
    """Return the encoding of the member's name in the file: UTF-8 when flagged, else cp437."""
    return "utf-8" if member.flag_bits & 0x800 else "cp437"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"
