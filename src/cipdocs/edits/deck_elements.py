"""A deck's shape elements read as they show: kind, box, paragraph text and run formatting."""

from __future__ import annotations

from typing import Any

from lxml import etree

from cipdocs.edits.deck_view import ParagraphView
from cipdocs.verify.colours import NAMESPACES, Palette

A = NAMESPACES["a"]


def shape_elements(tree: etree._Element) -> list[etree._Element]:
    """Return the shapes of a shape tree, in the order python-pptx's `shapes` gives them."""
    return [child for child in tree if child.tag in MEMBER_TAGS]


def shape_kind(element: etree._Element) -> str:
    """Return the kind of shape, in the words both PowerPoint and LibreOffice files share."""
    tag = etree.QName(element).localname
    if tag == "graphicFrame":
        data = element.find("a:graphic/a:graphicData", NAMESPACES)
        uri = data.get("uri", "") if data is not None else ""
        return (
            "table" if uri.endswith("/table") else "chart" if uri.endswith("/chart") else "object"
        )
    return {"sp": "text", "pic": "picture", "cxnSp": "line", "grpSp": "group"}.get(tag, tag)


MEMBER_TAGS = {
    f"{{{NAMESPACES['p']}}}{tag}"
    for tag in ("sp", "pic", "cxnSp", "grpSp", "graphicFrame", "contentPart")
}


def element_box(element: etree._Element) -> tuple[int, int, int, int] | None:
    """Return the box a shape element states itself (a group: its members'), None if none."""
    tag = etree.QName(element).localname
    if tag == "grpSp":
        members = [child for child in element if child.tag in MEMBER_TAGS]
        fixed = [element_box(m) for m in members if not element_grows(m)]
        boxes = [box for box in fixed or [element_box(m) for m in members] if box is not None]
        return group_bounds(element, boxes) if boxes else None
    path = "p:xfrm" if tag == "graphicFrame" else "p:spPr/a:xfrm" if tag != "grpSp" else ""
    xfrm = element.find(path, NAMESPACES)
    if xfrm is None:
        return None
    offset, extent = xfrm.find("a:off", NAMESPACES), xfrm.find("a:ext", NAMESPACES)
    if offset is None or extent is None:
        return None
    return (
        int(offset.get("x", "0")),
        int(offset.get("y", "0")),
        int(extent.get("cx", "0")),
        int(extent.get("cy", "0")),
    )


def element_grows(element: etree._Element) -> bool:
    """Return True when the shape's height follows its text (another program sets it anew)."""
    body = element.find("p:txBody/a:bodyPr", NAMESPACES)
    return body is not None and body.find("a:spAutoFit", NAMESPACES) is not None


def group_bounds(
    group: etree._Element, boxes: list[tuple[int, int, int, int]]
) -> tuple[int, int, int, int]:
    """Return the bounds of member `boxes` (child coordinates) on the slide."""
    xfrm = group.find("p:grpSpPr/a:xfrm", NAMESPACES)
    values = {"x": 0, "y": 0, "cx": 1, "cy": 1}
    offset, extent, child_offset, child_extent = (dict(values) for _ in range(4))
    if xfrm is not None:
        for target, name in ((offset, "off"), (child_offset, "chOff")):
            found = xfrm.find(f"a:{name}", NAMESPACES)
            if found is not None:
                target.update(x=int(found.get("x", 0)), y=int(found.get("y", 0)))
        for target, name in ((extent, "ext"), (child_extent, "chExt")):
            found = xfrm.find(f"a:{name}", NAMESPACES)
            if found is not None:
                target.update(x=int(found.get("cx", 1)) or 1, y=int(found.get("cy", 1)) or 1)
    scale_x = extent["x"] / child_extent["x"]
    scale_y = extent["y"] / child_extent["y"]
    left = min(box[0] for box in boxes)
    top = min(box[1] for box in boxes)
    right = max(box[0] + box[2] for box in boxes)
    bottom = max(box[1] + box[3] for box in boxes)
    x = offset["x"] + (left - child_offset["x"]) * scale_x
    y = offset["y"] + (top - child_offset["y"]) * scale_y
    return round(x), round(y), round((right - left) * scale_x), round((bottom - top) * scale_y)


def describe_paragraph(
    paragraph: etree._Element, defaults: list[etree._Element], colour: str, palette: Palette
) -> ParagraphView:
    """Return a paragraph's text and effective run formatting."""
    stretches: list[list[Any]] = []
    for child in paragraph:
        name = etree.QName(child).localname
        if name not in ("r", "fld", "br"):
            continue
        text = "\n" if name == "br" else child.findtext("a:t", "", NAMESPACES)
        if not text:
            continue
        if name == "br" and stretches:
            stretches[-1][0] += 1  # a line break shows no formatting of its own
            continue
        style = run_style(child.find("a:rPr", NAMESPACES), defaults, colour, palette)
        if stretches and stretches[-1][1] == style:
            stretches[-1][0] += len(text)
        else:
            stretches.append([len(text), style])
    return ParagraphView(
        paragraph_text(paragraph), ";".join(f"{n}:{style}" for n, style in stretches)
    )


def paragraph_text(paragraph: etree._Element) -> str:
    """Return a paragraph's text, line breaks as ``\\n``."""
    parts = []
    for child in paragraph:
        name = etree.QName(child).localname
        if name == "br":
            parts.append("\n")
        elif name in ("r", "fld"):
            parts.append(child.findtext("a:t", "", NAMESPACES))
    return "".join(parts)


def run_style(
    properties: etree._Element | None,
    defaults: list[etree._Element],
    colour: str,
    palette: Palette,
) -> str:
    """Return a run's effective bold, italic, underline, strike, size and colour."""
    chain = [p for p in (properties, *defaults) if p is not None]

    def first(name: str, default: str) -> str:
        return next((str(p.get(name)) for p in chain if p.get(name) is not None), default)

    bold = first("b", "0") in ("1", "true")
    italic = first("i", "0") in ("1", "true")
    underline = first("u", "none") != "none"
    strike = first("strike", "noStrike") != "noStrike"
    fill = properties.find("a:solidFill", NAMESPACES) if properties is not None else None
    own = palette.colour(fill) if fill is not None else None
    if properties is not None and properties.find("a:hlinkClick", NAMESPACES) is not None:
        # A link's colour and underline come from the theme; programs spell them out or not.
        underline, own = False, "link"
    flags = "".join("1" if flag else "0" for flag in (bold, italic, underline, strike))
    # An inherited colour is marked: programs that spell colours out may resolve it otherwise.
    return f"{flags},{first('sz', '1800')},{own or '~' + colour}"
