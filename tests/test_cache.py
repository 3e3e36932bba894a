"""Tests for cache.py: entries kept between runs, never required, never changing an output byte."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import jinja2
import pytest

from cipdocs import cache
from cipdocs.pptx_template.fonts import face_names, read_face, read_face_file
from cipdocs.templating import make_environment
from tests.conftest import ROOT, SAMPLE_WORKBOOK
from tests.pptx_template.test_fonts import CARLITO

pytestmark = pytest.mark.skipif(CARLITO is None, reason="Carlito is not installed")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CIPDOCS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_entry_is_read_back(folder: Path) -> None:
    cache.write_entry("things", "key", {"a": [1, 2]})

    assert cache.read_entry("things", "key") == {"a": [1, 2]}
    assert cache.read_entry("things", "other key") is None
    assert [path.suffix for path in (folder / "things").iterdir()] == [".json"]


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"key": "another key", "value": 1}'])
def test_a_damaged_or_foreign_entry_is_not_trusted(folder: Path, content: bytes) -> None:
    cache.write_entry("things", "key", 1)
    path = cache.entry_path("things", "key")
    assert path is not None
    path.write_bytes(content)

    assert cache.read_entry("things", "key") is None


def test_a_read_only_cache_costs_time_not_correctness(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.write_entry("things", "kept", 1)

    def refused(**_: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", refused)
    cache.write_entry("things", "new", 2)

    assert cache.read_entry("things", "kept") == 1
    assert cache.read_entry("things", "new") is None
    assert read_face(CARLITO) == read_face_file(CARLITO)  # type: ignore[arg-type]
    assert list((folder / "faces").iterdir()) == []


def test_a_cache_folder_that_is_a_file_costs_time_not_correctness(folder: Path) -> None:
    folder.write_text("not a folder")

    cache.write_entry("things", "key", 1)

    assert cache.read_entry("things", "key") is None
    assert read_face(CARLITO) == read_face_file(CARLITO)


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIPDOCS_CACHE_DIR", "")

    assert cache.cache_folder() is None
    cache.write_entry("things", "key", 1)
    assert cache.read_entry("things", "key") is None


def test_font_metrics_are_the_same_cold_and_warm(folder: Path) -> None:
    cold = read_face(CARLITO)
    names = face_names(CARLITO)

    assert sorted(path.name for path in folder.iterdir()) == ["face-names", "faces"]
    assert read_face(CARLITO) == cold == read_face_file(CARLITO)
    assert face_names(CARLITO) == names


def test_a_changed_font_file_is_read_again(folder: Path, tmp_path: Path) -> None:
    assert CARLITO is not None
    face = tmp_path / "face.ttf"
    face.write_bytes(CARLITO.read_bytes())
    assert read_face(face).bold is False

    face.write_bytes(CARLITO.with_name("Carlito-Bold.ttf").read_bytes())

    assert read_face(face).bold is True


def deck(output: Path, cache_setting: str) -> dict[str, bytes]:
    """Run `cipdocs deck` on the sample into `output` with the cache set so; return the files."""
    environment = {**os.environ, "CIPDOCS_CACHE_DIR": cache_setting}
    command = [sys.executable, "-m", "cipdocs", "deck", str(SAMPLE_WORKBOOK), "-o", str(output)]
    subprocess.run(command, check=True, capture_output=True, env=environment, cwd=ROOT)
    return {path.name: path.read_bytes() for path in sorted(output.iterdir())}


def test_documents_are_byte_identical_with_a_cold_a_warm_and_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"

    cold = deck(tmp_path / "cold", str(folder))
    kept = sorted(path.name for path in folder.iterdir())
    warm = deck(tmp_path / "warm", str(folder))
    none = deck(tmp_path / "none", "")

    assert kept == ["face-names", "faces", "jinja", "template-findings"]
    assert len(cold) == 2
    assert cold == warm == none


def test_a_warm_run_reads_no_font_file(tmp_path: Path) -> None:
    # fontTools is imported only to read a font file; with the faces cached it is not needed.
    # --debug: one process, so what the deck's worker imports is imported here.
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['cipdocs', '--debug', 'deck', {str(SAMPLE_WORKBOOK)!r}, '-o', {str(tmp_path / 'out')!r},"
        " '--format', 'pptx']\n"
        "try:\n    runpy.run_module('cipdocs', run_name='__main__')\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'fontTools'}))\n"
    )
    environment = {**os.environ, "CIPDOCS_CACHE_DIR": str(tmp_path / "cache")}

    def imported() -> str:
        command = [sys.executable, "-c", script]
        run = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip().splitlines()[-1]

    assert imported() == "['fontTools']"  # cold: the fonts are read
    assert imported() == "[]"


TEXT = "{{ groups | join_names }} met on {{ day | short_date }}{% if late %} (late){% endif %}"
CONTEXT = {"groups": ["ALAC", "GAC", "SSAC"], "day": date(2024, 8, 30), "late": True}


def test_a_compiled_text_is_kept_and_renders_the_same_read_back(folder: Path) -> None:
    cold = make_environment().from_string(TEXT).render(CONTEXT)
    [kept] = (folder / "jinja").iterdir()
    stamp = kept.stat().st_mtime_ns

    warm = make_environment().from_string(TEXT).render(CONTEXT)

    assert warm == cold == "ALAC, GAC, SSAC met on 30 Aug 2024 (late)"
    assert kept.stat().st_mtime_ns == stamp  # read back, not compiled and written again
    # Escaping changes the compiled code: the Word update's texts are kept apart.
    escaped = make_environment(autoescape=True).from_string("{{ name }}").render(name="R&D")
    assert escaped == "R&amp;D"
    assert len(list((folder / "jinja").iterdir())) == 2


@pytest.mark.parametrize("damage", ["empty", "foreign", "cut short"])
def test_a_damaged_compiled_text_is_compiled_again(folder: Path, damage: str) -> None:
    make_environment().from_string(TEXT)
    [kept] = (folder / "jinja").iterdir()
    whole = kept.read_bytes()
    damaged = {"empty": b"", "foreign": b"j2 not code", "cut short": whole[: len(whole) - 40]}
    kept.write_bytes(damaged[damage])

    assert make_environment().from_string(TEXT).render(CONTEXT).startswith("ALAC, GAC")


def test_compiled_texts_need_no_writable_cache(folder: Path) -> None:
    folder.write_text("not a folder")  # nothing can be made inside it

    assert make_environment().from_string(TEXT).render(CONTEXT).startswith("ALAC, GAC")


def test_a_text_compiled_with_a_filter_is_not_reused_without_it(folder: Path) -> None:
    make_environment().from_string("{{ day | short_date }}")
    without = make_environment()
    del without.filters["short_date"]

    with pytest.raises(jinja2.TemplateAssertionError, match="short_date"):
        without.from_string("{{ day | short_date }}")


def test_a_text_compiled_in_an_earlier_run_is_not_compiled_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "{% for x in xs %}{{ x | upper }}{% if not loop.last %}, {% endif %}{% endfor %}"
    cold = make_environment().from_string(text).render(xs=["a", "b"])

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("Jinja compiled the text again")

    monkeypatch.setattr(jinja2.Environment, "compile", refused)
    # A new environment, as each run makes: the code comes from the cache.
    assert make_environment().from_string(text).render(xs=["a", "b"]) == cold == "A, B"
    with pytest.raises(jinja2.UndefinedError):
        make_environment().from_string(text).render()  # strict as ever


def test_compiled_code_is_kept_per_environment_settings(folder: Path) -> None:
    trimmed = make_environment()
    trimmed.trim_blocks = True
    text = "{% if x %}\nyes{% endif %}"

    assert make_environment().from_string(text).render(x=1) == "\nyes"
    assert trimmed.from_string(text).render(x=1) == "yes"
