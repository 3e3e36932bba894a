"""Fill the Word update template with docxtpl, and list and check the placeholders it holds."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from cipdocs.edits.update import UpdateEdits, finish_update, mark_origins
from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.pptx_template.tag_checks import check_lines
from cipdocs.render.docx_body import DocxTemplate
from cipdocs.render.files import require_template, write_document
from cipdocs.render.properties import apply_core_properties, template_core_properties
from cipdocs.render.staging import Stager
from cipdocs.report.present import PresentedReport, document_properties
from cipdocs.templating import (
    Placeholder,
    find_placeholders,
    has_placeholder,
    make_environment,
    straighten,
    template_names,
)

# What python-docx raises for a file that is not a Word document (a zip without the parts, a
# .pptx, plain text, a damaged XML part).
_NOT_A_DOCX = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError)

# docxtpl's own prefixes and cell tags, rewritten into the plain Jinja they stand for.
_DOCXTPL_PREFIX = re.compile(r"(\{[{%#])(?:tr|tc|p|r) ")
_SLIDE_TAG = re.compile(r"\{%-?\s*slide\b")
_ROW_TAG = re.compile(r"\{%-?\s*t[rc]\b")
_DOCXTPL_CELL_TAG = re.compile(r"\{%\s*(?:colspan|cellbg)\s+(.*?)\s*%\}")
_DOCXTPL_MERGE_TAG = re.compile(r"\{%\s*(?:vm|hm)\s*%\}")
# Tags that open a block, to find the one left unclosed when Jinja reports the end of template.
_BLOCK_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}")
_BLOCK_OPENERS = frozenset({"for", "if", "with", "block", "macro", "call", "filter", "autoescape"})

_TEXT_PARTS = ((RELATIONSHIP_TYPE.HEADER, "header"), (RELATIONSHIP_TYPE.FOOTER, "footer"))

Lines = list[tuple[str, str]]
"""One ``(where, text)`` per paragraph of a part, in document order."""


@dataclass
class PreparedUpdate:
    """The Word template opened and its paragraphs marked with where they come from: what does
    not need the report, so it can be done while the workbook is read (workers.py)."""

    template: Path
    document: DocxTemplate


def prepare_update_template(template: Path) -> PreparedUpdate:
    """Open `template` and mark its origins; raise `TemplateProblemError` when it is missing or
    not a .docx."""
    document = _open_template(template)
    mark_origins(document.docx.element.body)
    return PreparedUpdate(template, document)


def render_update(
    report: PresentedReport,
    template: Path,
    destination: Path,
    *,
    record: Mapping[str, object] | None = None,
    edits_from: Path | None = None,
    staging: Stager | None = None,
    prepared: PreparedUpdate | None = None,
) -> UpdateEdits:
    """Fill `template` with `report` and write the Word update to `destination`.

    `record` (the report as data, report/record.py) is embedded in the file when given; with
    `staging`, the update is staged there for the run's commit rather than written at once.
    The hand edits of the Word update at `edits_from` are carried into it (edits/update.py)
    before it is written or staged; the result says which were and which were not.
    `prepared` is `template` already prepared (`prepare_update_template`); it is used up.
    """
    document = (prepared or prepare_update_template(template)).document
    # docxtpl renders the core properties too: it must find the template's own.
    with template_core_properties(document.docx.part.package):
        try:
            document.render(
                report.as_template_context(),
                jinja_env=make_environment(autoescape=True),
                autoescape=True,
            )
        except jinja2.TemplateError as error:
            raise TemplateProblemError(_render_problem(template, document, error)) from None
        _set_core_properties(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    data, edits = finish_update(buffer.getvalue(), edits_from)
    write_document(destination, data, record=record, staging=staging)
    return edits


def list_placeholders(template: Path) -> list[Placeholder]:
    """Return every placeholder in `template`, as written, with the place where it stands."""
    return [
        Placeholder(where, source)
        for lines in _read_parts(template)
        for where, text in lines
        for source in find_placeholders(text)
    ]


def check_template(template: Path) -> list[Issue]:
    """Return the broken Jinja and unknown names in `template`, each with its place."""
    return [issue for lines in _read_parts(template) for issue in _check_part(lines)]


def _open_template(template: Path) -> DocxTemplate:
    _require_file(template)
    document = DocxTemplate(template)
    try:
        document.init_docx()
    except _NOT_A_DOCX:
        raise TemplateProblemError(_not_a_docx(template)) from None
    return document


def _require_file(template: Path) -> None:
    require_template(
        template,
        kind="Word",
        fix="pass an existing .docx with --docx-template, or rebuild the default with "
        "scripts/build_update_template.py",
    )


def _not_a_docx(template: Path) -> str:
    return f"{template}: not a Word .docx document; save it from Word as .docx and try again"


def _render_problem(template: Path, document: DocxTemplate, error: jinja2.TemplateError) -> str:
    """Return one line naming the first problem and, where it can be found, its place."""
    issues = check_template(template)
    if issues:
        more = f" (and {len(issues) - 1} more: `cipdocs templates {template}`)"
        return f"{template}, {issues[0]}{more if len(issues) > 1 else ''}"
    advice = "check it against docs/templates.md"
    reason = str(error).rstrip(".")
    place = _failing_place(template, document, error)
    if place is None:
        return f"{template}: cannot fill the Word template: {reason}; {advice}"
    where, placeholder = place
    return f"{template}, {where}: cannot fill {placeholder!r}: {reason}; {advice}"


def _failing_place(
    template: Path, document: DocxTemplate, error: BaseException
) -> tuple[str, str] | None:
    # A runtime error carries no line, but Jinja's rewritten traceback has the line of the source
    # docxtpl rendered: the part's patched XML with one paragraph a line. Its placeholders lead
    # back to the paragraph or cell they stand in.
    lineno = _template_lineno(error)
    part = document.current_rendering_part
    if lineno is None or part is None:
        return None
    xml = document.get_xml() if part is document.docx._part else document.get_part_xml(part)
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(xml)).splitlines()
    if lineno > len(source):
        return None
    failing = find_placeholders(html.unescape(re.sub(r"<[^>]+>", "", source[lineno - 1])))
    for lines in _read_parts(template):
        for where, text in lines:
            found = [placeholder for placeholder in failing if placeholder in _as_jinja(text)]
            if found:
                return where, found[0]
    return None


def _template_lineno(error: BaseException) -> int | None:
    lineno = None
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            lineno = frame.tb_lineno
        frame = frame.tb_next
    return lineno


def _set_core_properties(document: DocxTemplate, report: PresentedReport) -> None:
    core = document.core_properties
    title = core.title
    if not title:
        titles = (p.text for p in document.paragraphs if p.style and p.style.name == "Title")
        title = next(titles, "")
    apply_core_properties(core, document_properties(report), title)


def _read_parts(template: Path) -> list[Lines]:
    """Return the body's lines, then each header's and footer's, as docxtpl will see them."""
    _require_file(template)
    try:
        document = Document(str(template))
    except _NOT_A_DOCX:
        raise TemplateProblemError(_not_a_docx(template)) from None
    parts = [list(_iter_body_lines(document.element.body))]
    for reltype, name in _TEXT_PARTS:
        elements = [
            rel.target_part.element for rel in document.part.rels.values() if rel.reltype == reltype
        ]
        for number, element in enumerate(elements, start=1):
            where = name if len(elements) == 1 else f"{name} {number}"
            parts.append([(where, _paragraph_text(p)) for p in element.iter(qn("w:p"))])
    return parts


def _iter_body_lines(body: Any) -> Iterator[tuple[str, str]]:
    paragraph_number = table_number = 0
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            table_number += 1
            yield from _iter_table_lines(child, f"table {table_number}")
            continue
        for paragraph in child.iter(qn("w:p")):
            paragraph_number += 1
            yield f"paragraph {paragraph_number}", _paragraph_text(paragraph)


def _iter_table_lines(table: Any, where: str) -> Iterator[tuple[str, str]]:
    for row_number, row in enumerate(table.iterchildren(qn("w:tr")), start=1):
        for cell_number, cell in enumerate(row.iterchildren(qn("w:tc")), start=1):
            for paragraph in cell.iter(qn("w:p")):
                yield f"{where}, row {row_number}, cell {cell_number}", _paragraph_text(paragraph)


def _paragraph_text(paragraph: Any) -> str:
    # docxtpl joins every w:t of a paragraph, hyperlinks and all; a newline would shift the lines.
    return "".join(text.text or "" for text in paragraph.iter(qn("w:t"))).replace("\n", " ")


def _as_jinja(text: str) -> str:
    """Return `text` with docxtpl's tags (``{%tr``, ``{%p``, ``{% vm %}``, …) as plain Jinja."""
    text = straighten(text)
    text = _DOCXTPL_PREFIX.sub(r"\1 ", text)
    text = _DOCXTPL_CELL_TAG.sub(r"{{ \1 }}", text)
    return _DOCXTPL_MERGE_TAG.sub("", text)


def _check_part(lines: Lines) -> list[Issue]:
    # Each placeholder is checked on its own, in the scope of the loops opened around it in
    # earlier paragraphs or rows, so that every mistake is reported, not only the first.
    if not any(has_placeholder(text) for _, text in lines):
        return []
    environment = make_environment(autoescape=True)
    misplaced = [issue for where, text in lines for issue in _misplaced_tags(where, text)]
    as_jinja = [(where, _as_jinja(text)) for where, text in lines if not _SLIDE_TAG.search(text)]
    problems = check_lines(environment, as_jinja, template_names())
    if misplaced or problems:
        return misplaced + [Issue(problem.where, problem.message) for problem in problems]
    # What no placeholder shows on its own, Jinja still finds in the whole part.
    source = "\n".join(text for _, text in as_jinja)
    try:
        environment.parse(source)
        environment.compile(source)
    except jinja2.TemplateSyntaxError as error:
        return [_broken_issue(lines, error)]
    return []


def _misplaced_tags(where: str, text: str) -> list[Issue]:
    """Return the tags that stand where Word cannot use them: rows and cells out of tables."""
    issues: list[Issue] = []
    if _SLIDE_TAG.search(text):
        issues.append(Issue(where, "{%slide %} tags are PowerPoint's; in Word use {%p %} tags"))
    if _ROW_TAG.search(text) and not where.startswith("table"):
        issues.append(Issue(where, "a {%tr %} or {%tc %} tag belongs in a table cell"))
    return issues


def _broken_issue(lines: Lines, error: jinja2.TemplateSyntaxError) -> Issue:
    where, text = _line(lines, error.lineno)
    if "end of template" in (error.message or ""):
        # An unclosed block is only noticed at the end; point at the tag that opened it.
        where, text = _unclosed_block(lines) or (where, text)
    # Jinja's messages end in a full stop; the advice follows after a semicolon.
    reason = (error.message or "invalid syntax").rstrip(".")
    return Issue(where, f"broken placeholder {_shown(text)!r}: {reason}; fix the Jinja syntax")


def _line(lines: Lines, lineno: int | None) -> tuple[str, str]:
    index = min(max((lineno or 1) - 1, 0), len(lines) - 1)
    return lines[index]


def _unclosed_block(lines: Lines) -> tuple[str, str] | None:
    opened: list[tuple[str, str]] = []
    for where, text in lines:
        for tag in _BLOCK_TAG.finditer(_as_jinja(text)):
            word, rest = tag.group(1), tag.group(2)
            if word in _BLOCK_OPENERS or (word == "set" and "=" not in rest):
                opened.append((where, text))
            elif word.startswith("end") and opened:
                opened.pop()
    return opened[-1] if opened else None


def _shown(text: str) -> str:
    return " ".join(find_placeholders(text)) or text.strip()
