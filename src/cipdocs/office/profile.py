"""LibreOffice's profile for cipdocs: kept in the user's cache folder, claimed under a lock."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import IO

from cipdocs.cache import user_cache_folder
from cipdocs.office.process import stop_offices_using


def cache_folder() -> Path:
    """Return the user's cache folder for cipdocs, where the LibreOffice profile is kept."""
    return user_cache_folder()


def claim_profile(work: Path) -> tuple[Path, IO[bytes] | None, bool]:
    """Return the LibreOffice profile to use, the lock held on it, and whether to keep it after.

    LibreOffice lets one process own a profile, so the cached one is used only under a lock;
    a second run at the same time gets a private one. A profile is made in the run's own folder
    and moved into the cache only after a conversion worked, so a killed run never leaves a
    half-made profile behind.
    """
    private = work / "profile"
    cached = cache_folder() / "libreoffice-profile"
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        lock = (cached.parent / "libreoffice-profile.lock").open("a+b")
    except OSError:
        return private, None, False
    if not _try_lock(lock):
        lock.close()
        return private, None, False
    if cached.is_dir():
        # Holding the lock, this run is the profile's only user: a LibreOffice still using it
        # was left by a killed run, and its lock file in the profile is stale.
        stop_offices_using(cached)
        with contextlib.suppress(OSError):
            (cached / ".lock").unlink(missing_ok=True)
        return cached, lock, False
    return private, lock, True


def _try_lock(stream: IO[bytes]) -> bool:
    """Take an exclusive lock on `stream` without waiting; return False when another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def adopt_profile(profile: Path) -> None:
    """Move a profile that converted well into the cache, for the next runs; best effort."""
    cached = cache_folder() / "libreoffice-profile"
    staging = cached.with_name(f".{cached.name}.{os.getpid()}")
    try:
        shutil.copytree(profile, staging, symlinks=True)
        staging.rename(cached)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
