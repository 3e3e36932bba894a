"""Whole slides copied and removed: python-pptx has neither (its issue #132).

A copy carries everything the slide relates to: its own chart parts with their embedded
workbooks, its own speaker notes, and the same layout, pictures and links; every ``r:`` reference
in the copied XML is re-pointed at the copy's own relationships, so the file opens without repair.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from typing import Any

from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import PartFactory

from cipdocs.pptx_template.text import NAMESPACES, Element, R

RELATIONSHIP_ID = f"{{{R}}}id"

# Parts a copy shares with its source; every other related part (charts, their workbooks and
# styles, embedded objects, tags) is copied, so editing one slide's chart leaves the other alone.
SHARED = frozenset(
    {
        RT.SLIDE_LAYOUT,
        RT.IMAGE,
        RT.MEDIA,
        RT.VIDEO,
        RT.AUDIO,
        RT.HYPERLINK,
        RT.SLIDE,
        RT.NOTES_MASTER,
        RT.SLIDE_MASTER,
    }
)
# Relationships a copy makes afresh (its notes) or does without (review comments).
NOT_COPIED = frozenset({RT.NOTES_SLIDE, RT.COMMENTS})
PARTNAME_NUMBER = re.compile(r"\d*(\.\w+)$")
PART_FACTORY: Any = PartFactory
# A shape tree's own properties, which every tree has once, before its shapes.
GROUP_PROPERTIES = frozenset(f"{{{NAMESPACES['p']}}}{name}" for name in ("nvGrpSpPr", "grpSpPr"))


def duplicate_slide(presentation: Any, slide: Any) -> Any:
    """Add a full copy of `slide` right after it and return the copy."""
    # Not `slides.add_slide`: it fills the new slide with the layout's placeholders and caches
    # its shape tree, which the copy's content replaces.
    key, copied = presentation.part.add_slide(slide.slide_layout)
    presentation.slides._sldIdLst.add_sldId(key)
    element = copied._element
    for child in list(element):
        element.remove(child)
    for name, value in slide._element.attrib.items():
        element.set(name, value)
    element.extend(copy.deepcopy(child) for child in slide._element)
    renamed = copy_relationships(slide.part, copied.part, skip={RT.SLIDE_LAYOUT})
    renamed.update(layout_ids(slide.part, copied.part))
    point_references(element, renamed)
    if slide.has_notes_slide:
        copy_notes(slide, copied)
    move_after(presentation, copied, slide)
    return copied


def layout_ids(source: Any, target: Any) -> dict[str, str]:
    """Map the source slide's layout relationship to the copy's."""
    old = next(key for key, rel in source.rels.items() if rel.reltype == RT.SLIDE_LAYOUT)
    new = next(key for key, rel in target.rels.items() if rel.reltype == RT.SLIDE_LAYOUT)
    return {old: new}


def copy_relationships(source: Any, target: Any, skip: Collection[str] = ()) -> dict[str, str]:
    """Relate `target` to what `source` relates to (copying unshared parts); map old to new ids."""
    renamed: dict[str, str] = {}
    for key, relationship in list(source.rels.items()):
        if relationship.reltype in skip or relationship.reltype in NOT_COPIED:
            continue
        if relationship.is_external:
            renamed[key] = target.relate_to(
                relationship.target_ref, relationship.reltype, is_external=True
            )
        elif relationship.reltype in SHARED:
            renamed[key] = target.relate_to(relationship.target_part, relationship.reltype)
        else:
            renamed[key] = target.relate_to(
                copy_part(relationship.target_part), relationship.reltype
            )
    return renamed


def copy_part(part: Any) -> Any:
    """Return a new part holding the same content as `part`, with copies of its own parts."""
    package = part.package
    template = PARTNAME_NUMBER.sub(r"%d\1", str(part.partname))
    copied = PART_FACTORY(package.next_partname(template), part.content_type, package, part.blob)
    renamed = copy_relationships(part, copied)
    element = getattr(copied, "_element", None)
    if element is not None:
        point_references(element, renamed)
    return copied


def point_references(element: Element, renamed: Mapping[str, str]) -> None:
    """Re-point every ``r:`` attribute under `element` through `renamed`, in one pass."""
    for node in element.iter():
        for name, value in node.attrib.items():
            if str(name).startswith(f"{{{R}}}") and str(value) in renamed:
                node.set(name, renamed[str(value)])


def copy_notes(source: Any, target: Any) -> None:
    """Give `target` its own copy of the speaker notes of `source`."""
    notes = target.notes_slide
    tree = notes.shapes._spTree
    for child in list(tree):
        if child.tag not in GROUP_PROPERTIES:
            tree.remove(child)
    for child in source.notes_slide.shapes._spTree:
        if child.tag not in GROUP_PROPERTIES:
            tree.append(copy.deepcopy(child))
    renamed = copy_relationships(
        source.notes_slide.part, notes.part, skip={RT.SLIDE, RT.NOTES_MASTER}
    )
    point_references(tree, renamed)


def move_after(presentation: Any, slide: Any, anchor: Any) -> None:
    """Move `slide` to just after `anchor` in the slide order."""
    slide_ids = presentation.slides._sldIdLst
    moved = slide_entry(presentation, slide)
    slide_ids.remove(moved)
    slide_entry(presentation, anchor).addnext(moved)


def slide_entry(presentation: Any, slide: Any) -> Element:
    """Return the ``p:sldId`` by which the presentation lists `slide`."""
    key = relationship_of(presentation, slide)
    slide_ids = presentation.slides._sldIdLst
    entry: Element = next(item for item in slide_ids if item.get(RELATIONSHIP_ID) == key)
    return entry


def relationship_of(presentation: Any, slide: Any) -> str:
    """Return the relationship id by which the presentation lists `slide`."""
    for key, relationship in presentation.part.rels.items():
        if not relationship.is_external and relationship.target_part is slide.part:
            return str(key)
    raise LookupError("a slide not in the presentation")


def delete_slide(presentation: Any, slide: Any) -> None:
    """Remove `slide` from the presentation; its parts are no longer saved."""
    key = relationship_of(presentation, slide)
    slide_ids = presentation.slides._sldIdLst
    slide_ids.remove(slide_entry(presentation, slide))
    presentation.part.drop_rel(key)
    # python-pptx names a slide added later after the count of slides: renumber the rest, or a
    # follow-on slide added after a deletion would reuse a name still taken ("slide6.xml").
    presentation.part.rename_slide_parts([entry.rId for entry in slide_ids])
