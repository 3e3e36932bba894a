"""The hand edits of a deck: what the person's saved deck shows that cipdocs' snapshot does not.

Pure: two deck views in (edits/deck_view.py), a list of changes out, each an `Edit` a reader
understands plus where it sits in both decks, so that edits/deck_carry.py can carry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from cipdocs.edits.deck_match import align_slides, match_shapes, pair_moved
from cipdocs.edits.deck_view import DeckView, ParagraphView, ShapeView, SlideView
from cipdocs.edits.model import Edit, EditKind

BOX_TOLERANCE = 12700
"""1 pt: LibreOffice rounds every position and size to 1/100 mm (360 EMU)."""


@dataclass(frozen=True)
class Change:
    """One hand edit and where it sits: in the snapshot (`slide`, `shape`, `before`) and in the
    saved deck (`saved_slide`, `saved_shape`, `after`); -1 where it has no place."""

    edit: Edit
    area: str
    """``slide added``, ``slide deleted``, ``shape added``, ``shape removed``, ``box``, ``text``,
    ``notes``, ``cell``, ``chart`` or ``group``."""
    slide: int = -1
    saved_slide: int = -1
    shape: int = -1
    saved_shape: int = -1
    before: tuple[int, int] = (0, 0)
    """The paragraphs (or cell row and column) of the snapshot the edit replaces."""
    after: tuple[int, int] = (0, 0)
    """The paragraphs of the saved deck that replace them."""


def find_changes(pristine: DeckView, saved: DeckView) -> list[Change]:
    """Return every hand edit of `saved` relative to `pristine`, in the saved deck's order."""
    pairs = align_slides(pristine.slides, saved.slides, trust_ids=saved.keeps_ids)
    moved = pair_moved(pristine.slides, saved.slides, pairs, trust_ids=saved.keeps_ids)
    saved_to_pristine = {j: i for i, j in (pairs | moved).items()}
    changes: list[Change] = []
    for j, slide in enumerate(saved.slides):
        place = f"slide {j + 1}"
        if j not in saved_to_pristine:
            edit = Edit(EditKind.SLIDE_ADDED, place, slide.title or "(no title)")
            changes.append(Change(edit, "slide added", saved_slide=j))
            continue
        i = saved_to_pristine[j]
        if i in moved:
            edit = Edit(EditKind.SLIDE_MOVED, place, slide.title or "(no title)")
            changes.append(Change(edit, "slide moved", slide=i, saved_slide=j))
        changes += slide_changes(pristine.slides[i], slide, i, j, trust_ids=saved.keeps_ids)
    for i, slide in enumerate(pristine.slides):
        if i not in pairs and i not in moved:
            place = f"slide {i + 1} of the deck cipdocs wrote"
            edit = Edit(EditKind.SLIDE_REMOVED, place, slide.title or "(no title)")
            changes.append(Change(edit, "slide deleted", slide=i))
    return changes


def slide_changes(
    before: SlideView, after: SlideView, i: int, j: int, *, trust_ids: bool
) -> list[Change]:
    """Return the edits made on one slide: shapes, their text and boxes, the speaker notes."""
    pairs = match_shapes(before.shapes, after.shapes, trust_ids=trust_ids)
    after_to_before = {b: a for a, b in pairs.items()}
    found: list[Change] = []
    for k, shape in enumerate(after.shapes):
        place = f"slide {j + 1}, {shape.label!r}"
        if k not in after_to_before:
            content = " ".join(p.text for p in shape.paragraphs).strip() or shape.label
            edit = Edit(EditKind.SHAPE_ADDED, place, content)
            found.append(Change(edit, "shape added", i, j, saved_shape=k))
            continue
        h = after_to_before[k]
        found += shape_changes(before.shapes[h], shape, place, (i, j, h, k), trust_ids=trust_ids)
    for h, shape in enumerate(before.shapes):
        if h not in pairs:
            edit = Edit(EditKind.SHAPE_REMOVED, f"slide {j + 1}, {shape.label!r}", shape.label)
            found.append(Change(edit, "shape removed", i, j, shape=h))
    where = (i, j, -1, -1)
    found += paragraph_changes(
        [ParagraphView(text, "") for text in before.notes],
        [ParagraphView(text, "") for text in after.notes],
        f"slide {j + 1}, speaker notes",
        where,
        notes=True,
    )
    return found


def shape_changes(
    before: ShapeView,
    after: ShapeView,
    place: str,
    where: tuple[int, int, int, int],
    *,
    trust_ids: bool = True,
) -> list[Change]:
    """Return the edits made to one shape: moved or resized, its text, cells, chart or group."""
    i, j, h, k = where
    found: list[Change] = []
    if moved(before, after):
        edit = Edit(EditKind.SHAPE_MOVED, place, after.label)
        found.append(Change(edit, "box", i, j, h, k))
    saved = list(after.paragraphs)
    if not trust_ids:
        saved = [spelled_out_as(before.paragraphs, paragraph) for paragraph in saved]
    found += paragraph_changes(list(before.paragraphs), saved, place, where)
    if before.cells and after.cells:
        if [len(row) for row in before.cells] != [len(row) for row in after.cells]:
            edit = Edit(EditKind.CELL_CHANGED, place, "rows or columns added or removed")
            found.append(Change(edit, "table", i, j, h, k))
        else:
            for r, (old, new) in enumerate(zip(before.cells, after.cells, strict=True)):
                for c, (was, now) in enumerate(zip(old, new, strict=True)):
                    if was != now:
                        cell_place = f"{place}, row {r + 1}, column {c + 1}"
                        edit = Edit(EditKind.CELL_CHANGED, cell_place, now)
                        found.append(Change(edit, "cell", i, j, h, k, before=(r, c)))
    if before.content != after.content:
        kind = EditKind.CHART_CHANGED if after.kind == "chart" else EditKind.TEXT_CHANGED
        found.append(Change(Edit(kind, place, after.label), after.kind, i, j, h, k))
    return found


SIZE_TOLERANCE = 50
"""Half a point: LibreOffice writes a shrunk-to-fit size rounded (13.23 pt as 13.2)."""


def spelled_out_as(pristine: Sequence[ParagraphView], paragraph: ParagraphView) -> ParagraphView:
    """Return a paragraph of a deck LibreOffice saved with the formatting it spelled out put
    back as the snapshot has it, where the two agree within what LibreOffice changes: colours
    the snapshot inherited (LibreOffice resolves them its own way) and sizes within half a point.
    """
    for original in pristine:
        if original.text != paragraph.text or original == paragraph:
            continue
        ours, theirs = original.style.split(";"), paragraph.style.split(";")
        if len(ours) != len(theirs):
            continue
        merged = [agreed(mine, other) for mine, other in zip(ours, theirs, strict=True)]
        if all(merged):
            return ParagraphView(paragraph.text, ";".join(str(m) for m in merged))
    return paragraph


def agreed(mine: str, other: str) -> str:
    """Return `mine` when the stretch `other` says the same but for LibreOffice's way of
    spelling it out, else ''."""
    mine_length, _, mine_style = mine.partition(":")
    other_length, _, other_style = other.partition(":")
    flags, size, colour = [*mine_style.split(","), "", "", ""][:3]
    other_flags, other_size, other_colour = [*other_style.split(","), "", "", ""][:3]
    if mine_length != other_length or flags != other_flags:
        return ""
    if (
        not (size.isdigit() and other_size.isdigit())
        or abs(int(size) - int(other_size)) > SIZE_TOLERANCE
    ):
        return ""
    if colour != other_colour and not colour.startswith("~"):
        return ""
    return mine


def moved(before: ShapeView, after: ShapeView) -> bool:
    """Return True when a shape was moved or resized (its height, when it follows the text,
    left out)."""
    if before.grows or after.grows:
        # The height follows the text; other programs set it (and, for text that does not
        # wrap, the width around the same centre) anew.
        (x, y, w, _), (x2, y2, w2, _) = before.box, after.box
        places = (
            [(y, y2), (2 * x + w, 2 * x2 + w2)] if before.unwrapped else [(x, x2), (y, y2), (w, w2)]
        )
        return any(abs(old - new) > BOX_TOLERANCE for old, new in places)
    return any(
        abs(old - new) > BOX_TOLERANCE for old, new in zip(before.box, after.box, strict=True)
    )


def paragraph_changes(
    before: Sequence[ParagraphView],
    after: Sequence[ParagraphView],
    place: str,
    where: tuple[int, int, int, int],
    *,
    notes: bool = False,
) -> list[Change]:
    """Return the paragraphs reworded, reformatted, added or removed, block by block."""
    i, j, h, k = where
    area = "notes" if notes else "text"
    found: list[Change] = []
    matcher = SequenceMatcher(None, list(before), list(after), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            blocks = [(i1 + n, i1 + n + 1, j1 + n, j1 + n + 1) for n in range(i2 - i1)]
        else:
            blocks = [(i1, i2, j1, j2)]
        for b1, b2, a1, a2 in blocks:
            if not any(p.text.strip() for p in [*before[b1:b2], *after[a1:a2]]):
                continue  # empty paragraphs added or removed show nothing
            kind = paragraph_kind(before[b1:b2], after[a1:a2], notes)
            shown = after[a1:a2] or before[b1:b2]
            content = "\n".join(p.text for p in shown)
            edit = Edit(kind, place, content)
            found.append(Change(edit, area, i, j, h, k, (b1, b2), (a1, a2)))
    return found


def paragraph_kind(
    before: Sequence[ParagraphView], after: Sequence[ParagraphView], notes: bool
) -> EditKind:
    """Return what happened to a block of paragraphs."""
    if notes:
        return EditKind.NOTES_CHANGED
    if not before:
        return EditKind.PARAGRAPH_ADDED
    if not after:
        return EditKind.PARAGRAPH_REMOVED
    if [p.text for p in before] == [p.text for p in after]:
        return EditKind.FORMAT_CHANGED
    return EditKind.TEXT_CHANGED
