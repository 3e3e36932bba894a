"""Tests for verify/colours.py: WCAG contrast and theme colours with their tints."""

from __future__ import annotations

import pytest
from lxml import etree

from cipdocs.verify.colours import Palette, contrast_ratio, readable_on

A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("FFFFFF", "000000", 21.0),
        ("000000", "000000", 1.0),
        ("FFFFFF", "8497B0", 2.99),
        ("FFFFFF", "003B71", 11.27),
        ("1F2937", "8497B0", 4.92),
        ("0563C1", "FFFFFF", 5.9),
    ],
)
def test_contrast_ratio(first: str, second: str, ratio: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    ("fill", "expected"), [("8497B0", "1F2937"), ("003B71", "FFFFFF"), ("2E7D32", "FFFFFF")]
)
def test_readable_on_picks_the_stronger_contrast(fill: str, expected: str) -> None:
    assert readable_on(fill, "1F2937") == expected


def fill(inner: str) -> etree._Element:
    return etree.fromstring(f'<a:solidFill xmlns:a="{A}">{inner}</a:solidFill>')


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ('<a:srgbClr val="c8102e"/>', "C8102E"),
        ('<a:schemeClr val="tx1"/>', "1F2937"),
        ('<a:schemeClr val="bg1"/>', "FFFFFF"),
        ('<a:schemeClr val="accent1"/>', "003B71"),
        ('<a:schemeClr val="bg1"><a:lumMod val="50000"/></a:schemeClr>', "808080"),
        (
            '<a:schemeClr val="tx1"><a:lumMod val="0"/><a:lumOff val="100000"/></a:schemeClr>',
            "FFFFFF",
        ),
        ('<a:sysClr val="windowText" lastClr="000000"/>', "000000"),
        ('<a:schemeClr val="nothing"/>', None),
    ],
)
def test_palette_resolves_scheme_colours_through_the_colour_map(
    inner: str, expected: str | None
) -> None:
    palette = Palette({"dk1": "1F2937", "lt1": "FFFFFF", "accent1": "003B71"}, {})

    assert palette.colour(fill(inner)) == expected


def test_colour_map_can_swap_text_and_background() -> None:
    palette = Palette({"dk1": "000000", "lt1": "FFFFFF"}, {"tx1": "lt1", "bg1": "dk1"})

    assert palette.scheme_colour("tx1") == "FFFFFF"
    assert palette.scheme_colour("bg1") == "000000"


def test_palette_of_the_shipped_master_reads_the_theme_slots() -> None:
    import pptx

    from tests.conftest import DECK_TEMPLATE

    palette = Palette.of_master(pptx.Presentation(str(DECK_TEMPLATE)).slide_master)

    assert palette.scheme_colour("bg1") == "FFFFFF"  # lt1 is a system colour, window
    assert palette.scheme_colour("tx1") == "1F2937"
    assert palette.scheme_colour("accent1") == "003B71"
