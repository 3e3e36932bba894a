"""Self-check: sound documents pass; each hand-made fault that makes Office 'repair' is named."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from lxml import etree
from pptx import Presentation
from pptx.util import Inches

from cipdocs.errors import SelfCheckError
from cipdocs.verify.selfcheck import NS, check_office_bytes, check_office_file, raise_if_broken
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE

Edit = Callable[[dict[str, bytes]], object]


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    """Return a .pptx made by python-pptx: two text boxes and a 3x3 table with a merged cell."""
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(1)).text = "hello"
    table = slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(6), Inches(2)).table
    table.cell(0, 0).merge(table.cell(0, 1))
    path = tmp_path / "deck.pptx"
    presentation.save(str(path))
    return path


@pytest.fixture
def update(tmp_path: Path) -> Path:
    """Return a .docx made by python-docx with a 3x3 table whose first row is merged."""
    document = docx.Document()
    document.add_paragraph("Update")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2))
    path = tmp_path / "update.docx"
    document.save(str(path))
    return path


def edited(path: Path, edit: Edit) -> Path:
    """Write a copy of the zip at `path` with its members changed by `edit`."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    edit(members)
    target = path.with_name(f"broken-{path.name}")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def edit_xml(part: str, change: Callable[[etree._Element], None]) -> Edit:
    def edit(members: dict[str, bytes]) -> None:
        root = etree.fromstring(members[part])
        change(root)
        members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return edit


def drop_last(path: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = root.findall(path, NS)[-1]
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)

    return change


def test_python_pptx_and_docx_files_pass(deck: Path, update: Path) -> None:
    assert check_office_file(deck) == []
    assert check_office_file(update) == []
    raise_if_broken(deck)


@pytest.mark.parametrize("template", [DECK_TEMPLATE, UPDATE_TEMPLATE])
def test_committed_templates_pass(template: Path) -> None:
    assert check_office_file(template) == []


def test_missing_relationship_target(deck: Path) -> None:
    broken = edited(deck, lambda members: members.pop("ppt/slides/slide1.xml"))
    faults = check_office_file(broken)
    assert len(faults) == 1
    assert re.fullmatch(
        r"ppt/_rels/presentation\.xml\.rels: relationship rId\d+ points at "
        r"ppt/slides/slide1\.xml, which the file does not hold",
        faults[0],
    )


def test_duplicate_shape_id(deck: Path) -> None:
    def same_ids(root: etree._Element) -> None:
        for element in root.iterfind(".//p:cNvPr", NS):
            if element.get("id") != "1":
                element.set("id", "7")

    broken = edited(deck, edit_xml("ppt/slides/slide1.xml", same_ids))
    assert check_office_file(broken) == ["ppt/slides/slide1.xml: shape id 7 is used by 3 shapes"]


def test_dropped_pptx_table_cell(deck: Path) -> None:
    broken = edited(deck, edit_xml("ppt/slides/slide1.xml", drop_last(".//a:tr[2]/a:tc")))
    assert check_office_file(broken) == [
        "ppt/slides/slide1.xml: table 1, row 2 has 2 cells (spanning 2) but the table has 3 columns"
    ]


def test_pptx_grid_span_past_the_grid(deck: Path) -> None:
    def widen(root: etree._Element) -> None:
        root.findall(".//a:tr[3]/a:tc", NS)[2].set("gridSpan", "2")

    broken = edited(deck, edit_xml("ppt/slides/slide1.xml", widen))
    assert check_office_file(broken) == [
        "ppt/slides/slide1.xml: table 1, row 3 has 3 cells (spanning 4) but the table has 3 columns"
    ]


def test_dropped_docx_table_cell(update: Path) -> None:
    broken = edited(update, edit_xml("word/document.xml", drop_last(".//w:tr[2]/w:tc")))
    assert check_office_file(broken) == [
        "word/document.xml: table 1, row 2 spans 2 grid columns but the table has 3"
    ]


def test_part_without_content_type(update: Path) -> None:
    broken = edited(update, lambda members: members.update({"word/notes.txt": b"x"}))
    assert check_office_file(broken) == [
        "word/notes.txt has no content type in [Content_Types].xml"
    ]


def test_not_a_zip() -> None:
    assert check_office_bytes(b"plain text") == ["not a zip file (File is not a zip file)"]


def test_raise_if_broken_says_it_is_a_bug(deck: Path) -> None:
    broken = edited(deck, lambda members: members.pop("ppt/slides/slide1.xml"))
    with pytest.raises(SelfCheckError) as raised:
        raise_if_broken(deck, broken.read_bytes())
    assert raised.value.exit_code == 70
    message = raised.value.message
    assert message.startswith(
        f"{deck}: failed cipdocs' structural self-check, so Office would offer to repair it: "
        "ppt/_rels/presentation.xml.rels: relationship rId"
    )
    assert message.endswith(
        "; this is a bug in cipdocs, not in your workbook or template; please report it with "
        "both files (run with --debug for details)"
    )
    assert "\n" not in message
