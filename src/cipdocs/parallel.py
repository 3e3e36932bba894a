"""Run work in forked child processes while the parent does other work.

A run writes two independent documents; on a machine with two cores the Word update can be
rendered beside the deck (`run_beside`), and the deck's worker can import its libraries and
read its template while the parent reads the workbook (`start_worker`). Where the platform
cannot fork (Windows), the work simply runs in the parent, in the same order.

The child never writes a file: it hands its result (the finished document's bytes) back over a
pipe, and the parent stages it with the run's other files (render/staging.py). So a child that
outlives its parent can replace nothing. On Linux it does not outlive it anyway: it asks the
kernel to kill it when the parent dies (PR_SET_PDEATHSIG), which also covers a parent killed
with SIGKILL, where no clean-up code of the parent runs. Elsewhere (macOS, BSD) it ends when its
task does: writing its result to a pipe nobody reads fails, and it exits.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
import struct
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar, cast

from cipdocs.errors import CipdocsError

T = TypeVar("T")
S = TypeVar("S")
I = TypeVar("I")  # noqa: E741 - the worker's input type, beside T (result) and S (state)

_RESULT = b"R"
_ERROR = b"E"
_CRASH = b"C"
_SIZE = struct.Struct("!Q")
"""The length of a worker's input, sent before it."""
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
        except BaseException:
            # Interrupted while waiting (a signal in the parent): the result is moot too.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            raise
        finally:
            _, status = os.waitpid(self._pid, 0)
        if not raise_error:
            return None
        return cast(T, _outcome_result(outcome, os.waitstatus_to_exitcode(status)))


def run_beside(task: Callable[[], T]) -> Pending[T]:
    """Start `task` in a forked child and return at once; run it here where forking is off.

    The task's result must pickle; it comes back from `Pending.wait`.
    """
    if not hasattr(os, "fork"):
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


class Worker(Generic[I, T]):
    """A task in two halves: `prepare` (no input) runs at once in a forked child, `finish`
    (the prepared state and one input) once `give` hands the input over.

    An error of `prepare` is held until the input comes, so it is raised where it would be
    without a child: a run that fails first on its workbook never shows it. `stop` ends a
    worker that will get no input (the run failed or was interrupted). With `prepare_now`
    False the child prepares only once its input comes: where there are fewer cores than busy
    processes, a worker that is not first needed stays out of the others' way.
    """

    def __init__(
        self,
        prepare: Callable[[], S],
        finish: Callable[[S, I], T],
        *,
        in_child: bool = True,
        prepare_now: bool = True,
    ) -> None:
        self._prepare: Callable[[], object] = prepare
        self._finish: Callable[[object, I], T] = cast(Callable[[object, I], T], finish)
        self._prepare_now = prepare_now
        self._child: _Child[T] | None = None
        self._input_fd = -1
        if in_child and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        input_fd, give_fd = os.pipe()
        started = run_beside(functools.partial(self._run_in_child, input_fd, give_fd))
        os.close(input_fd)  # only the child reads the input
        assert isinstance(started, _Child)
        self._child, self._input_fd = started, give_fd

    def _run_in_child(self, input_fd: int, give_fd: int) -> T:
        os.close(give_fd)  # only the parent writes it: the child sees its end when it closes
        prepared = self._try_prepare() if self._prepare_now else None
        with os.fdopen(input_fd, "rb") as stream:
            size = stream.read(_SIZE.size)
            # Read by its size, not to the end: a child forked later (the Word update's) holds
            # a copy of the pipe's other end, so the end would come only when that child ends.
            given = stream.read(_SIZE.unpack(size)[0]) if len(size) == _SIZE.size else b""
        if not given:
            os._exit(0)  # stopped: no input will come, and nobody waits for a result
        state, held = prepared or self._try_prepare()
        if held is not None:
            raise held
        return self._finish(state, cast(I, pickle.loads(given)))

    def _try_prepare(self) -> tuple[object, Exception | None]:
        """Return the prepared state, or the error preparing raised (raised once the input
        comes)."""
        try:
            state: object = self._prepare()
            held: Exception | None = None
        except Exception as error:
            state, held = None, error
        # What is here now (modules, the prepared state) lives as long as the worker: the
        # collector need not walk it again while the input is worked on (a full pass is
        # 25-35 ms of a 300-group deck).
        gc.freeze()
        return state, held

    def give(self, value: I) -> Pending[T]:
        """Hand `value` to the worker and return its pending result (run here, at once, when
        there is no child)."""
        if self._child is None:
            return Pending(self._finish(self._prepare(), value))
        child, self._child = self._child, None
        with contextlib.suppress(BrokenPipeError), os.fdopen(self._input_fd, "wb") as stream:
            data = pickle.dumps(value)
            stream.write(_SIZE.pack(len(data)) + data)
        return child

    def stop(self) -> None:
        """End the worker unused (nothing happens when it was given its input)."""
        if self._child is not None:
            child, self._child = self._child, None
            os.close(self._input_fd)
            child.wait(raise_error=False)


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
