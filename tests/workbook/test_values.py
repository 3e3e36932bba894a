"""Values: text cleaning and the coercion of dates, Yes/No, marks, percentages and colours."""

from __future__ import annotations

import datetime as dt

import pytest

from cipdocs.workbook.read import RawCell
from cipdocs.workbook.values import (
    ValueProblem,
    as_attended,
    as_colour,
    as_date,
    as_text,
    as_whole_percent,
    as_yes_no,
    clean_text,
    fold,
    header_dates,
)


def cell(value: object, *, is_percent: bool = False) -> RawCell:
    return RawCell("B2", 2, value, is_percent=is_percent)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  ALAC  ", "ALAC"),
        ("GNSO\u00a0IPC", "GNSO IPC"),
        ("Nom\u200bCom", "NomCom"),
        ("line_x000D_\nbreak", "line break"),
        ("tab\there", "tab here"),
        ("bell\x07", "bell"),
        ("\ufeffBOM", "BOM"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (13.0, "13"), (1, "1"), (True, "TRUE"), (dt.datetime(2024, 1, 17), "2024-01-17")],
)
def test_as_text(value: object, text: str) -> None:
    assert as_text(value) == text  # type: ignore[arg-type]


def test_fold_is_case_and_space_insensitive() -> None:
    assert fold("  Framework\u00a0Status ") == fold("framework status")


@pytest.mark.parametrize("mark", ["Y", "y", "Yes", "X", "x", "✓", "1", 1, True, "TRUE", "Present"])
def test_attended_marks(mark: object) -> None:
    assert as_attended(cell(mark)) is True


@pytest.mark.parametrize("mark", ["N", "no", "0", 0, False, "FALSE", "Absent", ""])
def test_absent_marks(mark: object) -> None:
    assert as_attended(cell(mark)) is False


def test_blank_attendance_cell_is_absent() -> None:
    assert as_attended(None) is False


def test_unknown_mark_says_what_to_use() -> None:
    with pytest.raises(ValueProblem, match=r"'maybe' is not an attendance mark; use Y or N"):
        as_attended(cell("maybe"))


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (dt.datetime(2024, 8, 30, 0, 0), dt.date(2024, 8, 30)),
        (dt.date(2024, 8, 30), dt.date(2024, 8, 30)),
        ("2024-08-30", dt.date(2024, 8, 30)),
        ("30 Aug 2024", dt.date(2024, 8, 30)),
        ("30 August 2024", dt.date(2024, 8, 30)),
    ],
)
def test_as_date(value: object, date: dt.date) -> None:
    assert as_date(cell(value)) == date


@pytest.mark.parametrize("value", ["soon", 45000, "31/02/2024"])
def test_as_date_rejects(value: object) -> None:
    with pytest.raises(ValueProblem, match="is not a date"):
        as_date(cell(value))


@pytest.mark.parametrize(
    ("value", "answer"), [("Yes", True), ("no", False), ("Y", True), (0, False)]
)
def test_as_yes_no(value: object, answer: bool) -> None:
    assert as_yes_no(cell(value)) is answer


def test_as_yes_no_rejects() -> None:
    with pytest.raises(ValueProblem, match="'perhaps' is not Yes or No"):
        as_yes_no(cell("perhaps"))


@pytest.mark.parametrize(
    ("value", "is_percent", "number"),
    [(80, False, 80), (99.0, False, 99), ("80%", False, 80), (0.8, True, 80), (1, True, 100)],
)
def test_as_whole_percent(value: object, is_percent: bool, number: int) -> None:
    assert as_whole_percent(cell(value, is_percent=is_percent)) == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (79.5, "not a whole percentage"),
        (101, "outside 0-100"),
        ("lots", "not a number"),
        (-1, "outside 0-100"),
    ],
)
def test_as_whole_percent_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueProblem, match=message):
        as_whole_percent(cell(value))


@pytest.mark.parametrize(("value", "colour"), [("#2e7d32", "2E7D32"), ("C62828", "C62828")])
def test_as_colour(value: str, colour: str) -> None:
    assert as_colour(cell(value)) == colour


def test_as_colour_rejects() -> None:
    with pytest.raises(ValueProblem, match="not a colour"):
        as_colour(cell("green"))


@pytest.mark.parametrize(
    ("mark", "attended"),
    [("✅", True), ("✔\ufe0f", True), ("☑", True), ("P", True), ("❌", False), ("☒", False)],
)
def test_emoji_and_box_marks(mark: str, attended: bool) -> None:
    assert as_attended(RawCell("B2", 2, mark)) is attended


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("17 Jan 2024", {dt.date(2024, 1, 17)}),
        ("2024-01-17", {dt.date(2024, 1, 17)}),
        ("17/01/2024", {dt.date(2024, 1, 17)}),
        ("1/17/2024", {dt.date(2024, 1, 17)}),
        ("1/2/2024", {dt.date(2024, 2, 1), dt.date(2024, 1, 2)}),
        ("17-Jan-24", {dt.date(2024, 1, 17)}),
        ("#01", set()),
    ],
)
def test_header_dates(text: str, dates: set[dt.date]) -> None:
    assert header_dates(text) == dates
