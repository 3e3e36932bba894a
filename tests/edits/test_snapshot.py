"""Snapshot: what cipdocs wrote, embedded beside the report and read back after other saves."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from cipdocs.edits.snapshot import SNAPSHOT_ITEM_ID, embed_snapshot, read_snapshot
from cipdocs.render.embed import embed_record, read_record
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE
from tests.edits.editing import resave_with_libreoffice

SNAPSHOT = b'{"slides": []}\x00\xff binary too'


@pytest.mark.parametrize("template", [DECK_TEMPLATE, UPDATE_TEMPLATE])
def test_snapshot_lives_beside_the_report(tmp_path: Path, template: Path) -> None:
    both = embed_snapshot(embed_record(template.read_bytes(), {"format": 1}), SNAPSHOT)
    assert read_snapshot(both) == SNAPSHOT
    path = tmp_path / f"both{template.suffix}"
    path.write_bytes(both)
    assert read_record(path) == {"format": 1}
    with zipfile.ZipFile(io.BytesIO(both)) as archive:
        props = [archive.read(n) for n in archive.namelist() if "itemProps" in n]
    assert any(SNAPSHOT_ITEM_ID.encode() in data for data in props)


def test_a_second_snapshot_replaces_the_first() -> None:
    once = embed_snapshot(DECK_TEMPLATE.read_bytes(), b"first")
    twice = embed_snapshot(once, b"second")
    assert read_snapshot(twice) == b"second"
    with zipfile.ZipFile(io.BytesIO(once)) as first, zipfile.ZipFile(io.BytesIO(twice)) as second:
        assert first.namelist() == second.namelist()


def test_no_snapshot_in_a_document_cipdocs_did_not_write() -> None:
    assert read_snapshot(DECK_TEMPLATE.read_bytes()) is None


def test_snapshot_survives_python_pptx_and_python_docx_saves() -> None:
    deck = Presentation(io.BytesIO(embed_snapshot(DECK_TEMPLATE.read_bytes(), SNAPSHOT)))
    deck.slides.add_slide(deck.slide_layouts[0])
    saved = io.BytesIO()
    deck.save(saved)
    assert read_snapshot(saved.getvalue()) == SNAPSHOT
    update = Document(io.BytesIO(embed_snapshot(UPDATE_TEMPLATE.read_bytes(), SNAPSHOT)))
    update.add_paragraph("Added by hand")
    saved = io.BytesIO()
    update.save(saved)
    assert read_snapshot(saved.getvalue()) == SNAPSHOT


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("template", [DECK_TEMPLATE, UPDATE_TEMPLATE])
def test_snapshot_survives_a_libreoffice_save(tmp_path: Path, template: Path) -> None:
    source = tmp_path / f"in{template.suffix}"
    source.write_bytes(embed_snapshot(embed_record(template.read_bytes(), {"a": 1}), SNAPSHOT))
    resaved = resave_with_libreoffice(source, tmp_path / "out")
    assert read_snapshot(resaved.read_bytes()) == SNAPSHOT
    assert read_record(resaved) == {"a": 1}


def test_a_snapshot_item_that_lies_about_its_size_is_skipped(tmp_path: Path) -> None:
    # The item declaring 2 KB and inflating to 1.1 GB: read in bounded steps, then left out.
    from tests.package.hostile import copy_package, lying_part

    written = tmp_path / "written.pptx"
    written.write_bytes(embed_snapshot(DECK_TEMPLATE.read_bytes(), SNAPSHOT))
    with zipfile.ZipFile(written) as archive:
        [item] = [name for name in archive.namelist() if name.startswith("customXml/item1")]
    lying = copy_package(written, tmp_path / "lying.pptx", {item: lying_part("x", declared=2048)})
    assert read_snapshot(written.read_bytes()) == SNAPSHOT
    assert read_snapshot(lying.read_bytes()) is None
