"""The changes carrying makes to the new deck's XML: paragraphs replaced or inserted, shapes
removed, replaced or moved, a chart's data, slides deleted or put in their place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from cipdocs.edits.deck_copy import renumber_shapes
from cipdocs.edits.deck_elements import A
from cipdocs.edits.deck_view import ShapeView
from cipdocs.verify.colours import NAMESPACES


def replace_paragraphs(elements: Sequence[Any], replacement: Sequence[Any]) -> None:
    """Put `replacement` where `elements` stand (a text body keeps one paragraph at least)."""
    first = elements[0]
    for paragraph in replacement:
        first.addprevious(paragraph)
    for element in elements:
        if len(element.getparent().findall(f"{{{A}}}p")) > 1:
            element.getparent().remove(element)
        else:
            for child in list(element):
                if etree.QName(child).localname != "pPr":
                    element.remove(child)


def insert_paragraphs(anchor: Any, after: bool, paragraphs: Sequence[Any]) -> None:
    """Insert `paragraphs` after (or before) `anchor`, in order."""
    if after:
        for paragraph in reversed(paragraphs):
            anchor.addnext(paragraph)
    else:
        for paragraph in paragraphs:
            anchor.addprevious(paragraph)


def remove(element: etree._Element) -> None:
    """Remove `element` from its parent."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def replace_element(old: etree._Element, new: etree._Element) -> None:
    """Put `new` in `old`'s place, keeping `old`'s shape id."""
    ids = [node.get("id") for node in old.iter(f"{{{NAMESPACES['p']}}}cNvPr")]
    old.addprevious(new)
    remove(old)
    tree = new.getparent()
    if ids and tree is not None:
        for node in new.iter(f"{{{NAMESPACES['p']}}}cNvPr"):
            node.set("id", "0")
        renumber_shapes([new], tree)


def move(target: Any, source: Any, before: ShapeView, after: ShapeView) -> None:
    """Give `target` the place and size `source` has (not its height when that follows the
    text); a group is moved by as much as its members moved."""
    if etree.QName(target.element).localname == "grpSp":
        offset = target.element.find("p:grpSpPr/a:xfrm/a:off", NAMESPACES)
        if offset is not None:
            offset.set("x", str(int(offset.get("x", "0")) + after.box[0] - before.box[0]))
            offset.set("y", str(int(offset.get("y", "0")) + after.box[1] - before.box[1]))
        return
    height = target.height if before.grows else source.height
    target.left, target.top = source.left, source.top
    target.width, target.height = source.width, height


def replace_chart(target: Any, source: Any) -> None:
    """Give the new chart the saved chart's data (categories, series and values) and title.

    The data is carried rather than the saved chart's XML: what another program wrote there
    need not be valid for PowerPoint (LibreOffice's data labels are not), and the chart's
    workbook is rewritten with it.
    """
    from cipdocs.pptx_template.chart import CHART_DATA

    saved = source.chart
    data = CHART_DATA()
    data.categories = list(saved.plots[0].categories) if len(saved.plots) else []
    for plot in saved.plots:
        for series in plot.series:
            data.add_series(series.name, list(series.values))
    chart = target.chart
    chart.replace_data(data)
    if saved.has_title and saved.chart_title.has_text_frame:
        chart.chart_title.text_frame.text = saved.chart_title.text_frame.text


def delete_slide(presentation: Any, slide: Any) -> None:
    """Remove `slide` from `presentation` (its parts are no longer saved)."""
    id_list = presentation.slides._sldIdLst
    for entry in list(id_list):
        if presentation.part.related_part(entry.rId) is slide.part:
            presentation.part.drop_rel(entry.rId)
            id_list.remove(entry)


def place_slide(presentation: Any, slide: Any, anchor: Any, after: bool) -> None:
    """Move `slide` next to `anchor` (at the start when None)."""
    id_list = presentation.slides._sldIdLst
    entries = list(id_list)
    mine = next(e for e in entries if presentation.part.related_part(e.rId) is slide.part)
    target = next(
        (
            e
            for e in entries
            if anchor is not None and presentation.part.related_part(e.rId) is anchor.part
        ),
        None,
    )
    if target is None:
        id_list.insert(0, mine)
    elif after:
        target.addnext(mine)
    else:
        target.addprevious(mine)
