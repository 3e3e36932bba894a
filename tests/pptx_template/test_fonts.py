"""Tests for pptx_template/fonts.py: fonts found by family and metric twin, read with fontTools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cipdocs.pptx_template.fonts import FontBook, face_names, font_folders, read_face

CARLITO = next(
    (
        path
        for folder in font_folders()
        if folder.is_dir()
        for path in folder.rglob("Carlito-Regular.ttf")
    ),
    None,
)
needs_carlito = pytest.mark.skipif(
    CARLITO is None, reason="the Carlito font is not installed: run scripts/install-office.sh"
)


@pytest.fixture
def fonts(tmp_path: Path) -> Path:
    assert CARLITO is not None
    for name in ("Carlito-Italic.ttf", "Carlito-Regular.ttf", "Carlito-Bold.ttf"):
        shutil.copy(CARLITO.with_name(name), tmp_path / name)
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    return tmp_path


@needs_carlito
def test_read_face_gives_carlito_its_calibri_metrics() -> None:
    assert CARLITO is not None
    face = read_face(CARLITO)
    assert (face.family, face.bold, face.units_per_em) == ("Carlito", False, 2048)
    assert face.advance_em("a") == pytest.approx(981 / 2048)
    assert face.advance_em("東") is None
    assert face.line_em == pytest.approx(1.2207, abs=1e-3)


@needs_carlito
def test_calibri_is_measured_with_carlito_bold_with_bold(fonts: Path) -> None:
    book = FontBook([fonts])
    regular, bold = book.face("Calibri"), book.face("calibri", bold=True)
    assert regular is not None and bold is not None
    assert (regular.family, regular.bold, bold.bold) == ("Carlito", False, True)
    assert regular.advance_em("a") == pytest.approx(981 / 2048)  # upright, not the italic
    assert book.missing == []


@needs_carlito
def test_a_family_is_found_by_its_names_when_its_file_is_named_otherwise(tmp_path: Path) -> None:
    assert CARLITO is not None
    shutil.copy(CARLITO, tmp_path / "office-body.ttf")
    face = FontBook([tmp_path]).face("Calibri")
    assert face is not None and face.family == "Carlito"


@needs_carlito
def test_a_missing_font_is_told_once_naming_it(fonts: Path) -> None:
    told: list[str] = []
    book = FontBook([fonts], warn=told.append)

    assert book.face("Cambria") is None
    assert book.face("Cambria", bold=True) is None
    assert book.missing == ["Cambria"]
    assert told == [
        "font 'Cambria' nor its metric twin Caladea is not installed; text in it is measured "
        "with a conservative estimate, so it may be given more room than it needs"
    ]


def test_unreadable_font_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    assert face_names(tmp_path / "broken.ttf") == []
    assert FontBook([tmp_path]).face("Broken") is None


def test_font_folders_include_the_usual_places() -> None:
    folders = {str(folder) for folder in font_folders()}
    assert "/usr/share/fonts" in folders
    assert "/Library/Fonts" in folders
