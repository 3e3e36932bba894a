"""Hand edits of the Word update: listed against its snapshot, carried into a rerun and the next
update, from a document edited with python-docx and from one saved again by LibreOffice Writer."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree

from cipdocs.cli import cli
from cipdocs.edits.model import EditKind
from cipdocs.edits.update import (
    NoSnapshotError,
    carry_update_edits,
    list_update_edits,
)
from cipdocs.edits.update_carry import counterparts
from cipdocs.edits.update_units import Written
from cipdocs.loading import load_report
from cipdocs.options import OutputFormat
from cipdocs.render.docx import render_update
from cipdocs.report.present import present_report
from tests.conftest import ROOT, UPDATE_TEMPLATE
from tests.edits.editing import KEPT, resave_with_libreoffice, run_as_command
from tests.series import SECOND, THIRD, Planted, write_series

NO_SOFFICE = "LibreOffice (soffice) is not installed: run scripts/install-office.sh"
SECOND_NAME = "CIP-CCG Status Update 2024-08-30.docx"
THIRD_NAME = "CIP-CCG Status Update 2024-09-20.docx"
DRAFT = "DRAFT: figures to be confirmed by the CCG chair."
REWORDED = "The CIP-CCG first met in January 2024 to develop the CIP Framework. Its tasks:"
MILESTONE = "Formulating the CIP Framework, for each SO, AC and the NomCom"
ATTENDANCE = "table 'Group, Attended, Held, Rate'"
ROADMAP = "table 'Phase, Start, End, Status'"

ADDED = (EditKind.PARAGRAPH_ADDED, "after 'CIP-CCG Framework: Status Update (30 Aug…'", DRAFT)
BOLDED = (
    EditKind.FORMAT_CHANGED,
    "paragraph 'Attendance by Group (meetings attended…'",
    "Attendance by Group (meetings attended out of those held)",
)
SSAC_CELL = (EditKind.CELL_CHANGED, f"{ATTENDANCE}, row 'SSAC'", "SSAC | 10 | 13 | 77% (see note)")
REMOVED = (
    EditKind.PARAGRAPH_REMOVED,
    "paragraph 'CIP-CCG Representatives regularly…'",
    "CIP-CCG Representatives regularly reported updates from their Constituencies on ongoing "
    "CIP internal efforts and feedback on CIP Framework throughout 2024, as reported in "
    "meeting reports and transcripts.",
)
STATIC_REWORDED = (
    EditKind.TEXT_CHANGED,
    "paragraph 'CIP-CCG, convened in January 2024, with…'",
    REWORDED,
)
LIST_REWORDED = (
    EditKind.TEXT_CHANGED,
    "paragraph 'Formulating a CIP Framework, to be used…'",
    f"{MILESTONE} — In Progress",
)
ROADMAP_CELL = (
    EditKind.CELL_CHANGED,
    f"{ROADMAP}, row 'Final CIP Framework'",
    "Final CIP Framework | 1 Apr 2025 | 30 Jun 2025 | Planned (Board approval)",
)
PLANTED = [ADDED, BOLDED, SSAC_CELL, REMOVED, STATIC_REWORDED, LIST_REWORDED, ROADMAP_CELL]
"""The edits `plant_edits` makes, as `list_update_edits` reports them, in document order."""


def plant_edits(path: Path) -> None:
    """Edit the Word update at `path` as staff might, with python-docx, and save it."""
    document = Document(str(path))

    def paragraph(start: str) -> Paragraph:
        return next(p for p in document.paragraphs if p.text.startswith(start))

    convened = paragraph("CIP-CCG, convened in January 2024")
    for run in convened.runs[1:]:
        run._r.getparent().remove(run._r)
    convened.runs[0].text = REWORDED
    heading = paragraph("CIP-CCG Framework: Status Update")
    heading._p.addnext(parse_xml(f"<w:p {nsdecls('w')}/>"))
    Paragraph(heading._p.getnext(), heading._parent).add_run(DRAFT).bold = True
    paragraph("Attendance by Group").runs[1].bold = True
    paragraph("Formulating a CIP Framework").runs[0].text = MILESTONE
    removed = paragraph("CIP-CCG Representatives regularly reported")
    removed._p.getparent().remove(removed._p)
    _cell(document.tables[2], "SSAC", 3).runs[0].text = "77% (see note)"
    _cell(document.tables[3], "Final CIP Framework", 3).runs[0].text = "Planned (Board approval)"
    document.save(str(path))


def _cell(table: object, first: str, column: int) -> Paragraph:
    row = next(row for row in table.rows if row.cells[0].text == first)  # type: ignore[attr-defined]
    paragraph: Paragraph = row.cells[column].paragraphs[0]
    return paragraph


@dataclass(frozen=True)
class WrittenUpdate:
    """A Word update written by `write_update`, with what the run said on stderr."""

    path: Path
    said: list[str]
    """What the run said about hand edits."""
    kept: list[str]
    """What it said about the earlier files it kept in `replaced/` (render/staging.py)."""


def write_update(workbook: Path, folder: Path, *, fresh: bool = False) -> WrittenUpdate:
    """Write the Word update of `workbook` into `folder` as `cipdocs deck --format docx` does."""
    return WrittenUpdate(*run_as_command(workbook, folder, OutputFormat.DOCX, fresh=fresh))


def kept_copy(update: WrittenUpdate) -> bytes:
    """Return the bytes of the one earlier file the run kept in `replaced/`, checking what it
    said."""
    folder = update.path.parent / "replaced"
    [copy] = folder.iterdir()
    assert update.kept == [f"{KEPT}{folder}: {copy.name}"]
    return copy.read_bytes()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    books = write_series(tmp_path_factory.mktemp("books"))
    return {book.stem.split()[-1]: book for book in books}


def book(workbooks: dict[str, Path], planted: Planted) -> Path:
    return workbooks[planted.report_date.isoformat()]


@pytest.fixture(scope="module", params=["python-docx", "libreoffice"])
def edited(
    request: pytest.FixtureRequest,
    workbooks: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Return a folder holding the 30 Aug update, edited (and saved again by LibreOffice)."""
    if request.param == "libreoffice" and shutil.which("soffice") is None:
        pytest.skip(NO_SOFFICE)
    folder = tmp_path_factory.mktemp(f"edited-{request.param}")
    path = write_update(book(workbooks, SECOND), folder).path
    plant_edits(path)
    if request.param == "libreoffice":
        resave_with_libreoffice(path, folder / "resaved").replace(path)
        shutil.rmtree(folder / "resaved")
    return folder


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "output"
    shutil.copytree(folder, target)
    return target


def edits_in(path: Path) -> list[tuple[EditKind, str, str]]:
    return [(edit.kind, edit.place, edit.content) for edit in list_update_edits(path.read_bytes())]


def body_texts(path: Path) -> list[str]:
    return [paragraph.text for paragraph in Document(str(path)).paragraphs]


def row_texts(path: Path, table: int) -> list[list[str]]:
    rows = Document(str(path)).tables[table].rows
    return [[cell.text for cell in row.cells] for row in rows]


# --- listing --------------------------------------------------------------------------------


def test_an_update_as_written_has_no_edits(workbooks: dict[str, Path], tmp_path: Path) -> None:
    path = write_update(book(workbooks, SECOND), tmp_path).path
    assert edits_in(path) == []


@pytest.mark.office
@pytest.mark.skipif(shutil.which("soffice") is None, reason=NO_SOFFICE)
def test_a_libreoffice_save_alone_is_no_edit(workbooks: dict[str, Path], tmp_path: Path) -> None:
    # Writer writes default styles, spacing and list numbers out, renames the Hyperlink style
    # and splits runs: none of it is an edit.
    path = write_update(book(workbooks, SECOND), tmp_path).path
    assert edits_in(resave_with_libreoffice(path, tmp_path / "resaved")) == []


def test_the_planted_edits_are_listed_with_place_and_content(edited: Path) -> None:
    assert edits_in(edited / SECOND_NAME) == PLANTED


def test_edits_json_lists_the_word_update_edits(edited: Path) -> None:
    result = CliRunner().invoke(cli, ["edits", str(edited / SECOND_NAME), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"kind": kind.value, "place": place, "content": content} for kind, place, content in PLANTED
    ]


def test_a_document_cipdocs_did_not_write_has_no_snapshot() -> None:
    with pytest.raises(NoSnapshotError):
        list_update_edits(UPDATE_TEMPLATE.read_bytes())


# --- carrying -------------------------------------------------------------------------------


def test_a_rerun_of_the_same_date_carries_every_edit(
    edited: Path, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy_of(edited, tmp_path)

    rerun = write_update(book(workbooks, SECOND), folder)

    assert rerun.said == [f"carried 7 hand edits into the Word update from {folder / SECOND_NAME}"]
    # The edited update it replaced is kept as it was (issue 18's kept copies).
    assert kept_copy(rerun) == (edited / SECOND_NAME).read_bytes()
    texts = body_texts(rerun.path)
    heading = texts.index("CIP-CCG Framework: Status Update (30 Aug 2024)")
    assert texts[heading + 1] == DRAFT
    assert REWORDED in texts
    assert not any(text.startswith("CIP-CCG Representatives regularly") for text in texts)
    assert ["SSAC", "10", "13", "77% (see note)"] in row_texts(rerun.path, 2)
    # The carried edits are hand edits of the new document too: the next run carries them again.
    assert edits_in(rerun.path) == PLANTED


def test_the_next_update_carries_edits_where_the_content_did_not_change(
    edited: Path, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy_of(edited, tmp_path)

    update = write_update(book(workbooks, THIRD), folder)

    assert update.said == [
        f"carried 6 hand edits into the Word update from {folder / SECOND_NAME}",
        f"warning: {ATTENDANCE}, row 'SSAC': table cell changed not carried (the figures there changed)",
    ]
    texts = body_texts(update.path)
    # The added paragraph stays after the heading it followed, whose date changed.
    heading = texts.index("CIP-CCG Framework: Status Update (20 Sep 2024)")
    assert texts[heading + 1] == DRAFT
    assert REWORDED in texts
    assert f"{MILESTONE} — In Progress" in texts
    # SSAC's figures changed: the new ones win over the edit.
    assert ["SSAC", "12", "14", "85%"] in row_texts(update.path, 2)
    # The roadmap phase did not change: its edited cell is carried.
    assert [
        "Final CIP Framework",
        "1 Apr 2025",
        "30 Jun 2025",
        "Planned (Board approval)",
    ] in row_texts(update.path, 3)
    bold = [
        run.bold
        for paragraph in Document(str(update.path)).paragraphs
        if paragraph.text.startswith("Attendance by Group")
        for run in paragraph.runs
    ]
    assert bold and all(bold)  # LibreOffice merges the two bold runs into one
    next_heading = (
        EditKind.PARAGRAPH_ADDED,
        "after 'CIP-CCG Framework: Status Update (20 Sep…'",
        DRAFT,
    )
    assert edits_in(update.path) == [next_heading, *PLANTED[1:2], *PLANTED[3:]]

    # A rerun of the new date carries them again, from the document just written.
    rerun = write_update(book(workbooks, THIRD), folder)
    assert rerun.said == [f"carried 6 hand edits into the Word update from {folder / THIRD_NAME}"]


def test_fresh_carries_nothing(edited: Path, workbooks: dict[str, Path], tmp_path: Path) -> None:
    folder = copy_of(edited, tmp_path)

    rerun = write_update(book(workbooks, SECOND), folder, fresh=True)

    assert rerun.said == []
    # The edits stay in the earlier update, kept in replaced/.
    assert kept_copy(rerun) == (edited / SECOND_NAME).read_bytes()
    assert edits_in(rerun.path) == []


def test_a_paragraph_reworded_in_the_template_starts_afresh(
    edited: Path, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    template = Document(str(UPDATE_TEMPLATE))
    convened = next(p for p in template.paragraphs if p.text.startswith("CIP-CCG, convened"))
    convened.runs[0].text = "The CIP-CCG was convened in January 2024. It was tasked with:"
    template.save(str(tmp_path / "template.docx"))
    loaded = load_report(book(workbooks, SECOND))

    carried = render_update(
        present_report(loaded.report),
        tmp_path / "template.docx",
        tmp_path / "update.docx",
        edits_from=edited / SECOND_NAME,
    ).carried

    assert carried is not None
    assert [str(left) for left in carried.not_carried] == [
        "paragraph 'CIP-CCG, convened in January 2024, with…': text changed not carried "
        "(that part is no longer in the update)"
    ]
    assert len(carried.carried) == 6
    assert "The CIP-CCG was convened in January 2024. It was tasked with:" in body_texts(
        tmp_path / "update.docx"
    )


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (
            {"word/document.xml": b"<w:document"},
            "the Word update is damaged; open it in Word and save it again",
        ),
        (None, "the earlier Word update is damaged (not a complete zip file)"),
    ],
)
def test_a_damaged_earlier_update_is_named_and_the_new_one_written(
    workbooks: dict[str, Path], tmp_path: Path, damage: dict[str, bytes] | None, problem: str
) -> None:
    path = write_update(book(workbooks, SECOND), tmp_path).path
    if damage is None:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in {**parts, **damage}.items():
                archive.writestr(name, data)
    damaged = tmp_path / "damaged.docx"
    shutil.copyfile(path, damaged)

    rerun = write_update(book(workbooks, SECOND), tmp_path)

    [line] = rerun.said
    assert line.startswith(f"warning: no hand edits carried into the Word update: {path}")
    assert kept_copy(rerun) == damaged.read_bytes()
    assert problem in line
    assert edits_in(rerun.path) == []
    # `cipdocs edits` refuses it in one line, as a file it cannot tell edits in.
    result = CliRunner().invoke(cli, ["edits", str(damaged)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: {damaged}")


def test_an_update_without_edits_before_it_says_nothing(
    workbooks: dict[str, Path], tmp_path: Path
) -> None:
    write_update(book(workbooks, SECOND), tmp_path)
    assert write_update(book(workbooks, SECOND), tmp_path).said == []
    assert write_update(book(workbooks, THIRD), tmp_path).said == []


def test_links_and_pictures_are_carried_and_footnotes_reported(
    workbooks: dict[str, Path], tmp_path: Path
) -> None:
    path = write_update(book(workbooks, SECOND), tmp_path).path
    document = Document(str(path))
    linked = document.add_paragraph("See the ")
    rel_id = linked.part.relate_to(
        "https://www.icann.org/cip",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel_id}"><w:r><w:t>CIP page</w:t></w:r>'
            "</w:hyperlink>"
        )
    )
    document.add_picture(str(ROOT / "docs" / "deck-slide-3.png"), width=Cm(8))
    noted = document.add_paragraph("A sentence with a footnote.")
    noted.runs[0]._r.addnext(
        parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>')
    )
    document.save(str(path))

    rerun = write_update(book(workbooks, SECOND), tmp_path)

    assert rerun.said == [
        f"carried 2 hand edits into the Word update from {path}",
        "warning: after 'Source: cip-ccg 2024-08-30.xlsx, as of…': paragraph added not carried "
        "(it holds a footnote, which cipdocs cannot carry)",
    ]
    carried = Document(str(rerun.path))
    assert carried.paragraphs[-2].text == "See the CIP page"
    assert carried.inline_shapes[0].width == Cm(8)
    image = carried.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert (
        carried.part.related_parts[image].blob == (ROOT / "docs" / "deck-slide-3.png").read_bytes()
    )
    links = [
        rel.target_ref for rel in carried.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert "https://www.icann.org/cip" in links
    assert qn("w:footnoteReference") not in {e.tag for e in carried.element.body.iter()}
    # Carried again from the rerun: the same bytes, so nothing circulated looks changed.
    first = rerun.path.read_bytes()
    again = write_update(book(workbooks, SECOND), tmp_path)
    assert again.said[0] == f"carried 2 hand edits into the Word update from {path}"
    assert again.path.read_bytes() == first
    assert again.kept == []


def corpus_folder() -> Path | None:
    """Return the shared corpus of third-party Office files, or None where it is absent."""
    configured = os.environ.get("CIPDOCS_CORPUS")
    for folder in (Path(configured) if configured else None, ROOT.parent / "shared" / "corpus"):
        if folder is not None and (folder / "MANIFEST.json").is_file():
            return folder
    fallback = Path("/work/shared/corpus")
    return fallback if (fallback / "MANIFEST.json").is_file() else None


def word_documents() -> list[Path]:
    folder = corpus_folder()
    if folder is None:
        return []
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    return [
        folder / entry["file"]
        for entry in manifest["files"]
        if entry["kind"] == "docx" and "encrypted" not in entry["producer"]
    ]


@pytest.mark.openxml
@pytest.mark.skipif(corpus_folder() is None, reason="the shared corpus is not here")
def test_paragraphs_pasted_from_other_producers_are_carried_or_reported(
    workbooks: dict[str, Path], tmp_path: Path, validate: Callable[[Path], list[object]]
) -> None:
    # Paragraphs, tables and content controls as Word, LibreOffice and Google Docs wrote them
    # (tracked changes, comments, equations, drawings, fields), pasted under the title.
    written = write_update(book(workbooks, SECOND), tmp_path).path
    document = Document(str(written))
    title = document.paragraphs[0]._p
    sources = 0
    for source in word_documents():
        with zipfile.ZipFile(source) as archive:
            body = etree.fromstring(archive.read("word/document.xml")).find(qn("w:body"))
        if body is None:  # Strict Open XML: another namespace, not a Word update's
            continue
        sources += 1
        blocks = [child for child in body if child.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt"))]
        for block in reversed(blocks[:15]):
            title.addnext(copy.deepcopy(block))
    edited = tmp_path / "pasted.docx"
    document.save(str(edited))

    pasted = list_update_edits(edited.read_bytes())
    carried = carry_update_edits(edited.read_bytes(), edited, written.read_bytes())

    assert sources >= 10
    assert len(pasted) > 100
    assert len(carried.carried) + len(carried.not_carried) == len(pasted)
    # Pictures and links pasted without their parts are refused, never written dangling.
    assert {left.reason for left in carried.not_carried} <= {
        "it holds an object, which cipdocs cannot carry",
        "it refers to a part the document does not hold",
    }
    result = tmp_path / "carried.docx"
    result.write_bytes(carried.data)
    assert validate(result) == []
    # What was carried is still a hand edit of the new document.
    assert len(edits_in(result)) == len(carried.carried)


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def save_as_word_might(path: Path) -> None:
    """Rewrite the body of `path` with the markup Word adds when it saves: paragraph ids,
    revision ids, proofing marks, the _GoBack bookmark, and runs split at each word."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for number, paragraph in enumerate(root.iter(qn("w:p"))):
        paragraph.set(f"{{{W14}}}paraId", f"{0x10000000 + number:08X}")
        paragraph.set(f"{{{W14}}}textId", "77777777")
        paragraph.set(qn("w:rsidR"), "00AB12CD")
        for run in list(paragraph.iter(qn("w:r"))):
            text = run.find(qn("w:t"))
            if text is None or " " not in (text.text or ""):
                continue
            words = (text.text or "").split(" ")
            for index, word in enumerate(words[:-1]):
                piece = copy.deepcopy(run)
                piece.find(qn("w:t")).text = word + " "
                piece.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.addprevious(piece)
                if index == 0:
                    run.addprevious(etree.Element(qn("w:proofErr"), {qn("w:type"): "spellStart"}))
            text.text = words[-1]
    first = root.find(qn("w:body")).find(qn("w:p"))
    first.append(etree.Element(qn("w:bookmarkStart"), {qn("w:id"): "0", qn("w:name"): "_GoBack"}))
    first.append(etree.Element(qn("w:bookmarkEnd"), {qn("w:id"): "0"}))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.openxml
def test_word_markup_is_no_edit_and_is_carried_cleanly(
    workbooks: dict[str, Path], tmp_path: Path, validate: Callable[[Path], list[object]]
) -> None:
    unedited = write_update(book(workbooks, SECOND), tmp_path / "unedited").path
    save_as_word_might(unedited)
    assert edits_in(unedited) == []
    path = write_update(book(workbooks, SECOND), tmp_path).path
    plant_edits(path)
    save_as_word_might(path)
    assert edits_in(path) == PLANTED

    update = write_update(book(workbooks, THIRD), tmp_path)

    assert update.said[0] == f"carried 6 hand edits into the Word update from {path}"
    assert validate(update.path) == []


@pytest.mark.openxml
def test_a_section_break_keeps_its_page_without_its_own_header(
    workbooks: dict[str, Path], tmp_path: Path, validate: Callable[[Path], list[object]]
) -> None:
    path = write_update(book(workbooks, SECOND), tmp_path).path
    document = Document(str(path))
    document.add_section()  # ends the first section with a paragraph that holds its sectPr
    first = document.sections[0]
    first.orientation = WD_ORIENT.LANDSCAPE
    first.page_width, first.page_height = first.page_height, first.page_width
    document.save(str(path))

    rerun = write_update(book(workbooks, SECOND), tmp_path)

    assert rerun.said == [f"carried 1 hand edit into the Word update from {path}"]
    sections = Document(str(rerun.path)).sections
    assert [section.orientation for section in sections] == [
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert sections[1].header.paragraphs[0].text.startswith("CIP-CCG Status Update")
    assert validate(rerun.path) == []


# --- the counterpart of each unit in the next update ------------------------------------------


def rows(*texts: str, origin: str = "r") -> tuple[Written, ...]:
    return tuple(
        Written(f"{origin}:{n}", True, text, f"look {text}") for n, text in enumerate(texts)
    )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # A group added in the middle: the others keep their rows, changed or not.
        (
            rows("ALAC | 13", "GAC | 9", "SSAC | 10"),
            rows("ALAC | 13", "GAC | 9", "TLG | 1", "SSAC | 12"),
            {0: 0, 1: 1, 2: 3},
        ),
        # A group gone: its row has no counterpart.
        (rows("ALAC | 13", "GAC | 9", "SSAC | 10"), rows("ALAC | 14", "SSAC | 11"), {0: 0, 2: 1}),
        # Paragraphs of a loop (the changes lines) pair by their place in it.
        (rows("a", "b"), rows("c", "d", "e"), {0: 0, 1: 1}),
        # A different template element is never a counterpart.
        (rows("a"), rows("a", origin="q"), {}),
    ],
)
def test_counterparts(
    before: tuple[Written, ...], after: tuple[Written, ...], expected: dict[int, int]
) -> None:
    assert counterparts(before, after) == expected


# --- what Word, the validator and LibreOffice make of a carried update ----------------------


@pytest.fixture(scope="module")
def validate() -> Callable[[Path], list[object]]:
    from scripts.openxml import SetupError, Validator, cache_folder, is_ready

    if importlib.util.find_spec("pythonnet") is None or not is_ready(cache_folder()):
        pytest.skip(
            "the Open XML SDK validator is not set up: run `python scripts/openxml.py setup`"
        )
    try:
        validator = Validator(cache_folder())
    except SetupError as error:
        pytest.skip(f"{error}; run `python scripts/openxml.py setup`")
    return validator.validate  # type: ignore[return-value]


@pytest.mark.openxml
def test_carried_updates_are_valid(
    edited: Path,
    workbooks: dict[str, Path],
    tmp_path: Path,
    validate: Callable[[Path], list[object]],
) -> None:
    folder = copy_of(edited, tmp_path)
    same_date = write_update(book(workbooks, SECOND), folder).path
    assert validate(same_date) == []
    assert validate(write_update(book(workbooks, THIRD), folder).path) == []


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler is not installed: run scripts/install-office.sh",
)
def test_libreoffice_opens_a_carried_update(
    edited: Path, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy_of(edited, tmp_path)
    update = write_update(book(workbooks, THIRD), folder).path
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(update),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"{update.stem}.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert DRAFT in text
    assert "4. Formulating the CIP Framework, for each SO, AC and the NomCom" in " ".join(
        text.split()
    ).replace("4.  ", "4. ")
