"""Check a deck as PowerPoint's Accessibility Checker and WCAG 2.1 would: titles, alt text,
table headers and text contrast. See docs/checks.md for each rule and its limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from cipdocs.errors import DeckCheckError
from cipdocs.verify.colours import FILL_TAGS, NAMESPACES, WHITE, A, Palette, contrast_ratio
from cipdocs.verify.shapes import TITLE_TYPES, Finding, inherited_elements, placeholder_type

MIN_CONTRAST = 4.5
"""WCAG 2.1 (1.4.3) for normal text; cipdocs asks it of large text too."""
DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
"""The extension PowerPoint writes when a shape is marked decorative (it needs no alt text)."""
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def raise_on_new_findings(
    deck: Path, findings: Sequence[Finding], template_findings: Sequence[Finding]
) -> None:
    """Raise `DeckCheckError` for the findings filling the template brought in.

    What the template itself already has is the template's to fix (`cipdocs check-deck` lists
    it); what filling brought in (a low-contrast label, a repeated title) stops the run.
    """
    known = {finding.key for finding in template_findings}
    brought_in = [finding for finding in findings if finding.key not in known]
    if brought_in:
        raise DeckCheckError(deck, [f"{deck}: {finding}" for finding in brought_in])


def check_accessibility(presentation: Any) -> list[Finding]:
    """Return every accessibility finding in a python-pptx presentation, slide by slide."""
    findings: list[Finding] = []
    titles: dict[int, str] = {}
    palettes: dict[int, Palette] = {}
    for number, slide in enumerate(presentation.slides, start=1):
        title = slide_title(slide)
        if title:
            titles[number] = title
        else:
            findings.append(
                Finding(number, "", "title", "the slide has no title; give it one in Outline view")
            )
        master = slide.slide_layout.slide_master
        if id(master.part) not in palettes:
            palettes[id(master.part)] = Palette.of_master(master)
        findings += slide_findings(number, slide, palettes[id(master.part)])
    findings += duplicate_titles(titles)
    return sorted(findings, key=lambda finding: finding.slide)


def slide_title(slide: Any) -> str:
    """Return the text of the slide's title placeholder, or empty when it has none."""
    for shape in slide.placeholders:
        if placeholder_type(shape.element) in TITLE_TYPES and shape.has_text_frame:
            return " ".join(str(shape.text_frame.text).split())
    return ""


def duplicate_titles(titles: dict[int, str]) -> list[Finding]:
    """Return a finding for each slide whose title an earlier slide already has."""
    seen: dict[str, int] = {}
    findings = []
    for number, title in titles.items():
        if title in seen:
            findings.append(
                Finding(
                    number,
                    "",
                    "unique title",
                    f"the title {title!r} is also the title of slide {seen[title]}; "
                    "give each slide its own title",
                )
            )
        else:
            seen[title] = number
    return findings


def slide_findings(number: int, slide: Any, palette: Palette) -> list[Finding]:
    """Return the alt-text, header-row and contrast findings of one slide."""
    backdrops = Backdrops(slide, palette)
    findings: list[Finding] = []
    for shape in slide.shapes:
        findings += [Finding(number, name, rule, text) for name, rule, text in alt_text(shape)]
        if getattr(shape, "has_table", False) and not marks_header_row(shape.table._tbl):
            findings.append(
                Finding(
                    number,
                    shape.name,
                    "header row",
                    "the table marks no header row; tick Header Row on the Table Design tab",
                )
            )
        for name, text in contrast_problems(shape, palette, backdrops):
            findings.append(Finding(number, name, "contrast", text))
        backdrops.add(shape)
    return findings


def marks_header_row(table: etree._Element) -> bool:
    """Return True when the table's first row is marked as its header."""
    properties = table.find("a:tblPr", NAMESPACES)
    return properties is not None and properties.get("firstRow") in ("1", "true")


def alt_text(shape: Any, top: bool = True) -> Iterator[tuple[str, str, str]]:
    """Yield (shape, rule, message) for a chart, picture or group without alternative text."""
    element = shape.element
    kind = etree.QName(element).localname
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
            str(shape.name),
            "alt text",
            f"the {what} has no alternative text; describe what it shows "
            "(right-click it, View Alt Text)",
        )
    if kind == "grpSp":
        for child in shape.shapes:
            yield from alt_text(child, top=False)


class Backdrops:
    """What lies under a shape without a fill: filled shapes drawn before it, then the slide."""

    def __init__(self, slide: Any, palette: Palette) -> None:
        """Start from the slide's background and the master's and layout's filled shapes."""
        self.palette = palette
        layout = slide.slide_layout
        self.background = (
            background_colour(slide, palette)
            or background_colour(layout, palette)
            or background_colour(layout.slide_master, palette)
            or palette.scheme_colour("bg1")
            or WHITE
        )
        self.boxes: list[tuple[tuple[int, int, int, int], str]] = []
        if shows_master_shapes(slide) and shows_master_shapes(layout):
            for shape in layout.slide_master.shapes:
                self.add(shape)
        if shows_master_shapes(slide):
            for shape in layout.shapes:
                self.add(shape)

    def add(self, shape: Any) -> None:
        """Remember `shape` (and a group's members) as lying under the shapes drawn after it."""
        if etree.QName(shape.element).localname == "grpSp":
            for child in shape.shapes:
                self.add(child)
            return
        if getattr(shape, "is_placeholder", False):
            return
        colour = own_fill(shape.element, self.palette)
        if colour:
            self.boxes.append((box_of(shape), colour))

    def under(self, shape: Any) -> str:
        """Return the colour under the middle of `shape`."""
        left, top, width, height = box_of(shape)
        x, y = left + width // 2, top + height // 2
        for (b_left, b_top, b_width, b_height), colour in reversed(self.boxes):
            if b_left <= x <= b_left + b_width and b_top <= y <= b_top + b_height:
                return colour
        return self.background


def shows_master_shapes(slide_or_layout: Any) -> bool:
    """Return False where the slide or layout hides the shapes of the one it is based on."""
    return slide_or_layout.element.get("showMasterSp") not in ("0", "false")


def background_colour(owner: Any, palette: Palette) -> str | None:
    """Return the solid background colour a slide, layout or master sets itself, if any."""
    background = owner.element.find("p:cSld/p:bg", NAMESPACES)
    if background is None:
        return None
    fill = background.find("p:bgPr/a:solidFill", NAMESPACES)
    if fill is not None:
        return palette.colour(fill)
    return palette.colour(background.find("p:bgRef", NAMESPACES))


def box_of(shape: Any) -> tuple[int, int, int, int]:
    """Return the shape's left, top, width and height in EMU (0 where it has none)."""
    return (
        int(shape.left or 0),
        int(shape.top or 0),
        int(shape.width or 0),
        int(shape.height or 0),
    )


def own_fill(element: etree._Element, palette: Palette) -> str | None:
    """Return the solid colour a shape or table cell fills itself with, if any."""
    properties = element.find("p:spPr", NAMESPACES)
    if properties is None:
        properties = element.find("a:tcPr", NAMESPACES)
    fill = None
    if properties is not None:
        fill = next((child for child in properties if child.tag in FILL_TAGS), None)
    if fill is None:
        reference = element.find("p:style/a:fillRef", NAMESPACES)
        if reference is not None and reference.get("idx", "0") != "0":
            return palette.colour(reference)
        return None
    if etree.QName(fill).localname == "solidFill":
        return palette.colour(fill)
    if etree.QName(fill).localname == "gradFill":
        return palette.colour(fill.find("a:gsLst/a:gs", NAMESPACES))
    return None


def contrast_problems(
    shape: Any, palette: Palette, backdrops: Backdrops, group_fill: str | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (shape, message) for each shape or table holding text below the minimum contrast."""
    kind = etree.QName(shape.element).localname
    if kind == "grpSp":
        fill = own_group_fill(shape.element, palette) or group_fill
        for child in shape.shapes:
            yield from contrast_problems(child, palette, backdrops, fill)
        return
    behind = own_fill(shape.element, palette) or group_fill or backdrops.under(shape)
    defaults = text_defaults(shape, palette)
    if getattr(shape, "has_table", False):
        for row_number, row in enumerate(shape.table._tbl.tr_lst, start=1):
            for cell in row.tc_lst:
                cell_fill = own_fill(cell, palette) or behind
                problem = first_low_contrast(cell, cell_fill, palette, defaults)
                if problem:
                    yield str(shape.name), f"row {row_number}: {problem}"
                    return
        return
    if getattr(shape, "has_text_frame", False):
        problem = first_low_contrast(shape.element, behind, palette, defaults)
        if problem:
            yield str(shape.name), problem


def own_group_fill(element: etree._Element, palette: Palette) -> str | None:
    """Return the solid colour of a group's own fill, which members with `a:grpFill` take."""
    fill = element.find("p:grpSpPr/a:solidFill", NAMESPACES)
    return palette.colour(fill) if fill is not None else None


def text_defaults(shape: Any, palette: Palette) -> list[str]:
    """Return the text colours the shape inherits, nearest first (the theme's text 1 last)."""
    found = []
    style = palette.colour(shape.element.find("p:style/a:fontRef", NAMESPACES))
    if style:
        found.append(style)
    for inherited in inherited_elements(shape):
        for fill in inherited.iterfind(".//a:lstStyle/a:lvl1pPr/a:defRPr/a:solidFill", NAMESPACES):
            found.append(palette.colour(fill) or "")
    master = shape.part.slide_layout.slide_master if hasattr(shape.part, "slide_layout") else None
    if master is not None:
        style_name = "p:otherStyle"
        kind = placeholder_type(shape.element)
        if kind is not None:
            style_name = "p:titleStyle" if kind in TITLE_TYPES else "p:bodyStyle"
        fill = master.element.find(
            f"p:txStyles/{style_name}/a:lvl1pPr/a:defRPr/a:solidFill", NAMESPACES
        )
        if fill is not None:
            found.append(palette.colour(fill) or "")
    found.append(palette.scheme_colour("tx1") or "000000")
    return [colour for colour in found if colour]


def first_low_contrast(
    holder: etree._Element, behind: str, palette: Palette, defaults: Sequence[str]
) -> str:
    """Return a message for the first run in `holder` below the minimum contrast, else ''."""
    for paragraph in holder.iter(f"{{{A}}}p"):
        for run in paragraph.iterfind("a:r", NAMESPACES):
            text = run.findtext("a:t", default="", namespaces=NAMESPACES)
            if not text.strip():
                continue
            colour = run_colour(run, palette) or defaults[0]
            ratio = contrast_ratio(colour, behind)
            if ratio < MIN_CONTRAST:
                return (
                    f"text {text.strip()[:40]!r} in {colour} on {behind} has a contrast of "
                    f"{ratio:.1f}:1, below {MIN_CONTRAST}:1; darken the text or lighten the fill"
                )
    return ""


def run_colour(run: etree._Element, palette: Palette) -> str | None:
    """Return the colour a run sets itself, or the theme's hyperlink colour for a link."""
    properties = run.find("a:rPr", NAMESPACES)
    if properties is None:
        return None
    fill = properties.find("a:solidFill", NAMESPACES)
    if fill is not None:
        return palette.colour(fill)
    if properties.find("a:hlinkClick", NAMESPACES) is not None:
        return palette.scheme_colour("hlink")
    return None
