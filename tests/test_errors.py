"""Errors: one hierarchy, one exit code per kind, messages as printed."""

from __future__ import annotations

import pytest

from cipdocs.errors import (
    CipdocsError,
    ConverterProblemError,
    InvalidWorkbookError,
    Issue,
    OutputProblemError,
    SelfCheckError,
    TemplateProblemError,
    WorkbookUnreadableError,
)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (WorkbookUnreadableError, 3),
        (InvalidWorkbookError, 4),
        (TemplateProblemError, 5),
        (OutputProblemError, 6),
        (ConverterProblemError, 7),
        (SelfCheckError, 70),
    ],
)
def test_exit_codes_are_distinct_and_documented(error: type[CipdocsError], code: int) -> None:
    assert issubclass(error, CipdocsError)
    assert error.exit_code == code


def test_invalid_workbook_lists_each_issue_then_the_count() -> None:
    error = InvalidWorkbookError([Issue("Groups!A2", "bad; fix"), Issue("Bands", "missing; add")])
    assert error.lines() == [
        "Groups!A2: bad; fix",
        "Bands: missing; add",
        "error: the workbook has 2 problems",
    ]


def test_issue_without_place_is_its_message() -> None:
    assert str(Issue("", "no place")) == "no place"


def test_invalid_workbook_lines_are_capped() -> None:
    error = InvalidWorkbookError([Issue(f"Groups!A{row}", "bad") for row in range(2, 42)])
    lines = error.lines()
    assert len(lines) == 19
    assert lines[-2:] == [
        "... and 23 more not shown; fix these and run again",
        "error: the workbook has 40 problems",
    ]
