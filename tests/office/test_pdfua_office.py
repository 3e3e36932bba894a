"""`deck --pdf`'s PDFs judged by veraPDF's PDF/UA-1 profile: the sample, 300 groups, a series."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import page
import pikepdf
import pytest
from bench.make_workbook import write_workbook

from cipdocs.loading import load_report
from cipdocs.office.alt_texts import read_alt_texts
from cipdocs.office.pdf import Conversion, started_office
from cipdocs.render.docx import render_update
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport, present_report
from cipdocs.verify.pdf import check_pdf_file, read_pdf_facts
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE, PdfUaValidator
from tests.office.test_pdf import require_soffice

pytestmark = pytest.mark.office


@dataclass(frozen=True)
class Converted:
    """A source document and the PDF cipdocs made of it."""

    source: Path
    pdf: Path


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory,
    sample_presented: PresentedReport,
    update_series: tuple[list[Path], Path],
) -> dict[str, Converted]:
    """Convert, in one LibreOffice run as `deck --pdf` does, the sample's deck and update, a
    300-group deck and update (chart and tables continued), and the third update of a series
    (the "Since the last update" slide and section, the history chart)."""
    require_soffice()
    folder = tmp_path_factory.mktemp("pdfua")
    presented_300 = present_report(
        load_report(write_workbook(folder / "groups-300.xlsx", groups=300)).report
    )
    sources = {
        "sample deck": folder / "sample.pptx",
        "sample update": folder / "sample.docx",
        "300-group deck": folder / "groups-300.pptx",
        "300-group update": folder / "groups-300.docx",
    }
    render_deck(sample_presented, DECK_TEMPLATE, sources["sample deck"])
    render_update(sample_presented, UPDATE_TEMPLATE, sources["sample update"])
    render_deck(presented_300, DECK_TEMPLATE, sources["300-group deck"])
    render_update(presented_300, UPDATE_TEMPLATE, sources["300-group update"])
    _, output = update_series
    third = sorted(output.glob("CIP-CCG Status Update *.pptx"))[-1]
    sources["series deck"] = third
    sources["series update"] = third.with_suffix(".docx")
    pairs = {name: Converted(source, folder / f"{name}.pdf") for name, source in sources.items()}
    with started_office() as office:
        office.convert(
            [Conversion(pair.source, pair.pdf) for pair in pairs.values()],
            timeout=300,
            progress=None,
        )
    return pairs


@pytest.mark.verapdf
def test_every_pdf_passes_verapdf_pdf_ua_1(
    converted: dict[str, Converted], verapdf: PdfUaValidator
) -> None:
    verdicts = verapdf([pair.pdf for pair in converted.values()])
    failures = {name: verdicts[pair.pdf].rules() for name, pair in converted.items()}
    assert failures == {name: {} for name in converted}


def test_a_second_validator_agrees(converted: dict[str, Converted]) -> None:
    reports = {
        name: page.validate_pdf(pair.pdf, profile="pdfua-1") for name, pair in converted.items()
    }
    failures = {name: [f.rule_id for f in report.failures] for name, report in reports.items()}
    assert failures == {name: [] for name in converted}


def test_every_alt_text_reaches_a_figure_on_its_page(converted: dict[str, Converted]) -> None:
    for name, pair in converted.items():
        figures = read_pdf_facts(pair.pdf).figures
        expected = [
            (number, text)
            for number, texts in enumerate(read_alt_texts(pair.source), start=1)
            for text in texts
        ]
        if name.endswith("update"):  # the Word update's pages are LibreOffice's to decide
            assert [figure.alt for figure in figures] == [text for _, text in expected]
        else:
            assert [(figure.page, figure.alt) for figure in figures] == expected, name
    sample = read_pdf_facts(converted["sample deck"].pdf).figures
    assert [figure.page for figure in sample] == [3, 5]  # the chart, the timeline


def test_what_a_reader_sees_of_the_sample(converted: dict[str, Converted]) -> None:
    deck = read_pdf_facts(converted["sample deck"].pdf)
    update = read_pdf_facts(converted["sample update"].pdf)
    for facts in (deck, update):
        assert facts.tagged and facts.pdfua and facts.shows_title
        assert facts.language == "en-US"
        assert facts.title == "CIP-CCG Status Update 30 Aug 2024"
        assert facts.untagged_links == ()
    # Slide titles are headings, each slide's first element; every table has header cells.
    assert deck.structure[0] == "H"
    assert deck.structure.count("H") == 5
    assert deck.structure.count("Table") == 3
    assert deck.structure.count("TH") == 8
    assert update.structure[:2] == ("Document", "Title")
    assert update.structure.count("H1") == 4
    assert update.structure.count("TH") == 13


@pytest.mark.parametrize("deck", ["sample deck", "300-group deck", "series deck"])
def test_each_slide_reads_its_title_first(converted: dict[str, Converted], deck: str) -> None:
    with pikepdf.open(converted[deck].pdf) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        first: dict[int, str] = {}
        for element in pdf.Root.StructTreeRoot.K:
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            holders = [element, *kids]
            on = [h.Pg.objgen for h in holders if isinstance(h, pikepdf.Dictionary) and "/Pg" in h]
            if on:
                first.setdefault(pages[on[0]], str(element.S))
        assert first == dict.fromkeys(pages.values(), "/H")


def test_check_deck_finds_nothing_in_cipdocs_pdfs(converted: dict[str, Converted]) -> None:
    assert {name: check_pdf_file(pair.pdf) for name, pair in converted.items()} == {
        name: [] for name in converted
    }
