"""Find formula cells in worksheet parts, and whether each has a saved result."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cipdocs.workbook.opening import cannot_open

FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
"""The start of a worksheet's ``<f>`` (formula) element, with or without a namespace prefix."""


@dataclass(frozen=True)
class Formula:
    """A formula cell as stored in a worksheet part."""

    coordinate: str
    text: str
    """The formula without ``=``; '' for a cell that shares another cell's formula."""
    saved: bool
    """False when no result was saved with it."""


def read_formulas(
    path: Path, stream: IO[bytes], parts: dict[str, str], read: Mapping[str, bytes] | None = None
) -> dict[str, dict[tuple[int, int], Formula]]:
    """Return sheet title -> {(row, column): formula} of every formula cell.

    `read` holds worksheet parts already inflated (part -> bytes), which are not read again.
    """
    from lxml import etree

    known = {} if read is None else read

    found: dict[str, dict[tuple[int, int], Formula]] = {}
    try:
        with zipfile.ZipFile(stream) as archive:
            for title, part in parts.items():
                xml = known[part] if part in known else archive.read(part)
                # Most sheets hold no formula at all; a byte search spares them a second parse.
                if FORMULA_ELEMENT.search(xml):
                    found[title] = dict(iter_formulas(io.BytesIO(xml)))
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        OSError,
        EOFError,
        ValueError,
        etree.LxmlError,
    ) as error:
        raise cannot_open(path, error) from error
    return found


def iter_unsaved_formulas(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], str]]:
    """Yield ((row, column), coordinate) of each formula cell in a worksheet part with no value."""
    for place, formula in iter_formulas(stream):
        if not formula.saved:
            yield place, formula.coordinate


def iter_formulas(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], Formula]]:
    """Yield ((row, column), formula) of each formula cell in a worksheet part.

    openpyxl with ``data_only=True`` returns None for a formula with no saved result, which
    would read as blank. Programs that do not calculate (openpyxl, most scripts) write ``<f>``
    with an empty or no ``<v>``; an empty ``<v>`` is a real saved value only for a text result
    (``t="str"``).
    """
    from lxml import etree
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

    row_number = 0
    column = 0
    # The archive check has refused any DTD already; entities stay unresolved all the same.
    for event, element in etree.iterparse(
        stream,
        events=("start", "end"),
        tag=("{*}c", "{*}row"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    ):
        if etree.QName(element).localname == "row":
            if event == "start":
                # Rows and cells may omit their reference; they then follow the previous one.
                reference = element.get("r")
                row_number = int(reference) if reference else row_number + 1
                column = 0
            else:
                element.clear()
                # Drop finished rows so memory stays flat however long the sheet is.
                while element.getprevious() is not None:
                    del element.getparent()[0]
            continue
        if event == "start":
            continue
        reference = element.get("r")
        if reference:
            row_number, column = coordinate_to_tuple(reference)
        else:
            column += 1
        formula = element.find("{*}f")
        if formula is None:
            continue
        value = element.find("{*}v")
        saved = value is not None and (bool(value.text) or element.get("t", "n") == "str")
        coordinate = f"{get_column_letter(column)}{row_number}"
        yield (row_number, column), Formula(coordinate, (formula.text or "").strip(), saved)
