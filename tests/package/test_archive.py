"""Archive: hostile zip files are refused, quickly and with the file named, before any library."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from cipdocs.errors import CipdocsError, TemplateProblemError, WorkbookUnreadableError
from cipdocs.package.archive import check_zip_archive
from cipdocs.package import archive
from tests.conftest import DECK_TEMPLATE, SAMPLE_WORKBOOK, UPDATE_TEMPLATE

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
