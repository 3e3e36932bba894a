"""render/pptx_chart.py: embedded chart workbooks pinned, and odd ones left as they are."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pptx
from openpyxl import load_workbook
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Cm

from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport
from tests.conftest import DECK_TEMPLATE
from tests.package.hostile import copy_package, lying_part
from tests.render.test_pptx import groups_data, presented


def with_shown_chart(target: Path) -> tuple[Path, str]:
    """Write the shipped template with a plain chart added (one the deck just shows), and
    return it with the part name of the chart's embedded workbook."""
    deck = pptx.Presentation(str(DECK_TEMPLATE))
    slide = deck.slides.add_slide(deck.slide_layouts[2])  # Title Only
    slide.shapes.title.text_frame.text = "Budget"
    data = CategoryChartData()
    data.categories = ["2023", "2024"]
    data.add_series("Budget", (1.0, 2.0))
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Cm(2), Cm(5), Cm(12), Cm(8), data
    ).chart
    chart.has_title = False
    deck.save(str(target))
    return target, str(chart.part.chart_workbook.xlsx_part.partname).lstrip("/")


def test_a_chart_workbook_that_is_not_a_zip_is_left_alone(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    template, workbook = with_shown_chart(tmp_path / "shown.pptx")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)  # an old .xls
    odd = copy_package(template, tmp_path / "old-xls.pptx", {workbook: old_excel})
    render_deck(sample_presented, odd, tmp_path / "deck.pptx")
    with zipfile.ZipFile(tmp_path / "deck.pptx") as written:
        assert old_excel in [written.read(name) for name in written.namelist()]


def test_a_chart_workbook_that_lies_about_its_size_is_never_inflated(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    template, workbook = with_shown_chart(tmp_path / "shown.pptx")
    with zipfile.ZipFile(template) as archive:
        (tmp_path / "inner.xlsx").write_bytes(archive.read(workbook))
    lying = copy_package(
        tmp_path / "inner.xlsx",
        tmp_path / "lying.xlsx",
        {"xl/worksheets/sheet1.xml": lying_part("x")},
    )
    odd = copy_package(template, tmp_path / "lying.pptx", {workbook: lying.read_bytes()})
    render_deck(sample_presented, odd, tmp_path / "deck.pptx")
    with zipfile.ZipFile(tmp_path / "deck.pptx") as written:
        assert lying.read_bytes() in [written.read(name) for name in written.namelist()]


def test_every_page_of_a_continued_chart_embeds_a_workbook_dated_as_the_report(
    tmp_path: Path,
) -> None:
    render_deck(presented(groups_data(60)), DECK_TEMPLATE, tmp_path / "deck.pptx")
    deck = pptx.Presentation(str(tmp_path / "deck.pptx"))
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) > 1  # 60 bars continue on follow-on slides
    for chart in charts:
        blob = chart.part.chart_workbook.xlsx_part.blob
        with zipfile.ZipFile(io.BytesIO(blob)) as workbook:
            core = workbook.read("docProps/core.xml").decode()
            assert {info.date_time for info in workbook.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            categories = load_workbook(io.BytesIO(blob)).active["A2"].value
        assert core.count(">2024-03-01T00:00:00Z<") == 2  # created and modified
        assert categories == chart.plots[0].categories[0]  # the page's own bars
