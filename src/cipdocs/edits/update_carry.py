"""Carry the hand edits of an earlier Word update into a new one (three-way).

A unit of the earlier snapshot finds its counterpart in the new one by template origin (then by
content, for the rows of a loop), so a heading whose date changed is still the heading an added
paragraph followed. An edit is carried where its unit reads the same in the new update;
otherwise the new content wins and the edit is reported as not carried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from cipdocs.edits.model import Edit, NotCarried
from cipdocs.edits.update_changes import Change, Changes
from cipdocs.edits.update_graft import CannotCarry, Graft
from cipdocs.edits.update_units import Found, Written, w

GONE = "that part is no longer in the update"
TABLE_GONE = "that table is no longer in the update"
FIGURES_CHANGED = "the figures there changed"
WORDING_CHANGED = "the template changed there"


@dataclass
class Outcome:
    """The edits carried so far, and those left behind with why."""

    carried: list[Edit] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)


@dataclass
class Carrier:
    """Applies the edits of one level to the new document's units."""

    graft: Graft
    outcome: Outcome

    def carry(
        self,
        changes: Changes,
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
        change: Change,
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
        added: Iterable[Change],
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
        change: Change,
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

    def _record(self, change: Change, reason: str | None) -> None:
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
