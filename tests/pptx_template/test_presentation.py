"""A whole template: filled slide by slide, checked for every problem at once, listed."""

from __future__ import annotations

from cipdocs.pptx_template.presentation import check_presentation, iter_places
from cipdocs.pptx_template.tags import Names
from tests.pptx_template.conftest import (
    Fill,
    add_chart,
    add_slide,
    add_table,
    all_text,
    environment,
    new_deck,
    titles,
)

NAMES = Names(frozenset({"statuses", "groups", "unrepresented"}))


def test_slide_loop_vars_reach_tables_paragraphs_charts_and_alt_text(fill: Fill) -> None:
    deck = new_deck()
    slide = add_slide(
        deck, "{{ s.label }}", ["{%slide for s in statuses %}"], notes=["{{ s.label }}"]
    )
    add_table(slide, [["Group"], ["{%tr for g in s.groups %}{{ g }}"]])
    chart = add_chart(slide, "Chart: for g in s.groups; categories=g; values=loop.index")
    chart._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].set("descr", "Groups {{ s.label }}")
    chart.chart.has_title = True
    chart.chart.chart_title.text_frame.text = "“{{ s.label }}”: {{ s.groups | length }}"
    statuses = [{"label": "Done", "groups": ["A", "B"]}, {"label": "Open", "groups": ["C"]}]
    filled = fill(deck, {"statuses": statuses})
    assert titles(filled) == ["Done", "Open"]
    charts = [next(s for s in slide.shapes if s.has_chart) for slide in filled.slides]
    assert [list(c.chart.plots[0].categories) for c in charts] == [["A", "B"], ["C"]]
    assert [list(c.chart.plots[0].series[0].values) for c in charts] == [[1, 2], [1]]
    descr = [c._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].get("descr") for c in charts]
    assert descr == ["Groups Done", "Groups Open"]
    assert [c.chart.chart_title.text_frame.text for c in charts] == ["“Done”: 2", "“Open”: 1"]
    assert "{" not in all_text(filled)


def test_check_finds_every_problem_at_once_with_its_place() -> None:
    deck = new_deck()
    add_slide(deck, "{{ s.label }} {{ s.__class__ }}", ["{%slide for s in statuses %}"])
    slide = add_slide(deck, "{{ unrepresnted }}", ["{%tr for x in groups %}"], notes=["{%p if %}"])
    add_table(slide, [["{%tr for g in groups %}{{ g.nam }}{{ h }}"]])
    add_chart(slide, "Chart 4")  # a chart the deck just shows: no problem
    add_chart(slide, "Chart: for g in groups; categories=g.name")
    add_slide(deck, "{{ statuses | shortdate }}", ["{%slide endif %}"])
    problems = [str(problem) for problem in check_presentation(deck, environment(), NAMES)]
    assert problems == [
        "slide 1, shape 'Title 1': '__class__' in '{{ s.label }} {{ s.__class__ }}' is refused by the sandbox; remove it",
        "slide 2, shape 'Title 1': unknown name 'unrepresnted' in '{{ unrepresnted }}'; did you mean 'unrepresented'?",
        "slide 2, shape 'Box 1': '{%tr for x in groups %}': a {%tr %} tag belongs at the start of a table row's first cell",
        "slide 2, shape 'Table', row 1, cell 1: unknown name 'h' in '{{ g.nam }}{{ h }}'; check the spelling",
        "slide 2, shape 'Chart: for g in groups; categories=g.name': a chart binding needs one categories=…, one values=… per series and at most one colours=…; name the chart 'Chart: for row in LIST; categories=row.NAME; values=row.NUMBER'",
        "slide 2, notes: '{%p if %}' has no condition; add one",
        "slide 2, notes: a {%p if %} is never closed; add a paragraph {%p endif %}",
        "slide 3, shape 'Box 1': '{%slide endif %}': use {%slide for x in items %} or {%slide if cond %}; a slide tag needs no end tag",
        "slide 3, shape 'Title 1': broken placeholder '{{ statuses | shortdate }}': No filter named 'shortdate'; fix the Jinja syntax",
    ]


def test_places_list_texts_and_chart_bindings() -> None:
    deck = new_deck()
    slide = add_slide(deck, "{{ x }}")
    add_chart(slide, "Chart: for r in rows; categories=r.a; values=r.b")
    add_chart(slide, "Chart 9")
    places = [place for place in iter_places(deck) if "{" in place[1] or "hart" in place[1]]
    assert places == [
        ("slide 1, shape 'Title 1'", "{{ x }}"),
        (
            "slide 1, shape 'Chart: for r in rows; categories=r.a; values=r.b'",
            "Chart: for r in rows; categories=r.a; values=r.b",
        ),
        ("slide 1, shape 'Chart 9'", "unbound chart (keeps its example data)"),
    ]
