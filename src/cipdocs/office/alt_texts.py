"""Read the alt texts a .pptx or .docx holds, in the order LibreOffice writes them to a PDF."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

AltTexts = tuple[tuple[str, ...], ...]
"""The alt texts of each page: one tuple per visible slide of a deck, or one for a Word update
(whose pages LibreOffice decides)."""

# Shapes whose description a reader needs: charts and other graphic frames, pictures, groups.
# An autoshape's or text box's description is not read out (its text is).
DESCRIBED = (
    f"{{{P}}}graphicFrame/{{{P}}}nvGraphicFramePr/{{{P}}}cNvPr",
    f"{{{P}}}pic/{{{P}}}nvPicPr/{{{P}}}cNvPr",
    f"{{{P}}}grpSp/{{{P}}}nvGrpSpPr/{{{P}}}cNvPr",
)


def read_alt_texts(source: Path) -> AltTexts:
    """Return the alt texts of the deck's visible slides, or of the Word update, in order."""
    with zipfile.ZipFile(source) as package:
        if source.suffix.lower() == ".pptx":
            return tuple(_slide_alt_texts(package, slide) for slide in _visible_slides(package))
        document = parse_xml_part(package.read("word/document.xml"))
        return (tuple(_described(document.iter(f"{{{WP}}}docPr"))),)


def parse_xml_part(data: bytes) -> etree._Element:
    """Return the root of an XML part, never resolving entities or fetching anything."""
    return etree.fromstring(data, PARSER)


def _visible_slides(package: zipfile.ZipFile) -> list[etree._Element]:
    """Return the deck's slides not hidden in PowerPoint, in presentation order."""
    presentation = parse_xml_part(package.read("ppt/presentation.xml"))
    relationships = parse_xml_part(package.read("ppt/_rels/presentation.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in relationships.iter(f"{{{PKG}}}Relationship")
    }
    slides = []
    for slide_id in presentation.iter(f"{{{P}}}sldId"):
        target = str(targets.get(slide_id.get(f"{{{R}}}id"), ""))
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            name = posixpath.normpath(posixpath.join("ppt", target))
        slide = parse_xml_part(package.read(name))
        if slide.get("show") not in ("0", "false"):
            slides.append(slide)
    return slides


def _slide_alt_texts(package: zipfile.ZipFile, slide: etree._Element) -> tuple[str, ...]:
    """Return the descriptions of the slide's charts, pictures and groups, in drawing order."""
    tree = slide.find(f"{{{P}}}cSld/{{{P}}}spTree")
    if tree is None:
        return ()
    properties = [
        element for shape in tree.iter() for path in DESCRIBED for element in shape.findall(path)
    ]
    return tuple(_described(properties))


def _described(properties: Iterable[etree._Element]) -> list[str]:
    """Return the non-empty descriptions of the shapes' `cNvPr`/`docPr`, leaving decorative ones."""
    texts = []
    for element in properties:
        if element.find(f".//{{{DECORATIVE}}}decorative") is not None:
            continue
        description = (element.get("descr") or element.get("title") or "").strip()
        if description:
            texts.append(description)
    return texts
