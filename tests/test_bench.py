"""Bench: the generated workbook is valid, the floor runs, the bench script starts. No timings."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bench.make_workbook import workbook_sheets, write_formatted_workbook, write_workbook
from bench.timing import Command, peak_memory, peak_run_memory

from cipdocs.loading import load_report
from tests.conftest import ROOT, SAMPLE_WORKBOOK

BENCH = ROOT / "bench"


def test_generated_workbook_of_30_groups_loads(tmp_path):
    loaded = load_report(write_workbook(tmp_path / "groups-30.xlsx", groups=30, meetings=20))

    report = loaded.report
    assert report.representation.total == 30
    assert report.representation.represented == 29
    assert report.meetings_held == 20
    assert len(report.participation) == 29
    assert loaded.warnings == ()


def test_generated_attendance_spreads_over_every_band():
    sheets = workbook_sheets(groups=42, meetings=20)

    attended = {row[1:].count("Y") for row in sheets["Attendance"][1:]}
    assert attended == set(range(21))


def test_floor_runs_on_the_sample(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), str(SAMPLE_WORKBOOK), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["floor.docx", "floor.pptx"]


def test_bench_help():
    result = subprocess.run(
        [sys.executable, str(BENCH / "bench.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "--no-fail" in result.stdout
    assert "--quick" in result.stdout


def test_formatted_workbook_reads_as_the_plain_one(tmp_path):
    plain = write_workbook(tmp_path / "plain.xlsx", groups=30, meetings=20)
    formatted = write_formatted_workbook(tmp_path / "plain-formatted.xlsx", plain, cells=60_000)

    expected = dataclasses.replace(load_report(plain).report, source_name=formatted.name)
    assert load_report(formatted).report == expected
    with zipfile.ZipFile(formatted) as archive:
        assert archive.getinfo("xl/worksheets/sheet5.xml").file_size > 1024 * 1024  # trimmed


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux's /proc")
def test_whole_run_memory_counts_every_process_of_the_run():
    # Parent and child each fill 40 MB of their own: the whole run holds over 80 MB at once,
    # which the largest process alone does not show.
    script = (
        "import os, time\n"
        "child = os.fork()\n"
        "mine = (b'y' if child == 0 else b'x') * 40_000_000\n"
        "time.sleep(0.5)\n"
        "os._exit(0) if child == 0 else os.waitpid(child, 0)\n"
    )
    command = Command("two processes", (sys.executable, "-c", script))

    whole = peak_run_memory(command)
    largest = peak_memory(command)

    assert whole is not None
    assert whole.megabytes > 80
    assert largest.megabytes < 60
