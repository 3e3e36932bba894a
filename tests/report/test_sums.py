"""The workbook's own sums against cipdocs' figures, over literal reports."""

from __future__ import annotations

import datetime as dt

import pytest

from cipdocs.report.model import (
    Band,
    FigureKind,
    Meeting,
    Participation,
    Report,
    Representation,
    StatedFigure,
)
from cipdocs.report.sums import check_stated

BAND = Band("All", 0, 100)
REPORT = Report(
    source_name="book.xlsx",
    report_date=dt.date(2024, 3, 1),
    meetings_held=3,
    statuses=(),
    representation=Representation(2, 2, ()),
    participation=(
        Participation("A", 2, 3, 66, BAND),
        Participation("B", 1, 2, 50, BAND, dt.date(2024, 2, 1)),
    ),
    bands=(),
    milestones=(),
    roadmap=(),
    meetings=(Meeting("M2", dt.date(2024, 1, 24), cancelled=True),),
)


@pytest.mark.parametrize(
    ("stated", "messages"),
    [
        ([StatedFigure("A", FigureKind.ATTENDED, "Attendance!G2", 2)], []),
        ([StatedFigure("A", FigureKind.RATE, "Attendance!I2", 67)], []),  # rounded to nearest
        ([StatedFigure("A", FigureKind.RATE, "Attendance!I2", 65)], []),
        (
            [StatedFigure("A", FigureKind.RATE, "Attendance!I2", 64.5)],
            [
                "Attendance!I2: Rate says 64.5% for A, but cipdocs counts 66% (cipdocs does not "
                "count the cancelled meeting M2); the documents show cipdocs' figure: fix the "
                "formula or the marks (docs/workbook.md says what counts)"
            ],
        ),
        (
            [
                StatedFigure("B", FigureKind.ATTENDED, "Attendance!G3", 2, ("a reason",)),
                StatedFigure("B", FigureKind.HELD, "Attendance!H3", 9),
            ],
            [
                "Attendance!G3: Attended says 2 for B, but cipdocs counts 1 (a reason); the "
                "documents show cipdocs' figure: fix the formula or the marks (docs/workbook.md "
                "says what counts)"
            ],
        ),
        ([StatedFigure("C", FigureKind.HELD, "Groups!F4", 9)], []),  # not in the table
    ],
)
def test_check_stated(stated: list[StatedFigure], messages: list[str]) -> None:
    assert [str(issue) for issue in check_stated(REPORT, stated)] == messages
