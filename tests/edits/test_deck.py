"""Hand edits of the deck: found against the snapshot, carried into a same-date rerun and into
the next update (or reported), after python-pptx edits and after a LibreOffice re-save too."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Cm, Emu, Pt
from scripts.openxml import SetupError, Validator, cache_folder, is_ready

from cipdocs.cli import cli
from cipdocs.edits.deck import list_deck_edits, snapshot_deck
from cipdocs.edits.model import EditKind
from cipdocs.options import OutputFormat
from cipdocs.pptx_template.measure import measurer as shared_measurer
from cipdocs.verify.deck import check_deck_file
from cipdocs.verify.model import read_deck
from cipdocs.verify.textbox import TextBoxes
from tests.conftest import DECK_TEMPLATE
from tests.edits.editing import (
    ADDED_PARAGRAPH,
    DRAFT,
    KEPT,
    NEXT_STEPS,
    NOTE_ADDED,
    PICTURE,
    REWORDED,
    STATUS_HEADER,
    STATUS_TITLE,
    edit_deck,
    media_parts,
    resave_with_libreoffice,
    run_as_command,
    shape,
    slide_with,
)
from tests.series import SECOND, THIRD, Planted, write_variant

SECOND_DECK = "CIP-CCG Status Update 2024-08-30.pptx"
THIRD_DECK = "CIP-CCG Status Update 2024-09-20.pptx"
EDITORS = ["python-pptx", pytest.param("libreoffice", marks=pytest.mark.office)]
KINDS = {
    EditKind.TEXT_CHANGED,
    EditKind.CELL_CHANGED,
    EditKind.PARAGRAPH_ADDED,
    EditKind.SHAPE_ADDED,
    EditKind.SHAPE_MOVED,
    EditKind.CHART_CHANGED,
    EditKind.FORMAT_CHANGED,
    EditKind.NOTES_CHANGED,
    EditKind.SLIDE_ADDED,
    EditKind.SLIDE_REMOVED,
}


@dataclass(frozen=True)
class Run:
    """A `deck` run: the deck it wrote and what it said on stderr."""

    deck: Path
    lines: list[str]
    """What it said about hand edits."""
    kept: list[str]
    """What it said about the earlier files it kept or moved aside (render/staging.py)."""


def write_deck(workbook: Path, output: Path, *, fresh: bool = False) -> Run:
    """Run `cipdocs deck --format pptx` as the command does, and return the deck and stderr."""
    return Run(*run_as_command(workbook, output, OutputFormat.PPTX, fresh=fresh))


def kept_copy(run: Run, output: Path) -> Path:
    """Return the one earlier file the run kept in `replaced/`, checking what it said."""
    [copy] = (output / "replaced").iterdir()
    assert run.kept == [f"{KEPT}{output / 'replaced'}: {copy.name}"]
    return copy


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("workbooks")
    return write_variant(SECOND, folder / "second.xlsx"), write_variant(
        THIRD, folder / "third.xlsx"
    )


@pytest.fixture(scope="module")
def pristine(workbooks: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 30 Aug deck as cipdocs wrote it."""
    return write_deck(workbooks[0], tmp_path_factory.mktemp("pristine")).deck


@pytest.fixture(scope="module", params=EDITORS)
def edited(
    request: pytest.FixtureRequest, pristine: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The 30 Aug deck edited with python-pptx, and then re-saved by LibreOffice."""
    folder = tmp_path_factory.mktemp("edited")
    edit_deck(pristine, folder / SECOND_DECK)
    if request.param == "libreoffice":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice is not installed: run scripts/install-office.sh")
        resaved = resave_with_libreoffice(folder / SECOND_DECK, folder / "resaved")
        shutil.move(resaved, folder / SECOND_DECK)
    return folder / SECOND_DECK


@pytest.fixture
def output(edited: Path, tmp_path: Path) -> Iterator[Path]:
    """An output folder holding the edited 30 Aug deck."""
    folder = tmp_path / "output"
    folder.mkdir()
    shutil.copy(edited, folder / SECOND_DECK)
    yield folder


def texts(slide: object) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]  # type: ignore[attr-defined]


def titles(deck: Path) -> list[str]:
    return [
        slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        for slide in Presentation(str(deck)).slides
    ]


def test_an_unedited_deck_has_no_edits(pristine: Path) -> None:
    assert list_deck_edits(pristine.read_bytes()) == []


def test_every_kind_of_edit_is_found(edited: Path) -> None:
    found = list_deck_edits(edited.read_bytes())
    assert {edit.kind for edit in found} == KINDS
    places = {(edit.kind, edit.place) for edit in found}
    assert (EditKind.SHAPE_ADDED, "slide 1, 'Draft stamp'") in places
    assert (EditKind.SLIDE_ADDED, "slide 4") in places
    assert (EditKind.CELL_CHANGED, "slide 1, 'Status table', row 1, column 1") in places
    contents = {edit.content for edit in found}
    assert {ADDED_PARAGRAPH, NOTE_ADDED, NEXT_STEPS, STATUS_HEADER, DRAFT} <= contents


def test_a_same_date_rerun_carries_every_edit(
    workbooks: tuple[Path, Path], output: Path, edited: Path
) -> None:
    run = write_deck(workbooks[0], output)

    assert run.lines[0] == f"carried 14 hand edits into the deck from {output / SECOND_DECK}"
    assert run.lines[1:] == []
    # The edited deck it replaced is kept as it was (issue 18's kept copies).
    assert kept_copy(run, output).read_bytes() == edited.read_bytes()
    deck = Presentation(str(run.deck))
    assert titles(run.deck) == [
        STATUS_TITLE,
        "CIP-CCG Representatives: Participation & Engagement",
        "CIP-CCG Representatives: Milestones",
        NEXT_STEPS,
        "Continuous Improvement Program Roadmap",
    ]
    status = slide_with(deck, "Status table")
    assert shape(status, "Representation").text_frame.paragraphs[-1].text == ADDED_PARAGRAPH
    assert shape(status, "Draft stamp").text_frame.text == DRAFT
    assert shape(status, "Status table").table.cell(1, 1).text == "see the annex"
    participation = slide_with(deck, "Band table")
    assert shape(participation, "Reported updates").text_frame.paragraphs[0].runs[0].font.italic
    assert NOTE_ADDED in participation.notes_slide.notes_text_frame.text
    chart = next(s for s in participation.shapes if s.has_chart).chart
    assert list(chart.plots[0].categories) == ["ALAC", "GAC"]
    milestones = slide_with(deck, "Milestone table")
    assert shape(milestones, "Convening").text_frame.text.startswith(REWORDED)
    assert {"Logo", "Rule"} <= {s.name for s in milestones.shapes}
    assert deck.slides[3].notes_slide.notes_text_frame.text == "Notes of the added slide."
    assert len(media_parts(run.deck)) >= 1
    # The new deck's snapshot is of what cipdocs wrote: the carried edits stay hand edits.
    assert {edit.kind for edit in list_deck_edits(run.deck.read_bytes())} == KINDS


def test_the_next_update_carries_what_did_not_change_and_names_the_rest(
    workbooks: tuple[Path, Path], output: Path
) -> None:
    run = write_deck(workbooks[1], output)

    assert run.lines[0] == f"carried 11 hand edits into the deck from {output / SECOND_DECK}"
    left = [line for line in run.lines if line.startswith("warning:")]
    assert left == [
        "warning: slide 1, 'title': text changed not carried (the figures there changed)",
        "warning: slide 1, 'Status table', row 2, column 2: table cell changed not carried "
        "(the figures there changed)",
        "warning: slide 2, 'chart': chart changed not carried (the figures there changed)",
    ]
    deck = Presentation(str(run.deck))
    assert titles(run.deck) == [
        "Since the last update (30 Aug 2024)",
        "CIP-CCG Framework: Status Update (20 Sep 2024)",
        "CIP-CCG Representatives: Participation & Engagement",
        "CIP-CCG Representatives: Milestones",
        NEXT_STEPS,
        "Continuous Improvement Program Roadmap",
    ]
    status = slide_with(deck, "Status table")
    table = shape(status, "Status table").table
    assert table.cell(0, 0).text == STATUS_HEADER
    assert table.cell(1, 1).text != "see the annex"
    paragraphs = [p.text for p in shape(status, "Representation").text_frame.paragraphs]
    assert paragraphs[-1] == ADDED_PARAGRAPH and "TLG" not in paragraphs[-1]
    participation = slide_with(deck, "Band table")
    chart = next(s for s in participation.shapes if s.has_chart).chart
    assert "TLG" in list(chart.plots[0].categories) or len(list(chart.plots[0].categories)) > 2


def test_fresh_carries_nothing(workbooks: tuple[Path, Path], output: Path, edited: Path) -> None:
    run = write_deck(workbooks[0], output, fresh=True)

    assert run.lines == []
    # The edits stay in the earlier deck, kept in replaced/.
    assert kept_copy(run, output).read_bytes() == edited.read_bytes()
    assert list_deck_edits(run.deck.read_bytes()) == []
    assert NEXT_STEPS not in titles(run.deck)


def test_edits_command_lists_them_as_json(edited: Path) -> None:
    result = CliRunner().invoke(cli, ["edits", str(edited), "--json"])

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {"kind": "slide added", "place": "slide 4", "content": NEXT_STEPS} in found
    assert {item["kind"] for item in found} == {kind.value for kind in KINDS}


def test_edits_command_prints_nothing_for_an_unedited_deck(pristine: Path) -> None:
    result = CliRunner().invoke(cli, ["edits", str(pristine)])

    assert result.exit_code == 0 and result.stdout == ""


def test_edits_command_refuses_a_deck_cipdocs_did_not_make() -> None:
    result = CliRunner().invoke(cli, ["edits", str(DECK_TEMPLATE)])

    assert result.exit_code == 3
    assert "holds no record of what cipdocs wrote" in result.stderr
    assert result.stderr.startswith(f"error: {DECK_TEMPLATE}: ")


@pytest.fixture(scope="module")
def carried_decks(
    edited: Path, workbooks: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """The decks that carried the edits: the same-date rerun, then the next update."""
    decks = []
    for workbook in workbooks:
        folder = tmp_path_factory.mktemp("carried")
        shutil.copy(edited, folder / SECOND_DECK)
        decks.append(write_deck(workbook, folder).deck)
    return decks


def test_carried_decks_pass_the_deck_checks(carried_decks: list[Path]) -> None:
    for deck in carried_decks:
        assert check_deck_file(deck) == []


@pytest.mark.openxml
def test_carried_decks_are_valid_open_xml(carried_decks: list[Path]) -> None:
    validator = open_xml_validator()
    for deck in carried_decks:
        assert validator.validate(deck) == []


@pytest.mark.office
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")),
    reason="LibreOffice or poppler is not installed: run scripts/install-office.sh",
)
def test_carried_decks_open_in_libreoffice_one_page_per_slide(
    carried_decks: list[Path], tmp_path: Path
) -> None:
    for deck in carried_decks:
        pdf = convert_to_pdf(deck, tmp_path / deck.stem)
        assert pdf_pages(pdf) == len(Presentation(str(deck)).slides)


def open_xml_validator() -> Validator:
    """Return the Open XML SDK's validator, or skip with the reason it cannot run here."""
    if importlib.util.find_spec("pythonnet") is None or not is_ready(cache_folder()):
        pytest.skip(
            "the Open XML SDK validator is not set up: run `python scripts/openxml.py setup`"
        )
    try:
        return Validator(cache_folder())
    except SetupError as error:
        pytest.skip(f"{error}; run `python scripts/openxml.py setup`")


def convert_to_pdf(deck: Path, folder: Path) -> Path:
    """Return the PDF LibreOffice makes of `deck`."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(deck),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{deck.stem}.pdf"


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_box_new_longer_content_would_run_into_is_left_out_and_named(tmp_path: Path) -> None:
    # Two groups without a representative, with long names: the representation sentence of the
    # next deck is a line longer and reaches the box staff put just below it.
    longer = Planted(
        dt.date(2024, 8, 31),
        new_groups=[
            (
                "Internationalized Domain Names Policy Development Working Group",
                "No",
                "Not started",
            ),
            ("Universal Acceptance Steering Group Liaison", "No", "Not started"),
        ],
    )
    output = tmp_path / "output"
    deck = write_deck(write_variant(SECOND, tmp_path / "a.xlsx"), output).deck
    edited = Presentation(str(deck))
    status = slide_with(edited, "Status table")
    sentence = shape(status, "Representation")
    model = read_deck(edited)
    [measured] = [
        s for slide in model.slides for s in slide.shapes if s.element is sentence.element
    ]
    bottom = TextBoxes(shared_measurer(), model.fonts).of(measured).bottom
    note = status.shapes.add_textbox(sentence.left, Emu(bottom + 60000), Cm(15), Cm(1))
    note.name = "Note"
    note.text_frame.text = "Figures are provisional."
    note.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    status.shapes.add_textbox(Cm(24), Cm(17), Cm(5), Cm(1)).text_frame.text = DRAFT
    edited.save(str(deck))

    run = write_deck(write_variant(longer, tmp_path / "b.xlsx"), output)

    assert run.lines == [
        f"carried 1 hand edit into the deck from {deck}",
        "warning: slide 2, 'Note': shape added not carried (the new text of shape "
        "'Representation' would now run over it)",
    ]
    names = {s.name for s in slide_with(Presentation(str(run.deck)), "Status table").shapes}
    assert "Note" not in names
    assert check_deck_file(run.deck) == []


def test_a_rerun_over_an_unedited_deck_says_nothing_new(
    workbooks: tuple[Path, Path], pristine: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    shutil.copy(pristine, output / SECOND_DECK)

    assert write_deck(workbooks[0], output).lines == []
    assert write_deck(workbooks[1], output).lines == []


def test_deck_command_says_what_it_carried_and_fresh_carries_nothing(
    workbooks: tuple[Path, Path], edited: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    arguments = ["deck", str(workbooks[0]), "-o", str(output), "--format", "pptx"]
    arguments += ["--template", str(DECK_TEMPLATE)]
    shutil.copy(edited, output / SECOND_DECK)
    fresh = CliRunner().invoke(cli, [*arguments, "--fresh"])
    assert fresh.exit_code == 0, fresh.output
    assert "carried" not in fresh.stderr

    shutil.copy(edited, output / SECOND_DECK)
    carried = CliRunner().invoke(cli, arguments)
    assert carried.exit_code == 0, carried.output
    assert f"carried 14 hand edits into the deck from {output / SECOND_DECK}" in carried.stderr
    assert carried.stdout == f"{output / SECOND_DECK}\n"


@pytest.mark.parametrize(
    "damage", [b"not a zip at all", b"PK\x03\x04 a zip cut short"], ids=["text", "cut"]
)
def test_a_damaged_earlier_deck_is_named_and_the_deck_written(
    workbooks: tuple[Path, Path], tmp_path: Path, damage: bytes
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / SECOND_DECK).write_bytes(damage)

    run = write_deck(workbooks[0], output)

    assert len(run.lines) == 1
    assert run.lines[0].startswith(
        f"warning: no hand edits carried into the deck: {output / SECOND_DECK}"
    )
    assert kept_copy(run, output).read_bytes() == damage
    assert list_deck_edits(run.deck.read_bytes()) == []


def test_a_slide_moved_keeps_its_new_figures_in_its_new_place(
    workbooks: tuple[Path, Path], pristine: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    deck = Presentation(str(pristine))
    ids = deck.slides._sldIdLst
    ids.insert(1, ids[-1])  # the roadmap moved up to second place
    deck.save(str(output / SECOND_DECK))
    assert [(e.kind, e.place) for e in list_deck_edits((output / SECOND_DECK).read_bytes())] == [
        (EditKind.SLIDE_MOVED, "slide 2")
    ]

    run = write_deck(workbooks[1], output)

    assert run.lines == [f"carried 1 hand edit into the deck from {output / SECOND_DECK}"]
    # After the slide it followed (the title slide), before the new "Since" slide.
    assert titles(run.deck)[:3] == [
        "CIP-CCG Roadmap (2024)",
        "Continuous Improvement Program Roadmap",
        "Since the last update (30 Aug 2024)",
    ]
    roadmap = Presentation(str(run.deck)).slides[1]
    assert "the red line marks 20 Sep 2024" in roadmap.notes_slide.notes_text_frame.text


def corpus_folder() -> Path | None:
    """Return the folder of real third-party Office files, if this machine has it."""
    root = Path(__file__).resolve().parents[2]
    for candidate in (
        os.environ.get("CIPDOCS_CORPUS"),
        root.parent / "shared" / "corpus",
        Path("/work/shared/corpus"),
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


@pytest.mark.office
@pytest.mark.parametrize("name", ["p-themes.pptx", "p-ececapstonespring2012.pptx"])
def test_a_third_party_deck_resaved_by_libreoffice_shows_no_edits(
    name: str, tmp_path: Path
) -> None:
    # Ten themes, or 24 slides of shapes and pictures: LibreOffice spells out every format,
    # renumbers every id and renames placeholders, and none of it is a hand edit.
    corpus = corpus_folder()
    if corpus is None or not (corpus / "files" / name).is_file():
        pytest.skip("the corpus of third-party files is not here (set CIPDOCS_CORPUS)")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed: run scripts/install-office.sh")
    deck = tmp_path / name
    deck.write_bytes(snapshot_deck((corpus / "files" / name).read_bytes()))

    resaved = resave_with_libreoffice(deck, tmp_path / "resaved")

    assert list_deck_edits(resaved.read_bytes()) == []


def test_a_picture_without_alt_text_is_left_out_with_the_checks_words(
    workbooks: tuple[Path, Path], pristine: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    deck = Presentation(str(pristine))
    slide = slide_with(deck, "Milestone table")
    picture = slide.shapes.add_picture(str(PICTURE), Cm(27), Cm(15.5), Cm(4))
    picture.name = "Unlabelled"
    picture._element.nvPicPr.cNvPr.set("descr", "")  # python-pptx puts the file name there
    deck.save(str(output / SECOND_DECK))

    run = write_deck(workbooks[0], output)

    assert run.lines[0] == f"carried 0 hand edits into the deck from {output / SECOND_DECK}"
    assert run.lines[1].startswith(
        "warning: slide 4, 'Unlabelled': shape added not carried (the deck would fail a check: "
    )
    assert check_deck_file(run.deck) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"text", "not a .pptx or .docx; name a deck or Word update cipdocs wrote"),
        ("deck.pptx", b"not a zip", "not a PowerPoint or Word file; name a deck or Word update"),
        ("missing.pptx", None, "the file does not exist; check the name"),
    ],
)
def test_edits_command_refuses_what_is_not_a_document(
    tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)

    result = CliRunner().invoke(cli, ["edits", str(path)])

    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: {path}: {message}")
