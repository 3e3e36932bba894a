"""Tests for pptx_template/chart_pages.py: a crowded chart continues on follow-on slides."""

from __future__ import annotations

import pptx
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Cm, Pt

from cipdocs.pptx_template.chart_pages import (
    MIN_LABEL_POINTS,
    bars_per_slide,
    continue_chart,
    series_values,
)

CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def deck_with_chart(bars: int, height_cm: float = 6.0):  # type: ignore[no-untyped-def]
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text_frame.text = "Rates"
    note = slide.shapes.add_textbox(Cm(1), Cm(17), Cm(10), Cm(1))
    note.text_frame.text = "A note that stays on the first slide"
    data = CategoryChartData()
    data.categories = [f"Group {index}" for index in range(bars)]
    data.add_series("Rate", [index % 100 for index in range(bars)])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Cm(1), Cm(4), Cm(20), Cm(height_cm), data
    )
    frame.name = "Rates chart"
    plot = frame.chart.plots[0]
    plot.has_data_labels = True
    for index, point in enumerate(plot.series[0].points):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = RGBColor.from_string("003B71" if index % 2 else "C8102E")
    return deck, slide, frame


def test_bars_per_slide_keeps_labels_at_the_minimum_size() -> None:
    # 6 cm = 170 pt, 80 % of it for bars, 10.4 pt a bar at 8 pt labels.
    assert bars_per_slide(int(Cm(6))) == 13
    assert bars_per_slide(1) == 1


def test_a_chart_that_fits_stays_as_it_is() -> None:
    deck, slide, frame = deck_with_chart(10)

    assert continue_chart(deck, slide, frame) == [frame.chart]
    assert len(deck.slides) == 1


def test_a_crowded_chart_continues_on_follow_on_slides() -> None:
    deck, slide, frame = deck_with_chart(30)

    charts = continue_chart(deck, slide, frame)

    assert len(charts) == 3 and len(deck.slides) == 3
    assert [list(chart.plots[0].categories) for chart in charts] == [
        [f"Group {index}" for index in range(start, min(start + 13, 30))] for start in (0, 13, 26)
    ]
    assert [slide.shapes.title.text for slide in deck.slides] == [
        "Rates",
        "Rates (continued)",
        "Rates (continued)",
    ]
    assert [len(slide.shapes) for slide in deck.slides] == [3, 2, 2]  # the note stays on the first
    for chart in charts:
        assert chart.category_axis.tick_labels.font.size >= Pt(MIN_LABEL_POINTS)
        assert chart.plots[0].data_labels.font.size >= Pt(MIN_LABEL_POINTS)
    second = charts[1].plots[0].series[0]
    assert list(second.values) == [float(index) for index in range(13, 26)]
    # Bar 13 was navy (odd), bar 14 red: each bar keeps its colour on its new page.
    assert str(second.points[0].format.fill.fore_color.rgb) == "003B71"
    assert str(second.points[1].format.fill.fore_color.rgb) == "C8102E"
    # Each page has its own chart part, so editing one leaves the others alone.
    assert len({chart.part.partname for chart in charts}) == 3


def test_series_values_reads_what_python_pptx_reads() -> None:
    _, _, frame = deck_with_chart(5)
    series = frame.chart.plots[0].series[0]
    cache = series._element.find(".//c:numCache", {"c": CHART})
    # A blank bar: PowerPoint leaves its point out of the cache (python-pptx reads None).
    cache.remove(cache.findall(f"{{{CHART}}}pt")[2])

    assert series_values(series._element) == list(series.values) == [0.0, 1.0, None, 3.0, 4.0]


def test_pages_of_a_blank_bar_keep_it_blank() -> None:
    deck, slide, frame = deck_with_chart(20)
    cache = frame.chart.plots[0].series[0]._element.find(".//c:numCache", {"c": CHART})
    cache.remove(cache.findall(f"{{{CHART}}}pt")[15])

    charts = continue_chart(deck, slide, frame)

    assert list(charts[1].plots[0].series[0].values) == [13.0, 14.0, None, 16.0, 17.0, 18.0, 19.0]
