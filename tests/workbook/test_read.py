"""Workbook: files that are not a readable .xlsx get one clear line naming the file and the fix."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from openpyxl.styles import Font

from cipdocs.errors import InvalidWorkbookError, WorkbookUnreadableError
from cipdocs.loading import load_report
from cipdocs.workbook.read import iter_unsaved_formulas, read_workbook
from tests.conftest import WorkbookFactory, minimal_sheets, write_sheets
from tests.package.test_archive import BILLION_LAUGHS, patch_central_directory

# The first bytes of a real .xls (and of any password-protected .xlsx): an OLE2 compound file.
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
NEVER_CALCULATED = (
    "the workbook's formulas were never calculated (it was written by a program such as "
    "xlsxwriter or openpyxl, which saves 0 or nothing as each result); open it in Excel and save "
    "it (in LibreOffice, choose Data > Calculate > Recalculate Hard before saving)"
)
UNSAVED = (
    "the formula has no saved value (the file was last saved by a program that does not "
    "calculate); open it in Excel or LibreOffice and save it again"
)


def unreadable(path: Path) -> str:
    with pytest.raises(WorkbookUnreadableError) as raised:
        read_workbook(path)
    assert raised.value.exit_code == 3
    return raised.value.message


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidWorkbookError) as raised:
        load_report(path)
    return [str(issue) for issue in raised.value.issues]


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy the zip `source` to `target` with some members' bytes replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            new.writestr(member.filename, replace.pop(member.filename, old.read(member)))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def test_defusedxml_is_in_use() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.xlsx"
    assert unreadable(path) == (
        f"{path}: no such file; check the path, or run from the folder that holds inputs/"
    )


def test_folder(tmp_path: Path) -> None:
    assert unreadable(tmp_path) == f"{tmp_path}: is a folder; give the path of the .xlsx workbook"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert unreadable(path) == f"{path}: the file is empty; save the workbook again as .xlsx"


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "groups.xlsx"
    path.write_text("Group,Representative\nALAC,Yes\n")
    assert unreadable(path) == (
        f"{path}: not an Excel .xlsx workbook (it looks like text, e.g. a CSV); "
        "open it in Excel or LibreOffice and save it as .xlsx"
    )


@pytest.mark.parametrize("name", ["old.xls", "locked.xlsx"])
def test_ole_container_old_xls_or_password(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(OLE_HEADER + bytes(512 - len(OLE_HEADER)))
    assert unreadable(path) == (
        f"{path}: this is an old-style .xls workbook or a password-protected one; "
        "open it in Excel or LibreOffice, remove any password and save it as .xlsx"
    )


def test_ods_shaped_zip(tmp_path: Path) -> None:
    path = zip_of(
        tmp_path / "book.xlsx",
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:'
            b'opendocument:xmlns:office:1.0"/>',
        },
    )
    assert unreadable(path) == (
        f"{path}: this is an OpenDocument spreadsheet (.ods); "
        "open it in LibreOffice and save it as Excel 2007-365 (.xlsx)"
    )


def test_xlsb_shaped_zip(tmp_path: Path) -> None:
    path = zip_of(
        tmp_path / "book.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0\1"}
    )
    assert unreadable(path) == (
        f"{path}: this is a binary Excel workbook (.xlsb); "
        "open it in Excel and save it as Excel Workbook (.xlsx)"
    )


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "notes.xlsx", {"notes.txt": b"hello"})
    assert unreadable(path) == (
        f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); "
        "give the path of the .xlsx workbook"
    )


def test_password_protected_workbook_says_so(tmp_path: Path) -> None:
    from tests.package.hostile import compound_file

    path = compound_file(tmp_path / "locked.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    assert unreadable(path) == (
        f"{path}: the workbook is password-protected (encrypted), so cipdocs cannot open it; in "
        "Excel remove the password (File > Info > Protect Workbook > Encrypt with Password, "
        "clear the box), save it, and try again"
    )


def test_excel_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "~$cip-ccg.xlsx"
    path.write_bytes(b"\x0bsomeone" + bytes(150))
    assert unreadable(path) == (
        f"{path}: this is Excel's lock file for an open workbook, not the workbook; "
        f"use {tmp_path / 'cip-ccg.xlsx'} instead"
    )


def test_zip_bomb_workbook_is_refused(make_workbook: WorkbookFactory, tmp_path: Path) -> None:
    bomb = rewrite_zip(
        make_workbook(),
        tmp_path / "bomb.xlsx",
        {"xl/worksheets/sheet9.xml": b"<worksheet>" + bytes(50 * 1024 * 1024)},
    )
    message = unreadable(bomb)
    assert message.startswith(f"{bomb}: the workbook was not opened: the part ")
    assert "this is how a zip bomb looks" in message


def test_lying_sizes_fail_cleanly(make_workbook: WorkbookFactory, tmp_path: Path) -> None:
    # Central directory says 200 bytes for a 20 MB sheet: inflation stops just past them.
    path = rewrite_zip(
        make_workbook(),
        tmp_path / "lies.xlsx",
        {"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * (20 * 1024 * 1024) + b"</worksheet>"},
    )
    patch_central_directory(path, "xl/worksheets/sheet1.xml", file_size=200)
    message = unreadable(path)
    assert "the part 'xl/worksheets/sheet1.xml' holds more than the 200 bytes it declares" in (
        message
    )


def test_corrupt_compressed_data_is_damaged(tmp_path: Path) -> None:
    path = write_sheets(minimal_sheets(), tmp_path / "corrupt.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = sheet.header_offset + 30 + len(sheet.filename) + 20
    data[start : start + 40] = bytes(byte ^ 0x55 for byte in data[start : start + 40])
    path.write_bytes(bytes(data))
    assert unreadable(path).startswith(
        f"{path}: the workbook is damaged (not a complete zip file) (Error -3 while decompressing"
    )


def test_path_traversal_member(make_workbook: WorkbookFactory, tmp_path: Path) -> None:
    path = rewrite_zip(make_workbook(), tmp_path / "evil.xlsx", {"../../etc/cron.d/x": b"* * *"})
    assert "it holds a part with an unsafe name ('../../etc/cron.d/x'" in unreadable(path)


def test_billion_laughs_is_refused(make_workbook: WorkbookFactory, tmp_path: Path) -> None:
    path = rewrite_zip(
        make_workbook(), tmp_path / "laughs.xlsx", {"xl/sharedStrings.xml": BILLION_LAUGHS}
    )
    message = unreadable(path)
    assert message == (
        f"{path}: the workbook was not opened: the part 'xl/sharedStrings.xml' declares XML "
        "entities (a DTD), which Office files never do and which can expand without limit (a "
        "'billion laughs' file); if the workbook is genuine, open it in its Office program "
        "(Excel, PowerPoint, Word or LibreOffice) and save a fresh copy"
    )


def test_broken_sheet_xml_is_unreadable_not_a_traceback(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    path = rewrite_zip(
        make_workbook(),
        tmp_path / "broken.xlsx",
        {"xl/worksheets/sheet1.xml": b'<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" '},
    )
    assert unreadable(path) == (
        f"{path}: cannot be opened as an Excel workbook: a worksheet could not be read (unclosed "
        "token: line 1, column 43); open it in Excel or LibreOffice and save it again as .xlsx"
    )


def test_library_internals_never_reach_the_message(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    # A cell style without a name: openpyxl says "<class '..._NamedCellStyle'>.name should be".
    path = rewrite_zip(
        make_workbook(),
        tmp_path / "styles.xlsx",
        {
            "xl/styles.xml": b'<styleSheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><cellStyles><cellStyle xfId="0" builtinId="0"/>'
            b"</cellStyles></styleSheet>"
        },
    )
    assert unreadable(path) == (
        f"{path}: cannot be opened as an Excel workbook: its styles (xl/styles.xml) could not be "
        "read; open it in Excel or LibreOffice and save it again as .xlsx"
    )


def test_formula_without_saved_value_is_a_problem(make_workbook: WorkbookFactory) -> None:
    sheets = minimal_sheets()
    path = make_workbook(
        Groups=[sheets["Groups"][0], ["Alpha", '="Yes"', "Done"], *sheets["Groups"][2:]],
        Attendance=[["Group", "M1", "=Meetings!A3"], ["Alpha", "Y", "Y"], ["Beta", "=1", "N"]],
        Milestones=[["Milestone", "Status"], ["First task", "=B3"]],
    )
    # openpyxl marks what it writes fullCalcOnLoad: the formulas are reported once, and the
    # Alpha row of Groups, having a problem, is still a known group for Attendance.
    assert problems_of(path) == [
        f"Groups!B2 and 3 other formula cells: {NEVER_CALCULATED}",
        "Attendance!1:1: meeting 'M2' was held on 2024-02-10 but has no column; add a column "
        "headed 'M2'",
    ]


@pytest.mark.parametrize(
    ("cell", "unsaved"),
    [
        (b'<c r="B2"><f>1+1</f></c>', True),  # no <v> at all
        (b'<c r="B2"><f>1+1</f><v></v></c>', True),  # openpyxl writes this
        (b'<c r="B2" t="str"><f>""</f><v></v></c>', False),  # Excel: a formula giving ""
        (b'<c r="B2"><f>1+1</f><v>2</v></c>', False),
        (b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', False),
        (b'<c r="B2"><v>2</v></c>', False),
        (b'<c r="B2" s="3"/>', False),
    ],
)
def test_iter_unsaved_formulas(cell: bytes, unsaved: bool) -> None:
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    sheet += b'<sheetData><row r="2">' + cell + b"</row></sheetData></worksheet>"
    expected = [((2, 2), "B2")] if unsaved else []
    assert list(iter_unsaved_formulas(io.BytesIO(sheet))) == expected


def test_unsaved_formulas_without_references_are_placed_by_count() -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row><c><v>1</v></c><c><f>A1</f></c></row><row r="5"><c><f>A1</f></c></row>'
        b"</sheetData></worksheet>"
    )
    assert list(iter_unsaved_formulas(io.BytesIO(sheet))) == [((1, 2), "B1"), ((5, 1), "A5")]


def test_error_values_are_problems(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(
        Attendance=[["Group", "M1", "M2"], ["Alpha", "#N/A", "Y"], ["Beta", "Y", "#DIV/0!"]],
        Statuses=[["Status", "Label"], ["Done", "#REF!"], ["Open", "Open (label)"]],
    )
    assert problems_of(path) == [
        "Statuses!B2: the cell holds the error #REF!; fix the formula or type the value",
        "Attendance!B2: the cell holds the error #N/A; enter Y or N",
        "Attendance!C3: the cell holds the error #DIV/0!; enter Y or N",
    ]


def test_cell_styled_at_row_a_million_reads_only_stored_cells(tmp_path: Path) -> None:
    path = write_sheets(minimal_sheets(), tmp_path / "long.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        sheet.cell(row=1_000_000, column=3).font = Font(bold=True)
        sheet.row_dimensions[1_048_576].height = 30
    book.save(path)
    raw = read_workbook(path)
    assert max(row.number for sheet in raw.sheets for row in sheet.rows) < 10
    assert load_report(path).report.representation.total == 3


def test_rows_formatted_down_the_sheet_stay_fast(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    # 300,000 cell-less formatted rows (as "format to the bottom" leaves), then one real cell.
    source = make_workbook()
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    empty = b"".join(
        b'<row r="%d" s="1" customFormat="1" ht="15"/>' % number for number in range(5, 300_005)
    )
    last = b'<row r="300005"><c r="A300005" t="inlineStr"><is><t>Note</t></is></c></row>'
    path = rewrite_zip(
        source,
        tmp_path / "formatted.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet.replace(
                b"</sheetData>", empty + last + b"</sheetData>"
            )
        },
    )
    raw = read_workbook(path)
    assert [row.number for row in raw.sheets[0].rows] == [1, 2, 300_005]
    assert load_report(path).report.report_date.isoformat() == "2024-03-01"


def test_control_and_invisible_characters_come_out_clean(make_workbook: WorkbookFactory) -> None:
    sheets = minimal_sheets()
    path = make_workbook(
        Groups=[
            sheets["Groups"][0],
            ["Al\u200bpha_x000D_", "Yes", "Done\u00a0"],
            ["\tBeta_x0007_\n", "\ufeffYes", " Open"],
            ["Gam\u00adma", "No", None],
        ],
        Attendance=[["Group", "M1", "M2"], ["Alpha", "Y\u200b", "y"], ["beta\u2060", "n", "Y"]],
        Statuses=[["Status", "Label"], ["Done", "Done_x000D__x000A_(label)"], ["Open", "Open"]],
    )
    report = load_report(path).report
    assert [(row.group, row.attended) for row in report.participation] == [
        ("Alpha", 2),
        ("Beta", 1),
    ]
    assert report.statuses[0].groups == ("Alpha",)
    assert report.statuses[0].status.label == "Done (label)"
    assert report.representation.unrepresented == ("Gamma",)


def test_real_xlsx_with_another_extension_reads(make_workbook: WorkbookFactory) -> None:
    path = make_workbook()
    renamed = path.rename(path.with_name("tracker.xls"))
    assert load_report(renamed).report.representation.total == 3


def test_sample_workbook_reads_without_unsaved_formulas() -> None:
    from tests.conftest import SAMPLE_WORKBOOK

    raw = read_workbook(SAMPLE_WORKBOOK)
    assert not any(cell.is_unsaved_formula for s in raw.sheets for r in s.rows for cell in r.cells)
