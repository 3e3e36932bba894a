"""The plain workbook model: `valued_cell` builds the very cell the dataclass builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from cipdocs.workbook.raw import CellValue, RawCell, valued_cell


@pytest.mark.parametrize(
    ("value", "is_error", "is_percent", "formula", "font", "fill"),
    [
        ("Completed", False, False, "", "", ""),
        (0.8, False, True, "B2/C2", "", "rgb:FF00B050"),
        ("#REF!", True, False, "SUM(A1:A3)", "", ""),
        ("ü", False, False, "", "wingdings", "theme:5"),
        (dt.datetime(2024, 8, 30), False, False, "", "", ""),
    ],
)
def test_valued_cell_is_the_dataclass_cell(
    value: CellValue, is_error: bool, is_percent: bool, formula: str, font: str, fill: str
) -> None:
    expected = RawCell(
        coordinate="D14",
        column=4,
        value=value,
        is_error=is_error,
        is_percent=is_percent,
        formula=formula,
        font=font,
        fill=fill,
    )
    made = valued_cell(
        "D14",
        4,
        value,
        is_error=is_error,
        is_percent=is_percent,
        formula=formula,
        font=font,
        fill=fill,
    )
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    # Every field set, in the dataclass's order: nothing left to a class attribute.
    assert list(vars(made)) == [field.name for field in dataclasses.fields(RawCell)]
    assert vars(made) == vars(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert dataclasses.replace(made, column=5) == dataclasses.replace(expected, column=5)


def test_valued_cell_is_frozen() -> None:
    made = valued_cell("A1", 1, "x", is_error=False, is_percent=False, formula="", font="", fill="")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.value = "y"  # type: ignore[misc]
