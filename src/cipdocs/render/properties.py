"""Set a document's core properties: the same for the deck and the Word update."""

from __future__ import annotations

from typing import Any

from cipdocs.report.present import DocumentProperties


def apply_core_properties(core: Any, properties: DocumentProperties, title: str) -> None:
    """Set python-pptx's or python-docx's `core` properties (both have the same attributes)."""
    core.title = title
    core.author = core.last_modified_by = properties.author
    core.comments = properties.comments
    core.created = core.modified = properties.stamp
    core.revision = 1
