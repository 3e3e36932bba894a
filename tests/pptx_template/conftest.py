"""Templates built with python-pptx as a person would, filled by the engine and reopened."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import pptx
import pytest
from jinja2.sandbox import SandboxedEnvironment
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches

from cipdocs.pptx_template.presentation import fill_presentation

TITLE_ONLY = 5
TITLE_AND_CONTENT = 1

Fill = Callable[..., Any]


def environment() -> jinja2.Environment:
    """Return a sandboxed, strict environment such as a caller hands the engine."""
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined)


def new_deck() -> Any:
    """Return a new presentation from python-pptx's default template."""
    return pptx.Presentation()


def add_slide(deck: Any, title: str, *boxes: Sequence[str], notes: Sequence[str] = ()) -> Any:
    """Add a title-only slide with one text box per list of paragraphs, and speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    slide.shapes.title.text_frame.text = title
    for number, paragraphs in enumerate(boxes, start=1):
        box = slide.shapes.add_textbox(Inches(1), Inches(1.5 * number), Inches(8), Inches(1))
        box.name = f"Box {number}"
        write_paragraphs(box.text_frame, paragraphs)
    if notes:
        write_paragraphs(slide.notes_slide.notes_text_frame, notes)
    return slide


def write_paragraphs(frame: Any, paragraphs: Sequence[str]) -> None:
    """Type `paragraphs` into a text frame, one per line."""
    frame.text = paragraphs[0]
    for text in paragraphs[1:]:
        frame.add_paragraph().text = text


def add_table(slide: Any, rows: Sequence[Sequence[str]], name: str = "Table") -> Any:
    """Add a table holding `rows` of cell texts."""
    frame = slide.shapes.add_table(
        len(rows), len(rows[0]), Inches(1), Inches(4), Inches(8), Inches(0.4 * len(rows))
    )
    frame.name = name
    for row, texts in zip(frame.table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text_frame.text = text
    return frame


def add_chart(slide: Any, name: str, series: Sequence[str] = ("Example",)) -> Any:
    """Add a bar chart with example data, named `name` in the Selection Pane."""
    data = CategoryChartData()
    data.categories = ["A", "B"]
    for title in series:
        data.add_series(title, (1, 2))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(2), Inches(6), Inches(4), data
    )
    frame.name = name
    return frame


OUTSIDE_WORKBOOK = "file:///C:/Reports/Participation%20figures.xlsx"


def link_to_outside_workbook(frame: Any, target: str = OUTSIDE_WORKBOOK) -> None:
    """Point the chart's data at a workbook outside the deck, as Paste Special > Paste Link
    does: an external relationship where the embedded workbook was."""
    part = frame.chart.part
    link = part._element.find(qn("c:externalData"))
    part.drop_rel(link.get(qn("r:id")))
    link.set(qn("r:id"), part.relate_to(target, RT.OLE_OBJECT, is_external=True))


@pytest.fixture
def fill(tmp_path: Path) -> Fill:
    """Return a function that fills a deck with a context, saves it and reopens it."""

    def filled(deck: Any, context: Mapping[str, object]) -> Any:
        fill_presentation(deck, environment(), context)
        path = tmp_path / "filled.pptx"
        deck.save(str(path))
        return pptx.Presentation(str(path))

    return filled


def slide_texts(slide: Any) -> list[str]:
    """Return every paragraph of a slide's text boxes and tables, in order."""
    texts: list[str] = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts += [paragraph.text for paragraph in shape.text_frame.paragraphs]
        elif shape.has_table:
            for row in shape.table.rows:
                texts += [cell.text_frame.text for cell in row.cells]
    return texts


def titles(deck: Any) -> list[str]:
    """Return each slide's title."""
    return [slide.shapes.title.text_frame.text for slide in deck.slides]


def all_text(deck: Any) -> str:
    """Return every text of the deck, notes included, joined."""
    parts: list[str] = []
    for slide in deck.slides:
        parts += slide_texts(slide)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)
