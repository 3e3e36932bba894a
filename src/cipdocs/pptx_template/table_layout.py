"""PowerPoint tables laid out: row heights measured with the fonts' metrics, tall rows split,
rows paginated onto follow-on slides (pptx_template/slides.py places the pages).

Only the rows filling made or changed are measured (table.py `KeptRows`): a row kept as the
template had it keeps the height its author saw drawn.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from cipdocs.pptx_template.measure import TextStyle, measurer
from cipdocs.pptx_template.table import (
    KeptRows,
    cell_paragraphs,
    column_widths,
    row_cells,
    table_rows,
)
from cipdocs.pptx_template.text import NAMESPACES, Element, paragraph_text, set_run_text

EMU_PER_POINT = 12700
DEFAULT_SIZE = 1800
"""PowerPoint's default table text size, in hundredths of a point."""
DEFAULT_MARGIN_LR = 91440
DEFAULT_MARGIN_TB = 45720
DEFAULT_TYPEFACE = "Calibri"
"""The body font rows are measured in where neither the run nor the caller names one."""


def wrap(
    text: str, usable: int, size: int, bold: bool, typeface: str = DEFAULT_TYPEFACE
) -> list[str]:
    """Return `text` broken into the lines it wraps into at `size` (hundredths of a point),
    measured with the metrics of `typeface` (pptx_template/measure.py)."""
    return measurer().wrap(text, usable / EMU_PER_POINT, TextStyle(typeface, size / 100, bold))


def line_height(size: int, bold: bool, typeface: str = DEFAULT_TYPEFACE) -> int:
    """Return the height of one line at `size` (hundredths of a point), in EMU."""
    return round(measurer().line_height(TextStyle(typeface, size / 100, bold)) * EMU_PER_POINT)


def paragraph_typeface(paragraph: Element, default: str) -> str:
    """Return the typeface the paragraph's first run names, else `default`."""
    latin = paragraph.find("a:r/a:rPr/a:latin", NAMESPACES)
    named = latin.get("typeface") if latin is not None else None
    return named if named and not named.startswith("+") else default


def paragraph_style(paragraph: Element) -> tuple[int, bool]:
    """Return the size (hundredths of a point) and boldness of a paragraph's first run."""
    for tag in ("a:r/a:rPr", "a:endParaRPr"):
        properties = paragraph.find(tag, NAMESPACES)
        if properties is not None and properties.get("sz"):
            return int(properties.get("sz", DEFAULT_SIZE)), properties.get("b") == "1"
    return DEFAULT_SIZE, False


def cell_layout(
    cell: Element, width: int, typeface: str = DEFAULT_TYPEFACE
) -> tuple[int, list[tuple[int, list[str]]]]:
    """Return a cell's top-plus-bottom margins and, per paragraph, its line height and lines;
    `typeface` is the theme's body font, for runs that name none."""
    properties = cell.find("a:tcPr", NAMESPACES)
    margin: dict[str, str] = (
        {str(key): str(value) for key, value in properties.attrib.items()}
        if properties is not None
        else {}
    )
    usable = (
        width
        - int(margin.get("marL", DEFAULT_MARGIN_LR))
        - int(margin.get("marR", DEFAULT_MARGIN_LR))
    )
    margins = sum(int(margin.get(side, DEFAULT_MARGIN_TB)) for side in ("marT", "marB"))
    paragraphs = []
    for paragraph in cell_paragraphs(cell):
        size, bold = paragraph_style(paragraph)
        face = paragraph_typeface(paragraph, typeface)
        lines = wrap(paragraph_text(paragraph), usable, size, bold, face)
        paragraphs.append((line_height(size, bold, face), lines))
    return margins, paragraphs


def cell_height(cell: Element, width: int, typeface: str = DEFAULT_TYPEFACE) -> int:
    """Return the measured height of a cell's text and margins, in EMU."""
    margins, paragraphs = cell_layout(cell, width, typeface)
    return margins + sum(line_height * len(lines) for line_height, lines in paragraphs)


def cell_widths(row: Element, widths: Sequence[int]) -> list[tuple[Element, int]]:
    """Return the row's cells that hold their own text, each with its width (spans summed)."""
    found: list[tuple[Element, int]] = []
    column = 0
    for cell in row_cells(row):
        span = int(cell.get("gridSpan", "1"))
        if cell.get("hMerge") != "1" and cell.get("vMerge") != "1":
            found.append((cell, sum(widths[column : column + span])))
        column += span
    return found


def fit_row_heights(
    table: Element, typeface: str = DEFAULT_TYPEFACE, kept: KeptRows | None = None
) -> list[int]:
    """Set each row's height to what its text needs (never below the template's); return them.

    `typeface` is the theme's body font, for runs that name none. The `kept` rows (those filling
    left as they were) keep the template's height: it is what PowerPoint drew.
    """
    widths = column_widths(table)
    heights: list[int] = []
    for row in table_rows(table):
        if kept is not None and row in kept:
            heights.append(int(row.get("h", "0")))
            continue
        needed = max(
            [int(row.get("h", "0"))]
            + [cell_height(cell, width, typeface) for cell, width in cell_widths(row, widths)]
        )
        row.set("h", str(needed))
        heights.append(needed)
    return heights


def split_tall_rows(
    table: Element, header_rows: int, room: int, typeface: str = DEFAULT_TYPEFACE
) -> None:
    """Split every body row taller than `room` into pieces that fit, in the same place.

    A long cell's lines are shared out in order; the row's other cells repeat in every piece.
    """
    widths = column_widths(table)
    for row in table_rows(table)[header_rows:]:
        if int(row.get("h", "0")) <= room:
            continue
        pieces = split_row(row, widths, room, typeface)
        for piece in reversed(pieces):
            row.addnext(piece)
        table.remove(row)


def split_row(
    row: Element, widths: Sequence[int], room: int, typeface: str = DEFAULT_TYPEFACE
) -> list[Element]:
    """Return copies of `row`, each holding the next lines of its too-tall cells."""
    chunks: dict[int, list[str]] = {}
    for index, (cell, width) in enumerate(cell_widths(row, widths)):
        margins, paragraphs = cell_layout(cell, width, typeface)
        if len(paragraphs) != 1:
            continue  # only single-paragraph cells split; names lists are one paragraph
        line_height, lines = paragraphs[0]
        if margins + line_height * len(lines) <= room:
            continue
        per_piece = max(1, (room - margins) // line_height)
        chunks[index] = [
            " ".join(lines[start : start + per_piece]) for start in range(0, len(lines), per_piece)
        ]
    count = max((len(parts) for parts in chunks.values()), default=1)
    pieces: list[Element] = []
    for number in range(count):
        piece = copy.deepcopy(row)
        piece.set("h", "0")
        cells = [cell for cell, _ in cell_widths(piece, widths)]
        for index, parts in chunks.items():
            set_cell_text(cells[index], parts[number] if number < len(parts) else "")
        pieces.append(piece)
    return pieces


def set_cell_text(cell: Element, text: str) -> None:
    """Put `text` in the cell's first run, dropping its other runs."""
    paragraph = cell_paragraphs(cell)[0]
    runs = paragraph.findall("a:r", NAMESPACES)
    if not runs:
        return
    set_run_text(runs[0], text)
    for run in runs[1:]:
        paragraph.remove(run)


def paginate(
    heights: Sequence[int], header_rows: int, first_room: int, next_room: int
) -> list[list[int]]:
    """Return the body rows of each page: as many as fit under the header rows, at least one."""
    header = sum(heights[:header_rows])
    pages: list[list[int]] = [[]]
    used = header
    room = first_room
    for index in range(header_rows, len(heights)):
        if pages[-1] and used + heights[index] > room:
            pages.append([])
            used = header
            room = next_room
        pages[-1].append(index)
        used += heights[index]
    return pages


def take_rows(table: Element, header_rows: int) -> list[Element]:
    """Remove every row of `table` from index `header_rows` on; return all its rows, the header
    rows (still in place) included, so the indexes match `paginate`'s."""
    rows = table_rows(table)
    for row in rows[header_rows:]:
        table.remove(row)
    return rows


# -- listing and checking -------------------------------------------------------------------
