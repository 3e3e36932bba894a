"""CLI: options, output streams and one exit code per kind of error."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import docx
from click.testing import CliRunner
from pptx import Presentation

from cipdocs import __version__
from cipdocs.cli import cli
from tests.conftest import (
    DECK_TEMPLATE,
    ROOT,
    SAMPLE_WORKBOOK,
    UPDATE_TEMPLATE,
    WorkbookFactory,
    contract_sheets,
    write_sheets,
)
from tests.series import EXPECTED_THIRD


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_help_short_and_long() -> None:
    for flag in ("-h", "--help"):
        result = invoke(flag)
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        for command in ("check", "summary", "deck", "templates"):
            assert command in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_check_ok_on_the_sample_prints_only_the_ok_line() -> None:
    result = invoke("check", str(SAMPLE_WORKBOOK))
    assert result.exit_code == 0
    assert result.stdout == ""
    # A quiet run is a good run: the sample marks the groups it does not track (issue 10).
    assert result.stderr == (
        f"ok: {SAMPLE_WORKBOOK} is usable (22 groups, 13 meetings held by 2024-08-30)\n"
    )


def test_summary_json_goes_to_stdout() -> None:
    result = invoke("summary", str(SAMPLE_WORKBOOK), "--json")
    assert result.exit_code == 0
    figures = json.loads(result.stdout)
    assert figures["groups_represented"] == 21
    assert figures["statuses"][0]["count"] == 8


def test_summary_text() -> None:
    result = invoke("summary", str(SAMPLE_WORKBOOK))
    assert result.exit_code == 0
    assert "Representation: 21 of 22 groups; without a representative: ASO" in result.stdout
    assert "AFRALO" in result.stdout and "12/13" in result.stdout and "92%" in result.stdout


def test_usage_error_exits_2() -> None:
    result = invoke("summary", "--nope")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_unreadable_workbook_exits_3_without_traceback(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 3
    assert result.stderr.startswith("error: ")
    assert "missing.xlsx: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_workbook_exits_4_listing_every_problem(make_workbook: WorkbookFactory) -> None:
    path = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "maybe", "?"]])
    result = invoke("check", str(path))
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Attendance!B2: 'maybe' is not an attendance mark")
    assert lines[1].startswith("Attendance!C2: '?' is not an attendance mark")
    assert lines[-1] == "error: the workbook has 2 problems"


def test_debug_shows_traceback(tmp_path: Path) -> None:
    result = invoke("--debug", "check", str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 3
    assert "Traceback" in result.stderr


def test_output_dir_that_is_a_file_exits_6(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = invoke("deck", str(SAMPLE_WORKBOOK), "-o", str(blocker))
    assert result.exit_code == 6
    assert "the output folder is a file" in result.stderr


def test_missing_template_exits_5(tmp_path: Path) -> None:
    result = invoke(
        "deck",
        str(SAMPLE_WORKBOOK),
        "-o",
        str(tmp_path),
        "--template",
        str(tmp_path / "nope.pptx"),
        "--format",
        "pptx",
    )
    assert result.exit_code == 5
    assert "nope.pptx" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_broken_workbook_is_reported_before_a_broken_template(
    make_workbook: WorkbookFactory, tmp_path: Path
) -> None:
    # The deck's worker opens the template while the workbook is read; its error waits.
    broken = tmp_path / "broken.pptx"
    broken.write_text("not a presentation")
    path = make_workbook(Attendance=[["Group", "M1", "M2"], ["Alpha", "maybe", "Y"]])
    out = tmp_path / "out"
    result = invoke("deck", str(path), "-o", str(out), "--template", str(broken))
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0].startswith("Attendance!B2: 'maybe'")
    assert "broken.pptx" not in result.stderr
    assert not out.exists()

    result = invoke("deck", str(SAMPLE_WORKBOOK), "-o", str(out), "--template", str(broken))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        f"error: {broken}: not a PowerPoint .pptx file; save it from PowerPoint as "
        "'PowerPoint Presentation (.pptx)'"
    ]
    assert list(out.iterdir()) == []


def test_templates_rejects_other_file_types(tmp_path: Path) -> None:
    other = tmp_path / "deck.key"
    other.write_text("x")
    result = invoke("templates", str(other))
    assert result.exit_code == 5
    assert "not a .pptx or .docx template" in result.stderr


def test_templates_lists_placeholders_of_both_templates() -> None:
    result = invoke("templates", str(DECK_TEMPLATE), str(UPDATE_TEMPLATE))
    assert result.exit_code == 0, result.stderr
    assert f"{DECK_TEMPLATE}:" in result.stdout
    assert "  slide 3, shape 'Title 1': {{ report_date | short_date }}" in result.stdout
    assert f"{UPDATE_TEMPLATE}:" in result.stdout
    assert "{{ groups_represented }}" in result.stdout
    assert result.stdout.splitlines()[-1] == "ok: no problems"


def test_templates_flags_unknown_names_with_their_place(tmp_path: Path) -> None:
    deck = Presentation(str(DECK_TEMPLATE))
    deck.slides[0].shapes.title.text_frame.text = "CIP-CCG Roadmap ({{ report_yaer }})"
    broken = tmp_path / "broken.pptx"
    deck.save(str(broken))
    result = invoke("templates", str(broken))
    assert result.exit_code == 5
    assert (
        f"{broken}: slide 1, shape 'Title 1': unknown name 'report_yaer' in "
        "'CIP-CCG Roadmap ({{ report_yaer }})'; did you mean 'report_year'?"
    ) in result.stderr
    assert result.stderr.splitlines()[-1] == "error: 1 template problem"


def test_deck_writes_both_documents_and_prints_their_paths(tmp_path: Path) -> None:
    result = invoke(
        "deck",
        str(SAMPLE_WORKBOOK),
        "-o",
        str(tmp_path / "out"),
        "--template",
        str(DECK_TEMPLATE),
        "--docx-template",
        str(UPDATE_TEMPLATE),
    )
    assert result.exit_code == 0, result.stderr
    stem = "CIP-CCG Status Update 2024-08-30"
    assert result.stdout.splitlines() == [
        str(tmp_path / "out" / f"{stem}.pptx"),
        str(tmp_path / "out" / f"{stem}.docx"),
    ]
    assert result.stderr == ""


def test_preview_without_slides_is_a_usage_error() -> None:
    result = invoke("deck", "--format", "docx", "--preview")
    assert result.exit_code == 2
    assert "--preview shows slides" in result.stderr


def test_folder_as_workbook_is_cipdocs_own_error_exit_3(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 3
    assert result.stderr == f"error: {tmp_path}: is a folder; give the path of the .xlsx workbook\n"


def test_format_choice_is_case_insensitive(tmp_path: Path) -> None:
    result = invoke("deck", str(SAMPLE_WORKBOOK), "-o", str(tmp_path), "--format", "DOCX")
    assert result.exit_code == 0, result.stderr
    assert [Path(line).suffix for line in result.stdout.splitlines()] == [".docx"]


def test_top_level_help_shows_whole_command_descriptions() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    text = " ".join(result.stdout.split())
    assert (
        "Validate WORKBOOK (default: inputs/cip-ccg.xlsx) and list every problem at once." in text
    )
    assert "..." not in result.stdout.split("Commands:")[1]


def test_ctrl_c_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    # A stand-in LibreOffice that never finishes, so the signal lands during the conversion.
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "soffice"
    fake.write_text("#!/bin/sh\nexec sleep 60\n")
    fake.chmod(0o755)
    output = tmp_path / "out"
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-m", "cipdocs", "deck", str(SAMPLE_WORKBOOK), "-o", str(output)]
    process = subprocess.Popen(
        [*command, "--pdf"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("converting"):
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "interrupted"
    # The run is one transaction: interrupted before its commit, it put nothing in place.
    assert stdout == ""
    assert list(output.iterdir()) == []


def test_check_deck_ok_for_the_shipped_template() -> None:
    result = invoke("check-deck", str(DECK_TEMPLATE))
    assert result.exit_code == 0
    assert result.stderr == f"ok: {DECK_TEMPLATE}: no accessibility or layout findings\n"


def two_slides_titled(path: Path, first: str, second: str) -> Path:
    deck = Presentation()
    for title in (first, second):
        deck.slides.add_slide(deck.slide_layouts[5]).shapes.title.text_frame.text = title
    deck.save(str(path))
    return path


def test_check_deck_lists_findings_and_exits_8(tmp_path: Path) -> None:
    deck = two_slides_titled(tmp_path / "edited.pptx", "Status", "Status")
    result = invoke("check-deck", str(deck))
    assert result.exit_code == 8
    assert result.stderr.splitlines() == [
        f"{deck}: slide 2: the title 'Status' is also the title of slide 1; give each slide its own title",
        f"error: {deck}: 1 finding; fix them, then check again",
    ]


def test_deck_that_filling_makes_inaccessible_is_not_written_exit_8(tmp_path: Path) -> None:
    template = two_slides_titled(
        tmp_path / "t.pptx", "Update {{ report_year }}", "Update {{ report_date.year }}"
    )
    result = invoke(
        "deck",
        str(SAMPLE_WORKBOOK),
        "-o",
        str(tmp_path / "out"),
        "--template",
        str(template),
        "--format",
        "pptx",
    )
    assert result.exit_code == 8
    assert "slide 2: the title 'Update 2024' is also the title of slide 1" in result.stderr
    assert not list((tmp_path / "out").glob("*.pptx"))


# The update cycle (docs/cycle.md), over the series of tests/series.py.


def test_changes_json_since_a_deck_and_since_a_word_update(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    for suffix in (".pptx", ".docx"):
        since = output / f"CIP-CCG Status Update 2024-08-30{suffix}"
        result = invoke("changes", str(workbooks[2]), "--since", str(since), "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == EXPECTED_THIRD


def test_changes_text_finds_the_previous_update_in_the_output_folder(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    result = invoke("changes", str(workbooks[1]), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Since the last update (21 Aug 2024, {output / 'CIP-CCG Status Update 2024-08-21.pptx'}): "
        "0 meetings held",
        "- SSAC: framework status In progress → Completed",
        "- GNSO CSG appointed a representative",
        "- Participation band, GAC: 80%-99% → 60%-79%",
        "- Milestone “Formulating a CIP Framework, to be used by each SO, AC, and NomCom”: "
        "no status → In Progress",
    ]


def test_changes_without_a_previous_update(tmp_path: Path) -> None:
    result = invoke("changes", str(SAMPLE_WORKBOOK), "-o", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == f"No previous update in {tmp_path} to compare with.\n"
    result = invoke("changes", str(SAMPLE_WORKBOOK), "--since", "none", "--json")
    assert json.loads(result.stdout)["since"] is None


def test_summary_json_carries_the_changes_when_a_previous_update_is_named(
    update_series: tuple[list[Path], Path],
) -> None:
    workbooks, output = update_series
    since = str(workbooks[1])
    figures = json.loads(invoke("summary", str(workbooks[2]), "--json", "--since", since).stdout)
    assert figures["changes"] == EXPECTED_THIRD
    found = json.loads(invoke("summary", str(workbooks[2]), "--json", "-o", str(output)).stdout)
    assert found["changes"] == EXPECTED_THIRD
    alone = json.loads(invoke("summary", str(workbooks[2]), "--json", "--since", "none").stdout)
    assert "changes" not in alone


def test_since_a_file_cipdocs_did_not_write_exits_3_naming_it(tmp_path: Path) -> None:
    other = tmp_path / "other.pptx"
    Presentation().save(str(other))
    for command in ("changes", "summary", "deck"):
        result = invoke(command, str(SAMPLE_WORKBOOK), "--since", str(other), "-o", str(tmp_path))
        assert result.exit_code == 3, command
        last = result.stderr.splitlines()[-1]
        assert last.startswith(f"error: {other}: holds no data cipdocs can compare with")
        assert "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.pptx"]


def test_history_lists_the_series_oldest_first(update_series: tuple[list[Path], Path]) -> None:
    _, output = update_series
    result = invoke("history", str(output), "--json")
    assert result.exit_code == 0, result.stderr
    history = json.loads(result.stdout)
    assert [entry["report_date"] for entry in history] == ["2024-08-21", "2024-08-30", "2024-09-20"]
    assert [entry["groups_represented"] for entry in history] == [20, 21, 23]
    assert [entry["statuses"]["Completed"] for entry in history] == [7, 8, 9]
    text = invoke("history", str(output)).stdout.splitlines()
    assert [line[:10] for line in text if not line.startswith(" ")] == [
        "2024-08-21",
        "2024-08-30",
        "2024-09-20",
    ]


def test_history_of_a_folder_without_updates(tmp_path: Path) -> None:
    result = invoke("history", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == f"no updates written by cipdocs in {tmp_path}\n"
    assert invoke("history", str(tmp_path / "missing")).exit_code == 2


def test_a_cancelled_meeting_a_represented_since_and_a_moved_phase_are_told_everywhere(
    tmp_path: Path,
) -> None:
    earlier = contract_sheets()
    earlier["Settings"][1][1] = dt.date(2024, 1, 20)  # M1 held, M2 still planned
    earlier["Groups"][2][3] = None
    earlier["Meetings"][2][2] = None
    earlier["Attendance"] = [
        ["Group", "M1", "M2", "M3", "M4", "M5"],
        ["Alpha", "Y"],
        ["Beta", "Y"],
        ["Delta", "Y"],
    ]
    earlier["Roadmap"][1][1:3] = [dt.date(2024, 11, 1), dt.date(2025, 1, 31)]
    later = contract_sheets()
    later["Roadmap"][1][1:3] = [dt.date(2024, 12, 1), dt.date(2025, 2, 28)]
    output = tmp_path / "output"
    for sheets, name in ((earlier, "january.xlsx"), (later, "march.xlsx")):
        result = invoke("deck", str(write_sheets(sheets, tmp_path / name)), "-o", str(output))
        assert result.exit_code == 0, result.stderr
        assert "warning" not in result.stderr
    lines = [
        "Beta, represented since: not set → 1 Feb 2024",
        "Participation band, Beta: All → Half",  # 1 of 1 in January; 1 of 2 since 1 Feb now
        "Meeting cancelled: M2 (24 Jan 2024)",
        "Roadmap phase re-dated, Build: 1 Nov 2024 to 31 Jan 2025 → 1 Dec 2024 to 28 Feb 2025",
    ]
    deck = Presentation(str(output / "CIP-CCG Status Update 2024-03-01.pptx"))
    changes_slide = deck.slides[1]
    assert changes_slide.shapes.title.text_frame.text == "Since the last update (20 Jan 2024)"
    box = next(shape for shape in changes_slide.shapes if shape.name == "Changes")
    assert [p.text for p in box.text_frame.paragraphs] == [
        "2 meetings held since 20 January 2024.",
        *lines,
    ]
    update = docx.Document(str(output / "CIP-CCG Status Update 2024-03-01.docx"))
    texts = [paragraph.text for paragraph in update.paragraphs]
    start = texts.index(lines[0])
    assert texts[start : start + 4] == lines
    result = invoke("changes", str(tmp_path / "march.xlsx"), "-o", str(output), "--json")
    figures = json.loads(result.stdout)
    assert figures["meetings_cancelled"] == [
        {"meeting": "M2", "date": "2024-01-24", "before": "planned", "after": "cancelled"}
    ]
    assert figures["represented_since"] == [
        {"group": "Beta", "before": None, "after": "2024-02-01"}
    ]
    assert figures["roadmap_redated"] == [
        {
            "phase": "Build",
            "before": {"start": "2024-11-01", "end": "2025-01-31"},
            "after": {"start": "2024-12-01", "end": "2025-02-28"},
        }
    ]
