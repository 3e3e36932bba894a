"""Check any deck file, one a person edited too: accessibility and layout together."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pptx
from lxml import etree
from pptx.exc import PackageNotFoundError

from cipdocs.errors import TemplateProblemError
from cipdocs.package.archive import check_zip_archive
from cipdocs.verify.accessibility import check_accessibility
from cipdocs.verify.layoutcheck import check_layout
from cipdocs.verify.shapes import Finding


def check_deck_file(deck: Path) -> list[Finding]:
    """Return the accessibility and layout findings of the .pptx at `deck` (any two shapes
    whose text overlaps count); raise `TemplateProblemError` if it cannot be opened."""
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
    findings = check_accessibility(presentation) + check_layout(presentation, set())
    return sorted(findings, key=lambda finding: finding.slide)
