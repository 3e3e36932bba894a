"""Tests for scripts/build_deck_template.py: the template it builds is 16:9, titled and clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pptx

from cipdocs.render.pptx import check_template, list_placeholders

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_deck_template.py"
SHIPPED = Path(__file__).resolve().parents[1] / "templates" / "cip-ccg-deck.pptx"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_deck_template", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_builds_a_clean_sixteen_by_nine_template(tmp_path: Path) -> None:
    output = tmp_path / "deck.pptx"
    assert load_script().main([str(output)]) == 0
    deck = pptx.Presentation(str(output))
    assert (deck.slide_width, deck.slide_height) == (12191695, 6858000)
    # Five slides, and two a deck keeps only with earlier updates (docs/cycle.md).
    assert len(deck.slides) == 7
    assert all(slide.shapes.title is not None for slide in deck.slides)
    assert all(slide.has_notes_slide for slide in deck.slides)
    assert check_template(output) == []


def test_shipped_template_matches_the_script(tmp_path: Path) -> None:
    output = tmp_path / "deck.pptx"
    load_script().main([str(output)])
    assert list_placeholders(output) == list_placeholders(SHIPPED)
