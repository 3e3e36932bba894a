"""Slide tags: ``{%slide for x in items %}`` repeats a slide per item, ``{%slide if cond %}``
keeps it only when the condition holds.

The tag stands alone in a paragraph anywhere on the slide, in a text box or the speaker notes.
Its paragraph is removed, and its text box too when nothing else is left in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.copies import (
    PartNames,
    delete_slide,
    duplicate_slide,
    renumber_slides,
)
from cipdocs.pptx_template.tag_checks import check_header
from cipdocs.pptx_template.tags import (
    Names,
    Problem,
    Tag,
    TemplateError,
    has_structure_tag,
    holds,
    iterate,
    whole_tag,
)
from cipdocs.pptx_template.text import (
    NAMESPACES,
    PARAGRAPH,
    Element,
    iter_shape_elements,
    paragraph_text,
    shape_name,
    text_paragraphs,
)


@dataclass(frozen=True)
class SlideTag:
    """A slide's ``{%slide %}`` tag and the paragraph that holds it."""

    tag: Tag
    paragraph: Element
    shape: Element
    in_notes: bool
    where: str


@dataclass(frozen=True)
class Filled:
    """A slide to fill and the context it is filled in."""

    slide: Any
    context: Mapping[str, object]
    where: str


def iter_slide_paragraphs(slide: Any, where: str) -> Iterator[tuple[str, Element, Element, bool]]:
    """Yield (place, shape, paragraph, in notes) for every text paragraph of a slide."""
    for shape in iter_shape_elements(slide.shapes._spTree):
        for paragraph in text_paragraphs(shape):
            yield f"{where}, shape {shape_name(shape)!r}", shape, paragraph, False
    if slide.has_notes_slide:
        for shape in iter_shape_elements(slide.notes_slide.shapes._spTree):
            for paragraph in text_paragraphs(shape):
                yield f"{where}, notes", shape, paragraph, True


def find_slide_tags(slide: Any, where: str) -> list[SlideTag]:
    """Return every paragraph of `slide` that is a ``{%slide %}`` tag."""
    found: list[SlideTag] = []
    for place, shape, paragraph, in_notes in iter_slide_paragraphs(slide, where):
        text = paragraph_text(paragraph)
        if not has_structure_tag(text, "slide"):
            continue
        tag = whole_tag(text)
        if tag is None or tag.kind != "slide":
            raise TemplateError(place, misplaced_message(text))
        found.append(SlideTag(tag, paragraph, shape, in_notes, place))
    return found


def misplaced_message(text: str) -> str:
    """Return the message for a ``{%slide`` tag sharing its paragraph with other text."""
    return (
        f"{text.strip()!r}: a {{%slide %}} tag must be alone in its paragraph; "
        "put it on a line of its own in a text box or the speaker notes"
    )


def read_slide_tag(slide: Any, where: str) -> SlideTag | None:
    """Return the slide's one tag, or None; raise `TemplateError` for two or a wrong one."""
    found = find_slide_tags(slide, where)
    if len(found) > 1:
        raise TemplateError(where, "a slide may hold one {%slide %} tag; remove the others")
    if found and found[0].tag.word not in ("for", "if"):
        raise TemplateError(
            found[0].where,
            f"{found[0].tag.source!r}: use {{%slide for x in items %}} or {{%slide if cond %}}; "
            "a slide tag needs no end tag",
        )
    return found[0] if found else None


def remove_tag(found: SlideTag) -> None:
    """Remove the tag's paragraph, and its text box when that leaves it without text."""
    body = found.paragraph.getparent()
    assert body is not None
    body.remove(found.paragraph)
    left = body.findall("a:p", NAMESPACES)
    if any(paragraph_text(paragraph).strip() for paragraph in left):
        return
    if found.in_notes or is_title(found.shape):
        if not left:
            body.append(body.makeelement(PARAGRAPH, {}))  # a text body needs one paragraph
        return
    parent = found.shape.getparent()
    assert parent is not None
    parent.remove(found.shape)


def is_title(shape: Element) -> bool:
    """Return True for a slide's title placeholder, which stays even when emptied."""
    placeholder = shape.find("./p:nvSpPr/p:nvPr/p:ph", NAMESPACES)
    return placeholder is not None and placeholder.get("type") in ("title", "ctrTitle")


def expand_slides(
    presentation: Any, environment: jinja2.Environment, context: Mapping[str, object]
) -> list[Filled]:
    """Apply every slide tag: repeat, keep or remove slides; return the slides to fill, in order,
    each with its context and its place (``slide N`` of the template)."""
    filled: list[Filled] = []
    names: PartNames | None = None
    for number, slide in enumerate(list(presentation.slides), start=1):
        where = f"slide {number}"
        found = read_slide_tag(slide, where)
        if found is None:
            filled.append(Filled(slide, context, where))
            continue
        remove_tag(found)
        if found.tag.word == "if":
            if holds(environment, found.tag.header, context, found.where):
                filled.append(Filled(slide, context, where))
            else:
                delete_slide(presentation, slide)
            continue
        items = iterate(environment, found.tag.header, context, found.where)
        if not items:
            delete_slide(presentation, slide)
            continue
        # Copies are made from the unfilled slide, then each is filled with its own item.
        slides = [slide]
        names = names or PartNames(presentation.part.package)
        for _ in items[1:]:
            slides.append(duplicate_slide(presentation, slides[-1], names))
        filled += [
            Filled(copied, {**context, **item}, where)
            for copied, item in zip(slides, items, strict=True)
        ]
    renumber_slides(presentation)
    return filled


def check_slide_tags(
    slide: Any, where: str, environment: jinja2.Environment, names: Names
) -> tuple[list[Problem], Scope]:
    """Return the problems of a slide's tag and the names it declares for the slide."""
    try:
        found = read_slide_tag(slide, where)
    except TemplateError as error:
        return [Problem(error.where, error.message)], {}
    if found is None:
        return [], {}
    return check_header(environment, found.tag, found.where, names, {})
