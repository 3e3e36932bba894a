"""Tell what kind of file the workbook is, and say so when openpyxl cannot read it."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from lxml import etree

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.package.archive import (
    PackageDamaged,
    PackageRefused,
    check_zip_archive,
    iter_part,
    read_part,
)
from cipdocs.package.kind import is_encrypted_package

STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
"""The namespace of Excel's "Strict Open XML Spreadsheet" save, which openpyxl cannot read."""
PROLOG_BYTES = 4096
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
_SMALL_PART = 16 * 1024 * 1024
"""The most the package relationships or the workbook part are read to (they take kilobytes)."""
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def cannot_open(path: Path, error: BaseException, where: str = "") -> WorkbookUnreadableError:
    """Return the error for a workbook that a library failed to open: the part (`where`, e.g.
    ``its styles (xl/styles.xml)``) and the reason when it is the file's, and the fix."""
    reason = _describe(error)
    if where:
        detail = f": {where} could not be read" + (f" ({reason})" if reason else "")
    else:
        detail = f" ({reason or 'it is not a sound .xlsx'})"
    return WorkbookUnreadableError(
        f"{path}: cannot be opened as an Excel workbook{detail}; "
        "open it in Excel or LibreOffice and save it again as .xlsx"
    )


# Text that describes the library, not the file: openpyxl's classes, Python's call errors.
_INTERNALS = re.compile(r"<class |openpyxl|__init__|\(\)|object has no attribute|Traceback")


def _describe(error: BaseException) -> str:
    """Return the first line of `error` when it tells something about the file, else ''."""
    text = str(error).strip()
    if not text or _INTERNALS.search(text):
        return ""
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
    if head.startswith(OLE_SIGNATURE) and is_encrypted_package(path):
        raise WorkbookUnreadableError(
            f"{path}: the workbook is password-protected (encrypted), so cipdocs cannot open it; "
            "in Excel remove the password (File > Info > Protect Workbook > Encrypt with "
            "Password, clear the box), save it, and try again"
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
        with path.open("rb") as file, zipfile.ZipFile(file) as archive:
            members = {member.filename: member for member in archive.infolist()}
            main = main_part(file, archive)
            workbook_xml = (
                next(iter_part(file, members[main], limit=members[main].file_size), b"")
                if main in members
                else b""
            )[:PROLOG_BYTES]
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, PackageDamaged, PackageRefused):
        raise WorkbookUnreadableError(
            f"{path}: the file is damaged (not a complete .xlsx); save the workbook again as .xlsx"
        ) from None
    names = set(members)
    if "mimetype" in names and "content.xml" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is an OpenDocument spreadsheet (.ods); "
            "open it in LibreOffice and save it as Excel 2007-365 (.xlsx)"
        )
    if main.endswith(".bin") or "xl/workbook.bin" in names:
        raise WorkbookUnreadableError(
            f"{path}: this is a binary Excel workbook (.xlsb); "
            "open it in Excel and save it as Excel Workbook (.xlsx)"
        )
    if STRICT_NAMESPACE in workbook_xml:
        raise WorkbookUnreadableError(
            f"{path}: saved as Strict Open XML Spreadsheet, which cipdocs cannot read; "
            "in Excel use File > Save As > Excel Workbook (.xlsx)"
        )
    if main not in names:
        raise WorkbookUnreadableError(
            f"{path}: a zip file but not an Excel workbook (no xl/workbook.xml); "
            "give the path of the .xlsx workbook"
        )


def main_part(file: IO[bytes], archive: zipfile.ZipFile) -> str:
    """Return the workbook part's name: where ``_rels/.rels`` points (SheetJS may write
    ``wtf/workbook.xml``), else ``xl/workbook.xml``."""
    root = parse_part(file, archive, "_rels/.rels")
    for relationship in () if root is None else root.iter(f"{{{_PACKAGE_REL}}}Relationship"):
        if (relationship.get("Type") or "").endswith("/officeDocument"):
            return (relationship.get("Target") or "").lstrip("/")
    return "xl/workbook.xml"


def parse_part(file: IO[bytes], archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    """Return the small XML part `name` parsed (read to at most 16 MB), or None when the
    workbook does not hold it or it is not XML."""
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    try:
        return etree.fromstring(read_part(file, member, limit=_SMALL_PART), _PARSER)
    except etree.XMLSyntaxError:
        return None
