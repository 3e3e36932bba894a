"""Copy shapes, paragraphs and slides from one python-pptx deck into another, with what they
point to (pictures, media, charts with their workbooks, external links), so that the deck opens
without repair. Slide layouts are found by name in the target deck, never copied.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree
from pptx.opc.package import Part, PartFactory, XmlPart
from pptx.opc.packuri import PackURI

from cipdocs.verify.colours import NAMESPACES

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
P = NAMESPACES["p"]
COPIED_RELATIONS = (
    "/image",
    "/media",
    "/video",
    "/audio",
    "/chart",
    "/package",
    "/oleObject",
    "/hyperlink",
    "/diagramData",
    "/diagramLayout",
    "/diagramQuickStyle",
    "/diagramColors",
    "/diagramDrawing",
    "/chartStyle",
    "/chartColorStyle",
    "/chartUserShapes",
    "/themeOverride",
)
"""What a copied shape may point to; a link to another slide, a tag or a comment is not copied."""
_NUMBER = re.compile(r"\d+(?=\.[^.]+$)")


class CannotCopy(Exception):
    """The element points to something that cannot be carried into another deck."""


class Copier:
    """Copies elements from parts of one deck into parts of another, each related part once."""

    def __init__(self) -> None:
        self.copied: dict[int, Part] = {}
        self.names: set[str] = set()

    def element(self, element: etree._Element, source: Any, target: Any) -> etree._Element:
        """Return a copy of `element` (from part `source`) whose relationships `target` holds.

        Raise `CannotCopy` when it points to something that is not carried.
        """
        duplicate = copy.deepcopy(element)
        for node in duplicate.iter():
            for name, value in list(node.attrib.items()):
                if str(name).startswith(f"{{{R}}}") and value:
                    node.set(name, self.relation(source, str(value), target))
        return duplicate

    def relation(self, source: Any, rel_id: str, target: Any) -> str:
        """Return the id, in `target`, of the relationship `rel_id` of `source` copied."""
        if rel_id not in source.rels:
            raise CannotCopy(f"a relationship {rel_id} that does not exist")
        relationship = source.rels[rel_id]
        kind = relationship.reltype
        if not kind.endswith(COPIED_RELATIONS):
            raise CannotCopy(kind.rsplit("/", 1)[-1])
        if relationship.is_external:
            return str(target.relate_to(relationship.target_ref, kind, is_external=True))
        return str(target.relate_to(self.part(relationship.target_part, target.package), kind))

    def part(self, part: Part, package: Any) -> Part:
        """Return a copy of `part` in `package` (made once), with its own relationships."""
        if id(part) in self.copied:
            return self.copied[id(part)]
        clone = PartFactory(self.free_name(part, package), part.content_type, package, part.blob)
        self.copied[id(part)] = clone
        if isinstance(clone, XmlPart):
            for node in clone._element.iter():
                for attribute, value in list(node.attrib.items()):
                    if str(attribute).startswith(f"{{{R}}}") and value:
                        node.set(attribute, self.relation(part, str(value), clone))
        else:
            for rel_id in part.rels:
                self.relation(part, rel_id, clone)
        return clone

    def free_name(self, part: Part, package: Any) -> PackURI:
        """Return a part name like `part`'s that neither `package` nor an earlier copy holds."""
        if not self.names:
            self.names = {str(existing.partname) for existing in package.iter_parts()}
        template = _NUMBER.sub("%d", str(part.partname), count=1)
        if "%d" not in template:
            stem, dot, suffix = template.rpartition(".")
            template = f"{stem}%d{dot}{suffix}"
        number = 1
        while template % number in self.names:
            number += 1
        self.names.add(template % number)
        return PackURI(template % number)


def renumber_shapes(elements: Iterable[etree._Element], tree: etree._Element) -> None:
    """Give the shapes in `elements` ids no other shape of `tree` (a slide's shape tree) has."""
    taken = {int(node.get("id", "0")) for node in tree.iter(f"{{{P}}}cNvPr")}
    next_id = max(taken, default=1) + 1
    for element in elements:
        for node in element.iter(f"{{{P}}}cNvPr"):
            node.set("id", str(next_id))
            next_id += 1


def find_layout(presentation: Any, name: str) -> Any:
    """Return the layout of `presentation` named `name`, else its blank or last one."""
    layouts = [layout for master in presentation.slide_masters for layout in master.slide_layouts]
    for layout in layouts:
        if layout.name == name:
            return layout
    blank = next((layout for layout in layouts if layout.name.casefold() == "blank"), None)
    return blank or layouts[-1]


def copy_slide(copier: Copier, source: Any, presentation: Any) -> Any:
    """Return a new slide of `presentation` holding `source`'s shapes, background and notes."""
    slide = presentation.slides.add_slide(find_layout(presentation, source.slide_layout.name))
    tree = slide.shapes._spTree
    for placeholder in list(slide.placeholders):
        tree.remove(placeholder.element)
    for element in source.shapes._spTree.iterchildren():
        if etree.QName(element).localname in ("nvGrpSpPr", "grpSpPr"):
            continue
        tree.append(copier.element(element, source.part, slide.part))
    background = source._element.cSld.find(f"{{{P}}}bg")
    if background is not None:
        slide._element.cSld.insert(0, copier.element(background, source.part, slide.part))
    if source._element.get("show") is not None:
        slide._element.set("show", source._element.get("show"))
    if source.has_notes_slide and source.notes_slide.notes_text_frame is not None:
        body = slide.notes_slide.notes_text_frame._txBody
        for paragraph in body.findall(f"{{{NAMESPACES['a']}}}p"):
            body.remove(paragraph)
        for paragraph in source.notes_slide.notes_text_frame._txBody.iterfind(
            f"{{{NAMESPACES['a']}}}p"
        ):
            body.append(copy.deepcopy(paragraph))
    return slide
