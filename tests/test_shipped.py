"""Shipped files: which default file a run uses, and that the package carries them all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cipdocs import shipped
from cipdocs.cli import cli
from tests.conftest import DECK_TEMPLATE, ROOT, SAMPLE_WORKBOOK, UPDATE_TEMPLATE


def test_shipped_files_are_the_ones_in_the_checkout() -> None:
    assert shipped.shipped_workbook().read_bytes() == SAMPLE_WORKBOOK.read_bytes()
    deck, update = shipped.shipped_templates()
    assert deck.read_bytes() == DECK_TEMPLATE.read_bytes()
    assert update.read_bytes() == UPDATE_TEMPLATE.read_bytes()


@pytest.mark.parametrize(
    ("explicit", "local_exists", "expected"),
    [
        (Path("mine.xlsx"), True, Path("mine.xlsx")),
        (Path("mine.xlsx"), False, Path("mine.xlsx")),
        (None, True, Path("inputs/cip-ccg.xlsx")),
    ],
)
def test_workbook_resolves_explicit_then_here(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    explicit: Path | None,
    local_exists: bool,
    expected: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    if local_exists:
        (tmp_path / "inputs").mkdir()
        (tmp_path / "inputs" / "cip-ccg.xlsx").write_bytes(b"staff's own")
    chosen = shipped.choose_workbook(explicit)
    assert (chosen.path, chosen.shipped) == (expected, False)


NO_WORKBOOK = (
    "error: no workbook named, and there is no inputs/cip-ccg.xlsx here{}; name the workbook "
    "(cipdocs deck WORKBOOK), or run cipdocs init to set up this folder with a worked example"
)


@pytest.mark.parametrize(
    ("files", "hint"),
    [
        ([], ""),
        (["inputs/CIP-CCG tracker Oct.xlsx"], ' (did you mean "inputs/CIP-CCG tracker Oct.xlsx"?)'),
        (["inputs/~$cip.xlsx", "notes.txt"], ""),
        (
            ["inputs/b.xlsx", "a.XLSX", "inputs/a.xlsx", "z.xlsx"],
            ' (did you mean "inputs/a.xlsx", "inputs/b.xlsx", "a.XLSX" (and 1 more)?)',
        ),
    ],
)
@pytest.mark.parametrize("command", ["deck", "check", "summary", "changes"])
def test_no_workbook_named_and_none_here_stops_and_names_what_is_here(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[str],
    hint: str,
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in files:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    result = CliRunner().invoke(cli, [command])
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [NO_WORKBOOK.format(hint)]
    assert not (tmp_path / "output").exists()


def test_describe_names_the_shipped_file_and_what_was_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert shipped.describe(shipped.choose_deck_template(None), "deck template") == (
        f"using the shipped deck template {DECK_TEMPLATE} "
        "(there is no templates/cip-ccg-deck.pptx here)"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cip-ccg-deck.pptx").write_bytes(b"staff's own")
    assert shipped.describe(shipped.choose_deck_template(None), "deck template") is None


def test_deck_of_a_named_workbook_in_an_empty_folder_uses_the_shipped_templates_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["deck", str(SAMPLE_WORKBOOK)])
    assert result.exit_code == 0, result.stderr
    assert "sample workbook" not in result.stderr
    assert f"using the shipped Word template {UPDATE_TEMPLATE}" in result.stderr
    assert sorted(path.name for path in (tmp_path / "output").iterdir()) == [
        "CIP-CCG Status Update 2024-08-30.docx",
        "CIP-CCG Status Update 2024-08-30.pptx",
    ]


def test_templates_command_lists_the_shipped_templates_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["templates"])
    assert result.exit_code == 0, result.stderr
    assert f"{DECK_TEMPLATE}:" in result.stdout.splitlines()
    assert f"using the shipped deck template {DECK_TEMPLATE}" in result.stderr


def test_pyproject_lists_every_package() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(settings["setuptools"]["packages"])
    source = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(source).parts) for init in source.rglob("__init__.py")
    }
    assert found | {"cipdocs.templates", "cipdocs.inputs"} == listed


COPY_IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "output", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


def run_installed(venv: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `cipdocs` in `folder`; fail the test with its stderr if it fails."""
    completed = subprocess.run(
        [str(venv / "bin" / "cipdocs"), *args], cwd=folder, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    return completed


@pytest.mark.install
@pytest.mark.skipif(sys.platform == "win32", reason="the venv layout here is the POSIX one")
def test_regular_install_works_in_a_folder_without_templates_or_inputs(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=COPY_IGNORED)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this test environment, so only cipdocs itself is installed.
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", str(checkout)],
        check=True,
        capture_output=True,
    )
    folder = tmp_path / "work"
    folder.mkdir()

    refused = subprocess.run(
        [str(venv / "bin" / "cipdocs"), "deck"], cwd=folder, capture_output=True, text=True
    )
    assert (refused.returncode, refused.stderr) == (3, NO_WORKBOOK.format("") + "\n")
    first = run_installed(venv, folder, "deck", f"{site}/cipdocs/inputs/cip-ccg.xlsx")
    assert f"using the shipped deck template {site}/cipdocs/templates/" in first.stderr
    run_installed(venv, folder, "init")
    assert "usable" in run_installed(venv, folder, "check").stderr
    again = run_installed(venv, folder, "deck")
    assert "shipped" not in again.stderr
    assert again.stdout.splitlines() == [
        "output/CIP-CCG Status Update 2024-08-30.pptx",
        "output/CIP-CCG Status Update 2024-08-30.docx",
    ]
