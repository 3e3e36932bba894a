"""Shape ids a template repeats on one slide (WPS, pptx4j) made unique, the first kept."""

from __future__ import annotations

from typing import Any

from cipdocs.pptx_template.shape_ids import repair_shape_ids
from cipdocs.pptx_template.text import NAMESPACES
from tests.pptx_template.conftest import add_slide, new_deck


def ids(slide: Any) -> list[str]:
    """Return the id of every shape of `slide`, the shape tree's own first, in document order."""
    return [str(found.get("id")) for found in slide._element.iterfind(".//p:cNvPr", NAMESPACES)]


def set_id(shape: Any, value: str) -> None:
    shape._element.find("./*/p:cNvPr", NAMESPACES).set("id", value)


def test_a_repeated_id_is_renumbered_and_the_first_shape_keeps_its_own() -> None:
    deck = new_deck()
    slide = add_slide(deck, "Title", ["one"], ["two"])
    title, first, second = slide.shapes
    group = slide.shapes.add_group_shape()
    inner = group.shapes.add_textbox(0, 0, 100, 100)
    for shape in (first, second, inner):
        set_id(shape, str(title.shape_id))  # as WPS writes them
    before = ids(slide)
    assert len(set(before)) < len(before)

    assert repair_shape_ids(deck) == 3

    after = ids(slide)
    assert len(set(after)) == len(after)
    assert title.shape_id == int(before[1])
    top = max(int(value) for value in set(before))
    assert sorted(int(value) for value in after if value not in before) == [
        top + 1,
        top + 2,
        top + 3,
    ]


def test_an_id_that_is_not_a_number_gets_a_number() -> None:
    deck = new_deck()
    slide = add_slide(deck, "Title", ["one"])
    set_id(slide.shapes[1], "box")

    assert repair_shape_ids(deck) == 1
    assert all(value.isdigit() for value in ids(slide))


def test_a_deck_without_repeated_ids_is_left_as_it_is() -> None:
    deck = new_deck()
    slide = add_slide(deck, "Title", ["one"], ["two"])
    before = ids(slide)

    assert repair_shape_ids(deck) == 0
    assert ids(slide) == before
