"""The documents' workers: the deck and the Word update each render in a process of their own.

Both workers start with `cipdocs deck` (parallel.py `Worker`, forked where the platform allows).
While the run reads the workbook, the deck's worker imports python-pptx and the render modules
and opens, repairs and judges its template; the Word update's does the same for its document
where a third core is free, else once given its order (the deck's chain is the longest). Once
the report is presented, each is given its `Order` and hands back the finished document's bytes,
never writing a file: the run stages them with its other files (render/staging.py). Without a
fork (Windows, `--debug`) the same two halves run one after the other in the run's own process
when the order is given.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cipdocs.options import DeckRequest, OutputFormat
from cipdocs.parallel import Worker

if TYPE_CHECKING:
    from cipdocs.render.docx import PreparedUpdate
    from cipdocs.render.pptx import PreparedTemplate
    from cipdocs.render.staging import Collected
    from cipdocs.report.present import PresentedReport


@dataclass(frozen=True)
class Order:
    """What a worker needs once the report is ready (pickled to its process)."""

    presented: PresentedReport
    destination: Path
    record: dict[str, object]
    edits_from: Path | None
    """The earlier document whose hand edits are carried, or None (docs/cycle.md)."""


@dataclass(frozen=True)
class Rendered:
    """What a worker hands back (pickled, from its process): the document's bytes, to be staged
    with the run's other files, and the lines that tell what became of its hand edits."""

    collected: Collected
    edit_lines: tuple[str, ...]
    visible_slides: int = 0
    """For the deck: how many slides a PDF of it has (the slides not hidden)."""


@dataclass(frozen=True)
class Workers:
    """The run's two workers; None for a document not asked for."""

    deck: Worker[Order, Rendered] | None
    update: Worker[Order, Rendered] | None


@contextlib.contextmanager
def workers_for(request: DeckRequest) -> Iterator[Workers]:
    """Start the workers of the documents `request` asks for; stop, on the way out, any that
    was never given its order (the run failed first, or was interrupted)."""
    asked = request.output_format
    _share_imports()
    with contextlib.ExitStack() as stack:
        deck = update = None
        if asked.includes(OutputFormat.PPTX):
            prepare_deck = functools.partial(_prepare_deck, request.deck_template)
            deck = Worker(prepare_deck, _render_deck, in_child=request.parallel)
            stack.callback(deck.stop)
        if asked.includes(OutputFormat.DOCX):
            prepare_update = functools.partial(_prepare_update, request.update_template)
            # The deck's worker and the run, reading the workbook, come first: the Word
            # update's prepares at once only where a third core is free for it.
            update = Worker(
                prepare_update,
                _render_update,
                in_child=request.parallel,
                prepare_now=deck is None or available_cores() >= 3,
            )
            stack.callback(update.stop)
        yield Workers(deck, update)


def available_cores() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _share_imports() -> None:
    """Import, before the workers are forked, what two or all three of the processes need
    (Jinja2, Pillow, the templating sandbox, staging, the snapshot): imported once here instead
    of once in each, which saves about 40 ms of CPU in each worker while the three share the
    machine's cores."""
    import jinja2  # noqa: F401
    import PIL.Image  # noqa: F401

    from cipdocs import templating  # noqa: F401
    from cipdocs.edits import snapshot  # noqa: F401
    from cipdocs.render import files, properties, staging  # noqa: F401


def _prepare_deck(template: Path) -> PreparedTemplate:
    # Imported now, while the workbook is read, rather than once the order comes.
    from cipdocs.edits import deck as _hand_edits  # noqa: F401
    from cipdocs.render.pptx import prepare_template

    return prepare_template(template)


def _render_deck(prepared: PreparedTemplate, order: Order) -> Rendered:
    from cipdocs.edits.deck import DeckEdits
    from cipdocs.render.pptx import render_deck
    from cipdocs.render.staging import Collected

    collected = Collected()
    hand_edits = DeckEdits(order.edits_from)
    visible = render_deck(
        order.presented,
        prepared.template,
        order.destination,
        record=order.record,
        hand_edits=hand_edits,
        staging=collected,
        prepared=prepared,
    )
    return Rendered(collected, tuple(hand_edits.lines()), visible)


def _prepare_update(template: Path) -> PreparedUpdate:
    from cipdocs.render.docx import prepare_update_template

    return prepare_update_template(template)


def _render_update(prepared: PreparedUpdate, order: Order) -> Rendered:
    from cipdocs.render.docx import render_update
    from cipdocs.render.staging import Collected

    collected = Collected()
    edits = render_update(
        order.presented,
        prepared.template,
        order.destination,
        record=order.record,
        edits_from=order.edits_from,
        staging=collected,
        prepared=prepared,
    )
    return Rendered(collected, tuple(edits.lines()))
