"""What a PDF shows of its accessibility: tags, language, title, alt texts, header cells, links.

These are the PDF/UA-1 points cipdocs can see itself in any PDF (one exported by hand, too);
the full PDF/UA-1 check is veraPDF's, which the tests run (docs/checks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from cipdocs.errors import TemplateProblemError

HEADINGS = frozenset({"H", "H1", "H2", "H3", "H4", "H5", "H6", "Title"})
EXPORT_TAGGED = (
    "export it again with tags (cipdocs deck --pdf, or in PowerPoint and Word: File > Save As > "
    "PDF > Options > Document structure tags for accessibility)"
)


@dataclass(frozen=True)
class Figure:
    """A Figure element of the structure tree: its page (1-based) and alternative text."""

    page: int
    alt: str


@dataclass(frozen=True)
class PdfFacts:
    """What a PDF says of itself that assistive technology relies on."""

    tagged: bool
    language: str
    title: str
    shows_title: bool
    """The viewer's title bar shows the title, not the file name (DisplayDocTitle)."""
    pdfua: bool
    """The XMP metadata claims PDF/UA-1 (pdfuaid:part 1)."""
    figures: tuple[Figure, ...]
    structure: tuple[str, ...]
    """Every structure element's type, in reading order (``H``, ``TH``, ``Figure``…)."""
    untagged_links: tuple[int, ...]
    """The pages of Link annotations that no `Link` element holds."""


def read_pdf_facts(path: Path) -> PdfFacts:
    """Return what the PDF at `path` shows of its accessibility; raise `TemplateProblemError`
    when it cannot be read."""
    try:
        with pikepdf.open(path) as pdf:
            return _facts(pdf)
    except (pikepdf.PdfError, OSError):
        raise TemplateProblemError(
            f"{path}: not a readable PDF; give a PDF file (e.g. one `cipdocs deck --pdf` wrote)"
        ) from None


def _facts(pdf: pikepdf.Pdf) -> PdfFacts:
    root: Any = pdf.Root
    with pdf.open_metadata() as meta:
        title = str(meta.get("dc:title", "") or "")
        pdfua = str(meta.get("pdfuaid:part", "")) == "1"
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    tree = root.get("/StructTreeRoot")
    elements = list(_iter_elements(tree)) if tree is not None else []
    figures = tuple(
        Figure(_page_number(element, pages), str(element.get("/Alt", "")))
        for element in elements
        if element.S == "/Figure"
    )
    untagged_links = tuple(
        number
        for number, page in enumerate(pdf.pages, start=1)
        for annotation in page.obj.get("/Annots", [])
        if annotation.get("/Subtype") == "/Link" and "/StructParent" not in annotation
    )
    preferences = root.get("/ViewerPreferences", {})
    return PdfFacts(
        tagged=tree is not None and bool(root.get("/MarkInfo", {}).get("/Marked", False)),
        language=str(root.get("/Lang", "")),
        title=title,
        shows_title=bool(preferences.get("/DisplayDocTitle", False)),
        pdfua=pdfua,
        figures=figures,
        structure=tuple(str(element.S).lstrip("/") for element in elements),
        untagged_links=untagged_links,
    )


def _iter_elements(node: Any) -> Iterator[Any]:
    """Yield the structure elements under `node`, in reading order."""
    kids = node.get("/K")
    if kids is None:
        return
    for item in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(item, pikepdf.Dictionary) and "/S" in item:
            yield item
            yield from _iter_elements(item)


def _page_number(element: Any, pages: dict[tuple[int, int], int]) -> int:
    """Return the 1-based page of an element's content, 0 when it names none."""
    kids = element.get("/K")
    holders = [element, *(kids if isinstance(kids, pikepdf.Array) else [kids])]
    for holder in holders:
        if isinstance(holder, pikepdf.Dictionary) and "/Pg" in holder:
            return pages.get(holder.Pg.objgen, 0)
    return 0


def check_pdf_facts(facts: PdfFacts) -> list[str]:
    """Return what keeps the PDF from being accessible, one finding with its fix a line."""
    if not facts.tagged:
        return [f"not tagged: a screen reader gets no headings, tables or order; {EXPORT_TAGGED}"]
    findings = []
    if not facts.language:
        findings.append(
            "no document language; set the language of the source file, then export again"
        )
    if not facts.title:
        findings.append(
            "no title in its metadata; set the source file's Title property, then export again"
        )
    elif not facts.shows_title:
        findings.append(
            "the viewer shows the file name, not the title (DisplayDocTitle); " + EXPORT_TAGGED
        )
    if not facts.pdfua:
        findings.append("does not claim PDF/UA-1 in its metadata; " + EXPORT_TAGGED)
    if not any(kind in HEADINGS for kind in facts.structure):
        findings.append("no headings; give each slide a title, each section a Heading style")
    for figure in facts.figures:
        if not figure.alt:
            findings.append(
                f"page {figure.page}: a figure has no alternative text; "
                "add alt text to its picture, chart or group, then export again"
            )
    for page in facts.untagged_links:
        findings.append(f"page {page}: a link is not tagged as a link; " + EXPORT_TAGGED)
    return findings


def check_pdf_file(path: Path) -> list[str]:
    """Return the accessibility findings of the PDF at `path`."""
    if not path.is_file():
        raise TemplateProblemError(f"{path}: no such file; give the path of a PDF")
    return check_pdf_facts(read_pdf_facts(path))
