"""workbook/cells.py: cells other programs write oddly still read as Excel shows them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment

from cipdocs.workbook.read import read_workbook
from tests.conftest import minimal_sheets, write_sheets


def test_a_comment_on_a_cell_the_sheet_does_not_store_reads(tmp_path: Path) -> None:
    # Excel 2011 for Mac and FlexCel keep a comment's cell out of the sheet data; openpyxl then
    # makes a cell with no style at all, which once failed as "'NoneType' ... 'fillId'".
    written = write_sheets(minimal_sheets(), tmp_path / "written.xlsx")
    book = openpyxl.load_workbook(written)
    book["Groups"]["E3"].comment = Comment("ask Beta", "staff")
    book["Groups"]["B2"].comment = Comment("confirmed", "staff")
    book.save(written)
    path = tmp_path / "comments.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as copy:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet2.xml":
                data, count = re.subn(rb'<c r="E3"[^>]*?(?:/>|>.*?</c>)', b"", data)
                assert count == 1
            copy.writestr(member, data)
    groups = next(sheet for sheet in read_workbook(path).sheets if sheet.title == "Groups")
    assert [cell.value for cell in groups.rows[1].cells] == ["Alpha", "Yes", "Done"]
    assert groups.painted == ()
