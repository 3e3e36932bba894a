"""PowerPoint tables: rows repeated or dropped as their tags say (table_layout.py measures them
and splits them into pages).

The convention: a row whose first cell starts with ``{%tr for row in statuses %}`` (any loop
header Jinja accepts, ``if`` clause included) is repeated once per item, with `row` naming the
item in that row's placeholders; a row starting with ``{%tr if condition %}`` is kept only when
the condition holds. Rows above the first repeated row are header rows, and are repeated on
follow-on slides.

Filling tells which rows it left as the template had them (`KeptRows`): their heights are what
the template's author saw drawn, so they are kept as they are and only the rows filling made or
changed are measured; a table filling did not change at all is not laid out again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import jinja2

from cipdocs.pptx_template.attributes import Scope
from cipdocs.pptx_template.paragraphs import check_body, render_body
from cipdocs.pptx_template.tag_checks import check_header, check_source
from cipdocs.pptx_template.tags import (
    Names,
    Problem,
    Tag,
    TemplateError,
    has_placeholder,
    has_structure_tag,
    holds,
    iter_tags,
    iterate,
)
from cipdocs.pptx_template.text import (
    NAMESPACES,
    Element,
    merge_runs,
    paragraph_text,
    run_text,
    set_run_text,
)


def table_of(frame: Element) -> Element | None:
    """Return the ``a:tbl`` of a graphic frame, or None when it holds something else."""
    return frame.find("./a:graphic/a:graphicData/a:tbl", NAMESPACES)


def table_rows(table: Element) -> list[Element]:
    """Return the table's ``a:tr`` rows."""
    return table.findall("a:tr", NAMESPACES)


def row_cells(row: Element) -> list[Element]:
    """Return the row's ``a:tc`` cells."""
    return row.findall("a:tc", NAMESPACES)


def cell_paragraphs(cell: Element) -> list[Element]:
    """Return the paragraphs of one cell."""
    return cell.findall("./a:txBody/a:p", NAMESPACES)


def column_widths(table: Element) -> list[int]:
    """Return the widths of the table's grid columns, in EMU."""
    columns = table.findall("./a:tblGrid/a:gridCol", NAMESPACES)
    return [int(column.get("w", "0")) for column in columns]


def first_paragraph(row: Element) -> Element | None:
    """Return the first paragraph of the row's first cell, where a row tag stands."""
    cells = row_cells(row)
    if not cells:
        return None
    paragraphs = cell_paragraphs(cells[0])
    return paragraphs[0] if paragraphs else None


def row_texts(row: Element) -> tuple[str, ...]:
    """Return the text of every paragraph of every cell of the row, in order."""
    return tuple(
        paragraph_text(paragraph) for cell in row_cells(row) for paragraph in cell_paragraphs(cell)
    )


@dataclass(frozen=True)
class KeptRows:
    """The rows of a table that filling left as the template had them: the same row with the
    same text (rows repeated for a loop are new, rows with placeholders changed)."""

    rows: tuple[tuple[Element, tuple[str, ...]], ...]
    """Each kept row, with its text."""
    changed: bool = False
    """True when filling added, dropped or changed a row of the table."""
    template_height: int = 0
    """The template's rows' heights together: how tall PowerPoint drew the table, whatever
    height its frame says."""

    @classmethod
    def before_filling(cls, table: Element) -> KeptRows:
        """Return every row of the unfilled `table`, with its text."""
        rows = table_rows(table)
        height = sum(int(row.get("h", "0")) for row in rows)
        return cls(tuple((row, row_texts(row)) for row in rows), template_height=height)

    def after_filling(self, table: Element) -> KeptRows:
        """Return the rows of these that the filled `table` still has, with the same text."""
        rows = table_rows(table)
        present = {id(row) for row in rows}
        kept = tuple(
            (row, texts)
            for row, texts in self.rows
            if id(row) in present and row_texts(row) == texts
        )
        changed = len(kept) != len(rows) or len(kept) != len(self.rows)
        return KeptRows(kept, changed, self.template_height)

    def __contains__(self, row: object) -> bool:
        """Return True when `row` is one of the kept rows (the same element, not an equal one)."""
        return any(row is kept for kept, _ in self.rows)


def read_row_tag(row: Element) -> Tag | None:
    """Return the ``{%tr …%}`` tag the row's first cell starts with, or None."""
    paragraph = first_paragraph(row)
    if paragraph is None:
        return None
    text = paragraph_text(paragraph)
    tag = next(iter_tags(text), None)
    if tag is None or text[: tag.start].strip() or tag.kind != "tr":
        return None
    return tag


def take_row_tag(row: Element) -> Tag | None:
    """Return the row's tag and remove it from the row's text."""
    tag = read_row_tag(row)
    paragraph = first_paragraph(row)
    if tag is None or paragraph is None:
        return None
    for run in merge_runs(paragraph):
        text = run_text(run)
        if not text.strip():
            continue
        found = next(iter_tags(text), None)
        if found is not None:
            set_run_text(run, text[found.end :])
        break
    return tag


def endfor_message() -> str:
    """Return the fix for a Word-style ``{%tr endfor %}`` row in PowerPoint."""
    return (
        "in PowerPoint the row that starts with {%tr for … %} repeats itself and needs no "
        "{%tr endfor %} row (that is Word's form); delete this row"
    )


def fill_table(
    table: Element,
    environment: jinja2.Environment,
    context: Mapping[str, object],
    where: str,
) -> int | None:
    """Fill `table` in place; return how many header rows it has, or None when nothing repeats."""
    header_rows: int | None = None
    filled: list[Element] = []
    for number, row in enumerate(table_rows(table), start=1):
        here = f"{where}, row {number}"
        tag = take_row_tag(row)
        table.remove(row)
        if tag is None or tag.word == "if":
            if tag is None or holds(environment, tag.header, context, here):
                render_row(row, environment, context, here)
                filled.append(row)
            continue
        if tag.word != "for":
            message = endfor_message() if tag.word == "endfor" else f"{tag.source!r}: use "
            if tag.word != "endfor":
                message += "{%tr for … %} or {%tr if … %} at the start of the row"
            raise TemplateError(f"{here}, cell 1", message)
        if header_rows is None:
            header_rows = len(filled)
        for paragraph in row.iter(f"{{{NAMESPACES['a']}}}p"):
            merge_runs(paragraph)  # once on the template, not once per copy
        for item in iterate(environment, tag.header, context, here):
            copied = copy.deepcopy(row)
            render_row(copied, environment, {**context, **item}, here)
            filled.append(copied)
    table.extend(filled)
    number_rows(table)
    return header_rows


def render_row(
    row: Element, environment: jinja2.Environment, context: Mapping[str, object], where: str
) -> None:
    """Render every placeholder in the row's cells."""
    for number, cell in enumerate(row_cells(row), start=1):
        body = cell.find("a:txBody", NAMESPACES)
        if body is not None:
            render_body(body, environment, context, f"{where}, cell {number}")


def number_rows(table: Element) -> None:
    """Give each row a fresh, unique ``rowId``: PowerPoint asks to repair duplicates."""
    for index, row_id in enumerate(table.iterfind("./a:tr/a:extLst/a:ext/*", NAMESPACES)):
        if row_id.tag.endswith("}rowId"):
            row_id.set("val", str(1_000_000_000 + index))


# -- heights --------------------------------------------------------------------------------


def iter_table_texts(table: Element, where: str) -> Iterator[tuple[str, str]]:
    """Yield (place, text) for every paragraph of every cell, the row tags included."""
    for row_number, row in enumerate(table_rows(table), start=1):
        for cell_number, cell in enumerate(row_cells(row), start=1):
            for paragraph in cell_paragraphs(cell):
                yield f"{where}, row {row_number}, cell {cell_number}", paragraph_text(paragraph)


def check_table(
    table: Element,
    where: str,
    environment: jinja2.Environment,
    names: Names,
    declared: Scope | None = None,
) -> list[Problem]:
    """Return every problem of a table's placeholders and row tags, repeated rows read as loops."""
    problems: list[Problem] = []
    for row_number, row in enumerate(table_rows(table), start=1):
        here = f"{where}, row {row_number}"
        tag = read_row_tag(row)
        scope = dict(declared or {})
        paragraph = first_paragraph(row)
        if tag is not None and tag.word in ("for", "if"):
            found, names_set = check_header(environment, tag, f"{here}, cell 1", names, scope)
            problems += found
            scope.update(names_set)
        elif tag is not None and tag.word == "endfor":
            problems.append(Problem(f"{here}, cell 1", endfor_message()))
            continue
        elif paragraph is not None and has_structure_tag(paragraph_text(paragraph), "tr"):
            problems.append(
                Problem(
                    f"{here}, cell 1",
                    "broken row tag; write it as the first text "
                    "of the row: {%tr for row in statuses %}",
                )
            )
            continue
        for cell_number, cell in enumerate(row_cells(row), start=1):
            paragraphs = cell_paragraphs(cell)
            place = f"{here}, cell {cell_number}"
            for paragraph in paragraphs if cell_number > 1 else paragraphs[1:]:
                if has_structure_tag(paragraph_text(paragraph), "tr"):
                    problems.append(Problem(place, "a {%tr %} tag must start the row's first cell"))
            if cell_number == 1 and paragraphs and tag is not None:
                rest = paragraph_text(paragraphs[0])[tag.end :]
                if has_placeholder(rest):
                    problems += check_source(environment, rest, place, names, scope)
                paragraphs = paragraphs[1:]
            problems += check_body(paragraphs, environment, place, names, scope)
    return problems
