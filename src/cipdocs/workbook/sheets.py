"""Find sheets and header columns by name, case- and space-insensitively, with suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cipdocs.errors import Issue
from cipdocs.workbook.read import RawCell, RawRow, RawSheet, RawTable, RawWorkbook
from cipdocs.workbook.values import as_text, fold


@dataclass
class Findings:
    """The problems (which stop the run) and warnings (which do not) collected while parsing."""

    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    flawed: set[tuple[str, str]] = field(default_factory=set)
    """(sheet, folded name) of rows that have a problem: later sheets still know the name, so
    one typo gives one message."""
    layout: list[str] = field(default_factory=list)
    """Where each sheet's header row was found, for ``cipdocs check -v``."""

    def problem(self, where: str, message: str) -> None:
        """Record a problem at `where`."""
        self.problems.append(Issue(where, message))

    def warning(self, where: str, message: str) -> None:
        """Record a warning at `where`."""
        self.warnings.append(Issue(where, message))


@dataclass(frozen=True)
class Table:
    """A sheet's data rows with its header columns located by name."""

    sheet: str
    columns: dict[str, int]
    """Folded header name -> 1-based column number."""
    headers: dict[int, str]
    """Column number -> header text as written."""
    rows: tuple[RawRow, ...]
    header_row: int = 1
    """The row that holds the headers."""
    painted: tuple[tuple[int, int, str], ...] = ()
    """(row, column, fill) of value-less cells with a fill colour, among the data rows."""

    def cell(self, row: RawRow, column_name: str) -> RawCell | None:
        """Return the row's non-empty cell under `column_name`, or None."""
        return cell_at(row, self.columns.get(fold(column_name), 0))

    def where(self, row: RawRow, column_name: str) -> str:
        """Return ``Sheet!D14`` for the row's cell under `column_name`."""
        return f"{self.sheet}!{column_letter(self.columns[fold(column_name)])}{row.number}"

    def text(self, row: RawRow, column_name: str) -> str:
        """Return the row's cell under `column_name` as clean text ('' when blank)."""
        cell = self.cell(row, column_name)
        return as_text(cell.value) if cell else ""


def column_letter(number: int) -> str:
    """Return the spreadsheet letters of a 1-based column number: 1 -> A, 28 -> AB."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_at(row: RawRow, column: int) -> RawCell | None:
    """Return the row's cell in `column`, or None when it is blank."""
    for cell in row.cells:
        if cell.column == column:
            return cell
    return None


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'X'?)`` for the closest candidate, or '' when none is close."""
    by_key = {fold(candidate): candidate for candidate in candidates}
    close = difflib.get_close_matches(fold(name), list(by_key), n=1, cutoff=0.6)
    return f" (did you mean {by_key[close[0]]!r}?)" if close else ""


def find_sheet(workbook: RawWorkbook, name: str, findings: Findings) -> RawSheet | None:
    """Return the sheet called `name`, or record a problem and return None."""
    for sheet in workbook.sheets:
        if fold(sheet.title) == fold(name):
            return sheet
    titles = [sheet.title for sheet in workbook.sheets]
    findings.problem(
        name,
        f"no sheet named {name!r}{suggestion(name, titles)}; add the sheet or rename it "
        "(docs/workbook.md lists the sheets)",
    )
    return None


HEADER_SEARCH_ROWS = 10
"""How far down a sheet the header row is looked for (below title rows and banded headers)."""
TOTALS_LABELS = frozenset({"total", "totals", "sum", "grand total"})
_AGGREGATE = re.compile(
    r"^\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL|AGGREGATE|COUNT\w*|AVERAGE\w*)\s*\(", re.I
)
UNSAVED_FORMULA = (
    "the formula has no saved value (the file was last saved by a program that does not "
    "calculate); open it in Excel or LibreOffice and save it again"
)


@dataclass(frozen=True)
class _Region:
    """Where a sheet's headers and data are: a header row, and the rows and columns of data."""

    header_row: int
    last_row: int
    first_column: int
    last_column: int
    description: str
    table: str = ""
    """The Excel Table's name, when the region is one; its last row is then `table_end`."""
    table_end: int = 0


def read_table(
    workbook: RawWorkbook,
    name: str,
    required: Sequence[str],
    findings: Findings,
    also_unique: Iterable[str] = (),
    expected: Iterable[str] = (),
    totals: bool = False,
) -> Table | None:
    """Return the sheet `name` as a table whose header row holds at least the `required` headers.

    The header row is an Excel Table's, when the sheet has one holding the `required` headers;
    otherwise the row among the first `HEADER_SEARCH_ROWS` that holds them all and the most of
    `expected` (title rows and a band above the headers are skipped). A required header, or one
    of `also_unique`, that stands in two columns is a problem: which column holds the data
    would be a guess. With `totals`, rows that hold totals are skipped with a warning.
    """
    sheet = find_sheet(workbook, name, findings)
    if sheet is None:
        return None
    known = {fold(header) for header in (*required, *also_unique, *expected)}
    region = _find_region(sheet, required, known)
    header_row = _row(sheet, region.header_row)
    headers = {
        cell.column: as_text(cell.value)
        for cell in header_row.cells
        if region.first_column <= cell.column <= region.last_column
        and not (cell.merged_from and cell.merged_from[0] == region.header_row)
    }
    for cell in header_row.cells:
        if cell.is_unsaved_formula and cell.column in headers:
            findings.problem(f"{sheet.title}!{cell.coordinate}", UNSAVED_FORMULA)
    columns = _columns(sheet.title, region.header_row, headers, required, also_unique, findings)
    missing = [header for header in required if fold(header) not in columns]
    for header in missing:
        findings.problem(
            f"{sheet.title}!{region.header_row}:{region.header_row}",
            f"no {header!r} column{suggestion(header, headers.values())}; "
            f"put the header {header!r} in row {region.header_row}",
        )
    if missing:
        return None
    if region.description:
        findings.layout.append(f"{sheet.title}: {region.description}")
    data_rows = _without_header_rows(
        tuple(
            _within(row, region)
            for row in sheet.rows
            if region.header_row < row.number <= region.last_row
        ),
        known,
    )
    data_rows = _without_repeated_headers(sheet.title, data_rows, headers, region, findings)
    if region.table:
        _check_below_table(sheet, region, findings)
    read_columns = {column for key, column in columns.items() if key in known}
    if totals:
        data_rows = _without_totals(
            sheet.title, data_rows, columns[fold(required[0])], read_columns, findings
        )
    painted = tuple(
        place
        for place in sheet.painted
        if region.header_row < place[0] <= region.last_row
        and region.first_column <= place[1] <= region.last_column
    )
    return Table(sheet.title, columns, headers, data_rows, region.header_row, painted)


def _row(sheet: RawSheet, number: int) -> RawRow:
    return next((row for row in sheet.rows if row.number == number), RawRow(number, ()))


def _within(row: RawRow, region: _Region) -> RawRow:
    """Return `row` with only the cells inside the region's columns."""
    if region.first_column == 1 and region.last_column >= MAX_COLUMN:
        return row
    cells = tuple(
        cell for cell in row.cells if region.first_column <= cell.column <= region.last_column
    )
    return RawRow(row.number, cells)


MAX_COLUMN = 16384


def _find_region(sheet: RawSheet, required: Sequence[str], known: set[str]) -> _Region:
    """Return where the sheet's headers and data are: a Table's range, or the best header row."""
    needed = {fold(header) for header in required}
    chosen: tuple[int, RawTable] | None = None
    for table in sheet.tables:
        if not table.header_rows:
            continue
        names = {
            fold(as_text(cell.value))
            for cell in _row(sheet, table.first_row).cells
            if table.first_column <= cell.column <= table.last_column
        }
        # Of several Tables on the sheet, the one with the most known headers holds the data.
        if needed <= names and (chosen is None or len(names & known) > chosen[0]):
            chosen = (len(names & known), table)
    if chosen is not None:
        table = chosen[1]
        last = table.last_row - table.totals_rows
        totals = f", totals row {table.last_row} skipped" if table.totals_rows else ""
        return _Region(
            table.first_row,
            last,
            table.first_column,
            table.last_column,
            f"Excel Table {table.name!r} ({_reference(table)}), "
            f"header row {table.first_row}{totals}",
            table.name,
            table.last_row,
        )
    best: tuple[int, int] | None = None
    for row in sheet.rows:
        if row.number > HEADER_SEARCH_ROWS:
            break
        names = {fold(as_text(cell.value)) for cell in row.cells}
        if not needed <= names:
            continue
        score = len(names & known)
        # The first row with the headers wins, unless the row right below it names more (the
        # second row of a two-row header): a header repeated further down is not the header.
        if best is None or (row.number == best[1] + 1 and score > best[0]):
            best = (score, row.number)
    number = best[1] if best else 1
    description = f"header row {number}" if best else ""
    return _Region(number, 1 << 31, 1, MAX_COLUMN, description)


def _reference(table: RawTable) -> str:
    """Return the Table's range as Excel writes it: ``A1:D24``."""
    return (
        f"{column_letter(table.first_column)}{table.first_row}:"
        f"{column_letter(table.last_column)}{table.last_row}"
    )


def _without_header_rows(rows: tuple[RawRow, ...], known: set[str]) -> tuple[RawRow, ...]:
    """Return `rows` without the header-like rows right below the header row.

    A two-row header (meeting names over their dates, a merged ``Group`` over both) leaves its
    second row among the data: a row of only known header names, dates and merged copies.
    """
    skipped = 0
    for row in rows:
        if not row.cells or not all(
            cell.merged_from is not None or fold(as_text(cell.value)) in known for cell in row.cells
        ):
            break
        skipped += 1
    return rows[skipped:]


def _without_repeated_headers(
    sheet: str,
    rows: tuple[RawRow, ...],
    headers: dict[int, str],
    region: _Region,
    findings: Findings,
) -> tuple[RawRow, ...]:
    """Return `rows` without copies of the header row (a block printed with its headers again).

    An exact copy is skipped quietly; a copy with other headers is a problem, as its block's
    columns would be read under the first header row's names.
    """
    expected = {column: fold(text) for column, text in headers.items()}
    expected_names = set(expected.values())
    kept = []
    for row in rows:
        names = {cell.column: fold(as_text(cell.value)) for cell in row.cells}
        if not names or sum(name in expected_names for name in names.values()) * 2 < len(expected):
            kept.append(row)
            continue
        if names != expected:
            findings.problem(
                f"{sheet}!{row.number}:{row.number}",
                f"row {row.number} is a second header row, different from row "
                f"{region.header_row}; keep one header row per sheet, with the columns in the "
                "same places",
            )
    return tuple(kept)


def _check_below_table(sheet: RawSheet, region: _Region, findings: Findings) -> None:
    """Record a problem for rows typed just below an Excel Table that it does not cover."""
    below = [
        row.number
        for row in sheet.rows
        if row.number > region.table_end
        and any(region.first_column <= cell.column <= region.last_column for cell in row.cells)
    ]
    if not below:
        return
    rows, it = (
        (f"row {below[0]} is", "it")
        if len(below) == 1
        else (f"rows {below[0]}-{below[-1]} are", "they")
    )
    them = "it" if it == "it" else "them"
    columns = f"{column_letter(region.first_column)}:{column_letter(region.last_column)}"
    findings.problem(
        f"{sheet.title}!{column_letter(region.first_column)}{below[0]}",
        f"{rows} below the Excel Table {region.table!r}, which ends at row {region.table_end}, so "
        f"{it} would not be read; extend the Table over {them} (drag its bottom-right corner), "
        f"or move {them} out of columns {columns}",
    )


def _columns(
    sheet: str,
    header_row: int,
    headers: dict[int, str],
    required: Sequence[str],
    also_unique: Iterable[str],
    findings: Findings,
) -> dict[str, int]:
    """Return folded header -> column; a repeat of a header that must be unique is a problem."""
    columns: dict[str, int] = {}
    must_be_unique = {fold(header) for header in (*required, *also_unique)}
    for column, text in headers.items():
        first = columns.setdefault(fold(text), column)
        if first != column and fold(text) in must_be_unique:
            findings.problem(
                f"{sheet}!{column_letter(column)}{header_row}",
                f"the header {text!r} repeats (first in column {column_letter(first)}); "
                "keep one column per header",
            )
    return columns


def _without_totals(
    sheet: str,
    rows: tuple[RawRow, ...],
    label_column: int,
    read_columns: set[int],
    findings: Findings,
) -> tuple[RawRow, ...]:
    """Return `rows` without the rows that hold totals, with a warning for each one skipped."""
    kept = []
    for row in rows:
        label = cell_at(row, label_column)
        text = as_text(label.value).rstrip(":").strip() if label else ""
        read = [cell for cell in row.cells if cell.column in read_columns]
        summed = bool(read) and all(
            _AGGREGATE.match(cell.formula)
            for cell in read
            if cell.column != label_column or cell.formula
        )
        if fold(text) in TOTALS_LABELS or (summed and (label is None or label.formula)):
            findings.warning(
                f"{sheet}!{column_letter(label_column)}{row.number}",
                f"row {row.number} holds totals, so it is skipped; delete it, or make it an "
                "Excel Table's Total Row (Table Design > Total Row), which is skipped quietly",
            )
            continue
        kept.append(row)
    return tuple(kept)
