"""Tests for render/docx.py: the Word update filled from the sample, and template checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from cipdocs.errors import TemplateProblemError
from cipdocs.loading import load_report
from cipdocs.render.docx import check_template, list_placeholders, render_update
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
from tests.conftest import contract_sheets, write_sheets

UPDATE_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "cip-ccg-update.docx"
GROUPS_URL = "https://www.icann.org/community"
ODD_NAME = "R&D <Council>"

Render = Callable[[PresentedReport], Document]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    """Return a function rendering a report with the shipped template and reopening the result."""

    def rendered(report: PresentedReport) -> Document:
        destination = tmp_path / "update.docx"
        render_update(report, UPDATE_TEMPLATE, destination)
        return docx.Document(str(destination))

    return rendered


@pytest.fixture
def sample(render: Render, sample_presented: PresentedReport) -> Document:
    """Return the Word update of the sample workbook, reopened."""
    return render(sample_presented)


def small_data(**changes: object) -> WorkbookData:
    """Return a three-group workbook, one group named with `&` and `<`, with fields replaced."""
    data = WorkbookData(
        source_name="small.xlsx",
        report_date=dt.date(2024, 3, 1),
        groups=(
            Group(ODD_NAME, represented=True, status="Done"),
            Group("Beta", represented=True, status="Open"),
            Group("Gamma", represented=True, status=None),
        ),
        statuses=(Status("Done", "Done & dusted"), Status("Open", "Open")),
        meetings=(Meeting("M1", dt.date(2024, 1, 10)), Meeting("M2", dt.date(2024, 2, 10))),
        attendance=(
            AttendanceRecord(ODD_NAME, frozenset({"M1", "M2"}), "Attendance!A2"),
            AttendanceRecord("Beta", frozenset({"M1"}), "Attendance!A3"),
        ),
        bands=(Band("100%", 100, 100), Band("50%-99%", 50, 99), Band("0%-49%", 0, 49)),
        milestones=(Milestone("First task", None), Milestone("Second task", "Done")),
        roadmap=(RoadmapPhase("Build", dt.date(2024, 1, 1), dt.date(2024, 12, 31), None),),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def small_report(**changes: object) -> PresentedReport:
    """Return the presented report of `small_data(**changes)`."""
    return present_report(compute_report(small_data(**changes)))


def style_of(paragraph: Paragraph) -> str:
    """Return the name of the paragraph's style."""
    return paragraph.style.name if paragraph.style is not None else ""


def headings(document: Document) -> list[tuple[str, str]]:
    """Return the style and text of every title and heading paragraph."""
    return [
        (style_of(paragraph), paragraph.text)
        for paragraph in document.paragraphs
        if style_of(paragraph) in ("Title", "Subtitle", "Heading 1", "Heading 2")
    ]


def table_cells(document: Document, number: int) -> list[list[str]]:
    """Return the text of every cell of table `number` (1-based), row by row."""
    return [[cell.text for cell in row.cells] for row in document.tables[number - 1].rows]


def paragraph_starting(document: Document, start: str) -> str:
    """Return the text of the only paragraph beginning with `start`."""
    [text] = [p.text for p in document.paragraphs if p.text.startswith(start)]
    return text


def write_template(path: Path, *paragraphs: str, cell: str | None = None) -> Path:
    """Write a bare .docx holding `paragraphs`, then a one-cell table holding `cell`."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if cell is not None:
        document.add_table(rows=1, cols=1).cell(0, 0).text = cell
    document.save(str(path))
    return path


# The sample: every heading, sentence and table cell of the seed deck.


def test_headings_follow_the_deck(sample: Document) -> None:
    assert headings(sample) == [
        ("Title", "CIP-CCG Status Update"),
        ("Subtitle", "30 August 2024"),
        ("Heading 1", "CIP-CCG Framework: Status Update (30 Aug 2024)"),
        ("Heading 1", "CIP-CCG Representatives: Participation & Engagement"),
        ("Heading 1", "CIP-CCG Representatives: Milestones"),
        ("Heading 1", "Continuous Improvement Program Roadmap"),
    ]


def test_status_table_has_the_seed_rows(sample: Document) -> None:
    assert table_cells(sample, 1) == [
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


def test_status_label_and_count_are_bold(sample: Document) -> None:
    row = sample.tables[0].rows[1]
    label, groups, count = (cell.paragraphs[0].runs for cell in row.cells)
    assert all(run.bold for run in label + count)
    assert not any(run.bold for run in groups)


def test_status_header_row_repeats_on_each_page(sample: Document) -> None:
    for table in sample.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None
        assert header.trPr.find(qn("w:tblHeader")) is not None


def test_representation_paragraph_matches_the_seed(sample: Document) -> None:
    assert paragraph_starting(sample, "The ICANN community") == (
        "The ICANN community demonstrated great interest in the evolution of Organizational "
        "Reviews into a CIP, with 21 out of 22 of the groups across the ICANN community "
        "represented in the CIP-CCG. The only group to not appoint a representative was the ASO."
    )


def test_groups_is_a_hyperlink(sample: Document) -> None:
    [paragraph] = [p for p in sample.paragraphs if p.text.startswith("The ICANN community")]
    [link] = paragraph.hyperlinks
    assert (link.text, link.url) == ("groups", GROUPS_URL)


@pytest.mark.parametrize(
    ("unrepresented", "sentence"),
    [
        ((), "Every eligible group appointed a representative."),
        (("Gamma",), "The only group to not appoint a representative was the Gamma."),
        (
            ("Beta", "Gamma"),
            "The groups that did not appoint a representative were the Beta and the Gamma.",
        ),
    ],
)
def test_representation_sentence_follows_the_data(
    render: Render, unrepresented: tuple[str, ...], sentence: str
) -> None:
    groups = tuple(
        dataclasses.replace(group, represented=group.name not in unrepresented)
        for group in small_data().groups
    )
    document = render(small_report(groups=groups))
    represented = 3 - len(unrepresented)
    assert paragraph_starting(document, "The ICANN community") == (
        "The ICANN community demonstrated great interest in the evolution of Organizational "
        f"Reviews into a CIP, with {represented} out of 3 of the groups across the ICANN "
        f"community represented in the CIP-CCG. {sentence}"
    )


def test_participation_lead_in_and_closing_paragraph(sample: Document) -> None:
    assert paragraph_starting(sample, "Participation Rate") == (
        "Participation Rate (% out of 13 Meetings, as of 30 August 2024)"
    )
    assert paragraph_starting(sample, "CIP-CCG Representatives regularly") == (
        "CIP-CCG Representatives regularly reported updates from their Constituencies on ongoing "
        "CIP internal efforts and feedback on CIP Framework throughout 2024, as reported in "
        "meeting reports and transcripts."
    )


def test_table_captions_are_captions(sample: Document) -> None:
    captions = [p.text for p in sample.paragraphs if style_of(p) == "Caption"]
    assert captions == [
        "Participation Rate (% out of 13 Meetings, as of 30 August 2024)",
        "Attendance by Group (meetings attended out of those held)",
    ]
    # No caption is left a bold Normal paragraph.
    assert not [
        p.text
        for p in sample.paragraphs
        if style_of(p) == "Normal" and p.runs and p.runs[0].bold and len(p.text) < 60
    ]


def test_band_table_shows_na_for_empty_bands(sample: Document) -> None:
    assert table_cells(sample, 2) == [
        ["Band", "Constituency Groups"],
        ["100%", "ALAC, APRALO, EURALO, LACRALO, NARALO, RSSAC"],
        ["80%-99%", "AFRALO, ccNSO, GNSO NCUC"],
        ["60%-79%", "GNSO Council, GNSO IPC, GNSO NPOC, GNSO RrSG, GAC, NomCom, SSAC"],
        ["40%-59%", "GNSO BC, GNSO ISPCP, GNSO RySG"],
        ["20%-39%", "N/A"],
        ["0%-10%", "N/A"],
    ]


def test_group_table_has_each_groups_attendance(sample: Document) -> None:
    assert table_cells(sample, 3) == [
        ["Group", "Attended", "Held", "Rate"],
        ["ALAC", "13", "13", "100%"],
        ["AFRALO", "12", "13", "92%"],
        ["APRALO", "13", "13", "100%"],
        ["EURALO", "13", "13", "100%"],
        ["LACRALO", "13", "13", "100%"],
        ["NARALO", "13", "13", "100%"],
        ["ccNSO", "11", "13", "84%"],
        ["GNSO Council", "10", "13", "76%"],
        ["GNSO BC", "7", "13", "53%"],
        ["GNSO IPC", "9", "13", "69%"],
        ["GNSO ISPCP", "6", "13", "46%"],
        ["GNSO NCUC", "12", "13", "92%"],
        ["GNSO NPOC", "8", "13", "61%"],
        ["GNSO RrSG", "10", "13", "76%"],
        ["GNSO RySG", "7", "13", "53%"],
        ["GAC", "9", "13", "69%"],
        ["NomCom", "8", "13", "61%"],
        ["RSSAC", "13", "13", "100%"],
        ["SSAC", "10", "13", "76%"],
    ]


def test_milestones_are_a_numbered_list(sample: Document) -> None:
    assert paragraph_starting(sample, "CIP-CCG, convened") == (
        "CIP-CCG, convened in January 2024, with the goal of developing the CIP Framework for "
        "implementation of ATRT3 Recommendation 3.6. The CIP-CCG was tasked with:"
    )
    items = [p for p in sample.paragraphs if style_of(p) == "List Number"]
    assert [p.text for p in items] == [
        "Developing a shared understanding of the meaning of Continuous Improvement in the "
        "context of ATRT3 Recommendation 3.6",
        "Considering a range of methodologies for effective continuous improvement programs",
        "Agreeing on the methodology that is fit for ICANN purpose",
        "Formulating a CIP Framework, to be used by each SO, AC, and NomCom — In Progress",
    ]
    # The numbers are Word's own: the style carries a numbering definition.
    style = items[0].style
    assert style is not None
    assert style.element.pPr.numPr is not None
    bold = [run.text for run in items[3].runs if run.bold]
    assert bold == [
        "Formulating a CIP Framework, to be used by each SO, AC, and NomCom",
        "In Progress",
    ]


def test_roadmap_table_has_every_phase(sample: Document) -> None:
    assert table_cells(sample, 4) == [
        ["Phase", "Start", "End", "Status"],
        ["CIP Framework development by the CIP-CCG", "17 Jan 2024", "31 Dec 2024", "In progress"],
        ["Public comment on the CIP Framework", "1 Nov 2024", "31 Jan 2025", "Planned"],
        ["Final CIP Framework", "1 Apr 2025", "30 Jun 2025", "Planned"],
        ["First CIP assessment period", "1 Jul 2025", "30 Jun 2026", "Planned"],
        ["Second CIP assessment period", "1 Jul 2026", "30 Jun 2027", "Planned"],
    ]


def test_source_line_closes_the_document(sample: Document) -> None:
    assert sample.paragraphs[-1].text == (
        "Source: cip-ccg.xlsx, as of 30 August 2024; generated by cipdocs 0.1.0."
    )


def test_header_and_footer(sample: Document) -> None:
    section = sample.sections[0]
    assert section.header.paragraphs[0].text == "CIP-CCG Status Update\t30 Aug 2024"
    footer = section.footer.paragraphs[0]
    fields = [text.text.strip() for text in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page ")


def test_tables_fit_the_page_width(sample: Document) -> None:
    section = sample.sections[0]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    assert page is not None and left is not None and right is not None
    for table in sample.tables:
        assert sum(column.width or 0 for column in table.columns) <= page - left - right


def test_core_properties_are_fixed(sample: Document) -> None:
    properties = sample.core_properties
    assert properties.title == "CIP-CCG Status Update 30 Aug 2024"
    assert (properties.author, properties.last_modified_by) == ("cipdocs", "cipdocs")
    midnight = dt.datetime(2024, 8, 30, tzinfo=dt.UTC)
    assert properties.created == properties.modified == midnight
    assert properties.revision == 1


def test_two_renders_are_byte_identical(sample_presented: PresentedReport, tmp_path: Path) -> None:
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    render_update(sample_presented, UPDATE_TEMPLATE, first)
    render_update(sample_presented, UPDATE_TEMPLATE, second)
    assert first.read_bytes() == second.read_bytes()


def test_names_with_ampersand_and_angle_bracket_come_out_as_text(render: Render) -> None:
    document = render(small_report())
    assert table_cells(document, 1)[1] == ["Done & dusted", ODD_NAME, "1"]
    assert table_cells(document, 2)[1] == ["100%", ODD_NAME]
    assert table_cells(document, 3)[1] == [ODD_NAME, "2", "2", "100%"]


def test_small_report_follows_its_data(render: Render) -> None:
    document = render(small_report())
    assert table_cells(document, 2)[2:] == [["50%-99%", "Beta"], ["0%-49%", "N/A"]]
    assert table_cells(document, 4) == [
        ["Phase", "Start", "End", "Status"],
        ["Build", "1 Jan 2024", "31 Dec 2024", ""],
    ]
    items = [p.text for p in document.paragraphs if style_of(p) == "List Number"]
    assert items == ["First task", "Second task — Done"]


# Templates: placeholders, checks and the errors staff see.


def test_shipped_template_is_clean() -> None:
    assert check_template(UPDATE_TEMPLATE) == []


def test_list_placeholders_names_where_each_stands() -> None:
    found = {(p.where, p.source) for p in list_placeholders(UPDATE_TEMPLATE)}
    assert ("header", "{{ report_date | short_date }}") in found
    assert ("table 1, row 2, cell 1", "{%tr for row in statuses %}") in found
    assert ("table 1, row 3, cell 1", "{{ row.label }}") in found


def test_check_template_flags_an_unknown_name(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.docx", "Intro", "As of {{ reprot_date }}.")
    [issue] = check_template(template)
    assert issue.where == "paragraph 2"
    assert "unknown name 'reprot_date'" in issue.message
    assert "did you mean 'report_date'?" in issue.message


def test_check_template_flags_broken_jinja_in_a_cell(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.docx", "Intro", cell="{{ report_date | short_date }")
    [issue] = check_template(template)
    assert issue.where == "table 1, row 1, cell 1"
    assert "broken placeholder" in issue.message


def test_check_template_points_at_an_unclosed_loop(tmp_path: Path) -> None:
    template = write_template(
        tmp_path / "t.docx", "{%p for m in milestones %}", "{{ m.milestone }}", "The end."
    )
    [issue] = check_template(template)
    assert issue.where == "paragraph 1"
    assert "endfor" in issue.message


def test_check_template_knows_loop_variables_and_curly_quotes(tmp_path: Path) -> None:
    template = write_template(
        tmp_path / "t.docx",
        "{%p for m in milestones %}",
        "{{ m.milestone }}",
        "{%p endfor %}",
        "{{ unrepresented | and_list(\u2018the\u2019) }}",
        cell="{% cellbg bands[0].colour %}{{ bands[0].band }}",
    )
    assert check_template(template) == []


def test_render_names_the_place_of_an_unknown_name(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.docx", "Intro", "{{ report_date | shortdate }}")
    with pytest.raises(TemplateProblemError, match="paragraph 2: broken placeholder"):
        render_update(small_report(), template, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_render_names_the_place_of_a_missing_attribute(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.docx", "Intro", "As of {{ source.nope }}")
    with pytest.raises(
        TemplateProblemError, match=r"paragraph 2: 'source.nope' .*no such attribute"
    ):
        render_update(small_report(), template, tmp_path / "out.docx")


def test_render_names_a_problem_in_the_header(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("{{ report_year }}")
    document.sections[0].header.paragraphs[0].text = "Update {{ report_date.nope }}"
    template = tmp_path / "t.docx"
    document.save(str(template))
    with pytest.raises(
        TemplateProblemError, match=r"header: 'report_date.nope' .*no such attribute"
    ):
        render_update(small_report(), template, tmp_path / "out.docx")


@pytest.mark.parametrize("name", ["missing.docx", "plain.docx"])
def test_missing_or_unreadable_template(tmp_path: Path, name: str) -> None:
    (tmp_path / "plain.docx").write_text("not a zip")
    with pytest.raises(TemplateProblemError, match=name):
        render_update(small_report(), tmp_path / name, tmp_path / "out.docx")
    with pytest.raises(TemplateProblemError, match=name):
        check_template(tmp_path / name)


def test_placeholder_split_across_runs_is_filled(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("As of ")
    for piece in ("{{ report", "_date | short", "_date }}", "."):
        paragraph.add_run(piece).bold = piece == "."
    template = tmp_path / "split.docx"
    document.save(str(template))
    assert [p.source for p in list_placeholders(template)] == ["{{ report_date | short_date }}"]
    render_update(small_report(), template, tmp_path / "out.docx")
    assert docx.Document(str(tmp_path / "out.docx")).paragraphs[0].text == "As of 1 Mar 2024."


def test_check_template_reports_every_mistake_at_once(tmp_path: Path) -> None:
    template = write_template(
        tmp_path / "t.docx",
        "As of {{ reprot_date }}.",
        "{{ ''.__class__.__mro__ }}",
        "{%p for m in milestones %}",
        "{{ m.milestone | shortdate }} {{ m.nope }} {{ grups }}",
        "{%p endfor %}",
        "{% if unrepresented %}open",
        cell="{{ report_date | short_date }",
    )
    found = [(issue.where, issue.message.split(";")[0]) for issue in check_template(template)]
    assert found == [
        ("paragraph 1", "unknown name 'reprot_date' in '{{ reprot_date }}'"),
        ("paragraph 2", "'__mro__' in \"{{ ''.__class__.__mro__ }}\" is refused by the sandbox"),
        ("paragraph 2", "'__class__' in \"{{ ''.__class__.__mro__ }}\" is refused by the sandbox"),
        (
            "paragraph 4",
            "broken placeholder '{{ m.milestone | shortdate }}': No filter named 'shortdate'",
        ),
        ("paragraph 4", "'m.nope' in '{{ m.nope }}': no such attribute"),
        ("paragraph 4", "unknown name 'grups' in '{{ grups }}'"),
        (
            "table 1, row 1, cell 1",
            "broken placeholder in '{{ report_date | short_date }': a {{ or {% is never closed",
        ),
        ("paragraph 6", "'{% if unrepresented %}' is never closed"),
    ]


def test_check_template_flags_tags_word_cannot_use_where_they_stand(tmp_path: Path) -> None:
    template = write_template(
        tmp_path / "t.docx", "{%slide if unrepresented %}", "{%tr for row in statuses %}"
    )
    found = [(issue.where, issue.message) for issue in check_template(template)]
    assert found[:2] == [
        ("paragraph 1", "{%slide %} tags are PowerPoint's; in Word use {%p %} tags"),
        ("paragraph 2", "a {%tr %} or {%tc %} tag belongs in a table cell"),
    ]


def test_rates_out_of_fewer_meetings_are_marked_and_noted_with_the_group_named(
    render: Render, tmp_path: Path
) -> None:
    report = load_report(write_sheets(contract_sheets(), tmp_path / "book.xlsx")).report
    document = render(present_report(report))
    assert paragraph_starting(document, "Participation Rate") == (
        "Participation Rate (% out of 3 Meetings, as of 1 March 2024)"
    )
    bands = next(table for table in document.tables if table.cell(0, 0).text == "Band")
    assert [[cell.text for cell in row.cells] for row in bands.rows][1:] == [
        ["All", "Alpha, Delta*"],
        ["Half", "Beta*"],
        ["Low", "N/A"],
    ]
    texts = [paragraph.text for paragraph in document.paragraphs]
    start = texts.index("* Out of fewer meetings than the 3 held:")
    assert texts[start + 1 : start + 3] == [
        "Beta: 1 of 2 meetings since 1 Feb 2024",
        "Delta: 2 of 2 meetings (1 not expected)",
    ]
    assert style_of(document.paragraphs[start + 1]) == "List Bullet"
    groups = next(table for table in document.tables if table.cell(0, 0).text == "Group")
    assert [[cell.text for cell in row.cells] for row in groups.rows][1:] == [
        ["Alpha", "3", "3", "100%"],
        ["Beta", "1", "2", "50%"],
        ["Delta", "2", "2", "100%"],
    ]


def test_the_sample_has_no_participation_notes(sample: Document) -> None:
    assert not any("fewer meetings" in paragraph.text for paragraph in sample.paragraphs)
