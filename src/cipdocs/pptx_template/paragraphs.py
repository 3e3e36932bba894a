"""Paragraph tags: ``{%p for %}`` … ``{%p endfor %}`` and ``{%p if %}`` … ``{%p endif %}``, each
alone in its own paragraph of one text box or table cell, repeat or drop the paragraphs between.

The copies are copies of the template's paragraphs, so each keeps its bullet, level and runs.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jinja2

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.tag_checks import check_header, check_source
from cipdocs.pptx_template.tags import (
    BRANCHES,
    CLOSERS,
    OPENERS,
    Names,
    Problem,
    Tag,
    TemplateError,
    has_placeholder,
    has_structure_tag,
    holds,
    iterate,
    whole_tag,
)
from cipdocs.pptx_template.text import (
    NAMESPACES,
    PARAGRAPH,
    Element,
    merge_runs,
    paragraph_text,
    render_paragraph,
)


@dataclass
class Block:
    """A ``{%p for %}`` or ``{%p if %}`` block: its branches, each a tag and what it holds."""

    branches: list[tuple[Tag, list[Node]]] = field(default_factory=list)


Node = Element | Block


def body_paragraphs(body: Element) -> list[Element]:
    """Return the ``a:p`` paragraphs of a text body."""
    return body.findall("a:p", NAMESPACES)


def parse_blocks(paragraphs: Sequence[Element], where: str) -> list[Node]:
    """Return the paragraphs as a tree of blocks; raise `TemplateError` for unmatched tags."""
    root: list[Node] = []
    stack: list[tuple[Block, list[Node]]] = []
    for paragraph in paragraphs:
        text = paragraph_text(paragraph)
        tag = whole_tag(text) if has_structure_tag(text, "p") else None
        if tag is None or tag.kind != "p":
            if has_structure_tag(text, "p"):
                raise TemplateError(where, misplaced_message(text))
            (stack[-1][1] if stack else root).append(paragraph)
            continue
        if tag.word in OPENERS:
            block = Block([(tag, [])])
            (stack[-1][1] if stack else root).append(block)
            stack.append((block, block.branches[0][1]))
        elif tag.word in BRANCHES and stack and opener(stack[-1][0]) == "if":
            block = stack[-1][0]
            block.branches.append((tag, []))
            stack[-1] = (block, block.branches[-1][1])
        elif tag.word in CLOSERS and stack and opener(stack[-1][0]) == CLOSERS[tag.word]:
            stack.pop()
        else:
            raise TemplateError(where, f"{tag.source!r} closes or continues no open {{%p %}} block")
    if stack:
        opened = stack[-1][0].branches[0][0]
        close = "endfor" if opened.word == "for" else "endif"
        raise TemplateError(
            where, f"{opened.source!r} is never closed; add a paragraph {{%p {close} %}}"
        )
    return root


def opener(block: Block) -> str:
    """Return the word that opened `block`: ``for`` or ``if``."""
    return block.branches[0][0].word


def misplaced_message(text: str) -> str:
    """Return the message for a ``{%p`` tag sharing its paragraph with other text."""
    return (
        f"{text.strip()!r}: a {{%p %}} tag must be alone in its paragraph; "
        "put it on a line of its own (press Enter before and after it)"
    )


def expand(
    nodes: Sequence[Node],
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> list[tuple[Element, Mapping[str, object]]]:
    """Return the paragraphs the blocks make, each with the context it is rendered in."""
    made: list[tuple[Element, Mapping[str, object]]] = []
    for node in nodes:
        if not isinstance(node, Block):
            made.append((node, context))
            continue
        first = node.branches[0][0]
        if first.word == "for":
            for item in iterate(environment, first.header, context, where):
                made += expand(node.branches[0][1], environment, {**context, **item}, where)
            continue
        for tag, body in node.branches:
            if tag.word == "else" or holds(environment, tag.header, context, where):
                made += expand(body, environment, context, where)
                break
    return made


def render_body(
    body: Element,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> None:
    """Render a text body in place: its paragraph blocks, then every placeholder."""
    paragraphs = body_paragraphs(body)
    if not any(has_structure_tag(paragraph_text(paragraph), "p") for paragraph in paragraphs):
        for paragraph in paragraphs:
            render_paragraph(paragraph, environment, context, where)
        return
    for paragraph in paragraphs:
        merge_runs(paragraph)  # once on the template, not once per copy
    made = expand(parse_blocks(paragraphs, where), environment, context, where)
    anchor = paragraphs[0].getprevious()
    for paragraph in paragraphs:
        body.remove(paragraph)
    rendered: list[Element] = []
    for paragraph, scope in made:
        placed = copy.deepcopy(paragraph)
        render_paragraph(placed, environment, scope, where)
        rendered.append(placed)
    if not rendered:
        rendered.append(body.makeelement(PARAGRAPH, {}))  # a text body needs one paragraph
    if anchor is None:
        for paragraph in reversed(rendered):
            body.insert(0, paragraph)
    else:
        for paragraph in reversed(rendered):
            anchor.addnext(paragraph)


def check_body(
    paragraphs: Sequence[Element],
    environment: jinja2.Environment,
    where: str,
    names: Names,
    declared: Scope | None = None,
) -> list[Problem]:
    """Return every problem of one text body's paragraphs and tags, loops read as loops."""
    problems: list[Problem] = []
    scopes: list[Scope] = []
    depth: list[str] = []
    for paragraph in paragraphs:
        text = paragraph_text(paragraph)
        if not has_placeholder(text):
            continue
        in_scope = dict(declared or {})
        for scope in scopes:
            in_scope.update(scope)
        tag = whole_tag(text) if has_structure_tag(text, "p") else None
        if tag is None:
            if has_structure_tag(text, "p"):
                problems.append(Problem(where, misplaced_message(text)))
                continue
            if has_structure_tag(text):
                continue  # {%slide %} and {%tr %} tags are checked where they belong
            problems += check_source(environment, text, where, names, in_scope)
        elif tag.word in OPENERS:
            found, declares = check_header(environment, tag, where, names, in_scope)
            problems += found
            scopes.append(declares)
            depth.append(tag.word)
        elif tag.word in BRANCHES and depth and depth[-1] == "if":
            problems += check_header(environment, tag, where, names, in_scope)[0]
        elif tag.word in CLOSERS and depth and depth[-1] == CLOSERS[tag.word]:
            depth.pop()
            scopes.pop()
        else:
            problems.append(Problem(where, f"{tag.source!r} closes or continues no open block"))
    if depth:
        close = "endfor" if depth[-1] == "for" else "endif"
        message = f"a {{%p {depth[-1]} %}} is never closed; add a paragraph {{%p {close} %}}"
        problems.append(Problem(where, message))
    return problems
