"""Judge a deck: the template's own findings before filling (kept between runs), the filled
deck's before it is written, and any deck file, one a person edited too."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from cipdocs.cache import content_hash, file_key, read_entry, write_entry
from cipdocs.errors import DeckCheckError, TemplateProblemError
from cipdocs.package.archive import check_zip_archive
from cipdocs.verify.accessibility import accessibility_findings, new_findings
from cipdocs.verify.layoutcheck import (
    Pair,
    layout_findings,
    overlapping_pairs,
    shrink_overflowing,
)
from cipdocs.verify.model import read_deck
from cipdocs.verify.shapes import Finding
from cipdocs.verify.textbox import TextBoxes

PAST_THE_SLIDE = "past the slide"


@dataclass(frozen=True)
class TemplateFindings:
    """What the unfilled template already has, which filling is not blamed for."""

    accessibility: tuple[Finding, ...]
    overlaps: frozenset[Pair]
    """The pairs of text shapes whose boxes, or text as it is drawn, overlap."""
    past_the_slide: tuple[Finding, ...]
    """The text that already reaches past the slide, measured."""

    def as_json(self) -> dict[str, Any]:
        """Return the findings as plain JSON data, for the cache."""
        return {
            "accessibility": [finding_as_json(found) for found in self.accessibility],
            "overlaps": sorted([list(pair) for pair in self.overlaps]),
            "past_the_slide": [finding_as_json(found) for found in self.past_the_slide],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TemplateFindings:
        """Return the findings `as_json` stored."""
        return cls(
            tuple(finding_from_json(found) for found in data["accessibility"]),
            frozenset((str(first), str(second)) for first, second in data["overlaps"]),
            tuple(finding_from_json(found) for found in data["past_the_slide"]),
        )


def finding_as_json(finding: Finding) -> list[object]:
    """Return a finding as a JSON list."""
    return [finding.slide, finding.shape, finding.rule, finding.message]


def finding_from_json(data: list[Any]) -> Finding:
    """Return the finding `finding_as_json` stored."""
    slide, shape, rule, message = data
    return Finding(int(slide), str(shape), str(rule), str(message))


def template_findings(presentation: Any, template: Path | None = None) -> TemplateFindings:
    """Return the findings of the unfilled template `presentation`; with the template's
    `template` file given, from the cache when this template, these rules and these fonts
    were judged before."""
    key = cache_key(template) if template is not None else None
    if key is not None:
        cached = read_entry("template-findings", key)
        if isinstance(cached, dict):
            try:
                return TemplateFindings.from_json(cached)
            except (KeyError, TypeError, ValueError):
                pass
    found = judge_template(presentation)
    if key is not None:
        write_entry("template-findings", key, found.as_json())
    return found


def judge_template(presentation: Any) -> TemplateFindings:
    """Return the findings of the unfilled template, read once."""
    from cipdocs.pptx_template.measure import measurer

    deck = read_deck(presentation)
    boxes = TextBoxes(measurer(), deck.fonts)
    # Shapes overlap in the template where their boxes do, or their text as it is drawn.
    overlaps = overlapping_pairs(deck) | overlapping_pairs(deck, boxes)
    measured = layout_findings(deck, overlaps, boxes)
    return TemplateFindings(
        tuple(accessibility_findings(deck)),
        frozenset(overlaps),
        tuple(finding for finding in measured if finding.rule == PAST_THE_SLIDE),
    )


def cache_key(template: Path) -> str | None:
    """Return what the template's findings depend on: its bytes, the rules' code and the fonts
    text is measured with; None when the template cannot be read."""
    from cipdocs import __version__
    from cipdocs.pptx_template.fonts import shared_font_book

    try:
        digest = content_hash(template)
    except OSError:
        return None
    here = Path(__file__).parent
    code = [here / name for name in sorted(path.name for path in here.glob("*.py"))]
    code += [here.parent / "pptx_template" / name for name in ("measure.py", "fonts.py")]
    parts = [digest, __version__, *map(str, map(file_key, code)), shared_font_book().fingerprint()]
    return "\n".join(parts)


def judge_filled(presentation: Any, destination: Path, template: TemplateFindings) -> None:
    """Shrink text that runs off its slide, then raise `DeckCheckError` for the accessibility
    findings filling brought in, else for the layout findings it brought in (the template's own
    overlaps and text past the slide are the template's to fix)."""
    from cipdocs.pptx_template.measure import measurer

    deck = read_deck(presentation)
    boxes = TextBoxes(measurer(), deck.fonts)
    shrink_overflowing(deck, boxes)
    brought_in = new_findings(accessibility_findings(deck), template.accessibility)
    if not brought_in:
        measured = layout_findings(deck, set(template.overlaps), boxes)
        brought_in = new_findings(measured, template.past_the_slide)
    if brought_in:
        raise DeckCheckError(destination, [f"{destination}: {found}" for found in brought_in])


def check_deck_file(deck: Path) -> list[Finding]:
    """Return the accessibility and layout findings of the .pptx at `deck` (any two shapes
    whose text overlaps count); raise `TemplateProblemError` if it cannot be opened."""
    import pptx
    from pptx.exc import PackageNotFoundError

    from cipdocs.pptx_template.measure import measurer

    if not deck.is_file():
        raise TemplateProblemError(f"{deck}: no such file; give the path of a .pptx deck")
    # Any deck, even one a person edited, is read within the same bounds as a template.
    if zipfile.is_zipfile(deck):
        check_zip_archive(deck, what="deck", error=TemplateProblemError)
    try:
        presentation = pptx.Presentation(str(deck))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise TemplateProblemError(
            f"{deck}: not a PowerPoint .pptx file; save it from PowerPoint as "
            "'PowerPoint Presentation (.pptx)'"
        ) from None
    model = read_deck(presentation)
    findings = accessibility_findings(model) + layout_findings(
        model, set(), TextBoxes(measurer(), model.fonts)
    )
    return sorted(findings, key=lambda finding: finding.slide)
