"""process.py: what stop signals and broken streams become."""

from __future__ import annotations

import os
import signal

import pytest

from cipdocs import process


@pytest.mark.parametrize(
    ("interrupt", "line", "code"),
    [
        (KeyboardInterrupt(), "interrupted", 130),
        (process.Interrupted(signal.SIGTERM), "interrupted (SIGTERM)", 143),
        (process.Interrupted(signal.SIGHUP), "interrupted (SIGHUP)", 129),
    ],
)
def test_each_stop_signal_has_its_line_and_exit_code(
    interrupt: KeyboardInterrupt, line: str, code: int
) -> None:
    assert process.describe_interrupt(interrupt) == (line, code)


def test_a_pipe_whose_reader_went_away_is_broken() -> None:
    reader, writer = os.pipe()
    try:
        assert not process._is_broken(writer)
        os.close(reader)
        assert process._is_broken(writer)
    finally:
        os.close(writer)


@pytest.mark.parametrize("errno_name", ["EPIPE", "EIO"])
def test_printing_to_a_gone_reader_or_terminal_is_dropped(errno_name: str) -> None:
    import errno

    with process.broken_streams_ignored():
        raise OSError(getattr(errno, errno_name), "gone")


def test_other_errors_while_printing_are_not_dropped() -> None:
    with pytest.raises(OSError, match="disk"), process.broken_streams_ignored():
        raise OSError(28, "disk full")
