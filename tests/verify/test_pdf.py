"""Tests for verify/pdf.py: what `check-deck` finds in a PDF, from literal facts and real files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from cipdocs.cli import cli
from cipdocs.verify.pdf import Figure, PdfFacts, check_pdf_facts

GOOD = PdfFacts(
    tagged=True,
    language="en-US",
    title="CIP-CCG Status Update 30 Aug 2024",
    shows_title=True,
    pdfua=True,
    figures=(Figure(3, "Bar chart of each group's participation rate"),),
    structure=("H", "P", "Figure"),
    untagged_links=(),
)


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        ({"language": ""}, "no document language; set the language of the source file"),
        ({"title": ""}, "no title in its metadata; set the source file's Title property"),
        ({"shows_title": False}, "the viewer shows the file name, not the title"),
        ({"pdfua": False}, "does not claim PDF/UA-1 in its metadata"),
        ({"structure": ("P", "Figure")}, "no headings; give each slide a title"),
        ({"figures": (Figure(5, ""),)}, "page 5: a figure has no alternative text"),
        ({"untagged_links": (2,)}, "page 2: a link is not tagged as a link"),
    ],
)
def test_each_finding(change: dict[str, object], finding: str) -> None:
    assert check_pdf_facts(GOOD) == []
    [found] = check_pdf_facts(replace(GOOD, **change))
    assert found.startswith(finding)


def test_an_untagged_pdf_is_one_finding() -> None:
    assert check_pdf_facts(replace(GOOD, tagged=False, language="")) == [
        "not tagged: a screen reader gets no headings, tables or order; export it again with "
        "tags (cipdocs deck --pdf, or in PowerPoint and Word: File > Save As > PDF > Options > "
        "Document structure tags for accessibility)"
    ]


def test_check_deck_on_an_untagged_pdf_exits_8(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "hand.pdf")
    result = CliRunner().invoke(cli, ["check-deck", str(tmp_path / "hand.pdf")])
    assert result.exit_code == 8
    assert f"{tmp_path / 'hand.pdf'}: not tagged: a screen reader" in result.stderr


def test_check_deck_on_a_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_text("not a PDF")
    result = CliRunner().invoke(cli, ["check-deck", str(tmp_path / "broken.pdf")])
    assert result.exit_code != 0
    assert "not a readable PDF; give a PDF file" in result.stderr
