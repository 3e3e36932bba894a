"""Fill a whole presentation, check it, and list what it holds, slide by slide.

The caller hands over the Jinja environment and the context; the engine knows nothing else of
what the templates mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from pptx.shapes.graphfrm import GraphicFrame

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.chart import (
    Binding,
    check_binding,
    fill_chart,
    read_binding,
    unfillable_plot,
)
from cipdocs.pptx_template.paragraphs import check_body, render_body
from cipdocs.pptx_template.slide_tags import check_slide_tags, expand_slides
from cipdocs.pptx_template.table import (
    KeptRows,
    check_table,
    fill_table,
    iter_table_texts,
    table_of,
)
from cipdocs.pptx_template.tag_checks import check_source
from cipdocs.pptx_template.tags import (
    Names,
    Problem,
    TemplateError,
    has_placeholder,
    has_structure_tag,
)
from cipdocs.pptx_template.text import (
    NAMESPACES,
    PARAGRAPH,
    Element,
    R,
    iter_shape_elements,
    paragraph_text,
    render_alt_text,
    render_paragraph,
    shape_name,
    shape_properties,
    text_paragraphs,
)

GRAPHIC_FRAME: Any = GraphicFrame
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


@dataclass(frozen=True)
class FilledSlide:
    """A slide of the output, the context it was filled in, and its tables' header rows."""

    slide: Any
    context: Mapping[str, object]
    where: str
    """``slide N``: the slide of the template it comes from."""
    header_rows: dict[str, int | None] = field(default_factory=dict)
    """Per table's shape id: the rows above its repeated rows, None when none repeats."""
    kept_rows: dict[str, KeptRows] = field(default_factory=dict)
    """Per table's shape id: the rows filling left as the template had them."""


def is_chart(shape: Element) -> bool:
    """Return True for a graphic frame holding a chart."""
    data = shape.find("./a:graphic/a:graphicData", NAMESPACES)
    return data is not None and data.get("uri") == CHART_URI


def chart_paragraphs(slide: Any, shape: Element) -> list[Element]:
    """Return the paragraphs of a chart's own text: its title and axis titles."""
    reference = shape.find("./a:graphic/a:graphicData/c:chart", {**NAMESPACES, "c": CHART_URI})
    if reference is None:
        return []
    part = slide.part.related_part(reference.get(f"{{{R}}}id"))
    return list(part._element.iter(PARAGRAPH))


def chart_frame(slide: Any, shape: Element) -> Any:
    """Return python-pptx's graphic frame for a chart element, in a group or not."""
    return GRAPHIC_FRAME(shape, slide.shapes)


def iter_charts(slide: Any) -> Iterator[Any]:
    """Yield every chart's graphic frame on `slide`, those in groups included."""
    for shape in iter_shape_elements(slide.shapes._spTree):
        if is_chart(shape):
            yield chart_frame(slide, shape)


def binding_of(name: str, aliases: Mapping[str, str]) -> Binding | None:
    """Return the chart's binding: its name's, or the one an alias (a name prefix) stands for."""
    for prefix, binding in aliases.items():
        if name.lower().startswith(prefix.lower()):
            return read_binding(binding)
    return read_binding(name)


def fill_presentation(
    presentation: Any,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    aliases: Mapping[str, str] | None = None,
) -> list[FilledSlide]:
    """Apply the slide tags, then fill every slide's text, tables, notes, alt text and charts."""
    filled: list[FilledSlide] = []
    for slide in expand_slides(presentation, environment, context):
        done = FilledSlide(slide.slide, slide.context, slide.where)
        fill_slide(done, environment, aliases or {})
        filled.append(done)
    return filled


def fill_slide(
    filled: FilledSlide, environment: jinja2.Environment, aliases: Mapping[str, str]
) -> None:
    """Fill one slide in place."""
    slide, context = filled.slide, filled.context
    charts: list[tuple[Element, str]] = []
    for shape in iter_shape_elements(slide.shapes._spTree):
        here = f"{filled.where}, shape {shape_name(shape)!r}"
        render_alt_text(shape, environment, context, here)
        table = table_of(shape)
        body = shape.find("./p:txBody", NAMESPACES)
        if table is not None:
            key = shape_properties(shape).get("id", "")
            before = KeptRows.before_filling(table)
            filled.header_rows[key] = fill_table(table, environment, context, here)
            filled.kept_rows[key] = before.after_filling(table)
        elif body is not None:
            render_body(body, environment, context, here)
        elif is_chart(shape):
            charts.append((shape, here))
    if slide.has_notes_slide:
        for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
            body = shape.find("./p:txBody", NAMESPACES)
            if body is not None:
                render_body(body, environment, context, f"{filled.where}, notes")
    for element, here in charts:
        for paragraph in chart_paragraphs(slide, element):
            render_paragraph(paragraph, environment, context, f"{here}, chart title")
        try:
            binding = binding_of(shape_name(element), aliases)
        except ValueError as error:
            raise TemplateError(here, str(error)) from None
        if binding is not None:
            fill_chart(chart_frame(slide, element), binding, environment, context, here)


def check_presentation(
    presentation: Any,
    environment: jinja2.Environment,
    names: Names,
    aliases: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Return every problem of the template at once, each with its place."""
    problems: list[Problem] = []
    for number, slide in enumerate(presentation.slides, start=1):
        where = f"slide {number}"
        found, declared = check_slide_tags(slide, where, environment, names)
        problems += found
        for shape in iter_shape_elements(slide.shapes._spTree):
            here = f"{where}, shape {shape_name(shape)!r}"
            problems += check_shape(shape, here, environment, names, declared, aliases or {})
            if is_chart(shape):
                paragraphs = chart_paragraphs(slide, shape)
                problems += check_text_body(
                    paragraphs, f"{here}, chart title", environment, names, declared
                )
                problems += check_chart_kind(slide, shape, here, aliases or {})
        if slide.has_notes_slide:
            for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
                problems += check_text_body(
                    text_paragraphs(shape), f"{where}, notes", environment, names, declared
                )
    return problems


def check_chart_kind(
    slide: Any, shape: Element, where: str, aliases: Mapping[str, str]
) -> list[Problem]:
    """Return the problem of a chart bound to data that no binding can fill (a 3-D column…)."""
    try:
        binding = binding_of(shape_name(shape), aliases)
    except ValueError:
        return []  # check_shape reports the name
    if binding is None or binding.fixed:
        return []
    unfillable = unfillable_plot(chart_frame(slide, shape).chart)
    return [Problem(where, unfillable)] if unfillable else []


def check_shape(
    shape: Element,
    where: str,
    environment: jinja2.Environment,
    names: Names,
    declared: Scope,
    aliases: Mapping[str, str],
) -> list[Problem]:
    """Return the problems of one shape: its text or table, its alt text, its chart binding."""
    problems: list[Problem] = []
    descr = shape_properties(shape).get("descr", "")
    if has_placeholder(descr):
        problems += check_source(environment, descr, f"{where}, alt text", names, declared)
    table = table_of(shape)
    if table is not None:
        problems += check_table(table, where, environment, names, declared)
        problems += [
            Problem(place, "a {%slide %} tag must stand in a text box or the speaker notes")
            for place, text in iter_table_texts(table, where)
            if has_structure_tag(text, "slide")
        ]
    elif is_chart(shape):
        name = shape_name(shape)
        alias = next((b for p, b in aliases.items() if name.lower().startswith(p.lower())), None)
        problems += check_binding(alias or name, environment, where, names, declared)
    else:
        problems += check_text_body(text_paragraphs(shape), where, environment, names, declared)
    return problems


def check_text_body(
    paragraphs: Sequence[Element],
    where: str,
    environment: jinja2.Environment,
    names: Names,
    declared: Scope,
) -> list[Problem]:
    """Return the problems of a text box's or note's paragraphs, tags in the wrong place too."""
    problems = check_body(paragraphs, environment, where, names, declared)
    problems += [
        Problem(
            where,
            f"{paragraph_text(paragraph).strip()!r}: a {{%tr %}} tag belongs at the start of "
            "a table row's first cell",
        )
        for paragraph in paragraphs
        if has_structure_tag(paragraph_text(paragraph), "tr")
    ]
    return problems


def iter_places(
    presentation: Any, aliases: Mapping[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (place, text) for every text holding placeholders, and every chart's binding."""
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in iter_shape_elements(slide.shapes._spTree):
            where = f"slide {number}, shape {shape_name(shape)!r}"
            descr = shape_properties(shape).get("descr", "")
            table = table_of(shape)
            if table is not None:
                yield from iter_table_texts(table, where)
            elif is_chart(shape):
                yield where, chart_binding_text(shape_name(shape), aliases or {})
                for paragraph in chart_paragraphs(slide, shape):
                    yield f"{where}, chart title", paragraph_text(paragraph)
            else:
                for paragraph in text_paragraphs(shape):
                    yield where, paragraph_text(paragraph)
            if descr:
                yield f"{where}, alt text", descr
        if slide.has_notes_slide:
            for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
                for paragraph in text_paragraphs(shape):
                    yield f"slide {number}, notes", paragraph_text(paragraph)


def chart_binding_text(name: str, aliases: Mapping[str, str]) -> str:
    """Return how `templates` shows a chart's binding: the binding, or that it has none."""
    try:
        binding = binding_of(name, aliases)
    except ValueError:
        return f"{name} (not a valid binding)"
    return str(binding) if binding is not None else "unbound chart (keeps its example data)"
