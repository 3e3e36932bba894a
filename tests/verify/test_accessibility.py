"""Tests for verify/accessibility.py: titles, alt text, header rows and contrast, as a reader meets them."""

from __future__ import annotations

import io
from pathlib import Path

import pptx
import pytest
from bench.make_workbook import write_workbook
from PIL import Image
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Cm, Pt

from cipdocs.errors import DeckCheckError, TemplateProblemError
from cipdocs.loading import load_report
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport, present_report
from cipdocs.verify.accessibility import check_accessibility, raise_on_new_findings
from cipdocs.verify.deck import check_deck_file
from cipdocs.verify.shapes import Finding
from tests.conftest import DECK_TEMPLATE

TITLE_ONLY = 5
BLANK = 6


def new_deck(*titles: str):  # type: ignore[no-untyped-def]
    deck = pptx.Presentation()
    for title in titles:
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        slide.shapes.title.text_frame.text = title
    return deck


def messages(deck) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(finding) for finding in check_accessibility(deck)]


def png() -> io.BytesIO:
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(stream, format="PNG")
    stream.seek(0)
    return stream


def test_sample_deck_has_no_findings(sample_presented: PresentedReport, tmp_path: Path) -> None:
    render_deck(sample_presented, DECK_TEMPLATE, tmp_path / "deck.pptx")

    assert check_deck_file(tmp_path / "deck.pptx") == []


def test_300_group_deck_has_no_findings_and_numbered_follow_on_titles(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "groups-300.xlsx", groups=300)
    presented = present_report(load_report(workbook).report)
    render_deck(presented, DECK_TEMPLATE, tmp_path / "deck.pptx")

    titles = [
        slide.shapes.title.text for slide in pptx.Presentation(str(tmp_path / "deck.pptx")).slides
    ]

    assert check_deck_file(tmp_path / "deck.pptx") == []
    base = "CIP-CCG Framework: Status Update (20 Dec 2024)"
    status = [title for title in titles if title.startswith(base)]
    assert len(status) > 2
    assert status == [base] + [
        f"{base} (continued, {number} of {len(status)})" for number in range(2, len(status) + 1)
    ]
    assert len(set(titles)) == len(titles)


def test_shipped_template_has_no_findings() -> None:
    assert check_deck_file(DECK_TEMPLATE) == []


def test_slide_without_title() -> None:
    deck = new_deck("First")
    deck.slides.add_slide(deck.slide_layouts[BLANK])

    assert messages(deck) == ["slide 2: the slide has no title; give it one in Outline view"]


def test_empty_title_counts_as_none() -> None:
    assert messages(new_deck("  ")) == [
        "slide 1: the slide has no title; give it one in Outline view"
    ]


def test_repeated_title_names_the_first_slide() -> None:
    assert messages(new_deck("Status", "Other", "Status")) == [
        "slide 3: the title 'Status' is also the title of slide 1; give each slide its own title"
    ]


@pytest.mark.parametrize(
    ("describe", "decorative", "expected"),
    [
        (
            "",
            False,
            [
                "slide 1, shape 'Logo': the picture has no alternative text; describe what it shows (right-click it, View Alt Text)"
            ],
        ),
        ("The ICANN logo", False, []),
        ("", True, []),
    ],
)
def test_picture_alt_text(describe: str, decorative: bool, expected: list[str]) -> None:
    deck = new_deck("Pictures")
    picture = deck.slides[0].shapes.add_picture(png(), Cm(1), Cm(5), Cm(2), Cm(2))
    picture.name = "Logo"
    properties = picture._element.xpath("./p:nvPicPr/p:cNvPr")[0]
    properties.set("descr", describe)
    if decorative:
        properties.append(
            pptx.oxml.parse_xml(
                '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
                "</a:ext></a:extLst>"
            )
        )

    assert messages(deck) == expected


def test_chart_and_group_without_alt_text() -> None:
    deck = new_deck("Chart")
    data = CategoryChartData()
    data.categories = ["A", "B"]
    data.add_series("Rate", (1, 2))
    chart = deck.slides[0].shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Cm(1), Cm(5), Cm(8), Cm(6), data
    )
    chart.name = "Rates"
    group = deck.slides[0].shapes.add_group_shape()
    group.name = "Drawing"
    group.shapes.add_shape(MSO_SHAPE.OVAL, Cm(12), Cm(5), Cm(2), Cm(2))

    assert messages(deck) == [
        "slide 1, shape 'Rates': the chart has no alternative text; describe what it shows (right-click it, View Alt Text)",
        "slide 1, shape 'Drawing': the group has no alternative text; describe what it shows (right-click it, View Alt Text)",
    ]


@pytest.mark.parametrize(("first_row", "expected"), [(True, 0), (False, 1)])
def test_table_marks_a_header_row(first_row: bool, expected: int) -> None:
    deck = new_deck("Table")
    frame = deck.slides[0].shapes.add_table(2, 2, Cm(1), Cm(5), Cm(10), Cm(2))
    frame.name = "Grid"
    frame.table.first_row = first_row

    found = check_accessibility(deck)

    assert [finding.rule for finding in found] == ["header row"] * expected
    assert all("tick Header Row on the Table Design tab" in finding.message for finding in found)


def filled_box(shapes, fill: str, text: str, colour: str, name: str = "Bar"):  # type: ignore[no-untyped-def]
    box = shapes.add_shape(MSO_SHAPE.RECTANGLE, Cm(2), Cm(6), Cm(6), Cm(2))
    box.name = name
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string(fill)
    run = box.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor.from_string(colour)
    return box


@pytest.mark.parametrize(
    ("fill", "colour", "expected"),
    [
        (
            "8497B0",
            "FFFFFF",
            [
                "slide 1, shape 'Bar': text 'Planned' in FFFFFF on 8497B0 has a contrast of 3.0:1, below 4.5:1; darken the text or lighten the fill"
            ],
        ),
        ("8497B0", "1F2937", []),
        ("003B71", "FFFFFF", []),
    ],
)
def test_text_contrast_against_its_own_fill(fill: str, colour: str, expected: list[str]) -> None:
    deck = new_deck("Contrast")
    filled_box(deck.slides[0].shapes, fill, "Planned", colour)

    assert messages(deck) == expected


def test_contrast_is_checked_inside_groups() -> None:
    deck = new_deck("Grouped")
    group = deck.slides[0].shapes.add_group_shape()
    group.name = "Timeline"
    group._element.xpath("./p:nvGrpSpPr/p:cNvPr")[0].set("descr", "A timeline")
    filled_box(group.shapes, "8497B0", "Planned", "FFFFFF", name="Phase: Later")

    assert [finding.shape for finding in check_accessibility(deck)] == ["Phase: Later"]


def test_text_box_takes_the_colour_of_the_shape_under_it() -> None:
    deck = new_deck("Layered")
    shapes = deck.slides[0].shapes
    filled_box(shapes, "003B71", "", "FFFFFF", name="Band")
    label = shapes.add_textbox(Cm(2.5), Cm(6.5), Cm(4), Cm(1))
    label.name = "Label"
    run = label.text_frame.paragraphs[0].add_run()
    run.text = "Dark on navy"
    run.font.color.rgb = RGBColor.from_string("1F2937")

    assert [finding.shape for finding in check_accessibility(deck)] == ["Label"]


def test_theme_text_colour_on_white_passes() -> None:
    deck = new_deck("Theme")
    box = deck.slides[0].shapes.add_textbox(Cm(2), Cm(6), Cm(6), Cm(2))
    box.text_frame.text = "Text in the theme's text colour"

    assert messages(deck) == []


def test_low_contrast_in_a_table_cell_names_the_row() -> None:
    deck = new_deck("Table")
    frame = deck.slides[0].shapes.add_table(2, 1, Cm(1), Cm(5), Cm(10), Cm(2))
    frame.name = "Grid"
    cell = frame.table.cell(1, 0)
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string("EAF1F8")
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = "pale"
    run.font.color.rgb = RGBColor.from_string("A6A6A6")

    assert messages(deck) == [
        "slide 1, shape 'Grid': row 2: text 'pale' in A6A6A6 on EAF1F8 has a contrast of 2.1:1, below 4.5:1; darken the text or lighten the fill"
    ]


def test_only_findings_that_filling_brought_in_stop_the_run(tmp_path: Path) -> None:
    template_has = Finding(2, "Logo", "alt text", "the picture has no alternative text")
    brought_in = Finding(5, "Phase: X", "contrast", "text 'Planned' ... 3.0:1")
    moved = Finding(3, "Logo", "alt text", "the picture has no alternative text")

    raise_on_new_findings(tmp_path / "deck.pptx", [moved], [template_has])
    with pytest.raises(DeckCheckError) as raised:
        raise_on_new_findings(tmp_path / "deck.pptx", [moved, brought_in], [template_has])

    assert raised.value.exit_code == 8
    assert raised.value.lines() == [
        f"{tmp_path / 'deck.pptx'}: slide 5, shape 'Phase: X': text 'Planned' ... 3.0:1",
        f"error: {tmp_path / 'deck.pptx'}: 1 finding; fix them, then check again",
    ]


def test_check_deck_file_refuses_what_is_not_a_deck(tmp_path: Path) -> None:
    (tmp_path / "notes.pptx").write_text("not a deck")

    with pytest.raises(TemplateProblemError, match=r"not a PowerPoint \.pptx file"):
        check_deck_file(tmp_path / "notes.pptx")
    with pytest.raises(TemplateProblemError, match="no such file"):
        check_deck_file(tmp_path / "missing.pptx")
