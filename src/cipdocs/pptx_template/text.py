"""Jinja placeholders in PowerPoint text: find them, check them, and render them in place.

PowerPoint splits text into runs wherever formatting, spell-checking or editing history says so,
so one ``{{ placeholder }}`` may span several runs. Each paragraph is a unit: the runs a
placeholder (or an ``{% if %}`` … ``{% endif %}`` block) spans are merged into the run where it
starts, which keeps that run's formatting; runs between placeholders, such as a hyperlink, are
left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import jinja2
from lxml import etree

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.tag_checks import check_source
from cipdocs.pptx_template.tags import (
    PLACEHOLDER_PATTERN,
    Names,
    Problem,
    has_placeholder,
    render_text,
)

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = {"a": A, "p": P, "r": R}

RUN = f"{{{A}}}r"
TEXT = f"{{{A}}}t"
PARAGRAPH = f"{{{A}}}p"

Element = etree._Element

# Tags that open a block closed by an ``end…`` tag; a block is rendered as one unit.
BLOCK_TAGS = frozenset({"if", "for", "with", "filter", "macro", "call", "block", "autoescape"})
TAG_WORD = re.compile(r"\{%[-+]?\s*(\w+)")

# Characters XML 1.0 cannot hold; a workbook cell may still contain them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

SHAPE_TAGS = frozenset(f"{{{P}}}{name}" for name in ("sp", "cxnSp", "pic", "graphicFrame"))
GROUP_TAG = f"{{{P}}}grpSp"


def iter_shape_elements(tree: Element) -> Iterator[Element]:
    """Yield every shape under `tree` depth first, a group before the shapes it holds."""
    for child in tree:
        if child.tag == GROUP_TAG:
            yield child
            yield from iter_shape_elements(child)
        elif child.tag in SHAPE_TAGS:
            yield child


def shape_properties(shape: Element) -> Element:
    """Return the shape's ``cNvPr``, which holds its id, name and alt text (``descr``)."""
    found = shape.find("./*/p:cNvPr", NAMESPACES)
    if found is None:
        raise ValueError("a shape without cNvPr")
    return found


def shape_name(shape: Element) -> str:
    """Return the name PowerPoint shows for `shape` in the selection pane."""
    return shape_properties(shape).get("name", "")


def text_paragraphs(shape: Element) -> list[Element]:
    """Return the paragraphs of a shape's own text frame (none for pictures and frames)."""
    return shape.findall("./p:txBody/a:p", NAMESPACES)


def paragraph_runs(paragraph: Element) -> list[Element]:
    """Return the paragraph's ``a:r`` runs (line breaks and fields are not text runs)."""
    return paragraph.findall(RUN)


def run_text(run: Element) -> str:
    """Return the text of one run."""
    text = run.find(TEXT)
    return "" if text is None or text.text is None else text.text


def set_run_text(run: Element, value: str) -> None:
    """Replace the text of one run, dropping characters XML cannot hold."""
    text = run.find(TEXT)
    if text is None:
        text = etree.SubElement(run, TEXT)
    text.text = NOT_XML.sub("", value)


def paragraph_text(paragraph: Element) -> str:
    """Return the paragraph's text as one string, joined over its runs."""
    return "".join(run_text(run) for run in paragraph_runs(paragraph))


def iter_units(text: str) -> Iterator[tuple[int, int]]:
    """Yield the spans of `text` rendered as one: a placeholder, or a block through its end tag."""
    depth = 0
    start = 0
    for match in PLACEHOLDER_PATTERN.finditer(text):
        if depth == 0:
            start = match.start()
        word_match = TAG_WORD.match(match.group())
        word = word_match.group(1) if word_match else ""
        if word in BLOCK_TAGS:
            depth += 1
        elif word.startswith("end") and depth:
            depth -= 1
        if depth == 0:
            yield start, match.end()
    if depth:
        # An unclosed block: render the rest as one so Jinja reports the missing end tag.
        yield start, len(text)


def merge_runs(paragraph: Element) -> list[Element]:
    """Merge the runs each placeholder spans into the run where it starts; return the runs."""
    runs = paragraph_runs(paragraph)
    texts = [run_text(run) for run in runs]
    joined = "".join(texts)
    if len(runs) < 2 or not has_placeholder(joined):
        return runs
    starts: list[int] = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text)
    emptied: set[int] = set()
    first = 0
    for begin, end in iter_units(joined):
        # Runs only ever lose text from their front, so one forward pointer finds them all.
        while first < len(runs) - 1 and starts[first] + len(texts[first]) <= begin:
            first += 1
        last = first
        while last < len(runs) - 1 and starts[last] + len(texts[last]) < end:
            last += 1
        if last == first:
            continue
        cut = end - starts[last]
        texts[first] += "".join(texts[first + 1 : last]) + texts[last][:cut]
        for index in range(first + 1, last):
            texts[index] = ""
            starts[index] = end
            emptied.add(index)
        texts[last] = texts[last][cut:]
        starts[last] = end
        if not texts[last]:
            emptied.add(last)
        first = last
    kept: list[Element] = []
    for index, run in enumerate(runs):
        if index in emptied:
            paragraph.remove(run)
            continue
        if run_text(run) != texts[index]:
            set_run_text(run, texts[index])
        kept.append(run)
    return kept


def render_paragraph(
    paragraph: Element,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> None:
    """Render every placeholder in `paragraph` in place."""
    for run in merge_runs(paragraph):
        source = run_text(run)
        if has_placeholder(source):
            set_run_text(run, render_text(environment, source, context, where))


def render_paragraphs(
    paragraphs: Sequence[Element],
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> None:
    """Render every placeholder in `paragraphs` in place."""
    for paragraph in paragraphs:
        render_paragraph(paragraph, environment, context, where)


def render_alt_text(
    shape: Element, environment: jinja2.Environment, context: Mapping[str, object], where: str
) -> None:
    """Render a placeholder in the shape's alternative text (``descr``)."""
    properties = shape_properties(shape)
    source = properties.get("descr", "")
    if has_placeholder(source):
        properties.set("descr", NOT_XML.sub("", render_text(environment, source, context, where)))


def check_texts(
    texts: Sequence[str],
    where: str,
    environment: jinja2.Environment,
    names: Names,
    declared: Scope | None = None,
) -> list[Problem]:
    """Return the problems of the placeholders in `texts`."""
    return [
        problem
        for text in texts
        if has_placeholder(text)
        for problem in check_source(environment, text, where, names, declared)
    ]


def shape_texts(shape: Element) -> list[str]:
    """Return the template texts a shape holds: its paragraphs and its alternative text."""
    texts = [paragraph_text(paragraph) for paragraph in text_paragraphs(shape)]
    descr = shape_properties(shape).get("descr", "")
    return [*texts, descr] if descr else texts
