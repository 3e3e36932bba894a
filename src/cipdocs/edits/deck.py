"""Hand edits of a deck cipdocs wrote: list them, and carry them into the next deck.

The deck cipdocs writes keeps a snapshot of what it showed (edits/snapshot.py); the edits are
what the saved deck shows beyond it. Carrying is a three-way comparison with the deck written
now: an edit is carried where the content it touches is the same now as in the snapshot. The new
deck's snapshot is of the new content alone, so carried edits stay hand edits and the next
update carries them again. Then the layout and accessibility checks run on the result: an edit
that new content would now run into (or that would make the deck fail a check) is left out and
reported by name, never written over silently.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml.etree import XMLSyntaxError
from pptx import Presentation
from pptx.exc import PackageNotFoundError

from cipdocs.edits.deck_describe import describe_deck
from cipdocs.edits.deck_snapshot import decode_deck_view, encode_deck_view, parts_digest
from cipdocs.edits.deck_view import DeckView
from cipdocs.edits.model import Carried, Edit, NotCarried, carried_lines
from cipdocs.edits.snapshot import embed_snapshot, read_snapshot
from cipdocs.pptx_template.measure import measurer as shared_measurer
from cipdocs.pptx_template.saving import save_stored
from cipdocs.verify.accessibility import (
    accessibility_findings,
    check_accessibility,
    duplicate_titles,
    slide_title,
)
from cipdocs.verify.layoutcheck import layout_findings, overlapping_text_shapes
from cipdocs.verify.model import DeckModel, read_deck
from cipdocs.verify.shapes import Finding
from cipdocs.verify.textbox import TextBoxes

if TYPE_CHECKING:
    from cipdocs.edits.deck_carry import Plan
    from cipdocs.edits.deck_changes import Change

UNREADABLE = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError)
"""What python-pptx raises for a deck it cannot read: a damaged earlier deck is skipped."""
MAX_ROUNDS = 4
"""Each round leaves out the edits the checks blame; a few rounds settle any deck."""


class NoSnapshotError(ValueError):
    """The document holds no snapshot of what cipdocs wrote (cipdocs did not write it)."""


def snapshot_deck(fresh: bytes) -> bytes:
    """Return the deck `fresh` with the snapshot of what it shows embedded."""
    view = replace(describe_deck(open_deck(fresh)), parts=parts_digest(fresh))
    return embed_snapshot(fresh, encode_deck_view(view))


def list_deck_edits(package: bytes) -> list[Edit]:
    """Return the hand edits of the deck `package` relative to what cipdocs wrote.

    Raise `NoSnapshotError` when cipdocs did not write it (or wrote it before it kept
    snapshots).
    """
    from cipdocs.edits.deck_changes import find_changes

    pristine = pristine_view(package)
    if pristine is None:
        raise NoSnapshotError("no snapshot")
    return [change.edit for change in find_changes(pristine, describe_deck(open_deck(package)))]


def carry_deck_edits(earlier: bytes, earlier_path: Path, fresh: bytes) -> Carried:
    """Return the deck `fresh` (cipdocs' new deck) with the hand edits of `earlier` carried into
    it where the content they touch did not change, and its snapshot embedded."""
    return carry_into(earlier, earlier_path, fresh, describe_deck(open_deck(fresh)))


def carry_into(
    earlier: bytes, earlier_path: Path, fresh: bytes, fresh_view: DeckView, deck: Any = None
) -> Carried:
    """Return `carry_deck_edits`, the new deck's view already made; `deck`, when given, is the
    new deck opened (python-pptx), free to be changed."""
    fresh_view = replace(fresh_view, parts=parts_digest(fresh))
    snapshot = encode_deck_view(fresh_view)
    pristine = pristine_view(earlier)
    if pristine is None or pristine.parts == parts_digest(earlier):
        return Carried(embed_snapshot(fresh, snapshot), earlier_path, (), ())
    # Only a deck with edits needs the modules that find and carry them.
    from cipdocs.edits.deck_carry import Decks, plan_carrying
    from cipdocs.edits.deck_changes import find_changes

    saved = open_deck(earlier)
    saved_view = describe_deck(saved)
    changes = find_changes(pristine, saved_view)
    if not changes:
        return Carried(embed_snapshot(fresh, snapshot), earlier_path, (), ())
    blamed: dict[int, str] = {}
    deck = open_deck(fresh) if deck is None else deck
    for _ in range(MAX_ROUNDS):
        decks = Decks(pristine, saved, saved_view, deck, fresh_view)
        plan = plan_carrying(decks, changes, set(blamed))
        for _change, action in plan.actions:
            action()
        findings = check_carried(deck, fresh, saved, [s for s, _ in plan.touched.values()])
        if not findings:
            return carried_result(deck, snapshot, earlier_path, changes, plan, blamed)
        blamed.update(blame(findings, deck, changes, plan))
        deck = open_deck(fresh)
    stamped = embed_snapshot(fresh, snapshot)
    return Carried(stamped, earlier_path, (), tuple(left_out(changes, blamed, "")))


def check_carried(deck: Any, fresh: bytes, saved: Any, touched: list[Any]) -> list[Finding]:
    """Return the layout and accessibility findings the carried edits bring into `deck`, on
    the `touched` slides.

    The new deck passed the checks before (render/pptx.py), so a finding is new unless the new
    deck or the saved one already had it (an overlap the person made on purpose is theirs).
    The checks of the other decks run only when the carried deck has findings at all.
    """
    numbers = {id(slide.part): n for n, slide in enumerate(deck.slides, start=1)}
    chosen = {numbers[id(slide.part)] for slide in touched if id(slide.part) in numbers}
    if not chosen:
        return []
    # The deck is read once; the rules run on the touched slides, numbered as in the deck.
    whole = read_deck(deck)
    some = DeckModel(
        whole.width, whole.height, whole.fonts, [s for s in whole.slides if s.number in chosen]
    )
    boxes = TextBoxes(shared_measurer(), some.fonts)
    findings = layout_findings(some, set(), boxes)
    if findings:
        allowed = overlapping_text_shapes(open_deck(fresh)) | overlapping_text_shapes(saved)
        findings = layout_findings(some, allowed, boxes)
    accessibility = [f for f in accessibility_findings(some) if f.rule != "unique title"]
    if accessibility:
        known = {finding.key for finding in check_accessibility(open_deck(fresh))}
        findings += [finding for finding in accessibility if finding.key not in known]
    return findings + repeated_titles(whole, chosen)


def repeated_titles(deck: DeckModel, touched: set[int]) -> list[Finding]:
    """Return the accessibility check's finding for a touched slide whose title another slide
    of the whole deck has too."""
    titles = {slide.number: slide_title(slide) for slide in deck.slides}
    return [
        finding
        for finding in duplicate_titles(deck)
        if finding.slide in touched or any(titles[n] == titles[finding.slide] for n in touched)
    ]


def carried_result(
    deck: Any,
    snapshot: bytes,
    source: Path,
    changes: Sequence[Change],
    plan: Plan,
    blamed: dict[int, str],
) -> Carried:
    """Return the carried deck's bytes, with the new deck's snapshot (not the edits: they stay
    hand edits), and what was carried and what was not."""
    refused = [NotCarried(change.edit, reason) for change, reason in plan.refused]
    return Carried(
        embed_snapshot(save_stored(deck), snapshot),
        source,
        tuple(change.edit for change, _ in plan.actions),
        tuple(refused + left_out(changes, blamed, "")),
    )


def left_out(changes: Sequence[Change], blamed: dict[int, str], default: str) -> list[NotCarried]:
    """Return the changes the checks blamed, each with the finding that blamed it."""
    return [NotCarried(changes[index].edit, reason or default) for index, reason in blamed.items()]


def blame(
    findings: Sequence[Finding], deck: Any, changes: Sequence[Change], plan: Plan
) -> dict[int, str]:
    """Return the changes each finding falls on (the shape it names, else its slide)."""
    numbers = {id(slide.part): number for number, slide in enumerate(deck.slides, start=1)}
    carried = {id(change): index for index, change in enumerate(changes)}
    blamed: dict[int, str] = {}
    for finding in findings:
        on_slide = [
            (carried[id(change)], name)
            for change, _ in plan.actions
            for slide, name in [plan.touched.get(carried[id(change)], (None, ""))]
            if slide is not None and numbers.get(id(slide.part)) == finding.slide
        ]
        named = [
            index
            for index, name in on_slide
            if name and (name == finding.shape or repr(name) in finding.message)
        ]
        for index in named or [index for index, _ in on_slide] or list(carried.values()):
            name = plan.touched.get(index, (None, ""))[1]
            blamed.setdefault(index, why(finding, name))
    return blamed


def why(finding: Finding, name: str) -> str:
    """Return why a check leaves out the edit of shape `name`, in a reader's words."""
    if finding.rule == "overlap":
        other = finding.message.split("over shape ", 1)[-1].split(" (", 1)[0]
        if name and name == finding.shape:
            return f"its text would now run over shape {other}"
        return f"the new text of shape {finding.shape!r} would now run over it"
    if finding.rule == "past the slide":
        return f"the text would run past the slide ({finding.message})"
    return f"the deck would fail a check: {finding.message}"


def pristine_view(package: bytes) -> DeckView | None:
    """Return the snapshot `package` holds, or None."""
    snapshot = read_snapshot(package)
    return None if snapshot is None else decode_deck_view(snapshot)


def open_deck(package: bytes) -> Any:
    """Return the python-pptx presentation of `package`."""
    return Presentation(io.BytesIO(package))


class DeckEdits:
    """The hand-edit step of one `cipdocs deck` run: embed the new deck's snapshot and, when
    there is an earlier deck, carry its edits; then say what happened, in a few lines."""

    def __init__(self, earlier: Path | None) -> None:
        """Take edits from the deck at `earlier` (None: carry nothing, embed the snapshot)."""
        self.earlier = earlier
        self.result: Carried | None = None
        self.problem = ""

    def __call__(self, presentation: Any, fresh: bytes) -> bytes:
        """Return the deck `fresh` (the python-pptx `presentation` saved) with its snapshot
        and the edits carried."""
        view = describe_deck(presentation)
        earlier = self.read_earlier()
        if earlier is None:
            view = replace(view, parts=parts_digest(fresh))
            return embed_snapshot(fresh, encode_deck_view(view))
        try:
            # The filled deck is saved already: the edits are carried into it directly.
            self.result = carry_into(earlier, self.earlier or Path(), fresh, view, presentation)
        except UNREADABLE:
            self.problem = f"{self.earlier}: the deck is damaged; open it and save it again"
            return embed_snapshot(fresh, encode_deck_view(replace(view, parts=parts_digest(fresh))))
        return self.result.data

    def read_earlier(self) -> bytes | None:
        """Return the earlier deck's bytes, or None (noting why) when it cannot be used."""
        if self.earlier is None or not self.earlier.is_file():
            return None
        from cipdocs.errors import CipdocsError
        from cipdocs.package.archive import check_zip_archive

        try:
            check_zip_archive(self.earlier, what="earlier deck", error=CipdocsError)
            data = self.earlier.read_bytes()
            return data if read_snapshot(data) is not None else None
        except (CipdocsError, OSError, zipfile.BadZipFile) as error:
            self.problem = str(getattr(error, "message", error)).split(";")[0]
            return None

    def lines(self) -> list[str]:
        """Return what to print: how many edits were carried and from where, and one line per
        edit left behind; nothing when the earlier deck holds no edits."""
        return carried_lines(self.result, self.problem, "the deck")
