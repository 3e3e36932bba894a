"""Every deck and Word update validated by Microsoft's Open XML SDK (scripts/openxml.py): 0 errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pptx
import pytest
from bench.make_workbook import write_workbook
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Cm, Pt
from scripts.openxml import SetupError, Validator, cache_folder, is_ready

from cipdocs.loading import load_report
from cipdocs.render.docx import render_update
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport, present_report
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE

pytestmark = pytest.mark.openxml

SETUP = "run `python scripts/openxml.py setup`"


@pytest.fixture(scope="module")
def validator() -> Validator:
    """Return the SDK's validator, or skip with the reason it cannot run here."""
    if importlib.util.find_spec("pythonnet") is None or not is_ready(cache_folder()):
        pytest.skip(f"the Open XML SDK validator is not set up in {cache_folder()}: {SETUP}")
    try:
        return Validator(cache_folder())
    except SetupError as error:
        pytest.skip(f"{error}; {SETUP}")


@pytest.fixture(scope="module")
def presented_300(tmp_path_factory: pytest.TempPathFactory) -> PresentedReport:
    workbook = write_workbook(tmp_path_factory.mktemp("book") / "groups-300.xlsx", groups=300)
    return present_report(load_report(workbook).report)


def staff_edited_template(path: Path) -> Path:
    """Write the shipped template as staff might edit it: retitled, reordered, a box added."""
    deck = pptx.Presentation(str(DECK_TEMPLATE))
    deck.slides[0].shapes.title.text_frame.text = "CIP-CCG update for {{ report_date }}"
    status_slide = next(
        slide for slide in deck.slides if any(s.name == "Status table" for s in slide.shapes)
    )
    box = status_slide.shapes.add_textbox(Cm(2), Cm(16), Cm(20), Cm(1.5))
    box.name = "Staff note"
    box.text_frame.text = (
        "{{ groups_represented }} of {{ groups_total }} groups have a representative."
    )
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    slides = deck.slides._sldIdLst
    slides.insert(1, slides[-1])  # the roadmap moved up to second place
    deck.save(str(path))
    return path


def test_shipped_templates_are_valid(validator: Validator) -> None:
    assert validator.validate(DECK_TEMPLATE) == []
    assert validator.validate(UPDATE_TEMPLATE) == []


def test_sample_deck_and_update_are_valid(
    validator: Validator, sample_presented: PresentedReport, tmp_path: Path
) -> None:
    render_deck(sample_presented, DECK_TEMPLATE, tmp_path / "deck.pptx")
    render_update(sample_presented, UPDATE_TEMPLATE, tmp_path / "update.docx")

    assert validator.validate(tmp_path / "deck.pptx") == []
    assert validator.validate(tmp_path / "update.docx") == []


def test_300_group_deck_and_update_are_valid(
    validator: Validator, presented_300: PresentedReport, tmp_path: Path
) -> None:
    slides = render_deck(presented_300, DECK_TEMPLATE, tmp_path / "deck.pptx")
    render_update(presented_300, UPDATE_TEMPLATE, tmp_path / "update.docx")

    assert slides > 5  # the tables continued on follow-on slides, which must be valid too
    assert validator.validate(tmp_path / "deck.pptx") == []
    assert validator.validate(tmp_path / "update.docx") == []


def test_deck_from_a_staff_edited_template_is_valid(
    validator: Validator, sample_presented: PresentedReport, tmp_path: Path
) -> None:
    template = staff_edited_template(tmp_path / "edited.pptx")
    render_deck(sample_presented, template, tmp_path / "deck.pptx")

    deck = pptx.Presentation(str(tmp_path / "deck.pptx"))
    assert deck.slides[0].shapes.title.text == "CIP-CCG update for 2024-08-30"
    assert deck.slides[1].shapes.title.text == "Continuous Improvement Program Roadmap"
    assert "21 of 22 groups have a representative." in [
        shape.text for shape in deck.slides[2].shapes if shape.has_text_frame
    ]
    assert validator.validate(tmp_path / "deck.pptx") == []


def test_validator_reports_python_pptx_negative_axis_ids(
    validator: Validator, tmp_path: Path
) -> None:
    deck = pptx.Presentation()
    data = CategoryChartData()
    data.categories = ["A"]
    data.add_series("S", (1,))
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Cm(5), Cm(5), data)
    deck.save(str(tmp_path / "chart.pptx"))

    errors = validator.validate(tmp_path / "chart.pptx")

    assert len(errors) == 6
    assert {error.part for error in errors} == {"/ppt/charts/chart1.xml"}
    assert all("is not a valid 'UInt32' value" in error.description for error in errors)


def test_every_update_of_a_series_is_valid(
    validator: Validator, update_series: tuple[list[Path], Path]
) -> None:
    # The third deck has the changes slide, the marked status table and the history chart;
    # every file carries its report in a custom XML part.
    _, output = update_series
    files = sorted(output.glob("CIP-CCG Status Update *.*x"))
    assert len(files) == 6
    assert {path.name: validator.validate(path) for path in files} == {
        path.name: [] for path in files
    }


def test_outputs_of_templates_libreoffice_wrote_are_valid(
    validator: Validator, sample_presented: PresentedReport, tmp_path: Path
) -> None:
    # LibreOffice types the core-properties relationship ".../officedocument/..."; cipdocs once
    # added a second docProps/core.xml beside it, which the SDK cannot open.
    from tests.render.test_properties import libreoffice_typed

    deck = libreoffice_typed(DECK_TEMPLATE, tmp_path / "libreoffice.pptx")
    update = libreoffice_typed(UPDATE_TEMPLATE, tmp_path / "libreoffice.docx")
    assert validator.validate(deck) == []
    assert validator.validate(update) == []
    render_deck(sample_presented, deck, tmp_path / "deck.pptx")
    render_update(sample_presented, update, tmp_path / "update.docx")
    assert validator.validate(tmp_path / "deck.pptx") == []
    assert validator.validate(tmp_path / "update.docx") == []
