"""scripts/verapdf.py: the driver's report read back, and veraPDF's verdict on a PDF that fails."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from scripts.verapdf import Failure, Verdict, parse_report

from tests.conftest import PdfUaValidator


def test_parse_report_counts_and_keeps_each_failure() -> None:
    output = (
        "FAIL\ta.pdf\t7.1-3\tpages[0]/content[2]\tContent is neither marked as Artifact nor tagged\n"
        "FAIL\ta.pdf\t7.18.3-1\tpages[1]\tA page with annotation(s) contains Tabs key\n"
        "DONE\ta.pdf\t42\n"
        "DONE\tb.pdf\t0\n"
    )
    verdicts = parse_report(output)
    assert verdicts["b.pdf"] == Verdict(0, ())
    assert verdicts["a.pdf"].failed_checks == 42
    assert verdicts["a.pdf"].failures[1] == Failure(
        "7.18.3-1", "pages[1]", "A page with annotation(s) contains Tabs key"
    )
    assert verdicts["a.pdf"].rules() == {"7.1-3": 1, "7.18.3-1": 1}


@pytest.mark.verapdf
def test_an_untagged_pdf_fails_pdf_ua(verapdf: PdfUaValidator, tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(b"0 0 m 10 10 l S")
    pdf.save(tmp_path / "untagged.pdf")
    verdict = verapdf([tmp_path / "untagged.pdf"])[tmp_path / "untagged.pdf"]
    assert {"6.2-1", "7.1-3", "7.1-8", "7.1-11"} <= set(verdict.rules())
