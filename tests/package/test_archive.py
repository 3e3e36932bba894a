"""Archive: hostile zip files are refused, quickly and with the file named, before any library."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from cipdocs.errors import CipdocsError, TemplateProblemError, WorkbookUnreadableError
from cipdocs.package import archive
from cipdocs.package.archive import check_zip_archive
from tests.conftest import DECK_TEMPLATE, SAMPLE_WORKBOOK, UPDATE_TEMPLATE
from tests.package.hostile import (
    KB,
    MB,
    MEMORY_LIMIT_MB,
    Entry,
    copy_package,
    lying_part,
    run_cipdocs,
    write_zip,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>
"""


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write `members` as a zip at `path`."""
    with zipfile.ZipFile(path, "w", method) as target:
        for name, data in members.items():
            target.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def patch_central_directory(
    path: Path, name: str, *, compress_size: int | None = None, file_size: int | None = None
) -> None:
    """Overwrite the sizes the central directory declares for `name`, as a crafted file would."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            if compress_size is not None:
                struct.pack_into("<I", data, start + 20, compress_size)
            if file_size is not None:
                struct.pack_into("<I", data, start + 24, file_size)
        start += 4
    path.write_bytes(bytes(data))


def refusal(path: Path, error: type[CipdocsError] = WorkbookUnreadableError) -> str:
    with pytest.raises(error) as raised:
        check_zip_archive(path, what="workbook", error=error)
    return raised.value.message


@pytest.mark.parametrize("path", [SAMPLE_WORKBOOK, DECK_TEMPLATE, UPDATE_TEMPLATE])
def test_real_office_files_pass(path: Path) -> None:
    check_zip_archive(path, what="file", error=WorkbookUnreadableError)


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = make_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bytes(20 * 1024 * 1024)})
    message = refusal(bomb)
    assert message.startswith(f"{bomb}: the workbook was not opened: the part ")
    assert "'xl/worksheets/sheet1.xml' expands" in message
    assert "(to 20 MB), more than 200 times; this is how a zip bomb looks; if the workbook is " in (
        message
    )
    assert message.endswith("save a fresh copy")


def test_total_declared_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    # Incompressible parts whose declared sizes add up to 210 MB at a plausible ratio (~160:1).
    names = [f"xl/media/image{index}.bin" for index in range(21)]
    path = make_zip(
        tmp_path / "big.xlsx", {name: os.urandom(64 * 1024) for name in names}, zipfile.ZIP_STORED
    )
    for name in names:
        patch_central_directory(path, name, file_size=10 * 1024 * 1024)
    assert "its parts would take 210 MB once uncompressed, more than 200 MB" in refusal(path)


def test_declared_compressed_size_beyond_the_file_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "lie.xlsx", {"a.xml": b"<a/>", "b.xml": b"<b/>"})
    patch_central_directory(path, "a.xml", compress_size=5000)
    assert "the part 'a.xml' claims more bytes than the file holds for it" in refusal(path)


def test_declared_uncompressed_size_that_lies_is_refused_as_soon_as_it_is_passed(
    tmp_path: Path,
) -> None:
    # A part that really expands to 20 MB but declares 100 bytes: inflation stops at the first
    # chunk past the declared size, so nothing large is ever produced.
    path = make_zip(
        tmp_path / "lie.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b" " * (20 * 1024 * 1024)}
    )
    patch_central_directory(path, "xl/sharedStrings.xml", file_size=100)
    message = refusal(path)
    assert "the part 'xl/sharedStrings.xml' holds more than the 100 bytes it declares" in message
    assert message.startswith(f"{path}: the workbook was not opened: ")


def test_part_that_inflates_to_less_than_it_declares_is_damaged(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "short.xlsx", {"xl/workbook.xml": b"<workbook/>"})
    patch_central_directory(path, "xl/workbook.xml", file_size=12)
    assert "damaged (not a complete zip file) (the part 'xl/workbook.xml' fails its checksum" in (
        refusal(path)
    )


def test_wrong_checksum_is_damaged(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "crc.xlsx", {"xl/workbook.xml": b"<workbook/>"})
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, start + 16, 1234)
    path.write_bytes(bytes(data))
    assert "(the part 'xl/workbook.xml' fails its checksum (Bad CRC-32))" in refusal(path)


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/passwd", "C:/Windows/evil.xml", "xl\\..\\evil.xml", "a/../../b"]
)
def test_unsafe_member_names_are_refused(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "names.xlsx", {"xl/workbook.xml": b"<w/>", name: b"x"})
    assert f"it holds a part with an unsafe name ({name!r}: an absolute path, '..', a " in (
        refusal(path)
    )


def test_repeated_member_name_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "twice.xlsx", {"xl/workbook.xml": b"<a/>", "XL/Workbook.xml": b""})
    assert "the part 'XL/Workbook.xml' appears twice" in refusal(path)


def test_too_many_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    path = make_zip(tmp_path / "many.xlsx", {f"part{index}.bin": b"" for index in range(4)})
    assert "it holds 4 parts, more than 3" in refusal(path)


def test_unusual_compression_method_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bz.xlsx", {"xl/workbook.xml": b"<w/>"}, zipfile.ZIP_BZIP2)
    assert "the part 'xl/workbook.xml' uses a compression method Office files never use" in (
        refusal(path)
    )


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "laughs.xlsx", {"xl/sharedStrings.xml": BILLION_LAUGHS})
    message = refusal(path)
    assert "the part 'xl/sharedStrings.xml' declares XML entities (a DTD), which Office files " in (
        message
    )


def test_invalid_xml_part_is_refused(tmp_path: Path) -> None:
    # Only the prolog is read here; faults further in are openpyxl's to report.
    path = make_zip(tmp_path / "bad.xlsx", {"xl/workbook.xml": b"Group,Representative\n"})
    assert (
        "the part 'xl/workbook.xml' is not valid XML (it does not start with an XML declaration or element)"
        in (refusal(path))
    )


def test_truncated_zip_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(SAMPLE_WORKBOOK.read_bytes()[:2000])
    assert refusal(path).startswith(f"{path}: the workbook is damaged (not a complete zip file)")


def test_template_refusal_uses_the_given_error_and_word(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("../../slide.xml", b"<p/>")
    path = tmp_path / "deck.pptx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TemplateProblemError) as raised:
        check_zip_archive(path, what="template", error=TemplateProblemError)
    assert raised.value.exit_code == 5
    assert raised.value.message.startswith(f"{path}: the template was not opened: ")
    assert "if the template is genuine, open it in its Office program" in raised.value.message


# Real decks hold previews of embedded objects (an embedded PDF's EMF) that compress hundreds
# of times; they are copied byte for byte, so only the bytes they produce count.
EMF_PREVIEW = b"\x01\x00\x00\x00" + bytes(8 * MB - 4)


def test_a_preview_that_compresses_hundreds_of_times_is_fine(tmp_path: Path) -> None:
    deck = copy_package(DECK_TEMPLATE, tmp_path / "pdf.pptx", {"ppt/media/image9.emf": EMF_PREVIEW})
    with zipfile.ZipFile(deck) as opened:
        member = opened.getinfo("ppt/media/image9.emf")
    assert member.file_size / member.compress_size > 667
    check_zip_archive(deck, what="template", error=TemplateProblemError)


def test_an_xml_part_that_compresses_as_far_is_refused(tmp_path: Path) -> None:
    deck = copy_package(
        DECK_TEMPLATE, tmp_path / "xml.pptx", {"ppt/slides/slide9.xml": b"<a>" + bytes(8 * MB)}
    )
    with pytest.raises(TemplateProblemError, match=r"'ppt/slides/slide9.xml' expands [\d,]+ times"):
        check_zip_archive(deck, what="template", error=TemplateProblemError)


def test_iter_part_never_produces_more_than_a_chunk_past_the_declared_size(
    tmp_path: Path,
) -> None:
    path = write_zip(tmp_path / "lie.zip", [lying_part("a.xml")])
    with path.open("rb") as file, zipfile.ZipFile(file) as opened:
        member = opened.getinfo("a.xml")
        produced = 0
        with pytest.raises(archive.PackageRefused, match="holds more than the 900 KB it declares"):
            for chunk in archive.iter_part(file, member, limit=archive.MAX_TOTAL_SIZE):
                produced += len(chunk)
    assert produced <= 900 * KB


def test_read_part_keeps_to_its_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "big.zip", [Entry.of("a.xml", b"<a>" + b" " * MB)])
    with (
        path.open("rb") as file,
        zipfile.ZipFile(file) as opened,
        pytest.raises(archive.PackageRefused, match="takes more than 4,096 bytes"),
    ):
        archive.read_part(file, opened.getinfo("a.xml"), limit=4096)


# The case from the fault-injection run: a 1 MB file whose slide declares 900 KB but inflates
# to 1.1 GB. Each place cipdocs reads a package gives one line, and the run stays small.
@pytest.fixture(scope="module")
def lying_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lying")
    return copy_package(
        DECK_TEMPLATE, folder / "lying.pptx", {"ppt/slides/slide1.xml": lying_part("x")}
    )


def test_lying_deck_is_about_a_megabyte(lying_deck: Path) -> None:
    assert lying_deck.stat().st_size < 2 * MB


def test_lying_template_is_refused_in_one_line_with_little_memory(
    lying_deck: Path, tmp_path: Path
) -> None:
    run = run_cipdocs(
        "deck", SAMPLE_WORKBOOK, "--template", lying_deck, "-o", "out", "--format", "pptx",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 5
    assert run.stderr.splitlines() == [
        f"error: {lying_deck}: the template was not opened: the part 'ppt/slides/slide1.xml' "
        "holds more than the 900 KB it declares (its declared size is wrong: the file is "
        "damaged or was made to look small); if the template is genuine, open it in its Office "
        "program (Excel, PowerPoint, Word or LibreOffice) and save a fresh copy"
    ]
    assert run.peak_mb < MEMORY_LIMIT_MB
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_lying_earlier_update_in_the_output_folder_is_skipped_with_a_warning(
    lying_deck: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    earlier = output / "CIP-CCG Status Update 2024-01-01.pptx"
    earlier.write_bytes(lying_deck.read_bytes())
    run = run_cipdocs("deck", SAMPLE_WORKBOOK, "-o", output, "--format", "pptx", cwd=tmp_path)
    assert run.code == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {earlier}: the previous update was not opened: the part "
        "'ppt/slides/slide1.xml' holds more than the 900 KB it declares (its declared size is "
        "wrong: the file is damaged or was made to look small); it is skipped (delete it, or "
        "replace it with a sound copy)"
    ]
    assert "Traceback" not in run.stderr
    assert (output / "CIP-CCG Status Update 2024-08-30.pptx").is_file()
    assert earlier.read_bytes() == lying_deck.read_bytes()
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_lying_workbook_is_refused_in_one_line_with_little_memory(tmp_path: Path) -> None:
    workbook = copy_package(
        SAMPLE_WORKBOOK, tmp_path / "lying.xlsx", {"xl/worksheets/sheet1.xml": lying_part("x")}
    )
    run = run_cipdocs("check", workbook, cwd=tmp_path)
    assert run.code == 3
    assert len(run.stderr.splitlines()) == 1
    assert "the part 'xl/worksheets/sheet1.xml' holds more than the 900 KB it declares" in (
        run.stderr
    )
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_lying_deck_given_to_check_deck_is_refused_in_one_line(
    lying_deck: Path, tmp_path: Path
) -> None:
    run = run_cipdocs("check-deck", lying_deck, cwd=tmp_path)
    assert run.code == 5
    assert run.stderr.splitlines() == [
        f"error: {lying_deck}: the deck was not opened: the part 'ppt/slides/slide1.xml' holds "
        "more than the 900 KB it declares (its declared size is wrong: the file is damaged or "
        "was made to look small); if the deck is genuine, open it in its Office program (Excel, "
        "PowerPoint, Word or LibreOffice) and save a fresh copy"
    ]
    assert run.peak_mb < MEMORY_LIMIT_MB
