"""Shipped files: which default file a run uses, and that the package carries them all."""

from __future__ import annotations

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
    ("explicit", "local_exists", "expected", "is_shipped"),
    [
        (Path("mine.xlsx"), True, Path("mine.xlsx"), False),
        (Path("mine.xlsx"), False, Path("mine.xlsx"), False),
        (None, True, Path("inputs/cip-ccg.xlsx"), False),
        (None, False, SAMPLE_WORKBOOK, True),
    ],
)
def test_workbook_resolves_explicit_then_here_then_shipped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    explicit: Path | None,
    local_exists: bool,
    expected: Path,
    is_shipped: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    if local_exists:
        (tmp_path / "inputs").mkdir()
        (tmp_path / "inputs" / "cip-ccg.xlsx").write_bytes(b"staff's own")
    chosen = shipped.choose_workbook(explicit)
    assert (chosen.path, chosen.shipped) == (expected, is_shipped)


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


def test_deck_in_an_empty_folder_uses_the_shipped_files_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["deck"])
    assert result.exit_code == 0, result.stderr
    assert f"using the shipped sample workbook {SAMPLE_WORKBOOK}" in result.stderr
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
