"""What every check shares: the finding it reports, and how a shape's placeholder is told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from cipdocs.verify.colours import NAMESPACES

TITLE_TYPES = ("title", "ctrTitle")


@dataclass(frozen=True)
class Finding:
    """One accessibility problem, with its slide, shape and the fix."""

    slide: int
    shape: str
    """The shape's name, or empty for the slide as a whole."""
    rule: str
    """``title``, ``unique title``, ``alt text``, ``header row`` or ``contrast``."""
    message: str

    def __str__(self) -> str:
        where = f"slide {self.slide}" + (f", shape {self.shape!r}" if self.shape else "")
        return f"{where}: {self.message}"

    @property
    def key(self) -> tuple[str, str]:
        """Return what identifies the finding whatever slide it is on and whatever text filled
        it: the rule and the shape."""
        return self.rule, self.shape


def placeholder_type(element: etree._Element) -> str | None:
    """Return the placeholder type of a shape (``obj`` when unstated), None if not one."""
    found = element.find("./*/p:nvPr/p:ph", NAMESPACES)
    return str(found.get("type", "obj")) if found is not None else None


def inherited_elements(shape: Any) -> list[etree._Element]:
    """Return the layout's and master's placeholders a slide placeholder inherits from."""
    chain = []
    base = shape
    while getattr(base, "is_placeholder", False):
        base = getattr(base, "_base_placeholder", None)
        if base is None:
            break
        chain.append(base.element)
    return chain
