"""Prepare a workbook's zip for openpyxl: drop the formatting-only cells of large sheets, clip
merges that reach far beyond the values; hand plain inline text on as text results."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from cipdocs.workbook.opening import cannot_open, main_part

LARGE_SHEET = 1024 * 1024
"""Sheets above this size (uncompressed) get their cell-less rows dropped before openpyxl."""
# A row with a reference and no cells: ``<row r="9" s="1" customFormat="1"/>`` or an empty
# ``<row r="9"></row>``. Rows without ``r`` are kept, as later rows count from them.
_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^<>]*\br="\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?row>)')
# A cell with a reference and no value or formula: ``<c r="B9" s="3"/>``, ``<c ...></c>``.
_EMPTY_CELL = re.compile(rb'<(?:\w+:)?c\b[^<>]*\br="[A-Z]+\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?c>)')
MAX_MERGE_AREA = 10_000
"""Merges over more cells than this are clipped to the values before openpyxl sees them."""
_MERGE = re.compile(rb'(<(?:\w+:)?mergeCell\b[^<>]*?\bref=")([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)(")')
# A cell holding a value: its reference, an optional formula, then <v> or inline <is>.
_VALUED_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^<>]*?\br="([A-Z]{1,3})(\d+)"[^<>]*>\s*'
    rb"(?:<(?:\w+:)?f\b[^<>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?<(?:\w+:)?(?:v|is)[\s>]"
)
# What keeps a row: a value, inline text or a formula starting inside it. One search, not three
# finds: over two million formatted cells it is the trim's largest cost.
_HOLDS_VALUE = re.compile(rb"<(?:v|is|f)")
# A cell of plain inline text, as openpyxl and most scripts write every text cell:
# ``<c r="A2" s="1" t="inlineStr"><is><t>Completed</t></is></c>``; groups 1 and 3 are what
# `plain_inline_text` changes. Only the type last among the attributes, as those programs write
# it (the pattern then starts with a literal, which the regex engine finds fast). Rich text
# (runs), phonetic guides, prefixes, attributes on <is> and empty text are left as they are.
_INLINE_TEXT = tuple(
    re.compile(rb'( t="inlineStr">' + re.escape(opening) + rb")([^<]+)(</t></is>)(?=</c>)")
    for opening in (b"<is><t>", b'<is><t xml:space="preserve">')
)
_FULL_CALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\b[^<>]*\bfullCalcOnLoad=\"(?:1|true)\"")


def never_calculated(path: Path, stream: IO[bytes]) -> bool:
    """Return True when the workbook part asks for a full calculation on load."""
    try:
        with zipfile.ZipFile(stream) as archive:
            head = archive.read(main_part(stream, archive))
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError) as error:
        raise cannot_open(path, error) from None
    return _FULL_CALC_ON_LOAD.search(head) is not None


def without_empty_cells(
    path: Path, stream: IO[bytes], prepared: Mapping[str, bytes | None] | None = None
) -> IO[bytes]:
    """Return the workbook with value-less cells and rows dropped from large sheets and merges
    clipped to the values, or `stream` when nothing changes.

    openpyxl builds an object for every formatted cell and row, even one with no value: a sheet
    with borders on two million empty cells would take it half a minute, and a whole column
    merged (``B1:B1048576``, as Excel for Mac writes) a million objects. Values are unchanged.
    `prepared` holds what `prepare_sheet` returned for parts already read (the size check
    reads every sheet), so those are not inflated again.
    """
    known = {} if prepared is None else prepared
    try:
        with zipfile.ZipFile(stream) as archive:
            changed: dict[str, bytes] = {}
            for member in archive.infolist():
                if not is_sheet_part(member.filename):
                    continue
                if member.filename in known:
                    kept = known[member.filename]
                else:
                    kept = prepare_sheet(archive.read(member))
                if kept is not None:
                    changed[member.filename] = kept
            if not changed:
                return stream
            buffer = io.BytesIO()
            # Stored, not deflated: the copy lives in memory for one read, and compressing it
            # again would cost more than the trimming saves.
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
                for member in archive.infolist():
                    kept = changed.get(member.filename)
                    target.writestr(member.filename, archive.read(member) if kept is None else kept)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise cannot_open(path, error) from None
    buffer.seek(0)
    return buffer


def is_sheet_part(name: str) -> bool:
    """Return True for a worksheet part, which `without_empty_cells` prepares."""
    return "/worksheets/" in name and name.endswith(".xml")


def prepare_sheet(data: bytes) -> bytes | None:
    """Return the worksheet part `data` trimmed (when large) and its merges clipped, or None
    when that changes nothing."""
    prepared = clip_merges(trim_sheet(data) if len(data) > LARGE_SHEET else data)
    return None if prepared == data else prepared


def clip_merges(xml: bytes) -> bytes:
    """Return a worksheet part with each merge over more than `MAX_MERGE_AREA` cells clipped to
    the last row and column holding a value (a merge past them covers nothing cipdocs reads)."""
    from openpyxl.utils.cell import column_index_from_string, get_column_letter

    if b"mergeCell" not in xml:
        # A byte search, where the pattern would step through the whole part.
        return xml
    merges = list(_MERGE.finditer(xml))
    if not any(_area(merge) > MAX_MERGE_AREA for merge in merges):
        return xml
    last_row, last_column = _value_extent(xml)

    def clipped(merge: re.Match[bytes]) -> bytes:
        if _area(merge) <= MAX_MERGE_AREA:
            return merge.group(0)
        first_letters, first_row = merge.group(2), int(merge.group(3))
        first_column = column_index_from_string(first_letters.decode())
        end_row = max(first_row, min(int(merge.group(5)), last_row))
        end_column = max(
            first_column, min(column_index_from_string(merge.group(4).decode()), last_column)
        )
        end = f"{get_column_letter(end_column)}{end_row}".encode()
        return merge.group(1) + first_letters + merge.group(3) + b":" + end + merge.group(6)

    return _MERGE.sub(clipped, xml)


def _area(merge: re.Match[bytes]) -> int:
    from openpyxl.utils.cell import column_index_from_string

    rows = int(merge.group(5)) - int(merge.group(3)) + 1
    columns = (
        column_index_from_string(merge.group(4).decode())
        - column_index_from_string(merge.group(2).decode())
        + 1
    )
    return abs(rows * columns)


def _value_extent(xml: bytes) -> tuple[int, int]:
    """Return the last row and the last column that hold a value (0, 0 for none)."""
    from openpyxl.utils.cell import column_index_from_string

    last_row = last_column = 0
    for cell in _VALUED_CELL.finditer(xml):
        last_row = max(last_row, int(cell.group(2)))
        last_column = max(last_column, column_index_from_string(cell.group(1).decode()))
    return last_row, last_column


def trim_sheet(xml: bytes) -> bytes:
    """Return a worksheet part without its value-less rows, and value-less cells in the rest.

    Row by row with byte searches, which cost little per row; the cell pattern runs only on
    rows that hold a value, so the time follows the cells with values, not the formatting.
    """
    if b"<row" not in xml:
        # Prefixed elements (<x:row>) are rare enough for the plain patterns.
        return _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", xml))
    pieces = []
    position = 0
    # The next value, formula or inline text from where the search last stood: one search
    # over the part instead of one a row (most rows of a formatted sheet hold none).
    value = _HOLDS_VALUE.search(xml)
    while (start := xml.find(b"<row", position)) >= 0:
        tag_end = xml.find(b">", start)
        if tag_end < 0:
            break
        closed = xml[tag_end - 1] == ord("/")
        end = tag_end + 1 if closed else xml.find(b"</row>", tag_end)
        if end < 0:
            break
        if start > position:
            pieces.append(xml[position:start])
        if value is not None and value.start() < tag_end:
            value = _HOLDS_VALUE.search(xml, tag_end)
        # Rows without a number count from the one before, so they stay. A value starting in
        # the row ends in it: none can straddle the "</row>" at `end`.
        if xml.find(b' r="', start, tag_end) < 0 or (value is not None and value.end() <= end):
            pieces.append(xml[start : tag_end + 1])
            if not closed:
                pieces.append(_EMPTY_CELL.sub(b"", xml[tag_end + 1 : end]) + b"</row>")
        position = end if closed else end + len(b"</row>")
    pieces.append(xml[position:])
    return b"".join(pieces)


def plain_inline_text(xml: bytes) -> bytes:
    """Return a worksheet part with each cell of plain inline text written as a text result
    (``t="str"``, the text in ``<v>``), padded with spaces to the same length.

    openpyxl reads both as the same text cell, but builds a rich-text object for each inline
    text: on a sheet of thousands of text cells, a third of its reading. Every byte keeps its
    place, so an XML error further on is reported at the same line and column.
    """
    if b'"inlineStr"' not in xml:
        return xml
    for pattern in _INLINE_TEXT:
        # split() gives each match's three groups in turn; the two that change are replaced
        # by slices, with no Python call per cell.
        parts = pattern.split(xml)
        cells = len(parts) // 4
        if not cells:
            continue
        opening = parts[1]
        parts[1::4] = [b' t="str">' + b" " * (len(opening) - 12) + b"<v>"] * cells
        parts[3::4] = [b"</v>" + b" " * 5] * cells
        xml = b"".join(parts)
    return xml
