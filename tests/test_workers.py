"""The documents' workers (workers.py): a real `cipdocs deck` run, its deck and Word update each
rendered in a worker process, hands back the documents and what became of their hand edits."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Cm

from cipdocs.cli import cli
from cipdocs.options import DeckRequest, OutputFormat
from cipdocs.workers import available_cores, workers_for
from tests.conftest import SAMPLE_WORKBOOK

NOTE = "Prepared for the call of 5 September."
DRAFT = "DRAFT for the call"


def deck(output: Path) -> list[str]:
    """Run `cipdocs deck` on the sample into `output` (workers forked, as a user runs it);
    return what it said on stderr."""
    result = CliRunner().invoke(cli, ["deck", str(SAMPLE_WORKBOOK), "-o", str(output)])
    assert result.exit_code == 0, result.stderr
    return result.stderr.splitlines()


def test_both_workers_carry_their_documents_hand_edits(tmp_path: Path) -> None:
    output = tmp_path / "output"
    deck(output)
    [slides] = output.glob("*.pptx")
    [update] = output.glob("*.docx")
    edited = Presentation(str(slides))
    for slide in list(edited.slides)[:2]:  # slide 1's dark ground fails the contrast check
        slide.shapes.add_textbox(Cm(24), Cm(17), Cm(5), Cm(1)).text_frame.text = DRAFT
    edited.save(str(slides))
    document = docx.Document(str(update))
    document.add_paragraph(NOTE)
    document.save(str(update))

    said = deck(output)

    assert f"carried 1 hand edit into the deck from {slides}" in said
    [left_out] = [line for line in said if line.startswith("warning: slide 1, 'TextBox")]
    assert "shape added not carried" in left_out
    assert "contrast" in left_out
    assert f"carried 1 hand edit into the Word update from {update}" in said
    carried = Presentation(str(slides))
    for number, holds_it in ((0, False), (1, True)):
        texts = [s.text_frame.text for s in carried.slides[number].shapes if s.has_text_frame]
        assert (DRAFT in texts) is holds_it
    assert NOTE in [paragraph.text for paragraph in docx.Document(str(update)).paragraphs]


def test_workers_are_made_only_for_the_documents_asked_for(tmp_path: Path) -> None:
    request = DeckRequest(
        workbook=SAMPLE_WORKBOOK, output_dir=tmp_path, output_format=OutputFormat.DOCX
    )
    with workers_for(request) as started:
        assert started.deck is None
        assert started.update is not None


def test_the_cores_this_process_may_use_are_counted() -> None:
    assert available_cores() >= 1
