"""The report as `cipdocs summary --json` figures."""

from __future__ import annotations

from cipdocs.loading import load_report
from cipdocs.report.as_json import report_as_json
from cipdocs.report.model import Report
from tests.conftest import ROOT

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
