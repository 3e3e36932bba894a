"""Edit a deck cipdocs wrote the way staff do, with python-pptx; re-save it with LibreOffice."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.util import Cm, Emu

from cipdocs.app import build_documents
from cipdocs.cycle import compare_with_previous
from cipdocs.loading import load_report
from cipdocs.options import DeckRequest, OutputFormat
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "docs" / "deck-slide-3.png"

ADDED_PARAGRAPH = "We thank every group for its work."
REWORDED = "Convened in January 2024 by hand-picked representatives"
STATUS_TITLE = "Where the framework stands"
STATUS_HEADER = "Stage"
NOTE_ADDED = "Say: the chart shows each group's rate."
NEXT_STEPS = "Next steps"
DRAFT = "DRAFT"


def shape(slide: Any, name: str) -> Any:
    """Return the shape of `slide` named `name`."""
    return next(s for s in slide.shapes if s.name == name)


def slide_with(deck: Any, name: str) -> Any:
    """Return the slide holding a shape named `name`."""
    return next(slide for slide in deck.slides if any(s.name == name for s in slide.shapes))


def edit_deck(source: Path, target: Path) -> None:
    """Write to `target` the deck at `source` with one edit of every kind staff make."""
    deck = Presentation(str(source))
    status = slide_with(deck, "Status table")
    # Static text: a paragraph added after the (figure-bearing) representation sentence.
    shape(status, "Representation").text_frame.add_paragraph().text = ADDED_PARAGRAPH
    # Text made from the workbook: the title holds the report date.
    status.shapes.title.text_frame.paragraphs[0].runs[0].text = STATUS_TITLE
    # Table cells: a header (static) and a list of groups (from the workbook).
    table = shape(status, "Status table").table
    table.cell(0, 0).text_frame.paragraphs[0].runs[0].text = STATUS_HEADER
    table.cell(1, 1).text_frame.paragraphs[0].runs[0].text = "see the annex"
    box = status.shapes.add_textbox(Cm(24), Cm(16.5), Cm(5), Cm(1.2))
    box.name = "Draft stamp"
    box.text_frame.text = DRAFT

    participation = slide_with(deck, "Band table")
    reported = shape(participation, "Reported updates")
    reported.text_frame.paragraphs[0].runs[0].font.italic = True
    heading = shape(participation, "Participation heading")
    heading.left = Emu(int(heading.left) + int(Cm(1)))
    participation.notes_slide.notes_text_frame.add_paragraph().text = NOTE_ADDED
    chart = next(s for s in participation.shapes if s.has_chart).chart
    data = CategoryChartData()
    data.categories = ["ALAC", "GAC"]
    data.add_series("Participation rate", (50, 60))
    chart.replace_data(data)

    milestones = slide_with(deck, "Milestone table")
    convening = shape(milestones, "Convening").text_frame.paragraphs[0]
    convening.runs[0].text = REWORDED
    for run in convening.runs[1:]:
        run.text = ""
    picture = milestones.shapes.add_picture(str(PICTURE), Cm(27), Cm(15.5), Cm(4))
    picture.name = "Logo"
    picture._element.nvPicPr.cNvPr.set("descr", "A preview of the participation slide")
    line = milestones.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, Cm(1), Cm(18.5), Cm(20), Cm(18.5)
    )
    line.name = "Rule"

    layout = next(layout for layout in deck.slide_layouts if layout.name == "Title Only")
    added = deck.slides.add_slide(layout)
    added.shapes.title.text = NEXT_STEPS
    steps = added.shapes.add_textbox(Cm(2), Cm(4), Cm(20), Cm(2))
    steps.name = "Steps"
    steps.text_frame.text = "Public comment opens in November."
    added.shapes.add_picture(str(PICTURE), Cm(2), Cm(8), Cm(6)).name = "Picture on new slide"
    added.shapes[-1]._element.nvPicPr.cNvPr.set("descr", "The participation slide")
    added.notes_slide.notes_text_frame.text = "Notes of the added slide."
    ids = deck.slides._sldIdLst
    ids.insert(4, ids[-1])  # after the milestones slide, before the roadmap
    first = ids[0]  # the title slide is deleted
    deck.part.drop_rel(first.rId)
    ids.remove(first)
    deck.save(str(target))


def resave_with_libreoffice(source: Path, folder: Path) -> Path:
    """Return `source` opened and saved again by LibreOffice (headless), in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            source.suffix.lstrip("."),
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / source.name


def media_parts(path: Path) -> list[str]:
    """Return the picture parts a deck holds."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if name.startswith("ppt/media/")]


def xml_of(element: Any) -> str:
    """Return an element's XML, for messages."""
    return etree.tostring(element, encoding="unicode")


KEPT = "kept the earlier files this run replaced, in "
"""How a run starts its line about the earlier files it kept in `replaced/`."""


def run_as_command(
    workbook: Path, output: Path, output_format: OutputFormat, *, fresh: bool = False
) -> tuple[Path, list[str], list[str]]:
    """Run `cipdocs deck --format FORMAT` as the command does (comparing with the update found
    in `output`); return the document written, what it said about hand edits, and what it said
    about the earlier files it kept or moved aside (render/staging.py)."""
    loaded = load_report(workbook)
    request = DeckRequest(
        workbook=workbook,
        output_dir=output,
        deck_template=DECK_TEMPLATE,
        update_template=UPDATE_TEMPLATE,
        output_format=output_format,
        parallel=False,
        fresh=fresh,
    )
    said: list[str] = []
    comparison = compare_with_previous(loaded.report, None, output)
    [written] = build_documents(request, loaded, said.append, comparison=comparison)
    kept = [line for line in said if line.startswith((KEPT, "moved "))]
    return written, [line for line in said if line not in kept], kept
