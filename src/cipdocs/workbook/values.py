"""Pure coercion of single cell values: clean text, dates, Yes/No, attendance marks, numbers."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import unicodedata

from cipdocs.workbook.read import CellValue, RawCell

ATTENDED_MARKS = frozenset({"y", "yes", "x", "✓", "✔", "☑", "✅", "1", "true", "present", "p"})
ABSENT_MARKS = frozenset(
    {"n", "no", "0", "false", "absent", "a", "apologies", "☐", "☒", "✗", "✘", "✕", "✖", "❌"}
)
NOT_EXPECTED_MARKS = frozenset({"-", "\u2013", "\u2014", "n/a", "na"})
"""Marks saying the group was not expected at the meeting (no representative that week)."""
SYMBOL_MARKS: dict[str, dict[str, bool]] = {
    # Insert > Symbol: what Excel shows for these letters in these fonts.
    "wingdings": {"ü": True, "þ": True, "û": False, "ý": False, "¨": False, "o": False},
    "wingdings 2": {"p": True, "r": True, "o": False, "s": False, "t": False, "£": False},
    "marlett": {"a": True, "b": True, "r": False},
}
"""Symbol-font font name -> folded character -> attended (a tick) or not (a cross, empty box)."""
YES_WORDS = frozenset({"yes", "y", "true", "1", "x", "✓"})
NO_WORDS = frozenset({"no", "n", "false", "0"})

_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Zero-width characters, the soft hyphen, and the variation selectors that make ✔ into ✔️.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0e\ufe0f"), None)
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%b %d, %Y", "%B %d, %Y")


class ValueProblem(ValueError):
    """A cell's value is not of the kind its column needs; the message says how to fix it."""


# The same few texts (statuses, marks, names) fill thousands of cells: each distinct text is
# cleaned and folded once. Pure functions of a string, so the caches change no result.
@functools.lru_cache(maxsize=1 << 14)
def clean_text(value: str) -> str:
    """Return `value` with Excel escapes decoded, invisible and control characters gone, trimmed."""
    if value.isascii() and value.isprintable() and "_x" not in value:
        # Plain ASCII (nearly every cell) needs only its spaces tidied.
        return " ".join(value.split())
    text = _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
    if any("\ud800" <= char <= "\udfff" for char in text):
        # ``_xD83C__xDF10_`` are the two UTF-16 halves of one emoji: join them; a lone half,
        # which nothing can print, becomes U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = text.translate(_INVISIBLE)
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zs", "Zl", "Zp") else char for char in text
    )
    return " ".join(text.split())


def as_text(value: CellValue) -> str:
    """Return a cell's value as clean text; whole numbers lose their ``.0``."""
    if type(value) is str:
        return clean_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


@functools.lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """Return the case-insensitive matching key of a name."""
    return clean_text(text).casefold()


def as_date(cell: RawCell) -> dt.date:
    """Return the cell as a date: a date cell, or text like ``2024-08-30`` or ``30 Aug 2024``."""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = clean_text(value)
        for pattern in _TEXT_DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueProblem(
        f"{as_text(value)!r} is not a date; enter a date such as 2024-08-30 (a date cell, or text "
        "in that form)"
    )


_HEADER_DATE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y", "%d-%b-%y", "%d.%m.%Y")


def header_dates(text: str) -> set[dt.date]:
    """Return every date `text` can be read as: a date header as Excel writes it in a Table.

    ``17 Jan 2024`` and ``2024-01-17`` give one date; ``1/2/2024`` gives two (day or month
    first, as the locale had it), which the caller must tell apart.
    """
    found = set()
    with contextlib.suppress(ValueProblem):
        found.add(as_date(RawCell("", 0, text)))
    for pattern in _HEADER_DATE_FORMATS:
        try:
            found.add(dt.datetime.strptime(clean_text(text), pattern).date())
        except ValueError:
            continue
    return found


def as_yes_no(cell: RawCell) -> bool:
    """Return True for Yes and False for No (Y/N, TRUE/FALSE, 1/0 too)."""
    key = fold(as_text(cell.value))
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise ValueProblem(f"{as_text(cell.value)!r} is not Yes or No; enter Yes or No")


def as_attended(cell: RawCell | None) -> bool:
    """Return whether an attendance cell marks the meeting as attended (blank is absent).

    In a symbol font the letter is what Excel shows: ``ü`` in Wingdings is a tick.
    """
    return as_mark(cell) is True


def as_mark(cell: RawCell | None) -> bool | None:
    """Return True for attended, False for absent (blank too), None for not expected (``n/a``).

    In a symbol font the letter is what Excel shows: ``ü`` in Wingdings is a tick.
    """
    if cell is None:
        return False
    key = fold(as_text(cell.value))
    if cell.font:
        symbols = SYMBOL_MARKS.get(cell.font, {})
        if key in symbols:
            return symbols[key]
        raise ValueProblem(
            f"{as_text(cell.value)!r} in the {cell.font.title()} font is not an attendance mark; "
            "use Y or N in a text font, or a tick or cross from Insert > Symbol"
        )
    if key in ATTENDED_MARKS:
        return True
    if key in ABSENT_MARKS or not key:
        return False
    if key in NOT_EXPECTED_MARKS:
        return None
    raise ValueProblem(
        f"{as_text(cell.value)!r} is not an attendance mark; use Y or N (or leave blank for "
        "absent, n/a if the group was not expected)"
    )


def is_not_expected(cell: RawCell | None) -> bool:
    """Return True for a mark saying the group was not expected: ``n/a``, ``NA``, a dash."""
    return cell is not None and not cell.font and fold(as_text(cell.value)) in NOT_EXPECTED_MARKS


def as_count(cell: RawCell) -> float | None:
    """Return the number a sum cell states (a number, or text such as ``9``), or None."""
    value = cell.value
    if isinstance(value, str):
        try:
            value = float(clean_text(value))
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def as_rate(cell: RawCell) -> float | None:
    """Return the percentage a rate cell states: ``76``, ``0.76``, ``76%`` (text or format).

    A plain number up to 1 is a fraction (0.76 is 76%), as a rate formula without a percent
    format leaves it.
    """
    value = cell.value
    if isinstance(value, str) and clean_text(value).endswith("%"):
        number = as_count(RawCell(cell.coordinate, cell.column, clean_text(value)[:-1]))
        return number
    number = as_count(cell)
    if number is None:
        return None
    return number * 100 if cell.is_percent or abs(number) <= 1 else number


def as_whole_percent(cell: RawCell) -> int:
    """Return a band limit as a whole percentage 0-100; a cell shown as ``80%`` holds 0.8."""
    value = cell.value
    if isinstance(value, str):
        text = clean_text(value).rstrip("%").strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueProblem(
                f"{as_text(cell.value)!r} is not a number; enter a whole percentage from 0 to 100"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueProblem(
            f"{as_text(value)!r} is not a number; enter a whole percentage from 0 to 100"
        )
    number = value * 100 if cell.is_percent else value
    if not math.isfinite(number):
        # A hostile or corrupt file can store 1e999, which reads as infinity.
        raise ValueProblem(
            f"{as_text(value)!r} is not a number; enter a whole percentage from 0 to 100"
        )
    rounded = round(number)
    if abs(number - rounded) > 1e-9:
        raise ValueProblem(
            f"{as_text(value)!r} is not a whole percentage; "
            "bands use whole numbers such as 80 or 99"
        )
    if not 0 <= rounded <= 100:
        raise ValueProblem(f"{rounded} is outside 0-100; enter a whole percentage from 0 to 100")
    return int(rounded)


def as_colour(cell: RawCell) -> str:
    """Return an ``RRGGBB`` colour from ``#2E7D32`` or ``2e7d32``."""
    text = as_text(cell.value).lstrip("#").upper()
    if re.fullmatch(r"[0-9A-F]{6}", text):
        return text
    raise ValueProblem(
        f"{as_text(cell.value)!r} is not a colour; enter six hex digits such as 2E7D32"
    )
