"""Shared fixtures: the committed sample workbook and a factory for small literal workbooks."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Generator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

from cipdocs.loading import load_report
from cipdocs.report.model import Report
from cipdocs.report.present import PresentedReport, present_report

if TYPE_CHECKING:
    from scripts.verapdf import Verdict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_WORKBOOK = ROOT / "inputs" / "cip-ccg.xlsx"
DECK_TEMPLATE = ROOT / "templates" / "cip-ccg-deck.pptx"
UPDATE_TEMPLATE = ROOT / "templates" / "cip-ccg-update.docx"

Rows = Sequence[Sequence[object]]
WorkbookFactory = Callable[..., Path]


def minimal_sheets() -> dict[str, list[list[object]]]:
    """Return a small valid workbook as rows: 3 groups, 2 statuses, 3 meetings (2 held), 3 bands."""
    return {
        "Settings": [["Setting", "Value"], ["Report date", dt.date(2024, 3, 1)]],
        "Groups": [
            ["Group", "Representative", "Framework status"],
            ["Alpha", "Yes", "Done"],
            ["Beta", "Yes", "Open"],
            ["Gamma", "No", None],
        ],
        "Statuses": [["Status", "Label"], ["Done", "Done (label)"], ["Open", "Open (label)"]],
        "Meetings": [
            ["Meeting", "Date"],
            ["M1", dt.date(2024, 1, 10)],
            ["M2", dt.date(2024, 2, 10)],
            ["M3", dt.date(2024, 4, 10)],
        ],
        "Attendance": [
            ["Group", "M1", "M2", "M3"],
            ["Alpha", "Y", "Y", None],
            ["Beta", "Y", "N", None],
        ],
        "Bands": [["Band", "From %", "To %"], ["All", 100, 100], ["Half", 50, 99], ["Low", 0, 49]],
        "Milestones": [["Milestone", "Status"], ["First task", "Done"], ["Second task", None]],
        "Roadmap": [
            ["Phase", "Start", "End", "Status"],
            ["Build", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "In progress"],
        ],
    }


def contract_sheets() -> dict[str, list[list[object]]]:
    """Return a workbook using the whole contract: a cancelled meeting (M2, its column holding
    only a not-expected mark), a group represented since a date (Beta), an n/a mark (Delta).

    By hand, as of 1 Mar 2024 (M1, M3, M4 held; M2 cancelled; M5 planned):
    Alpha 3 of 3 (100%); Beta, since 1 Feb 2024, M3 and M4: 1 of 2 (50%); Delta, M3 n/a: 2 of 2.
    """
    sheets = minimal_sheets()
    sheets["Groups"] = [
        ["Group", "Representative", "Framework status", "Represented since"],
        ["Alpha", "Yes", "Done", None],
        ["Beta", "Yes", "Open", dt.date(2024, 2, 1)],
        ["Gamma", "No", None, None],
        ["Delta", "Yes", "Open", None],
    ]
    sheets["Meetings"] = [
        ["Meeting", "Date", "Cancelled"],
        ["M1", dt.date(2024, 1, 10), None],
        ["M2", dt.date(2024, 1, 24), "Yes"],
        ["M3", dt.date(2024, 2, 10), "No"],
        ["M4", dt.date(2024, 2, 20), None],
        ["M5", dt.date(2024, 4, 10), None],
    ]
    sheets["Attendance"] = [
        ["Group", "M1", "M2", "M3", "M4", "M5"],
        ["Alpha", "Y", "-", "Y", "Yes ", None],
        ["Beta", None, None, "Y", "N", None],
        ["Delta", "Y", None, "n/a", "Y", None],
    ]
    return sheets


def write_sheets(sheets: Mapping[str, Rows], path: Path) -> Path:
    """Write `sheets` (title -> rows, header first) as an .xlsx at `path`."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def scratch_cache(tmp_path_factory: pytest.TempPathFactory) -> Generator[Path, None, None]:
    """Point cipdocs' cache (src/cipdocs/cache.py) at a scratch folder for the whole session,
    the `cipdocs` processes tests start included, so no test reads or writes the user's."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIPDOCS_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture
def make_workbook(tmp_path: Path) -> WorkbookFactory:
    """Return a factory writing a workbook from `minimal_sheets()` with sheets replaced or dropped."""

    def factory(name: str = "book.xlsx", drop: Sequence[str] = (), **replace: Rows) -> Path:
        sheets: dict[str, Rows] = dict(minimal_sheets())
        for title in drop:
            del sheets[title]
        sheets.update(replace)
        return write_sheets(sheets, tmp_path / name)

    return factory


@pytest.fixture(scope="session")
def sample_report() -> Report:
    """Return the report computed from the committed sample workbook."""
    return load_report(SAMPLE_WORKBOOK).report


@pytest.fixture(scope="session")
def sample_presented(sample_report: Report) -> PresentedReport:
    """Return the presented report of the committed sample workbook."""
    return present_report(sample_report)


def font_installed(family: str) -> bool:
    """Return True when fontconfig knows the font `family` (False without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    listed = subprocess.run([fc_list, family, "family"], capture_output=True, text=True).stdout
    return bool(listed.strip())


NO_CARLITO = "the Carlito or Liberation Sans font is not installed: run scripts/install-office.sh"
needs_carlito = pytest.mark.skipif(
    not (font_installed("Carlito") and font_installed("Liberation Sans")), reason=NO_CARLITO
)
"""Skip a test of a PDF's fonts where Carlito or Liberation Sans (Calibri's and Arial's metric
twins) is missing."""


PdfUaValidator = Callable[[Sequence[Path]], "dict[Path, Verdict]"]
VERAPDF_SETUP = "run `python scripts/verapdf.py setup`"


@pytest.fixture(scope="session")
def verapdf() -> PdfUaValidator:
    """Return veraPDF's PDF/UA-1 validation (scripts/verapdf.py), or skip with the reason."""
    from scripts.verapdf import cache_folder, is_ready, validate

    if not is_ready(cache_folder()):
        pytest.skip(f"veraPDF is not set up in {cache_folder()}: {VERAPDF_SETUP}")
    return lambda paths: validate(list(paths))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Under CIPDOCS_REQUIRE_OFFICE=1 (CI), fail a test skipped for a missing office tool, and
    under CIPDOCS_REQUIRE_VERAPDF=1 one skipped for veraPDF not set up."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    required = {
        "install-office.sh": os.environ.get("CIPDOCS_REQUIRE_OFFICE") == "1",
        "scripts/verapdf.py setup": os.environ.get("CIPDOCS_REQUIRE_VERAPDF") == "1",
    }
    if report.skipped and any(
        needed and hint in str(report.longrepr) for hint, needed in required.items()
    ):
        report.outcome = "failed"


@pytest.fixture(scope="session")
def update_series(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """Return three workbooks a few weeks apart (tests/series.py) and the folder that holds
    the deck and Word update `cipdocs deck` wrote from each, in order, into one folder."""
    from cipdocs.app import build_documents
    from cipdocs.cycle import compare_with_previous
    from cipdocs.options import DeckRequest
    from tests.series import write_series

    root = tmp_path_factory.mktemp("series")
    output = root / "output"
    workbooks = write_series(root / "inputs")
    for workbook in workbooks:
        loaded = load_report(workbook)
        request = DeckRequest(
            workbook=workbook,
            output_dir=output,
            deck_template=DECK_TEMPLATE,
            update_template=UPDATE_TEMPLATE,
            parallel=False,
        )
        comparison = compare_with_previous(loaded.report, None, output)
        build_documents(request, loaded, lambda _: None, comparison=comparison)
    return workbooks, output
