"""Parallel: a task in a forked child reports its outcome to the parent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cipdocs.errors import TemplateProblemError
from cipdocs.parallel import run_beside

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


def test_in_child_false_runs_here_and_raises_at_once() -> None:
    def fail() -> None:
        raise TemplateProblemError("now")

    with pytest.raises(TemplateProblemError, match="now"):
        run_beside(fail, in_child=False)


@needs_fork
def test_what_the_task_returns_comes_back_from_the_child() -> None:
    pending = run_beside(lambda: {"pid": os.getpid(), "lines": ("a", "b")})
    result = pending.wait()
    assert result is not None
    assert result["lines"] == ("a", "b")
    assert result["pid"] != os.getpid()


def test_what_the_task_returns_comes_back_without_a_child() -> None:
    assert run_beside(lambda: 42, in_child=False).wait() == 42
