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

from cipdocs.errors import CipdocsError

_ERROR = b"E"
_CRASH = b"C"


class Pending:
    """A task started by `run_beside`; `wait` collects its outcome."""

    def wait(self, *, raise_error: bool = True) -> None:
        """Wait for the task to end; re-raise its error unless `raise_error` is False."""


class _Child(Pending):
    def __init__(self, pid: int, outcome_fd: int) -> None:
        self._pid = pid
        self._outcome_fd = outcome_fd

    def wait(self, *, raise_error: bool = True) -> None:
        with os.fdopen(self._outcome_fd, "rb") as stream:
            outcome = stream.read()
        _, status = os.waitpid(self._pid, 0)
        if raise_error:
            _raise_outcome(outcome, os.waitstatus_to_exitcode(status))


def run_beside(task: Callable[[], None], *, in_child: bool = True) -> Pending:
    """Start `task` in a forked child and return at once; run it here where forking is off."""
    if not in_child or not hasattr(os, "fork"):
        task()
        return Pending()
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


def _run_as_child(task: Callable[[], None], report_fd: int) -> None:
    """Run `task`, send its error (if any) to the parent, and exit without the parent's clean-up."""
    status = 0
    try:
        task()
        outcome = b""
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
