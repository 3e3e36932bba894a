"""Cycle: three workbooks rendered in turn into one folder, read back and compared."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from cipdocs import cycle, loading, options
from cipdocs.errors import Issue, NewerUpdateError, PreviousUpdateError
from cipdocs.report.changes import changes_as_json
from cipdocs.report.present import present_report
from tests.conftest import SAMPLE_WORKBOOK
from tests.series import EXPECTED_SECOND, EXPECTED_THIRD
from tests.test_app import build, digest


def series_file(output: Path, date: str, suffix: str) -> Path:
    return output / f"CIP-CCG Status Update {date}{suffix}"


@pytest.mark.parametrize("suffix", [".pptx", ".docx"])
@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [("2024-08-21", 1, EXPECTED_SECOND), ("2024-08-30", 2, EXPECTED_THIRD)],
)
def test_changes_read_back_from_either_file_are_the_planted_moves(
    update_series: tuple[list[Path], Path],
    suffix: str,
    earlier: str,
    later: int,
    expected: dict[str, object],
) -> None:
    workbooks, output = update_series
    current = loading.load_report(workbooks[later]).report
    comparison = cycle.compare_with_previous(current, series_file(output, earlier, suffix), output)
    assert changes_as_json(comparison.changes) == expected


def test_the_previous_update_is_found_in_the_output_folder(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    current = loading.load_report(workbooks[2]).report
    comparison = cycle.compare_with_previous(current, None, output)
    assert comparison.previous is not None
    assert comparison.previous.path.name.startswith("CIP-CCG Status Update 2024-08-30")
    assert changes_as_json(comparison.changes) == EXPECTED_THIRD
    # The oldest workbook has nothing earlier in the folder: no comparison, not an error.
    first = loading.load_report(workbooks[0]).report
    assert cycle.compare_with_previous(first, None, output).previous is None


def test_an_earlier_workbook_compares_like_its_documents(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    current = loading.load_report(workbooks[2]).report
    comparison = cycle.compare_with_previous(current, workbooks[1], output)
    assert changes_as_json(comparison.changes) == EXPECTED_THIRD


def test_since_none_compares_with_nothing(update_series: tuple[list[Path], Path]) -> None:
    workbooks, output = update_series
    current = loading.load_report(workbooks[2]).report
    comparison = cycle.compare_with_previous(current, options.NO_PREVIOUS, output)
    assert comparison.previous is None
    assert changes_as_json(comparison.changes)["since"] is None


def test_word_update_names_the_planted_moves(update_series: tuple[list[Path], Path]) -> None:
    _, output = update_series
    paragraphs = [
        paragraph.text
        for paragraph in Document(str(series_file(output, "2024-09-20", ".docx"))).paragraphs
    ]
    start = paragraphs.index("Since the last update (30 Aug 2024)")
    assert paragraphs[start + 1] == (
        "Compared with the update of 30 August 2024 (CIP-CCG Status Update 2024-08-30.pptx), "
        "with 1 meeting held since:"
    )
    assert paragraphs[start + 2 : start + 7] == [
        "GNSO RrSG: framework status In progress → Completed",
        "New group: TLG",
        "ASO appointed a representative",
        "Participation band, SSAC: 60%-79% → 80%-99%",
        "Roadmap phase Public comment on the CIP Framework: Planned → In progress",
    ]
    assert paragraphs[start + 7].startswith("CIP-CCG Framework: Status Update")
    assert not any("{%" in text or "{{" in text for text in paragraphs)


def test_status_table_marks_the_groups_that_moved_in_with_words(
    update_series: tuple[list[Path], Path],
) -> None:
    _, output = update_series
    table = Document(str(series_file(output, "2024-09-20", ".docx"))).tables[0]
    cells = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    completed = cells["Completed Framework (with Consensus Call or appropriate process)"]
    assert "GNSO RrSG (moved in)" in completed
    assert "SSAC (moved in)" not in completed  # moved the update before, not this time
    assert cells["Not started"] == "TLG (new)"


def test_first_update_has_no_since_section(update_series: tuple[list[Path], Path]) -> None:
    _, output = update_series
    document = Document(str(series_file(output, "2024-08-21", ".docx")))
    assert not any("Since the last update" in p.text for p in document.paragraphs)
    assert "(moved in)" not in document.tables[0].rows[1].cells[1].text


def test_history_lists_the_updates_in_order(
    update_series: tuple[list[Path], Path], tmp_path: Path
) -> None:
    _, series_output = update_series
    output = Path(shutil.copytree(series_output, tmp_path / "output"))
    (output / "notes.docx").write_bytes(b"not a Word file")  # not an update: skipped
    entries = cycle.read_history(output)
    assert [entry.report_date.isoformat() for entry in entries] == [
        "2024-08-21",
        "2024-08-30",
        "2024-09-20",
    ]
    assert entries[2].files == (
        "CIP-CCG Status Update 2024-09-20.docx",
        "CIP-CCG Status Update 2024-09-20.pptx",
    )
    assert [entry.report.meetings_held for entry in entries] == [13, 13, 14]


def test_documents_with_a_record_stay_byte_identical(tmp_path: Path) -> None:
    first = [digest(path) for path in build(tmp_path / "a")]
    second = [digest(path) for path in build(tmp_path / "b")]
    assert first == second


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("other.pptx", None, "holds no data cipdocs can compare with"),
        ("notes.txt", b"plain text", "not a PowerPoint or Word file"),
        ("missing.docx", b"", "the previous update does not exist"),
        (".", b"", "the previous update is a folder"),
    ],
)
def test_since_a_file_cipdocs_did_not_write_names_it(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    since = tmp_path / name
    if content is None:
        Presentation().save(str(since))
    elif content:
        since.write_bytes(content)
    report = loading.load_report(SAMPLE_WORKBOOK).report
    with pytest.raises(PreviousUpdateError) as raised:
        cycle.compare_with_previous(report, since, tmp_path)
    assert raised.value.message.startswith(f"{since}: ")
    assert message in raised.value.message
    assert raised.value.exit_code == 3


def test_since_an_update_not_earlier_names_both_dates(tmp_path: Path) -> None:
    deck, _ = build(tmp_path)
    report = loading.load_report(SAMPLE_WORKBOOK).report
    with pytest.raises(PreviousUpdateError) as raised:
        cycle.compare_with_previous(report, deck, tmp_path)
    assert raised.value.message == (
        f"{deck}: the previous update is dated 30 Aug 2024, not before this update "
        "(30 Aug 2024); name an earlier update with --since, or use --since none"
    )


def test_files_without_data_in_the_output_folder_are_skipped(tmp_path: Path) -> None:
    Presentation().save(str(tmp_path / "someone else's.pptx"))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "~$CIP-CCG Status Update 2024-08-30.pptx").write_bytes(b"lock")
    report = loading.load_report(SAMPLE_WORKBOOK).report
    comparison = cycle.compare_with_previous(report, None, tmp_path)
    assert comparison.previous is None
    assert cycle.read_history(tmp_path) == ()
    # Someone else's deck is no update and says nothing; a damaged file gets one warning line.
    assert [str(warning) for warning in comparison.warnings] == [
        f"{tmp_path / 'broken.docx'}: not a PowerPoint or Word file; it is skipped (delete it, "
        "or replace it with a sound copy)"
    ]
    skipped: list[Issue] = []
    assert cycle.read_history(tmp_path, skipped) == ()
    assert skipped == list(comparison.warnings)


def test_the_history_the_templates_see_ends_with_this_update(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    current = loading.load_report(workbooks[2]).report
    comparison = cycle.compare_with_previous(current, options.NO_PREVIOUS, output)
    assert [entry.report_date.isoformat() for entry in comparison.earlier] == [
        "2024-08-21",
        "2024-08-30",
    ]
    history = present_report(current, earlier=comparison.earlier).history
    assert [point.label for point in history] == ["21 Aug 2024", "30 Aug 2024", "20 Sep 2024"]
    assert [point.counts["Completed"] for point in history] == [7, 8, 9]
    assert [point.count("Not started") for point in history] == [0, 0, 1]
    assert history[0].count("No such status") == 0
    assert [point.groups_represented for point in history] == [20, 21, 23]


def test_an_update_from_a_newer_cipdocs_in_the_folder_says_to_upgrade(tmp_path: Path) -> None:
    deck, _ = build(tmp_path)
    with zipfile.ZipFile(deck) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    # The report's item (beside the snapshot's, edits/snapshot.py) written by a newer cipdocs.
    record = next(
        name
        for name, data in parts.items()
        if "itemProps" not in name and b'xmlns="urn:cipdocs:report"' in data
    )
    parts[record] = parts[record].replace(b'{"format":1,', b'{"format":2,')
    newer = tmp_path / "newer" / "CIP-CCG Status Update 2024-08-01.pptx"
    newer.parent.mkdir()
    with zipfile.ZipFile(newer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    report = loading.load_report(SAMPLE_WORKBOOK).report
    with pytest.raises(NewerUpdateError, match="upgrade cipdocs"):
        cycle.compare_with_previous(report, None, newer.parent)


def deck_texts(slide: object) -> list[str]:
    """Return every paragraph of the slide's text boxes, tables and notes, in order."""
    texts: list[str] = []
    for shape in slide.shapes:  # type: ignore[attr-defined]
        if shape.has_text_frame:
            texts += [paragraph.text for paragraph in shape.text_frame.paragraphs]
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    notes = slide.notes_slide.notes_text_frame  # type: ignore[attr-defined]
    return texts + [paragraph.text for paragraph in notes.paragraphs]


def series_deck(output: Path, date: str) -> list[object]:
    return list(Presentation(str(series_file(output, date, ".pptx"))).slides)


def test_deck_since_slide_names_the_planted_moves(update_series: tuple[list[Path], Path]) -> None:
    _, output = update_series
    slide = series_deck(output, "2024-09-20")[1]
    assert slide.shapes.title.text == "Since the last update (30 Aug 2024)"  # type: ignore[attr-defined]
    changes = next(shape for shape in slide.shapes if shape.name == "Changes")  # type: ignore[attr-defined]
    assert [paragraph.text for paragraph in changes.text_frame.paragraphs] == [
        "1 meeting held since 30 August 2024.",
        "GNSO RrSG: framework status In progress → Completed",
        "New group: TLG",
        "ASO appointed a representative",
        "Participation band, SSAC: 60%-79% → 80%-99%",
        "Roadmap phase Public comment on the CIP Framework: Planned → In progress",
    ]
    notes = slide.notes_slide.notes_text_frame.text  # type: ignore[attr-defined]
    assert "the previous update, CIP-CCG Status Update 2024-08-30.pptx (30 Aug 2024)" in notes


def test_deck_status_table_marks_moves_and_its_notes_name_the_previous_file(
    update_series: tuple[list[Path], Path],
) -> None:
    _, output = update_series
    slide = series_deck(output, "2024-09-20")[2]
    texts = deck_texts(slide)
    assert any("GNSO RrSG (moved in)" in text for text in texts)
    assert "TLG (new)" in texts
    assert (
        "(moved in) marks a group that moved into its row since the previous update, "
        "CIP-CCG Status Update 2024-08-30.pptx; (new) a group new since then."
    ) in texts


def test_history_chart_appears_with_two_earlier_updates(
    update_series: tuple[list[Path], Path],
) -> None:
    _, output = update_series
    slide = series_deck(output, "2024-09-20")[3]
    assert slide.shapes.title.text == "CIP-CCG Framework: Status over Time"  # type: ignore[attr-defined]
    chart = next(shape for shape in slide.shapes if shape.has_chart).chart  # type: ignore[attr-defined]
    assert list(chart.plots[0].categories) == ["21 Aug 2024", "30 Aug 2024", "20 Sep 2024"]
    assert {series.name: list(series.values) for series in chart.plots[0].series} == {
        "Completed": [7, 8, 9],
        "In progress": [6, 5, 4],
        "Under discussion": [6, 6, 6],
        "Not started": [0, 0, 1],
    }


@pytest.mark.parametrize(
    ("date", "titles"),
    [
        (
            "2024-08-21",
            ["CIP-CCG Roadmap (2024)", "CIP-CCG Framework: Status Update (21 Aug 2024)"],
        ),
        (
            "2024-08-30",
            [
                "CIP-CCG Roadmap (2024)",
                "Since the last update (21 Aug 2024)",
                "CIP-CCG Framework: Status Update (30 Aug 2024)",
                "CIP-CCG Representatives: Participation & Engagement",
            ],
        ),
    ],
)
def test_the_cycle_slides_are_kept_only_when_they_have_something_to_show(
    update_series: tuple[list[Path], Path], date: str, titles: list[str]
) -> None:
    _, output = update_series
    slides = series_deck(output, date)
    shown = [slide.shapes.title.text for slide in slides]  # type: ignore[attr-defined]
    assert shown[: len(titles)] == titles
    assert "CIP-CCG Framework: Status over Time" not in shown
    assert not any("{%" in text or "{{" in text for slide in slides for text in deck_texts(slide))
