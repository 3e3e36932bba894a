"""Refuse, before openpyxl loads anything, a spreadsheet that is not a CIP-CCG workbook or whose
sheets are far beyond any CCG's: read from the zip in a single bounded pass."""

from __future__ import annotations

import difflib
import posixpath
import re
import zipfile
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.package.archive import PackageDamaged, PackageRefused, iter_part
from cipdocs.workbook.opening import cannot_open, main_part, parse_part
from cipdocs.workbook.trim import is_sheet_part, prepare_sheet

CIP_CCG_SHEETS = (
    "Settings",
    "Statuses",
    "Groups",
    "Meetings",
    "Attendance",
    "Bands",
    "Milestones",
    "Roadmap",
)
"""The sheets of a CIP-CCG workbook (docs/workbook.md); a file with none of them is another one."""
MAX_ROWS = 10_000
"""The most rows holding values one sheet may have: a CCG has tens of groups and meetings."""
MAX_ROW_VALUES = 2_000
"""The most values one row may hold: Attendance has one column per meeting."""
MAX_MERGES = 5_000
"""The most merged areas one sheet may have: openpyxl takes about a quarter of a millisecond
for each, and a CCG's workbook has tens."""
MAX_VALUES = 250_000
"""The most cells holding values in the whole workbook (openpyxl takes ~200 bytes for each)."""
SIMILAR = 0.8
"""How close a sheet's name must be to a CIP-CCG sheet's to count as a misspelling of it."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A value in a worksheet: ``<v>`` (any cell) or ``<is>`` (inline text), with or without a prefix.
_VALUE = re.compile(rb"<(?:v|is)[\s>]")
_PREFIXED_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s>]")
_HEAD = 64 * 1024
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


@dataclass(frozen=True)
class SheetPart:
    """A worksheet's title and the zip part that holds it."""

    title: str
    part: str


def check_workbook_contents(path: Path, file: IO[bytes]) -> dict[str, bytes | None]:
    """Raise `WorkbookUnreadableError` when the workbook at `path` (open as `file`) has none of
    the CIP-CCG sheets, or a sheet beyond `MAX_ROWS`, `MAX_ROW_VALUES`, `MAX_MERGES` or
    `MAX_VALUES`.

    Return worksheet part -> `prepare_sheet` of the bytes just read, for
    `without_empty_cells`: each sheet is inflated once for both (one sheet at a time).
    """
    prepared: dict[str, bytes | None] = {}
    try:
        with zipfile.ZipFile(file) as archive:
            sheets = read_sheet_parts(file, archive)
            _check_cip_ccg(path, [sheet.title for sheet in sheets])
            members = {member.filename: member for member in archive.infolist()}
            values = 0
            for sheet in sheets:
                member = members.get(sheet.part)
                if member is not None:
                    read: list[bytes] = []
                    chunks = iter_part(file, member, limit=member.file_size)
                    if is_sheet_part(member.filename):
                        chunks = _kept(chunks, read)
                    values += _check_sheet_size(path, sheet.title, chunks, MAX_VALUES - values)
                    if is_sheet_part(member.filename):
                        data = b"".join(read)
                        read.clear()
                        prepared[member.filename] = prepare_sheet(data)
    except (PackageRefused, PackageDamaged, zipfile.BadZipFile, zlib.error, OSError) as error:
        # The archive was checked a moment ago: only a file changed since gets here.
        raise cannot_open(path, error) from None
    return prepared


def _kept(chunks: Iterator[bytes], read: list[bytes]) -> Iterator[bytes]:
    """Yield `chunks`, keeping each in `read`."""
    for chunk in chunks:
        read.append(chunk)
        yield chunk


def read_sheet_parts(file: IO[bytes], archive: zipfile.ZipFile) -> list[SheetPart]:
    """Return each worksheet's title and part, in tab order, from the workbook part."""
    main = main_part(file, archive)
    workbook = parse_part(file, archive, main)
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    targets: dict[str, str] = {}
    if workbook is None:
        return []
    relationships = parse_part(file, archive, rels_name)
    for relationship in () if relationships is None else relationships:
        target = relationship.get("Target") or ""
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(main), target))
        )
        targets[relationship.get("Id") or ""] = resolved
    return [
        SheetPart(sheet.get("name") or "", targets.get(sheet.get(f"{{{_OFFICE_REL}}}id") or "", ""))
        for sheet in workbook.iter(f"{{{_MAIN}}}sheet")
    ]


def _check_cip_ccg(path: Path, titles: Iterable[str]) -> None:
    """Raise when none of `titles` is, or is close to, the name of a CIP-CCG sheet."""
    folded = [" ".join(title.split()).casefold() for title in titles]
    wanted = [name.casefold() for name in CIP_CCG_SHEETS]
    if any(difflib.get_close_matches(title, wanted, n=1, cutoff=SIMILAR) for title in folded):
        return
    shown = ", ".join(repr(title) for title in list(titles)[:5])
    has = f" (its sheets: {shown}{', ...' if len(folded) > 5 else ''})" if folded else ""
    raise WorkbookUnreadableError(
        f"{path}: this is not a CIP-CCG workbook: it has none of the sheets "
        f"{', '.join(CIP_CCG_SHEETS)}{has}; give the path of the CIP-CCG workbook, or start "
        "one with `cipdocs init` (docs/workbook.md)"
    )


def _check_sheet_size(path: Path, title: str, chunks: Iterator[bytes], values_left: int) -> int:
    """Return how many values the worksheet holds; raise as soon as it passes a limit.

    Only values are looked for, so a sheet formatted down to row 1,048,576 costs no more than
    the values it holds; a value belongs to the last ``<row`` started before it.
    """
    tally = _Tally(path, title, values_left)
    consumed = merges = 0
    prefixed = False
    pending = b""
    for chunk in chunks:
        data = pending + chunk
        # A tag cut by the chunk's end waits for the next chunk, so every tag in `body` is whole.
        cut = data.rfind(b"<")
        body, pending = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
        # Most sheets write <v>; the pattern for prefixed elements (<x:v>) is four times slower
        # over a sheet that is mostly formatting, so it runs only on a prefixed sheet.
        prefixed = (
            prefixed
            or body.find(b":sheetData", 0, _HEAD) >= 0
            or body.find(b":row ", 0, _HEAD) >= 0
        )
        found = [
            match.start() for match in (_PREFIXED_VALUE if prefixed else _VALUE).finditer(body)
        ]
        # The values row by row: those from one value up to the next row start are one row's.
        # (No row start falls inside a value, so a value's start stands for its end.)
        searched = first = 0
        next_row = _NextRowStart(body)
        while first < len(found):
            # Only the stretch since the previous value: a new row starts there, or none does.
            start = _last_row_start(body, searched, found[first])
            if start >= 0:
                tally.latest_row, tally.latest_where = consumed + start, _row_name(body, start)
            following = next_row.after(found[first])
            last = len(found) if following < 0 else bisect_left(found, following, first)
            tally.count(last - first)
            searched, first = found[last - 1], last
        merges += body.count(b"mergeCell ")
        if merges > MAX_MERGES:
            raise _too_large(path, title, f"more than {MAX_MERGES:,} areas are merged")
        # A row may start after the body's last value and hold its values in the next chunk.
        start = _last_row_start(body, searched, len(body))
        if start >= 0:
            tally.latest_row, tally.latest_where = consumed + start, _row_name(body, start)
        consumed += len(body)
    return tally.values


class _Tally:
    """The rows and values of one sheet counted so far; raises as soon as one passes a limit."""

    def __init__(self, path: Path, title: str, values_left: int) -> None:
        self.path, self.title, self.values_left = path, title, values_left
        self.rows = self.values = self.row_values = 0
        self.counted_row = self.latest_row = -1
        self.where = self.latest_where = "one row"

    def count(self, values: int) -> None:
        """Count `values` values of the latest row started, as if one by one."""
        if self.latest_row != self.counted_row:
            self.counted_row, self.where = self.latest_row, self.latest_where
            self.rows, self.row_values = self.rows + 1, 0
            if self.rows > MAX_ROWS:
                raise _too_large(self.path, self.title, f"more than {MAX_ROWS:,} rows hold values")
        # Which value passes the row's limit, and which the workbook's; the row's is checked
        # first for each value.
        past_row = MAX_ROW_VALUES - self.row_values + 1
        past_workbook = self.values_left - self.values + 1
        if past_row <= values and past_row <= past_workbook:
            raise _too_large(
                self.path, self.title, f"{self.where} holds more than {MAX_ROW_VALUES:,} values"
            )
        if past_workbook <= values:
            raise _too_large(
                self.path, self.title, f"the workbook holds more than {MAX_VALUES:,} values"
            )
        self.row_values += values
        self.values += values


def _last_row_start(body: bytes, start: int, end: int) -> int:
    """Return where the last row element between `start` and `end` begins, or -1."""
    row = body.rfind(b"<row", start, end)
    # Only a prefixed row after it can be later: the search stops there, not at `start`
    # (a sheet without prefixes would be searched whole, chunk after chunk).
    return max(row, body.rfind(b":row", max(start, row + 1), end))


class _NextRowStart:
    """Where the first row element after a place in `body` begins, asked for places in order.

    Each of ``<row`` and ``:row`` is searched for again only once the places have passed the
    one found, so a chunk is searched through about once, prefixed or not.
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.plain = self.prefixed = -2  # not searched yet

    def after(self, start: int) -> int:
        """Return where the first row element after `start` begins, or -1."""
        if -1 < self.plain < start or self.plain == -2:
            self.plain = self.body.find(b"<row", start)
        if -1 < self.prefixed < start or self.prefixed == -2:
            self.prefixed = self.body.find(b":row", start)
        found = [place for place in (self.plain, self.prefixed) if place >= 0]
        return min(found) if found else -1


def _row_name(body: bytes, start: int) -> str:
    """Return ``row 12`` for the row element at `start`, or ``one row`` without a number."""
    tag_end = body.find(b">", start)
    number = _ROW_NUMBER.search(body, start, tag_end if tag_end >= 0 else len(body))
    return f"row {int(number.group(1)):,}" if number else "one row"


def _too_large(path: Path, title: str, what: str) -> WorkbookUnreadableError:
    return WorkbookUnreadableError(
        f"{path}: sheet {title!r}: {what}, far more than a CIP-CCG workbook holds, so it was "
        f"not read (cipdocs reads up to {MAX_ROWS:,} rows of up to {MAX_ROW_VALUES:,} values, and "
        f"{MAX_MERGES:,} merged areas); "
        "check that this is the right workbook, and delete the rows or columns pasted in by "
        "mistake"
    )
