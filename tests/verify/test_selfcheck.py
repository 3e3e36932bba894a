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
from cipdocs.verify.selfcheck import (
    NS,
    check_office_bytes,
    check_office_file,
    check_office_parts,
    raise_if_broken,
)
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE
from tests.package.hostile import Entry, write_zip

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


LIBREOFFICE_CORE = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)
PACKAGE_CORE = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)


def add_relationship(part: str, rel_id: str, rel_type: str, target: str) -> Edit:
    def change(root: etree._Element) -> None:
        etree.SubElement(
            root, f"{{{NS['rel']}}}Relationship", Id=rel_id, Type=rel_type, Target=target
        )

    return edit_xml(part, change)


def test_a_second_core_properties_part_is_caught(deck: Path) -> None:
    # What python-pptx did with a template LibreOffice wrote: its own relationship to a second
    # docProps/core.xml beside the template's, which the Open XML SDK cannot open.
    with zipfile.ZipFile(deck) as source:
        members = [(name, source.read(name)) for name in source.namelist()]
    entries = []
    for name, data in members:
        if name == "_rels/.rels":
            data = data.replace(PACKAGE_CORE.encode(), LIBREOFFICE_CORE.encode()).replace(
                b"</Relationships>",
                f'<Relationship Id="rId99" Type="{PACKAGE_CORE}" '
                'Target="docProps/core.xml"/></Relationships>'.encode(),
            )
        entries.append(Entry.of(name, data))
        if name == "docProps/core.xml":
            entries.append(Entry.of(name, data))
    broken = write_zip(deck.with_name("two-cores.pptx"), entries)
    faults = check_office_file(broken)
    assert "the part docProps/core.xml is in the file 2 times" in faults
    assert (
        "_rels/.rels: 2 relationships of different types point at docProps/core.xml "
        f"({LIBREOFFICE_CORE}, {PACKAGE_CORE})"
    ) in faults
    assert "_rels/.rels: 2 relationships to core properties, where a package has one" in faults


def test_the_template_casing_of_core_properties_alone_is_sound(deck: Path) -> None:
    def lowercase(members: dict[str, bytes]) -> None:
        members["_rels/.rels"] = members["_rels/.rels"].replace(
            PACKAGE_CORE.encode(), LIBREOFFICE_CORE.encode()
        )

    assert check_office_file(edited(deck, lowercase)) == []


def test_two_relationship_types_to_one_part_are_caught(deck: Path) -> None:
    broken = edited(
        deck,
        add_relationship(
            "ppt/slides/_rels/slide1.xml.rels",
            "rId98",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
            "../slideLayouts/slideLayout6.xml",
        ),
    )
    assert any(
        "ppt/slides/_rels/slide1.xml.rels: 2 relationships of different types point at "
        "ppt/slideLayouts/slideLayout6.xml" in fault
        for fault in check_office_file(broken)
    )


def test_a_video_pointed_at_twice_as_powerpoint_does_is_sound(deck: Path) -> None:
    def add_video(members: dict[str, bytes]) -> None:
        members["ppt/media/media1.mp4"] = b"\x00\x00\x00\x18ftypmp42"
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", b'<Default Extension="mp4" ContentType="video/mp4"/></Types>'
        )

    broken = edited(deck, add_video)
    for rel_id, rel_type in (
        ("rId97", "http://schemas.microsoft.com/office/2007/relationships/media"),
        ("rId98", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/video"),
    ):
        broken = edited(
            broken,
            add_relationship(
                "ppt/slides/_rels/slide1.xml.rels", rel_id, rel_type, "../media/media1.mp4"
            ),
        )
    assert check_office_file(broken) == []


def test_macros_in_a_written_document_are_caught(update: Path) -> None:
    def add_macros(members: dict[str, bytes]) -> None:
        members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/word/vbaProject.bin" '
            b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )

    assert check_office_file(edited(update, add_macros)) == [
        "word/vbaProject.bin carries macros or an ActiveX control, which cipdocs never writes"
    ]


def test_parts_in_hand_are_checked_as_the_zip_is(deck: Path) -> None:
    # write_document checks the parts it is about to pack, not the packed zip read back.
    with zipfile.ZipFile(deck) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts.pop("ppt/slides/slide1.xml")
    parts["ppt/notes.txt"] = b"x"
    broken = deck.with_name("broken.pptx")
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    faults = check_office_parts(parts)

    assert faults == check_office_file(broken)
    assert "ppt/notes.txt has no content type in [Content_Types].xml" in faults
    assert any("points at ppt/slides/slide1.xml" in fault for fault in faults)
    with pytest.raises(SelfCheckError):
        raise_if_broken(deck, parts)
