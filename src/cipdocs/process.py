"""The process's surroundings: stop signals, closed or broken standard streams, a lost folder.

No click here, and nothing is printed: cli/ says what these find and exits (docs/errors.md).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""The signals that stop a run cleanly: LibreOffice stopped, temporary files removed."""
OUTPUT_PROBLEM_EXIT = 6
"""The exit code when cipdocs cannot print or has no current folder (docs/errors.md)."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that it ends as on Ctrl-C."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP stop cipdocs as Ctrl-C does (where the platform has them)."""
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def _stop(number: int, frame: object) -> None:
    # One signal is enough: later ones (a second Ctrl-C, the SIGHUP after a SIGTERM) must not
    # cut short the clean-up the first one started.
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(number)


def describe_interrupt(interrupt: KeyboardInterrupt) -> tuple[str, int]:
    """Return the line to print for `interrupt` and the exit code: 128 + the signal's number."""
    number = getattr(interrupt, "signal_number", signal.SIGINT)
    if number == signal.SIGINT:
        return "interrupted", 128 + number
    return f"interrupted ({signal.Signals(number).name})", 128 + number


@contextmanager
def broken_streams_ignored() -> Iterator[None]:
    """Drop what cannot be printed to a hung-up terminal (SIGHUP) or a pipe nobody reads."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.EPIPE, errno.EIO):
            raise


def startup_problem() -> tuple[str, int] | None:
    """Return why cipdocs cannot run here (a closed stream, no current folder) and the file
    descriptor still open to say it on (stderr, else stdout, else -1), or None.

    A closed standard stream is opened on the null device first: otherwise the next file
    cipdocs opens would get its number, and anything printed would land in a document.
    """
    closed = []
    for fd, name in ((1, "standard output"), (2, "standard error")):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(name)
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
    if closed:
        sys.stdout, sys.stderr = (
            open(1, "w", closefd=False),  # noqa: SIM115 - the process's own streams
            open(2, "w", closefd=False),  # noqa: SIM115
        )
        said_on = 2 if "standard error" not in closed else 1 if len(closed) == 1 else -1
        return (
            f"{' and '.join(closed)} {'is' if len(closed) == 1 else 'are'} closed, so cipdocs "
            "could not say what it does; "
            "run it with both open (add >/dev/null to discard the list of files)"
        ), said_on
    try:
        Path.cwd()
    except FileNotFoundError:
        return (
            "the current folder no longer exists (it was deleted or moved); "
            "cd to an existing folder and run again"
        ), 2
    return None


def closed_while_printing() -> tuple[str, int]:
    """Return the line that says which stream a reader closed while cipdocs was printing, and
    the file descriptor to say it on; the closed one is pointed at the null device, so that
    nothing more (not even the flush at exit) fails on it."""
    broken, other = (2, 1) if _is_broken(2) else (1, 2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, broken)
    os.close(devnull)
    name = "standard error" if broken == 2 else "standard output"
    return (
        f"error: {name} was closed before cipdocs finished printing (broken pipe); "
        "files it wrote are complete"
    ), other


def _is_broken(fd: int) -> bool:
    """Return True when `fd` is a pipe whose reader has gone."""
    import select

    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))
