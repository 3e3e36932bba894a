"""The filled body put in place of a long Word template's body, every paragraph and row kept."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

from cipdocs.render.docx import render_update
from cipdocs.report.present import PresentedReport

ROWS = 2000


def long_template(path: Path) -> Path:
    """Write a Word template as long reports are: a heading, a long table, a closing line."""
    document = docx.Document()
    document.add_heading("Annual statistics {{ report_year }}", level=1)
    table = document.add_table(rows=ROWS, cols=3)
    for number, row in enumerate(table.rows):
        row.cells[0].text = f"Line {number}"
        row.cells[2].text = "kept"
    document.add_paragraph("Update of {{ report_date | long_date }}")
    document.save(str(path))
    return path


def test_a_long_template_is_filled_with_every_row_and_its_section_kept(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    # docxtpl's own swap of the body takes lxml time quadratic in the body's size (over two
    # minutes for 16,000 paragraphs); cipdocs swaps it in place of the old one, which is freed.
    destination = tmp_path / "update.docx"
    render_update(sample_presented, long_template(tmp_path / "long.docx"), destination)

    filled = docx.Document(str(destination))
    texts = [paragraph.text for paragraph in filled.paragraphs]
    assert texts[0] == "Annual statistics 2024"
    assert texts[-1] == "Update of 30 August 2024"
    (table,) = filled.tables
    assert [row.cells[0].text for row in table.rows] == [f"Line {n}" for n in range(ROWS)]
    body = filled.element.body
    assert [child.tag for child in filled.element] == [qn("w:body")]
    assert body[-1].tag == qn("w:sectPr")
