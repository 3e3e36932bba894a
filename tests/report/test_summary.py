"""Summary: the plain-text report for a person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cipdocs.loading import load_report
from cipdocs.report.model import Report
from cipdocs.report.summary import format_summary
from tests.conftest import contract_sheets, write_sheets


def test_summary_of_the_sample(sample_report: Report) -> None:
    lines = format_summary(sample_report).splitlines()
    assert lines[0] == (
        "CIP-CCG status update as of 30 August 2024 (13 meetings held, source cip-ccg.xlsx)"
    )
    assert "    0  Not started: -" in lines
    assert "  20%-39%: N/A" in lines
    assert "      GNSO ISPCP                 6/13    46%" in lines
    assert (
        "  4. Formulating a CIP Framework, to be used by each SO, AC, and NomCom [In Progress]"
        in lines
    )
    assert "  2024-11-01 to 2025-01-31  Public comment on the CIP Framework [Planned]" in lines


def test_summary_says_what_each_shorter_rate_is_out_of(tmp_path: Path) -> None:
    sheets = contract_sheets()
    sheets["Groups"].append(["Epsilon", "Yes", "Open", dt.date(2024, 3, 15)])
    sheets["Attendance"].append(["Epsilon"])
    lines = format_summary(load_report(write_sheets(sheets, tmp_path / "b.xlsx")).report)
    text = lines.splitlines()
    assert text[0].startswith(
        "CIP-CCG status update as of 1 March 2024 (3 meetings held, 1 cancelled"
    )
    assert "      Alpha                      3/3    100%" in text
    assert "      Delta                      2/2    100%  2 of 2 meetings (1 not expected)" in text
    assert "      Beta                       1/2     50%  1 of 2 meetings since 1 Feb 2024" in text
    assert "  Epsilon: no meetings held since 15 Mar 2024 yet, so no rate" in text
