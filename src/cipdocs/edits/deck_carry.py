"""Carry the hand edits of a saved deck into the deck cipdocs writes now (three-way).

Each change found between the snapshot and the saved deck (edits/deck_changes.py) is carried
where the content it touches is the same in the new deck as in the snapshot; otherwise the new
content wins and the change is reported with its reason. Targets are found first (elements of
the new deck), then everything is applied, so that one edit does not move another's place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from cipdocs.edits.deck_apply import (
    delete_slide,
    insert_paragraphs,
    move,
    place_slide,
    remove,
    replace_chart,
    replace_element,
    replace_paragraphs,
)
from cipdocs.edits.deck_changes import Change, moved
from cipdocs.edits.deck_copy import CannotCopy, Copier, copy_slide, renumber_shapes
from cipdocs.edits.deck_elements import A
from cipdocs.edits.deck_match import align_slides, match_shapes
from cipdocs.edits.deck_view import DeckView, ParagraphView, ShapeView

FIGURES_CHANGED = "the figures there changed"
GONE = "the slide it was on is no longer in the update"
AROUND_CHANGED = "the text around it changed"


@dataclass
class Plan:
    """What carrying will do to the new deck: one action per change carried, and the rest."""

    actions: list[tuple[Change, Callable[[], None]]] = field(default_factory=list)
    refused: list[tuple[Change, str]] = field(default_factory=list)
    touched: dict[int, tuple[Any, str]] = field(default_factory=dict)
    """Change index -> (the new deck's slide, the shape name) it changes, for the checks."""


@dataclass(frozen=True)
class Decks:
    """The three decks: the snapshot's view, the saved deck and the new one (opened and seen)."""

    pristine: DeckView
    saved: Any
    saved_view: DeckView
    fresh: Any
    fresh_view: DeckView


def plan_carrying(decks: Decks, changes: Sequence[Change], skip: set[int]) -> Plan:
    """Return the actions that carry `changes` (but those in `skip`) into the new deck."""
    plan = Plan()
    slide_pairs = align_slides(decks.pristine.slides, decks.fresh_view.slides, trust_ids=True)
    copier = Copier()
    for index, change in enumerate(changes):
        if index in skip:
            continue
        try:
            reason = plan_change(decks, change, index, slide_pairs, copier, plan)
        except CannotCopy as error:
            reason = f"it points to {error}, which cannot be carried"
        if reason:
            plan.refused.append((change, reason))
            plan.touched.pop(index, None)
    return plan


def plan_change(
    decks: Decks,
    change: Change,
    index: int,
    slide_pairs: dict[int, int],
    copier: Copier,
    plan: Plan,
) -> str:
    """Add the action that carries `change` to `plan`; return why it cannot be, else ''."""
    fresh_slides = list(decks.fresh.slides)
    saved_slides = list(decks.saved.slides)
    if change.area == "slide added":
        return plan_slide_added(decks, change, index, slide_pairs, copier, plan)
    if change.slide not in slide_pairs:
        return GONE
    slide = fresh_slides[slide_pairs[change.slide]]
    if change.area == "slide deleted":
        plan.actions.append((change, lambda: delete_slide(decks.fresh, slide)))
        return ""
    if change.area == "slide moved":
        anchor, follows = slide_anchor(decks, change.saved_slide, slide_pairs)
        plan.actions.append((change, lambda: place_slide(decks.fresh, slide, anchor, follows)))
        return ""
    saved_slide = saved_slides[change.saved_slide]
    pristine_slide = decks.pristine.slides[change.slide]
    fresh_view = decks.fresh_view.slides[slide_pairs[change.slide]]
    shape_pairs = match_shapes(pristine_slide.shapes, fresh_view.shapes, trust_ids=True)
    fresh_shapes = list(slide.shapes)
    if change.area == "notes":
        return plan_notes(decks, change, slide, saved_slide, fresh_view.notes, plan)
    if change.area == "shape added":
        return plan_shape_added(decks, change, index, slide, saved_slide, shape_pairs, copier, plan)
    if change.shape not in shape_pairs:
        return FIGURES_CHANGED
    target_view = fresh_view.shapes[shape_pairs[change.shape]]
    target = fresh_shapes[shape_pairs[change.shape]]
    before = pristine_slide.shapes[change.shape]
    saved_shape = list(saved_slide.shapes)[change.saved_shape] if change.saved_shape >= 0 else None
    plan.touched[index] = (slide, str(target.name))
    if change.area == "shape removed":
        if not same_content(before, target_view):
            return FIGURES_CHANGED
        plan.actions.append((change, lambda: remove(target.element)))
        return ""
    if change.area == "box":
        if moved(before, target_view):
            return FIGURES_CHANGED
        after = decks.saved_view.slides[change.saved_slide].shapes[change.saved_shape]
        plan.actions.append((change, lambda: move(target, saved_shape, before, after)))
        return ""
    if change.area == "text":
        return plan_text(change, before, target_view, target, saved_shape, plan)
    if change.area == "cell":
        return plan_cell(change, before, target_view, target, saved_shape, plan)
    if change.area in ("chart", "group"):
        if before.content != target_view.content:
            return FIGURES_CHANGED
        source = saved_shape
        if source is None:
            return FIGURES_CHANGED
        if change.area == "chart":
            plan.actions.append((change, lambda: replace_chart(target, source)))
        else:
            duplicate = copier.element(source.element, saved_slide.part, slide.part)
            plan.actions.append((change, lambda: replace_element(target.element, duplicate)))
        return ""
    return "rows or columns added to a table made from the workbook are not carried"


def plan_slide_added(
    decks: Decks,
    change: Change,
    index: int,
    slide_pairs: dict[int, int],
    copier: Copier,
    plan: Plan,
) -> str:
    """Plan a slide added by hand: after the slide it followed, else before the one after it."""
    anchor, after = slide_anchor(decks, change.saved_slide, slide_pairs)
    source = list(decks.saved.slides)[change.saved_slide]

    def add() -> None:
        slide = copy_slide(copier, source, decks.fresh)
        place_slide(decks.fresh, slide, anchor, after)
        plan.touched[index] = (slide, "")

    plan.actions.append((change, add))
    return ""


def slide_anchor(decks: Decks, j: int, slide_pairs: dict[int, int]) -> tuple[Any, bool]:
    """Return the new deck's slide that saved slide `j` goes next to, and whether after it:
    the slide it followed in the saved deck, else the one it preceded (None: first)."""
    trust = decks.saved_view.keeps_ids
    in_order = align_slides(decks.pristine.slides, decks.saved_view.slides, trust_ids=trust)
    saved_pairs = {saved: i for i, saved in in_order.items()}
    fresh_slides = list(decks.fresh.slides)
    for earlier in range(j - 1, -1, -1):
        i = saved_pairs.get(earlier)
        if i is not None and i in slide_pairs:
            return fresh_slides[slide_pairs[i]], True
    for later in range(j + 1, len(decks.saved_view.slides)):
        i = saved_pairs.get(later)
        if i is not None and i in slide_pairs:
            return fresh_slides[slide_pairs[i]], False
    return None, True


def plan_shape_added(
    decks: Decks,
    change: Change,
    index: int,
    slide: Any,
    saved_slide: Any,
    shape_pairs: dict[int, int],
    copier: Copier,
    plan: Plan,
) -> str:
    """Plan a shape added by hand: above the shape it was above in the saved deck."""
    saved_shapes = list(saved_slide.shapes)
    source = saved_shapes[change.saved_shape]
    duplicate = copier.element(source.element, saved_slide.part, slide.part)
    saved_view = decks.saved_view.slides[change.saved_slide]
    pristine_view = decks.pristine.slides[change.slide]
    below = match_shapes(
        pristine_view.shapes, saved_view.shapes, trust_ids=decks.saved_view.keeps_ids
    )
    below = {k: h for h, k in below.items()}
    fresh_shapes = list(slide.shapes)
    anchor = None
    for k in range(change.saved_shape - 1, -1, -1):
        h = below.get(k)
        if h is not None and h in shape_pairs:
            anchor = fresh_shapes[shape_pairs[h]].element
            break
    tree = slide.shapes._spTree

    def add() -> None:
        renumber_shapes([duplicate], tree)
        if anchor is not None and anchor.getparent() is tree:
            anchor.addnext(duplicate)
        else:
            tree.append(duplicate)

    plan.actions.append((change, add))
    plan.touched[index] = (slide, str(source.name))
    return ""


def plan_text(
    change: Change,
    before: ShapeView,
    target_view: ShapeView,
    target: Any,
    saved_shape: Any,
    plan: Plan,
) -> str:
    """Plan reworded, reformatted, added or removed paragraphs of one shape."""
    if saved_shape is None or not target.has_text_frame:
        return FIGURES_CHANGED
    fresh_paragraphs = target.text_frame._txBody.findall(f"{{{A}}}p")
    saved_paragraphs = saved_shape.text_frame._txBody.findall(f"{{{A}}}p")
    return plan_paragraphs(
        change, before.paragraphs, target_view.paragraphs, fresh_paragraphs, saved_paragraphs, plan
    )


def plan_notes(
    decks: Decks, change: Change, slide: Any, saved_slide: Any, notes: Sequence[str], plan: Plan
) -> str:
    """Plan speaker notes edited, added or removed, paragraph by paragraph."""
    pristine = decks.pristine.slides[change.slide].notes
    saved_frame = saved_slide.notes_slide.notes_text_frame if saved_slide.has_notes_slide else None
    saved_paragraphs = saved_frame._txBody.findall(f"{{{A}}}p") if saved_frame else []
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        return "the new slide has no place for speaker notes"
    return plan_paragraphs(
        change,
        [ParagraphView(text, "") for text in pristine],
        [ParagraphView(text, "") for text in notes],
        frame._txBody.findall(f"{{{A}}}p"),
        saved_paragraphs,
        plan,
    )


def plan_paragraphs(
    change: Change,
    pristine: Sequence[ParagraphView],
    fresh: Sequence[ParagraphView],
    fresh_paragraphs: list[Any],
    saved_paragraphs: list[Any],
    plan: Plan,
) -> str:
    """Plan replacing the snapshot's paragraphs `change.before` with the saved `change.after`,
    where the new deck holds the snapshot's paragraphs unchanged."""
    mapping, counterparts = paragraph_mapping(pristine, fresh)
    b1, b2 = change.before
    a1, a2 = change.after
    replacement = [copy.deepcopy(p) for p in saved_paragraphs[a1:a2]]
    if b1 < b2:
        targets = [mapping.get(n) for n in range(b1, b2)]
        if None in targets or targets != list(range(targets[0] or 0, (targets[0] or 0) + b2 - b1)):
            return FIGURES_CHANGED
        elements = [fresh_paragraphs[n] for n in targets if n is not None]
        plan.actions.append((change, lambda: replace_paragraphs(elements, replacement)))
        return ""
    # An added paragraph stays after the one it followed, even when that one's figures changed.
    if b1 - 1 in counterparts:
        anchor, after = fresh_paragraphs[counterparts[b1 - 1]], True
    elif b1 in counterparts:
        anchor, after = fresh_paragraphs[counterparts[b1]], False
    elif not pristine and not any(p.text for p in fresh):
        anchor, after = fresh_paragraphs[-1], True
    else:
        return AROUND_CHANGED
    plan.actions.append((change, lambda: insert_paragraphs(anchor, after, replacement)))
    return ""


def paragraph_mapping(
    pristine: Sequence[ParagraphView], fresh: Sequence[ParagraphView]
) -> tuple[dict[int, int], dict[int, int]]:
    """Return snapshot paragraph index -> new paragraph index for the paragraphs alike in both,
    and for those in the same place whatever their content (a sentence whose figures moved)."""
    matcher = SequenceMatcher(None, list(pristine), list(fresh), autojunk=False)
    alike: dict[int, int] = {}
    counterparts: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for n in range(min(i2 - i1, j2 - j1)):
                counterparts[i1 + n] = j1 + n
                if tag == "equal":
                    alike[i1 + n] = j1 + n
    return alike, counterparts


def plan_cell(
    change: Change,
    before: ShapeView,
    target_view: ShapeView,
    target: Any,
    saved_shape: Any,
    plan: Plan,
) -> str:
    """Plan a table cell edited by hand, where the new cell and its row's label are unchanged."""
    row, column = change.before
    cells = target_view.cells
    if (
        saved_shape is None
        or row >= len(cells)
        or column >= len(cells[row])
        or cells[row][column] != before.cells[row][column]
        or cells[row][0] != before.cells[row][0]
    ):
        return FIGURES_CHANGED
    source = saved_shape.table.cell(row, column).text_frame._txBody
    body = target.table.cell(row, column).text_frame._txBody
    replacement = [copy.deepcopy(p) for p in source.findall(f"{{{A}}}p")]
    plan.actions.append(
        (change, lambda: replace_paragraphs(body.findall(f"{{{A}}}p"), replacement))
    )
    return ""


def same_content(first: ShapeView, second: ShapeView) -> bool:
    """Return True when two shapes show the same text, cells and chart or group content."""
    return (first.paragraphs, first.cells, first.content) == (
        second.paragraphs,
        second.cells,
        second.content,
    )
