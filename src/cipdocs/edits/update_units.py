"""The Word update read as units: body paragraphs and tables (by rows), each with its text and look.

A unit is what a person edits as one: a paragraph of the body, or a row of a table. Its *look* is
a short hash of its text and the formatting a person changes by hand (paragraph style and
alignment; bold, italic, underline, colour, size, font, highlight and shading of each stretch of
text), read so that a save by Word or LibreOffice Writer without edits leaves it unchanged:
LibreOffice writes the default style and spacing out, renames the Hyperlink character style,
numbers list paragraphs directly, and splits or merges runs; none of those is part of the look.

The snapshot is the list of units cipdocs wrote, each with where it came from in the template
(`mark_origins`): the key that finds it again in the next update, whatever its figures are.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
ORIGIN_NAMESPACE = "urn:cipdocs:origin"
ORIGIN = f"{{{ORIGIN_NAMESPACE}}}o"
"""The attribute `mark_origins` puts on template elements; read and removed after rendering."""
SNAPSHOT_FORMAT = 1
MAX_SNAPSHOT_JSON = 64 * 1024 * 1024
"""The most a snapshot may inflate to: some 100 kB for 300 groups; more was not cipdocs'."""

_PLACEHOLDER = re.compile(r"\{\{|\{%")
_TOGGLES = ("b", "i", "strike", "dstrike", "caps", "smallCaps", "vanish")
_VALUED = {
    "u": "none",
    "color": "auto",
    "sz": "",
    "highlight": "none",
    "vertAlign": "baseline",
    "shd": "auto",
    "font": "",
}
"""Run properties with a value, and the value that means none."""
_OFF = frozenset({"0", "false", "off"})
_ALIGNMENTS = {"start": "", "left": "", "end": "right", "distribute": "both"}
_SKIPPED = frozenset({f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{MC}}}Fallback"})
_P, _R, _T, _TR, _TC = (f"{{{W}}}{name}" for name in ("p", "r", "t", "tr", "tc"))
_PPR, _RPR, _PSTYLE, _JC, _VAL = (
    f"{{{W}}}{name}" for name in ("pPr", "rPr", "pStyle", "jc", "val")
)
_TEXT_BOX = f"{{{W}}}txbxContent"
_RUN_MARKS = {f"{{{W}}}{name}": mark for name, mark in (("tab", "\t"), ("br", "\n"), ("cr", "\n"))}
_RUN_MARKS[f"{{{W}}}noBreakHyphen"] = "-"
_RUN_PROPERTIES = {f"{{{W}}}{name}": name for name in (*_TOGGLES, *_VALUED) if name != "font"}
_RUN_PROPERTIES[f"{{{W}}}rFonts"] = "font"
_VALUE_ATTRIBUTES = {"font": f"{{{W}}}ascii", "shd": f"{{{W}}}fill"}


def w(name: str) -> str:
    """Return the Clark name of WordprocessingML element or attribute `name`."""
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class Written:
    """A paragraph, table or table row as cipdocs wrote it: one entry of the snapshot."""

    key: str
    """Where it came from in the template and which time: ``3f2a9c1e:0``; tables ``t…``."""
    data: bool
    """Made from the workbook (figures, lists, rows), not the template's own wording."""
    text: str
    look: str
    rows: tuple[Written, ...] = ()

    @property
    def origin(self) -> str:
        """Return the template element it came from, without which time."""
        return self.key.rpartition(":")[0]

    def as_json(self) -> list[object]:
        """Return the unit as the snapshot stores it."""
        entry: list[object] = [self.key, int(self.data), self.text, self.look]
        if self.rows:
            entry.append([row.as_json() for row in self.rows])
        return entry


@dataclass(frozen=True)
class Found:
    """A paragraph, table or table row as it stands in a document."""

    element: etree._Element = field(compare=False)
    kind: str
    """``p`` for a paragraph (or content control) of the body, ``t`` a table, ``r`` a row."""
    text: str
    look: str
    rows: tuple[Found, ...] = ()


def mark_origins(body: etree._Element) -> None:
    """Tag each paragraph and table row of a template's `body` with where it stands.

    The tag is the hash of the element's own text with a count for repeats, so a paragraph
    added to the template does not move the others; ``*`` marks text with placeholders.
    docxtpl copies the tag to every paragraph or row a loop makes.
    """
    seen: Counter[str] = Counter()
    for element in _iter_marked(body):
        source = unit_text(element)
        origin = _short_hash(source)
        seen[origin] += 1
        if seen[origin] > 1:
            origin = f"{origin}.{seen[origin] - 1}"
        element.set(ORIGIN, origin + ("*" if _PLACEHOLDER.search(source) else ""))


def _iter_marked(body: etree._Element) -> Iterator[etree._Element]:
    for child in body:
        if child.tag == w("tbl"):
            yield from child.iterchildren(w("tr"))
        elif child.tag in (w("p"), w("sdt")):
            yield child


def take_snapshot(
    body: etree._Element, style_names: Mapping[str, str] | None = None
) -> tuple[Written, ...]:
    """Return the units of a rendered, marked `body`, and remove the marks."""
    found = read_units(body, style_names)
    occurrences = Counter(
        element.get(ORIGIN) or "" for element in body.iter() if element.get(ORIGIN) is not None
    )
    counter: Counter[str] = Counter()
    snapshot = tuple(_written(unit, occurrences, counter) for unit in found)
    for element in body.iter():
        if ORIGIN in element.attrib:
            del element.attrib[ORIGIN]
    etree.cleanup_namespaces(body)
    return snapshot


def _written(unit: Found, occurrences: Counter[str], counter: Counter[str]) -> Written:
    rows = tuple(_written(row, occurrences, counter) for row in unit.rows)
    if unit.kind == "t":
        origin = "t" + (rows[0].origin if rows else "")
        counter[origin] += 1
        return Written(
            f"{origin}:{counter[origin] - 1}",
            any(row.data for row in rows),
            unit.text,
            unit.look,
            rows,
        )
    mark = unit.element.get(ORIGIN) or "x"
    origin = mark.rstrip("*")
    counter[origin] += 1
    data = mark.endswith("*") or occurrences[mark] > 1 or mark == "x"
    return Written(f"{origin}:{counter[origin] - 1}", data, unit.text, unit.look)


def read_units(
    body: etree._Element, style_names: Mapping[str, str] | None = None
) -> tuple[Found, ...]:
    """Return the paragraphs and tables of a document's `body`, in order.

    `style_names` maps the package's style ids to their names: a paragraph's style is compared
    by name, as LibreOffice renames an id that clashes with one of its own (`Caption` becomes
    `Caption1`, named `caption` still).
    """
    names = style_names or {}
    units = []
    for child in body:
        if child.tag == w("tbl"):
            rows = tuple(_row(row, names) for row in child.iterchildren(w("tr")))
            units.append(Found(child, "t", rows[0].text if rows else "", _combined(rows), rows))
        elif child.tag in (w("p"), w("sdt")):
            units.append(Found(child, "p", unit_text(child), _paragraphs_look(child, names)))
    return tuple(units)


def _row(row: etree._Element, names: Mapping[str, str]) -> Found:
    return Found(row, "r", unit_text(row), _paragraphs_look(row, names))


def _combined(units: Sequence[Found]) -> str:
    return _short_hash("\n".join(unit.look for unit in units))


def unit_text(element: etree._Element) -> str:
    """Return the text a reader sees in a paragraph, row (cells joined by `` | ``) or table."""
    if element.tag == _TR:
        return " | ".join(unit_text(cell) for cell in element.iterchildren(_TC))
    if element.tag == _P:
        return "".join(_run_text(run) for run in _iter_runs(element))
    return "\n".join(unit_text(paragraph) for paragraph in _iter_paragraphs(element))


def _iter_paragraphs(element: etree._Element) -> Iterator[etree._Element]:
    hidden = next(element.iter(*_SKIPPED), None) is not None
    for paragraph in element.iter(_P):
        if not hidden or not any(a.tag in _SKIPPED for a in paragraph.iterancestors()):
            yield paragraph


def _iter_runs(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Yield the runs of `paragraph` a reader sees: not deleted ones, not text box fallbacks."""
    if next(paragraph.iter(*_SKIPPED, _TEXT_BOX), None) is None:
        yield from paragraph.iter(_R)
        return
    for run in paragraph.iter(_R):
        path = []
        for ancestor in run.iterancestors():
            if ancestor is paragraph:
                break
            path.append(ancestor.tag)
        if not _SKIPPED.intersection(path) and _TEXT_BOX not in path:
            yield run


def _run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag in _RUN_MARKS:
            parts.append(_RUN_MARKS[child.tag])
    return "".join(parts)


def _paragraphs_look(element: etree._Element, names: Mapping[str, str]) -> str:
    paragraphs = [element] if element.tag == _P else list(_iter_paragraphs(element))
    looks = [_paragraph_look(p, names) for p in paragraphs]
    return _short_hash(json.dumps(looks, ensure_ascii=False))


def _paragraph_look(paragraph: etree._Element, names: Mapping[str, str]) -> list[object]:
    properties = paragraph.find(_PPR)
    style = alignment = ""
    if properties is not None:
        style = _value(properties.find(_PSTYLE))
        style = names.get(style, style).casefold()
        alignment = _value(properties.find(_JC))
    if style == "normal":
        style = ""
    stretches: list[list[str]] = []
    for run in _iter_runs(paragraph):
        text = _run_text(run)
        if not text:
            continue
        look = _run_look(run)
        if stretches and stretches[-1][1] == look:
            stretches[-1][0] += text
        else:
            stretches.append([text, look])
    return [style, _ALIGNMENTS.get(alignment, alignment), stretches]


def _run_look(run: etree._Element) -> str:
    properties = run.find(_RPR)
    if properties is None:
        return ""
    marks = []
    for child in properties:
        name = _RUN_PROPERTIES.get(child.tag)
        if name is None:
            continue
        if name in _TOGGLES:
            if _value(child).lower() not in _OFF:
                marks.append(name)
            continue
        value = (child.get(_VALUE_ATTRIBUTES.get(name, _VAL)) or "").lower()
        if value and value != _VALUED[name]:
            marks.append(f"{name}={value}")
    return " ".join(sorted(marks))


def _value(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return element.get(_VAL) or ""


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def snapshot_json(snapshot: Sequence[Written]) -> bytes:
    """Return `snapshot` as the bytes the package keeps: compact JSON, zlib-compressed.

    The text of every paragraph is kept; compressed, it adds about a fifth of the JSON's size.
    """
    document = {"update": SNAPSHOT_FORMAT, "units": [unit.as_json() for unit in snapshot]}
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(data, 9)


def parse_snapshot(data: bytes) -> tuple[Written, ...] | None:
    """Return the snapshot in `data`, or None when it is not a Word update's snapshot."""
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(data, MAX_SNAPSHOT_JSON)
        if inflater.unconsumed_tail:
            return None  # larger than any snapshot cipdocs writes
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("update") != SNAPSHOT_FORMAT:
            return None
        return tuple(_parse_unit(entry) for entry in document["units"])
    except (zlib.error, ValueError, KeyError, TypeError, IndexError):
        return None


def _parse_unit(entry: list[object]) -> Written:
    key, data, text, look = entry[:4]
    rows = entry[4] if len(entry) > 4 else []
    if not (isinstance(key, str) and isinstance(text, str) and isinstance(look, str)):
        raise TypeError("not a unit")
    if not isinstance(rows, list):
        raise TypeError("not a list of rows")
    return Written(key, bool(data), text, look, tuple(_parse_unit(row) for row in rows))
