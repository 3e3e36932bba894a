"""What a run was asked to do: default paths, output formats and the deck request.

Kept apart from app.py so that the command line can show its help without importing the core.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_WORKBOOK = Path("inputs/cip-ccg.xlsx")
DEFAULT_OUTPUT_DIR = Path("output")
DEFAULT_DECK_TEMPLATE = Path("templates/cip-ccg-deck.pptx")
DEFAULT_UPDATE_TEMPLATE = Path("templates/cip-ccg-update.docx")
NO_PREVIOUS: Literal["none"] = "none"
"""`--since none`: compare with no previous update."""

Since = Path | Literal["none"] | None
"""The previous update: a file, `NO_PREVIOUS`, or None to look for it in the output folder."""


class OutputFormat(enum.Enum):
    """Which documents `cipdocs deck` writes."""

    PPTX = "pptx"
    DOCX = "docx"
    ALL = "all"

    def includes(self, other: OutputFormat) -> bool:
        """Return True when this choice writes `other`."""
        return self in (other, OutputFormat.ALL)


@dataclass(frozen=True)
class DeckRequest:
    """Everything `cipdocs deck` was asked to do."""

    workbook: Path = DEFAULT_WORKBOOK
    output_dir: Path = DEFAULT_OUTPUT_DIR
    deck_template: Path = DEFAULT_DECK_TEMPLATE
    update_template: Path = DEFAULT_UPDATE_TEMPLATE
    output_format: OutputFormat = OutputFormat.ALL
    pdf: bool = False
    preview: bool = False
    parallel: bool = True
    """Render the Word update in a child process beside the deck, where the platform can fork."""
    since: Since = None
    """The previous update to compare with (docs/cycle.md)."""
    fresh: bool = False
    """Carry no hand edits from an earlier deck (`--fresh`)."""
