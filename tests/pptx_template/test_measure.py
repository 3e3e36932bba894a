"""Tests for pptx_template/measure.py: widths, line heights and line breaks from literal texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cipdocs.pptx_template.fonts import FaceMetrics
from cipdocs.pptx_template.measure import (
    FALLBACK_EM,
    Measurer,
    TextStyle,
    break_units,
    break_units_any,
    resolve_typeface,
)

# A made-up face: every Latin letter and the space half an em wide, lines 1.2 em; no CJK glyphs.
HALF = FaceMetrics(
    family="Half",
    bold=False,
    units_per_em=1000,
    advances=dict.fromkeys([*range(ord("A"), ord("z") + 1), ord(" "), ord(".")], 500),
    ascent=900,
    descent=300,
)


def faces(typeface: str, bold: bool) -> FaceMetrics | None:
    return HALF if typeface == "Half" else None


MEASURE = Measurer(faces)
TEN = TextStyle("Half", 10)
"""At 10 pt every character of Half is 5 pt wide."""


@pytest.mark.parametrize(
    ("candidates", "heading", "expected"),
    [
        (["Georgia", "Arial", None], False, "Georgia"),
        ([None, "Arial", "Verdana"], False, "Arial"),
        ([None, None, None], False, "Calibri"),
        ([None, None, None], True, "Calibri Light"),
        (["+mj-lt"], False, "Calibri Light"),
        ([None, "+mn-lt"], True, "Calibri"),
        (["", "+mn-ea"], False, "Calibri"),
    ],
)
def test_resolve_typeface_run_then_paragraph_then_shape_then_theme(
    candidates: list[str | None], heading: bool, expected: str
) -> None:
    assert resolve_typeface(candidates, "Calibri Light", "Calibri", heading) == expected


def test_width_from_the_face_metrics() -> None:
    assert MEASURE.width("Hello", TEN) == 25.0
    assert MEASURE.width("Hello", TextStyle("Half", 20)) == 50.0


def test_missing_font_and_missing_glyphs_use_the_conservative_fallback() -> None:
    assert MEASURE.width("abc", TextStyle("Nowhere", 10)) == pytest.approx(3 * FALLBACK_EM * 10)
    # CJK characters are not in Half: a full em each.
    assert MEASURE.width("東京", TEN) == 20.0
    assert MEASURE.width("ab東", TEN) == 20.0


def test_line_height() -> None:
    assert MEASURE.line_height(TEN) == pytest.approx(12.0)
    assert MEASURE.line_height(TEN, spacing=1.5) == pytest.approx(18.0)
    assert MEASURE.line_height(TextStyle("Nowhere", 10)) == pytest.approx(12.5)


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("the quick  brown fox", ["the ", "quick  ", "brown ", "fox"]),
        ("日本語 abc", ["日", "本", "語 ", "abc"]),
        ("名前、東京", ["名", "前、", "東", "京"]),
        ("GNSO 理事会", ["GNSO ", "理", "事", "会"]),
        ("", []),
    ],
)
def test_break_units(text: str, units: list[str]) -> None:
    assert break_units(text) == units


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        # 10 characters of 5 pt fit in 50 pt: break at the last space that fits.
        ("aaa bbb ccc ddd", 50, ["aaa bbb", "ccc ddd"]),
        ("aaa bbb ccc ddd", 74, ["aaa bbb ccc", "ddd"]),
        ("aaa bbb ccc ddd", 75, ["aaa bbb ccc ddd"]),
        # A word that fits on a line of its own is never broken...
        ("a bbbbbbbbbb", 50, ["a", "bbbbbbbbbb"]),
        # ...one wider than the line is broken between characters, as the renderers do.
        ("aaaaaaaaaaaaaaa", 50, ["aaaaaaaaaa", "aaaaa"]),
        # CJK text breaks between any two characters (each is 10 pt here).
        ("東京都大阪府", 30, ["東京都", "大阪府"]),
        ("名前、東京", 20, ["名", "前、", "東京"]),
        ("aaa\nbbb", 100, ["aaa", "bbb"]),
        ("", 50, [""]),
    ],
)
def test_wrap(text: str, width: float, lines: list[str]) -> None:
    assert MEASURE.wrap(text, width, TEN) == lines


def test_height_is_lines_times_line_height() -> None:
    assert MEASURE.height("aaa bbb ccc ddd", 50, TEN) == pytest.approx(24.0)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_latin_text_breaks_as_any_text_does(text: str) -> None:
    # ASCII text takes a shortcut (a regular expression); it must break where the general,
    # character-by-character rule does.
    assert break_units(text) == break_units_any(text)


def test_a_paragraph_laid_out_again_gives_the_same_lines_however_they_were_used() -> None:
    measure = Measurer(faces)
    lines = measure.wrap("aaa bbb ccc ddd\naaa bbb", 50, TEN)
    lines.append("changed by its reader")

    assert measure.wrap("aaa bbb ccc ddd\naaa bbb", 50, TEN) == ["aaa bbb", "ccc ddd", "aaa bbb"]
    assert measure.wrap("aaa bbb ccc ddd", 100, TEN) == ["aaa bbb ccc ddd"]  # another width
    assert measure.wrap("aaa bbb ccc ddd", 50, TextStyle("Half", 20)) == [
        "aaa",
        "bbb",
        "ccc",
        "ddd",
    ]
