"""Tests for office/pdfua.py and alt_texts.py: LibreOffice's tagged PDF repaired into PDF/UA-1."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pptx
from pikepdf import Array, Dictionary, Name

from cipdocs.office.alt_texts import read_alt_texts
from cipdocs.office.pdfua import make_accessible, not_accessible_warning, repair_pdf
from cipdocs.render.docx import render_update
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE

CONTENT = (
    b"0 0 m 100 0 l S\n"  # a decoration LibreOffice left untagged
    b"/P <</MCID 0>> BDC BT /F1 12 Tf 10 10 Td (Hello) Tj ET EMC\n"
    b"/Figure <</MCID 1>> BDC 0 0 50 50 re f EMC\n"
    b"EMC\n"  # one end too many, as LibreOffice writes around autoshapes
)


def tagged_pdf(path: Path) -> Path:
    """Write a one-page tagged PDF with what LibreOffice 7.4 gets wrong, as a reader sees it."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(CONTENT)
    page.obj.StructParents = 0
    page.obj.Tabs = pikepdf.String("S")
    link = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([0, 0, 10, 10]),
            A=Dictionary(S=Name.URI, URI=pikepdf.String("https://www.icann.org")),
        )
    )
    page.obj.Annots = Array([link])
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    paragraph = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.P, P=root, Pg=page.obj, K=0)
    )
    figure = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Figure, P=root, Pg=page.obj, K=1)
    )
    root.K = Array([paragraph, figure])
    root.ParentTree = Dictionary(Nums=Array([0, Array([paragraph, figure])]))
    root.ParentTreeNextKey = 1
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.save(path)
    return path


def with_shadow_form(path: Path) -> Path:
    """Add what LibreOffice writes for a shape's shadow: a form that begins a tagged sequence
    the page ends, drawn outside any tag; and a form that shows text."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        shadow = pdf.make_stream(b"/Figure <</MCID 2>> BDC 0 0 5 5 re f\n")
        shadow.Type, shadow.Subtype, shadow.BBox = Name.XObject, Name.Form, Array([0, 0, 5, 5])
        words = pdf.make_stream(b"/P <</MCID 3>> BDC BT (Hi) Tj ET\n")
        words.Type, words.Subtype, words.BBox = Name.XObject, Name.Form, Array([0, 0, 5, 5])
        page.obj.Resources = Dictionary(XObject=Dictionary(Sh1=shadow, Tx1=words))
        page.Contents = pdf.make_stream(CONTENT + b"q /Sh1 Do Q EMC q /Tx1 Do Q EMC\n")
        pdf.save(path)
    return path


def operators(page: Any) -> list[str]:
    """Return the page's content as `operator` or `/Tag operator` words, in order."""
    words = []
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        tag = f"{instruction.operands[0]} " if operator in ("BDC", "BMC") else ""
        words.append(tag + operator)
    return words


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """Return each top-level structure element's type and alt text."""
    return [(str(kid.S), str(kid.get("/Alt", ""))) for kid in pdf.Root.StructTreeRoot.K]


def test_untagged_content_becomes_an_artifact_and_ends_balance(tmp_path: Path) -> None:
    repaired = repair_pdf(tagged_pdf(tmp_path / "in.pdf").read_bytes(), (("A chart",),))
    with pikepdf.open(io.BytesIO(repaired)) as pdf:
        words = operators(pdf.pages[0])
    assert words[:5] == ["/Artifact BMC", "m", "l", "S", "EMC"]
    assert words.count("EMC") == sum(word.endswith(("BDC", "BMC")) for word in words)


def test_a_shadow_form_becomes_an_artifact_and_a_text_form_stays_tagged(tmp_path: Path) -> None:
    source = with_shadow_form(tagged_pdf(tmp_path / "in.pdf"))
    repaired = repair_pdf(source.read_bytes(), (("A chart",),))
    with pikepdf.open(io.BytesIO(repaired)) as pdf:
        forms = pdf.pages[0].obj.Resources.XObject
        assert operators(forms.Sh1) == ["/Artifact BMC", "re", "f", "EMC"]
        assert operators(forms.Tx1) == ["/P BDC", "BT", "Tj", "ET", "EMC"]
        words = operators(pdf.pages[0])
        # The page's stray ends are gone, and neither form is drawn inside an artifact.
        assert words[-6:] == ["q", "Do", "Q", "q", "Do", "Q"]
        assert words.count("EMC") == sum(word.endswith(("BDC", "BMC")) for word in words)
        # The alt text went to the Figure drawn on the page, not into the shadow.
        assert structure(pdf)[1] == ("/Figure", "A chart")


def test_a_figure_gets_the_documents_alt_text(tmp_path: Path) -> None:
    repaired = repair_pdf(tagged_pdf(tmp_path / "in.pdf").read_bytes(), (("A chart",),))
    with pikepdf.open(io.BytesIO(repaired)) as pdf:
        assert structure(pdf)[:2] == [("/P", ""), ("/Figure", "A chart")]


def test_a_figure_without_alt_text_to_give_becomes_decoration(tmp_path: Path) -> None:
    repaired = repair_pdf(tagged_pdf(tmp_path / "in.pdf").read_bytes(), ((),))
    with pikepdf.open(io.BytesIO(repaired)) as pdf:
        assert "/Figure" not in [kind for kind, _ in structure(pdf)]
        assert "/Figure BDC" not in operators(pdf.pages[0])
        assert operators(pdf.pages[0]).count("/Artifact BMC") == 2


def test_the_link_gets_a_link_element_and_tabs_a_name(tmp_path: Path) -> None:
    repaired = repair_pdf(tagged_pdf(tmp_path / "in.pdf").read_bytes(), ((),))
    with pikepdf.open(io.BytesIO(repaired)) as pdf:
        page = pdf.pages[0].obj
        assert page.Tabs == Name.S
        [annotation] = page.Annots
        assert str(annotation.Contents) == "Link to https://www.icann.org"
        link = pdf.Root.StructTreeRoot.K[-1]
        assert Name.Link == link.S
        assert link.K[0].Obj.objgen == annotation.objgen
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        assert int(annotation.StructParent) == int(nums[-2]) == 1
        assert nums[-1].objgen == link.objgen
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_an_untagged_pdf_is_left_as_it_is_and_named(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Producer"] = "LibreOffice 6.4"
    pdf.save(tmp_path / "old.pdf")
    data = (tmp_path / "old.pdf").read_bytes()
    deck = tmp_path / "empty.pptx"
    pptx.Presentation().save(str(deck))
    assert make_accessible(data, deck) == (data, "LibreOffice 6.4")
    assert not_accessible_warning({"a (slides).pdf": "LibreOffice 6.4"}) == (
        "a (slides).pdf is not PDF/UA (tagged, accessible): LibreOffice 6.4 wrote untagged PDF; "
        "install LibreOffice 7.4 or later (docs/rendering.md)"
    )


def test_alt_texts_of_the_sample_by_slide(
    sample_presented: PresentedReport, tmp_path: Path
) -> None:
    render_deck(sample_presented, DECK_TEMPLATE, tmp_path / "deck.pptx")
    render_update(sample_presented, UPDATE_TEMPLATE, tmp_path / "update.docx")
    slides = read_alt_texts(tmp_path / "deck.pptx")
    assert len(slides) == 5
    assert [len(texts) for texts in slides] == [0, 0, 1, 0, 1]
    assert slides[2][0].startswith("Bar chart of each group's participation rate")
    assert slides[4][0].startswith("Timeline of the Continuous Improvement Program roadmap")
    assert read_alt_texts(tmp_path / "update.docx") == ((),)
