"""Whole slides copied and removed, with what they relate to."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pptx
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls
from pptx.util import Inches

from cipdocs.pptx_template.copies import P14, LibraryNames, delete_slide, duplicate_slide
from cipdocs.verify.selfcheck import check_office_file
from tests.pptx_template.conftest import add_chart, add_slide, new_deck, titles

# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_copy_shares_pictures_and_links_and_owns_its_chart_and_notes(tmp_path: Path) -> None:
    deck = new_deck()
    slide = add_slide(deck, "Original", ["see the site"], notes=["Original notes"])
    slide.shapes[1].text_frame.paragraphs[0].runs[0].hyperlink.address = "https://example.org"
    slide.shapes.add_picture(io.BytesIO(PIXEL), Inches(8), Inches(5))
    add_chart(slide, "Chart: fixed")
    add_slide(deck, "After")
    copied = duplicate_slide(deck, slide)
    copied.shapes.title.text_frame.text = "Copy"
    copied.notes_slide.notes_text_frame.text = "Copy notes"
    path = tmp_path / "copied.pptx"
    deck.save(str(path))
    assert check_office_file(path) == []
    reopened = pptx.Presentation(str(path))
    assert titles(reopened) == ["Original", "Copy", "After"]
    first, second = reopened.slides[0], reopened.slides[1]
    assert [s.notes_slide.notes_text_frame.text for s in (first, second)] == [
        "Original notes",
        "Copy notes",
    ]
    pictures = [next(s for s in slide.shapes if s.shape_type == 13) for slide in (first, second)]
    assert pictures[0].image.blob == pictures[1].image.blob == PIXEL
    links = [
        slide.shapes[1].text_frame.paragraphs[0].runs[0].hyperlink.address
        for slide in (first, second)
    ]
    assert links == ["https://example.org"] * 2
    charts = [next(s for s in slide.shapes if s.has_chart).chart for slide in (first, second)]
    assert charts[0].part.partname != charts[1].part.partname
    assert list(charts[1].plots[0].categories) == ["A", "B"]


def test_a_deleted_slide_and_its_parts_are_gone(tmp_path: Path) -> None:
    deck = new_deck()
    add_slide(deck, "Kept")
    gone = add_slide(deck, "Gone", notes=["x"])
    add_chart(gone, "Chart: fixed")
    delete_slide(deck, gone)
    path = tmp_path / "deleted.pptx"
    deck.save(str(path))
    assert check_office_file(path) == []
    reopened = pptx.Presentation(str(path))
    assert titles(reopened) == ["Kept"]
    assert not any("chart" in str(part.partname) for part in reopened.part.package.iter_parts())


def test_sections_follow_copies_and_removals() -> None:
    deck = new_deck()
    first, second, third = (add_slide(deck, title) for title in ("One", "Two", "Three"))
    ids = add_sections(deck)
    copied = duplicate_slide(deck, second)
    delete_slide(deck, first)
    new_id = deck.slides._sldIdLst[1].get("id")
    assert sections_of(deck) == [[ids[1], new_id], [ids[2]]]
    assert titles(deck) == ["Two", "Two", "Three"] and copied is not None and third is not None


def test_library_names_are_those_python_pptx_gives() -> None:
    deck = new_deck()
    for number in range(3):
        add_slide(deck, f"Slide {number}", notes=[f"Notes {number}"])
    # Gaps: notesSlide2, 3 and 5. python-pptx counts down from one more than the names of the
    # kind, so it gives 4, then 1; the first free number would be 1, then 4.
    deck.slides[0].notes_slide.part.partname = PackURI("/ppt/notesSlides/notesSlide5.xml")
    package = deck.part.package
    names = LibraryNames(package)
    template = "/ppt/notesSlides/notesSlide%d.xml"
    for expected in ("/ppt/notesSlides/notesSlide4.xml", "/ppt/notesSlides/notesSlide1.xml"):
        assert names.take(template) == package.next_partname(template) == expected
        add_slide(deck, "More", notes=["More notes"])  # python-pptx takes the name itself
        assert deck.slides[-1].notes_slide.part.partname == expected


def add_sections(deck: Any) -> list[str]:
    """Put the deck's first two slides in section A, the third in section B; return the ids."""
    ids = [entry.get("id") for entry in deck.slides._sldIdLst]
    deck.part._element.append(
        parse_xml(
            f'<p:extLst {nsdecls("p")}><p:ext uri="{{521415D9-36F7-43E2-AB2F-B90AF26B5E84}}">'
            f'<p14:sectionLst xmlns:p14="{P14}">'
            f'<p14:section name="A" id="{{00000000-0000-0000-0000-000000000001}}"><p14:sldIdLst>'
            f'<p14:sldId id="{ids[0]}"/><p14:sldId id="{ids[1]}"/></p14:sldIdLst></p14:section>'
            f'<p14:section name="B" id="{{00000000-0000-0000-0000-000000000002}}"><p14:sldIdLst>'
            f'<p14:sldId id="{ids[2]}"/></p14:sldIdLst></p14:section>'
            "</p14:sectionLst></p:ext></p:extLst>"
        )
    )
    return ids


def sections_of(deck: Any) -> list[list[str]]:
    """Return the slide ids each section lists, section by section."""
    sections = deck.part._element.iter(f"{{{P14}}}section")
    return [[entry.get("id") for entry in section.iter(f"{{{P14}}}sldId")] for section in sections]


def test_a_copy_of_a_copy_goes_where_it_is_asked_to(tmp_path: Path) -> None:
    deck = new_deck()
    first, _, _ = (add_slide(deck, title, notes=[title]) for title in ("One", "Two", "Three"))
    ids = add_sections(deck)
    copy = duplicate_slide(deck, first)
    copy.shapes.title.text_frame.text = "Copy"
    again = duplicate_slide(deck, copy, after=first)  # right after the first, before `copy`

    assert titles(deck) == ["One", "Copy", "Copy", "Two", "Three"]
    assert deck.slides[1].part is again.part
    order = [entry.get("id") for entry in deck.slides._sldIdLst]
    assert sections_of(deck) == [[ids[0], *order[1:3], ids[1]], [ids[2]]]
    assert again.notes_slide.notes_text_frame.text == "One"
    assert again.notes_slide.part is not copy.notes_slide.part
    path = tmp_path / "copies.pptx"
    deck.save(str(path))
    assert check_office_file(path) == []
