"""Allow `python -m cipdocs`."""

from __future__ import annotations

from cipdocs.cli import main

main()
