"""scripts/build_sample_workbook.py rebuilds the committed sample byte for byte, and its
formulas count exactly what cipdocs counts (proved by LibreOffice Calc recalculating them)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cipdocs.errors import ConverterProblemError
from cipdocs.loading import load_report
from cipdocs.office.pdf import find_soffice
from cipdocs.report.model import FigureKind
from cipdocs.workbook.parse import parse_workbook
from cipdocs.workbook.read import read_workbook
from tests.conftest import ROOT, SAMPLE_WORKBOOK

SCRIPT = ROOT / "scripts" / "build_sample_workbook.py"

# LibreOffice keeps the results an .xlsx holds unless told to recalculate it on loading.
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Every attendance mark form of the contract (docs/workbook.md), with stray spaces and any case.
MARK_FORMS: list[object] = [
    "Yes ",
    " y",
    "✓",
    "YES",
    "x",
    "TRUE",
    1,
    "present",
    "P",
    "n/a",
    "N/A",
    "NA",
    "-",
    "\u2013",
    "no",
    0,
    "Absent",
    "apologies",
    "\u00a0Y\u00a0",
    "✅",
    True,
    "☑",
    "✗",
    None,
    "ABSENT ",
]


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sample_workbook", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_rebuilding_gives_the_committed_sample(tmp_path: Path) -> None:
    module = build_script()
    target = tmp_path / "cip-ccg.xlsx"
    module.write_workbook(module.sample_sheets(), target)
    assert target.read_bytes() == SAMPLE_WORKBOOK.read_bytes()


def recalculated(workbook: Path, folder: Path) -> Path:
    """Return `workbook` opened, recalculated and saved again by LibreOffice Calc."""
    try:
        soffice = find_soffice()
    except ConverterProblemError:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/install-office.sh")
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE)
    out = folder / "recalculated"
    subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / workbook.name


def assert_formulas_count_as_cipdocs(workbook: Path, folder: Path) -> int:
    """Assert LibreOffice's results of every Attended/Held/Rate formula are cipdocs' figures;
    return how many were compared."""
    resaved = recalculated(workbook, folder)
    data, _ = parse_workbook(read_workbook(resaved))
    loaded = load_report(resaved)
    ours = {row.group: row for row in loaded.report.participation}
    for figure in data.stated:
        row = ours[figure.group]
        expected = {
            FigureKind.ATTENDED: row.attended,
            FigureKind.HELD: row.held,
            FigureKind.RATE: row.rate,
        }[figure.kind]
        assert figure.value == pytest.approx(expected), figure
    assert not [str(warning) for warning in loaded.warnings if "cipdocs counts" in str(warning)]
    return len(data.stated)


def test_libreoffice_recalculates_the_sample_to_cipdocs_figures(tmp_path: Path) -> None:
    assert assert_formulas_count_as_cipdocs(SAMPLE_WORKBOOK, tmp_path) == 19 * 3
    assert load_report(SAMPLE_WORKBOOK).warnings == ()


def test_formulas_count_every_mark_form_cancelled_meetings_and_represented_since(
    tmp_path: Path,
) -> None:
    module = build_script()
    sheets = module.sample_sheets()
    attendance = [list(row) for row in sheets["Attendance"]]
    for number, row in enumerate(attendance[1:], start=1):
        for column in range(1, 14):
            row[column] = MARK_FORMS[(number * 3 + column) % len(MARK_FORMS)]
    meetings = [list(row) for row in sheets["Meetings"]]
    meetings[3][2], meetings[7][2], meetings[9][2] = "Yes", " yes", "No"  # #03, #07 cancelled
    groups = [list(row) for row in sheets["Groups"]]
    groups[4][4] = dt.date(2024, 3, 13)  # EURALO, on #05's date: #05 counts
    groups[19][4] = dt.date(2024, 5, 1)  # GAC
    sheets.update(
        Attendance=attendance,
        Meetings=meetings,
        Groups=groups,
        Bands=[["Band", "From %", "To %"], ["All", 0, 100]],
    )
    workbook = tmp_path / "every-form.xlsx"
    module.write_workbook(sheets, workbook)
    report = load_report(workbook).report
    assert report.meetings_held == 11
    gac = next(row for row in report.participation if row.group == "GAC")
    assert gac.since == dt.date(2024, 5, 1) and gac.held < 11
    assert assert_formulas_count_as_cipdocs(workbook, tmp_path) == 19 * 3
