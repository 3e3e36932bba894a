"""Slide layout after filling: grown tables push the shapes under them down or continue onto
follow-on slides that repeat the title (marked ``(continued)``) and the table's header rows.

Only what filling changed is laid out again: a table filling left as it was keeps its rows, its
size and the shapes around it; rows filling left as they were keep their heights; a shape pushed
down moves by as much as the table grew into the gap above it, and keeps its left edge and size
even when it inherits them from its layout (a slide number, a footer).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cipdocs.pptx_template.copies import LibraryNames, move_after
from cipdocs.pptx_template.copies import copy_notes as copy_notes_part
from cipdocs.pptx_template.fonts import theme_fonts
from cipdocs.pptx_template.table import KeptRows, number_rows, table_of
from cipdocs.pptx_template.table_layout import (
    fit_row_heights,
    paginate,
    split_tall_rows,
    take_rows,
)
from cipdocs.pptx_template.text import (
    NAMESPACES,
    Element,
    R,
    paragraph_runs,
    run_text,
    set_run_text,
)

CONTINUED = " (continued)"
GAP = 228600
"""A quarter inch: the gap kept between a table and a shape it pushes down."""
BOTTOM_MARGIN = 320040
"""0.35 inch kept clear at the foot of the slide."""


@dataclass(frozen=True)
class Extent:
    """A shape's box on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        """Return the y of the box's lower edge."""
        return self.top + self.height

    def overlaps_columns(self, other: Extent) -> bool:
        """Return True when the two boxes share some horizontal span."""
        return self.left < other.left + other.width and other.left < self.left + self.width


def extent_of(shape: Any) -> Extent:
    """Return the box of a python-pptx shape."""
    return Extent(
        int(shape.left or 0), int(shape.top or 0), int(shape.width or 0), int(shape.height or 0)
    )


def set_frame_height(frame: Any, table: Element) -> None:
    """Make the graphic frame as tall as its rows, as PowerPoint itself keeps it."""
    frame.height = sum(int(row.get("h", "0")) for row in table.findall("a:tr", NAMESPACES))


def layout_table(
    presentation: Any,
    slide: Any,
    frame: Any,
    header_rows: int | None,
    slide_height: int,
    kept: KeptRows | None = None,
) -> list[Any]:
    """Size the table to its text, push shapes below it down, continue it onto new slides.

    `kept` holds the rows filling left as the template had them (all rows when None is given:
    every row is measured); a table whose every row was kept is left as it is."""
    table = table_of(frame._element)
    if table is None or (kept is not None and not kept.changed):
        return []
    template = extent_of(frame)
    if kept is not None and kept.template_height > template.height:
        # PowerPoint draws a table as tall as its rows, even in a frame saved lower than them.
        template = Extent(template.left, template.top, template.width, kept.template_height)
    typeface = theme_fonts(presentation)[1]
    heights = fit_row_heights(table, typeface, kept)
    below = [
        shape
        for shape in slide.shapes
        if shape.shape_id != frame.shape_id
        and extent_of(shape).top >= template.bottom - GAP // 2
        and extent_of(shape).overlaps_columns(template)
    ]
    below_top = min((extent_of(shape).top for shape in below), default=slide_height)
    below_bottom = max((extent_of(shape).bottom for shape in below), default=slide_height)
    room_below = below_bottom - below_top if below else 0
    limit = slide_height - BOTTOM_MARGIN
    first_room = limit - template.top - (room_below + GAP if below else 0)
    if header_rows is not None:
        # A row taller than any page shares its long cells' lines out over several rows.
        room = min(first_room, limit - template.top) - sum(heights[:header_rows])
        split_tall_rows(table, header_rows, max(room, 1), typeface)
        heights = fit_row_heights(table, typeface, kept)
    pages = (
        paginate(heights, header_rows, first_room, limit - template.top)
        if header_rows is not None
        else [list(range(len(heights)))]
    )
    follow_ons: list[Any] = []
    if len(pages) > 1:
        # The body rows leave the table, so each follow-on copies only the header rows, and each
        # row moves (not copied) to its page's table: linear in the rows, however many pages.
        rows = take_rows(table, header_rows or 0)
        names: LibraryNames | None = None
        for page in reversed(pages[1:]):
            # Each follow-on's notes are the slide's: the later ones copy the notes made first.
            made_before = follow_ons[0] if follow_ons else None
            follow_on = add_follow_on(
                presentation, slide, frame, [rows[index] for index in page], made_before, names
            )
            names = names or LibraryNames(presentation.part.package)
            copied = next(shape for shape in follow_on.shapes if shape.shape_id == frame.shape_id)
            copied_table = table_of(copied._element)
            assert copied_table is not None
            number_rows(copied_table)
            set_frame_height(copied, copied_table)
            follow_ons.insert(0, follow_on)
        table.extend(rows[index] for index in pages[0])
    number_rows(table)
    set_frame_height(frame, table)
    # The gap the template left under the table is kept, up to a quarter inch.
    gap = min(GAP, below_top - template.bottom)
    shift = frame.top + frame.height + gap - below_top
    if below and shift > 0:
        for shape in below:
            move_down(shape, shift)
    return follow_ons


def move_down(shape: Any, shift: int) -> None:
    """Move `shape` `shift` EMU down. A placeholder that inherits its position and size from its
    layout gets them written as its own first, so it keeps its left edge and size."""
    left, top, width, height = shape.left, shape.top, shape.width, shape.height
    if top is None:
        return  # no position of its own nor inherited: nothing PowerPoint places to move
    if left is not None:
        shape.left = left
    if width is not None and height is not None:
        shape.width, shape.height = width, height
    shape.top = top + shift


def add_follow_on(
    presentation: Any,
    slide: Any,
    frame: Any,
    rows: Sequence[Element],
    made_before: Any | None = None,
    names: LibraryNames | None = None,
) -> Any:
    """Add a slide right after `slide` holding copies of its title and of `frame`, whose table
    gets `rows` (moved, not copied) after the rows it has. `made_before` is a follow-on of
    `slide` made earlier, whose notes the new one copies rather than making them afresh
    (`names`: the package's part names, taken as python-pptx takes them)."""
    # Not `slides.add_slide`, which gives the slide the layout's placeholders to remove.
    key, follow_on = presentation.part.add_slide(slide.slide_layout)
    presentation.slides._sldIdLst.add_sldId(key)
    tree = follow_on.shapes._spTree
    title = slide.shapes.title
    if title is not None:
        copied_title = copy.deepcopy(title._element)
        mark_continued(copied_title)
        tree.append(copied_title)
    copied_frame = copy.deepcopy(frame._element)
    copied_table = table_of(copied_frame)
    if copied_table is not None:
        copied_table.extend(rows)
    tree.append(copied_frame)
    copy_relationships(slide, follow_on)
    if made_before is not None and made_before.has_notes_slide:
        names = names or LibraryNames(presentation.part.package)
        names.used.add(str(follow_on.part.partname))
        copy_notes_part(made_before.part, follow_on.part, names)
    else:
        copy_notes(slide, follow_on)
    move_after(presentation, follow_on, slide)
    return follow_on


def mark_continued(title: Element) -> None:
    """Append `` (continued)`` to the title's last run."""
    runs = [
        run
        for paragraph in title.iterfind(".//a:p", NAMESPACES)
        for run in paragraph_runs(paragraph)
    ]
    if runs:
        set_run_text(runs[-1], run_text(runs[-1]) + CONTINUED)


def copy_relationships(source: Any, target: Any) -> None:
    """Re-point the copied shapes' hyperlinks and images at relationships of the new slide."""
    for element in target.shapes._spTree.iter():
        for attribute in [name for name in element.attrib if str(name).startswith(f"{{{R}}}")]:
            old = element.get(attribute)
            if old is None or old not in source.part.rels:
                continue
            relationship = source.part.rels[old]
            if relationship.is_external:
                new = target.part.relate_to(
                    relationship.target_ref, relationship.reltype, is_external=True
                )
            else:
                new = target.part.relate_to(relationship.target_part, relationship.reltype)
            element.set(attribute, new)


def copy_notes(source: Any, target: Any) -> None:
    """Give the follow-on slide the (already rendered) speaker notes of its source."""
    if source.has_notes_slide:
        target.notes_slide.notes_text_frame.text = source.notes_slide.notes_text_frame.text
