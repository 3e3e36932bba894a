"""render/properties.py: the template's own core properties, however LibreOffice typed them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cipdocs.render.docx import render_update
from cipdocs.render.pptx import render_deck
from cipdocs.report.present import PresentedReport
from cipdocs.verify.selfcheck import check_office_file
from tests.conftest import DECK_TEMPLATE, UPDATE_TEMPLATE
from tests.package.hostile import copy_package

PACKAGE_CORE = (
    b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
LIBREOFFICE_CORE = (
    b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)


def libreoffice_typed(template: Path, target: Path) -> Path:
    """Write `template` with its core-properties relationship typed as LibreOffice types it."""
    with zipfile.ZipFile(template) as archive:
        rels = archive.read("_rels/.rels")
    assert PACKAGE_CORE in rels
    return copy_package(
        template, target, {"_rels/.rels": rels.replace(PACKAGE_CORE, LIBREOFFICE_CORE)}
    )


def parts(path: Path) -> tuple[list[str], bytes, bytes]:
    with zipfile.ZipFile(path) as archive:
        return (
            archive.namelist(),
            archive.read("_rels/.rels"),
            archive.read("docProps/core.xml"),
        )


@pytest.mark.parametrize(
    ("template", "render", "title"),
    [
        (DECK_TEMPLATE, render_deck, b"<dc:title>CIP-CCG Status Update 30 Aug 2024</dc:title>"),
        (UPDATE_TEMPLATE, render_update, b"<dc:title>CIP-CCG Status Update 30 Aug 2024</dc:title>"),
    ],
)
def test_libreoffice_typed_core_properties_are_the_ones_filled(
    tmp_path: Path,
    sample_presented: PresentedReport,
    template: Path,
    render: object,
    title: bytes,
) -> None:
    # pytest turns zipfile's "Duplicate name: 'docProps/core.xml'" warning into a failure too.
    typed = libreoffice_typed(template, tmp_path / f"libreoffice{template.suffix}")
    written = tmp_path / f"written{template.suffix}"
    assert callable(render)
    render(sample_presented, typed, written)
    names, rels, core = parts(written)
    assert names.count("docProps/core.xml") == 1
    # The template's relationship is kept as it was, and no second one is added.
    assert rels.count(LIBREOFFICE_CORE) == 1
    assert PACKAGE_CORE not in rels
    assert title in core
    assert b"<dc:creator>" in core
    assert check_office_file(written) == []


def test_the_shipped_templates_keep_their_own_relationships(
    tmp_path: Path, sample_presented: PresentedReport
) -> None:
    render_deck(sample_presented, DECK_TEMPLATE, tmp_path / "deck.pptx")
    render_update(sample_presented, UPDATE_TEMPLATE, tmp_path / "update.docx")
    for written in (tmp_path / "deck.pptx", tmp_path / "update.docx"):
        names, rels, _ = parts(written)
        assert names.count("docProps/core.xml") == 1
        assert rels.count(PACKAGE_CORE) == 1
