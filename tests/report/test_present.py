"""Present: the values templates see (tests/report/test_formats.py and test_present_changes.py
test the words they are made of)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cipdocs.loading import load_report
from cipdocs.report.changes import Changes, Move
from cipdocs.report.model import Report
from cipdocs.report.present import DEFAULT_BAND_COLOURS, PresentedReport, present_report
from tests.conftest import contract_sheets, write_sheets


def test_presented_sample_matches_seed(sample_presented: PresentedReport) -> None:
    assert sample_presented.report_year == 2024
    assert [(row.label, row.groups_text, row.count) for row in sample_presented.statuses][3] == (
        "Not started",
        "",
        0,
    )
    assert [(row.band, row.groups_text) for row in sample_presented.bands][-2:] == [
        ("20%-39%", "N/A"),
        ("0%-10%", "N/A"),
    ]
    assert sample_presented.bands[0].colour == DEFAULT_BAND_COLOURS[0]
    chart_order = [row.group for row in sample_presented.participation_by_band]
    assert chart_order[:7] == ["ALAC", "APRALO", "EURALO", "LACRALO", "NARALO", "RSSAC", "AFRALO"]
    assert sample_presented.milestones[3].number == 4
    assert sample_presented.milestones[3].status == "In Progress"
    assert sample_presented.milestones[0].status == ""
    assert sample_presented.source.workbook == "cip-ccg.xlsx"
    context = sample_presented.as_template_context()
    assert context["groups_represented"] == 21
    assert context["unrepresented"] == ["ASO"]


def test_status_rows_mark_groups_that_moved_in_or_are_new(sample_report: Report) -> None:
    changes = Changes(
        dt.date(2024, 8, 2),
        0,
        (Move("ALAC", "In progress", "Completed"),),
        ("SSAC",),
        (),
        (),
        (),
        (),
        (),
        (),
    )
    completed = present_report(sample_report, changes).statuses[0]
    assert completed.moved_in == ["ALAC", "SSAC"]
    assert completed.groups_marked_text.startswith("ALAC (moved in), AFRALO, ")
    assert completed.groups_marked_text.endswith("SSAC (new)")
    unmarked = present_report(sample_report).statuses[0]
    assert unmarked.groups_marked_text == unmarked.groups_text


def test_participation_notes_name_each_group_with_its_numbers(tmp_path: Path) -> None:
    sheets = contract_sheets()
    sheets["Groups"].append(["Epsilon", "Yes", "Open", dt.date(2024, 3, 15)])
    sheets["Attendance"].append(["Epsilon"])
    presented = present_report(load_report(write_sheets(sheets, tmp_path / "b.xlsx")).report)
    assert presented.participation_notes == [
        "Beta: 1 of 2 meetings since 1 Feb 2024",
        "Delta: 2 of 2 meetings (1 not expected)",
        "Epsilon: no meetings held since 15 Mar 2024 yet, so no rate",
    ]
    assert [(row.group, row.out_of_text) for row in presented.participation] == [
        ("Alpha", ""),
        ("Beta", "1 of 2 meetings since 1 Feb 2024"),
        ("Delta", "2 of 2 meetings (1 not expected)"),
    ]
    assert [band.groups_marked_text for band in presented.bands] == [
        "Alpha, Delta*",
        "Beta*",
        "N/A",
    ]


def test_the_sample_has_no_participation_notes(sample_presented: PresentedReport) -> None:
    assert sample_presented.participation_notes == []
    assert [band.groups_marked_text for band in sample_presented.bands] == [
        band.groups_text for band in sample_presented.bands
    ]
