"""A deck read once for judging: every shape with its effective box, placeholder inheritance,
inherited text defaults and theme, resolved once per layout and master, not per shape.

The rules (accessibility.py, contrast.py, layoutcheck.py) run over this model instead of asking
python-pptx, whose placeholder properties look their layout and master up again on every
attribute. The model holds the deck's own XML elements: a rule that measures text reads the runs
as they are, so text shrunk after the model was read is measured at its new size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from cipdocs.verify.colours import NAMESPACES, Palette
from cipdocs.verify.shapes import TITLE_TYPES

P = NAMESPACES["p"]
A = NAMESPACES["a"]
SHAPE_TAGS = {
    f"{{{P}}}{name}" for name in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart")
}
"""The elements of a shape tree that are shapes, as python-pptx lists them."""
TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
MASTER_TYPE = {
    "body": "body",
    "chart": "body",
    "clipArt": "body",
    "ctrTitle": "title",
    "dgm": "body",
    "dt": "dt",
    "ftr": "ftr",
    "media": "body",
    "obj": "body",
    "pic": "body",
    "sldNum": "sldNum",
    "subTitle": "body",
    "tbl": "body",
    "title": "title",
}
"""The master placeholder a layout placeholder of each type inherits from, as python-pptx and
PowerPoint resolve it."""
XFRM_PATHS = {
    "graphicFrame": "p:xfrm",
    "grpSp": "p:grpSpPr/a:xfrm",
}
"""Where a shape keeps its position and size (``p:spPr/a:xfrm`` for the others)."""


def style_name(placeholder: str | None) -> str:
    """Return the master text style a shape's text starts from: title, body or other."""
    if placeholder is None:
        return "p:otherStyle"
    return "p:titleStyle" if placeholder in TITLE_TYPES else "p:bodyStyle"


@dataclass(frozen=True)
class Box:
    """Where a shape (or its text) is drawn, in EMU."""

    left: int
    top: int
    right: int
    bottom: int

    def overlap(self, other: Box) -> tuple[int, int]:
        """Return how far the two boxes overlap across and down (0 where they do not)."""
        across = min(self.right, other.right) - max(self.left, other.left)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        return max(0, across), max(0, down)

    def contains(self, x: int, y: int) -> bool:
        """Return True when the point lies in the box, edges included."""
        return self.left <= x <= self.right and self.top <= y <= self.bottom


@dataclass
class MasterModel:
    """A slide master: its palette, its placeholders by type and its text styles' defaults."""

    element: etree._Element
    palette: Palette
    placeholders: dict[str, etree._Element]
    shapes: list[ShapeModel] = field(default_factory=list)
    _defaults: dict[str, list[etree._Element]] = field(default_factory=dict)

    def run_defaults(self, style: str) -> list[etree._Element]:
        """Return the level-1 run defaults of one of the master's text styles (``p:bodyStyle``)."""
        if style not in self._defaults:
            self._defaults[style] = self.element.findall(
                f"p:txStyles/{style}/a:lvl1pPr/a:defRPr", NAMESPACES
            )
        return self._defaults[style]


@dataclass
class LayoutModel:
    """A slide layout: its master, its placeholders by index and its own shapes."""

    element: etree._Element
    master: MasterModel
    placeholders: dict[int, etree._Element]
    shapes: list[ShapeModel] = field(default_factory=list)


@dataclass(frozen=True)
class ShapeModel:
    """One shape as it is drawn: its effective box, what it inherits, its group's members."""

    element: etree._Element
    name: str
    kind: str
    """``sp``, ``pic``, ``grpSp``, ``graphicFrame``, ``cxnSp`` or ``contentPart``."""
    box: Box
    """The effective box: a placeholder's own position and size, else its layout's, else its
    master's; a group member's in its group's coordinates, as they are written."""
    placeholder: str | None
    """The placeholder type (``obj`` when unstated), None when the shape is not a placeholder."""
    inherited: tuple[etree._Element, ...]
    """The layout's and master's placeholders the shape inherits from, nearest first."""
    master: MasterModel | None
    """The master whose text styles the shape's text starts from (None off slides)."""
    members: tuple[ShapeModel, ...] = ()

    @property
    def is_placeholder(self) -> bool:
        """Return True for a placeholder."""
        return self.placeholder is not None

    @property
    def has_table(self) -> bool:
        """Return True for a graphic frame holding a table."""
        if self.kind != "graphicFrame":
            return False
        data = self.element.find("a:graphic/a:graphicData", NAMESPACES)
        return data is not None and data.get("uri") == TABLE_URI

    @property
    def table(self) -> etree._Element | None:
        """Return the shape's `a:tbl`, if it holds a table."""
        return self.element.find("a:graphic/a:graphicData/a:tbl", NAMESPACES)

    @property
    def has_text_frame(self) -> bool:
        """Return True for a shape that can hold text (as python-pptx says: any ``p:sp``)."""
        return self.kind == "sp"

    @property
    def text_body(self) -> etree._Element | None:
        """Return the shape's `p:txBody`, if it has one."""
        return self.element.find("p:txBody", NAMESPACES)

    @property
    def text(self) -> str:
        """Return the shape's text, paragraphs joined by a line feed, a line break as ``\\v``."""
        body = self.text_body
        if body is None:
            return ""
        return "\n".join(
            paragraph_text(paragraph) for paragraph in body.iterfind("a:p", NAMESPACES)
        )

    def run_defaults(self) -> list[etree._Element]:
        """Return the run defaults the shape's text inherits, nearest first: its own list style,
        its layout's and master's placeholders', then the master's text style."""
        found: list[etree._Element] = []
        for element in (self.element, *self.inherited):
            found += element.findall("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NAMESPACES)
        if self.master is not None:
            found += self.master.run_defaults(style_name(self.placeholder))
        return found


def paragraph_text(paragraph: etree._Element) -> str:
    """Return a paragraph's text as python-pptx gives it: runs and fields, ``\\v`` per break."""
    parts = []
    for child in paragraph:
        tag = child.tag
        if tag == f"{{{A}}}br":
            parts.append("\v")
        elif tag in (f"{{{A}}}r", f"{{{A}}}fld"):
            parts.append(child.findtext("a:t", default="", namespaces=NAMESPACES) or "")
    return "".join(parts)


@dataclass
class SlideModel:
    """One slide: its number, its shapes, its layout and master."""

    number: int
    element: etree._Element
    layout: LayoutModel
    shapes: list[ShapeModel]

    @property
    def master(self) -> MasterModel:
        """Return the slide's master."""
        return self.layout.master


@dataclass
class DeckModel:
    """The deck as the rules see it."""

    width: int
    height: int
    fonts: tuple[str, str]
    """The theme's major (headings) and minor (body) Latin typefaces."""
    slides: list[SlideModel]


def placeholder_of(element: etree._Element) -> etree._Element | None:
    """Return the shape's `p:ph`, if it is a placeholder."""
    return element.find("./*/p:nvPr/p:ph", NAMESPACES) if len(element) else None


def xfrm_value(element: etree._Element, kind: str, path: str, attribute: str) -> int | None:
    """Return one position or size attribute a shape sets itself, else None."""
    xfrm = element.find(XFRM_PATHS.get(kind, "p:spPr/a:xfrm"), NAMESPACES)
    if xfrm is None:
        return None
    found = xfrm.find(path, NAMESPACES)
    value = found.get(attribute) if found is not None else None
    return int(value) if value is not None else None


def effective_box(element: etree._Element, kind: str, inherited: tuple[etree._Element, ...]) -> Box:
    """Return the shape's box: each of position and size its own, else the nearest inherited."""
    chain = [(element, kind), *((base, etree.QName(base).localname) for base in inherited)]
    values = []
    for path, attribute in (("a:off", "x"), ("a:off", "y"), ("a:ext", "cx"), ("a:ext", "cy")):
        value = next(
            (
                found
                for owner, owner_kind in chain
                if (found := xfrm_value(owner, owner_kind, path, attribute)) is not None
            ),
            0,
        )
        values.append(value)
    left, top, width, height = values
    return Box(left, top, left + width, top + height)


def read_shape(
    element: etree._Element,
    layout: LayoutModel | None,
    master: MasterModel | None,
) -> ShapeModel:
    """Return the model of one shape on a slide (`layout` given), a layout (`master` given
    with `layout` None) or a master (both None)."""
    kind = etree.QName(element).localname
    placeholder = placeholder_of(element)
    ph_type = str(placeholder.get("type", "obj")) if placeholder is not None else None
    inherited = inheritance(element, kind, placeholder, layout, master)
    members: tuple[ShapeModel, ...] = ()
    if kind == "grpSp":
        members = tuple(
            read_shape(child, layout, master) for child in element if child.tag in SHAPE_TAGS
        )
    name_holder = element.find("./*/p:cNvPr", NAMESPACES)
    name = name_holder.get("name", "") if name_holder is not None else ""
    text_master = master if layout is not None else None
    return ShapeModel(
        element,
        str(name),
        kind,
        effective_box(element, kind, inherited),
        ph_type,
        inherited,
        text_master,
        members,
    )


def inheritance(
    element: etree._Element,
    kind: str,
    placeholder: etree._Element | None,
    layout: LayoutModel | None,
    master: MasterModel | None,
) -> tuple[etree._Element, ...]:
    """Return the placeholders `element` inherits from, nearest first: a slide placeholder's
    layout placeholder of the same index, then (for a text placeholder there) the master's of
    the matching type. Pictures inherit too; a graphic frame does not (python-pptx's rules)."""
    if placeholder is None or kind not in ("sp", "pic"):
        return ()
    if layout is not None:
        base = layout.placeholders.get(int(placeholder.get("idx", "0")))
        if base is None:
            return ()
        if etree.QName(base).localname != "sp":
            return (base,)
        return (base, *inheritance(base, "sp", placeholder_of(base), None, layout.master))
    if master is not None and kind == "sp":
        ph_type = str(placeholder.get("type", "obj"))
        found = master.placeholders.get(MASTER_TYPE.get(ph_type, ph_type))
        return (found,) if found is not None else ()
    return ()


def iter_shape_elements(owner: etree._Element) -> Iterator[etree._Element]:
    """Yield the shapes of a slide, layout or master's shape tree, in drawing order."""
    tree = owner.find("p:cSld/p:spTree", NAMESPACES)
    if tree is not None:
        yield from (child for child in tree if child.tag in SHAPE_TAGS)


def read_master(master: Any) -> MasterModel:
    """Return the model of a python-pptx slide master."""
    placeholders: dict[str, etree._Element] = {}
    for element in iter_shape_elements(master.element):
        placeholder = placeholder_of(element)
        if placeholder is not None:
            placeholders.setdefault(str(placeholder.get("type", "obj")), element)
    model = MasterModel(master.element, Palette.of_master(master), placeholders)
    model.shapes = [
        read_shape(element, None, None) for element in iter_shape_elements(master.element)
    ]
    return model


def read_layout(layout: Any, master: MasterModel) -> LayoutModel:
    """Return the model of a python-pptx slide layout."""
    placeholders: dict[int, etree._Element] = {}
    for element in iter_shape_elements(layout.element):
        placeholder = placeholder_of(element)
        if placeholder is not None:
            placeholders.setdefault(int(placeholder.get("idx", "0")), element)
    model = LayoutModel(layout.element, master, placeholders)
    model.shapes = [
        read_shape(element, None, master) for element in iter_shape_elements(layout.element)
    ]
    return model


def read_deck(presentation: Any, *, shapes: bool = True) -> DeckModel:
    """Return the model of a python-pptx presentation, each layout and master read once;
    without the slides' `shapes` (their lists left empty) for a reader that reads the few it
    needs itself (edits/deck_describe.py)."""
    from cipdocs.pptx_template.fonts import theme_fonts

    masters: dict[int, MasterModel] = {}
    layouts: dict[int, LayoutModel] = {}
    slides = []
    for number, slide in enumerate(presentation.slides, start=1):
        layout = slide.slide_layout
        if id(layout.part) not in layouts:
            master = layout.slide_master
            if id(master.part) not in masters:
                masters[id(master.part)] = read_master(master)
            layouts[id(layout.part)] = read_layout(layout, masters[id(master.part)])
        layout_model = layouts[id(layout.part)]
        read = [
            read_shape(element, layout_model, layout_model.master)
            for element in (iter_shape_elements(slide.element) if shapes else ())
        ]
        slides.append(SlideModel(number, slide.element, layout_model, read))
    return DeckModel(
        int(presentation.slide_width),
        int(presentation.slide_height),
        theme_fonts(presentation),
        slides,
    )
