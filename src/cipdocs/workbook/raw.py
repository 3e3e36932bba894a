"""The workbook as stored: plain rows of non-empty cells with their coordinates (no openpyxl)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


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
    formula: str = ""
    """The formula's text without ``=`` (``SUM(B2:B9)``), or '' for a typed value."""
    font: str = ""
    """The cell's symbol font (``wingdings``, ``wingdings 2`` ...), folded; '' for a text font."""
    merged_from: tuple[int, int] | None = None
    """(row, column) of the merge's first cell when this cell is covered by a merge."""
    fill: str = ""
    """The cell's fill colour (``rgb:FF00B050``, ``theme:5``), or '' when it has none."""


def valued_cell(
    coordinate: str,
    column: int,
    value: CellValue,
    *,
    is_error: bool,
    is_percent: bool,
    formula: str,
    font: str,
    fill: str,
) -> RawCell:
    """Return ``RawCell(coordinate, column, value, ...)`` for a cell holding a value.

    The same cell as the dataclass makes, built in one step: a frozen dataclass sets each of
    its ten fields through ``object.__setattr__``, which is a third of reading a sheet's cells.
    """
    cell = _new(RawCell)
    # Every field, in the order the dataclass declares them (tests/workbook/test_raw.py).
    cell.__dict__.update(
        {
            "coordinate": coordinate,
            "column": column,
            "value": value,
            "is_error": is_error,
            "is_percent": is_percent,
            "is_unsaved_formula": False,
            "formula": formula,
            "font": font,
            "merged_from": None,
            "fill": fill,
        }
    )
    return cell


_new = object.__new__


@dataclass(frozen=True)
class RawRow:
    """The non-empty cells of one worksheet row."""

    number: int
    cells: tuple[RawCell, ...]


@dataclass(frozen=True)
class RawTable:
    """An Excel Table (Insert > Table) as the workbook defines it."""

    name: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int
    header_rows: int
    """0 when the table has its header row switched off, else 1."""
    totals_rows: int
    """1 when Table Design > Total Row is on: the last row is totals, never data."""


@dataclass(frozen=True)
class RawSheet:
    """A worksheet's non-empty rows, in order."""

    title: str
    rows: tuple[RawRow, ...]
    tables: tuple[RawTable, ...] = ()
    painted: tuple[tuple[int, int, str], ...] = ()
    """(row, column, fill) of cells with no value but a fill colour (attendance shown by colour)."""


@dataclass(frozen=True)
class RawWorkbook:
    """Every worksheet of a workbook, in tab order."""

    file_name: str
    sheets: tuple[RawSheet, ...]
    never_calculated: bool = False
    """True when the file asks to be calculated on opening (``fullCalcOnLoad``): it was written
    by a program that does not calculate, so its formulas' saved results are not to be trusted."""
    lock_file: str = ""
    """The name of Excel's ``~$`` lock file beside the workbook (it is open in Excel), or ''."""
