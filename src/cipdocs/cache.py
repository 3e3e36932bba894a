"""A cache of what does not change between runs (font metrics, a template's own findings; the
compiled placeholder texts are kept by Jinja2's bytecode cache in its folder, templating.py).

Never required: a cache folder that is missing, read-only or holds a damaged entry costs time,
not correctness, and nothing read from it changes a byte cipdocs writes. Entries are JSON files
named by the hash of their key, written to a temporary file and moved into place, so two runs
at once never read half an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "CIPDOCS_CACHE_DIR"
"""Where the cache lives instead of the user's cache folder (tests point it at a scratch folder;
an empty value turns the cache off)."""
FORMAT = 1
"""Bumped when what an entry holds changes, so older entries are never read."""


def user_cache_folder() -> Path:
    """Return the user's cache folder for cipdocs (``$XDG_CACHE_HOME/cipdocs`` or
    ``~/.cache/cipdocs``, ``~/Library/Caches/cipdocs``, ``%LOCALAPPDATA%\\cipdocs\\Cache``)."""
    import platformdirs  # only when something is cached: `--help` never needs it

    return Path(platformdirs.user_cache_dir("cipdocs", appauthor=False))


def cache_folder() -> Path | None:
    """Return the folder the cache lives in, or None when it is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    return user_cache_folder()


def entry_path(kind: str, key: str) -> Path | None:
    """Return the file an entry of `kind` (``faces``, ``template-findings``) with `key` lives in."""
    folder = cache_folder()
    if folder is None:
        return None
    digest = hashlib.sha256(f"{FORMAT}\0{kind}\0{key}".encode()).hexdigest()
    return folder / kind / f"{digest}.json"


def read_entry(kind: str, key: str) -> Any:
    """Return the entry stored under `key`, or None when there is none or it cannot be read."""
    path = entry_path(kind, key)
    if path is None:
        return None
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    # The key is stored too: a hash collision, or a file put there by hand, is not trusted.
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("value")


def write_entry(kind: str, key: str, value: Any) -> None:
    """Store `value` (plain JSON data) under `key`; a folder that cannot be written is skipped."""
    path = entry_path(kind, key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump({"key": key, "value": value}, stream, separators=(",", ":"))
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def file_key(path: Path) -> str | None:
    """Return what identifies the file's content for the cache: its path, size and mtime; None
    when it cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    return f"{path.resolve()}\0{status.st_size}\0{status.st_mtime_ns}"


def content_hash(path: Path) -> str:
    """Return the SHA-256 of the file at `path`."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
