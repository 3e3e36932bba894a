"""Count a PDF's pages, and warn when the fonts LibreOffice needs are missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from cipdocs.errors import ConverterProblemError
from cipdocs.office.process import TOOL_TIMEOUT, last_line, run_group

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


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
    """Return the number of pages in `pdf`, by `pdfinfo` if installed, else by its page objects."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        output = run_group([pdfinfo, str(pdf)], TOOL_TIMEOUT, what=f"counting pages of {pdf.name}")
        match = re.search(r"^Pages:\s+(\d+)\s*$", output, re.MULTILINE)
        if match:
            return int(match.group(1))
        raise ConverterProblemError(f"{pdf}: pdfinfo cannot read the PDF ({last_line(output)})")
    if not pdf.is_file():
        raise ConverterProblemError(f"{pdf}: no such PDF to count the pages of")
    # LibreOffice writes no compressed object streams, so every page object is visible as text.
    return len(PAGE_OBJECT.findall(pdf.read_bytes()))
