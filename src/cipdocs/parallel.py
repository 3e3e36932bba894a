"""Run one task in a forked child process while the parent does other work.

A run writes two independent documents; on a machine with two cores the Word update can be
rendered beside the deck. Where the platform cannot fork (Windows), the task simply runs first.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from cipdocs.errors import CipdocsError

_ERROR = b"E"
_CRASH = b"C"
_RESULT = b"R"
T = TypeVar("T")


class Pending(Generic[T]):
    """A task started by `run_beside`; `wait` collects its outcome."""

    def __init__(self, result: T | None = None) -> None:
        self._result = result

    def wait(self, *, raise_error: bool = True) -> T | None:
        """Wait for the task to end and return what it returned (None after an error);
        re-raise its error unless `raise_error` is False."""
        return self._result


class _Child(Pending[T]):
    def __init__(self, pid: int, outcome_fd: int) -> None:
        super().__init__()
        self._pid = pid
        self._outcome_fd = outcome_fd

    def wait(self, *, raise_error: bool = True) -> T | None:
        with os.fdopen(self._outcome_fd, "rb") as stream:
            outcome = stream.read()
        _, status = os.waitpid(self._pid, 0)
        if outcome.startswith(_RESULT):
            result: T = pickle.loads(outcome[1:])
            return result
        if raise_error:
            _raise_outcome(outcome, os.waitstatus_to_exitcode(status))
        return None


def run_beside(task: Callable[[], T], *, in_child: bool = True) -> Pending[T]:
    """Start `task` in a forked child and return at once; run it here where forking is off.

    What the task returns (pickled, from the child) is what `wait` returns.
    """
    if not in_child or not hasattr(os, "fork"):
        return Pending(task())
    outcome_fd, report_fd = os.pipe()
    # Buffered output would otherwise be written twice, once by each process.
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(report_fd)
        return _Child(pid, outcome_fd)
    os.close(outcome_fd)
    _run_as_child(task, report_fd)
    raise AssertionError("unreachable: _run_as_child always exits")  # pragma: no cover


def _run_as_child(task: Callable[[], object], report_fd: int) -> None:
    """Run `task`, send its result or error to the parent, and exit without its clean-up."""
    status = 0
    try:
        outcome = _RESULT + pickle.dumps(task())
    except CipdocsError as error:
        status = 1
        outcome = _ERROR + pickle.dumps(error)
    except BaseException:
        status = 1
        outcome = _CRASH + traceback.format_exc().encode()
    try:
        with os.fdopen(report_fd, "wb") as stream:
            stream.write(outcome)
    finally:
        # os._exit: the child must not run the parent's atexit handlers or flush its buffers.
        os._exit(status)


def _raise_outcome(outcome: bytes, exit_code: int) -> None:
    if outcome.startswith(_ERROR):
        error = pickle.loads(outcome[1:])
        if isinstance(error, CipdocsError):
            raise error
    if outcome.startswith(_CRASH):
        raise RuntimeError(f"the task in the child process failed:\n{outcome[1:].decode()}")
    if exit_code != 0:
        raise RuntimeError(f"the child process ended with exit code {exit_code}")
