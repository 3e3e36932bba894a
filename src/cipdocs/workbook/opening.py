"""Tell what kind of file the workbook is, and say so when openpyxl cannot read it."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.package.archive import check_zip_archive

STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
"""The namespace of Excel's "Strict Open XML Spreadsheet" save, which openpyxl cannot read."""
PROLOG_BYTES = 4096
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


def cannot_open(path: Path, error: BaseException) -> WorkbookUnreadableError:
    """Return the error for a workbook that a library failed to open, with the reason and fix."""
    return WorkbookUnreadableError(
        f"{path}: cannot be opened as an Excel workbook ({_describe(error)}); "
        "open it in Excel or LibreOffice and save it again as .xlsx"
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:120]


def check_workbook_file(path: Path) -> None:
    """Raise `WorkbookUnreadableError` with the fix when `path` is plainly not an .xlsx workbook."""
    if path.name.startswith("~$"):
        raise WorkbookUnreadableError(
            f"{path}: this is Excel's lock file for an open workbook, not the workbook; "
            f"use {path.with_name(path.name[2:])} instead"
        )
    if not path.exists():
        raise WorkbookUnreadableError(
            f"{path}: no such file; check the path, or run from the folder that holds inputs/"
        )
    if path.is_dir():
        raise WorkbookUnreadableError(f"{path}: is a folder; give the path of the .xlsx workbook")
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        raise WorkbookUnreadableError(
            f"{path}: cannot be read ({error.strerror}); check the file's permissions"
        ) from None
    if not head:
        raise WorkbookUnreadableError(
            f"{path}: the file is empty; save the workbook again as .xlsx"
        )
    if head.startswith(OLE_SIGNATURE):
        raise WorkbookUnreadableError(
            f"{path}: this is an old-style .xls workbook or a password-protected one; "
            "open it in Excel or LibreOffice, remove any password and save it as .xlsx"
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise WorkbookUnreadableError(
            f"{path}: not an Excel .xlsx workbook (it looks like text, e.g. a CSV); "
            "open it in Excel or LibreOffice and save it as .xlsx"
        )
    check_zip_archive(path, what="workbook", error=WorkbookUnreadableError)
    _check_zip_kind(path)


def _check_zip_kind(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            workbook_xml = (
                archive.read("xl/workbook.xml")[:PROLOG_BYTES]
                if "xl/workbook.xml" in names
                else b""
            )
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError):
        raise WorkbookUnreadableError(
            f"{path}: the file is damaged (not a complete .xlsx); save the workbook again as .xlsx"
        ) from None
    if "mimetype" in names and "content.xml" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is an OpenDocument spreadsheet (.ods); "
            "open it in LibreOffice and save it as Excel 2007-365 (.xlsx)"
        )
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is a binary Excel workbook (.xlsb); "
            "open it in Excel and save it as Excel Workbook (.xlsx)"
        )
    if STRICT_NAMESPACE in workbook_xml:
        raise WorkbookUnreadableError(
            f"{path}: saved as Strict Open XML Spreadsheet, which cipdocs cannot read; "
            "in Excel use File > Save As > Excel Workbook (.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookUnreadableError(
            f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); "
            "give the path of the .xlsx workbook"
        )
