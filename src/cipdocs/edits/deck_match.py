"""Tell which slide and shape of one deck is which of another: ids first, content second.

Never by position alone. Slides are aligned in order (a person adds, deletes and moves few
slides) by how much they share: their shapes' names, their text, their layout, and their id when
the saving program keeps ids (PowerPoint does, LibreOffice renumbers them). Shapes are matched
by id and name, then name, then placeholder type, then text; what is left is added or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cipdocs.edits.deck_view import ShapeView, SlideView

SLIDE_THRESHOLD = 0.35
"""Below this, two slides are not the same slide."""
TEXT_THRESHOLD = 0.6
MOVE_THRESHOLD = 0.6
"""A slide out of order is the same slide, moved, only when this alike (or more)."""


def align_slides(
    before: Sequence[SlideView], after: Sequence[SlideView], *, trust_ids: bool
) -> dict[int, int]:
    """Return `before` slide index -> `after` slide index for the slides that are the same, in
    order (a weighted longest common subsequence)."""
    scores = [[slide_likeness(b, a, trust_ids) for a in after] for b in before]
    rows, columns = len(before), len(after)
    best = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns - 1, -1, -1):
            take = best[i + 1][j + 1] + scores[i][j] if scores[i][j] >= SLIDE_THRESHOLD else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs: dict[int, int] = {}
    i = j = 0
    while i < rows and j < columns:
        score = scores[i][j]
        if score >= SLIDE_THRESHOLD and best[i][j] == best[i + 1][j + 1] + score:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def pair_moved(
    before: Sequence[SlideView],
    after: Sequence[SlideView],
    pairs: dict[int, int],
    *,
    trust_ids: bool,
) -> dict[int, int]:
    """Return `before` index -> `after` index for slides the in-order alignment left out that
    are the same slide in another place (moved), most alike first."""
    taken = set(pairs.values())
    candidates = sorted(
        (
            (slide_likeness(first, second, trust_ids), i, j)
            for i, first in enumerate(before)
            if i not in pairs
            for j, second in enumerate(after)
            if j not in taken
        ),
        reverse=True,
    )
    moved: dict[int, int] = {}
    for likeness, i, j in candidates:
        if likeness >= MOVE_THRESHOLD and i not in moved and j not in moved.values():
            moved[i] = j
    return moved


def slide_likeness(first: SlideView, second: SlideView, trust_ids: bool) -> float:
    """Return how alike two slides are, from 0 to about 1.5."""
    names = jaccard(shape_keys(first), shape_keys(second))
    texts = jaccard(slide_texts(first), slide_texts(second))
    score = 0.35 * names + 0.45 * texts + 0.2 * (first.layout == second.layout)
    if first.title and first.title == second.title:
        score += 0.2
    if trust_ids and first.id == second.id:
        score += 0.5
    return score


def shape_keys(slide: SlideView) -> set[str]:
    """Return what names a slide's shapes: placeholders by type, others by name."""
    return {f"ph:{s.placeholder}" if s.placeholder else f"{s.kind}:{s.name}" for s in slide.shapes}


def slide_texts(slide: SlideView) -> set[str]:
    """Return the non-empty paragraphs and cells of a slide."""
    found = {p.text for s in slide.shapes for p in s.paragraphs if p.text.strip()}
    found |= {cell for s in slide.shapes for row in s.cells for cell in row if cell.strip()}
    return found


def jaccard(first: set[str], second: set[str]) -> float:
    """Return the share of `first` and `second` that both hold (1 when both are empty)."""
    union = first | second
    return len(first & second) / len(union) if union else 1.0


def match_shapes(
    before: Sequence[ShapeView], after: Sequence[ShapeView], *, trust_ids: bool
) -> dict[int, int]:
    """Return `before` shape index -> `after` shape index for the shapes that are the same."""
    pairs: dict[int, int] = {}
    rules: list[Callable[[ShapeView, ShapeView], bool]] = [
        lambda b, a: trust_ids and b.id == a.id and b.name == a.name,
        lambda b, a: bool(b.name) and b.name == a.name,
        lambda b, a: bool(b.placeholder) and b.placeholder == a.placeholder,
        lambda b, a: trust_ids and b.id == a.id,
    ]
    for rule in rules:
        for i, shape in enumerate(before):
            if i in pairs:
                continue
            # By name or placeholder, a shape may change kind (LibreOffice turns a filled picture
            # placeholder into a picture); by id or text alone it may not.
            free = [
                j
                for j, other in enumerate(after)
                if j not in pairs.values()
                and (other.kind == shape.kind or rule in rules[1:3])
                and rule(shape, other)
            ]
            if free:
                pairs[i] = free[0]
    for i, shape in enumerate(before):
        if i in pairs or not shape.paragraphs:
            continue
        candidates = [
            (text_likeness(shape, other), j)
            for j, other in enumerate(after)
            if j not in pairs.values() and other.kind == shape.kind
        ]
        likeness, best = max(candidates, default=(0.0, -1))
        if likeness >= TEXT_THRESHOLD:
            pairs[i] = best
    return pairs


def text_likeness(first: ShapeView, second: ShapeView) -> float:
    """Return the share of paragraphs two shapes both hold."""
    return jaccard({p.text for p in first.paragraphs}, {p.text for p in second.paragraphs})
