"""Timing whole processes for the bench: commands run alternately, medians of per-round ratios,
peak memory, and the growth line. Used by bench.py (docs/performance.md)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_BIN = Path("/usr/bin/time")


class BenchError(Exception):
    """A benchmarked command failed, so its timings mean nothing."""


@dataclass(frozen=True)
class Command:
    """A command line to time, run from the repository root."""

    label: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class PairTiming:
    """Wall-clock seconds of a command and its floor, one entry per round."""

    subject: tuple[float, ...]
    floor: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """Return the median of the per-round ratios subject / floor."""
        return statistics.median(s / f for s, f in zip(self.subject, self.floor, strict=True))


@dataclass(frozen=True)
class Memory:
    """Peak resident memory of a command, in MB (10^6 bytes), and how it was measured."""

    megabytes: float
    method: str


@dataclass(frozen=True)
class Growth:
    """Median `cipdocs deck` seconds at each workbook size, with the fitted line."""

    seconds: dict[int, float]
    slides: dict[int, int]

    def line(self) -> tuple[float, float, float]:
        """Return the least-squares slope (s/group), intercept (s) and R² through all sizes."""
        xs, ys = list(self.seconds), list(self.seconds.values())
        slope, intercept = statistics.linear_regression(xs, ys)
        mean = statistics.fmean(ys)
        total = sum((y - mean) ** 2 for y in ys)
        residual = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
        return slope, intercept, 1.0 - residual / total if total else 1.0

    def predicted_largest(self) -> tuple[int, float]:
        """Return the largest size and its time predicted by the line through the two smallest."""
        (small, t_small), (middle, t_middle), *_ = sorted(self.seconds.items())
        largest = max(self.seconds)
        slope = (t_middle - t_small) / (middle - small)
        return largest, t_small + slope * (largest - small)

    def segment_slopes(self) -> list[float]:
        """Return the slope (s/group) between each pair of neighbouring sizes."""
        points = sorted(self.seconds.items())
        return [(t2 - t1) / (n2 - n1) for (n1, t1), (n2, t2) in itertools.pairwise(points)]

    def deviation(self) -> float:
        """Return how far the largest size's time is from its prediction, as a fraction."""
        largest, predicted = self.predicted_largest()
        return self.seconds[largest] / predicted - 1.0


def cipdocs_executable() -> tuple[str, ...]:
    """Return the `cipdocs` console script beside this Python, bypassing any pyenv shim."""
    beside = Path(sys.executable).parent / "cipdocs"
    if beside.exists():
        return (str(beside),)
    found = shutil.which("cipdocs")
    return (found,) if found else (sys.executable, "-m", "cipdocs")


def run_once(command: Command) -> float:
    """Run `command` once and return its wall-clock seconds; raise `BenchError` if it fails."""
    start = time.perf_counter()
    completed = subprocess.run(
        command.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace").strip().splitlines()
        raise BenchError(
            f"{command.label} exited {completed.returncode}: {' '.join(command.argv)}\n"
            + "\n".join(error[-5:])
        )
    return elapsed


def time_pair(subject: Command, floor: Command, runs: int, warmup: int) -> PairTiming:
    """Time `subject` and `floor` alternately, swapping which goes first each round."""
    for _ in range(warmup):
        run_once(subject)
        run_once(floor)
    subject_times: list[float] = []
    floor_times: list[float] = []
    for round_number in range(runs):
        if round_number % 2 == 0:
            subject_times.append(run_once(subject))
            floor_times.append(run_once(floor))
        else:
            floor_times.append(run_once(floor))
            subject_times.append(run_once(subject))
    return PairTiming(tuple(subject_times), tuple(floor_times))


def peak_memory(command: Command) -> Memory:
    """Return the peak resident memory of one run of `command`."""
    if TIME_BIN.exists():
        completed = subprocess.run(
            [str(TIME_BIN), "-v", *command.argv],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)
        if completed.returncode == 0 and found:
            return Memory(int(found.group(1)) * 1024 / 1e6, "/usr/bin/time -v")
    # Without GNU time, wait4() gives this one child's peak (RUSAGE_CHILDREN would give the
    # largest of every child so far).
    process = subprocess.Popen(
        command.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchError(f"{command.label} exited {process.returncode}: {' '.join(command.argv)}")
    return Memory(usage.ru_maxrss * 1024 / 1e6, "os.wait4 ru_maxrss")


def peak_run_memory(command: Command, interval: float = 0.003) -> Memory | None:
    """Return the peak of the memory one run of `command` uses in all its processes together,
    or None where /proc cannot tell (not Linux).

    cipdocs renders in child processes beside the run (src/cipdocs/parallel.py), and the peak
    resident set of the largest process alone would leave theirs out. The run's processes are
    found in /proc every `interval` seconds and their proportional set sizes (PSS: a page the
    processes share counts once, split between them) summed.
    """
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    process = subprocess.Popen(
        command.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(map(_pss_kilobytes, _process_tree(process.pid))))
        time.sleep(interval)
    if process.returncode != 0:
        raise BenchError(f"{command.label} exited {process.returncode}: {' '.join(command.argv)}")
    return Memory(peak * 1024 / 1e6, "PSS of all its processes, sampled")


def _process_tree(root: int) -> list[int]:
    """Return `root` and every process descended from it, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone since the listing
            children.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting += children.get(pid, [])
    return found


def _pss_kilobytes(pid: int) -> int:
    """Return the proportional set size of process `pid` in kB (0 when it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(found.group(1)) if found else 0


def time_growth(commands: dict[int, Command], runs: int, warmup: int) -> dict[int, float]:
    """Return the median seconds of each size's command, rotating their order every round."""
    sizes = list(commands)
    for size in sizes * warmup:
        run_once(commands[size])
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for round_number in range(runs):
        shift = round_number % len(sizes)
        for size in sizes[shift:] + sizes[:shift]:
            times[size].append(run_once(commands[size]))
    return {size: statistics.median(values) for size, values in times.items()}
