"""The floor for `cipdocs deck`: its libraries imported, its workbook read, its templates saved.

It imports what cipdocs imports (openpyxl, python-pptx, python-docx, docxtpl, click, Jinja2),
reads every cell of the workbook the way ``src/cipdocs/workbook.py`` opens it, and loads and saves
the deck and Word templates without filling them. What `cipdocs deck` spends beyond this is
cipdocs' own work: validating, computing, presenting and filling.

    python bench/floor.py WORKBOOK OUTPUT_DIR [--deck-template PPTX] [--update-template DOCX]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import click
import docx
import jinja2
import openpyxl
import pptx
from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parents[1]
DECK_TEMPLATE = ROOT / "templates" / "cip-ccg-deck.pptx"
UPDATE_TEMPLATE = ROOT / "templates" / "cip-ccg-update.docx"

# Touch each library once so an unused import is a deliberate part of the floor, not dead code.
LIBRARIES = (click.__name__, docx.__name__, jinja2.__name__, openpyxl.__name__, pptx.__name__)


def read_every_cell(workbook: Path) -> int:
    """Return the number of non-empty cells in `workbook`, read as cipdocs opens it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(workbook, data_only=True, read_only=False, keep_links=False)
    try:
        return sum(
            value is not None
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )
    finally:
        book.close()


def round_trip_templates(deck_template: Path, update_template: Path, output_dir: Path) -> None:
    """Load the two templates and save them, unfilled, into `output_dir`."""
    output_dir.mkdir(parents=True, exist_ok=True)
    pptx.Presentation(str(deck_template)).save(str(output_dir / "floor.pptx"))
    DocxTemplate(update_template).save(output_dir / "floor.docx")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the floor on the workbook and templates given; print the cell count."""
    parser = argparse.ArgumentParser(description="Run the floor for `cipdocs deck`.")
    parser.add_argument("workbook", type=Path)
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--deck-template", type=Path, default=DECK_TEMPLATE)
    parser.add_argument("--update-template", type=Path, default=UPDATE_TEMPLATE)
    args = parser.parse_args(argv)
    cells = read_every_cell(args.workbook)
    round_trip_templates(args.deck_template, args.update_template, args.output_dir)
    print(f"{cells} cells read; templates saved to {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
