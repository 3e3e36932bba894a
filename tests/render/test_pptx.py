"""Tests for render/pptx.py: the deck filled from the sample, overflow, and template checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pptx
import pytest
from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from cipdocs.errors import DeckCheckError, TemplateProblemError
from cipdocs.loading import load_report
from cipdocs.office.pdf import convert_to_pdf, count_pdf_pages
from cipdocs.render.pptx import check_template, list_placeholders, render_deck
from cipdocs.report.compute import compute_report
from cipdocs.report.model import (
    AttendanceRecord,
    Band,
    Group,
    Meeting,
    Milestone,
    RoadmapPhase,
    Status,
    WorkbookData,
)
from cipdocs.report.present import PresentedReport, present_report
from cipdocs.templating import Placeholder
from tests.conftest import contract_sheets, write_sheets
from tests.pptx_template.conftest import OUTSIDE_WORKBOOK, link_to_outside_workbook

DECK_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "cip-ccg-deck.pptx"
GROUPS_URL = "https://www.icann.org/community"
ODD_NAME = "R&D <Council>"
CHART_NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}

Render = Callable[..., Any]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    """Return a function rendering a report and reopening the deck."""

    def rendered(report: PresentedReport, template: Path = DECK_TEMPLATE) -> Any:
        destination = tmp_path / "deck.pptx"
        render_deck(report, template, destination)
        return pptx.Presentation(str(destination))

    return rendered


@pytest.fixture
def sample(render: Render, sample_presented: PresentedReport) -> Any:
    """Return the deck of the sample workbook, reopened."""
    return render(sample_presented)


def titles(deck: Any) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in deck.slides]


def shape(slide: Any, name: str) -> Any:
    return next(item for item in slide.shapes if item.name == name)


def template_slide(deck: Any, shape_name: str) -> Any:
    """Return the template slide holding the shape `shape_name` (slides move as the deck grows)."""
    return next(
        slide for slide in deck.slides if any(item.name == shape_name for item in slide.shapes)
    )


def chart_frame(slide: Any) -> Any:
    return next(item for item in slide.shapes if item.has_chart)


def cells(slide: Any, name: str) -> list[list[str]]:
    table = shape(slide, name).table
    return [[cell.text_frame.text for cell in row.cells] for row in table.rows]


def groups_data(count: int, **changes: object) -> WorkbookData:
    """Return a workbook of `count` groups spread over three statuses, each one banded."""
    names = [f"Community group number {index:03d}" for index in range(count)]
    meetings = tuple(Meeting(f"M{index}", dt.date(2024, 1, 1 + index)) for index in range(4))
    data = WorkbookData(
        source_name="many.xlsx",
        report_date=dt.date(2024, 3, 1),
        groups=tuple(
            Group(name, True, ("Done", "Open", "Idle")[index % 3])
            for index, name in enumerate(names)
        ),
        statuses=(Status("Done", "Done"), Status("Open", "Open"), Status("Idle", "Idle")),
        meetings=meetings,
        attendance=tuple(
            AttendanceRecord(name, frozenset(f"M{m}" for m in range(index % 5)), f"A{index}")
            for index, name in enumerate(names)
        ),
        bands=(Band("100%", 100, 100), Band("50%-99%", 50, 99), Band("0%-49%", 0, 49)),
        milestones=(Milestone("Agree", "Done"), Milestone("Write", None)),
        roadmap=(RoadmapPhase("Build", dt.date(2024, 1, 1), dt.date(2024, 6, 30), "In progress"),),
    )
    return dataclasses.replace(data, **changes)


def presented(data: WorkbookData) -> PresentedReport:
    return present_report(compute_report(data))


# -- the sample deck, fact by fact, as in the 30 Aug 2024 update -------------------------------


def test_sample_titles(sample: Any) -> None:
    assert titles(sample) == [
        "CIP-CCG Roadmap (2024)",
        "CIP-CCG Framework: Status Update (30 Aug 2024)",
        "CIP-CCG Representatives: Participation & Engagement",
        "CIP-CCG Representatives: Milestones",
        "Continuous Improvement Program Roadmap",
    ]


def test_sample_status_table(sample: Any) -> None:
    assert cells(sample.slides[1], "Status table") == [
        ["Status", "Constituency Groups", "#"],
        [
            "Completed Framework (with Consensus Call or appropriate process)",
            "ALAC, AFRALO, APRALO, GNSO IPC, GNSO ISPCP, NomCom, RSSAC, SSAC",
            "8",
        ],
        ["In Progress (Awaiting Consensus Call)", "EURALO, NARALO, GNSO NCUC, GNSO RrSG, GAC", "5"],
        ["Under discussion", "LACRALO, ccNSO, GNSO Council, GNSO BC, GNSO NPOC, GNSO RySG", "6"],
        ["Not started", "", "0"],
    ]
    table = shape(sample.slides[1], "Status table").table
    assert table.first_row
    assert table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.bold
    assert table.cell(1, 2).text_frame.paragraphs[0].runs[0].font.bold


def test_sample_representation_paragraph_and_link(sample: Any) -> None:
    paragraph = shape(sample.slides[1], "Representation").text_frame.paragraphs[0]
    assert paragraph.text == (
        "The ICANN community demonstrated great interest in the evolution of Organizational "
        "Reviews into a CIP, with 21 out of 22 of the groups across the ICANN community "
        "represented in the CIP-CCG. The only group to not appoint a representative was the ASO."
    )
    linked = [run for run in paragraph.runs if run.hyperlink.address]
    assert [(run.text, run.hyperlink.address) for run in linked] == [("groups", GROUPS_URL)]


def test_sample_participation_slide(sample: Any) -> None:
    slide = sample.slides[2]
    heading = shape(slide, "Participation heading").text_frame.paragraphs[0]
    assert heading.text == "Participation Rate (% out of 13 Meetings, as of 30 August 2024)"
    assert heading.runs[0].text == "Participation Rate"
    assert heading.runs[0].font.bold
    assert cells(slide, "Band table") == [
        ["", "Constituency Groups"],
        ["100%", "ALAC, APRALO, EURALO, LACRALO, NARALO, RSSAC"],
        ["80%-99%", "AFRALO, ccNSO, GNSO NCUC"],
        ["60%-79%", "GNSO Council, GNSO IPC, GNSO NPOC, GNSO RrSG, GAC, NomCom, SSAC"],
        ["40%-59%", "GNSO BC, GNSO ISPCP, GNSO RySG"],
        ["20%-39%", "N/A"],
        ["0%-10%", "N/A"],
    ]
    assert shape(slide, "Reported updates").text_frame.text == (
        "CIP-CCG Representatives regularly reported updates from their Constituencies on ongoing "
        "CIP internal efforts and feedback on CIP Framework throughout 2024, as reported in "
        "meeting reports and transcripts."
    )


def test_sample_chart(sample: Any, sample_presented: PresentedReport) -> None:
    frame = chart_frame(sample.slides[2])
    plot = frame.chart.plots[0]
    rows = sample_presented.participation_by_band
    assert list(plot.categories) == [row.group for row in rows]
    assert list(plot.categories)[:3] == ["ALAC", "APRALO", "EURALO"]
    assert list(plot.series[0].values) == [float(row.rate) for row in rows]
    assert plot.data_labels.number_format == '0"%"'
    colours = [str(point.format.fill.fore_color.rgb) for point in plot.series[0].points]
    assert colours == [row.colour for row in rows]
    descr = frame._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].get("descr")
    assert "13 meetings" in descr and "ALAC 100%" in descr


def test_a_thousand_bars_each_get_their_colour_in_order(render: Render) -> None:
    report = presented(groups_data(1000))
    rows = report.participation_by_band
    assert len(rows) == 1000
    deck = render(report)  # the status table's follow-on slides come before the chart's
    charts = [item.chart for slide in deck.slides for item in slide.shapes if item.has_chart]
    assert len(charts) > 1  # 1,000 bars continue on follow-on slides, each labelled at 8 pt
    colours, categories = [], []
    for chart in charts:
        series = chart.plots[0].series[0]._element
        points = series.findall("c:dPt", CHART_NAMESPACES)
        bars = list(chart.plots[0].categories)
        assert [point.find("c:idx", CHART_NAMESPACES).get("val") for point in points] == [
            str(index) for index in range(len(bars))
        ]
        colours += [
            point.find("c:spPr/a:solidFill/a:srgbClr", CHART_NAMESPACES).get("val")
            for point in points
        ]
        categories += bars
        # CT_BarSer's sequence: the points come after the series' own fill and before its values.
        tags = [child.tag.split("}")[1] for child in series]
        assert tags.index("spPr") < tags.index("dPt")
        assert tags.index("dPt") + len(bars) == tags.index("cat")
    assert colours == [row.colour for row in rows]
    assert len({row.colour for row in rows}) == 3
    assert categories == [row.group for row in rows]


def test_sample_milestones(sample: Any) -> None:
    slide = sample.slides[3]
    assert shape(slide, "Convening").text_frame.text == (
        "CIP-CCG, convened in January 2024, with the goal of developing the CIP Framework for "
        "implementation of ATRT3 Recommendation 3.6. The CIP-CCG was tasked with:"
    )
    assert cells(slide, "Milestone table") == [
        ["#", "Milestone", "Status"],
        [
            "1.",
            "Developing a shared understanding of the meaning of Continuous Improvement in "
            "the context of ATRT3 Recommendation 3.6",
            "",
        ],
        [
            "2.",
            "Considering a range of methodologies for effective continuous improvement programs",
            "",
        ],
        ["3.", "Agreeing on the methodology that is fit for ICANN purpose", ""],
        ["4.", "Formulating a CIP Framework, to be used by each SO, AC, and NomCom", "In Progress"],
    ]
    table = shape(slide, "Milestone table").table
    assert table.first_row  # a quiet header row, so screen readers name the columns
    assert table.cell(4, 1).text_frame.paragraphs[0].runs[0].font.bold
    assert table.cell(4, 2).text_frame.paragraphs[0].runs[0].font.bold


def test_sample_timeline(sample: Any, sample_presented: PresentedReport) -> None:
    group = shape(sample.slides[4], "Timeline")
    texts = [item.text_frame.text for item in group.shapes if item.has_text_frame]
    assert "Today: 30 Aug 2024" in texts
    for phase in sample_presented.roadmap:
        assert any(text.startswith(phase.phase) for text in texts)
        if phase.status:
            assert any(phase.status in text for text in texts)
    descr = group._element.xpath("./p:nvGrpSpPr/p:cNvPr")[0].get("descr")
    assert descr.startswith("Timeline of the Continuous Improvement Program roadmap")


def test_timeline_group_spans_its_shapes(sample: Any) -> None:
    group = shape(sample.slides[4], "Timeline")
    members = list(group.shapes)
    assert len(members) > 20
    left = min(item.left for item in members)
    top = min(item.top for item in members)
    right = max(item.left + item.width for item in members)
    bottom = max(item.top + item.height for item in members)
    assert (group.left, group.top, group.width, group.height) == (
        left,
        top,
        right - left,
        bottom - top,
    )
    xfrm = group._element.grpSpPr.xfrm
    assert (xfrm.chOff.x, xfrm.chOff.y, xfrm.chExt.cx, xfrm.chExt.cy) == (
        left,
        top,
        right - left,
        bottom - top,
    )
    # Every piece is inside the group; none is left loose on the slide.
    assert any(item.name.startswith("Phase: ") for item in members)
    assert not any(item.name.startswith("Phase: ") for item in sample.slides[4].shapes)


def test_every_slide_has_notes_naming_the_source(
    sample: Any, sample_presented: PresentedReport
) -> None:
    # Notes travel with a circulated deck: they speak to the presenter, never of cipdocs.
    for slide in sample.slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert sample_presented.source.workbook in notes
        assert "30 Aug 2024" in notes
        assert "cipdocs" not in notes.lower() and "docs/" not in notes
    status_notes = sample.slides[1].notes_slide.notes_text_frame.text
    assert "from the Groups and Statuses sheets of cip-ccg.xlsx, as of 30 Aug 2024." in status_notes


def test_title_slide_carries_the_date_of_the_update(sample: Any) -> None:
    texts = [shape.text_frame.text for shape in sample.slides[0].placeholders]
    assert texts == ["CIP-CCG Roadmap (2024)", "Status update, 30 Aug 2024"]


def test_milestone_header_row_looks_like_the_other_tables_headers(sample: Any) -> None:
    def header_look(slide: Any) -> tuple[str, str, bool]:
        """Return the header cell's fill, its text's colour (as XML) and boldness."""
        table = next(shape for shape in slide.shapes if shape.has_table).table
        cell = table.cell(0, 1)
        fill = cell._tc.tcPr.find(qn("a:solidFill"))
        run = cell.text_frame.paragraphs[0].runs[0]
        colour = run._r.rPr.find(qn("a:solidFill"))
        return etree.tostring(fill), etree.tostring(colour), bool(run.font.bold)

    assert header_look(sample.slides[3]) == header_look(sample.slides[1])


def test_document_properties(sample: Any) -> None:
    properties = sample.core_properties
    assert properties.title == "CIP-CCG Status Update 30 Aug 2024"
    assert properties.author == properties.last_modified_by == "cipdocs"
    assert properties.created == properties.modified == dt.datetime(2024, 8, 30)
    assert properties.revision == 1


def test_two_renders_are_byte_identical(tmp_path: Path, sample_presented: PresentedReport) -> None:
    first, second = tmp_path / "first.pptx", tmp_path / "second.pptx"
    render_deck(sample_presented, DECK_TEMPLATE, first)
    render_deck(sample_presented, DECK_TEMPLATE, second)
    assert first.read_bytes() == second.read_bytes()


# -- data-dependent wording ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unrepresented", "sentence"),
    [
        ([], "Every eligible group appointed a representative."),
        (["ASO"], "The only group to not appoint a representative was the ASO."),
        (
            ["ASO", "GAC"],
            "The groups that did not appoint a representative were the ASO and the GAC.",
        ),
    ],
)
def test_unrepresented_sentence(
    render: Render, sample_presented: PresentedReport, unrepresented: list[str], sentence: str
) -> None:
    report = dataclasses.replace(sample_presented, unrepresented=unrepresented)
    text = shape(render(report).slides[1], "Representation").text_frame.text
    assert text.endswith("represented in the CIP-CCG. " + sentence)


def test_names_with_xml_characters(render: Render) -> None:
    data = groups_data(3)
    data = dataclasses.replace(
        data,
        groups=(Group(ODD_NAME, True, "Done"), *data.groups[1:]),
        attendance=(
            AttendanceRecord(ODD_NAME, frozenset({"M0"}), "Attendance!A2"),
            *data.attendance[1:],
        ),
    )
    deck = render(presented(data))
    assert cells(deck.slides[1], "Status table")[1][1] == ODD_NAME
    chart = chart_frame(deck.slides[2]).chart
    assert ODD_NAME in list(chart.plots[0].categories)


# -- overflow -------------------------------------------------------------------------------


def test_sample_tables_fit_their_slides(sample: Any) -> None:
    height = sample.slide_height
    for slide in sample.slides:
        for item in slide.shapes:
            assert item.top + item.height <= height, (slide.shapes.title.text_frame.text, item.name)


def status_rows(deck: Any) -> list[list[str]]:
    """Return the body rows of every status table in the deck, follow-on slides included."""
    return [
        row
        for slide in deck.slides
        for item in slide.shapes
        if item.name == "Status table"
        for row in cells(slide, item.name)[1:]
    ]


def test_many_groups_continue_on_a_follow_on_slide(render: Render) -> None:
    report = presented(groups_data(300))
    deck = render(report)
    names = titles(deck)
    assert names[2].startswith("CIP-CCG Framework: Status Update (1 Mar 2024) (continued, 2 of ")
    first, follow_on = cells(deck.slides[1], "Status table"), cells(deck.slides[2], "Status table")
    assert first[0] == follow_on[0] == ["Status", "Constituency Groups", "#"]
    rows = status_rows(deck)
    assert list(dict.fromkeys(row[0] for row in rows)) == ["Done", "Open", "Idle"]
    for status in report.statuses:
        # A row too tall for any slide is split; its pieces still hold every name, in order.
        pieces = [row[1] for row in rows if row[0] == status.label]
        assert " ".join(pieces) == status.groups_text
        assert all(row[2] == str(status.count) for row in rows if row[0] == status.label)
    for slide in deck.slides:
        for item in slide.shapes:
            assert item.top + item.height <= deck.slide_height
    assert "many.xlsx" in deck.slides[2].notes_slide.notes_text_frame.text
    assert shape(deck.slides[1], "Representation")  # the paragraph stays with the first page


def test_sixty_groups_fit_or_continue(render: Render) -> None:
    deck = render(presented(groups_data(60)))
    for slide in deck.slides:
        for item in slide.shapes:
            assert item.top + item.height <= deck.slide_height
    assert [row[0] for row in status_rows(deck)] == ["Done", "Open", "Idle"]
    assert titles(deck)[2].endswith("(continued, 2 of 2)")


# -- split runs, a tiny template --------------------------------------------------------------


def tiny_template(path: Path, runs: list[tuple[str, bool]], notes: str = "") -> Path:
    """Write a one-slide template whose text box holds `runs` (text, bold)."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text_frame.text = "Tiny"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.name = "Box"
    paragraph = box.text_frame.paragraphs[0]
    for text, bold in runs:
        run = paragraph.add_run()
        run.text = text
        run.font.bold = bold
        run.font.size = Pt(20 if bold else 12)
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    deck.save(str(path))
    return path


def test_placeholder_split_across_three_runs(
    tmp_path: Path, render: Render, sample_presented: PresentedReport
) -> None:
    template = tiny_template(
        tmp_path / "tiny.pptx",
        [
            ("As of {{ report", True),
            ("_date | short", False),
            ("_date }}, see", False),
            (" the end.", False),
        ],
    )
    runs = shape(render(sample_presented, template).slides[0], "Box").text_frame.paragraphs[0].runs
    assert [(run.text, run.font.bold) for run in runs] == [
        ("As of 30 Aug 2024", True),
        (", see", False),
        (" the end.", False),
    ]


def test_block_split_across_runs_keeps_runs_between(
    tmp_path: Path, render: Render, sample_presented: PresentedReport
) -> None:
    template = tiny_template(
        tmp_path / "tiny.pptx",
        [
            ("{% if groups_total > 1 %}", False),
            ("many", True),
            ("{% endif %}", False),
            (" and ", False),
            ("{{ groups_total }}", True),
        ],
    )
    runs = shape(render(sample_presented, template).slides[0], "Box").text_frame.paragraphs[0].runs
    assert [run.text for run in runs] == ["many", " and ", "22"]


# -- errors and checks --------------------------------------------------------------------------


def test_missing_template(tmp_path: Path, sample_presented: PresentedReport) -> None:
    with pytest.raises(TemplateProblemError, match="does not exist"):
        render_deck(sample_presented, tmp_path / "none.pptx", tmp_path / "deck.pptx")


def test_not_a_pptx(tmp_path: Path, sample_presented: PresentedReport) -> None:
    template = tmp_path / "notes.pptx"
    template.write_text("not a deck")
    with pytest.raises(TemplateProblemError, match=r"not a PowerPoint \.pptx file"):
        render_deck(sample_presented, template, tmp_path / "deck.pptx")


def test_render_error_names_the_slide_and_shape(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    template = tiny_template(tmp_path / "tiny.pptx", [("{{ report_dat }}", False)])
    with pytest.raises(TemplateProblemError, match="slide 1, shape 'Box'"):
        render_deck(sample_presented, template, tmp_path / "deck.pptx")


def test_shipped_template_checks_clean() -> None:
    assert check_template(DECK_TEMPLATE) == []


def test_shipped_template_lists_its_placeholders() -> None:
    found = list_placeholders(DECK_TEMPLATE)
    sources = {placeholder.source for placeholder in found}
    assert "{{ report_date | short_date }}" in sources
    assert "{%tr for row in statuses %}" in sources
    where = next(p.where for p in found if p.source == "{{ row.groups_marked_text }}")
    # Slide 2 is "Since the last update", kept only when there is a previous update.
    assert where.startswith("slide 3, shape 'Status table', row 2, cell 2")


def test_check_template_flags_unknown_name_and_broken_jinja(tmp_path: Path) -> None:
    template = tiny_template(
        tmp_path / "tiny.pptx",
        [("{{ report_dat | short_date }} and ", False), ("{{ groups_total ", True)],
        notes="{{ source.workbook }} {% if %}",
    )
    issues = check_template(template)
    assert [issue.where for issue in issues] == ["slide 1, shape 'Box'", "slide 1, notes"]
    assert "broken placeholder" in issues[0].message or "unknown name" in issues[0].message
    assert "broken placeholder" in issues[1].message


def test_check_template_reads_row_loops(tmp_path: Path) -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    frame = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1))
    frame.name = "Grid"
    frame.table.cell(1, 0).text_frame.text = "{%tr for item in bands %}{{ item.band }}"
    frame.table.cell(1, 1).text_frame.text = "{{ item.nope | upper }} {{ colour }}"
    deck.save(str(tmp_path / "grid.pptx"))
    issues = check_template(tmp_path / "grid.pptx")
    assert [issue.where for issue in issues] == ["slide 1, shape 'Grid', row 2, cell 2"] * 2
    assert "unknown name 'colour'" in issues[0].message
    assert "set item" not in issues[0].message
    # The row's items are bands: a band has no `nope`.
    assert issues[1].message.startswith("'item.nope' in '{{ item.nope | upper }} {{ colour }}': no")


def test_no_attendance_and_no_roadmap(render: Render) -> None:
    deck = render(presented(groups_data(3, attendance=(), roadmap=())))
    chart = chart_frame(deck.slides[2]).chart
    assert list(chart.plots[0].series[0].values) == [None]
    assert [row[1] for row in cells(deck.slides[2], "Band table")[1:]] == ["N/A"] * 3
    timeline = shape(deck.slides[4], "Timeline")
    assert "Today: 1 Mar 2024" in [
        item.text_frame.text for item in timeline.shapes if item.has_text_frame
    ]


# -- the cookbook (docs/templates.md): each recipe done to the shipped template, as staff would --

A_NAMESPACE = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NAMESPACE = "http://schemas.openxmlformats.org/presentationml/2006/main"


def shipped() -> Any:
    return pptx.Presentation(str(DECK_TEMPLATE))


def new_slide(deck: Any, title: str, *paragraphs: str) -> Any:
    """Add a Title Only slide to `deck` with a text box holding `paragraphs`."""
    layout = next(layout for layout in deck.slide_layouts if layout.name == "Title Only")
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text_frame.text = title
    if paragraphs:
        box = slide.shapes.add_textbox(Inches(0.5), Inches(1.5), Inches(12), Inches(4))
        box.name = "Body"
        box.text_frame.text = paragraphs[0]
        for text in paragraphs[1:]:
            box.text_frame.add_paragraph().text = text
    return slide


def add_example_chart(slide: Any, name: str, series: str) -> Any:
    """Insert a bar chart with one example bar, as Insert > Chart does, and name it."""
    data = pptx.chart.data.CategoryChartData()
    data.categories = ["Example"]
    data.add_series(series, (50,))
    frame = slide.shapes.add_chart(
        pptx.enum.chart.XL_CHART_TYPE.BAR_CLUSTERED,
        Inches(6),
        Inches(1.5),
        Inches(6),
        Inches(5),
        data,
    )
    frame.name = name
    return frame


def saved(deck: Any, tmp_path: Path) -> Path:
    path = tmp_path / "staff template.pptx"
    deck.save(str(path))
    return path


def every_text(deck: Any) -> str:
    texts = []
    for slide in deck.slides:
        for item in slide.shapes:
            if item.has_text_frame:
                texts.append(item.text_frame.text)
            elif item.has_table:
                texts += [cell.text for row in item.table.rows for cell in row.cells]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts)


def body_paragraphs(slide: Any) -> list[str]:
    return [paragraph.text for paragraph in shape(slide, "Body").text_frame.paragraphs]


def test_recipe_one_slide_per_status(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    new_slide(
        deck,
        "{{ status.label }} ({{ status.count }})",
        "{%slide for status in statuses %}",
        "{{ status.groups_text or 'No group yet' }}",
    )
    filled = render(sample_presented, saved(deck, tmp_path))
    statuses = sample_presented.statuses
    assert titles(filled)[5:] == [f"{row.label} ({row.count})" for row in statuses]
    assert [body_paragraphs(slide) for slide in list(filled.slides)[5:]] == [
        [row.groups_text or "No group yet"] for row in statuses
    ]
    assert "{%" not in every_text(filled) and "{{" not in every_text(filled)


@pytest.mark.parametrize("everyone_represented", [False, True])
def test_recipe_a_slide_only_when_it_has_something_to_say_with_a_bullet_per_group(
    render: Render, tmp_path: Path, sample_presented: PresentedReport, everyone_represented: bool
) -> None:
    deck = shipped()
    new_slide(
        deck,
        "Groups without a representative",
        "{%slide if unrepresented %}",
        "These groups have not appointed a representative yet:",
        "{%p for group in unrepresented %}",
        "{{ group }}",
        "{%p endfor %}",
    )
    report = presented(groups_data(6)) if everyone_represented else sample_presented
    filled = render(report, saved(deck, tmp_path))
    if everyone_represented:
        assert len(filled.slides) == 5
        return
    assert titles(filled)[5] == "Groups without a representative"
    assert body_paragraphs(filled.slides[5]) == [
        "These groups have not appointed a representative yet:",
        "ASO",
    ]


def test_recipe_filtered_rows(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    band_table = shape(template_slide(deck, "Band table"), "Band table").table
    first = band_table.cell(1, 0).text_frame.paragraphs[0].runs[0]
    first.text = "{%tr for row in bands if row.groups %}"
    filled = render(sample_presented, saved(deck, tmp_path))
    rows = cells(filled.slides[2], "Band table")
    assert [row[0] for row in rows[1:]] == [b.band for b in sample_presented.bands if b.groups]
    assert "N/A" not in [row[1] for row in rows]


def test_recipe_any_chart_bound_by_its_name(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    slide = new_slide(deck, "Groups per status")
    frame = add_example_chart(
        slide, "Chart: for row in statuses; categories=row.status; values=row.count", "Groups"
    )
    template = saved(deck, tmp_path)
    assert check_template(template) == []
    listed = {p.where: p.source for p in list_placeholders(template)}
    assert listed[f"slide {len(deck.slides)}, shape {frame.name!r}"] == frame.name
    chart = chart_frame(render(sample_presented, template).slides[5]).chart
    assert list(chart.plots[0].categories) == [row.status for row in sample_presented.statuses]
    assert list(chart.plots[0].series[0].values) == [row.count for row in sample_presented.statuses]
    assert chart.plots[0].series[0].name == "Groups"


def test_recipe_curly_quotes_from_autocorrect(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    new_slide(deck, "Missing: {{ unrepresented | and_list(\u2018the\u2019) }}")
    template = saved(deck, tmp_path)
    assert check_template(template) == []
    assert titles(render(sample_presented, template))[5] == "Missing: the ASO"


def test_recipe_restyle_through_the_theme(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    master = deck.slide_master.part
    theme = next(rel.target_part for rel in master.rels.values() if rel.reltype.endswith("/theme"))
    changed = theme.blob.replace(b'typeface="Calibri"', b'typeface="Georgia"')
    assert changed != theme.blob
    theme._blob = changed
    filled = render(sample_presented, saved(deck, tmp_path))
    # No run names a typeface, so tables, text and the timeline are all drawn in Georgia.
    for slide in filled.slides:
        latin = slide._element.findall(f".//{{{A_NAMESPACE}}}latin")
        assert [element.get("typeface") for element in latin] == [], slide.shapes.title.text


def test_recipe_check_reports_every_mistake_with_its_place(tmp_path: Path) -> None:
    deck = shipped()
    deck.slides[0].shapes.title.text_frame.text = "Roadmap {{ report_yaer }}"
    new_slide(deck, "{{ ''.__class__ }}", "{%p for g in unrepresented %}", "{{ g }}")
    status = shape(template_slide(deck, "Status table"), "Status table").table
    status.cell(0, 0).text_frame.text = "{%tr endfor %}"
    chart_frame(template_slide(deck, "Band table")).name = "Chart: for row in bands"
    issues = check_template(saved(deck, tmp_path))
    expected = [
        ("slide 1, shape 'Title 1'", "unknown name 'report_yaer' in 'Roadmap {{ report_yaer }}'"),
        ("slide 3, shape 'Status table', row 1, cell 1", "in PowerPoint the row that starts"),
        ("slide 5, shape 'Chart: for row in bands'", "a chart binding needs one categories="),
        ("slide 8, shape 'Title 1'", "'__class__' in \"{{ ''.__class__ }}\" is refused"),
        ("slide 8, shape 'Body'", "a {%p for %} is never closed"),
    ]
    assert [issue.where for issue in issues] == [where for where, _ in expected]
    for issue, (_, start) in zip(issues, expected, strict=True):
        assert issue.message.startswith(start), issue.message


@pytest.mark.office
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice or poppler is not installed: run scripts/install-office.sh",
)
def test_recipe_deck_with_repeated_slides_and_charts_opens_in_libreoffice(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    slide = new_slide(deck, "{{ band.band }}", "{%slide for band in bands if band.groups %}")
    add_example_chart(
        slide,
        "Chart: for row in participation_by_band if row.band == band.band; "
        "categories=row.group; values=row.rate; colours=row.colour",
        "Rate",
    )
    written = tmp_path / "deck.pptx"
    pages = render_deck(sample_presented, saved(deck, tmp_path), written)
    pdf = tmp_path / "deck.pdf"
    convert_to_pdf(written, pdf, expected_pages=pages)
    bands = [band for band in sample_presented.bands if band.groups]
    assert count_pdf_pages(pdf) == pages == 5 + len(bands)
    for number, band in enumerate(bands, start=6):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert band.band in text
        assert all(group in text for group in band.groups)


def test_rates_out_of_fewer_meetings_are_marked_and_noted_with_the_group_named(
    render: Render, tmp_path: Path
) -> None:
    report = load_report(write_sheets(contract_sheets(), tmp_path / "book.xlsx")).report
    deck = render(present_report(report))
    slide = template_slide(deck, "Participation heading")
    heading = shape(slide, "Participation heading").text_frame.text
    assert heading == "Participation Rate (% out of 3 Meetings, as of 1 March 2024)"
    # A row per note below the bands, naming the group next to its numbers.
    assert cells(slide, "Band table")[1:] == [
        ["All", "Alpha, Delta*"],
        ["Half", "Beta*"],
        ["Low", "N/A"],
        ["*", "Beta: 1 of 2 meetings since 1 Feb 2024"],
        ["*", "Delta: 2 of 2 meetings (1 not expected)"],
    ]
    descr = chart_frame(slide)._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].get("descr")
    assert "Beta 50% (1 of 2 meetings since 1 Feb 2024)" in descr
    assert "Alpha 100%," in descr  # out of all 3: nothing added


# -- templates from other producers (issue 20): each kind of failure the real files showed ------


def test_a_line_break_in_the_first_title_stays_on_the_slide_and_the_title_is_the_updates(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    deck.slides[
        0
    ].shapes.title.text_frame.text = "CIP-CCG Roadmap\v({{ report_year }})"  # Shift+Enter
    filled = render(sample_presented, saved(deck, tmp_path))
    # The document title is the update's (issue 21), so no slide text reaches the property.
    assert filled.core_properties.title == "CIP-CCG Status Update 30 Aug 2024"
    title = filled.slides[0].shapes.title
    assert title.text_frame.text == "CIP-CCG Roadmap\v(2024)"  # the slide keeps its line break


def test_shape_ids_a_template_repeats_are_repaired_not_blamed_on_cipdocs(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    slide = deck.slides[0]
    box = slide.shapes.add_textbox(Inches(1), Inches(6), Inches(4), Inches(0.6))
    box.name = "Date"
    box.text_frame.text = "{{ report_date | short_date }}"
    title_id = slide.shapes.title.shape_id
    box._element.nvSpPr.cNvPr.set("id", str(title_id))  # as WPS and pptx4j write them
    filled = render(sample_presented, saved(deck, tmp_path))
    first = filled.slides[0]
    shape_ids = [found.get("id") for found in first._element.iter(f"{{{P_NAMESPACE}}}cNvPr")]
    assert len(shape_ids) == len(set(shape_ids))
    assert first.shapes.title.shape_id == title_id
    assert shape(first, "Date").text_frame.text == "30 Aug 2024"


def test_a_chart_the_deck_just_shows_is_no_problem_and_keeps_its_workbook(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    slide = new_slide(deck, "Budget")
    add_example_chart(slide, "Chart 7", "Spent")
    template = saved(deck, tmp_path)
    assert check_template(template) == []
    assert Placeholder("slide 8, shape 'Chart 7'", "unbound chart (keeps its example data)") in (
        list_placeholders(template)
    )
    shown = chart_frame(render(sample_presented, template).slides[-1]).chart
    assert list(shown.plots[0].categories) == ["Example"]
    original = chart_frame(pptx.Presentation(str(template)).slides[-1]).chart
    assert shown.part.chart_workbook.xlsx_part.blob == original.part.chart_workbook.xlsx_part.blob


def test_a_chart_linked_to_an_outside_workbook_is_kept_as_linked(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    link_to_outside_workbook(add_example_chart(new_slide(deck, "Budget"), "Chart 7", "Spent"))
    shown = chart_frame(render(sample_presented, saved(deck, tmp_path)).slides[-1]).chart
    assert list(shown.plots[0].categories) == ["Example"]
    assert [rel.target_ref for rel in shown.part.rels.values() if rel.is_external] == [
        OUTSIDE_WORKBOOK
    ]


def test_a_deck_check_finding_names_the_template_not_the_deck_never_written(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    deck = shipped()
    slide = new_slide(deck, "Everyone")
    box = slide.shapes.add_textbox(Inches(9), Inches(6.8), Inches(2), Inches(0.5))
    box.name = "Names"
    box.text_frame.word_wrap = True
    box.text_frame.text = "{% for row in participation %}{{ row.group }}, {% endfor %}" * 3
    template = saved(deck, tmp_path)
    written = tmp_path / "deck.pptx"
    with pytest.raises(DeckCheckError) as raised:
        render_deck(sample_presented, template, written)
    *findings, summary = raised.value.lines()
    assert not written.exists()
    # Slide 8 of the template; in the filled deck it would be slide 6 (two slides are dropped).
    assert findings and all(
        line.startswith(f"{template}: slide 8, shape 'Names'") for line in findings
    )
    assert summary.startswith(f"error: {template}: ")
    assert summary.endswith("1 finding; the deck was not written; fix the template, then run again")
    assert str(written) not in "\n".join(raised.value.lines())


# -- layout after filling: only what filling changed moves (issue 20) ---------------------------

TABLE_TOP = Inches(2)
ROW_HEIGHT = Inches(0.4)
TEMPLATE_GAP = Inches(0.1)
"""The gap the template leaves under its table: less than the quarter inch cipdocs keeps."""


def slide_number_below_a_table(cells: list[list[str]], row_height: int = ROW_HEIGHT) -> Any:
    """Return a 4:3 deck of one slide: a table holding `cells` (at 18 pt, the default size), a
    note right under it, and a slide number whose position comes from its layout, just under
    the note, as PowerPoint adds it (Insert > Slide Number) on a slide that does not move it."""
    deck = pptx.Presentation()
    layout = deck.slide_layouts[5]  # Title Only
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text_frame.text = "Budget"
    frame = slide.shapes.add_table(
        len(cells), 2, Inches(1), TABLE_TOP, Inches(8), row_height * len(cells)
    )
    frame.name = "Budget table"
    for row, texts in zip(frame.table.rows, cells, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text_frame.text = text
    note_top = TABLE_TOP + row_height * len(cells) + TEMPLATE_GAP
    note = slide.shapes.add_textbox(Inches(1), note_top, Inches(5), Inches(0.4))
    note.name = "Note"
    note.text_frame.text = "Figures in euros"
    number = next(
        shape for shape in layout.placeholders if shape.placeholder_format.type == 13
    )  # PP_PLACEHOLDER.SLIDE_NUMBER
    number.top = note_top + Inches(0.5)  # the layout places it under the note
    number.left = Inches(6.5)
    slide.shapes._spTree.append(
        etree.fromstring(
            f'<p:sp xmlns:p="{P_NAMESPACE}" xmlns:a="{CHART_NAMESPACES["a"]}">'
            '<p:nvSpPr><p:cNvPr id="9" name="Slide Number Placeholder 4"/><p:cNvSpPr/>'
            f'<p:nvPr><p:ph type="sldNum" sz="quarter" idx="{number.placeholder_format.idx}"/>'
            "</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p>"
            '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:t>1</a:t>'
            "</a:fld></a:p></p:txBody></p:sp>"
        )
    )
    return deck


def boxes(slide: Any) -> dict[str, tuple[int, int, int, int]]:
    """Return each shape's left, top, width and height as PowerPoint places it."""
    return {item.name: (item.left, item.top, item.width, item.height) for item in slide.shapes}


def row_heights(slide: Any) -> list[int]:
    return [row.height for row in shape(slide, "Budget table").table.rows]


def has_own_position(item: Any) -> bool:
    return item._element.find(f"{{{P_NAMESPACE}}}spPr/{{{CHART_NAMESPACES['a']}}}xfrm") is not None


def test_a_table_the_report_does_not_fill_is_left_as_the_template_has_it(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    # Rows lower than cipdocs measures their 18 pt text (as other producers save them), and
    # shapes under the table closer than a quarter inch: cipdocs grew the rows and pushed the
    # slide number off the slide, to the slide's left edge, and refused the deck (exit 8).
    cells = [["Item", "Cost"], ["Venue", "1,200"], ["Catering", "800"]]
    deck = slide_number_below_a_table(cells)
    for row in deck.slides[0].shapes[1].table.rows:
        row.height = Inches(0.3)
    template = saved(deck, tmp_path)
    original = pptx.Presentation(str(template)).slides[0]
    filled = render(sample_presented, template).slides[0]
    assert boxes(filled) == boxes(original)
    assert row_heights(filled) == row_heights(original) == [Inches(0.3)] * 3
    assert cells_of(filled) == cells
    assert not has_own_position(shape(filled, "Slide Number Placeholder 4"))


def cells_of(slide: Any) -> list[list[str]]:
    return cells(slide, "Budget table")


def test_shapes_a_grown_table_pushes_down_keep_their_place_across_and_the_template_gap(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    # A cell filled with a long text grows its row: the note and the slide number under the
    # table move down by as much, and the slide number (placed by its layout) keeps its left
    # edge and size; cipdocs moved it to the slide's left edge and kept a quarter inch instead.
    long_date = "{{ report_date | long_date }}"
    cells = [["Item", "Date"], ["Updated", ", ".join([long_date] * 6)]]
    template = saved(slide_number_below_a_table(cells), tmp_path)
    original = pptx.Presentation(str(template)).slides[0]
    filled = render(sample_presented, template).slides[0]
    table = shape(filled, "Budget table")
    assert cells_of(filled)[1][1] == ", ".join(["30 August 2024"] * 6)
    grown = table.height - shape(original, "Budget table").height
    assert grown > ROW_HEIGHT  # the long text takes more lines than the row had
    assert row_heights(filled)[0] == ROW_HEIGHT  # the header row filling left is not re-measured
    before, after = boxes(original), boxes(filled)
    for name in ("Note", "Slide Number Placeholder 4"):
        left, top, width, height = before[name]
        assert after[name] == (left, top + grown, width, height), name
    assert shape(filled, "Note").top - (table.top + table.height) == TEMPLATE_GAP
    number = shape(filled, "Slide Number Placeholder 4")
    assert number.left == Inches(6.5)
    assert number.top + number.height <= pptx.Presentation(str(template)).slide_height


def test_a_table_in_a_frame_saved_lower_than_its_rows_pushes_nothing_when_it_does_not_grow(
    render: Render, tmp_path: Path, sample_presented: PresentedReport
) -> None:
    # Some producers save a table's frame lower than its rows; PowerPoint draws the rows, and
    # the template places the shapes under them. Filling a short placeholder grows nothing, so
    # nothing moves; cipdocs took the frame's height for the table's and pushed them down.
    cells = [["Item", "Year"], ["Report", "{{ report_year }}"], ["Venue", "Hall"]]
    deck = slide_number_below_a_table(cells, Inches(0.5))  # rows with room for their text
    deck.slides[0].shapes[1].height = ROW_HEIGHT
    template = saved(deck, tmp_path)
    original = pptx.Presentation(str(template)).slides[0]
    filled = render(sample_presented, template).slides[0]
    assert cells_of(filled)[1] == ["Report", "2024"]
    before, after = boxes(original), boxes(filled)
    assert after.pop("Budget table") == (Inches(1), TABLE_TOP, Inches(8), Inches(0.5) * 3)
    before.pop("Budget table")
    assert after == before


def test_each_follow_on_of_a_long_table_has_notes_of_its_own(render: Render) -> None:
    deck = render(presented(groups_data(300)))
    status = [
        slide
        for slide in deck.slides
        if slide.shapes.title.text_frame.text.startswith("CIP-CCG Framework: Status Update")
    ]
    assert len(status) > 3  # a table continued on several follow-ons
    notes = [slide.notes_slide for slide in status]
    assert {part.notes_text_frame.text for part in notes} == {notes[0].notes_text_frame.text}
    assert "many.xlsx" in notes[0].notes_text_frame.text
    assert len({part.part.partname for part in notes}) == len(status)
    for slide, part in zip(status, notes, strict=True):
        assert part.part.part_related_by(RT.SLIDE) is slide.part
