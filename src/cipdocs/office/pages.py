"""Count a PDF's pages, and warn when the fonts LibreOffice needs are missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cipdocs.errors import ConverterProblemError


def substitute_font_warning() -> str | None:
    """Return a warning when the Carlito font (Calibri's metric twin) is not installed."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None  # Windows and macOS without fontconfig: Calibri comes with Office there
    for family in ("Carlito", "Calibri"):
        found = subprocess.run(
            [fc_list, family, "family"], capture_output=True, text=True, check=False
        ).stdout
        if found.strip():
            return None
    return (
        "the Carlito font is not installed, so the PDF will use a substitute font and text may "
        "wrap differently; install fonts-crosextra-carlito (docs/rendering.md)"
    )


def count_pdf_pages(pdf: Path) -> int:
    """Return the number of pages in `pdf`, read with pikepdf (qpdf's page tree, not a guess)."""
    import pikepdf  # imported here: only --pdf and --preview need it

    if not pdf.is_file():
        raise ConverterProblemError(f"{pdf}: no such PDF to count the pages of")
    try:
        with pikepdf.open(pdf) as document:
            return len(document.pages)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        reason = str(error).replace(str(pdf), "").strip(" :") or type(error).__name__
        raise ConverterProblemError(f"{pdf}: not a readable PDF ({reason})") from None
