"""Fill the PowerPoint deck template from the presented report; list and check its placeholders.

The template engine (`cipdocs.pptx_template`, docs/templates.md) fills text, tables, notes, alt
text, slide and paragraph tags and bound charts; this module adds what is CIP-CCG's own: the
older chart name ``Participation chart`` as a binding, the roadmap timeline drawn where a shape
named ``Timeline`` stands, and tables laid out onto follow-on slides.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.pptx_template.chart_pages import continue_chart
from cipdocs.pptx_template.presentation import (
    FilledSlide,
    check_presentation,
    fill_presentation,
    iter_charts,
    iter_places,
)
from cipdocs.pptx_template.slides import layout_table
from cipdocs.pptx_template.tags import TemplateError, find_placeholders
from cipdocs.render.files import Stager, require_template, write_document
from cipdocs.render.pptx_chart import fix_workbook_dates
from cipdocs.render.pptx_timeline import draw_timeline, is_timeline
from cipdocs.render.pptx_titles import number_continued_titles
from cipdocs.render.properties import apply_core_properties, template_core_properties
from cipdocs.report.present import PresentedReport, document_properties
from cipdocs.templating import Placeholder, make_environment, template_names
from cipdocs.verify.deck import judge_filled, template_findings

# Templates made before charts were bound by name keep working: their chart is this binding.
CHART_ALIASES = {
    "Participation chart": "Chart: for row in participation_by_band; categories=row.group; "
    "values=row.rate; colours=row.colour"
}

OPEN: Callable[[str], Any] = Presentation


def render_deck(
    report: PresentedReport,
    template: Path,
    destination: Path,
    *,
    record: Mapping[str, object] | None = None,
    staging: Stager | None = None,
) -> int:
    """Fill `template` with `report`, write the deck to `destination` (the same bytes on every
    run) and return how many slides a PDF of it will have: the slides not hidden.

    `record` (the report as data, report/record.py) is embedded in the file when given; with
    `staging`, the deck is staged there for the run's commit rather than written at once."""
    presentation = open_template(template)
    # What the template already has is the template's to fix, not a reason to stop the run.
    judged_template = template_findings(presentation, template)
    environment = make_environment()
    try:
        filled = fill_presentation(
            presentation, environment, report.as_template_context(), CHART_ALIASES
        )
    except TemplateError as error:
        raise TemplateProblemError(
            f"{error}; check it against docs/templates.md (`cipdocs templates` lists every problem)"
        ) from None
    slide_height = int(presentation.slide_height)
    for slide in filled:
        lay_out_slide(presentation, slide, report, slide_height)
    number_continued_titles(presentation)
    judge_filled(presentation, destination, judged_template)
    set_properties(presentation, report)
    buffer = io.BytesIO()
    presentation.save(buffer)
    write_document(destination, buffer.getvalue(), record=record, staging=staging)
    return sum(
        1 for slide in presentation.slides if slide._element.get("show") not in ("0", "false")
    )


def list_placeholders(template: Path) -> list[Placeholder]:
    """Return every placeholder and chart binding in the template, with the slide and shape."""
    found: list[Placeholder] = []
    for where, text in iter_places(open_template(template), CHART_ALIASES):
        if text.startswith(("Chart:", "unbound chart")) or " (not a valid binding)" in text:
            found.append(Placeholder(where, text))
        else:
            found += [Placeholder(where, source) for source in find_placeholders(text)]
    return found


def check_template(template: Path) -> list[Issue]:
    """Return every problem of the template at once, each with its place."""
    problems = check_presentation(
        open_template(template), make_environment(), template_names(), CHART_ALIASES
    )
    return [Issue(problem.where, problem.message) for problem in problems]


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


def lay_out_slide(
    presentation: Any, filled: FilledSlide, report: PresentedReport, slide_height: int
) -> None:
    """Lay out a filled slide: tables onto follow-on slides, charts pinned, the timeline drawn."""
    slide = filled.slide
    for shape in list(slide.shapes):
        if shape.has_table:
            header_rows = filled.header_rows.get(str(shape.shape_id))
            layout_table(presentation, slide, shape, header_rows, slide_height)
        elif shape.has_chart:
            # More bars than fit with 8 pt labels continue on follow-on slides; the first page
            # stays on this slide and is pinned below with the others.
            for chart in continue_chart(presentation, slide, shape)[1:]:
                fix_workbook_dates(chart, report.report_date)
        elif is_timeline(shape):
            descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr", "")
            draw_timeline(slide, shape, report.roadmap, report.report_date, descr)
    for chart in iter_charts(slide):  # in groups too, a continued chart's first page too
        fix_workbook_dates(chart.chart, report.report_date)


def set_properties(presentation: Any, report: PresentedReport) -> None:
    """Set the document properties from the report, so two runs write the same bytes; the
    title is the update's (the PDF's title too), not the first slide's."""
    properties = document_properties(report)
    with template_core_properties(presentation.part.package):
        apply_core_properties(presentation.core_properties, properties, properties.title)
