"""Formats: dates, percentages, joined names and plurals, as the documents word them."""

from __future__ import annotations

import datetime as dt

import pytest

from cipdocs.report.formats import (
    and_list,
    join_names,
    long_date,
    month_year,
    percent,
    plural,
    short_date,
)


@pytest.mark.parametrize(
    ("date", "short", "long"),
    [
        (dt.date(2024, 8, 30), "30 Aug 2024", "30 August 2024"),
        (dt.date(2024, 1, 8), "8 Jan 2024", "8 January 2024"),
        (dt.date(2025, 12, 1), "1 Dec 2025", "1 December 2025"),
    ],
)
def test_dates_are_day_first_without_leading_zero(date: dt.date, short: str, long: str) -> None:
    assert short_date(date) == short
    assert long_date(date) == long


def test_month_year_and_percent() -> None:
    assert month_year(dt.date(2025, 6, 30)) == "Jun 2025"
    assert percent(92) == "92%"


@pytest.mark.parametrize(
    ("names", "article", "text"),
    [
        ([], "the", ""),
        (["ASO"], "the", "the ASO"),
        (["ASO", "GAC"], "the", "the ASO and the GAC"),
        (["A", "B", "C"], "", "A, B and C"),
    ],
)
def test_and_list(names: list[str], article: str, text: str) -> None:
    assert and_list(names, article) == text


def test_join_names_with_empty_text() -> None:
    assert join_names(["A", "B"]) == "A, B"
    assert join_names([], empty="N/A") == "N/A"


@pytest.mark.parametrize(("count", "word"), [(0, "groups"), (1, "group"), (2, "groups")])
def test_plural(count: int, word: str) -> None:
    assert plural(count, "group") == word


def test_plural_irregular() -> None:
    assert plural(2, "body", "bodies") == "bodies"
