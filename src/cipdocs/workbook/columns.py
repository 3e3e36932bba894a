"""Read one cell of a table as the kind its column needs, recording its problem at `Sheet!Cell`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cipdocs.workbook.read import RawCell, RawRow
from cipdocs.workbook.sheets import UNSAVED_FORMULA, Findings, Table
from cipdocs.workbook.values import ValueProblem, as_text, fold

T = TypeVar("T")


def convert(
    table: Table, row: RawRow, column: str, convert: Callable[[RawCell], T], findings: Findings
) -> T | None:
    """Return the converted cell, or record its problem (blank included) and return None."""
    cell = table.cell(row, column)
    # Text that cleans to nothing (a lone _x000D_ escape, zero-width spaces) is blank too.
    if cell is None or (isinstance(cell.value, str) and not as_text(cell.value)):
        findings.problem(
            table.where(row, column), f"{column} is blank; fill it in or delete the row"
        )
        return None
    if cell.is_unsaved_formula:
        findings.problem(table.where(row, column), UNSAVED_FORMULA)
        return None
    if cell.is_error:
        findings.problem(
            table.where(row, column),
            f"the cell holds the error {as_text(cell.value)}; fix the formula or type the value",
        )
        return None
    try:
        return convert(cell)
    except ValueProblem as problem:
        findings.problem(table.where(row, column), str(problem))
        return None


def required_text(table: Table, row: RawRow, column: str, findings: Findings) -> str | None:
    return convert(table, row, column, lambda cell: as_text(cell.value), findings) or None


def optional_text(table: Table, row: RawRow, column: str, findings: Findings) -> str | None:
    """Return the cell's text, None when blank; an error or unsaved formula is a problem."""
    cell = table.cell(row, column)
    if cell is None:
        return None
    if cell.is_error or cell.is_unsaved_formula:
        return convert(table, row, column, lambda cell: as_text(cell.value), findings)
    return as_text(cell.value)


def unique(
    table: Table, row: RawRow, column: str, name: str, seen: dict[str, str], findings: Findings
) -> bool:
    """Return True the first time `name` is seen in `column`; record a problem for a repeat."""
    if fold(name) in seen:
        findings.problem(
            table.where(row, column),
            f"{name!r} is listed twice (first at {seen[fold(name)]}); "
            f"keep one row per {column.lower()}",
        )
        return False
    seen[fold(name)] = table.where(row, column)
    return True
