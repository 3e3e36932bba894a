"""App: the whole run from workbook to documents, deterministic and safe on failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from cipdocs import app, options
from cipdocs.errors import InvalidWorkbookError, TemplateProblemError
from tests.conftest import DECK_TEMPLATE, SAMPLE_WORKBOOK, UPDATE_TEMPLATE, WorkbookFactory

STEM = "CIP-CCG Status Update 2024-08-30"


def build(output_dir: Path, **changes: object) -> list[Path]:
    settings: dict[str, object] = {
        "workbook": SAMPLE_WORKBOOK,
        "output_dir": output_dir,
        "deck_template": DECK_TEMPLATE,
        "update_template": UPDATE_TEMPLATE,
        **changes,
    }
    request = options.DeckRequest(**settings)  # type: ignore[arg-type]
    return app.build_documents(request, app.load_report(SAMPLE_WORKBOOK), lambda _line: None)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_deck_and_update_are_written_with_report_date_names(tmp_path: Path) -> None:
    written = build(tmp_path / "new folder")
    assert [path.name for path in written] == [f"{STEM}.pptx", f"{STEM}.docx"]
    slides = Presentation(str(written[0])).slides
    assert len(slides) == 5
    assert slides[1].shapes.title.text == "CIP-CCG Framework: Status Update (30 Aug 2024)"
    paragraphs = [paragraph.text for paragraph in Document(str(written[1])).paragraphs]
    assert any("21 out of 22 of the groups" in text for text in paragraphs)


@pytest.mark.parametrize(("choice", "suffixes"), [("pptx", [".pptx"]), ("docx", [".docx"])])
def test_format_choice(tmp_path: Path, choice: str, suffixes: list[str]) -> None:
    written = build(tmp_path, output_format=options.OutputFormat(choice))
    assert [path.suffix for path in written] == suffixes
    assert sorted(path.name for path in tmp_path.iterdir()) == [path.name for path in written]


def test_two_runs_give_byte_identical_files(tmp_path: Path) -> None:
    first = [digest(path) for path in build(tmp_path / "a")]
    second = [digest(path) for path in build(tmp_path / "b")]
    assert first == second


def test_failed_run_leaves_earlier_outputs_untouched(
    tmp_path: Path, make_workbook: WorkbookFactory
) -> None:
    output = tmp_path / "output"
    earlier = build(output)
    before = {path.name: digest(path) for path in earlier}
    broken = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "maybe", "Y"]])
    workbook_before = digest(broken)
    with pytest.raises(InvalidWorkbookError):
        app.load_report(broken)
    with pytest.raises(TemplateProblemError):
        build(output, deck_template=tmp_path / "missing.pptx")
    assert {path.name: digest(path) for path in output.iterdir()} == before
    assert digest(broken) == workbook_before


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    paths = [SAMPLE_WORKBOOK, DECK_TEMPLATE, UPDATE_TEMPLATE]
    before = [(digest(path), path.stat().st_mtime_ns) for path in paths]
    build(tmp_path)
    assert [(digest(path), path.stat().st_mtime_ns) for path in paths] == before


def test_inspect_templates_finds_placeholders_in_both() -> None:
    found = list(app.inspect_templates([DECK_TEMPLATE, UPDATE_TEMPLATE]))
    assert [report.problems for report in found] == [[], []]
    for report in found:
        sources = " ".join(placeholder.source for placeholder in report.placeholders)
        assert "report_date" in sources
        assert "groups_represented" in sources


def test_one_process_and_two_give_the_same_bytes(tmp_path: Path) -> None:
    together = [digest(path) for path in build(tmp_path / "parallel")]
    alone = [digest(path) for path in build(tmp_path / "sequential", parallel=False)]
    assert together == alone


def test_word_template_problem_in_the_child_reaches_the_caller(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblemError, match="the Word template does not exist"):
        build(tmp_path, update_template=tmp_path / "missing.docx")
