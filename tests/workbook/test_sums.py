"""The workbook's own sums: which columns are read, as typed numbers or formula results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from cipdocs.loading import load_report
from cipdocs.report.model import FigureKind
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import RawCell, read_workbook
from cipdocs.workbook.sheets import Table
from cipdocs.workbook.sums import sum_columns
from cipdocs.workbook.values import as_rate
from tests.conftest import contract_sheets

Formula = tuple[str, object]
"""A formula and the result saved with it."""


def write_with_formulas(sheets: dict[str, list[list[object]]], path: Path) -> Path:
    """Write `sheets` with XlsxWriter, which saves a formula's result as Excel does."""
    book = xlsxwriter.Workbook(str(path))
    book.calc_on_load = False  # the results below are the workbook's own, not to recalculate
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, tuple):
                    sheet.write_formula(number, column, value[0], None, value[1])
                elif isinstance(value, dt.date):
                    sheet.write_datetime(number, column, value, date)
                elif value is not None:
                    sheet.write(number, column, value)
    book.close()
    return path


def with_sums(*rows: tuple[object, object, object]) -> dict[str, list[list[object]]]:
    sheets = contract_sheets()
    sheets["Attendance"][0] += ["Attended", "Held", "Rate"]
    for row, sums in zip(sheets["Attendance"][1:], rows, strict=True):
        row += list(sums)
    return sheets


AGREE = ((3, 3, 1), (1, 2, 0.5), (2, 2, "100%"))
"""Alpha, Beta and Delta as cipdocs counts them (contract_sheets), in three forms of rate."""


def test_sums_that_agree_are_quiet(tmp_path: Path) -> None:
    loaded = load_report(write_with_formulas(with_sums(*AGREE), tmp_path / "book.xlsx"))
    assert loaded.warnings == ()


@pytest.mark.parametrize(
    ("sums", "warning"),
    [
        (
            # A COUNTIF of "Y" misses Alpha's "Yes " (Attendance!E2).
            ((('=COUNTIF(B2:F2,"Y")', 2), 3, 1), AGREE[1], AGREE[2]),
            "Attendance!G2: Attended says 2 for Alpha, but cipdocs counts 3 ('Yes ' in "
            'Attendance!E2 is counted as present; a COUNTIF of "Y" does not count it); the '
            "documents show cipdocs' figure: fix the formula or the marks (docs/workbook.md says "
            "what counts)",
        ),
        (
            # Typed: every meeting dated by the report date, cancelled M2 and all.
            (AGREE[0], (1, 4, 0.25), AGREE[2]),
            "Attendance!H3: Held says 4 for Beta, but cipdocs counts 2 (cipdocs does not count "
            "the cancelled meeting M2; Beta counts only meetings since its Represented since "
            "(2024-02-01)); the documents show cipdocs' figure: fix the formula or the marks "
            "(docs/workbook.md says what counts)",
        ),
        (
            (AGREE[0], AGREE[1], (2, 2, "76%")),
            "Attendance!I4: Rate says 76% for Delta, but cipdocs counts 100% (cipdocs does not "
            "count the cancelled meeting M2; 1 meeting marked not expected (n/a) is not "
            "counted); the documents show cipdocs' figure: fix the formula or the marks "
            "(docs/workbook.md says what counts)",
        ),
    ],
)
def test_a_sum_that_disagrees_warns_once_naming_the_cell_both_values_and_why(
    tmp_path: Path, sums: tuple[tuple[object, object, object], ...], warning: str
) -> None:
    loaded = load_report(write_with_formulas(with_sums(*sums), tmp_path / "book.xlsx"))
    assert [str(issue) for issue in loaded.warnings] == [warning]


def test_one_warning_per_group_and_a_rate_within_one_point_agrees(tmp_path: Path) -> None:
    sheets = with_sums((0, 9, 0.1), (1, 2, 49), (2, 2, 0.99))
    loaded = load_report(write_with_formulas(sheets, tmp_path / "book.xlsx"))
    assert [issue.where for issue in loaded.warnings] == ["Attendance!G2"]


def test_the_groups_sheet_sums_are_checked_and_participation_tracked_is_not_one(
    tmp_path: Path,
) -> None:
    sheets = contract_sheets()
    sheets["Groups"][0] += ["Participation tracked", "Participation %"]
    for row, sums in zip(
        sheets["Groups"][1:], [("Yes", 100), ("Yes", 50), ("No", None), ("Yes", 50)], strict=True
    ):
        row += list(sums)
    loaded = load_report(write_with_formulas(sheets, tmp_path / "book.xlsx"))
    assert [str(issue).split(",")[0] for issue in loaded.warnings] == [
        "Groups!F5: Rate says 50% for Delta"
    ]


def test_text_that_is_no_number_is_not_compared(tmp_path: Path) -> None:
    sheets = with_sums((3, "n/a", "-"), AGREE[1], AGREE[2])
    data, _ = parse_workbook(read_workbook(write_with_formulas(sheets, tmp_path / "book.xlsx")))
    alpha = [(figure.kind, figure.value) for figure in data.stated if figure.group == "Alpha"]
    assert alpha == [(FigureKind.ATTENDED, 3.0)]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Attended", FigureKind.ATTENDED),
        ("meetings attended", FigureKind.ATTENDED),
        ("Held", FigureKind.HELD),
        ("# held", FigureKind.HELD),
        ("Rate", FigureKind.RATE),
        ("%", FigureKind.RATE),
        ("Participation", FigureKind.RATE),
        ("Participation rate (%)", FigureKind.RATE),
        ("% attended", FigureKind.RATE),
        ("Participation tracked", None),
        ("Notes", None),
        ("Rate card", None),
    ],
)
def test_sum_columns_are_known_by_their_header(header: str, kind: FigureKind | None) -> None:
    table = Table("Attendance", {}, {1: "Group", 2: header}, ())
    assert sum_columns(table).get(2) == kind


@pytest.mark.parametrize(
    ("value", "is_percent", "rate"),
    [
        (76, False, 76.0),
        (0.76, False, 76.0),
        (0.76, True, 76.0),
        ("76%", False, 76.0),
        ("76", False, 76.0),
        (1, False, 100.0),
        ("n/a", False, None),
        (True, False, None),
    ],
)
def test_a_rate_is_read_as_76_or_0_76_or_76_percent(
    value: object, is_percent: bool, rate: float | None
) -> None:
    assert as_rate(RawCell("R2", 18, value, is_percent=is_percent)) == rate  # type: ignore[arg-type]
