"""workbook/trim.py: merges over whole rows or columns clipped to the values before openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cipdocs.workbook.read import read_workbook
from cipdocs.workbook.trim import clip_merges, trim_sheet
from tests.conftest import WorkbookFactory, minimal_sheets
from tests.package.hostile import MEMORY_LIMIT_MB, run_cipdocs

SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="2"/></row>'
    b'<row r="3"><c r="B3"><f>1+1</f><v>2</v></c></row>'
    b'<row r="9"><c r="H9" s="4"/></row>'
    b"</sheetData><mergeCells>%s</mergeCells></worksheet>"
)


@pytest.mark.parametrize(
    ("merge", "clipped"),
    [
        (b"B1:B1048576", b"B1:B3"),  # a whole column, as Excel for Mac writes
        (b"A2:XFD2", b"A2:B2"),  # a whole row
        (b"A1:XFD1048576", b"A1:B3"),
        (b"D5:XFD1048576", b"D5:D5"),  # beyond every value: only its first cell is left
        (b"A1:C3", b"A1:C3"),  # an ordinary merge is left as it is
    ],
)
def test_clip_merges(merge: bytes, clipped: bytes) -> None:
    sheet = SHEET % (b'<mergeCell ref="%s"/>' % merge)
    assert clip_merges(sheet) == SHEET % (b'<mergeCell ref="%s"/>' % clipped)


def test_a_sheet_without_large_merges_is_the_same_object() -> None:
    sheet = SHEET % b'<mergeCell ref="A1:B2"/>'
    assert clip_merges(sheet) is sheet


def with_merges(workbook: Path, target: Path, title: str, refs: list[str]) -> Path:
    """Write `workbook` with `refs` merged in the sheet `title`, as another program writes them."""
    part = f"xl/worksheets/sheet{list(minimal_sheets()).index(title) + 1}.xml"
    merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(target, "w") as copy:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == part:
                data = data.replace(
                    b"</sheetData>",
                    f'</sheetData><mergeCells count="{len(refs)}">{merges}</mergeCells>'.encode(),
                )
            copy.writestr(member, data)
    return target


def test_whole_column_and_row_merges_read_as_excel_shows_them(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    path = with_merges(
        make_workbook(), tmp_path / "merged.xlsx", "Attendance", ["E1:E1048576", "A5:XFD5"]
    )
    attendance = next(sheet for sheet in read_workbook(path).sheets if sheet.title == "Attendance")
    assert [[cell.coordinate for cell in row.cells] for row in attendance.rows] == [
        ["A1", "B1", "C1", "D1"],
        ["A2", "B2", "C2"],
        ["A3", "B3", "C3"],
    ]


def test_a_whole_column_merge_is_read_with_little_memory(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    path = with_merges(
        make_workbook(),
        tmp_path / "merged.xlsx",
        "Groups",
        ["E1:E1048576", "F1:F1048576", "A30:XFD30"],
    )
    run = run_cipdocs("check", path, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stderr.startswith(f"ok: {path} is usable")
    assert run.peak_mb < MEMORY_LIMIT_MB


@pytest.mark.parametrize(
    ("row", "kept"),
    [
        (
            b'<row r="5"><c r="A5" s="1"/><c r="B5"><v>3</v></c></row>',
            b'<row r="5"><c r="B5"><v>3</v></c></row>',
        ),
        (b'<row r="5"><c r="A5" t="inlineStr"><is><t>x</t></is></c></row>', None),
        (
            b'<row r="5"><c r="A5"><f>1+1</f></c><c r="B5" s="1"/></row>',
            b'<row r="5"><c r="A5"><f>1+1</f></c></row>',
        ),
        (b'<row r="5" s="2" customFormat="1"><c r="A5" s="1"/></row>', b""),
        (b'<row r="5" s="2"/>', b""),
        (b'<row><c s="1"/></row>', None),  # no number: later rows count from it, so it stays
    ],
)
def test_trim_sheet_keeps_rows_with_a_value_formula_or_text(row: bytes, kept: bytes | None) -> None:
    sheet = b"<worksheet><sheetData>%s</sheetData></worksheet>"
    assert trim_sheet(sheet % row) == sheet % (row if kept is None else kept)
