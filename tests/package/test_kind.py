"""package/kind.py: password-protected, Strict Open XML and macro-enabled templates, each named."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cipdocs.errors import TemplateProblemError
from cipdocs.package.kind import (
    POWERPOINT,
    WORD,
    OfficeProgram,
    check_template_package,
    is_encrypted_package,
    macro_parts,
)
from tests.conftest import DECK_TEMPLATE, SAMPLE_WORKBOOK, UPDATE_TEMPLATE
from tests.package.hostile import (
    MEMORY_LIMIT_MB,
    compound_file,
    copy_package,
    corpus_folder,
    run_cipdocs,
)

STRICT_OFFICE_DOCUMENT = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
TRANSITIONAL_OFFICE_DOCUMENT = (
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
PPTM_MAIN = b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
PPTX_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def corpus() -> Path:
    """Return the folder of real third-party files, or skip when this checkout has none."""
    folder = corpus_folder()
    if folder is None:
        pytest.skip("no corpus of real Office files (set CIPDOCS_CORPUS or put ../shared/corpus)")
    return folder / "files"


def refusal(path: Path, program: OfficeProgram = POWERPOINT) -> str:
    with pytest.raises(TemplateProblemError) as raised:
        check_template_package(path, what="template", program=program, error=TemplateProblemError)
    return raised.value.message


def with_part_replaced(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as archive:
        data = archive.read(part)
    assert old in data
    return copy_package(source, target, {part: data.replace(old, new)})


def test_shipped_templates_pass() -> None:
    check_template_package(
        DECK_TEMPLATE, what="template", program=POWERPOINT, error=TemplateProblemError
    )
    check_template_package(
        UPDATE_TEMPLATE, what="template", program=WORD, error=TemplateProblemError
    )


def test_password_protected_template_says_so(tmp_path: Path) -> None:
    path = compound_file(tmp_path / "locked.pptx", ["EncryptionInfo", "EncryptedPackage"])
    assert is_encrypted_package(path)
    assert refusal(path) == (
        f"{path}: the template is password-protected (encrypted), so cipdocs cannot open it; in "
        "PowerPoint remove the password (File > Info > Protect Presentation > Encrypt with "
        "Password, clear the box), save it, and try again"
    )


def test_old_binary_presentation_is_not_called_password_protected(tmp_path: Path) -> None:
    path = compound_file(tmp_path / "old.pptx", ["PowerPoint Document", "Current User"])
    assert not is_encrypted_package(path)
    # Left to python-pptx's refusal: "not a PowerPoint .pptx file; save it from PowerPoint as ..."
    check_template_package(path, what="template", program=POWERPOINT, error=TemplateProblemError)


def test_password_protected_template_through_the_command(tmp_path: Path) -> None:
    path = compound_file(tmp_path / "locked.docx", ["EncryptionInfo", "EncryptedPackage"])
    run = run_cipdocs(
        "deck", SAMPLE_WORKBOOK, "--docx-template", path, "--format", "docx", "-o", "out",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 5
    assert run.stderr.splitlines() == [
        f"error: {path}: the template is password-protected (encrypted), so cipdocs cannot open "
        "it; in Word remove the password (File > Info > Protect Document > Encrypt with "
        "Password, clear the box), save it, and try again"
    ]
    assert run.peak_mb < MEMORY_LIMIT_MB
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_strict_open_xml_template_is_named(tmp_path: Path) -> None:
    path = with_part_replaced(
        DECK_TEMPLATE,
        tmp_path / "strict.pptx",
        "_rels/.rels",
        TRANSITIONAL_OFFICE_DOCUMENT,
        STRICT_OFFICE_DOCUMENT,
    )
    assert refusal(path) == (
        f"{path}: the template is saved as Strict Open XML, which cipdocs cannot read; in "
        "PowerPoint use File > Save As > PowerPoint Presentation (.pptx)"
    )


def test_macro_enabled_template_renamed_pptx_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(DECK_TEMPLATE) as archive:
        types = archive.read("[Content_Types].xml").replace(PPTX_MAIN, PPTM_MAIN)
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/ppt/vbaProject.bin" '
        b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    path = copy_package(
        DECK_TEMPLATE,
        tmp_path / "macros.pptx",
        {"[Content_Types].xml": types, "ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)},
    )
    run = run_cipdocs(
        "deck", SAMPLE_WORKBOOK, "--template", path, "--format", "pptx", "-o", "out",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 5
    assert run.stderr.splitlines() == [
        f"error: {path}: the template carries macros or ActiveX controls (ppt/presentation.xml, "
        "ppt/vbaProject.bin), which cipdocs never puts in a document; in PowerPoint use File > "
        "Save As > PowerPoint Presentation (.pptx) (not the macro-enabled type), and give that file"
    ]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_activex_control_in_a_word_template_is_refused(tmp_path: Path) -> None:
    path = copy_package(
        UPDATE_TEMPLATE, tmp_path / "activex.docx", {"word/activeX/activeX1.xml": b"<ax/>"}
    )
    assert "carries macros or ActiveX controls (word/activeX/activeX1.xml)" in (refusal(path, WORD))
    assert "in Word use File > Save As > Word Document (.docx)" in refusal(path, WORD)


@pytest.mark.parametrize(
    ("names", "types", "found"),
    [
        (["ppt/slides/slide1.xml"], b"", []),
        (["xl/vbaProject.bin"], b"", ["xl/vbaProject.bin"]),
        (["word/vbaData.xml"], b"", ["word/vbaData.xml"]),
        (["ppt/activeX/activeX1.bin"], b"", ["ppt/activeX/activeX1.bin"]),
        (
            ["ppt/macros.bin", "ppt/media/image1.png"],
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            ["ppt/macros.bin"],
        ),
    ],
)
def test_macro_parts(names: list[str], types: bytes, found: list[str]) -> None:
    assert macro_parts(names, types) == found


def test_real_password_protected_and_strict_files_are_named() -> None:
    files = corpus()
    expected = {
        "p-encrypted_pptx.pptx": (POWERPOINT, "is password-protected (encrypted)"),
        "d-document_with_password.docx": (WORD, "is password-protected (encrypted)"),
        "p-Photo_Album3.pptx": (POWERPOINT, "is saved as Strict Open XML"),
        "d-CommentRangeStart.docx": (WORD, "is saved as Strict Open XML"),
    }
    for name, (program, words) in expected.items():
        assert words in refusal(files / name, program), name
