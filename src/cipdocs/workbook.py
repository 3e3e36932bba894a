"""Read the workbook from disk with openpyxl: cells in, plain rows with their coordinates out."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import WorkbookUnreadableError

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

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
    import openpyxl  # imported here so `cipdocs --help` stays fast

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats);
            # they do not change the values we read.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True, read_only=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise WorkbookUnreadableError(
            f"{path}: cannot be opened as an Excel workbook ({_describe(error)}); "
            "open it in Excel or LibreOffice and save it again as .xlsx"
        ) from None
    try:
        sheets = tuple(_read_sheet(sheet) for sheet in book.worksheets)
    finally:
        book.close()
    return RawWorkbook(path.name, sheets)


def _read_sheet(sheet: object) -> RawSheet:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(sheet, Worksheet)
    by_row: dict[int, list[RawCell]] = {}
    # Walk only the cells the file stores: iter_rows() would visit every row up to max_row,
    # which formatting alone can push to a million.
    for (row_number, column), cell in sorted(sheet._cells.items()):
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


def _describe(error: Exception) -> str:
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
