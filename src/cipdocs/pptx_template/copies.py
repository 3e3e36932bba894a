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
from pptx.opc.packuri import PackURI

from cipdocs.pptx_template.text import Element, R

RELATIONSHIP_ID = f"{{{R}}}id"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"

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
SLIDE_PARTNAME = "/ppt/slides/slide%d.xml"
PART_FACTORY: Any = PartFactory


class PartNames:
    """The part names a package uses, so each new part takes a free one without python-pptx
    walking the whole package for every part (quadratic in the slides copied)."""

    def __init__(self, package: Any) -> None:
        self.used = {str(part.partname) for part in package.iter_parts()}
        self.tried: dict[str, int] = {}

    def take(self, template: str) -> PackURI:
        """Return the first free name `template` (``/ppt/charts/chart%d.xml``) makes; use it."""
        number = self.tried.get(template, 0) + 1
        while template % number in self.used:
            number += 1
        self.used.add(template % number)
        self.tried[template] = number
        return PackURI(template % number)


class LibraryNames(PartNames):
    """Part names taken as python-pptx's `next_partname` takes them (the highest free number up
    to one more than the names of the kind there are), so a part copied here is named as the
    one python-pptx would have made."""

    def take(self, template: str) -> PackURI:
        """Return the name python-pptx would give the next part `template` names; use it."""
        prefix = template[: (template % 42).find("42")]
        count = sum(1 for name in self.used if name.startswith(prefix))
        number = next(n for n in range(count + 1, 0, -1) if template % n not in self.used)
        self.used.add(template % number)
        return PackURI(template % number)


def duplicate_slide(
    presentation: Any, slide: Any, names: PartNames | None = None, *, after: Any = None
) -> Any:
    """Add a full copy of `slide` right after it (or after the slide `after`) and return it."""
    names = names or PartNames(presentation.part.package)
    # Not `slides.add_slide`: it fills the new slide with the layout's placeholders and caches
    # its shape tree, which the copy's content replaces.
    key, copied = presentation.part.add_slide(slide.slide_layout)
    copied.part.partname = names.take(SLIDE_PARTNAME)
    presentation.slides._sldIdLst.add_sldId(key)
    element = copied._element
    for child in list(element):
        element.remove(child)
    for name, value in slide._element.attrib.items():
        element.set(name, value)
    element.extend(copy.deepcopy(child) for child in slide._element)
    renamed = copy_relationships(slide.part, copied.part, names, skip={RT.SLIDE_LAYOUT})
    renamed.update(layout_ids(slide.part, copied.part))
    point_references(element, renamed)
    if slide.has_notes_slide:
        copy_notes(slide.part, copied.part, names)
    move_after(presentation, copied, slide if after is None else after)
    return copied


def layout_ids(source: Any, target: Any) -> dict[str, str]:
    """Map the source slide's layout relationship to the copy's."""
    old = next(key for key, rel in source.rels.items() if rel.reltype == RT.SLIDE_LAYOUT)
    new = next(key for key, rel in target.rels.items() if rel.reltype == RT.SLIDE_LAYOUT)
    return {old: new}


def copy_relationships(
    source: Any, target: Any, names: PartNames, skip: Collection[str] = ()
) -> dict[str, str]:
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
            copied = copy_part(relationship.target_part, names)
            renamed[key] = target.relate_to(copied, relationship.reltype)
    return renamed


def copy_part(part: Any, names: PartNames) -> Any:
    """Return a new part holding the same content as `part`, with copies of its own parts."""
    copied = copy_part_alone(part, names)
    renamed = copy_relationships(part, copied, names)
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


def copy_notes(source: Any, target: Any, names: PartNames) -> None:
    """Give the slide part `target` its own copy of the speaker notes of slide part `source`."""
    notes = source.part_related_by(RT.NOTES_SLIDE)
    copied = copy_part_alone(notes, names)
    renamed = copy_relationships(notes, copied, names, skip={RT.SLIDE})
    for key, relationship in notes.rels.items():
        if relationship.reltype == RT.SLIDE:
            renamed[key] = copied.relate_to(target, RT.SLIDE)
    point_references(copied._element, renamed)
    target.relate_to(copied, RT.NOTES_SLIDE)


def copy_part_alone(part: Any, names: PartNames) -> Any:
    """Return a new part holding the same content as `part`, related to nothing yet."""
    partname = names.take(PARTNAME_NUMBER.sub(r"%d\1", str(part.partname)))
    return PART_FACTORY(partname, part.content_type, part.package, part.blob)


def move_after(presentation: Any, slide: Any, anchor: Any) -> None:
    """Move `slide` to just after `anchor` in the slide order (and in its section, if any)."""
    slide_ids = presentation.slides._sldIdLst
    moved = slide_entry(presentation, slide)
    slide_ids.remove(moved)
    anchor_entry = slide_entry(presentation, anchor)
    anchor_entry.addnext(moved)
    drop_from_sections(presentation, moved.get("id", ""))
    for listed in section_entries(presentation, anchor_entry.get("id", "")):
        listed.addnext(listed.makeelement(listed.tag, {"id": moved.get("id", "")}))


def section_entries(presentation: Any, slide_id: str) -> list[Element]:
    """Return the entries of PowerPoint's sections (Home > Section) that list `slide_id`."""
    listed = presentation.part._element.iter(f"{{{P14}}}sldId")
    return [entry for entry in listed if entry.get("id") == slide_id]


def drop_from_sections(presentation: Any, slide_id: str) -> None:
    """Remove `slide_id` from the sections: PowerPoint repairs one naming a missing slide."""
    for listed in section_entries(presentation, slide_id):
        parent = listed.getparent()
        assert parent is not None
        parent.remove(listed)


def slide_entry(presentation: Any, slide: Any) -> Element:
    """Return the ``p:sldId`` by which the presentation lists `slide`."""
    part = presentation.part
    for entry in presentation.slides._sldIdLst:
        if part.related_part(entry.get(RELATIONSHIP_ID)) is slide.part:
            found: Element = entry
            return found
    raise LookupError("a slide not in the presentation")


def delete_slide(presentation: Any, slide: Any) -> None:
    """Remove `slide` from the presentation; its parts are no longer saved."""
    entry = slide_entry(presentation, slide)
    slide_ids = presentation.slides._sldIdLst
    slide_ids.remove(entry)
    drop_from_sections(presentation, entry.get("id", ""))
    presentation.part.drop_rel(entry.get(RELATIONSHIP_ID))
    renumber_slides(presentation)


def renumber_slides(presentation: Any) -> None:
    """Name the slide parts slide1.xml, slide2.xml, … in order: python-pptx names a new slide
    after the count of slides, which must then be free."""
    slide_ids = presentation.slides._sldIdLst
    presentation.part.rename_slide_parts([entry.get(RELATIONSHIP_ID) for entry in slide_ids])
