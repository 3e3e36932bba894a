"""Fill the PowerPoint deck template from the presented report; list and check its placeholders.

The template's conventions (docs/templates.md): any text, table cell, alternative text and
speaker note may hold Jinja placeholders; a table row whose first cell starts with
``{%tr for row in items %}`` repeats per item; a chart named ``Participation chart`` gets
`participation_by_band`; a shape named ``Timeline`` is replaced by the roadmap timeline.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.pptx_template.slides import layout_table
from cipdocs.pptx_template.table import check_table, fill_table, list_table, table_of
from cipdocs.pptx_template.text import (
    check_texts,
    iter_shape_elements,
    list_text,
    render_alt_text,
    render_paragraphs,
    shape_name,
    shape_properties,
    shape_texts,
    text_paragraphs,
)
from cipdocs.render.files import require_template, write_document
from cipdocs.render.pptx_chart import fill_participation_chart, is_participation_chart
from cipdocs.render.pptx_timeline import draw_timeline, is_timeline
from cipdocs.render.properties import apply_core_properties
from cipdocs.report.present import PresentedReport, document_properties
from cipdocs.templating import Placeholder, make_environment

OPEN: Callable[[str], Any] = Presentation


def render_deck(
    report: PresentedReport,
    template: Path,
    destination: Path,
    *,
    record: Mapping[str, object] | None = None,
) -> int:
    """Fill `template` with `report`, write the deck to `destination` (the same bytes on every
    run) and return how many slides a PDF of it will have: the slides not hidden.

    `record` (the report as data, report/record.py) is embedded in the file when given."""
    presentation = open_template(template)
    environment = make_environment()
    context = report.as_template_context()
    slide_height = int(presentation.slide_height)
    for number, slide in enumerate(list(presentation.slides), start=1):
        render_slide(
            presentation, slide, f"slide {number}", report, environment, context, slide_height
        )
    set_properties(presentation, report)
    buffer = io.BytesIO()
    presentation.save(buffer)
    write_document(destination, buffer.getvalue(), record=record)
    return sum(
        1 for slide in presentation.slides if slide._element.get("show") not in ("0", "false")
    )


def list_placeholders(template: Path) -> list[Placeholder]:
    """Return every placeholder in the template, with the slide and shape where it stands."""
    found: list[Placeholder] = []
    for where, shape, table in iter_template_texts(open_template(template)):
        if table is not None:
            found += list_table(table, where)
        else:
            found += list_text(shape_texts(shape), where)
    return found


def check_template(template: Path) -> list[Issue]:
    """Return the template's broken placeholders and unknown names, each with its place."""
    environment = make_environment()
    issues: list[Issue] = []
    for where, shape, table in iter_template_texts(open_template(template)):
        if table is not None:
            issues += check_table(table, where, environment)
        else:
            issues += check_texts(shape_texts(shape), where, environment)
    return issues


def open_template(template: Path) -> Any:
    """Return the template opened; raise `TemplateProblemError` if missing or not a .pptx."""
    require_template(
        template,
        kind="deck",
        fix="pass a .pptx with --template or restore templates/cip-ccg-deck.pptx",
    )
    try:
        return OPEN(str(template))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise TemplateProblemError(
            f"{template}: not a PowerPoint .pptx file; save it from PowerPoint as "
            "'PowerPoint Presentation (.pptx)'"
        ) from None


def iter_template_texts(presentation: Any) -> Any:
    """Yield (where, shape element, table or None) for every shape and note that holds text."""
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in iter_shape_elements(slide.shapes._spTree):
            where = f"slide {number}, shape {shape_name(shape)!r}"
            yield where, shape, table_of(shape)
        if slide.has_notes_slide:
            for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
                yield f"slide {number}, notes", shape, None


def render_slide(
    presentation: Any,
    slide: Any,
    where: str,
    report: PresentedReport,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    slide_height: int,
) -> None:
    """Render one slide: its text, tables, chart, timeline and notes."""
    header_rows: dict[str, int | None] = {}
    for shape in iter_shape_elements(slide.shapes._spTree):
        here = f"{where}, shape {shape_name(shape)!r}"
        render_alt_text(shape, environment, context, here)
        table = table_of(shape)
        if table is not None:
            header_rows[shape_id(shape)] = fill_table(table, environment, context, here)
        else:
            render_paragraphs(text_paragraphs(shape), environment, context, here)
    if slide.has_notes_slide:
        for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
            render_paragraphs(text_paragraphs(shape), environment, context, f"{where}, notes")
    for shape in list(slide.shapes):
        if shape.has_table:
            layout_table(
                presentation, slide, shape, header_rows.get(shape_id(shape._element)), slide_height
            )
        elif is_participation_chart(shape):
            fill_participation_chart(shape, report.participation_by_band, report.report_date)
        elif is_timeline(shape):
            descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr", "")
            draw_timeline(slide, shape, report.roadmap, report.report_date, descr)


def shape_id(shape: etree._Element) -> str:
    """Return the shape's id, unique on its slide."""
    return shape_properties(shape).get("id", "")


def set_properties(presentation: Any, report: PresentedReport) -> None:
    """Set the document properties from the report, so two runs write the same bytes."""
    first_title = next(
        (
            slide.shapes.title.text_frame.text
            for slide in presentation.slides
            if slide.shapes.title is not None and slide.shapes.title.has_text_frame
        ),
        "CIP-CCG status update",
    )
    apply_core_properties(presentation.core_properties, document_properties(report), first_title)
