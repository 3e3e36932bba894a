"""Units of the Word update: text and look read as a person sees them, and the snapshot's bytes."""

from __future__ import annotations

import json
import zlib

import pytest
from lxml import etree

from cipdocs.edits import update_units
from cipdocs.edits.update_units import Written, parse_snapshot, read_units, snapshot_json

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def unit(paragraph: str) -> tuple[str, str]:
    """Return the text and look of one body paragraph given as XML."""
    body = etree.fromstring(f"<w:body {NS}>{paragraph}</w:body>")
    [found] = read_units(body)
    return found.text, found.look


PLAIN = unit("<w:p><w:r><w:t>Ready for review</w:t></w:r></w:p>")


@pytest.mark.parametrize(
    "paragraph",
    [
        # Runs split differently, empty runs and properties, as Word and LibreOffice save them.
        "<w:p><w:r><w:t>Ready </w:t></w:r><w:r><w:rPr/><w:t>for review</w:t></w:r></w:p>",
        '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:after="120"/><w:jc w:val="left"/>'
        "</w:pPr><w:r><w:rPr></w:rPr></w:r><w:r><w:t>Ready for review</w:t></w:r></w:p>",
        '<w:p w14:paraId="1A2B3C4D" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r><w:rPr><w:b w:val="false"/>'
        '<w:lang w:val="en-GB"/></w:rPr><w:t>Ready for </w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r><w:t>review</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>',
        # Deleted text (tracked) is not text a reader sees.
        "<w:p><w:r><w:t>Ready for review</w:t></w:r><w:del><w:r><w:delText>!</w:delText></w:r>"
        "</w:del></w:p>",
    ],
)
def test_saves_without_edits_read_the_same(paragraph: str) -> None:
    assert unit(paragraph) == PLAIN


@pytest.mark.parametrize(
    "paragraph",
    [
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Ready</w:t></w:r><w:r><w:t> for review</w:t></w:r></w:p>",
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>Ready for review</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Ready for review</w:t></w:r></w:p>',
        '<w:p><w:r><w:rPr><w:color w:val="C00000"/></w:rPr><w:t>Ready for review</w:t></w:r></w:p>',
        '<w:p><w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr><w:t>Ready for review</w:t></w:r></w:p>',
        '<w:p><w:r><w:rPr><w:rFonts w:ascii="Georgia"/></w:rPr><w:t>Ready for review</w:t></w:r></w:p>',
    ],
)
def test_formatting_a_person_changes_is_part_of_the_look(paragraph: str) -> None:
    text, look = unit(paragraph)
    assert text == PLAIN[0]
    assert look != PLAIN[1]


def test_a_row_reads_as_its_cells() -> None:
    body = etree.fromstring(
        f"<w:body {NS}><w:tbl><w:tr><w:tc><w:p><w:r><w:t>SSAC</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>10</w:t></w:r></w:p><w:p><w:r><w:t>of 13</w:t></w:r></w:p></w:tc>"
        "</w:tr></w:tbl></w:body>"
    )
    [table] = read_units(body)
    assert table.kind == "t"
    assert [row.text for row in table.rows] == ["SSAC | 10\nof 13"]


SNAPSHOT = (
    Written("ab:0", False, "Title", "1"),
    Written("tcd:0", True, "Group | Rate", "2", (Written("cd:0", False, "Group | Rate", "3"),)),
)


def test_the_snapshot_reads_back_as_written() -> None:
    assert parse_snapshot(snapshot_json(SNAPSHOT)) == SNAPSHOT


@pytest.mark.parametrize(
    "data",
    [
        b"not compressed",
        zlib.compress(b"not json"),
        zlib.compress(json.dumps({"update": 2, "units": []}).encode()),
        zlib.compress(json.dumps({"update": 1, "units": [[1, 0, "text", "look"]]}).encode()),
        zlib.compress(json.dumps({"slides": []}).encode()),
    ],
)
def test_what_is_not_a_word_update_snapshot_reads_as_none(data: bytes) -> None:
    assert parse_snapshot(data) is None


def test_a_snapshot_inflating_beyond_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = snapshot_json(SNAPSHOT)
    monkeypatch.setattr(update_units, "MAX_SNAPSHOT_JSON", len(zlib.decompress(data)) - 1)
    assert parse_snapshot(data) is None
