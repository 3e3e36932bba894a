"""Summary: the plain-text report for a person."""

from __future__ import annotations

from cipdocs.report.model import Report
from cipdocs.report.summary import format_summary


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
