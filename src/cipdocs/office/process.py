"""Run LibreOffice and poppler in process groups of their own, with timeouts and private folders."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cipdocs.errors import ConverterProblemError

Progress = Callable[[str], None]
TOOL_TIMEOUT = 30.0


def run_group(command: Sequence[str], timeout: float, *, what: str) -> str:
    """Run `command` in a new process group and return its output; kill the group on timeout."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        raise ConverterProblemError(f"{command[0]}: cannot start it ({error.strerror})") from None
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        # Reap the killed leader; the bound guards against a grandchild that left the group.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)
        raise ConverterProblemError(
            f"{what} took longer than {timeout:g} s and was stopped; "
            "try again, or raise the timeout for a very large file"
        ) from None
    finally:
        # soffice.bin is a grandchild; make sure nothing of this run outlives it, whatever happened.
        kill_group(process)
    return output.decode(errors="replace")


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill every process in `process`'s group (and `process` itself where groups do not exist)."""
    if sys.platform == "win32":
        if process.poll() is None:
            process.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def last_line(output: str) -> str:
    """Return the last line of tool output worth showing, skipping LibreOffice's Java noise."""
    lines = [line.strip() for line in output.splitlines()]
    useful = [line for line in lines if line and "javaldx" not in line]
    return useful[-1] if useful else ""


@contextlib.contextmanager
def private_folder(prefix: str) -> Iterator[Path]:
    """Yield a new temporary folder, removed afterwards even when the tool failed or timed out."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    except OSError as error:
        raise ConverterProblemError(
            f"cannot create a temporary folder ({error.strerror}); check TMPDIR"
        ) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
