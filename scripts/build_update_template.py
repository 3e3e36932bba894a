"""Build `templates/cip-ccg-update.docx`, the branded Word template for the CIP-CCG status update.

Run `python scripts/build_update_template.py [PATH]` from the repository root. The committed
`.docx` is what staff edit in Word; this script is how it was made, so it can be rebuilt and
reviewed. Wording lives here (and, once built, in the template), never in cipdocs' code.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import CharacterStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cipdocs.render.files import normalize_zip

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "cip-ccg-update.docx"

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito.
DARK_BLUE = "1F3864"
MID_BLUE = "2E74B5"
TEXT_GREY = "262626"
NOTE_GREY = "595959"
RULE_GREY = "BFBFBF"
BAND_FILL = "F2F5FA"

# A4 with 2 cm margins leaves 17 cm for text; every table's columns add up to it.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH_CM = 17.0

GROUPS_URL = "https://www.icann.org/community"
TABLE_STYLE = "CIP Table"

# A fixed date makes the committed template byte-identical when rebuilt.
BUILT = dt.datetime(2024, 8, 30)


def build_document() -> DocumentObject:
    """Return the complete update template as a python-docx document."""
    document = Document()
    _drop_thumbnail(document)
    set_up_page(document.sections[0])
    set_up_styles(document)
    add_header(document.sections[0])
    add_footer(document.sections[0])
    add_title(document)
    add_changes_section(document)
    add_status_section(document)
    add_participation_section(document)
    add_milestones_section(document)
    add_roadmap_section(document)
    add_source_note(document)
    set_core_properties(document)
    return document


def _drop_thumbnail(document: DocumentObject) -> None:
    # python-docx's default template carries its own preview image; file browsers would show it.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]


def set_up_page(section: Section) -> None:
    """Make the page A4 portrait with 2 cm margins."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Cm(1)


def set_up_styles(document: DocumentObject) -> None:
    """Give the document its branded fonts, colours and spacing."""
    _use_font_everywhere(document)
    styles = document.styles
    normal = styles["Normal"]
    _style_text(normal, size=11, colour=TEXT_GREY)
    normal_format = normal.paragraph_format
    normal_format.space_after = Pt(6)
    normal_format.line_spacing = 1.1

    title = styles["Title"]
    _style_text(title, size=26, colour=DARK_BLUE, bold=True)
    _set_bottom_border(title.element.get_or_add_pPr(), DARK_BLUE, size=12)
    title.paragraph_format.space_after = Pt(2)

    subtitle = styles["Subtitle"]
    _style_text(subtitle, size=13, colour=MID_BLUE, italic=False)
    subtitle.paragraph_format.space_after = Pt(12)

    headings = (("Heading 1", 16, DARK_BLUE, 18), ("Heading 2", 12, MID_BLUE, 12))
    for name, size, colour, before in headings:
        heading = styles[name]
        _style_text(heading, size=size, colour=colour, bold=True)
        heading_format = heading.paragraph_format
        heading_format.space_before, heading_format.space_after = Pt(before), Pt(6)
        heading_format.keep_with_next = True

    caption = styles["Caption"]  # table captions: read as body text, kept with their table
    _style_text(caption, size=11, colour=TEXT_GREY, bold=False, italic=False)
    caption.paragraph_format.space_after = Pt(6)
    caption.paragraph_format.keep_with_next = True

    _style_text(styles["List Number"], size=11, colour=TEXT_GREY)
    styles["List Number"].paragraph_format.space_after = Pt(4)

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    _style_text(table_text, size=10, colour=TEXT_GREY)
    table_text.paragraph_format.space_before = Pt(2)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0

    # A paragraph style beats the table style's header-row colour, so the header row has its own.
    table_heading = styles.add_style("Table Heading", WD_STYLE_TYPE.PARAGRAPH)
    table_heading.base_style = table_text
    _style_text(table_heading, size=10, colour="FFFFFF", bold=True)

    note = styles.add_style("Source Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    _style_text(note, size=8, colour=NOTE_GREY)
    note.paragraph_format.space_before = Pt(18)

    for name in ("Header", "Footer"):
        _style_text(styles[name], size=9, colour=NOTE_GREY)
        # The default centre and right tab stops suit Letter with 1.25" margins, not this page:
        # one right tab at the A4 text width puts the date flush with the right margin.
        tab_stops = styles[name].paragraph_format.tab_stops
        tab_stops.clear_all()
        tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)

    hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = RGBColor.from_string("0563C1")
    hyperlink.font.underline = True

    add_table_style(document)


def _use_font_everywhere(document: DocumentObject) -> None:
    # Theme fonts (Cambria, Calibri Light in python-docx's default) win over named ones; drop them.
    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if run_defaults is not None and run_defaults.find(qn("w:rFonts")) is None:
            run_defaults.insert(0, OxmlElement("w:rFonts"))
    for fonts in styles_element.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            if attribute.endswith("Theme") or attribute.endswith("theme"):
                del fonts.attrib[attribute]
        for kind in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{kind}"), FONT)


def _style_text(
    style: CharacterStyle,
    *,
    size: float,
    colour: str,
    bold: bool | None = None,
    italic: bool | None = None,
) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = RGBColor.from_string(colour)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic


# The elements that follow w:pBdr in a w:pPr (ECMA-376 CT_PPrBase, then CT_PPr's own).
PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _set_bottom_border(paragraph_properties: Any, colour: str, size: int) -> None:
    """Give a style's or paragraph's ``w:pPr`` a bottom rule, replacing any earlier one."""
    for old in paragraph_properties.findall(qn("w:pBdr")):
        paragraph_properties.remove(old)
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{size}" w:space="4" '
        f'w:color="{colour}"/></w:pBdr>'
    )
    # pBdr has its place in CT_PPr's sequence, or Word reports the file as damaged.
    paragraph_properties.insert_element_before(border, *PBDR_SUCCESSORS)


def add_table_style(document: DocumentObject) -> None:
    """Add the `CIP Table` style: thin grey rules and a dark-blue header row in white bold."""
    style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{RULE_GREY}"'
    style.element.append(
        parse_xml(
            f'<w:pPr {nsdecls("w")}><w:spacing w:before="40" w:after="40" w:line="240" '
            'w:lineRule="auto"/></w:pPr>'
        )
    )
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/>"
            f"<w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
            '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        )
    )
    style.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            f'<w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
            f"<w:tblPr/><w:trPr><w:tblHeader/></w:trPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{DARK_BLUE}"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def add_header(section: Section) -> None:
    """Put the title on the left and the report date on the right of every page's header."""
    paragraph = section.header.paragraphs[0]
    paragraph.style = "Header"
    paragraph.add_run("CIP-CCG Status Update\t{{ report_date | short_date }}")
    _set_bottom_border(paragraph._p.get_or_add_pPr(), RULE_GREY, size=4)


def add_footer(section: Section) -> None:
    """Number the pages as ``Page N of M`` in the footer."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _add_field(paragraph, "NUMPAGES")


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    # A complex field (begin, instr, separate, end) is what Word writes; LibreOffice reads it too.
    run = paragraph.add_run()._r
    run.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()._r
    run.append(
        parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>')
    )
    run = paragraph.add_run()._r
    run.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run("1")
    run = paragraph.add_run()._r
    run.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """Append `text` to `paragraph` as a link to `url`, in the `Hyperlink` character style."""
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel_id}" w:history="1">'
        '<w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
        f"<w:t>{text}</w:t></w:r></w:hyperlink>"
    )
    paragraph._p.append(link)


def add_title(document: DocumentObject) -> None:
    """Add the document title and the report date under it."""
    document.add_paragraph("CIP-CCG Status Update", style="Title")
    document.add_paragraph("{{ report_date | long_date }}", style="Subtitle")


def add_changes_section(document: DocumentObject) -> None:
    """Add "Since the last update", which docxtpl keeps only when there is a previous update."""
    document.add_paragraph("{%p if changes.since %}")
    document.add_heading("Since the last update ({{ changes.since | short_date }})", level=1)
    document.add_paragraph(
        "Compared with the update of {{ changes.since | long_date }} "
        "({{ changes.previous_file }}), with {{ changes.meetings_held_since }} "
        "{{ changes.meetings_held_since | plural('meeting') }} held since:"
    )
    document.add_paragraph("{%p for line in changes.lines %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endif %}")


def add_status_section(document: DocumentObject) -> None:
    """Add the framework status table and the representation paragraph."""
    document.add_heading(
        "CIP-CCG Framework: Status Update ({{ report_date | short_date }})", level=1
    )
    add_repeating_table(
        document,
        headers=("Status", "Constituency Groups", "#"),
        widths=(6.0, 9.5, 1.5),
        loop="for row in statuses",
        cells=(
            ("{{ row.label }}", True),
            ("{{ row.groups_marked_text }}", False),
            ("{{ row.count }}", True),
        ),
        centred=(2,),
    )
    paragraph = document.add_paragraph(
        "The ICANN community demonstrated great interest in the evolution of Organizational "
        "Reviews into a CIP, with {{ groups_represented }} out of {{ groups_total }} of the "
    )
    paragraph.paragraph_format.space_before = Pt(10)
    add_hyperlink(paragraph, "groups", GROUPS_URL)
    # The last sentence follows the data; keeping it in one run keeps each branch balanced XML.
    paragraph.add_run(
        " across the ICANN community represented in the CIP-CCG. "
        "{% if not unrepresented %}Every eligible group appointed a representative."
        "{% elif unrepresented | length == 1 %}The only group to not appoint a representative "
        "was {{ unrepresented | and_list('the') }}."
        "{% else %}The groups that did not appoint a representative were "
        "{{ unrepresented | and_list('the') }}.{% endif %}"
    )


def add_participation_section(document: DocumentObject) -> None:
    """Add the band table, the per-group attendance table and the engagement paragraph."""
    document.add_heading("CIP-CCG Representatives: Participation & Engagement", level=1)
    # Table captions are Captions, so Word's navigation and a tagged PDF know them as such.
    lead_in = document.add_paragraph(style="Caption")
    lead_in.add_run("Participation Rate").bold = True
    lead_in.add_run(" (% out of {{ meetings_held }} Meetings, as of {{ report_date | long_date }})")
    add_repeating_table(
        document,
        headers=("Band", "Constituency Groups"),
        widths=(3.0, 14.0),
        loop="for band in bands",
        cells=(("{{ band.band }}", True), ("{{ band.groups_marked_text }}", False)),
    )
    # What each rate marked * is out of, naming the group (issue 19); gone when none is.
    document.add_paragraph("{%p if participation_notes %}")
    document.add_paragraph("* Out of fewer meetings than the {{ meetings_held }} held:")
    document.add_paragraph("{%p for note in participation_notes %}")
    document.add_paragraph("{{ note }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endif %}")
    lead_in = document.add_paragraph(style="Caption")
    lead_in.paragraph_format.space_before = Pt(12)
    lead_in.add_run("Attendance by Group").bold = True
    lead_in.add_run(" (meetings attended out of those held)")
    add_repeating_table(
        document,
        headers=("Group", "Attended", "Held", "Rate"),
        widths=(8.0, 3.0, 3.0, 3.0),
        loop="for row in participation",
        cells=(
            ("{{ row.group }}", False),
            ("{{ row.attended }}", False),
            ("{{ row.held }}", False),
            ("{{ row.rate_text }}", True),
        ),
        centred=(1, 2, 3),
    )
    paragraph = document.add_paragraph(
        "CIP-CCG Representatives regularly reported updates from their Constituencies on ongoing "
        "CIP internal efforts and feedback on CIP Framework throughout {{ report_year }}, as "
        "reported in meeting reports and transcripts."
    )
    paragraph.paragraph_format.space_before = Pt(10)


def add_milestones_section(document: DocumentObject) -> None:
    """Add the convening paragraph and the milestones as a Word numbered list."""
    document.add_heading("CIP-CCG Representatives: Milestones", level=1)
    document.add_paragraph(
        "CIP-CCG, convened in January 2024, with the goal of developing the CIP Framework for "
        "implementation of ATRT3 Recommendation 3.6. The CIP-CCG was tasked with:"
    )
    document.add_paragraph("{%p for m in milestones %}")
    item = document.add_paragraph(style="List Number")
    item.add_run("{{ m.milestone }}").bold = True
    # The status runs sit inside the `if`, so a milestone without one leaves no dash behind.
    item.add_run("{% if m.status %} — ")
    item.add_run("{{ m.status }}").bold = True
    item.add_run("{% endif %}")
    document.add_paragraph("{%p endfor %}")


def add_roadmap_section(document: DocumentObject) -> None:
    """Add the roadmap phases as a table."""
    document.add_heading("Continuous Improvement Program Roadmap", level=1)
    add_repeating_table(
        document,
        headers=("Phase", "Start", "End", "Status"),
        widths=(7.0, 3.0, 3.0, 4.0),
        loop="for phase in roadmap",
        cells=(
            ("{{ phase.phase }}", True),
            ("{{ phase.start | short_date }}", False),
            ("{{ phase.end | short_date }}", False),
            ("{{ phase.status }}", False),
        ),
    )


def add_source_note(document: DocumentObject) -> None:
    """Add the small-print line saying where the figures come from."""
    document.add_paragraph(
        "Source: {{ source.workbook }}, as of {{ report_date | long_date }}; "
        "generated by {{ source.generator }}.",
        style="Source Note",
    )


def add_repeating_table(
    document: DocumentObject,
    *,
    headers: Sequence[str],
    widths: Sequence[float],
    loop: str,
    cells: Sequence[tuple[str, bool]],
    centred: Sequence[int] = (),
) -> Table:
    """Add a header row and one row repeated by docxtpl's ``{%tr for %}`` … ``{%tr endfor %}``."""
    assert abs(sum(widths) - TEXT_WIDTH_CM) < 0.01, f"columns must add up to {TEXT_WIDTH_CM} cm"
    table: Table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fix_layout(table, widths)
    header, opening, body, closing = table.rows
    # docxtpl drops the tag rows whole; spanning them reads better while staff edit the template.
    opening_cell = opening.cells[0].merge(opening.cells[-1])
    closing_cell = closing.cells[0].merge(closing.cells[-1])
    for index, text in enumerate(headers):
        _fill_cell(header.cells[index], text, style="Table Heading", centred=index in centred)
    _fill_cell(opening_cell, f"{{%tr {loop} %}}")
    for index, (text, bold) in enumerate(cells):
        _fill_cell(body.cells[index], text, bold=bold, centred=index in centred)
    _fill_cell(closing_cell, "{%tr endfor %}")
    # The header repeats on each page; a row never breaks across pages.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in (header, body):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def _fix_layout(table: Table, widths: Sequence[float]) -> None:
    # Word honours tblW and tcW with a fixed layout (table.autofit = False), LibreOffice reads
    # gridCol: set all three. Whole twips rounded down keep the columns within the text width.
    twips = [Cm(width) // Twips(1) for width in widths]
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    # CT_TblPr is a sequence: tblW comes straight after tblStyle, or Word calls the file damaged.
    width = parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(twips)}" w:type="dxa"/>')
    style = properties.find(qn("w:tblStyle"))
    if style is not None:
        style.addnext(width)
    else:
        properties.insert(0, width)
    for column, column_twips in zip(table.columns, twips, strict=True):
        column.width = Twips(column_twips)
        for cell in column.cells:
            cell.width = Twips(column_twips)


def _fill_cell(
    cell: _Cell, text: str, *, bold: bool = False, centred: bool = False, style: str = "Table Text"
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    if bold:
        run.bold = True


def set_core_properties(document: DocumentObject) -> None:
    """Set the template's own metadata; docxtpl renders the Jinja in its title."""
    properties = document.core_properties
    properties.title = "CIP-CCG Status Update {{ report_date | short_date }}"
    properties.subject = "CIP-CCG status update"
    properties.author = properties.last_modified_by = "cipdocs"
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = BUILT


def save(document: DocumentObject, destination: Path) -> None:
    """Write `document` to `destination` with fixed zip timestamps: rebuilding changes nothing."""
    buffer = io.BytesIO()
    document.save(buffer)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(normalize_zip(buffer.getvalue()))


def main(argv: Sequence[str]) -> int:
    """Build the template at the path given, or at `templates/cip-ccg-update.docx`."""
    destination = Path(argv[0]) if argv else DEFAULT_OUTPUT
    save(build_document(), destination)
    print(destination)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
