"""`cipdocs init`: the working folder it makes, the workbook staff keep, and what it never replaces."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cipdocs.cli import cli
from cipdocs.init import init_folder
from tests.conftest import SAMPLE_WORKBOOK

STEM = "CIP-CCG Status Update 2024-08-30"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Return a folder `cipdocs init` has set up."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "updates")])
    assert result.exit_code == 0, result.stderr
    return tmp_path / "updates"


def test_init_makes_the_workbook_templates_and_output(folder: Path) -> None:
    assert sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) == [
        "inputs",
        "inputs/cip-ccg.xlsx",
        "output",
        "templates",
        "templates/cip-ccg-deck.pptx",
        "templates/cip-ccg-update.docx",
    ]
    assert (folder / "inputs" / "cip-ccg.xlsx").read_bytes() == SAMPLE_WORKBOOK.read_bytes()


def test_check_and_deck_work_in_the_folder_with_no_arguments(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    checked = CliRunner().invoke(cli, ["check"])
    assert checked.exit_code == 0, checked.stderr
    assert "ok: inputs/cip-ccg.xlsx is usable (22 groups" in checked.stderr
    made = CliRunner().invoke(cli, ["deck"])
    assert made.exit_code == 0, made.stderr
    assert "shipped" not in made.stderr
    assert made.stdout.splitlines() == [f"output/{STEM}.pptx", f"output/{STEM}.docx"]


def validations(sheet: object) -> dict[str, tuple[str, str | None, str | None]]:
    """Return range -> (list source, input title, error title) of a sheet's dropdowns."""
    found = {}
    for rule in sheet.data_validations.dataValidation:  # type: ignore[attr-defined]
        assert rule.type in ("list", "date") and rule.allow_blank and rule.showErrorMessage
        assert rule.showInputMessage and rule.prompt and rule.error
        found[str(rule.sqref)] = (rule.formula1, rule.promptTitle, rule.errorTitle)
    return found


def test_workbook_has_dropdowns_for_status_representative_and_attendance(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "inputs" / "cip-ccg.xlsx")
    assert validations(book["Groups"]) == {
        "B2:B201": ('"Yes,No"', "Representative", "Not a valid representative"),
        "C2:C201": ("Statuses!$A$2:$A$200", "Framework status", "Not a valid framework status"),
        "D2:D201": ('"Yes,No"', "Tracked", "Not a valid tracked"),
        "E2:E201": ("36526", "Represented since", "Not a date"),
    }
    assert validations(book["Meetings"]) == {
        "C2:C201": ('"Yes,No"', "Cancelled", "Not a valid cancelled"),
    }
    assert validations(book["Attendance"]) == {
        "B2:O201": ('"Y,N,n/a"', "Attendance", "Not a valid attendance"),
    }
    assert [cell.value for cell in book["Groups"][1]][-1] == "Represented since"
    assert [cell.value for cell in book["Meetings"][1]] == ["Meeting", "Date", "Cancelled"]


def test_workbook_is_tidy_for_the_people_who_keep_it(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "inputs" / "cip-ccg.xlsx")
    assert book.sheetnames[0] == "About"
    about = " ".join(str(cell.value) for cell in book["About"]["A"] if cell.value)
    for words in ("To add a meeting", "To add a group", "cipdocs deck", "Attendance"):
        assert words in about
    assert book["Groups"].freeze_panes == "A2"
    assert book["Attendance"].freeze_panes == "B2"
    assert book["Settings"]["B2"].number_format == "d mmm yyyy"
    assert book["Meetings"]["B2"].is_date
    widths = book["Groups"].column_dimensions
    assert widths["A"].width >= len("GNSO Council") and widths["C"].width >= len("Under discussion")


def test_attendance_formulas_are_live_with_their_results_saved(folder: Path) -> None:
    path = folder / "inputs" / "cip-ccg.xlsx"
    formulas = openpyxl.load_workbook(path)["Attendance"]
    values = openpyxl.load_workbook(path, data_only=True)["Attendance"]
    assert [cell.value for cell in formulas[1]][-3:] == ["Attended", "Held", "Rate"]
    afralo = 3
    assert formulas.cell(afralo, 1).value == "AFRALO"
    # Array formulas counting every mark form (proved in tests/test_build_sample_workbook.py).
    assert str(formulas.cell(afralo, 16).value.text).startswith("=SUMPRODUCT((Meetings!$A$2")
    assert '"yes";"ü"' in formulas.cell(afralo, 16).value.text
    assert '"n/a"' in formulas.cell(afralo, 17).value.text
    assert [values.cell(afralo, column).value for column in (16, 17, 18)] == [12, 13, 0.92]
    with zipfile.ZipFile(path) as archive:
        assert b"fullCalcOnLoad" not in archive.read("xl/workbook.xml")


def test_init_never_replaces_a_file(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "cip-ccg-deck.pptx"
    own.parent.mkdir()
    own.write_bytes(b"the staff's branded deck")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert own.read_bytes() == b"the staff's branded deck"
    assert f"kept {own} (already there)" in result.stderr
    assert str(own) not in result.stdout
    again = init_folder(tmp_path)
    assert again.created == ()
    assert len(again.kept) == 4


def test_init_into_a_file_exits_6(tmp_path: Path) -> None:
    blocker = tmp_path / "updates"
    blocker.write_text("")
    result = CliRunner().invoke(cli, ["init", str(blocker)])
    assert result.exit_code == 6
    assert (
        result.stderr
        == f"error: {blocker}: is a file; give a folder to set up (or none for here)\n"
    )
