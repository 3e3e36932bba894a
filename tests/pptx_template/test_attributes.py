"""Attributes checked against the types of the names templates see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cipdocs.pptx_template.attributes import unknown_attributes
from tests.pptx_template.conftest import environment


@dataclass(frozen=True)
class Row:
    label: str
    when: dt.date


@dataclass(frozen=True)
class Report:
    rows: list[Row]
    title: str
    extra: dict[str, int]


SCOPE = {"rows": list[Row], "title": str, "extra": dict[str, int], "report": Report, "row": Row}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ row.label }} {{ row.when.year }} {{ title.upper() }}", []),
        ("{{ row.lable }}", [("row.lable", "did you mean 'label'?")]),
        ("{{ row.when.yaer }}", [("row.when.yaer", "check the spelling")]),
        ("{{ report.rows[0].nope }}", [("report.rows[0].nope", "it has label, when")]),
        (
            "{% for r in report.rows %}{{ r.labl }}{% endfor %}",
            [("r.labl", "did you mean 'label'?")],
        ),
        ("{{ extra.anything }} {{ (rows | first).nope }} {{ unknown.x }}", []),
    ],
)
def test_unknown_attributes(source: str, expected: list[tuple[str, str]]) -> None:
    parsed = environment().parse(source)
    assert list(unknown_attributes(parsed, SCOPE)) == expected
