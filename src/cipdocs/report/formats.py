"""Dates, percentages and joined names in the words the documents use; also template filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence


def short_date(value: dt.date) -> str:
    """Return `value` day-first with a short month and no leading zero: ``30 Aug 2024``."""
    return f"{value.day} {value:%b %Y}"


def long_date(value: dt.date) -> str:
    """Return `value` day-first with the month in full and no leading zero: ``8 January 2024``."""
    return f"{value.day} {value:%B %Y}"


def month_year(value: dt.date) -> str:
    """Return the month and year of `value`: ``Aug 2024``."""
    return f"{value:%b %Y}"


def iso_date(value: dt.date) -> str:
    """Return `value` as ``2024-08-30``."""
    return value.isoformat()


def percent(value: int) -> str:
    """Return a whole percentage as ``92%``."""
    return f"{value}%"


def join_names(names: Iterable[str], separator: str = ", ", empty: str = "") -> str:
    """Return `names` joined by `separator`, or `empty` when there are none."""
    joined = separator.join(names)
    return joined if joined else empty


def and_list(names: Sequence[str], article: str = "") -> str:
    """Return ``the ASO``, ``the ASO and the GAC`` or ``A, B and C``, each name after `article`."""
    prefixed = [f"{article} {name}" if article else name for name in names]
    if len(prefixed) <= 1:
        return "".join(prefixed)
    return f"{', '.join(prefixed[:-1])} and {prefixed[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return `singular` when `count` is 1, otherwise `plural_form` (default: singular + s)."""
    if count == 1:
        return singular
    return plural_form if plural_form is not None else f"{singular}s"
