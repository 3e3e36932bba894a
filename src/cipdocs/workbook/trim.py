"""Prepare a workbook's zip for openpyxl: drop the formatting-only cells of large sheets."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from cipdocs.workbook.opening import cannot_open

LARGE_SHEET = 1024 * 1024
"""Sheets above this size (uncompressed) get their cell-less rows dropped before openpyxl."""
# A row with a reference and no cells: ``<row r="9" s="1" customFormat="1"/>`` or an empty
# ``<row r="9"></row>``. Rows without ``r`` are kept, as later rows count from them.
_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^<>]*\br="\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?row>)')
# A cell with a reference and no value or formula: ``<c r="B9" s="3"/>``, ``<c ...></c>``.
_EMPTY_CELL = re.compile(rb'<(?:\w+:)?c\b[^<>]*\br="[A-Z]+\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?c>)')
_FULL_CALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\b[^<>]*\bfullCalcOnLoad=\"(?:1|true)\"")


def never_calculated(path: Path, stream: IO[bytes]) -> bool:
    """Return True when xl/workbook.xml asks for a full calculation on load."""
    try:
        with zipfile.ZipFile(stream) as archive:
            head = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError) as error:
        raise cannot_open(path, error) from None
    return _FULL_CALC_ON_LOAD.search(head) is not None


def without_empty_cells(path: Path, stream: IO[bytes]) -> IO[bytes]:
    """Return the workbook with value-less cells and rows dropped from large sheets, or `stream`.

    openpyxl builds an object for every formatted cell and row, even one with no value: a sheet
    with borders on two million empty cells would take it half a minute. Values are unchanged.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            large = [
                member.filename
                for member in archive.infolist()
                if member.filename.startswith("xl/worksheets/") and member.file_size > LARGE_SHEET
            ]
            trimmed = {name: trim_sheet(archive.read(name)) for name in large}
            if not any(len(trimmed[name]) < archive.getinfo(name).file_size for name in large):
                return stream
            buffer = io.BytesIO()
            # Stored, not deflated: the copy lives in memory for one read, and compressing it
            # again would cost more than the trimming saves.
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
                for member in archive.infolist():
                    data = trimmed.get(member.filename)
                    target.writestr(member.filename, archive.read(member) if data is None else data)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise cannot_open(path, error) from None
    buffer.seek(0)
    return buffer


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
        # Rows without a number count from the one before, so they stay.
        if (
            xml.find(b' r="', start, tag_end) < 0
            or xml.find(b"<v", tag_end, end) >= 0
            or xml.find(b"<is", tag_end, end) >= 0
            or xml.find(b"<f", tag_end, end) >= 0
        ):
            pieces.append(xml[start : tag_end + 1])
            if not closed:
                pieces.append(_EMPTY_CELL.sub(b"", xml[tag_end + 1 : end]) + b"</row>")
        position = end if closed else end + len(b"</row>")
    pieces.append(xml[position:])
    return b"".join(pieces)
