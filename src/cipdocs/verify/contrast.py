"""Rule ``contrast``: every run of text contrasts at least 4.5:1 with what is behind it
(WCAG 2.1, 1.4.3), over the deck read once (verify/model.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from cipdocs.verify.colours import FILL_TAGS, NAMESPACES, WHITE, A, Palette, contrast_ratio
from cipdocs.verify.model import Box, ShapeModel, SlideModel, style_name
from cipdocs.verify.shapes import Finding

MIN_CONTRAST = 4.5
"""WCAG 2.1 (1.4.3) for normal text; cipdocs asks it of large text too."""


class Backdrops:
    """What lies under a shape without a fill: filled shapes drawn before it, then the slide."""

    def __init__(self, slide: SlideModel) -> None:
        """Start from the slide's background and the master's and layout's filled shapes."""
        layout, master = slide.layout, slide.master
        self.palette = palette = master.palette
        self.background = (
            background_colour(slide.element, palette)
            or background_colour(layout.element, palette)
            or background_colour(master.element, palette)
            or palette.scheme_colour("bg1")
            or WHITE
        )
        self.boxes: list[tuple[Box, str]] = []
        if shows_master_shapes(slide.element) and shows_master_shapes(layout.element):
            for shape in master.shapes:
                self.add(shape)
        if shows_master_shapes(slide.element):
            for shape in layout.shapes:
                self.add(shape)

    def add(self, shape: ShapeModel) -> None:
        """Remember `shape` (and a group's members) as lying under the shapes drawn after it."""
        if shape.kind == "grpSp":
            for member in shape.members:
                self.add(member)
            return
        if shape.is_placeholder:
            return
        colour = own_fill(shape.element, self.palette)
        if colour:
            self.boxes.append((shape.box, colour))

    def under(self, shape: ShapeModel) -> str:
        """Return the colour under the middle of `shape`."""
        box = shape.box
        x = box.left + (box.right - box.left) // 2
        y = box.top + (box.bottom - box.top) // 2
        for backdrop, colour in reversed(self.boxes):
            if backdrop.contains(x, y):
                return colour
        return self.background


def low_contrast(slide: SlideModel, shape: ShapeModel, backdrops: Backdrops) -> Iterator[Finding]:
    """Rule ``contrast``: the first run of text in the shape (or table, or each of a group's
    members) below the minimum contrast with what is behind it."""
    for name, message in contrast_problems(shape, backdrops.palette, backdrops):
        yield Finding(slide.number, name, "contrast", message)


def shows_master_shapes(slide_or_layout: etree._Element) -> bool:
    """Return False where the slide or layout hides the shapes of the one it is based on."""
    return slide_or_layout.get("showMasterSp") not in ("0", "false")


def background_colour(owner: etree._Element, palette: Palette) -> str | None:
    """Return the solid background colour a slide, layout or master sets itself, if any."""
    background = owner.find("p:cSld/p:bg", NAMESPACES)
    if background is None:
        return None
    fill = background.find("p:bgPr/a:solidFill", NAMESPACES)
    if fill is not None:
        return palette.colour(fill)
    return palette.colour(background.find("p:bgRef", NAMESPACES))


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
    shape: ShapeModel, palette: Palette, backdrops: Backdrops, group_fill: str | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (shape, message) for each shape or table holding text below the minimum contrast."""
    if shape.kind == "grpSp":
        fill = own_group_fill(shape.element, palette) or group_fill
        for member in shape.members:
            yield from contrast_problems(member, palette, backdrops, fill)
        return
    behind = own_fill(shape.element, palette) or group_fill or backdrops.under(shape)
    defaults = text_defaults(shape, palette)
    table = shape.table if shape.has_table else None
    if table is not None:
        for row_number, row in enumerate(table.iterfind("a:tr", NAMESPACES), start=1):
            for cell in row.iterfind("a:tc", NAMESPACES):
                cell_fill = own_fill(cell, palette) or behind
                problem = first_low_contrast(cell, cell_fill, palette, defaults)
                if problem:
                    yield shape.name, f"row {row_number}: {problem}"
                    return
        return
    if shape.has_text_frame:
        problem = first_low_contrast(shape.element, behind, palette, defaults)
        if problem:
            yield shape.name, problem


def own_group_fill(element: etree._Element, palette: Palette) -> str | None:
    """Return the solid colour of a group's own fill, which members with `a:grpFill` take."""
    fill = element.find("p:grpSpPr/a:solidFill", NAMESPACES)
    return palette.colour(fill) if fill is not None else None


def text_defaults(shape: ShapeModel, palette: Palette) -> list[str]:
    """Return the text colours the shape inherits, nearest first (the theme's text 1 last)."""
    found = []
    style = palette.colour(shape.element.find("p:style/a:fontRef", NAMESPACES))
    if style:
        found.append(style)
    for inherited in shape.inherited:
        for fill in inherited.iterfind(".//a:lstStyle/a:lvl1pPr/a:defRPr/a:solidFill", NAMESPACES):
            found.append(palette.colour(fill) or "")
    if shape.master is not None:
        master_fill = shape.master.element.find(
            f"p:txStyles/{style_name(shape.placeholder)}/a:lvl1pPr/a:defRPr/a:solidFill",
            NAMESPACES,
        )
        if master_fill is not None:
            found.append(palette.colour(master_fill) or "")
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
