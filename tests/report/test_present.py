"""Present: dates, joined lists, sentences' pieces and the values templates see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cipdocs.loading import load_report
from cipdocs.report.changes import NO_CHANGES, Changes, Move, compute_changes
from cipdocs.report.model import Report
from cipdocs.report.present import (
    DEFAULT_BAND_COLOURS,
    PresentedReport,
    and_list,
    join_names,
    long_date,
    month_year,
    percent,
    plural,
    present_changes,
    present_report,
    report_as_json,
    short_date,
)
from tests.conftest import ROOT, contract_sheets, write_sheets


@pytest.mark.parametrize(
    ("date", "short", "long"),
    [
        (dt.date(2024, 8, 30), "30 Aug 2024", "30 August 2024"),
        (dt.date(2024, 1, 8), "8 Jan 2024", "8 January 2024"),
        (dt.date(2025, 12, 1), "1 Dec 2025", "1 December 2025"),
    ],
)
def test_dates_are_day_first_without_leading_zero(date: dt.date, short: str, long: str) -> None:
    assert short_date(date) == short
    assert long_date(date) == long


def test_month_year_and_percent() -> None:
    assert month_year(dt.date(2025, 6, 30)) == "Jun 2025"
    assert percent(92) == "92%"


@pytest.mark.parametrize(
    ("names", "article", "text"),
    [
        ([], "the", ""),
        (["ASO"], "the", "the ASO"),
        (["ASO", "GAC"], "the", "the ASO and the GAC"),
        (["A", "B", "C"], "", "A, B and C"),
    ],
)
def test_and_list(names: list[str], article: str, text: str) -> None:
    assert and_list(names, article) == text


def test_join_names_with_empty_text() -> None:
    assert join_names(["A", "B"]) == "A, B"
    assert join_names([], empty="N/A") == "N/A"


@pytest.mark.parametrize(("count", "word"), [(0, "groups"), (1, "group"), (2, "groups")])
def test_plural(count: int, word: str) -> None:
    assert plural(count, "group") == word


def test_plural_irregular() -> None:
    assert plural(2, "body", "bodies") == "bodies"


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


SEED_STATUSES = [
    (
        "Completed Framework (with Consensus Call or appropriate process)",
        ["ALAC", "AFRALO", "APRALO", "GNSO IPC", "GNSO ISPCP", "NomCom", "RSSAC", "SSAC"],
        8,
    ),
    (
        "In Progress (Awaiting Consensus Call)",
        ["EURALO", "NARALO", "GNSO NCUC", "GNSO RrSG", "GAC"],
        5,
    ),
    (
        "Under discussion",
        ["LACRALO", "ccNSO", "GNSO Council", "GNSO BC", "GNSO NPOC", "GNSO RySG"],
        6,
    ),
    ("Not started", [], 0),
]

SEED_BANDS = [
    ("100%", ["ALAC", "APRALO", "EURALO", "LACRALO", "NARALO", "RSSAC"]),
    ("80%-99%", ["AFRALO", "ccNSO", "GNSO NCUC"]),
    ("60%-79%", ["GNSO Council", "GNSO IPC", "GNSO NPOC", "GNSO RrSG", "GAC", "NomCom", "SSAC"]),
    ("40%-59%", ["GNSO BC", "GNSO ISPCP", "GNSO RySG"]),
    ("20%-39%", []),
    ("0%-10%", []),
]


def test_sample_json_reproduces_the_seed(sample_report: Report) -> None:
    figures = report_as_json(sample_report)
    assert figures["report_date"] == "2024-08-30"
    assert figures["meetings_held"] == 13
    assert (figures["groups_total"], figures["groups_represented"]) == (22, 21)
    assert figures["unrepresented"] == ["ASO"]
    statuses = figures["statuses"]
    assert isinstance(statuses, list)
    assert [(row["label"], row["groups"], row["count"]) for row in statuses] == SEED_STATUSES
    bands = figures["bands"]
    assert isinstance(bands, list)
    assert [(row["band"], row["groups"]) for row in bands] == SEED_BANDS
    participation = figures["participation"]
    assert isinstance(participation, list)
    assert {
        "group": "AFRALO",
        "attended": 12,
        "held": 13,
        "rate": 92,
        "band": "80%-99%",
        "since": None,
        "not_expected": 0,
    } in participation
    assert len(participation) == 19
    milestones = figures["milestones"]
    assert isinstance(milestones, list)
    assert [row["status"] for row in milestones] == ["", "", "", "In Progress"]
    assert milestones[3]["milestone"] == (
        "Formulating a CIP Framework, to be used by each SO, AC, and NomCom"
    )


def test_workbook_resaved_by_libreoffice_calc_gives_the_same_figures(sample_report: Report) -> None:
    # tests/data holds inputs/cip-ccg.xlsx opened and saved again by LibreOffice Calc 7.4.
    resaved = load_report(ROOT / "tests" / "data" / "cip-ccg-resaved-by-libreoffice.xlsx").report
    figures, expected = report_as_json(resaved), report_as_json(sample_report)
    assert figures.pop("workbook") == "cip-ccg-resaved-by-libreoffice.xlsx"
    expected.pop("workbook")
    assert figures == expected


def test_changes_in_words() -> None:
    changes = Changes(
        since=dt.date(2024, 8, 2),
        meetings_held_since=2,
        status_changes=(Move("GNSO RrSG", "In progress", "Completed"), Move("X", None, "Open")),
        groups_added=("TLG",),
        groups_removed=("Old", "Older"),
        represented_gained=("ASO",),
        represented_lost=("GAC",),
        band_changes=(Move("SSAC", "60%-79%", "80%-99%"), Move("TLG", None, "100%")),
        milestone_changes=(Move("Agree", "", "Done"),),
        roadmap_changes=(Move("Build", "Planned", None),),
    )
    view = present_changes(changes, "CIP-CCG Status Update 2024-08-02.pptx")
    assert view.lines == [
        "GNSO RrSG: framework status In progress → Completed",
        "X: framework status not tracked → Open",
        "New group: TLG",
        "Groups removed: Old, Older",
        "ASO appointed a representative",
        "GAC no longer has a representative",
        "Participation band, SSAC: 60%-79% → 80%-99%",
        "Participation band, TLG: not in the table → 100%",
        "Milestone “Agree”: no status → Done",
        "Roadmap phase Build: Planned → not listed",
    ]
    assert view.status_changes[1].before == "" and view.status_changes[1].after == "Open"
    assert view.previous_file == "CIP-CCG Status Update 2024-08-02.pptx"
    assert view.any


def test_no_previous_update_has_no_lines_and_nothing_moved_says_so(sample_report: Report) -> None:
    assert present_changes(NO_CHANGES).lines == []
    same = compute_changes(sample_report, sample_report)
    assert present_changes(same).lines == [
        "No framework status, representation, participation band, milestone or roadmap changes."
    ]


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
