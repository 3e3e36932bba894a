"""Shape ids made unique on each slide, as PowerPoint's own repair makes them.

Some producers (WPS, pptx4j, hand-edited XML) give two shapes of one slide the same id. PowerPoint
then offers to repair the file; a document filled from such a template would fail the same way.
The first shape keeps its id, so whatever refers to it (an animation, a connector's ends) keeps
pointing where it pointed; each later one takes a free id.
"""

from __future__ import annotations

from typing import Any

from cipdocs.pptx_template.text import NAMESPACES

SHAPE_PROPERTIES = ".//p:cNvPr"
"""Every shape's non-visual properties on a slide: the shape tree's, groups', all shapes'."""


def repair_shape_ids(presentation: Any) -> int:
    """Give every shape whose id an earlier shape of its slide uses a free id; return how many
    shapes were given one."""
    return sum(repair_slide(slide._element) for slide in presentation.slides)


def repair_slide(slide: Any) -> int:
    """Renumber the repeated shape ids of one slide's XML; return how many were renumbered."""
    seen: set[str] = set()
    repeated = []
    for properties in slide.iterfind(SHAPE_PROPERTIES, NAMESPACES):
        shape_id = properties.get("id", "")
        if shape_id in seen or not (shape_id.isascii() and shape_id.isdigit()):
            repeated.append(properties)
        else:
            seen.add(shape_id)
    free = max((int(shape_id) for shape_id in seen), default=0) + 1
    for properties in repeated:
        properties.set("id", str(free))
        free += 1
    return len(repeated)
