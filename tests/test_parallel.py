"""Parallel: a task in a forked child reports its outcome to the parent."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from cipdocs.errors import DeckCheckError, InvalidWorkbookError, Issue, TemplateProblemError
from cipdocs.parallel import Worker, run_beside

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="this platform cannot fork")


@needs_fork
def test_task_runs_in_another_process(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    pending = run_beside(lambda: marker.write_text(str(os.getpid())))
    pending.wait()
    assert int(marker.read_text()) != os.getpid()


@needs_fork
def test_cipdocs_error_in_the_child_is_raised_in_the_parent() -> None:
    def fail() -> None:
        raise TemplateProblemError("update.docx: broken placeholder; fix it")

    pending = run_beside(fail)
    with pytest.raises(TemplateProblemError, match=r"update\.docx: broken placeholder; fix it"):
        pending.wait()


@needs_fork
def test_unexpected_error_in_the_child_carries_its_traceback() -> None:
    def crash() -> None:
        raise KeyError("surprise")

    pending = run_beside(crash)
    with pytest.raises(RuntimeError, match=r"(?s)failed:.*KeyError: 'surprise'"):
        pending.wait()


@needs_fork
def test_wait_without_raising_still_reaps_the_child() -> None:
    def fail() -> None:
        raise TemplateProblemError("x")

    run_beside(fail).wait(raise_error=False)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child is left to reap


def test_without_fork_the_task_runs_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork", raising=False)
    marker = tmp_path / "pid"
    run_beside(lambda: marker.write_text(str(os.getpid()))).wait()
    assert int(marker.read_text()) == os.getpid()


def test_without_a_child_a_worker_raises_at_once_when_given() -> None:
    def fail(_: None, given: str) -> None:
        raise TemplateProblemError(given)

    worker: Worker[str, None] = Worker(lambda: None, fail, in_child=False)
    with pytest.raises(TemplateProblemError, match="now"):
        worker.give("now")


@needs_fork
def test_what_the_task_returns_comes_back_from_the_child() -> None:
    pending = run_beside(lambda: {"pid": os.getpid(), "lines": ("a", "b")})
    result = pending.wait()
    assert result is not None
    assert result["lines"] == ("a", "b")
    assert result["pid"] != os.getpid()


def test_what_the_task_returns_comes_back_without_a_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(os, "fork", raising=False)
    assert run_beside(lambda: 42).wait() == 42


@needs_fork
@pytest.mark.parametrize(
    "error",
    [
        DeckCheckError(Path("deck.pptx"), ["slide 2: text runs past the slide"], "fix it"),
        InvalidWorkbookError([Issue("Groups!B4", "a status is missing")], total=3),
    ],
)
def test_errors_of_any_shape_come_back_from_the_child_whole(error: Exception) -> None:
    def fail() -> None:
        raise error

    with pytest.raises(type(error)) as raised:
        run_beside(fail).wait()
    assert raised.value.lines() == error.lines()  # type: ignore[attr-defined]
    assert raised.value.exit_code == error.exit_code  # type: ignore[attr-defined]


def prepare_in(marker: Path) -> int:
    marker.write_text(str(os.getpid()))
    return os.getpid()


@needs_fork
def test_a_worker_prepares_in_its_child_before_it_is_given_its_input(tmp_path: Path) -> None:
    marker = tmp_path / "prepared"
    worker = Worker(lambda: prepare_in(marker), lambda pid, given: (pid, given, os.getpid()))
    for _ in range(500):  # the child prepares at once, before any input is given
        if marker.exists() and marker.read_text():
            break
        time.sleep(0.01)
    assert int(marker.read_text()) != os.getpid()
    pending = worker.give({"rows": list(range(100_000))})  # larger than a pipe's buffer
    result = pending.wait()
    assert result is not None
    prepared_in, given, finished_in = result
    assert prepared_in == finished_in == int(marker.read_text())
    assert given == {"rows": list(range(100_000))}


@needs_fork
def test_a_workers_prepare_error_waits_for_its_input() -> None:
    def broken() -> None:
        raise TemplateProblemError("deck.pptx: not a PowerPoint .pptx file")

    worker: Worker[int, int] = Worker(broken, lambda _, given: given)
    pending = worker.give(1)
    with pytest.raises(TemplateProblemError, match="not a PowerPoint"):
        pending.wait()


@needs_fork
def test_a_worker_stopped_unused_is_reaped(tmp_path: Path) -> None:
    worker: Worker[int, int] = Worker(lambda: None, lambda _, given: given)
    worker.stop()
    worker.stop()  # a second stop does nothing
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child is left to reap


def test_without_a_child_a_worker_runs_both_halves_when_given(tmp_path: Path) -> None:
    calls: list[str] = []

    def prepare() -> str:
        calls.append("prepare")
        return "state"

    worker = Worker(prepare, lambda state, given: f"{state}+{given}", in_child=False)
    assert calls == []  # nothing runs before the input comes
    assert worker.give("input").wait() == "state+input"
    assert calls == ["prepare"]


class Interrupted(Exception):
    """What the test's signal handler raises, as cipdocs' handlers raise on SIGTERM."""


@needs_fork
def test_a_wait_interrupted_by_a_signal_kills_the_child_rather_than_waiting() -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        pending = run_beside(lambda: time.sleep(60))
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        started = time.monotonic()
        with pytest.raises(Interrupted):
            pending.wait()
        assert time.monotonic() - started < 30  # killed, not waited for to its end
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child is left to reap


@needs_fork
def test_a_worker_told_to_wait_prepares_only_once_given_its_input(tmp_path: Path) -> None:
    marker = tmp_path / "prepared"
    worker = Worker(lambda: prepare_in(marker), lambda pid, given: (pid, given), prepare_now=False)
    time.sleep(0.3)  # time enough for a child that prepares at once to have done so
    assert not marker.exists()

    result = worker.give("input").wait()

    assert result is not None
    assert result == (int(marker.read_text()), "input")
