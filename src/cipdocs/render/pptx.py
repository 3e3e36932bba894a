"""Fill the PowerPoint deck template from the presented report; list and check its placeholders.

The template engine (`cipdocs.pptx_template`, docs/templates.md) fills text, tables, notes, alt
text, slide and paragraph tags and bound charts; this module adds what is CIP-CCG's own: the
older chart name ``Participation chart`` as a binding, the roadmap timeline drawn where a shape
named ``Timeline`` stands, and tables laid out onto follow-on slides.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError

from cipdocs.errors import DeckCheckError, Issue, TemplateProblemError
from cipdocs.pptx_template.chart import Binding
from cipdocs.pptx_template.chart_pages import continue_chart
from cipdocs.pptx_template.presentation import (
    FilledSlide,
    binding_of,
    check_presentation,
    fill_presentation,
    iter_charts,
    iter_places,
)
from cipdocs.pptx_template.saving import save_stored
from cipdocs.pptx_template.shape_ids import repair_shape_ids
from cipdocs.pptx_template.slides import layout_table
from cipdocs.pptx_template.tags import TemplateError, find_placeholders
from cipdocs.render.files import require_template, write_document
from cipdocs.render.pptx_chart import fix_workbook_dates
from cipdocs.render.pptx_timeline import draw_timeline, is_timeline
from cipdocs.render.pptx_titles import number_continued_titles
from cipdocs.render.properties import apply_core_properties, template_core_properties
from cipdocs.render.staging import Stager
from cipdocs.report.present import PresentedReport, document_properties
from cipdocs.templating import Placeholder, make_environment, template_names
from cipdocs.verify.deck import TemplateFindings, filled_findings, template_findings
from cipdocs.verify.shapes import Finding

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Templates made before charts were bound by name keep working: their chart is this binding.
CHART_ALIASES = {
    "Participation chart": "Chart: for row in participation_by_band; categories=row.group; "
    "values=row.rate; colours=row.colour"
}

OPEN: Callable[[str], Any] = Presentation
HandEdits = Callable[[Any, bytes], bytes]
"""Given the filled deck and its saved bytes, return the bytes to write (edits/deck.py
`DeckEdits`: the snapshot of what cipdocs wrote embedded, hand edits of an earlier deck carried)."""

NOT_WRITTEN = "the deck was not written; fix the template, then run again"
"""What deck-check findings ask for during `deck`: the fix is in the template, not the output,
so they name the template and its slides."""


@dataclasses.dataclass
class PreparedTemplate:
    """The deck template opened, repaired and judged: everything that does not need the report,
    so it can be done while the workbook is read (workers.py)."""

    template: Path
    presentation: Any
    judged: TemplateFindings
    """What the template already has: the template's to fix, not a reason to stop the run."""
    environment: SandboxedEnvironment


def prepare_template(template: Path) -> PreparedTemplate:
    """Open `template`, repair its shape ids and judge it; raise `TemplateProblemError` when it
    is missing or not a .pptx."""
    presentation = open_template(template)
    repair_shape_ids(presentation)  # a template's flaw (WPS, pptx4j), repaired as PowerPoint does
    judged = template_findings(presentation, template)
    return PreparedTemplate(template, presentation, judged, make_environment())


def render_deck(
    report: PresentedReport,
    template: Path,
    destination: Path,
    *,
    record: Mapping[str, object] | None = None,
    hand_edits: HandEdits | None = None,
    staging: Stager | None = None,
    prepared: PreparedTemplate | None = None,
) -> int:
    """Fill `template` with `report`, write the deck to `destination` (the same bytes on every
    run) and return how many slides a PDF of it will have: the slides not hidden.

    `record` (the report as data, report/record.py) is embedded in the file when given; with
    `staging`, the deck is staged there for the run's commit rather than written at once.
    `hand_edits` (checked filled deck, bytes) -> bytes runs last, before the self-check.
    `prepared` is `template` already prepared (`prepare_template`); it is used up."""
    prepared = prepared or prepare_template(template)
    presentation, judged_template = prepared.presentation, prepared.judged
    try:
        filled = fill_presentation(
            presentation, prepared.environment, report.as_template_context(), CHART_ALIASES
        )
    except TemplateError as error:
        raise TemplateProblemError(
            f"{error}; check it against docs/templates.md (`cipdocs templates` lists every problem)"
        ) from None
    slide_height = int(presentation.slide_height)
    for slide in filled:
        lay_out_slide(presentation, slide, report, slide_height)
    number_continued_titles(presentation)
    brought_in = filled_findings(presentation, judged_template)
    if brought_in:
        numbers = template_numbers(presentation, filled)
        found = [f"{template}: {finding}" for finding in in_template(brought_in, numbers)]
        raise DeckCheckError(template, found, NOT_WRITTEN)
    set_properties(presentation, report)
    data = save_stored(presentation)
    visible = sum(
        1 for slide in presentation.slides if slide._element.get("show") not in ("0", "false")
    )
    if hand_edits is not None:
        data = hand_edits(presentation, data)
        visible = visible_slide_count(data)
    write_document(destination, data, record=record, staging=staging)
    return visible


def visible_slide_count(data: bytes) -> int:
    """Return how many slides of the deck `data` (zip bytes) are not hidden."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        presentation = etree.fromstring(archive.read("ppt/presentation.xml"))
        rels = etree.fromstring(archive.read("ppt/_rels/presentation.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
        count = 0
        for entry in presentation.iterfind(f"{{{P}}}sldIdLst/{{{P}}}sldId"):
            target = targets.get(entry.get(f"{{{R}}}id"), "").lstrip("/")
            name = target if target.startswith("ppt/") else f"ppt/{target}"
            with archive.open(name) as stream:
                head = stream.read(4096)
            root = re.search(rb"<p:sld\b[^>]*>", head)
            count += not (root and re.search(rb'\sshow="(0|false)"', root.group(0)))
        return count


def template_numbers(presentation: Any, filled: list[FilledSlide]) -> dict[int, int]:
    """Map the number of each slide of the filled deck to the template slide it comes from; a
    follow-on slide (a table or chart continued) to the slide it continues."""
    origins = {id(done.slide.part): int(done.where.removeprefix("slide ")) for done in filled}
    numbers: dict[int, int] = {}
    origin = 0
    for number, slide in enumerate(presentation.slides, start=1):
        origin = origins.get(id(slide.part), origin)
        numbers[number] = origin or number
    return numbers


def in_template(findings: list[Finding], numbers: Mapping[int, int]) -> list[Finding]:
    """Return `findings` with the slide numbers of the template rather than the filled deck's."""
    return [
        dataclasses.replace(finding, slide=numbers.get(finding.slide, finding.slide))
        for finding in findings
    ]


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
            key = str(shape.shape_id)
            kept = filled.kept_rows.get(key)
            layout_table(
                presentation, slide, shape, filled.header_rows.get(key), slide_height, kept
            )
        elif shape.has_chart and is_filled(shape):
            # More bars than fit with 8 pt labels continue on follow-on slides; the first page
            # stays on this slide and is pinned below with the others.
            for chart in continue_chart(presentation, slide, shape)[1:]:
                fix_workbook_dates(chart, report.report_date)
        elif is_timeline(shape):
            descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr", "")
            draw_timeline(slide, shape, report.roadmap, report.report_date, descr)
    for chart in iter_charts(slide):  # in groups too, a continued chart's first page too
        if is_filled(chart):
            fix_workbook_dates(chart.chart, report.report_date)


def is_filled(frame: Any) -> bool:
    """Return True for a chart cipdocs filled: one bound to data, not one the deck just shows."""
    try:
        binding: Binding | None = binding_of(frame.name, CHART_ALIASES)
    except ValueError:
        return False
    return binding is not None and not binding.fixed


def set_properties(presentation: Any, report: PresentedReport) -> None:
    """Set the document properties from the report, so two runs write the same bytes; the
    title is the update's (the PDF's title too), not the first slide's."""
    properties = document_properties(report)
    with template_core_properties(presentation.part.package):
        apply_core_properties(presentation.core_properties, properties, properties.title)
