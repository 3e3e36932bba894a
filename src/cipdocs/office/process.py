"""Run LibreOffice and poppler in process groups of their own, with timeouts and private folders,
and clean up after a run that was killed (its LibreOffice and its temporary folder)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cipdocs.errors import ConverterProblemError
from cipdocs.render.staging import temporary_folder_problem

Progress = Callable[[str], None]

WORK_PREFIX = "cipdocs-soffice-"
"""The name of each run's LibreOffice folder in the temporary folder starts with this."""
PDFTOPPM_PREFIX = "cipdocs-pdftoppm-"
"""The same for the folder pdftoppm writes previews into."""
OWNER_FILE = "owner.pid"
"""In a run's LibreOffice folder: the process id of the cipdocs run that made it."""
ABANDONED_AFTER = 24 * 3600
"""Seconds after which a LibreOffice folder without an owner file (an older cipdocs) is stale."""


def run_group(
    command: Sequence[str], timeout: float, *, what: str, env: dict[str, str] | None = None
) -> str:
    """Run `command` in a new process group and return its output; kill the group on timeout."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
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
    """Yield a new temporary folder, removed afterwards even when the tool failed or timed out.

    The folder holds `OWNER_FILE`, so that a later run can tell it was abandoned by a run
    that was killed (`remove_abandoned_offices`).
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    except OSError as error:
        raise temporary_folder_problem(error) from None
    try:
        try:
            (folder / OWNER_FILE).write_text(f"{os.getpid()}\n")
        except OSError as error:
            raise temporary_folder_problem(error, folder) from None
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned_offices() -> None:
    """Stop the LibreOffice and remove the temporary folder that a killed run left behind.

    A folder is abandoned when the run named in its owner file is gone (or, without one, when
    it is a day old); a LibreOffice still running with its profile, or with the cached profile
    that no live run holds, is stopped. Best effort: nothing here stops this run.
    """
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for prefix in (WORK_PREFIX, PDFTOPPM_PREFIX):
            for folder in base.glob(f"{prefix}*"):
                if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
                    stop_offices_using(folder / "profile")
                    shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    """Return True when the cipdocs run that made `folder` is no longer running."""
    try:
        owner = int((folder / OWNER_FILE).read_text().strip())
    except (OSError, ValueError):
        try:
            return folder.stat().st_mtime < time.time() - ABANDONED_AFTER
        except OSError:
            return False
    if owner == os.getpid():
        return False
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def stop_offices_using(profile: Path) -> None:
    """Kill every LibreOffice process started with `profile` (Linux: read from /proc)."""
    marker = f"-env:UserInstallation={profile.as_uri()}".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker not in cmdline.read_bytes().split(b"\0"):
                continue
            os.kill(int(cmdline.parent.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue
