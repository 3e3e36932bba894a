"""What a person changed in the Word update: its units as saved, lined up with its snapshot.

The units are lined up by content, not by ids (LibreOffice drops ``w14:paraId`` and the tags of
content controls): the unchanged ones pair up, and a paragraph reworded, added or removed is
what lies between them. An added unit is anchored to the nearest written one before it that is
still there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from cipdocs.edits.model import Edit, EditKind
from cipdocs.edits.update_units import Found, Written

PLACE_WORDS = 40
"""At most this many characters of a paragraph name its place (cut at a word)."""
SIMILAR = 0.5
"""How alike a paragraph as saved and as written must read to count as reworded."""


@dataclass(frozen=True)
class Change:
    """One edit and the units it concerns."""

    edit: Edit
    written: int | None
    """The index of the written unit it changes or removes; for an added one, its anchor."""
    found: Found | None
    """The unit as it stands (None for a removed one)."""


@dataclass
class Changes:
    """The edits at one level: the body, or the rows of one table."""

    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    added: list[Change] = field(default_factory=list)
    tables: dict[int, Changes] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Return True when nothing at this level or below was edited."""
        return not (self.changed or self.removed or self.added or self.tables)

    def all(self) -> list[Change]:
        """Return every edit at this level and below, in document order."""
        ordered: list[tuple[float, list[Change]]] = [
            (float(change.written or 0), [change]) for change in self.changed + self.removed
        ]
        ordered += [
            (-0.5 if change.written is None else change.written + 0.5, [change])
            for change in self.added
        ]
        ordered += [(float(index), table.all()) for index, table in self.tables.items()]
        ordered.sort(key=lambda item: item[0])
        return [change for _, changes in ordered for change in changes]


def compare_units(
    written: Sequence[Written], found: Sequence[Found], table: str | None = None
) -> Changes:
    """Return what changed from the `written` units to the `found` ones (rows of `table`)."""
    changes = Changes()
    pairs = _pair(
        [_token(unit.key, unit.text) for unit in written],
        [_token(unit.kind, unit.text) for unit in found],
        lambda i, j: _similarity(written[i].text, found[j].text),
    )
    paired = dict(pairs)
    for i, j in pairs:
        if found[j].kind == "t":
            rows = compare_units(written[i].rows, found[j].rows, _table_name(written[i]))
            if not rows.empty:
                changes.tables[i] = rows
        elif written[i].look != found[j].look:
            edit = Edit(
                _changed_kind(written[i], found[j], table), _place(written[i], table), found[j].text
            )
            changes.changed.append(Change(edit, i, found[j]))
    for i, gone in enumerate(written):
        if i not in paired:
            edit = Edit(EditKind.PARAGRAPH_REMOVED, _place(gone, table), gone.text)
            changes.removed.append(Change(edit, i, None))
    anchor = None
    by_found = {j: i for i, j in pairs}
    for j, unit in enumerate(found):
        if j in by_found:
            anchor = by_found[j]
            continue
        place = _after(None if anchor is None else written[anchor], table)
        content = ("table: " + unit.text) if unit.kind == "t" else unit.text
        changes.added.append(Change(Edit(EditKind.PARAGRAPH_ADDED, place, content), anchor, unit))
    return changes


def _token(kind: str, text: str) -> tuple[bool, str]:
    return kind.startswith("t"), text


def _pair(
    old: Sequence[tuple[bool, str]],
    new: Sequence[tuple[bool, str]],
    similarity: Callable[[int, int], float],
) -> list[tuple[int, int]]:
    """Return the (old, new) index pairs of the same units: equal ones, then reworded ones."""
    pairs: list[tuple[int, int]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2), strict=True)
        elif tag == "replace":
            pairs += _pair_reworded(range(i1, i2), range(j1, j2), old, new, similarity)
    return pairs


def _pair_reworded(
    olds: range,
    news: range,
    old: Sequence[tuple[bool, str]],
    new: Sequence[tuple[bool, str]],
    similarity: Callable[[int, int], float],
) -> list[tuple[int, int]]:
    # As many as were written and found in between: each was reworded in place (a paragraph
    # retyped from scratch included). Otherwise the alike ones pair up, in order.
    if len(olds) == len(news) and all(
        old[i][0] == new[j][0] for i, j in zip(olds, news, strict=True)
    ):
        return list(zip(olds, news, strict=True))
    pairs = []
    start = news.start
    for i in olds:
        for j in range(start, news.stop):
            if old[i][0] == new[j][0] and similarity(i, j) >= SIMILAR:
                pairs.append((i, j))
                start = j + 1
                break
    return pairs


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _changed_kind(written: Written, found: Found, table: str | None) -> EditKind:
    if written.text == found.text:
        return EditKind.FORMAT_CHANGED
    return EditKind.CELL_CHANGED if table is not None else EditKind.TEXT_CHANGED


def _place(unit: Written, table: str | None) -> str:
    if unit.rows:
        return _table_name(unit)
    if table is not None:
        return f"{table}, row {_quoted(unit.text.partition(' | ')[0])}"
    return f"paragraph {_quoted(unit.text)}" if unit.text.strip() else "an empty paragraph"


def _after(anchor: Written | None, table: str | None) -> str:
    if anchor is None:
        return f"{table}, first row" if table is not None else "at the start"
    if table is not None:
        return f"{table}, after row {_quoted(anchor.text.partition(' | ')[0])}"
    if anchor.rows:
        return f"after {_table_name(anchor)}"
    return f"after {_quoted(anchor.text)}" if anchor.text.strip() else "after an empty paragraph"


def _table_name(table: Written) -> str:
    header = table.rows[0].text.replace(" | ", ", ") if table.rows else ""
    return f"table {_quoted(header)}"


def _quoted(text: str) -> str:
    """Return the first words of `text`, quoted: ``'The ICANN community demonstrated…'``."""
    words = " ".join(text.split())
    if len(words) > PLACE_WORDS:
        cut = words[: PLACE_WORDS + 1].rsplit(" ", 1)[0] or words[:PLACE_WORDS]
        words = cut.rstrip(",;:") + "…"
    return f"'{words}'"
