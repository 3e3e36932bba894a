"""Read the workbook's own sums (`Attended`, `Held`, `Rate` columns) for a check against cipdocs'.

Only what the cells state is read here, with what the workbook itself shows about a
disagreement (a mark its COUNTIF does not count); the comparison is `report/sums.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from cipdocs.report.model import FigureKind, StatedFigure
from cipdocs.workbook.read import RawCell, RawRow
from cipdocs.workbook.sheets import Table, column_letter
from cipdocs.workbook.values import ValueProblem, as_attended, as_count, as_rate, fold

_HEADERS = {
    FigureKind.ATTENDED: re.compile(r"^(?:meetings |# |no\. )?attended$"),
    FigureKind.HELD: re.compile(r"^(?:meetings |# |no\. )?held$"),
    FigureKind.RATE: re.compile(
        r"^(?:%|rate|rate %|% rate|participation|participation rate|participation %|"
        r"attendance rate|attendance %|% attended|% attendance|% participation)$"
    ),
}
_COUNTIF = re.compile(r'^\s*(?:_xlfn\.)?COUNTIFS?\(\s*[^,()]+,\s*"([^"]*)"\s*\)\s*$', re.I)


def sum_columns(table: Table) -> dict[int, FigureKind]:
    """Return column -> the figure its header names (`Attended`, `Held`, `Rate`, `%` ...)."""
    found: dict[int, FigureKind] = {}
    for column, text in table.headers.items():
        key = re.sub(r"\s*\([^)]*\)", "", fold(text)).strip()
        for kind, pattern in _HEADERS.items():
            if pattern.match(key):
                found[column] = kind
    return found


def read_stated(
    table: Table, rows: Sequence[tuple[str, RawRow]], counted_columns: Collection[int]
) -> list[StatedFigure]:
    """Return the figure each group's row states in the table's sum columns.

    Blank cells, text that is not a number, errors and formulas without a saved result are
    left out: there is nothing to compare. `counted_columns` are the meeting columns cipdocs
    counts, where a mark a COUNTIF leaves out explains a disagreement.
    """
    columns = sum_columns(table)
    if not columns:
        return []
    stated: list[StatedFigure] = []
    for group, row in rows:
        for cell in row.cells:
            kind = columns.get(cell.column)
            if kind is None or cell.is_error or cell.is_unsaved_formula:
                continue
            value = as_rate(cell) if kind is FigureKind.RATE else as_count(cell)
            if value is None:
                continue
            reasons = _countif_reasons(table, row, cell, counted_columns)
            stated.append(
                StatedFigure(group, kind, f"{table.sheet}!{cell.coordinate}", value, reasons)
            )
    return stated


def _countif_reasons(
    table: Table, row: RawRow, cell: RawCell, counted_columns: Collection[int]
) -> tuple[str, ...]:
    """Return the marks cipdocs counts as present that the cell's COUNTIF of one text does not."""
    match = _COUNTIF.match(cell.formula)
    if match is None:
        return ()
    criterion = match.group(1)
    missed: list[tuple[str, str]] = []
    for mark in row.cells:
        if mark.column not in counted_columns or _counted_by(mark, criterion):
            continue
        try:
            present = as_attended(mark)
        except ValueProblem:
            continue
        if present:
            shown = mark.value if isinstance(mark.value, str) else str(mark.value)
            missed.append((shown, f"{table.sheet}!{column_letter(mark.column)}{row.number}"))
    if not missed:
        return ()
    (shown, where), others = missed[0], len(missed) - 1
    more = f" (and {others} more such {'mark' if others == 1 else 'marks'})" if others else ""
    return (
        f"{shown!r} in {where} is counted as present{more}; a COUNTIF of "
        f'"{criterion}" does not count it',
    )


def _counted_by(mark: RawCell, criterion: str) -> bool:
    """Return True when COUNTIF(range, `criterion`) counts the cell: the same text, any case."""
    return isinstance(mark.value, str) and mark.value.casefold() == criterion.casefold()
