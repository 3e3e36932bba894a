"""The sample's deck and Word update opened by a real office suite: LibreOffice, then poppler."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cipdocs.cli import cli
from tests.conftest import (
    DECK_TEMPLATE,
    SAMPLE_WORKBOOK,
    UPDATE_TEMPLATE,
    PdfUaValidator,
    needs_carlito,
)

STEM = "CIP-CCG Status Update 2024-08-30"

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
        reason="LibreOffice or poppler is not installed: run scripts/install-office.sh",
    ),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    result = CliRunner().invoke(
        cli,
        [
            "deck",
            str(SAMPLE_WORKBOOK),
            "-o",
            str(folder),
            "--template",
            str(DECK_TEMPLATE),
            "--docx-template",
            str(UPDATE_TEMPLATE),
            "--pdf",
            "--preview",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert f"converting {STEM}.pptx to PDF" in result.stderr
    # Both PDFs were repaired into PDF/UA-1: no warning that one could not be.
    assert "PDF/UA" not in result.stderr
    return folder


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def embedded_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def test_deck_pdf_has_one_page_per_slide_and_the_figures(rendered: Path) -> None:
    slides = rendered / f"{STEM} (slides).pdf"
    assert pdf_pages(slides) == 5
    text = " ".join(pdf_text(slides).split())
    for fact in [
        "CIP-CCG Roadmap (2024)",
        "CIP-CCG Framework: Status Update (30 Aug 2024)",
        "21 out of 22",
        "The only group to not appoint a representative was the ASO.",
        "% out of 13 Meetings, as of 30 August 2024",
        "GNSO Council, GNSO IPC, GNSO NPOC, GNSO RrSG, GAC, NomCom, SSAC",
        "Formulating a CIP Framework, to be used by each SO, AC, and NomCom",
        "Continuous Improvement Program Roadmap",
    ]:
        assert fact in text, fact


def test_document_pdf_carries_the_figures(rendered: Path) -> None:
    document = rendered / f"{STEM} (document).pdf"
    assert pdf_pages(document) >= 1
    text = " ".join(pdf_text(document).split())
    for fact in ["CIP-CCG Status Update", "21 out of 22", "AFRALO, ccNSO, GNSO NCUC", "N/A"]:
        assert fact in text, fact


@needs_carlito
def test_template_fonts_are_embedded_without_fallback(rendered: Path) -> None:
    for name in (f"{STEM} (slides).pdf", f"{STEM} (document).pdf"):
        fonts = embedded_fonts(rendered / name)
        assert "Carlito" in fonts, fonts
        assert "DejaVu" not in fonts, fonts


def test_one_preview_per_slide(rendered: Path) -> None:
    previews = sorted(rendered.glob(f"{STEM} (slide *).png"))
    assert [path.name for path in previews] == [f"{STEM} (slide 0{n}).png" for n in range(1, 6)]
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in previews)


@pytest.mark.verapdf
def test_the_pdfs_deck_writes_pass_verapdf_pdf_ua_1(
    rendered: Path, verapdf: PdfUaValidator
) -> None:
    # The run converts its staged documents (temporary names): the repairs must still apply.
    pdfs = [rendered / f"{STEM} (slides).pdf", rendered / f"{STEM} (document).pdf"]
    verdicts = verapdf(pdfs)
    assert {pdf.name: verdicts[pdf].rules() for pdf in pdfs} == {pdf.name: {} for pdf in pdfs}
