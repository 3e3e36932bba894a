"""Tests for verify/model.py: the deck read once, with each shape's effective box, what it
inherits, and nothing in the deck changed by reading it."""

from __future__ import annotations

import pptx
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Cm

from cipdocs.verify.layoutcheck import check_layout
from cipdocs.verify.model import Box, read_deck
from tests.conftest import DECK_TEMPLATE

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def test_a_placeholder_takes_each_of_position_and_size_from_the_nearest_that_sets_it() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    layout_body = next(
        shape for shape in deck.slide_layouts[1].placeholders if shape.placeholder_format.idx == 1
    )
    master_body = next(
        shape for shape in deck.slide_master.placeholders if shape.placeholder_format.idx == 1
    )
    # The layout's body sets no position of its own: it takes the master's.
    layout_body.element.find(f"{P}spPr").clear()
    master_body.left, master_body.top = Cm(1), Cm(2)
    master_body.width, master_body.height = Cm(10), Cm(5)

    body = next(shape for shape in read_deck(deck).slides[0].shapes if shape.placeholder == "obj")

    assert body.box == Box(Cm(1), Cm(2), Cm(11), Cm(7))
    assert [etree.QName(element).localname for element in body.inherited] == ["sp", "sp"]
    assert body.box == Box(
        slide.placeholders[1].left,
        slide.placeholders[1].top,
        slide.placeholders[1].left + slide.placeholders[1].width,
        slide.placeholders[1].top + slide.placeholders[1].height,
    )


def test_every_shape_of_the_shipped_template_has_python_pptx_s_box_and_name() -> None:
    presentation = pptx.Presentation(str(DECK_TEMPLATE))

    for slide, model in zip(presentation.slides, read_deck(presentation).slides, strict=True):
        for shape, read in zip(slide.shapes, model.shapes, strict=True):
            assert read.name == shape.name
            assert read.is_placeholder == shape.is_placeholder
            assert read.has_table == getattr(shape, "has_table", False)
            assert read.box == Box(
                int(shape.left or 0),
                int(shape.top or 0),
                int(shape.left or 0) + int(shape.width or 0),
                int(shape.top or 0) + int(shape.height or 0),
            )


def test_checking_a_deck_does_not_change_it() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Cm(1), Cm(1), Cm(2), Cm(2))
    slide.shapes[0].element.remove(slide.shapes[0].element.find(f"{P}txBody"))
    before = etree.tostring(slide.element)

    check_layout(deck, set())

    # python-pptx's text_frame adds an empty text body to a shape without one; reading does not.
    assert etree.tostring(slide.element) == before


def test_a_placeholder_of_a_type_python_pptx_cannot_map_to_the_master_is_read() -> None:
    # python-pptx raises KeyError looking up the master placeholder of a header placeholder.
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.placeholders[1].text_frame.text = "Upright"
    for owner in (slide, deck.slide_layouts[1]):
        owner.placeholders[1].element.find(f"./*/{P}nvPr/{P}ph").set("type", "hdr")

    read = read_deck(deck).slides[0]

    assert [shape.placeholder for shape in read.shapes] == ["title", "hdr"]
    assert check_layout(deck, set()) == []
