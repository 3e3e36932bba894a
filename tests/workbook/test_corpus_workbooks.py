"""Real spreadsheets nobody on this project made (../shared/corpus): one line each, never a
traceback, whatever program wrote them."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from cipdocs.errors import CipdocsError, InvalidWorkbookError, WorkbookUnreadableError
from cipdocs.loading import load_report
from tests.package.hostile import corpus_folder

FOLDER = corpus_folder()
WORKBOOKS = (
    []
    if FOLDER is None
    else [
        FOLDER / entry["file"]
        for entry in json.loads((FOLDER / "MANIFEST.json").read_text())["files"]
        if entry["kind"] == "xlsx"
    ]
)
# What describes openpyxl or Python rather than the file.
INTERNALS = re.compile(r"<class |openpyxl|NoneType|__init__|Traceback")


def failure(path: Path) -> CipdocsError:
    """Return the error cipdocs gives for the workbook at `path` (none of them is CIP-CCG's)."""
    with pytest.raises(CipdocsError) as raised:
        load_report(path)
    return raised.value


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda path: path.name)
def test_a_real_spreadsheet_gets_one_line(path: Path) -> None:
    error = failure(path)
    assert isinstance(error, WorkbookUnreadableError)
    assert error.lines() == [error.message]
    assert "\n" not in error.message
    assert error.message.startswith(f"{path}: ")
    assert not INTERNALS.search(error.message), error.message


def as_groups_sheet(path: Path, target: Path) -> Path:
    """Write `path` with its first sheet renamed Groups, so that it is read through and through."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        rels = source.read("_rels/.rels").decode()
        main = re.search(r'Target="/?([^"]+)"[^>]*?/?>', rels[rels.find('officeDocument"') :])
        main_part = main.group(1) if main else "xl/workbook.xml"
        for member in source.infolist():
            data = source.read(member)
            if member.filename == main_part:
                data = re.sub(
                    rb'(<(?:\w+:)?sheet\b[^>]*?\bname=")[^"]*', rb"\1Groups", data, count=1
                )
            copy.writestr(member, data)
    return target


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda path: path.name)
def test_a_real_spreadsheet_read_through_gives_lines_never_a_traceback(
    path: Path, tmp_path: Path
) -> None:
    if not zipfile.is_zipfile(path):
        pytest.skip("not a zip file: refused before any sheet is read")
    try:
        renamed = as_groups_sheet(path, tmp_path / path.name)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        pytest.skip("a package cipdocs refuses before reading sheets")
    error = failure(renamed)
    assert isinstance(error, InvalidWorkbookError | WorkbookUnreadableError)
    for line in error.lines():
        assert not INTERNALS.search(line), line
