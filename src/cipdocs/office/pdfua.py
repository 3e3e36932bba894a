"""Repair a tagged PDF LibreOffice wrote into PDF/UA-1: what its export leaves out or gets wrong.

LibreOffice (7.4 and later, with `UseTaggedPDF` and `PDFUACompliance`) tags text, tables and
headings, but leaves master-slide decorations and table borders untagged, writes `/Tabs` as a
string, drops the alt text of charts and groups, and writes no `Link` element for a slide's
hyperlink. Each repair below is one of those, on the PDF's bytes; nothing else changes.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name, Operator

from cipdocs.office.alt_texts import AltTexts, read_alt_texts

EXPORT_OPTIONS = json.dumps(
    {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
    },
    separators=(",", ":"),
)
"""LibreOffice's PDF export options (JSON, 7.4 and later): a tagged PDF that claims PDF/UA-1."""
NEEDED = "LibreOffice 7.4 or later"

PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
"""Operators that paint the current path (`n` only ends it, painting nothing)."""
PATH_START = frozenset({"m", "re"})
SHOWING = frozenset({"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"})
"""Operators that draw text, an XObject, a shading or an inline image."""

# pikepdf's objects change type with their content (a Dictionary, an Array, a Name), so the
# structure tree is handled as `Any` here.
Node = Any
Demoted = dict[tuple[int, int], set[int]]
"""Marked-content ids to turn into artifacts, by their page's object id."""


def make_accessible(data: bytes, source: Path) -> tuple[bytes, str | None]:
    """Return the PDF LibreOffice made of `source` repaired into PDF/UA-1, and, where it cannot
    be, the LibreOffice that wrote it (the PDF is then returned as it is)."""
    try:
        repaired = repair_pdf(data, read_alt_texts(source))
    # A structure the repairs do not expect (another LibreOffice's) leaves the PDF as written.
    except (
        pikepdf.PdfError,
        OSError,
        KeyError,
        AttributeError,
        TypeError,
        ValueError,
        zipfile.BadZipFile,
        etree.XMLSyntaxError,
    ):
        repaired = data
    if repaired is not data:
        return repaired, None
    return data, _producer(data)


def _producer(data: bytes) -> str:
    """Return the program that wrote the PDF, as it says (``LibreOffice 6.4``), or LibreOffice."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return str(pdf.docinfo.get("/Producer", "LibreOffice"))
    except pikepdf.PdfError:
        return "LibreOffice"


def not_accessible_warning(producers: dict[str, str]) -> str:
    """Return the one line saying which PDFs are not PDF/UA, who wrote them and what to install."""
    names = " and ".join(producers)
    wrote = " and ".join(sorted(set(producers.values())))
    return (
        f"{names} {'is' if len(producers) == 1 else 'are'} not PDF/UA (tagged, accessible): "
        f"{wrote} wrote untagged PDF; install {NEEDED} (docs/rendering.md)"
    )


def repair_pdf(data: bytes, alt_texts: AltTexts) -> bytes:
    """Return the tagged PDF `data` repaired into PDF/UA-1; an untagged PDF comes back as is.

    `alt_texts` are the document's alt texts (`read_alt_texts`): each page's, or the whole
    document's in one tuple. They go to the Figures LibreOffice wrote without one, in order;
    Figures left over, with nothing but graphics in them, are decoration and become artifacts.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return data
        demoted = place_alt_texts(pdf, alt_texts)
        for page in pdf.pages:
            if "/Annots" in page:
                page.Tabs = Name.S  # LibreOffice 7.4 writes the string (S)
            mark_artifacts(pdf, page, demoted.get(page.obj.objgen, set()))
        tag_links(pdf)
        root.MarkInfo = Dictionary(Marked=True)
        if "/ViewerPreferences" not in root:
            root.ViewerPreferences = Dictionary()
        root.ViewerPreferences.DisplayDocTitle = True
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfuaid:part"] = "1"
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
        return output.getvalue()


def iter_elements(node: Node) -> Iterator[tuple[Node, Node | None]]:
    """Yield every structure element under `node` with its parent, in reading order."""
    kids = node.get("/K")
    if kids is None:
        return
    items = list(kids) if isinstance(kids, Array) else [kids]
    for item in items:
        if isinstance(item, Dictionary) and "/S" in item:
            yield item, node if isinstance(node, Dictionary) else None
            yield from iter_elements(item)


def place_alt_texts(pdf: pikepdf.Pdf, alt_texts: AltTexts) -> Demoted:
    """Give Figures without /Alt the document's alt texts; return what to demote to artifacts."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    figures: dict[int | None, list[tuple[Node, Node | None]]] = {}
    carried: dict[int | None, set[str]] = {}
    paged = len(alt_texts) > 1 or len(alt_texts) == len(pdf.pages) == 1
    for element, parent in iter_elements(pdf.Root.StructTreeRoot):
        if Name.Figure != element.S:
            continue
        where = _page_of(element)
        page = pages.get(where) if paged and where is not None else None
        if "/Alt" in element:
            carried.setdefault(page, set()).add(str(element.Alt))
        else:
            figures.setdefault(page, []).append((element, parent))
    demoted: Demoted = {}
    in_forms = _form_mcids(pdf)
    for page, waiting in figures.items():
        if page is None:
            texts = [text for texts in alt_texts for text in texts]
        else:
            texts = list(alt_texts[page]) if page < len(alt_texts) else []
        texts = [text for text in texts if text not in carried.get(page, set())]
        # Alt texts go to Figures drawn on the page itself first: what LibreOffice draws in a
        # form XObject (a shape's shadow) becomes an artifact below.
        drawn = [
            element.objgen
            for element, _ in waiting
            if not _mcids(element) <= in_forms.get(_page_of(element) or (0, 0), set())
        ]
        others = [element.objgen for element, _ in waiting if element.objgen not in drawn]
        chosen = (drawn + others)[: len(texts)]
        for element, parent in waiting:
            if element.objgen in chosen:
                element.Alt = pikepdf.String(texts[chosen.index(element.objgen)])
            elif _holds_only_graphics(element):
                _demote(pdf, element, parent, demoted)
            else:
                element.S = Name.Div  # text LibreOffice grouped as a figure: read as text
    return demoted


def _page_of(element: Node) -> tuple[int, int] | None:
    """Return the object id of the page an element's content is on."""
    holders = [element, *_kids(element)]
    for holder in holders:
        if isinstance(holder, Dictionary) and "/Pg" in holder:
            objgen: tuple[int, int] = holder.Pg.objgen
            return objgen
    return None


def _kids(element: Node) -> list[Node]:
    """Return an element's kids as a list (LibreOffice writes a lone kid without an array)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _mcids(element: Node) -> set[int]:
    """Return the marked-content ids of an element's own content (LibreOffice keeps an
    element's content on one page)."""
    ids = set()
    for item in _kids(element):
        if isinstance(item, int):
            ids.add(int(item))
        elif isinstance(item, Dictionary) and "/MCID" in item:
            ids.add(int(item.MCID))
    return ids


def _form_mcids(pdf: pikepdf.Pdf) -> Demoted:
    """Return the marked-content ids the form XObjects each page draws hold, by page."""
    found: Demoted = {}
    for page in pdf.pages:
        for form in _drawn_forms(page).values():
            for item in pikepdf.parse_content_stream(form, "BDC"):
                mcid = _mcid(item)
                if mcid is not None:
                    found.setdefault(page.obj.objgen, set()).add(mcid)
    return found


def _holds_only_graphics(element: Node) -> bool:
    """Return True when `element` holds marked content only, no structure elements."""
    return not any(isinstance(item, Dictionary) and "/S" in item for item in _kids(element))


def _demote(pdf: pikepdf.Pdf, element: Node, parent: Node | None, demoted: Demoted) -> None:
    """Take `element` out of the structure tree; its marked content becomes an artifact."""
    page = _page_of(element) or (0, 0)
    demoted.setdefault(page, set()).update(_mcids(element))
    holder = parent if parent is not None else pdf.Root.StructTreeRoot
    kids = holder.K
    if isinstance(kids, Array):
        for index, item in enumerate(kids):
            if item.is_indirect and item.objgen == element.objgen:
                del kids[index]
                break
    else:
        holder.K = Array()


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, demoted: set[int]) -> None:
    """Mark what the page draws outside any marked content as an artifact, and turn the
    demoted Figures' marked content into artifacts."""
    marked_forms = _repair_forms(pdf, page)
    instructions = pikepdf.parse_content_stream(page)
    repaired: list[Any] = []
    depth = 0
    path_start: int | None = None
    changed = False
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator == "BDC" and _mcid(instruction) in demoted:
            instruction = _begin_artifact()
            changed = True
        if operator in ("BDC", "BMC"):
            depth += 1
        elif operator == "EMC" and depth == 0:
            changed = True  # LibreOffice ends more sequences than it begins around autoshapes
            continue
        elif operator == "EMC":
            depth -= 1
        if operator in PATH_START and path_start is None:
            path_start = len(repaired)
        marked_form = operator == "Do" and str(instruction.operands[0]) in marked_forms
        if depth == 0 and (operator in PAINTING or operator in SHOWING) and not marked_form:
            start = path_start if operator in PAINTING and path_start is not None else len(repaired)
            repaired.insert(
                start, pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC"))
            )
            repaired.append(instruction)
            repaired.append(pikepdf.ContentStreamInstruction([], Operator("EMC")))
            changed = True
        else:
            repaired.append(instruction)
        if operator in PAINTING or operator == "n":
            path_start = None
    if changed:
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(repaired))


def _repair_forms(pdf: pikepdf.Pdf, page: pikepdf.Page) -> set[str]:
    """Make the marked content of the page's form XObjects artifacts; return their names.

    LibreOffice draws shapes' shadows and transparent fills in forms, beginning a tagged sequence
    there (with an MCID the structure tree cannot reach inside a form) and ending it on the page.
    """
    marked: set[str] = set()
    for name, form in _drawn_forms(page).items():
        instructions = pikepdf.parse_content_stream(form)
        operators = {str(item.operator) for item in instructions}
        if not operators & {"BDC", "BMC"}:
            continue
        marked.add(name)
        # A form that shows text keeps its tags: its words must reach the reader.
        shows_text = bool(operators & {"Tj", "TJ", "'", '"'})
        repaired = [
            _begin_artifact() if str(item.operator) == "BDC" and not shows_text else item
            for item in instructions
        ]
        # LibreOffice begins a sequence in the form and ends it on the page: end it here.
        opened = sum(str(item.operator) in ("BDC", "BMC") for item in instructions)
        closed = sum(str(item.operator) == "EMC" for item in instructions)
        repaired += [pikepdf.ContentStreamInstruction([], Operator("EMC"))] * (opened - closed)
        if repaired != instructions:
            form.write(pikepdf.unparse_content_stream(repaired))
    return marked


def _drawn_forms(page: pikepdf.Page) -> dict[str, Node]:
    """Return the form XObjects the page's content draws, by name (LibreOffice gives every page
    the same resources, so what a page holds is not what it draws)."""
    forms: Node = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
    drawn = {}
    for item in pikepdf.parse_content_stream(page, "Do"):
        name = str(item.operands[0])
        form = forms.get(name)
        if form is not None and form.get("/Subtype") == Name.Form:
            drawn[name] = form
    return drawn


def _begin_artifact() -> pikepdf.ContentStreamInstruction:
    """Return ``/Artifact BMC``."""
    return pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC"))


def _mcid(instruction: Any) -> int | None:
    """Return the MCID of a BDC instruction's inline property list, if it has one."""
    operands = instruction.operands
    if len(operands) == 2 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def tag_links(pdf: pikepdf.Pdf) -> None:
    """Put every Link annotation that has no structure element into a `Link` element of its own."""
    tree: Node = pdf.Root.StructTreeRoot
    container = _container(tree)
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != Name.Link or "/StructParent" in annotation:
                continue
            if "/Contents" not in annotation:
                uri = annotation.get("/A", Dictionary()).get("/URI")
                annotation.Contents = pikepdf.String(f"Link to {uri}" if uri else "Link")
            link = pdf.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name.Link,
                    P=container,
                    Pg=page.obj,
                    K=Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj)]),
                )
            )
            key = int(tree.get("/ParentTreeNextKey", _next_key(tree)))
            annotation.StructParent = key
            tree.ParentTree.Nums.extend([key, link])
            tree.ParentTreeNextKey = key + 1
            _insert_after_page(container, link, page)


def _container(tree: Node) -> Node:
    """Return the element whose kids are the document's top-level elements."""
    kids = tree.K
    if isinstance(kids, Dictionary) and kids.get("/S") == Name.Document:
        if not isinstance(kids.K, Array):
            kids.K = Array([kids.K])
        return kids
    if not isinstance(kids, Array):
        tree.K = Array([kids])
    return tree


def _insert_after_page(container: Node, link: Node, page: pikepdf.Page) -> None:
    """Insert `link` after the container's last kid on `page`, else at its end."""
    kids = container.K
    place = len(kids)
    for index, kid in enumerate(kids):
        if isinstance(kid, Dictionary) and _page_of(kid) == page.obj.objgen:
            place = index + 1
    kids.insert(place, link)


def _next_key(tree: Node) -> int:
    """Return one past the highest key of the parent tree (flat `/Nums` as LibreOffice writes)."""
    numbers: Node = tree.ParentTree.get("/Nums", Array())
    keys = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    return max(keys, default=-1) + 1
