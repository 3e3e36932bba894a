"""Turn an openpyxl worksheet into plain rows: values, fills, fonts, merges, Excel Tables."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from cipdocs.workbook.formulas import Formula
from cipdocs.workbook.raw import CellValue, RawCell, RawRow, RawSheet, RawTable, valued_cell

EAST_ASIAN_DATE_FORMATS = frozenset((*range(27, 37), *range(50, 59)))
"""Built-in number-format ids that a Chinese, Japanese or Korean Excel writes for dates with no
format string; openpyxl does not know them and would read the date as a plain number."""
SYMBOL_FONTS = frozenset(
    {"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "marlett"}
)
# A format's literal text ("%" in quotes, or escaped as \%) shows the sign without scaling.
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.')


def read_sheet(
    sheet: object, formulas: dict[tuple[int, int], Formula], never_calculated: bool
) -> RawSheet:
    """Return the sheet's non-empty cells by row, merged values spread as Excel shows them.

    A formula's saved result is dropped when it was never saved, or when the workbook was
    never calculated (`never_calculated`): the program that wrote it stored 0 or nothing.
    """
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(sheet, Worksheet)
    cells: dict[tuple[int, int], RawCell] = {}
    painted: list[tuple[int, int, str]] = []
    looks = _Looks(sheet)
    # Walk only the cells the file stores: iter_rows() would visit every row up to max_row,
    # which formatting alone can push to a million.
    for place, cell in sheet._cells.items():
        formula = formulas.get(place)
        if formula is not None and (never_calculated or not formula.saved):
            cells[place] = RawCell(
                formula.coordinate,
                place[1],
                None,
                is_unsaved_formula=True,
                formula=formula.text,
            )
            continue
        if not isinstance(cell, Cell):
            continue
        value = cell.value
        key = _style_key(cell)
        if value is None or (isinstance(value, str) and _is_blank(value)):
            fill = looks.fill(cell, key)
            if fill:
                painted.append((*place, fill))
            continue
        cells[place] = looks.raw_cell(cell, key, value, place, formula.text if formula else "")
    _spread_merges(sheet, cells)
    by_row: dict[int, list[RawCell]] = {}
    for (row_number, _), raw in sorted(cells.items()):
        by_row.setdefault(row_number, []).append(raw)
    rows = tuple(RawRow(number, tuple(row)) for number, row in by_row.items())
    return RawSheet(sheet.title, rows, _tables(sheet), tuple(sorted(painted)))


def _is_blank(value: object) -> bool:
    """Return True for an empty cell, or one "cleared" with spaces."""
    return value is None or (isinstance(value, str) and not value.strip().strip(_INVISIBLE))


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


class _Looks:
    """What a sheet's cells look like, worked out once per distinct style, not once per cell.

    A cell's fill, symbol font, percentage format and East Asian date format follow from its
    style ids alone; a sheet has a handful of styles and thousands of cells.
    """

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.fills: dict[bytes, str] = {}
        self.looks: dict[bytes, tuple[bool, bool, str, str]] = {}
        self.letters: dict[int, str] = {}

    def fill(self, cell: Any, key: bytes) -> str:
        """Return the cell's solid fill (see `_fill`); `key` is its `_style_key`."""
        fill = self.fills.get(key)
        if fill is None:
            fill = self.fills[key] = _fill(cell)
        return fill

    def raw_cell(
        self, cell: Any, key: bytes, value: object, place: tuple[int, int], formula: str
    ) -> RawCell:
        """Return the plain form of an openpyxl cell with a value (`value`, at `place`)."""
        look = self.looks.get(key)
        if look is None:
            look = self.looks[key] = (*_look(self.sheet, cell), self.fill(cell, key))
        east_asian_date, is_percent, font, fill = look
        plain = _plain(value)
        if east_asian_date and isinstance(plain, int | float) and not isinstance(plain, bool):
            from openpyxl.utils.datetime import from_excel

            plain = _plain(from_excel(plain, self.sheet.parent.epoch))
        row, column = place
        letters = self.letters.get(column)
        if letters is None:
            letters = self.letters[column] = _letters(column)
        return valued_cell(
            f"{letters}{row}",
            column,
            plain,
            is_error=cell.data_type == "e",
            is_percent=is_percent,
            formula=formula,
            font=font,
            fill=fill,
        )


def _style_key(cell: Any) -> bytes:
    """Return the cell's style ids as bytes, to key what follows from them."""
    style = cell._style
    return b"" if style is None else style.tobytes()


def _look(sheet: Any, cell: Any) -> tuple[bool, bool, str]:
    """Return (East Asian date format, percentage format, symbol font) for the cell's style."""
    style = _style(cell)
    font = ""
    if style.fontId and style.fontId < len(sheet.parent._fonts):
        name = (sheet.parent._fonts[style.fontId].name or "").casefold()
        font = name if name in SYMBOL_FONTS else ""
    return (
        style.numFmtId in EAST_ASIAN_DATE_FORMATS,
        # Id 0 is General; only a cell with a number format can be a percentage.
        bool(style.numFmtId) and _is_percent(cell.number_format or ""),
        font,
    )


def _style(cell: Any) -> Any:
    """Return the cell's style ids; all 0 (General, the default font, no fill) when the file
    gives the cell a style that is not there (Excel 2011 for Mac and FlexCel write such)."""
    from openpyxl.styles.cell_style import StyleArray

    return cell._style if cell._style is not None else StyleArray()


def _is_percent(number_format: str) -> bool:
    """Return True when the format scales by 100: a ``%`` outside quotes and escapes."""
    return "%" in number_format and "%" in _FORMAT_LITERAL.sub("", number_format)


def _fill(cell: Any) -> str:
    """Return the cell's solid fill as ``rgb:FF00B050`` or ``theme:5``; '' for none or white."""
    fill_id = _style(cell).fillId
    if not fill_id or fill_id >= len(cell.parent.parent._fills):
        return ""
    fill = cell.fill
    if fill.fill_type != "solid" or fill.fgColor is None:
        return ""
    colour = fill.fgColor
    if colour.type == "rgb":
        rgb = str(colour.rgb).upper()
        # 00000000 is openpyxl's "no colour"; FFFFFF is white.
        return "" if rgb == "00000000" or rgb.endswith("FFFFFF") else f"rgb:{rgb}"
    # Theme colour 0 is the background (white) in every built-in theme.
    if colour.type == "theme" and colour.theme == 0:
        return ""
    return f"{colour.type}:{colour.theme if colour.type == 'theme' else colour.indexed}"


def _spread_merges(sheet: Any, cells: dict[tuple[int, int], RawCell]) -> None:
    """Give every cell a merge covers the merge's value, as Excel shows it."""
    if not cells or not sheet.merged_cells.ranges:
        return
    # A merge may reach far beyond the data (a banner over whole columns): clip it there.
    last_row = max(row for row, _ in cells)
    last_column = max(column for _, column in cells)
    for merged in sheet.merged_cells.ranges:
        anchor = cells.get((merged.min_row, merged.min_col))
        if anchor is None or anchor.is_unsaved_formula:
            continue
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for column in range(merged.min_col, min(merged.max_col, last_column) + 1):
                if (row, column) == (merged.min_row, merged.min_col):
                    continue
                cells[(row, column)] = replace(
                    anchor,
                    coordinate=f"{_letters(column)}{row}",
                    column=column,
                    merged_from=(merged.min_row, merged.min_col),
                )


def _letters(column: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(column))


def _tables(sheet: Any) -> tuple[RawTable, ...]:
    """Return the sheet's Excel Tables by their definitions."""
    from openpyxl.utils.cell import range_boundaries

    tables = []
    for table in sheet.tables.values():
        try:
            bounds = range_boundaries(table.ref)
        except (TypeError, ValueError):
            continue
        first_column, first_row, last_column, last_row = (number or 0 for number in bounds)
        tables.append(
            RawTable(
                name=str(table.displayName or table.name or ""),
                first_row=first_row,
                first_column=first_column,
                last_row=last_row,
                last_column=last_column,
                header_rows=1 if table.headerRowCount is None else int(table.headerRowCount),
                totals_rows=int(table.totalsRowCount or 0),
            )
        )
    return tuple(tables)


def _plain(value: object) -> CellValue:
    """Return `value` as a plain type: decimals become floats, anything else text."""
    if value is None or type(value) in _PLAIN_TYPES:
        return value  # type: ignore[return-value]
    if isinstance(value, str | int | float | bool | dt.date | dt.time | dt.timedelta):
        return value
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


_PLAIN_TYPES = frozenset((str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta))
