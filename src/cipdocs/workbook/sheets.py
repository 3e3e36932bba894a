"""Find sheets and header columns by name, case- and space-insensitively, with suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cipdocs.errors import Issue
from cipdocs.workbook.read import RawCell, RawRow, RawSheet, RawWorkbook
from cipdocs.workbook.values import as_text, fold


@dataclass
class Findings:
    """The problems (which stop the run) and warnings (which do not) collected while parsing."""

    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

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
    return next((cell for cell in row.cells if cell.column == column), None)


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


def read_table(
    workbook: RawWorkbook,
    name: str,
    required: Sequence[str],
    findings: Findings,
    also_unique: Iterable[str] = (),
) -> Table | None:
    """Return the sheet `name` as a table whose row 1 holds at least the `required` headers.

    A required header, or one of `also_unique`, that stands in two columns is a problem: which
    column holds the data would be a guess.
    """
    sheet = find_sheet(workbook, name, findings)
    if sheet is None:
        return None
    header_row = sheet.rows[0] if sheet.rows and sheet.rows[0].number == 1 else RawRow(1, ())
    headers = {cell.column: as_text(cell.value) for cell in header_row.cells}
    columns: dict[str, int] = {}
    must_be_unique = {fold(header) for header in (*required, *also_unique)}
    for column, text in headers.items():
        first = columns.setdefault(fold(text), column)
        if first != column and fold(text) in must_be_unique:
            findings.problem(
                f"{sheet.title}!{column_letter(column)}1",
                f"the header {text!r} repeats (first in column {column_letter(first)}); "
                "keep one column per header",
            )
    missing = [header for header in required if fold(header) not in columns]
    for header in missing:
        findings.problem(
            f"{sheet.title}!1:1",
            f"no {header!r} column{suggestion(header, headers.values())}; "
            f"put the header {header!r} in row 1",
        )
    if missing:
        return None
    data_rows = tuple(row for row in sheet.rows if row.number > 1)
    return Table(sheet.title, columns, headers, data_rows)
