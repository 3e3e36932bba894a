"""Hand edits of the Word update: what a person changed, and carrying it into the next one.

The update carries a snapshot of what cipdocs wrote (update_units.py): each body paragraph and
table row with where it came from in the template, whether the workbook made it, its text and
look. An edited document is read against its snapshot by content, not by ids (LibreOffice drops
``w14:paraId`` and content-control tags; see docs/cycle.md): unchanged units pair up, and a
paragraph that was reworded, added or removed is what lies between them. An added paragraph is
anchored to the nearest written unit before it that is still there.

Carrying is three-way: the earlier snapshot, the earlier document as saved, and the new
document. A unit of the earlier snapshot finds its counterpart in the new one by template origin
(then by content, for the rows of a loop), so a heading whose date changed is still the heading
an added paragraph followed. An edit is carried where its unit reads the same in the new
update; otherwise the new content wins and the edit is reported as not carried.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from cipdocs.edits.model import Carried, Edit, EditKind, NotCarried
from cipdocs.edits.snapshot import embed_snapshot, read_snapshot
from cipdocs.edits.update_graft import CannotCarry, Graft, WordPackage
from cipdocs.edits.update_units import (
    Found,
    Written,
    mark_origins,
    parse_snapshot,
    read_units,
    snapshot_json,
    take_snapshot,
    w,
)

PLACE_WORDS = 40
"""At most this many characters of a paragraph name its place (cut at a word)."""
SIMILAR = 0.5
"""How alike a paragraph as saved and as written must read to count as reworded."""

GONE = "that part is no longer in the update"
TABLE_GONE = "that table is no longer in the update"
FIGURES_CHANGED = "the figures there changed"
WORDING_CHANGED = "the template's wording there changed"


__all__ = [
    "NoSnapshotError",
    "carry_update_edits",
    "finish_update",
    "list_update_edits",
    "mark_origins",
    "snapshot_update",
]


class NoSnapshotError(ValueError):
    """The document carries no record of what cipdocs wrote (cipdocs did not make it)."""


def finish_update(
    package: bytes, earlier: tuple[bytes, Path] | None
) -> tuple[bytes, Carried | None]:
    """Return the rendered `package` with its snapshot, and the edits of `earlier` carried into it.

    `package` is the Word update as docxtpl saved it from a template marked by `mark_origins`;
    `earlier` (its bytes and path) is the document to take hand edits from. The result is None
    without an earlier document, or when that one carries no snapshot.
    """
    fresh = snapshot_update(package)
    if earlier is None:
        return fresh, None
    data, path = earlier
    try:
        carried = carry_update_edits(data, path, fresh)
    except NoSnapshotError:
        return fresh, None
    return carried.data, carried


def snapshot_update(package: bytes) -> bytes:
    """Return `package` with its origin marks read into a snapshot, embedded, and removed."""
    document = WordPackage(package)
    snapshot = take_snapshot(document.body)
    return embed_snapshot(document.data(), snapshot_json(snapshot))


def list_update_edits(package: bytes) -> list[Edit]:
    """Return the hand edits in the Word update `package`, in document order.

    Raise `NoSnapshotError` when cipdocs did not make it (it carries no snapshot).
    """
    document = WordPackage(package)
    written = _snapshot(package)
    return [change.edit for change in _compare(written, read_units(document.body)).all()]


def carry_update_edits(earlier: bytes, earlier_path: Path, fresh: bytes) -> Carried:
    """Return `fresh` (a Word update just written) with the hand edits of `earlier` carried in.

    Raise `NoSnapshotError` when `earlier` carries no snapshot. The new document keeps its own
    snapshot, of the content cipdocs wrote, so carried edits stay hand edits next time.
    """
    before, earlier_package = _read_earlier(earlier)
    changes = _compare(before, read_units(earlier_package.body))
    if changes.empty:
        return Carried(fresh, earlier_path, (), ())
    after = _snapshot(fresh)
    fresh_package = WordPackage(fresh)
    units = read_units(fresh_package.body)
    outcome = _Outcome()
    graft = Graft(earlier_package, fresh_package)
    _Carrier(graft, outcome).carry(changes, before, after, units, fresh_package.body)
    return Carried(
        fresh_package.data(), earlier_path, tuple(outcome.carried), tuple(outcome.not_carried)
    )


def _read_earlier(package: bytes) -> tuple[tuple[Written, ...], WordPackage]:
    snapshot = _snapshot(package)
    try:
        return snapshot, WordPackage(package)
    except (ValueError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        raise NoSnapshotError("the document is not a Word document cipdocs can read") from None


def _snapshot(package: bytes) -> tuple[Written, ...]:
    data = read_snapshot(package)
    snapshot = None if data is None else parse_snapshot(data)
    if snapshot is None:
        raise NoSnapshotError("the document carries no snapshot of what cipdocs wrote")
    return snapshot


@dataclass(frozen=True)
class _Change:
    """One edit and the units it concerns."""

    edit: Edit
    written: int | None
    """The index of the written unit it changes or removes; for an added one, its anchor."""
    found: Found | None
    """The unit as it stands (None for a removed one)."""


@dataclass
class _Changes:
    """The edits at one level: the body, or the rows of one table."""

    changed: list[_Change] = field(default_factory=list)
    removed: list[_Change] = field(default_factory=list)
    added: list[_Change] = field(default_factory=list)
    tables: dict[int, _Changes] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Return True when nothing at this level or below was edited."""
        return not (self.changed or self.removed or self.added or self.tables)

    def all(self) -> list[_Change]:
        """Return every edit at this level and below, in document order."""
        ordered: list[tuple[float, list[_Change]]] = [
            (float(change.written or 0), [change]) for change in self.changed + self.removed
        ]
        ordered += [
            (-0.5 if change.written is None else change.written + 0.5, [change])
            for change in self.added
        ]
        ordered += [(float(index), table.all()) for index, table in self.tables.items()]
        ordered.sort(key=lambda item: item[0])
        return [change for _, changes in ordered for change in changes]


def _compare(
    written: Sequence[Written], found: Sequence[Found], table: str | None = None
) -> _Changes:
    """Return what changed from the `written` units to the `found` ones (rows of `table`)."""
    changes = _Changes()
    pairs = _pair(
        [_token(unit.key, unit.text) for unit in written],
        [_token(unit.kind, unit.text) for unit in found],
        lambda i, j: _similarity(written[i].text, found[j].text),
    )
    paired = dict(pairs)
    for i, j in pairs:
        if found[j].kind == "t":
            rows = _compare(written[i].rows, found[j].rows, _table_name(written[i]))
            if not rows.empty:
                changes.tables[i] = rows
        elif written[i].look != found[j].look:
            edit = Edit(
                _changed_kind(written[i], found[j], table), _place(written[i], table), found[j].text
            )
            changes.changed.append(_Change(edit, i, found[j]))
    for i, gone in enumerate(written):
        if i not in paired:
            edit = Edit(EditKind.PARAGRAPH_REMOVED, _place(gone, table), gone.text)
            changes.removed.append(_Change(edit, i, None))
    anchor = None
    by_found = {j: i for i, j in pairs}
    for j, unit in enumerate(found):
        if j in by_found:
            anchor = by_found[j]
            continue
        place = _after(None if anchor is None else written[anchor], table)
        content = ("table: " + unit.text) if unit.kind == "t" else unit.text
        changes.added.append(_Change(Edit(EditKind.PARAGRAPH_ADDED, place, content), anchor, unit))
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


@dataclass
class _Outcome:
    carried: list[Edit] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)


@dataclass
class _Carrier:
    """Applies the edits of one level to the new document's units."""

    graft: Graft
    outcome: _Outcome

    def carry(
        self,
        changes: _Changes,
        before: Sequence[Written],
        after: Sequence[Written],
        units: Sequence[Found],
        container: etree._Element,
    ) -> None:
        """Carry `changes` (made against `before`) into `units` (written as `after`)."""
        counterpart = counterparts(before, after)
        current = {index: unit.element for index, unit in enumerate(units)}
        for change in changes.changed:
            self._replace(change, before, after, counterpart, current)
        for index, rows in changes.tables.items():
            target = counterpart.get(index)
            if target is None:
                for change in rows.all():
                    self.outcome.not_carried.append(NotCarried(change.edit, TABLE_GONE))
                continue
            self.carry(
                rows,
                before[index].rows,
                after[target].rows,
                units[target].rows,
                units[target].element,
            )
        self._insert(changes.added, counterpart, current, container)
        for change in changes.removed:
            self._remove(change, before, after, counterpart, current)

    def _replace(
        self,
        change: _Change,
        before: Sequence[Written],
        after: Sequence[Written],
        counterpart: dict[int, int],
        current: dict[int, etree._Element],
    ) -> None:
        assert change.written is not None and change.found is not None
        target = counterpart.get(change.written)
        reason = _unchanged(before[change.written], None if target is None else after[target])
        if reason is None and target is not None:
            try:
                element = self.graft.bring(change.found.element)
            except CannotCarry as problem:
                reason = str(problem)
            else:
                current[target].addnext(element)
                current[target].getparent().remove(current[target])  # type: ignore[union-attr]
                current[target] = element
        self._record(change, reason)

    def _insert(
        self,
        added: Iterable[_Change],
        counterpart: dict[int, int],
        current: dict[int, etree._Element],
        container: etree._Element,
    ) -> None:
        last: dict[int, etree._Element] = {}
        for change in added:
            assert change.found is not None
            target = _nearest(change.written, counterpart)
            try:
                element = self.graft.bring(change.found.element)
            except CannotCarry as problem:
                self._record(change, str(problem))
                continue
            if target in last:
                last[target].addnext(element)
            elif target >= 0:
                current[target].addnext(element)
            else:
                _insert_first(container, element)
            last[target] = element
            self._record(change, None)

    def _remove(
        self,
        change: _Change,
        before: Sequence[Written],
        after: Sequence[Written],
        counterpart: dict[int, int],
        current: dict[int, etree._Element],
    ) -> None:
        assert change.written is not None
        target = counterpart.get(change.written)
        if target is None:
            # Not in the new update either: removed all the same.
            self._record(change, None)
            return
        reason = _unchanged(before[change.written], after[target])
        if reason is None:
            current[target].getparent().remove(current[target])  # type: ignore[union-attr]
        self._record(change, reason)

    def _record(self, change: _Change, reason: str | None) -> None:
        if reason is None:
            self.outcome.carried.append(change.edit)
        else:
            self.outcome.not_carried.append(NotCarried(change.edit, reason))


def _unchanged(before: Written, after: Written | None) -> str | None:
    """Return why an edit of `before` cannot be carried to `after`, or None when it can."""
    if after is None:
        return GONE
    if before.look == after.look:
        return None
    return FIGURES_CHANGED if before.data or after.data else WORDING_CHANGED


def _nearest(anchor: int | None, counterpart: dict[int, int]) -> int:
    """Return the new unit an added one goes after: its anchor's counterpart, or the one before."""
    index = -1 if anchor is None else anchor
    while index >= 0 and index not in counterpart:
        index -= 1
    return counterpart[index] if index >= 0 else -1


def _insert_first(container: etree._Element, element: etree._Element) -> None:
    if container.tag == w("tbl"):
        rows = container.findall(w("tr"))
        if rows:
            rows[0].addprevious(element)
            return
    container.insert(0, element)


def counterparts(before: Sequence[Written], after: Sequence[Written]) -> dict[int, int]:
    """Return, for each unit of an earlier snapshot, the index of the same unit in a later one.

    Units pair by template origin; the several a loop made pair by content, then a row by its
    first cell (the group, band or phase it is about), a paragraph by its place in the loop.
    """
    earlier, later = _by_origin(before), _by_origin(after)
    pairs: dict[int, int] = {}
    for origin, olds in earlier.items():
        news = later.get(origin, [])
        matcher = SequenceMatcher(
            None, [before[i].look for i in olds], [after[j].look for j in news], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                pairs.update(zip(olds[i1:i2], news[j1:j2], strict=True))
            elif tag == "replace":
                pairs.update(_pair_changed(olds[i1:i2], news[j1:j2], before, after))
    return pairs


def _by_origin(units: Sequence[Written]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, unit in enumerate(units):
        groups[unit.origin].append(index)
    return groups


def _pair_changed(
    olds: list[int], news: list[int], before: Sequence[Written], after: Sequence[Written]
) -> dict[int, int]:
    labels = {_label(after[j]): j for j in news}
    if all(" | " in before[i].text for i in olds) and len(labels) == len(news):
        return {i: labels[_label(before[i])] for i in olds if _label(before[i]) in labels}
    return dict(zip(olds, news, strict=False))


def _label(unit: Written) -> str:
    return unit.text.partition(" | ")[0]
