"""LibreOffice as the layout oracle: decks that used to break are drawn to PDF and read word by
word (pdfplumber): nothing off the page, no text drawn over other text, nothing under 8 pt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pptx
import pytest
from bench.make_workbook import group_name, workbook_sheets, write_workbook
from pptx.util import Inches

from cipdocs.loading import load_report
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import present_report
from tests.conftest import DECK_TEMPLATE, write_sheets

pdfplumber = pytest.importorskip("pdfplumber")

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice is not installed: run scripts/install-office.sh",
    ),
]

MIN_SIZE = 8.0
TOLERANCE = 0.5
"""Points of rounding in LibreOffice's and pdfplumber's boxes."""


def to_pdf(deck: Path) -> Path:
    """Convert `deck` with LibreOffice and return the PDF."""
    # A profile of its own: with the user's default one, a LibreOffice another run (or another
    # user's session as the same user) has open takes the request over and this one exits 1.
    profile = f"-env:UserInstallation={(deck.parent / 'profile').as_uri()}"
    outdir = str(deck.parent)
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", outdir, str(deck)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return deck.with_suffix(".pdf")


def layout_faults(pdf: Path) -> list[str]:
    """Return each word off its page, each under 8 pt and each pair of words drawn over each
    other, with its page."""
    faults: list[str] = []
    with pdfplumber.open(str(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            words = page.extract_words(extra_attrs=["size"], use_text_flow=False)
            for word in words:
                if (
                    word["x0"] < -TOLERANCE
                    or word["top"] < -TOLERANCE
                    or word["x1"] > page.width + TOLERANCE
                    or word["bottom"] > page.height + TOLERANCE
                ):
                    faults.append(f"page {number}: {word['text']!r} is off the page")
                if word["size"] < MIN_SIZE - 0.05:
                    faults.append(f"page {number}: {word['text']!r} is {word['size']:.1f} pt")
            faults += [f"page {number}: {pair}" for pair in overlapping_words(words)]
    return faults


def overlapping_words(words: list[dict[str, object]]) -> list[str]:
    """Return the pairs of words whose boxes overlap by more than rounding."""
    found = []
    ordered = sorted(words, key=lambda word: float(word["top"]))  # type: ignore[arg-type]
    for index, word in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if float(other["top"]) >= float(word["bottom"]) - TOLERANCE:  # type: ignore[arg-type]
                break
            across = min(word["x1"], other["x1"]) - max(word["x0"], other["x0"])  # type: ignore[type-var, operator]
            if across > TOLERANCE:
                found.append(f"{word['text']!r} and {other['text']!r} are drawn over each other")
    return found


def render(workbook: Path, folder: Path, template: Path = DECK_TEMPLATE) -> Path:
    deck = folder / "deck.pptx"
    render_deck(present_report(load_report(workbook).report), template, deck)
    return deck


def cjk_workbook(path: Path, groups: int) -> Path:
    """Write a generated workbook whose groups have long CJK names (wide glyphs)."""
    sheets = workbook_sheets(groups=groups, meetings=20)
    names = {
        group_name(index): f"国際コミュニティ諮問委員会第{index + 1}作業部会"
        for index in range(groups)
    }
    renamed = {
        title: [
            [names.get(cell, cell) if isinstance(cell, str) else cell for cell in row]
            for row in rows
        ]
        for title, rows in sheets.items()
    }
    return write_sheets(renamed, path)


def narrow_wide_font_template(path: Path) -> Path:
    """Write the shipped template with its status table narrower and set in DejaVu Sans, a
    wider face than Calibri, as a staff member might restyle it."""
    deck = pptx.Presentation(str(DECK_TEMPLATE))
    frame = next(
        shape for slide in deck.slides for shape in slide.shapes if shape.name == "Status table"
    )
    table = frame.table
    table.columns[0].width = Inches(3.0)
    table.columns[1].width = Inches(5.0)
    table.columns[2].width = Inches(0.9)
    frame.width = sum(column.width for column in table.columns)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.name = "DejaVu Sans"
    deck.save(str(path))
    return path


def test_sample_deck_lays_out_cleanly(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE_WORKBOOK

    assert layout_faults(to_pdf(render(SAMPLE_WORKBOOK, tmp_path))) == []


def test_400_groups_keep_every_sentence_on_its_slide(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "groups-400.xlsx", groups=400)
    assert layout_faults(to_pdf(render(workbook, tmp_path))) == []


def test_long_cjk_group_names_do_not_overlap_the_table(tmp_path: Path) -> None:
    workbook = cjk_workbook(tmp_path / "cjk.xlsx", groups=60)
    assert layout_faults(to_pdf(render(workbook, tmp_path))) == []


def test_narrow_table_in_a_wider_font_pushes_the_paragraph_below_it(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE_WORKBOOK

    template = narrow_wide_font_template(tmp_path / "staff.pptx")
    assert layout_faults(to_pdf(render(SAMPLE_WORKBOOK, tmp_path, template))) == []


def test_300_group_chart_continues_with_every_bar_labelled_at_8_pt(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "groups-300.xlsx", groups=300)
    deck = render(workbook, tmp_path)

    charts = [
        shape.chart
        for slide in pptx.Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_chart
    ]
    assert len(charts) > 1
    assert sum(len(list(chart.plots[0].categories)) for chart in charts) == 288
    assert layout_faults(to_pdf(deck)) == []
