"""Run one task in a forked child process while the parent does other work.

A run writes two independent documents; on a machine with two cores the Word update can be
rendered beside the deck. Where the platform cannot fork (Windows), the task simply runs first.

The child never writes a file: it hands its result (the finished document's bytes) back over a
pipe, and the parent stages it with the run's other files (render/staging.py). So a child that
outlives its parent can replace nothing. On Linux it does not outlive it anyway: it asks the
kernel to kill it when the parent dies (PR_SET_PDEATHSIG), which also covers a parent killed
with SIGKILL, where no clean-up code of the parent runs. Elsewhere (macOS, BSD) it ends when its
task does: writing its result to a pipe nobody reads fails, and it exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar, cast

from cipdocs.errors import CipdocsError

T = TypeVar("T")

_RESULT = b"R"
_ERROR = b"E"
_CRASH = b"C"
PR_SET_PDEATHSIG = 1
"""prctl option (linux/prctl.h): the signal the kernel sends this process when its parent dies."""


class Pending(Generic[T]):
    """A task started by `run_beside`; `wait` collects its outcome."""

    def __init__(self, result: T | None = None) -> None:
        self._result = result

    def wait(self, *, raise_error: bool = True) -> T | None:
        """Wait for the task to end and return its result; re-raise its error unless
        `raise_error` is False (then return None)."""
        return self._result


class _Child(Pending[T]):
    def __init__(self, pid: int, outcome_fd: int) -> None:
        super().__init__()
        self._pid = pid
        self._outcome_fd = outcome_fd

    def wait(self, *, raise_error: bool = True) -> T | None:
        if not raise_error:
            # Leaving early (a failure or Ctrl-C in the parent): the child's work is moot.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        try:
            with os.fdopen(self._outcome_fd, "rb") as stream:
                outcome = stream.read()
        finally:
            _, status = os.waitpid(self._pid, 0)
        if not raise_error:
            return None
        return cast(T, _outcome_result(outcome, os.waitstatus_to_exitcode(status)))


def run_beside(task: Callable[[], T], *, in_child: bool = True) -> Pending[T]:
    """Start `task` in a forked child and return at once; run it here where forking is off.

    The task's result must pickle; it comes back from `Pending.wait`.
    """
    if not in_child or not hasattr(os, "fork"):
        return Pending(task())
    outcome_fd, report_fd = os.pipe()
    # Buffered output would otherwise be written twice, once by each process. A closed
    # stream (`cipdocs deck >&-`) is None here.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(report_fd)
        return _Child(pid, outcome_fd)
    os.close(outcome_fd)
    _die_with_parent(parent)
    _run_as_child(task, report_fd)
    raise AssertionError("unreachable: _run_as_child always exits")  # pragma: no cover


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this child when its parent dies (Linux); exit if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died between the fork and the prctl: then nobody waits for us.
    if os.getppid() != parent:
        os._exit(1)


def _run_as_child(task: Callable[[], object], report_fd: int) -> None:
    """Run `task`, send its result or error to the parent, and exit without the parent's
    clean-up."""
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
    except OSError:
        status = 1  # the parent is gone or stopped listening
    finally:
        # os._exit: the child must not run the parent's atexit handlers or flush its buffers.
        os._exit(status)


def _outcome_result(outcome: bytes, exit_code: int) -> object:
    if outcome.startswith(_RESULT) and exit_code == 0:
        return pickle.loads(outcome[1:])
    if outcome.startswith(_ERROR):
        error = pickle.loads(outcome[1:])
        if isinstance(error, CipdocsError):
            raise error
    if outcome.startswith(_CRASH):
        raise RuntimeError(f"the task in the child process failed:\n{outcome[1:].decode()}")
    raise RuntimeError(f"the child process ended with exit code {exit_code}")
