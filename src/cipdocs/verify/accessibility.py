"""Check a deck as PowerPoint's Accessibility Checker and WCAG 2.1 would: titles, alt text,
table headers and text contrast. See docs/checks.md for each rule and its limits.

Each rule is a small function over the deck read once (verify/model.py) that yields `Finding`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from cipdocs.errors import DeckCheckError
from cipdocs.verify.colours import NAMESPACES
from cipdocs.verify.contrast import Backdrops, low_contrast
from cipdocs.verify.model import DeckModel, ShapeModel, SlideModel, read_deck
from cipdocs.verify.shapes import TITLE_TYPES, Finding

DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
"""The extension PowerPoint writes when a shape is marked decorative (it needs no alt text)."""
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
ShapeRule = Callable[[SlideModel, ShapeModel, Backdrops], Iterator[Finding]]
"""A rule run on each top-level shape of a slide, given what lies under it."""


def raise_on_new_findings(
    deck: Path, findings: Sequence[Finding], template_findings: Sequence[Finding]
) -> None:
    """Raise `DeckCheckError` for the findings filling the template brought in.

    What the template itself already has is the template's to fix (`cipdocs check-deck` lists
    it); what filling brought in (a low-contrast label, a repeated title) stops the run.
    """
    brought_in = new_findings(findings, template_findings)
    if brought_in:
        raise DeckCheckError(deck, [f"{deck}: {finding}" for finding in brought_in])


def new_findings(
    findings: Sequence[Finding], template_findings: Sequence[Finding]
) -> list[Finding]:
    """Return the findings whose rule and shape the template's findings do not have."""
    known = {finding.key for finding in template_findings}
    return [finding for finding in findings if finding.key not in known]


def check_accessibility(presentation: Any) -> list[Finding]:
    """Return every accessibility finding in a python-pptx presentation, slide by slide."""
    return accessibility_findings(read_deck(presentation))


def accessibility_findings(deck: DeckModel) -> list[Finding]:
    """Return every accessibility finding of the deck, slide by slide."""
    findings: list[Finding] = []
    for slide in deck.slides:
        findings += missing_title(slide)
        backdrops = Backdrops(slide)
        for shape in slide.shapes:
            for rule in SHAPE_RULES:
                findings += rule(slide, shape, backdrops)
            backdrops.add(shape)
    findings += duplicate_titles(deck)
    return sorted(findings, key=lambda finding: finding.slide)


def slide_title(slide: SlideModel) -> str:
    """Return the text of the slide's title placeholder, or empty when it has none."""
    for shape in slide.shapes:
        if shape.placeholder in TITLE_TYPES and shape.has_text_frame:
            return " ".join(shape.text.split())
    return ""


def missing_title(slide: SlideModel) -> Iterator[Finding]:
    """Rule ``title``: every slide has a title."""
    if not slide_title(slide):
        yield Finding(
            slide.number, "", "title", "the slide has no title; give it one in Outline view"
        )


def duplicate_titles(deck: DeckModel) -> list[Finding]:
    """Rule ``unique title``: a finding for each slide whose title an earlier slide has."""
    seen: dict[str, int] = {}
    findings = []
    for slide in deck.slides:
        title = slide_title(slide)
        if not title:
            continue
        if title in seen:
            findings.append(
                Finding(
                    slide.number,
                    "",
                    "unique title",
                    f"the title {title!r} is also the title of slide {seen[title]}; "
                    "give each slide its own title",
                )
            )
        else:
            seen[title] = slide.number
    return findings


def missing_alt_text(slide: SlideModel, shape: ShapeModel, _: Backdrops) -> Iterator[Finding]:
    """Rule ``alt text``: charts, pictures and groups describe what they show."""
    for name, message in alt_text(shape):
        yield Finding(slide.number, name, "alt text", message)


def missing_header_row(slide: SlideModel, shape: ShapeModel, _: Backdrops) -> Iterator[Finding]:
    """Rule ``header row``: every table marks its first row as its header."""
    table = shape.table if shape.has_table else None
    if table is not None and not marks_header_row(table):
        yield Finding(
            slide.number,
            shape.name,
            "header row",
            "the table marks no header row; tick Header Row on the Table Design tab",
        )


def marks_header_row(table: etree._Element) -> bool:
    """Return True when the table's first row is marked as its header."""
    properties = table.find("a:tblPr", NAMESPACES)
    return properties is not None and properties.get("firstRow") in ("1", "true")


def alt_text(shape: ShapeModel, top: bool = True) -> Iterator[tuple[str, str]]:
    """Yield (shape, message) for a chart, picture or group without alternative text."""
    element = shape.element
    kind = shape.kind
    needs = kind == "pic" or (kind == "grpSp" and top)
    if kind == "graphicFrame":
        data = element.find(".//a:graphicData", NAMESPACES)
        needs = data is not None and data.get("uri") == CHART_URI
    properties = element.find("./*/p:cNvPr", NAMESPACES)
    described = properties is not None and bool((properties.get("descr") or "").strip())
    decorative = properties is not None and any(
        ext.get("uri") == DECORATIVE for ext in properties.iterfind(".//a:ext", NAMESPACES)
    )
    if needs and not described and not decorative:
        what = {"pic": "picture", "grpSp": "group", "graphicFrame": "chart"}[kind]
        yield (
            shape.name,
            f"the {what} has no alternative text; describe what it shows "
            "(right-click it, View Alt Text)",
        )
    for member in shape.members:
        yield from alt_text(member, top=False)


SHAPE_RULES: tuple[ShapeRule, ...] = (missing_alt_text, missing_header_row, low_contrast)
"""The rules run on each shape, in the order their findings are listed (``title`` runs on each
slide first, ``unique title`` on the deck as a whole)."""
