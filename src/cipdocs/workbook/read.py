"""Read the workbook from disk with openpyxl: cells in, plain rows with their coordinates out."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.workbook.archive import check_zip_archive

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

LARGE_SHEET = 1024 * 1024
"""Sheets above this size (uncompressed) get their cell-less rows dropped before openpyxl."""
# A row with a reference and no cells: ``<row r="9" s="1" customFormat="1"/>`` or an empty
# ``<row r="9"></row>``. Rows without ``r`` are kept, as later rows count from them.
_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^<>]*\br="\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?row>)')

FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
"""The start of a worksheet's ``<f>`` (formula) element, with or without a namespace prefix."""

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class RawCell:
    """One non-empty cell as stored in the file."""

    coordinate: str
    """E.g. ``D14``."""
    column: int
    """1-based column number."""
    value: CellValue
    is_error: bool = False
    """True for Excel error values such as ``#REF!``; `value` then holds the error text."""
    is_percent: bool = False
    """True when the cell is formatted as a percentage (0.8 shown as 80%)."""
    is_unsaved_formula: bool = False
    """True for a formula whose result was never saved (the file was written by a script);
    `value` is then None."""


@dataclass(frozen=True)
class RawRow:
    """The non-empty cells of one worksheet row."""

    number: int
    cells: tuple[RawCell, ...]


@dataclass(frozen=True)
class RawSheet:
    """A worksheet's non-empty rows, in order."""

    title: str
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class RawWorkbook:
    """Every worksheet of a workbook, in tab order."""

    file_name: str
    sheets: tuple[RawSheet, ...]


def read_workbook(path: Path) -> RawWorkbook:
    """Return the non-empty cells of every sheet of the .xlsx at `path`, opened read-only."""
    _check_file(path)
    # One handle for openpyxl and the formula scan; handing openpyxl a stream also stops it
    # judging the file by its extension (a real .xlsx saved as "tracker.xls" still reads).
    with path.open("rb") as file:
        stream = _without_empty_rows(path, file)
        book, parts = _load(path, stream)
        try:
            unsaved = _unsaved_formulas(path, stream, parts)
            sheets = tuple(
                _read_sheet(sheet, unsaved.get(sheet.title, {})) for sheet in book.worksheets
            )
        finally:
            book.close()
    return RawWorkbook(path.name, sheets)


def _without_empty_rows(path: Path, stream: IO[bytes]) -> IO[bytes]:
    """Return the workbook with cell-less rows dropped from large sheets, or `stream` as is.

    openpyxl builds an object for every formatted row, even one with no cells: a sheet
    formatted down to row 1,000,000 would take it half a minute. Values are unchanged.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            large = [
                member.filename
                for member in archive.infolist()
                if member.filename.startswith("xl/worksheets/") and member.file_size > LARGE_SHEET
            ]
            trimmed = {name: _EMPTY_ROW.sub(b"", archive.read(name)) for name in large}
            if not any(len(trimmed[name]) < archive.getinfo(name).file_size for name in large):
                return stream
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
                for member in archive.infolist():
                    data = trimmed.get(member.filename)
                    target.writestr(member, archive.read(member) if data is None else data)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise _cannot_open(path, error) from None
    buffer.seek(0)
    return buffer


def _load(path: Path, stream: IO[bytes]) -> tuple[Any, dict[str, str]]:
    """Return openpyxl's workbook (cached values only) and its sheet title -> part map."""
    # imported here so `cipdocs --help` stays fast
    from openpyxl.reader.excel import ExcelReader

    reader = None
    try:
        # ExcelReader is what openpyxl.load_workbook runs; using it directly keeps its map
        # from sheet names to worksheet parts, which the scan for unsaved formulas needs.
        reader = ExcelReader(
            stream, read_only=False, keep_vba=False, data_only=True, keep_links=False
        )
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats);
            # they do not change the values we read.
            warnings.simplefilter("ignore")
            reader.read()
        return reader.wb, _worksheet_parts(reader)
    except Exception as error:  # a hostile file can make openpyxl fail in any way
        raise _cannot_open(path, error) from error
    finally:
        if reader is not None:
            reader.archive.close()


def _worksheet_parts(reader: Any) -> dict[str, str]:
    """Return sheet title -> worksheet part name, for the worksheets openpyxl read."""
    return {
        sheet.name: rel.target
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    }


def _unsaved_formulas(
    path: Path, stream: IO[bytes], parts: dict[str, str]
) -> dict[str, dict[tuple[int, int], str]]:
    """Return sheet title -> {(row, column): coordinate} of formula cells with no saved value."""
    from lxml import etree

    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(stream) as archive:
            for title, part in parts.items():
                xml = archive.read(part)
                # Most sheets hold no formula at all; a byte search spares them a second parse.
                if FORMULA_ELEMENT.search(xml):
                    found[title] = dict(iter_unsaved_formulas(io.BytesIO(xml)))
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        OSError,
        EOFError,
        ValueError,
        etree.LxmlError,
    ) as error:
        raise _cannot_open(path, error) from error
    return found


def iter_unsaved_formulas(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], str]]:
    """Yield ((row, column), coordinate) of each formula cell in a worksheet part with no value.

    openpyxl with ``data_only=True`` returns None for these, which would read as blank. Programs
    that do not calculate (openpyxl, most scripts) write ``<f>`` with an empty or no ``<v>``;
    an empty ``<v>`` is a real saved value only for a text result (``t="str"``).
    """
    from lxml import etree
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

    row_number = 0
    column = 0
    # The archive check has refused any DTD already; entities stay unresolved all the same.
    for event, element in etree.iterparse(
        stream,
        events=("start", "end"),
        tag=("{*}c", "{*}row"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    ):
        if etree.QName(element).localname == "row":
            if event == "start":
                # Rows and cells may omit their reference; they then follow the previous one.
                reference = element.get("r")
                row_number = int(reference) if reference else row_number + 1
                column = 0
            else:
                element.clear()
                # Drop finished rows so memory stays flat however long the sheet is.
                while element.getprevious() is not None:
                    del element.getparent()[0]
            continue
        if event == "start":
            continue
        reference = element.get("r")
        if reference:
            row_number, column = coordinate_to_tuple(reference)
        else:
            column += 1
        formula = element.find("{*}f")
        value = element.find("{*}v")
        if formula is not None and (
            value is None or (not value.text and element.get("t", "n") != "str")
        ):
            yield (row_number, column), f"{get_column_letter(column)}{row_number}"


def _read_sheet(sheet: object, unsaved: dict[tuple[int, int], str]) -> RawSheet:
    """Return the sheet's non-empty cells by row; `unsaved` are formula cells never calculated."""
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(sheet, Worksheet)
    by_row: dict[int, list[RawCell]] = {}
    # Walk only the cells the file stores: iter_rows() would visit every row up to max_row,
    # which formatting alone can push to a million.
    for (row_number, column), cell in sorted(sheet._cells.items()):
        if (row_number, column) in unsaved:
            by_row.setdefault(row_number, []).append(
                RawCell(unsaved[(row_number, column)], column, None, is_unsaved_formula=True)
            )
            continue
        if not isinstance(cell, Cell) or cell.value is None or cell.value == "":
            continue
        by_row.setdefault(row_number, []).append(
            RawCell(
                coordinate=cell.coordinate,
                column=column,
                value=_plain(cell.value),
                is_error=cell.data_type == "e",
                is_percent="%" in (cell.number_format or ""),
            )
        )
    rows = tuple(RawRow(number, tuple(cells)) for number, cells in by_row.items())
    return RawSheet(sheet.title, rows)


def _plain(value: object) -> CellValue:
    """Return `value` as a plain type: decimals become floats, anything else text."""
    if value is None or isinstance(
        value, str | int | float | bool | dt.date | dt.time | dt.timedelta
    ):
        return value
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _cannot_open(path: Path, error: BaseException) -> WorkbookUnreadableError:
    """Return the error for a workbook that a library failed to open, with the reason and fix."""
    return WorkbookUnreadableError(
        f"{path}: cannot be opened as an Excel workbook ({_describe(error)}); "
        "open it in Excel or LibreOffice and save it again as .xlsx"
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:120]


def _check_file(path: Path) -> None:
    """Raise `WorkbookUnreadableError` with the fix when `path` is plainly not an .xlsx workbook."""
    if path.name.startswith("~$"):
        raise WorkbookUnreadableError(
            f"{path}: this is Excel's lock file for an open workbook, not the workbook; "
            f"use {path.with_name(path.name[2:])} instead"
        )
    if not path.exists():
        raise WorkbookUnreadableError(
            f"{path}: no such file; check the path, or run from the folder that holds inputs/"
        )
    if path.is_dir():
        raise WorkbookUnreadableError(f"{path}: is a folder; give the path of the .xlsx workbook")
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        raise WorkbookUnreadableError(
            f"{path}: cannot be read ({error.strerror}); check the file's permissions"
        ) from None
    if not head:
        raise WorkbookUnreadableError(
            f"{path}: the file is empty; save the workbook again as .xlsx"
        )
    if head.startswith(OLE_SIGNATURE):
        raise WorkbookUnreadableError(
            f"{path}: this is an old-style .xls workbook or a password-protected one; "
            "open it in Excel or LibreOffice, remove any password and save it as .xlsx"
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise WorkbookUnreadableError(
            f"{path}: not an Excel .xlsx workbook (it looks like text, e.g. a CSV); "
            "open it in Excel or LibreOffice and save it as .xlsx"
        )
    check_zip_archive(path, what="workbook", error=WorkbookUnreadableError)
    _check_zip_kind(path)


def _check_zip_kind(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise WorkbookUnreadableError(
            f"{path}: the file is damaged (not a complete .xlsx); save the workbook again as .xlsx"
        ) from None
    if "mimetype" in names and "content.xml" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is an OpenDocument spreadsheet (.ods); "
            "open it in LibreOffice and save it as Excel 2007-365 (.xlsx)"
        )
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is a binary Excel workbook (.xlsb); "
            "open it in Excel and save it as Excel Workbook (.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookUnreadableError(
            f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); "
            "give the path of the .xlsx workbook"
        )
