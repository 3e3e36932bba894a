"""Group repeated issues into one line per message and cap the lines, so a report stays short."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cipdocs.errors import MAX_ISSUE_LINES, Issue
from cipdocs.workbook.sheets import column_letter

LISTED_CELLS = 3
"""Up to this many cells with one message are named one by one; more become a range."""

_CELL = re.compile(r"^(?P<sheet>.+)!(?P<column>[A-Z]{1,3})(?P<row>[0-9]+)$")


def group_issues(issues: Sequence[Issue], limit: int = MAX_ISSUE_LINES) -> list[Issue]:
    """Return `issues` with one line per sheet and message, in order, at most `limit` lines.

    247 cells with the same unknown mark become ``Attendance!B2:N20 (247 cells): ...``.
    """
    order: list[tuple[str, str]] = []
    places: dict[tuple[str, str], list[str]] = {}
    for issue in issues:
        match = _CELL.match(issue.where)
        key = (match["sheet"] if match else issue.where, issue.message)
        if key not in places:
            order.append(key)
            places[key] = []
        places[key].append(issue.where)
    lines = [Issue(_place(places[key]), key[1]) for key in order]
    if len(lines) <= limit:
        return lines
    shown = lines[: limit - 1]
    hidden = len(issues) - sum(len(places[key]) for key in order[: limit - 1])
    noun = "issue" if hidden == 1 else "issues"
    return [*shown, Issue("", f"... and {hidden} more {noun} not shown; fix these and run again")]


def _place(wheres: list[str]) -> str:
    """Return one place for the cells of one message: a cell, a short list, or a range."""
    unique = list(dict.fromkeys(wheres))
    if len(unique) == 1:
        return unique[0]
    matches = [_CELL.match(where) for where in unique]
    if not all(matches):
        return unique[0]
    sheet = matches[0]["sheet"]  # type: ignore[index]
    if len(unique) <= LISTED_CELLS:
        return f"{sheet}!" + ", ".join(where.split("!", 1)[1] for where in unique)
    columns = [_column_number(match["column"]) for match in matches if match]
    rows = [int(match["row"]) for match in matches if match]
    first = f"{column_letter(min(columns))}{min(rows)}"
    last = f"{column_letter(max(columns))}{max(rows)}"
    return f"{sheet}!{first}:{last} ({len(unique)} cells)"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
