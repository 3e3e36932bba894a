"""Read the workbook from disk with openpyxl: cells in, plain rows with their coordinates out."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.package.archive import check_zip_archive

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

LARGE_SHEET = 1024 * 1024
"""Sheets above this size (uncompressed) get their cell-less rows dropped before openpyxl."""
# A row with a reference and no cells: ``<row r="9" s="1" customFormat="1"/>`` or an empty
# ``<row r="9"></row>``. Rows without ``r`` are kept, as later rows count from them.
_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^<>]*\br="\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?row>)')
# A cell with a reference and no value or formula: ``<c r="B9" s="3"/>``, ``<c ...></c>``.
_EMPTY_CELL = re.compile(rb'<(?:\w+:)?c\b[^<>]*\br="[A-Z]+\d+"[^<>]*(?:/>|>\s*</(?:\w+:)?c>)')
_FULL_CALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\b[^<>]*\bfullCalcOnLoad=\"(?:1|true)\"")

FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
"""The start of a worksheet's ``<f>`` (formula) element, with or without a namespace prefix."""

STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
"""The namespace of Excel's "Strict Open XML Spreadsheet" save, which openpyxl cannot read."""
PROLOG_BYTES = 4096
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
    formula: str = ""
    """The formula's text without ``=`` (``SUM(B2:B9)``), or '' for a typed value."""
    font: str = ""
    """The cell's symbol font (``wingdings``, ``wingdings 2`` ...), folded; '' for a text font."""
    merged_from: tuple[int, int] | None = None
    """(row, column) of the merge's first cell when this cell is covered by a merge."""
    fill: str = ""
    """The cell's fill colour (``rgb:FF00B050``, ``theme:5``), or '' when it has none."""


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


def read_workbook(path: Path) -> RawWorkbook:
    """Return the non-empty cells of every sheet of the .xlsx at `path`, opened read-only."""
    _check_file(path)
    # One handle for openpyxl and the formula scan; handing openpyxl a stream also stops it
    # judging the file by its extension (a real .xlsx saved as "tracker.xls" still reads).
    with path.open("rb") as file, warnings.catch_warnings():
        # No library warning ever reaches the user's screen: what matters is reported by us.
        warnings.simplefilter("ignore")
        stream = _without_empty_cells(path, file)
        book, parts = _load(path, stream)
        try:
            never_calculated = _never_calculated(path, stream)
            formulas = _formulas(path, stream, parts)
            sheets = tuple(
                _read_sheet(sheet, formulas.get(sheet.title, {}), never_calculated)
                for sheet in book.worksheets
            )
        finally:
            book.close()
    return RawWorkbook(path.name, sheets, never_calculated, _lock_file(path))


def _lock_file(path: Path) -> str:
    """Return the name of Excel's lock file beside `path` when one stands there, else ''."""
    # Excel names it ~$ plus the file name; Word-style long names lose their first two letters.
    for name in (f"~${path.name}", f"~${path.name[2:]}"):
        if (path.parent / name).is_file():
            return name
    return ""


def _never_calculated(path: Path, stream: IO[bytes]) -> bool:
    """Return True when xl/workbook.xml asks for a full calculation on load."""
    try:
        with zipfile.ZipFile(stream) as archive:
            head = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError) as error:
        raise _cannot_open(path, error) from None
    return _FULL_CALC_ON_LOAD.search(head) is not None


def _without_empty_cells(path: Path, stream: IO[bytes]) -> IO[bytes]:
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
        raise _cannot_open(path, error) from None
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


@dataclass(frozen=True)
class Formula:
    """A formula cell as stored in a worksheet part."""

    coordinate: str
    text: str
    """The formula without ``=``; '' for a cell that shares another cell's formula."""
    saved: bool
    """False when no result was saved with it."""


def _formulas(
    path: Path, stream: IO[bytes], parts: dict[str, str]
) -> dict[str, dict[tuple[int, int], Formula]]:
    """Return sheet title -> {(row, column): formula} of every formula cell."""
    from lxml import etree

    found: dict[str, dict[tuple[int, int], Formula]] = {}
    try:
        with zipfile.ZipFile(stream) as archive:
            for title, part in parts.items():
                xml = archive.read(part)
                # Most sheets hold no formula at all; a byte search spares them a second parse.
                if FORMULA_ELEMENT.search(xml):
                    found[title] = dict(iter_formulas(io.BytesIO(xml)))
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
    """Yield ((row, column), coordinate) of each formula cell in a worksheet part with no value."""
    for place, formula in iter_formulas(stream):
        if not formula.saved:
            yield place, formula.coordinate


def iter_formulas(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], Formula]]:
    """Yield ((row, column), formula) of each formula cell in a worksheet part.

    openpyxl with ``data_only=True`` returns None for a formula with no saved result, which
    would read as blank. Programs that do not calculate (openpyxl, most scripts) write ``<f>``
    with an empty or no ``<v>``; an empty ``<v>`` is a real saved value only for a text result
    (``t="str"``).
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
        if formula is None:
            continue
        value = element.find("{*}v")
        saved = value is not None and (bool(value.text) or element.get("t", "n") == "str")
        coordinate = f"{get_column_letter(column)}{row_number}"
        yield (row_number, column), Formula(coordinate, (formula.text or "").strip(), saved)


EAST_ASIAN_DATE_FORMATS = frozenset((*range(27, 37), *range(50, 59)))
"""Built-in number-format ids that a Chinese, Japanese or Korean Excel writes for dates with no
format string; openpyxl does not know them and would read the date as a plain number."""
SYMBOL_FONTS = frozenset(
    {"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "marlett"}
)
# A format's literal text ("%" in quotes, or escaped as \%) shows the sign without scaling.
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.')


def _read_sheet(
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
        if _is_blank(cell.value):
            fill = _fill(cell)
            if fill:
                painted.append((*place, fill))
            continue
        cells[place] = _raw_cell(sheet, cell, formula.text if formula else "")
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


def _raw_cell(sheet: Any, cell: Any, formula: str) -> RawCell:
    """Return the plain form of an openpyxl cell with a value."""
    value = _plain(cell.value)
    style = cell._style
    if (
        style.numFmtId in EAST_ASIAN_DATE_FORMATS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        from openpyxl.utils.datetime import from_excel

        value = _plain(from_excel(value, sheet.parent.epoch))
    font = ""
    if style.fontId:
        name = (sheet.parent._fonts[style.fontId].name or "").casefold()
        font = name if name in SYMBOL_FONTS else ""
    return RawCell(
        coordinate=cell.coordinate,
        column=cell.column,
        value=value,
        is_error=cell.data_type == "e",
        # Id 0 is General; only a cell with a number format can be a percentage.
        is_percent=bool(style.numFmtId) and _is_percent(cell.number_format or ""),
        formula=formula,
        font=font,
        fill=_fill(cell) if style.fillId else "",
    )


def _is_percent(number_format: str) -> bool:
    """Return True when the format scales by 100: a ``%`` outside quotes and escapes."""
    return "%" in number_format and "%" in _FORMAT_LITERAL.sub("", number_format)


def _fill(cell: Any) -> str:
    """Return the cell's solid fill as ``rgb:FF00B050`` or ``theme:5``; '' for none or white."""
    if not cell._style.fillId:
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
            workbook_xml = (
                archive.read("xl/workbook.xml")[:PROLOG_BYTES]
                if "xl/workbook.xml" in names
                else b""
            )
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError):
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
    if STRICT_NAMESPACE in workbook_xml:
        raise WorkbookUnreadableError(
            f"{path}: saved as Strict Open XML Spreadsheet, which cipdocs cannot read; "
            "in Excel use File > Save As > Excel Workbook (.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookUnreadableError(
            f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); "
            "give the path of the .xlsx workbook"
        )
