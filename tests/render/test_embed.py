"""Embed: the report carried inside each .pptx and .docx, written and read back at zip level."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from cipdocs.errors import NewerUpdateError, PreviousUpdateError
from cipdocs.render.embed import (
    ITEM_ID,
    RECORD_NAMESPACE,
    embed_record,
    read_embedded_report,
    read_record,
    record_xml,
)
from cipdocs.report.model import Report
from cipdocs.report.record import report_record
from cipdocs.verify.selfcheck import check_office_bytes
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE

RECORD = {"format": 1, "name": "R&D <group> \u2192 \u201cquoted\u201d ]]>"}


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("template", "item", "main_rels"),
    [
        # python-docx's default document already holds Word's bibliography as item1.
        (UPDATE_TEMPLATE, "customXml/item2.xml", "word/_rels/document.xml.rels"),
        (DECK_TEMPLATE, "customXml/item1.xml", "ppt/_rels/presentation.xml.rels"),
    ],
)
def test_record_is_a_custom_xml_part_of_the_main_document(
    tmp_path: Path, template: Path, item: str, main_rels: str
) -> None:
    embedded = embed_record(template.read_bytes(), RECORD)
    files = parts(embedded)
    assert files[item] == record_xml(RECORD)
    props = item.replace("item", "itemProps")
    assert ITEM_ID.encode() in files[props] and RECORD_NAMESPACE.encode() in files[props]
    assert (
        f'Target="itemProps{item[-5]}.xml"'.encode()
        in files[item.replace("customXml/", "customXml/_rels/") + ".rels"]
    )
    assert f'Target="../{item}"'.encode() in files[main_rels]
    assert f"/{props}".encode() in files["[Content_Types].xml"]
    assert check_office_bytes(embedded) == []
    assert read_record(write(tmp_path, template.name, embedded)) == RECORD


def test_other_custom_xml_parts_are_kept() -> None:
    before = parts(UPDATE_TEMPLATE.read_bytes())
    after = parts(embed_record(UPDATE_TEMPLATE.read_bytes(), RECORD))
    assert after["customXml/item1.xml"] == before["customXml/item1.xml"]


def test_embedding_again_replaces_the_record(tmp_path: Path) -> None:
    once = embed_record(DECK_TEMPLATE.read_bytes(), {"format": 1, "n": 1})
    twice = embed_record(once, {"format": 1, "n": 2})
    assert [name for name in parts(twice) if name.startswith("customXml/item")] == [
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert check_office_bytes(twice) == []
    assert read_record(write(tmp_path, "deck.pptx", twice)) == {"format": 1, "n": 2}


def test_the_files_still_open_in_python_pptx_and_python_docx(tmp_path: Path) -> None:
    deck = write(tmp_path, "deck.pptx", embed_record(DECK_TEMPLATE.read_bytes(), RECORD))
    update = write(tmp_path, "update.docx", embed_record(UPDATE_TEMPLATE.read_bytes(), RECORD))
    assert len(Presentation(str(deck)).slides) == 7
    assert Document(str(update)).paragraphs[0].text == "CIP-CCG Status Update"


def test_a_package_without_an_xml_default_gets_an_override() -> None:
    files = parts(DECK_TEMPLATE.read_bytes())
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b'<Default Extension="xml" ContentType="application/xml"/>', b""
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    embedded = embed_record(buffer.getvalue(), RECORD)
    assert (
        b'PartName="/customXml/item1.xml" ContentType="application/xml"'
        in parts(embedded)["[Content_Types].xml"]
    )


def test_report_reads_back(tmp_path: Path, sample_report: Report) -> None:
    data = embed_record(DECK_TEMPLATE.read_bytes(), report_record(sample_report))
    assert read_embedded_report(write(tmp_path, "deck.pptx", data)) == sample_report


def test_a_file_without_a_record_reads_as_none() -> None:
    assert read_record(DECK_TEMPLATE) is None
    assert read_embedded_report(UPDATE_TEMPLATE) is None


def with_item(content: bytes) -> bytes:
    buffer = io.BytesIO(DECK_TEMPLATE.read_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("customXml/item1.xml", content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><report xmlns="urn:cipdocs:report">&a;</report>',
            "declares XML entities (a DTD)",
        ),
        (b'<report xmlns="urn:cipdocs:report">{"format": 1,</report>', "is damaged"),
        (
            b'<report xmlns="urn:cipdocs:report">{"format": 1}</report>',
            "cannot read the report cipdocs embedded in it: its data is incomplete",
        ),
    ],
)
def test_hostile_or_damaged_records_are_refused_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = write(tmp_path, "update.pptx", with_item(content))
    with pytest.raises(PreviousUpdateError) as raised:
        read_embedded_report(path)
    assert raised.value.message.startswith(f"{path}: ")
    assert message in raised.value.message


def test_a_record_from_a_newer_cipdocs_says_to_upgrade(tmp_path: Path) -> None:
    newer = b'<report xmlns="urn:cipdocs:report">{"format": 99, "cipdocs": "9.0"}</report>'
    path = write(tmp_path, "update.pptx", with_item(newer))
    with pytest.raises(NewerUpdateError, match="upgrade cipdocs"):
        read_embedded_report(path)


def test_other_custom_xml_is_not_taken_for_a_record(tmp_path: Path) -> None:
    path = write(tmp_path, "update.pptx", with_item(b'<other>{"format": 1}</other>'))
    assert read_record(path) is None


def test_not_an_office_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.docx", b"just text")
    with pytest.raises(PreviousUpdateError, match="not a PowerPoint or Word file"):
        read_record(path)


def test_a_record_part_that_lies_about_its_size_is_one_line(
    tmp_path: Path, sample_report: Report
) -> None:
    # The record item itself declaring 2 KB and inflating to 1.1 GB: read in bounded steps.
    from tests.package.hostile import copy_package, lying_part

    written = tmp_path / "written.pptx"
    written.write_bytes(embed_record(DECK_TEMPLATE.read_bytes(), report_record(sample_report)))
    with zipfile.ZipFile(written) as archive:
        item = next(name for name in archive.namelist() if name.startswith("customXml/item1"))
    lying = copy_package(written, tmp_path / "lying.pptx", {item: lying_part("x", declared=2048)})
    with pytest.raises(PreviousUpdateError) as raised:
        read_record(lying)
    assert raised.value.message == (
        f"{lying}: the previous update was not opened: the part '{item}' holds more than the "
        "2,048 bytes it declares (its declared size is wrong: the file is damaged or was made to "
        "look small); if the previous update is genuine, open it in its Office program (Excel, "
        "PowerPoint, Word or LibreOffice) and save a fresh copy"
    )
