"""Colours as a reader sees them: theme colours resolved, and WCAG 2.1 contrast between two."""

from __future__ import annotations

import colorsys
from collections.abc import Mapping
from typing import Any

from lxml import etree

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NAMESPACES = {"a": A, "p": P}
WHITE = "FFFFFF"
BLACK = "000000"
# The colour map PowerPoint's default masters carry: background 1 is light 1, text 1 dark 1.
DEFAULT_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
FILL_TAGS = {f"{{{A}}}{name}" for name in ("solidFill", "noFill", "gradFill", "grpFill")}


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2.1 relative luminance of ``RRGGBB``."""

    def channel(index: int) -> float:
        value = int(colour[index : index + 2], 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG 2.1 contrast ratio of two ``RRGGBB`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(fill: str, dark: str, light: str = WHITE) -> str:
    """Return `light` or `dark`, whichever contrasts more with `fill`."""
    return light if contrast_ratio(light, fill) >= contrast_ratio(dark, fill) else dark


class Palette:
    """A slide master's theme colours and colour map, to resolve `a:schemeClr` and its tints."""

    def __init__(self, scheme: Mapping[str, str], colour_map: Mapping[str, str]) -> None:
        """Keep the theme's ``dk1``/``accent1``… colours and the master's map of ``tx1``…."""
        self.scheme = dict(scheme)
        self.colour_map = {**DEFAULT_MAP, **colour_map}

    @classmethod
    def of_master(cls, master: Any) -> Palette:
        """Return the palette of a python-pptx slide master."""
        scheme: dict[str, str] = {}
        theme = theme_of(master)
        if theme is not None:
            found = theme.find(".//a:clrScheme", NAMESPACES)
            for slot in found if found is not None else ():
                colour = colour_of_element(slot[0], {}) if len(slot) else None
                if colour is not None:
                    scheme[etree.QName(slot).localname] = colour
        colour_map = master.element.find("p:clrMap", NAMESPACES)
        return cls(scheme, dict(colour_map.attrib) if colour_map is not None else {})

    def scheme_colour(self, name: str) -> str | None:
        """Return the ``RRGGBB`` of a scheme colour name such as ``tx1`` or ``accent2``."""
        return self.scheme.get(self.colour_map.get(name, name))

    def colour(self, holder: etree._Element | None) -> str | None:
        """Return the colour `holder` (an `a:solidFill`, `a:fontRef`, ...) names, if any."""
        if holder is None or len(holder) == 0:
            return None
        return colour_of_element(holder[0], self.scheme, self)


def theme_of(master: Any) -> etree._Element | None:
    """Return the parsed theme of a python-pptx slide master, if it has one."""
    relationships = master.part.rels.values()
    part = next((rel.target_part for rel in relationships if rel.reltype.endswith("/theme")), None)
    return None if part is None else etree.fromstring(part.blob)


def colour_of_element(
    element: etree._Element, scheme: Mapping[str, str], palette: Palette | None = None
) -> str | None:
    """Return the ``RRGGBB`` of one colour element (`a:srgbClr`, `a:schemeClr`, `a:sysClr`)."""
    kind = etree.QName(element).localname
    if kind == "srgbClr":
        base = element.get("val")
    elif kind == "sysClr":
        base = element.get("lastClr") or (WHITE if element.get("val") == "window" else BLACK)
    elif kind == "schemeClr":
        name = element.get("val", "")
        base = palette.scheme_colour(name) if palette else scheme.get(name)
    elif kind == "prstClr":
        base = {"white": WHITE, "black": BLACK}.get(element.get("val", ""))
    else:
        base = None
    if base is None:
        return None
    return apply_modifiers(base.upper(), element)


def apply_modifiers(colour: str, element: etree._Element) -> str:
    """Return `colour` with the element's `lumMod`, `lumOff`, `tint` and `shade` applied."""
    red, green, blue = (int(colour[index : index + 2], 16) / 255 for index in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(red, green, blue)
    for modifier in element:
        name = etree.QName(modifier).localname
        amount = int(modifier.get("val", "100000")) / 100000
        if name == "lumMod":
            light *= amount
        elif name == "lumOff":
            light += amount
        elif name == "tint":
            light = light * amount + (1 - amount)
        elif name == "shade":
            light *= amount
    light = min(1.0, max(0.0, light))
    channels = colorsys.hls_to_rgb(hue, light, saturation)
    return "".join(f"{round(value * 255):02X}" for value in channels)
