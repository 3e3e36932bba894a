"""Build `templates/cip-ccg-deck.pptx`, the branded deck template, from python-pptx's default.

Run `python scripts/build_deck_template.py [OUTPUT]` after changing this script; staff then edit
the committed .pptx in PowerPoint. Wording lives here (and so in the template), never in the
renderer: every figure is a Jinja2 placeholder documented in docs/templates.md.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Inches, Pt

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "cip-ccg-deck.pptx"

NAVY = "003B71"
"""The title bar and table headers: a dark ICANN-like blue."""
SKY = "00A0DF"
"""The accent line under the title bar."""
TEXT = "1F2937"
BAND_ROW = "EAF1F8"
FONT = "Calibri"  # the theme's fonts; LibreOffice substitutes the metric-compatible Carlito
GROUPS_URL = "https://www.icann.org/community"

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.45)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TITLE_BAR_HEIGHT = Inches(1.0)
GAP = Inches(0.25)
"""The gap the renderer keeps between a grown table and the shapes it pushes down."""

LAYOUTS_KEPT = ("Title Slide", "Title and Content", "Title Only", "Blank")
"""The 4:3 default's other layouts carry 4:3 positions; dropping them keeps the 16:9 set clean."""

THEME_COLOURS = {
    "dk1": TEXT,
    "dk2": NAVY,
    "lt2": BAND_ROW,
    "accent1": NAVY,
    "accent2": SKY,
    "accent3": "7AB648",
    "accent4": "F2A900",
    "accent5": "5B6770",
    "accent6": "C8102E",
    "hlink": "0563C1",
}

NOTES_SOURCE = "of {{ source.workbook }}, as of {{ report_date | short_date }}."
"""Where a slide's figures come from, said to the presenter: follows the sheets' names."""

UNREPRESENTED_SENTENCE = (
    "{% if unrepresented | length == 0 %}Every eligible group appointed a representative."
    "{% elif unrepresented | length == 1 %}The only group to not appoint a representative was "
    "{{ unrepresented | and_list('the') }}."
    "{% else %}The groups that did not appoint a representative were "
    "{{ unrepresented | and_list('the') }}.{% endif %}"
)

PARTICIPATION_CHART = (
    "Chart: for row in participation_by_band; categories=row.group; values=row.rate; "
    "colours=row.colour"
)
"""The chart's name in the Selection Pane: the binding that fills it (docs/templates.md)."""

UNREPRESENTED_NOTES = (
    "{%p if unrepresented %}",
    "Groups without a representative:",
    "{%p for group in unrepresented %}",
    "{{ loop.index }}. {{ group }}",
    "{%p endfor %}",
    "{%p endif %}",
)
"""Speaker notes listing the groups without a representative, one paragraph each."""

CHANGES_NOTES = (
    "{%slide if changes.since %}",
    "What moved since the previous update, {{ changes.previous_file }} "
    "({{ changes.since | short_date }}): figures from the Groups, Attendance, Milestones and "
    "Roadmap sheets " + NOTES_SOURCE,
)
"""The changes slide's notes: its slide tag and the previous update's file."""

MOVED_IN_NOTES = (
    "{%p if changes.since %}",
    "(moved in) marks a group that moved into its row since the previous update, "
    "{{ changes.previous_file }}; (new) a group new since then.",
    "{%p endif %}",
)

# The sample's statuses, one series each; staff with other statuses rename the series (Edit
# Data) and the chart's name to match (docs/cycle.md).
HISTORY_STATUSES = ("Completed", "In progress", "Under discussion", "Not started")
HISTORY_CHART = "Chart: for point in history; categories=point.label; " + "; ".join(
    f"values=point.count('{status}')" for status in HISTORY_STATUSES
)
"""The history chart's name: one category per update, one series per status."""

HISTORY_ALT_TEXT = (
    "Stacked column chart of the groups per framework status at each update: "
    "{% for point in history %}{{ point.label }}: {% for row in statuses %}{{ row.status }} "
    "{{ point.count(row.status) }}{% if not loop.last %}, {% endif %}{% endfor %}"
    "{% if not loop.last %}; {% endif %}{% endfor %}."
)

HISTORY_NOTES = (
    "{%slide if history | length > 2 %}",
    "Framework status counts at each earlier update, oldest first, then this one: figures "
    "from the Groups sheet " + NOTES_SOURCE,
)

CHART_ALT_TEXT = (
    "Bar chart of each group's participation rate, as a percentage of the {{ meetings_held }} "
    "meetings held as of {{ report_date | long_date }}: "
    "{% for row in participation_by_band %}{{ row.group }} {{ row.rate_text }}"
    "{% if row.out_of_text %} ({{ row.out_of_text }}){% endif %}"
    "{% if not loop.last %}, {% endif %}{% endfor %}."
)

TIMELINE_ALT_TEXT = (
    "Timeline of the Continuous Improvement Program roadmap, as of "
    "{{ report_date | long_date }}: {% for phase in roadmap %}{{ phase.phase }}, "
    "{{ phase.start | month_year }} to {{ phase.end | month_year }}"
    "{% if phase.status %} ({{ phase.status }}){% endif %}{% if not loop.last %}; {% endif %}"
    "{% endfor %}."
)


# python-pptx's own annotations are partial; through `Any` its untyped helpers stay callable
# under mypy --strict.
COLOUR: Any = RGBColor
CHART_DATA: Any = CategoryChartData

# Colours written as theme colours, so that changing the theme (Design > Variants) recolours
# tables and text; each slot holds the same colour in the shipped theme.
THEMED = {
    TEXT: MSO_THEME_COLOR.TEXT_1,
    "FFFFFF": MSO_THEME_COLOR.BACKGROUND_1,
    NAVY: MSO_THEME_COLOR.TEXT_2,
    BAND_ROW: MSO_THEME_COLOR.BACKGROUND_2,
}


def rgb(colour: str) -> Any:
    """Return the python-pptx colour for ``RRGGBB``."""
    return COLOUR.from_string(colour)


def paint(color: Any, colour: str) -> None:
    """Set a python-pptx colour to ``RRGGBB``, as the theme colour that holds it if one does."""
    if colour in THEMED:
        color.theme_color = THEMED[colour]
    else:
        color.rgb = rgb(colour)


@dataclass(frozen=True)
class Run:
    """A run of template text and its formatting."""

    text: str
    bold: bool = False
    link: str | None = None


def main(argv: Sequence[str]) -> int:
    """Build the template at the path given, or at templates/cip-ccg-deck.pptx."""
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    presentation = build_presentation()
    presentation.save(str(output))
    print(output)
    return 0


def build_presentation() -> Any:
    """Return the branded template: master, layouts and the seven slides (the changes and the
    history slides appear in a deck only when there are earlier updates to show)."""
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    brand_theme(presentation)
    brand_master(presentation.slide_master)
    keep_layouts(presentation, LAYOUTS_KEPT)
    brand_title_layout(layout_named(presentation, "Title Slide"))
    add_title_slide(presentation)
    add_changes_slide(presentation)
    add_status_slide(presentation)
    add_history_slide(presentation)
    add_participation_slide(presentation)
    add_milestones_slide(presentation)
    add_roadmap_slide(presentation)
    properties = presentation.core_properties
    properties.title = "CIP-CCG status update deck template"
    properties.author = properties.last_modified_by = "cipdocs"
    properties.revision = 1
    return presentation


# -- master, theme, layouts ------------------------------------------------------------------


def brand_theme(presentation: Any) -> None:
    """Set the theme's colours and its heading and body fonts."""
    master_part = presentation.slide_master.part
    theme_part = next(
        rel.target_part for rel in master_part.rels.values() if rel.reltype.endswith("/theme")
    )
    theme = etree.fromstring(theme_part.blob)
    namespace = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    theme.set("name", "CIP-CCG")
    scheme = theme.find(".//a:clrScheme", namespace)
    assert scheme is not None
    scheme.set("name", "CIP-CCG")
    for name, colour in THEME_COLOURS.items():
        slot = scheme.find(f"a:{name}", namespace)
        assert slot is not None
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, qn("a:srgbClr"), val=colour)
    for latin in theme.iterfind(".//a:fontScheme/*/a:latin", namespace):
        latin.set("typeface", FONT)
    theme_part._blob = etree.tostring(
        theme, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def brand_master(master: Any) -> None:
    """Give the master its title bar, accent line, 16:9 positions and white bold titles."""
    tree = master.shapes._spTree
    for shape in master.placeholders:
        kind = int(shape.placeholder_format.type)
        set_position(shape, *MASTER_POSITIONS.get(kind, MASTER_POSITIONS[0]))
        if kind == 1:
            # Shrink-on-overflow makes LibreOffice draw titles smaller than their set size.
            body = shape._element.find(qn("p:txBody")).find(qn("a:bodyPr"))
            for autofit in list(body):
                body.remove(autofit)
    bar = rectangle_xml(90, "Title bar", (0, 0, SLIDE_WIDTH, TITLE_BAR_HEIGHT), NAVY)
    line = rectangle_xml(91, "Accent line", (0, TITLE_BAR_HEIGHT, SLIDE_WIDTH, Inches(0.06)), SKY)
    # Behind the placeholders, so the title stands on the bar.
    tree.insert(2, line)
    tree.insert(2, bar)
    title_style = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle"))
    level = title_style.find(qn("a:lvl1pPr"))
    level.set("algn", "l")
    run_defaults = level.find(qn("a:defRPr"))
    run_defaults.set("sz", "2800")
    run_defaults.set("b", "1")
    fill = run_defaults.find(qn("a:solidFill"))
    for child in list(fill):
        fill.remove(child)
    etree.SubElement(fill, qn("a:schemeClr"), val="bg1")
    body_defaults = master.element.find(qn("p:txStyles")).find(qn("p:bodyStyle"))
    for run_defaults in body_defaults.iter(qn("a:defRPr")):
        run_defaults.set("sz", str(min(int(run_defaults.get("sz", "2000")), 2000)))


# Placeholder type (PP_PLACEHOLDER value) -> left, top, width, height; 0 is the fallback.
MASTER_POSITIONS: dict[int, tuple[int, int, int, int]] = {
    1: (MARGIN, Inches(0.1), CONTENT_WIDTH, Inches(0.8)),  # title
    2: (MARGIN, Inches(1.3), CONTENT_WIDTH, Inches(5.6)),  # body
    16: (MARGIN, Inches(7.05), Inches(3.0), Inches(0.35)),  # date
    15: (Inches(4.67), Inches(7.05), Inches(4.0), Inches(0.35)),  # footer
    13: (Inches(10.88), Inches(7.05), Inches(2.0), Inches(0.35)),  # slide number
    0: (MARGIN, Inches(1.3), CONTENT_WIDTH, Inches(5.6)),
}


def keep_layouts(presentation: Any, names: Sequence[str]) -> None:
    """Remove every layout not named in `names`."""
    layouts = presentation.slide_layouts
    for layout in list(layouts):
        if layout.name not in names:
            layouts.remove(layout)


def layout_named(presentation: Any, name: str) -> Any:
    """Return the layout called `name`."""
    return next(layout for layout in presentation.slide_layouts if layout.name == name)


def brand_title_layout(layout: Any) -> None:
    """Make the title slide a full navy page with the title in white and a sky-blue rule."""
    layout.element.set("showMasterSp", "0")
    background = layout.background.fill
    background.solid()
    background.fore_color.rgb = rgb(NAVY)
    for shape in layout.placeholders:
        if int(shape.placeholder_format.type) == 3:  # centre title
            set_position(shape, Inches(0.9), Inches(2.6), Inches(11.5), Inches(1.5))
        else:
            set_position(shape, Inches(0.9), Inches(4.35), Inches(11.5), Inches(1.0))
    rule = (Inches(0.9), Inches(4.15), Inches(2.5), Inches(0.08))
    layout.shapes._spTree.append(rectangle_xml(90, "Accent rule", rule, SKY))


def rectangle_xml(shape_id: int, name: str, box: tuple[int, int, int, int], colour: str) -> Any:
    """Return a filled, borderless rectangle `p:sp` (masters and layouts lack `add_shape`)."""
    left, top, width, height = box
    return parse_xml(
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr>'
        f'<a:xfrm><a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        "</p:spPr></p:sp>"
    )


# -- slides ---------------------------------------------------------------------------------


def add_title_slide(presentation: Any) -> None:
    """Slide 1: the deck title with the report year."""
    slide = presentation.slides.add_slide(layout_named(presentation, "Title Slide"))
    for shape in list(slide.placeholders):
        if int(shape.placeholder_format.type) not in (3, 4):  # centred title, subtitle
            shape._element.getparent().remove(shape._element)
    set_title(slide, "CIP-CCG Roadmap ({{ report_year }})", size=40)
    # The update's date under the title, so two updates never look the same at a glance.
    subtitle = next(s for s in slide.placeholders if int(s.placeholder_format.type) == 4)
    paragraph = subtitle.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = "Status update, {{ report_date | short_date }}"
    run.font.size = Pt(24)
    run.font.color.rgb = COLOUR.from_string("FFFFFF")
    set_notes(
        slide,
        "Status update as of {{ report_date | short_date }}: the figures on every slide come "
        "from {{ source.workbook }}, whose Settings sheet holds that date.",
    )


def add_status_slide(presentation: Any) -> None:
    """Slide 2: the framework status table and the representation paragraph."""
    slide = add_title_only(
        presentation, "CIP-CCG Framework: Status Update ({{ report_date | short_date }})"
    )
    top = TITLE_BAR_HEIGHT + Inches(0.35)
    table = add_table(
        slide,
        "Status table",
        top,
        widths=(Inches(4.1), CONTENT_WIDTH - Inches(5.0), Inches(0.9)),
        header=(Run("Status"), Run("Constituency Groups"), Run("#")),
        row=(
            [Run("{%tr for row in statuses %}", bold=True), Run("{{ row.label }}", bold=True)],
            [Run("{{ row.groups_marked_text }}")],
            [Run("{{ row.count }}", bold=True)],
        ),
        size=14,
    )
    table.cell(0, 2).text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    table.cell(1, 2).text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    add_text(
        slide,
        "Representation",
        top + table_height(table) + GAP,
        Inches(0.9),
        [
            Run(
                "The ICANN community demonstrated great interest in the evolution of "
                "Organizational Reviews into a CIP, with {{ groups_represented }} out of "
                "{{ groups_total }} of the "
            ),
            Run("groups", link=GROUPS_URL),
            Run(" across the ICANN community represented in the CIP-CCG. "),
            Run(UNREPRESENTED_SENTENCE),
        ],
        size=16,
    )
    set_notes(
        slide,
        "Framework statuses and representatives: figures from the Groups and Statuses sheets "
        + NOTES_SOURCE,
        *UNREPRESENTED_NOTES,
        *MOVED_IN_NOTES,
    )


def add_changes_slide(presentation: Any) -> None:
    """The slide after the title, kept only with a previous update: one bullet per change."""
    slide = add_title_only(presentation, "Since the last update ({{ changes.since | short_date }})")
    box = add_text(
        slide,
        "Changes",
        TITLE_BAR_HEIGHT + Inches(0.35),
        SLIDE_HEIGHT - TITLE_BAR_HEIGHT - Inches(0.8),
        [
            Run(
                "{{ changes.meetings_held_since }} "
                "{{ changes.meetings_held_since | plural('meeting') }} held since "
                "{{ changes.since | long_date }}."
            )
        ],
        size=18,
    )
    frame = box.text_frame
    # Many changes shrink to fit the box (PowerPoint's "Shrink text on overflow").
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for text in ("{%p for line in changes.lines %}", "{{ line }}", "{%p endfor %}"):
        write_runs(frame.add_paragraph(), [Run(text)], size=18)
    add_bullet(frame.paragraphs[2])
    set_notes(slide, *CHANGES_NOTES)


def add_history_slide(presentation: Any) -> None:
    """The slide after the status table, kept once there are two earlier updates: a chart of
    the status counts at each update."""
    slide = add_title_only(presentation, "CIP-CCG Framework: Status over Time")
    data = CHART_DATA(number_format="0")
    data.categories = ["21 Aug 2024", "30 Aug 2024", "20 Sep 2024"]
    # Example data (the test series' counts); the binding replaces it when the deck is made.
    examples = ((7, 8, 9), (6, 5, 4), (6, 6, 6), (0, 0, 1))
    for status, counts in zip(HISTORY_STATUSES, examples, strict=True):
        data.add_series(status, counts)
    top = TITLE_BAR_HEIGHT + Inches(0.35)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_STACKED,
        MARGIN,
        top,
        CONTENT_WIDTH,
        SLIDE_HEIGHT - top - Inches(0.4),
        data,
    )
    frame.name = HISTORY_CHART
    set_alt_text(frame, HISTORY_ALT_TEXT)
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.font.size = Pt(12)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_value = True
    labels.font.size = Pt(11)
    labels.font.bold = True
    labels.font.color.rgb = rgb("FFFFFF")
    # A status no group had at an update gets no "0" label on a zero-height segment.
    labels.number_format = "0;-0;;"
    labels.number_format_is_linked = False
    value_axis = chart.value_axis
    value_axis.minimum_scale = 0
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb("D9D9D9")
    positive_axis_ids(chart)
    set_notes(slide, *HISTORY_NOTES)


def add_participation_slide(presentation: Any) -> None:
    """Slide 3: the band table, the participation chart and the reported-updates paragraph."""
    slide = add_title_only(presentation, "CIP-CCG Representatives: Participation & Engagement")
    add_text(
        slide,
        "Participation heading",
        TITLE_BAR_HEIGHT + Inches(0.2),
        Inches(0.5),
        [
            Run("Participation Rate", bold=True),
            Run(" (% out of {{ meetings_held }} Meetings, as of {{ report_date | long_date }})"),
        ],
        size=18,
    )
    top = TITLE_BAR_HEIGHT + Inches(0.8)
    bands = add_table(
        slide,
        "Band table",
        top,
        widths=(Inches(1.25), Inches(4.55)),
        header=(Run(""), Run("Constituency Groups")),
        row=(
            [Run("{%tr for row in bands %}", bold=True), Run("{{ row.band }}", bold=True)],
            [Run("{{ row.groups_marked_text }}")],
        ),
        size=12,
    )
    add_note_row(bands, "for note in participation_notes", ("*", "{{ note }}"), size=11)
    add_chart(
        slide, left=Inches(6.55), top=top - Inches(0.05), width=Inches(6.33), height=Inches(4.65)
    )
    add_text(
        slide,
        "Reported updates",
        Inches(6.45),
        Inches(0.75),
        [
            Run(
                "CIP-CCG Representatives regularly reported updates from their Constituencies on "
                "ongoing CIP internal efforts and feedback on CIP Framework throughout "
                "{{ report_year }}, as reported in meeting reports and transcripts."
            )
        ],
        size=14,
    )
    set_notes(
        slide,
        "Participation: {{ meetings_held }} meetings held so far; a group's rate is the "
        "meetings its representative attended out of those held, rounded down. Figures from "
        "the Meetings, Attendance and Bands sheets " + NOTES_SOURCE,
    )


def add_note_row(table: Any, loop: str, cells: Sequence[str], size: int) -> None:
    """Append a row repeated over `loop` below the table's body row, holding `cells` (issue 19:
    what a rate marked * is out of, naming the group; no row at all when there is no note)."""
    body = table._tbl.tr_lst[-1]
    body.addnext(copy.deepcopy(body))
    row = table.rows[len(table.rows) - 1]
    row.height = Inches(0.3)
    for column, text in enumerate(cells):
        cell = row.cells[column]
        cell.text = ""
        prefix = "{%tr " + loop + " %}" if column == 0 else ""
        write_runs(cell.text_frame.paragraphs[0], [Run(prefix + text)], size)


def add_milestones_slide(presentation: Any) -> None:
    """Slide 4: the convening paragraph and the numbered milestones."""
    slide = add_title_only(presentation, "CIP-CCG Representatives: Milestones")
    add_text(
        slide,
        "Convening",
        TITLE_BAR_HEIGHT + Inches(0.3),
        Inches(1.0),
        [
            Run(
                "CIP-CCG, convened in January 2024, with the goal of developing the CIP Framework "
                "for implementation of ATRT3 Recommendation 3.6. The CIP-CCG was tasked with:"
            )
        ],
        size=18,
    )
    table = add_table(
        slide,
        "Milestone table",
        TITLE_BAR_HEIGHT + Inches(1.45),
        widths=(Inches(0.7), CONTENT_WIDTH - Inches(3.0), Inches(2.3)),
        header=(Run("#"), Run("Milestone"), Run("Status")),
        row=(
            [Run("{%tr for row in milestones %}{{ row.number }}.")],
            [Run("{{ row.milestone }}", bold=True)],
            [Run("{{ row.status }}", bold=True)],
        ),
        size=16,
    )
    for row in (0, 1):
        table.cell(row, 2).text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    set_notes(
        slide, "Milestones and their status: figures from the Milestones sheet " + NOTES_SOURCE
    )


def add_roadmap_slide(presentation: Any) -> None:
    """Slide 5: the roadmap title and the timeline region the renderer draws in."""
    slide = add_title_only(presentation, "Continuous Improvement Program Roadmap")
    region = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, MARGIN, TITLE_BAR_HEIGHT + Inches(0.35), CONTENT_WIDTH, Inches(5.7)
    )
    region.name = "Timeline"
    region.fill.background()
    region.line.color.rgb = rgb(SKY)
    region.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    region.shadow.inherit = False
    frame = region.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    # The renderer draws the roadmap here; this shape's text labels its "today" marker.
    write_runs(
        frame.paragraphs[0],
        [Run("Today: {{ report_date | short_date }}")],
        size=12,
        colour="C8102E",
    )
    set_alt_text(region, TIMELINE_ALT_TEXT)
    set_notes(
        slide,
        "The roadmap: one bar per phase from its start to its end; the red line marks "
        "{{ report_date | short_date }}. Phases from the Roadmap sheet " + NOTES_SOURCE,
    )


# -- building blocks ------------------------------------------------------------------------


def add_title_only(presentation: Any, title: str) -> Any:
    """Return a new Title Only slide with `title`."""
    slide = presentation.slides.add_slide(layout_named(presentation, "Title Only"))
    set_title(slide, title)
    return slide


def set_title(slide: Any, text: str, size: int | None = None) -> None:
    """Write `text` in the slide's title placeholder, in the master's style."""
    paragraph = slide.shapes.title.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    if size is not None:
        run.font.size = Pt(size)


def set_notes(slide: Any, text: str, *more: str) -> None:
    """Write `text`, then each of `more` as a paragraph of its own, into the speaker notes."""
    frame = slide.notes_slide.notes_text_frame
    frame.text = text
    for paragraph in more:
        frame.add_paragraph().text = paragraph


def add_bullet(paragraph: Any) -> None:
    """Give `paragraph` a round bullet with a hanging indent, as a bulleted list has."""
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", str(Inches(0.3)))
    properties.set("indent", str(-Inches(0.3)))
    properties.append(parse_xml(f'<a:buFont {nsdecls("a")} typeface="Arial"/>'))
    properties.append(parse_xml(f'<a:buChar {nsdecls("a")} char="•"/>'))


def set_alt_text(shape: Any, text: str) -> None:
    """Set the shape's alternative text (its `descr`), a Jinja template like any other text."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def set_position(shape: Any, left: int, top: int, width: int, height: int) -> None:
    """Move and size `shape`."""
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def fill_solid(shape: Any, colour: str) -> None:
    """Fill `shape` with the solid `colour`."""
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(colour)


def write_runs(paragraph: Any, runs: Sequence[Run], size: int, colour: str = TEXT) -> None:
    """Append `runs` to `paragraph` at `size` points, in the theme's body font."""
    for part in runs:
        run = paragraph.add_run()
        run.text = part.text
        run.font.size = Pt(size)
        run.font.bold = part.bold or None
        if part.link:
            run.hyperlink.address = part.link
        else:
            paint(run.font.color, colour)


def add_text(slide: Any, name: str, top: int, height: int, runs: Sequence[Run], size: int) -> Any:
    """Add a full-width text box called `name` holding one paragraph of `runs`."""
    box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, height)
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    write_runs(frame.paragraphs[0], runs, size)
    return box


def add_table(
    slide: Any,
    name: str,
    top: int,
    widths: Sequence[int],
    header: Sequence[Run] | None,
    row: Sequence[Sequence[Run]],
    size: int,
) -> Any:
    """Add a table: an optional header row (white bold on navy), then the row repeated per item."""
    rows = 2 if header else 1
    row_height = Inches(0.45)
    frame = slide.shapes.add_table(rows, len(widths), MARGIN, top, sum(widths), rows * row_height)
    frame.name = name
    table = frame.table
    table.first_row = header is not None
    table.horz_banding = False
    for index, width in enumerate(widths):
        table.columns[index].width = width
    if header:
        table.rows[0].height = row_height
        for column, part in enumerate(header):
            cell = table.cell(0, column)
            write_runs(cell.text_frame.paragraphs[0], [Run(part.text, bold=True)], size, "FFFFFF")
            style_cell(cell, NAVY)
    body = table.rows[rows - 1]
    body.height = row_height
    for column, runs in enumerate(row):
        cell = body.cells[column]
        cell.text_frame.word_wrap = True
        write_runs(cell.text_frame.paragraphs[0], runs, size)
        style_cell(cell, BAND_ROW)
    return table


def style_cell(cell: Any, colour: str) -> None:
    """Fill `cell`, centre it vertically and give it even margins."""
    cell.fill.solid()
    paint(cell.fill.fore_color, colour)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.margin_left = cell.margin_right = Inches(0.08)
    cell.margin_top = cell.margin_bottom = Inches(0.04)


def table_height(table: Any) -> int:
    """Return the sum of the table's row heights."""
    return sum(int(row.height) for row in table.rows)


def add_chart(slide: Any, left: int, top: int, width: int, height: int) -> None:
    """Add the participation bar chart, its look set here and its data filled by the renderer."""
    data = CHART_DATA(number_format='0"%"')
    data.categories = ["Example group A", "Example group B", "Example group C"]
    data.add_series("Participation rate", (100, 85, 46))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    frame.name = PARTICIPATION_CHART
    set_alt_text(frame, CHART_ALT_TEXT)
    chart = frame.chart
    chart.has_legend = False
    chart.has_title = False
    chart.font.size = Pt(10)
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.vary_by_categories = False
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = '0"%"'
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.show_value = True
    labels.font.size = Pt(9)
    series = plot.series[0]
    series.format.fill.solid()
    paint(series.format.fill.fore_color, NAVY)
    category_axis = chart.category_axis
    category_axis.reverse_order = True  # first group at the top, as in the table
    category_axis.format.line.color.rgb = rgb("A6A6A6")
    value_axis = chart.value_axis
    value_axis.minimum_scale = 0
    value_axis.maximum_scale = 100
    value_axis.major_unit = 20
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb("D9D9D9")
    value_axis.tick_labels.number_format = '0"%"'
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    positive_axis_ids(chart)


def positive_axis_ids(chart: Any) -> None:
    """Renumber the chart's axis ids 1, 2, ... in the order they appear."""
    # python-pptx writes negative ids; the schema types them as unsigned, and the Open XML SDK
    # validator reports each one.
    space = chart._chartSpace
    numbers: dict[str, str] = {}
    for element in space.xpath(".//c:axId | .//c:crossAx"):
        element.set("val", numbers.setdefault(element.get("val"), str(len(numbers) + 1)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
