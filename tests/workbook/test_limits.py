"""workbook/limits.py: another spreadsheet, or one far beyond any CCG, refused before loading."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.workbook import limits, trim
from cipdocs.workbook.read import read_workbook
from tests.conftest import WorkbookFactory, minimal_sheets, write_sheets
from tests.package.hostile import MEMORY_LIMIT_MB, run_cipdocs


def unreadable(path: Path) -> str:
    with pytest.raises(WorkbookUnreadableError) as raised:
        read_workbook(path)
    return raised.value.message


def with_sheet(workbook: Path, target: Path, title: str, xml: Iterator[bytes]) -> Path:
    """Write `workbook` with the worksheet part of `title` replaced by the chunks of `xml`."""
    # openpyxl writes sheetN.xml for the Nth sheet.
    part = f"xl/worksheets/sheet{list(minimal_sheets()).index(title) + 1}.xml"
    with (
        zipfile.ZipFile(workbook) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        for member in source.infolist():
            if member.filename != part:
                copy.writestr(member, source.read(member))
        with copy.open(part, "w") as stream:
            for chunk in xml:
                stream.write(chunk)
    return target


def attendance_rows(count: int, meetings: int = 12) -> Iterator[bytes]:
    """Yield an Attendance sheet of `count` groups with a Y for each of `meetings` meetings."""
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>Group</t></is></c></row>'
    marks = b"".join(b'<c t="inlineStr"><is><t>Y</t></is></c>' for _ in range(meetings))
    for start in range(2, count + 2, 1000):
        yield b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Group %d</t></is></c>%s</row>'
            % (number, number, number, marks)
            for number in range(start, min(start + 1000, count + 2))
        )
    yield b"</sheetData></worksheet>"


def test_the_eight_sheets_are_the_contract() -> None:
    assert set(limits.CIP_CCG_SHEETS) == set(minimal_sheets())


def test_another_spreadsheet_gets_one_line(tmp_path: Path) -> None:
    path = write_sheets(
        {"Sheet1": [["Name", "Amount"], ["a", 1]], "Data": [[1]]}, tmp_path / "x.xlsx"
    )
    assert unreadable(path) == (
        f"{path}: this is not a CIP-CCG workbook: it has none of the sheets Settings, Statuses, "
        "Groups, Meetings, Attendance, Bands, Milestones, Roadmap (its sheets: 'Sheet1', "
        "'Data'); give the path of the CIP-CCG workbook, or start one with `cipdocs init` "
        "(docs/workbook.md)"
    )


def test_a_misspelled_sheet_still_counts_as_a_cip_ccg_workbook(tmp_path: Path) -> None:
    path = write_sheets({"Setings": [["Setting", "Value"]]}, tmp_path / "typo.xlsx")
    assert [sheet.title for sheet in read_workbook(path).sheets] == ["Setings"]


def test_200000_attendance_rows_are_refused_in_one_line_with_little_memory(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    path = with_sheet(
        make_workbook(), tmp_path / "huge.xlsx", "Attendance", attendance_rows(200_000)
    )
    run = run_cipdocs("check", path, cwd=tmp_path)
    assert run.code == 3
    assert run.stderr.splitlines() == [
        f"error: {path}: sheet 'Attendance': more than 10,000 rows hold values, far more than a "
        "CIP-CCG workbook holds, so it was not read (cipdocs reads up to 10,000 rows of up to "
        "2,000 values, and 5,000 merged areas); check that this is the right workbook, and "
        "delete the rows or columns pasted in by mistake"
    ]
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_a_row_of_more_than_2000_meetings_is_refused(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    path = with_sheet(
        make_workbook(), tmp_path / "wide.xlsx", "Attendance", attendance_rows(3, meetings=2_500)
    )
    assert "sheet 'Attendance': row 2 holds more than 2,000 values" in unreadable(path)


def test_values_in_the_whole_workbook_are_bounded(
    make_workbook: WorkbookFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_VALUES", 30)
    assert "the workbook holds more than 30 values" in unreadable(make_workbook())


def test_rows_with_formatting_only_do_not_count(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    def formatted() -> Iterator[bytes]:
        yield from attendance_rows(2)
        yield b""

    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="B%d" s="1"/></row>' % (n, n)
        for n in range(10, 60_000)
    )
    xml = b"".join(formatted()).replace(b"</sheetData>", rows + b"</sheetData>")
    path = with_sheet(make_workbook(), tmp_path / "formatted.xlsx", "Attendance", iter([xml]))
    assert read_workbook(path).sheets


@pytest.mark.parametrize("size", [1, 7, 64, 100_000])
def test_rows_are_counted_whatever_the_chunks(size: int) -> None:
    xml = b"".join(attendance_rows(30, meetings=3))
    chunks = (xml[start : start + size] for start in range(0, len(xml), size))
    # 30 groups with 3 marks each and their names, and the header's one value.
    assert limits._check_sheet_size(Path("x.xlsx"), "Attendance", chunks, 10_000) == 30 * 4 + 1


def test_rows_counted_past_the_limit_whatever_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 30)
    xml = b"".join(attendance_rows(30, meetings=3))
    chunks = (xml[start : start + 5] for start in range(0, len(xml), 5))
    with pytest.raises(WorkbookUnreadableError, match="more than 30 rows hold values"):
        limits._check_sheet_size(Path("x.xlsx"), "Attendance", chunks, 10_000)


def test_tens_of_thousands_of_merges_are_refused(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    merges = b"".join(b'<mergeCell ref="B%d:C%d"/>' % (row, row) for row in range(2, 6_000))
    xml = b"".join(attendance_rows(2)).replace(
        b"</worksheet>", b"<mergeCells>" + merges + b"</mergeCells></worksheet>"
    )
    path = with_sheet(make_workbook(), tmp_path / "merges.xlsx", "Attendance", iter([xml]))
    assert "sheet 'Attendance': more than 5,000 areas are merged" in unreadable(path)


def test_prefixed_elements_are_counted_too() -> None:
    xml = b"".join(attendance_rows(30, meetings=3))
    for tag in (b"worksheet", b"sheetData", b"row", b"c", b"is", b"t"):
        xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ").replace(
            b"<" + tag + b">", b"<x:" + tag + b">"
        )
        xml = xml.replace(b"</" + tag + b">", b"</x:" + tag + b">")
    assert b"<x:row r=" in xml and b"<x:is>" in xml
    chunks = (xml[start : start + 64] for start in range(0, len(xml), 64))
    assert limits._check_sheet_size(Path("x.xlsx"), "Attendance", chunks, 10_000) == 30 * 4 + 1


def test_the_size_check_hands_each_sheet_on_prepared(
    make_workbook: WorkbookFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = b"".join(b'<row r="%d"><c r="B%d" s="1"/></row>' % (n, n) for n in range(40, 80_000))
    xml = b"".join(attendance_rows(2)).replace(b"</sheetData>", rows + b"</sheetData>")
    path = with_sheet(make_workbook(), tmp_path / "formatted.xlsx", "Attendance", iter([xml]))
    part = f"xl/worksheets/sheet{list(minimal_sheets()).index('Attendance') + 1}.xml"
    with path.open("rb") as file:
        prepared = limits.check_workbook_contents(path, file)
        # The same bytes the trim makes of the part itself; the other sheets are left as they are.
        with zipfile.ZipFile(file) as archive:
            assert prepared[part] == trim.prepare_sheet(archive.read(part))
        assert len(prepared) == len(minimal_sheets())
        assert [name for name, kept in prepared.items() if kept is not None] == [part]
        # Handed on, no sheet part is inflated again.
        monkeypatch.setattr(trim, "prepare_sheet", lambda data: pytest.fail("read again"))
        stream = trim.without_empty_cells(path, file, prepared)
    with zipfile.ZipFile(stream) as trimmed:
        sheet = trimmed.read(part)
    assert b'<row r="40">' not in sheet
    assert b"Group 2" in sheet
