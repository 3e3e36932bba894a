"""cipdocs: build the CIP-CCG status-update deck and Word update from one Excel workbook."""

from __future__ import annotations

__version__ = "0.1.0"
