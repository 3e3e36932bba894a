"""workbook/trim.py: merges clipped to the values, formatting-only cells dropped and plain
inline text handed on as text results, before openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from cipdocs.workbook.read import read_workbook
from cipdocs.workbook.trim import clip_merges, plain_inline_text, trim_sheet
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


INLINE_CELLS = {
    # cell as a script writes it -> as openpyxl is handed it (None: unchanged)
    b'<c r="A99" t="inlineStr"><is><t>Completed</t></is></c>': (
        b'<c r="A99" t="str">          <v>Completed</v>     </c>'
    ),
    b'<c r="B99" s="1" t="inlineStr"><is><t xml:space="preserve"> In progress </t></is></c>': (
        b'<c r="B99" s="1" t="str">' + b" " * 31 + b"<v> In progress </v>     </c>"
    ),
    b'<c r="C99" t="inlineStr"><is><t>a &amp; b &#10;c</t></is></c>': (
        b'<c r="C99" t="str">          <v>a &amp; b &#10;c</v>     </c>'
    ),
    b'<c r="D99" t="inlineStr" s="1"><is><t>type not last</t></is></c>': None,
    b'<c r="E99" t="inlineStr"><is><r><t>Com</t></r><r><rPr><b/></rPr><t>pleted</t></r></is></c>': (
        None
    ),
    b'<c r="F99" t="inlineStr"><is><t>x</t><rPh sb="0" eb="1"><t>y</t></rPh></is></c>': None,
    b'<c r="G99" t="inlineStr"><is><t></t></is></c>': None,
    b'<c r="H99" t="inlineStr"><is><t> </t></is></c>': (
        b'<c r="H99" t="str">          <v> </v>     </c>'
    ),
}


@pytest.mark.parametrize(("cell", "handed"), INLINE_CELLS.items())
def test_plain_inline_text_keeps_every_byte_in_its_place(cell: bytes, handed: bytes | None) -> None:
    sheet = b"<worksheet><sheetData><row>%s</row></sheetData></worksheet>"
    converted = plain_inline_text(sheet % cell)
    assert converted == sheet % (cell if handed is None else handed)
    assert len(converted) == len(sheet % cell)


def test_inline_text_reads_as_openpyxl_reads_it(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    source = make_workbook()
    path = tmp_path / "inline.xlsx"
    part = f"xl/worksheets/sheet{list(minimal_sheets()).index('Groups') + 1}.xml"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for member in original.infolist():
            data = original.read(member)
            if member.filename == part:
                row = b'<row r="99">%s</row>' % b"".join(INLINE_CELLS)
                data = data.replace(b"</sheetData>", row + b"</sheetData>")
            copy.writestr(member, data)
    # What openpyxl reads from the file as written, rich text objects and all.
    book = openpyxl.load_workbook(path, data_only=True)
    expected = {
        cell.coordinate: cell.value
        for cell in book["Groups"][99]
        if cell.value is not None and str(cell.value).strip()
    }
    book.close()
    groups = next(sheet for sheet in read_workbook(path).sheets if sheet.title == "Groups")
    row = next(row for row in groups.rows if row.number == 99)
    assert {cell.coordinate: cell.value for cell in row.cells} == expected
    assert expected["A99"] == "Completed"
    assert expected["B99"] == " In progress "
    assert expected["C99"] == "a & b \nc"
    assert expected["E99"] == "Completed"
