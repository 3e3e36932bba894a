"""Render slide previews (one PNG a page) of a PDF with poppler's pdftoppm."""

from __future__ import annotations

import glob
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from cipdocs.errors import ConverterProblemError, OutputProblemError
from cipdocs.office.process import PDFTOPPM_PREFIX, Progress, private_folder, run_group
from cipdocs.render.files import write_atomically
from cipdocs.render.staging import Stager, prepare_output_dir

INSTALL_POPPLER = (
    "install it with `apt-get install poppler-utils` (Debian/Ubuntu), "
    "`brew install poppler` (macOS) or `conda install poppler` (Windows)"
)
PREVIEW_PAGE = re.compile(r"-(\d+)\.png$")


def render_previews(
    pdf: Path,
    folder: Path,
    stem: str,
    *,
    dpi: int = 80,
    timeout: float = 60,
    progress: Progress | None = None,
    staging: Stager | None = None,
    made_from: Path | None = None,
) -> list[Path]:
    """Write one PNG per page of `pdf` as `folder/"<stem> (slide 01).png"`; return them in order.

    With `staging`, the previews (made from the deck `made_from`) are staged there for the
    run's commit, which also deals with the previews of an earlier, longer deck.
    """
    pdftoppm = _find_poppler_tool("pdftoppm")
    if progress:
        progress(f"rendering slide previews of {(made_from or pdf).name}…")
    prepare_output_dir(folder)
    with private_folder(PDFTOPPM_PREFIX) as work:
        command = [str(pdftoppm), "-png", "-r", str(dpi), str(pdf), str(work / "page")]
        run_group(command, timeout, what=f"rendering previews of {pdf.name}")
        pages = sorted(work.glob("page-*.png"), key=_page_number)
        if not pages:
            raise ConverterProblemError(f"{pdf}: pdftoppm wrote no slide previews")
        width = max(2, len(str(len(pages))))
        previews = [
            folder / preview_name(stem, number, width) for number in range(1, len(pages) + 1)
        ]
        for page, preview in zip(pages, previews, strict=True):
            if staging is not None:
                staging.stage(preview, page.read_bytes(), made_from=made_from)
            else:
                write_atomically(preview, page.read_bytes())
    if staging is None:
        _remove_stale_previews(folder, stem, keep=previews)
    return previews


def earlier_previews(folder: Path, stem: str) -> list[Path]:
    """Return the slide previews of the update `stem` that `folder` holds, in name order."""
    pattern = re.compile(rf"{re.escape(stem)} \(slide \d+\)\.png")
    return sorted(
        path
        for path in folder.glob(f"{glob.escape(stem)} (slide *).png")
        if pattern.fullmatch(path.name)
    )


def preview_name(stem: str, number: int, width: int = 2) -> str:
    """Return the name of slide `number`'s preview, zero-padded so names sort in slide order."""
    return f"{stem} (slide {number:0{width}d}).png"


def _find_poppler_tool(name: str) -> Path:
    """Return the path of poppler's `name`; raise `ConverterProblemError` when it is missing."""
    found = shutil.which(name)
    if not found:
        raise ConverterProblemError(f"{name} (from poppler) is not installed; {INSTALL_POPPLER}")
    return Path(found)


def _page_number(page: Path) -> int:
    """Return the page number pdftoppm put in `page`'s name (`page-7.png` or `page-07.png`)."""
    match = PREVIEW_PAGE.search(page.name)
    return int(match.group(1)) if match else 0


def _remove_stale_previews(folder: Path, stem: str, *, keep: Sequence[Path]) -> None:
    """Remove previews of slides a previous, longer deck had, so the folder matches this deck."""
    pattern = re.compile(rf"{re.escape(stem)} \(slide \d+\)\.png")
    for old in folder.glob(f"{glob.escape(stem)} (slide *).png"):
        if pattern.fullmatch(old.name) and old not in keep:
            try:
                old.unlink()
            except OSError as error:
                raise OutputProblemError(
                    f"{old}: cannot remove this old slide preview ({error.strerror})"
                ) from None
