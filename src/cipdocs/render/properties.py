"""Set a document's core properties: the same for the deck and the Word update."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cipdocs.report.present import DocumentProperties


def apply_core_properties(core: Any, properties: DocumentProperties, title: str) -> None:
    """Set python-pptx's or python-docx's `core` properties (both have the same attributes)."""
    core.title = title
    core.author = core.last_modified_by = properties.author
    core.comments = properties.comments
    core.created = core.modified = properties.stamp
    core.revision = 1


CORE_PROPERTIES_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)


@contextmanager
def template_core_properties(package: Any) -> Iterator[None]:
    """Within the block, python-pptx's or python-docx's `package` finds the template's own core
    properties, however the relationship that reaches them is typed.

    LibreOffice types it ``.../officedocument/2006/relationships/metadata/core-properties``;
    the libraries look only for the package form, and would add a second ``docProps/core.xml``
    beside the first, which the Open XML SDK refuses. A relationship of the package form is
    added for the block and taken away after it, so the saved file keeps the template's
    relationships and content types as they are.
    """
    rels = package.rels if hasattr(package, "rels") else package._rels
    if any(rel.reltype == CORE_PROPERTIES_RELATIONSHIP for rel in rels.values()):
        yield
        return
    own = next(
        (
            rel.target_part
            for rel in rels.values()
            if not rel.is_external and rel.reltype.casefold().endswith("/metadata/core-properties")
        ),
        None,
    )
    if own is None:
        yield
        return
    rel_id = package.relate_to(own, CORE_PROPERTIES_RELATIONSHIP)
    try:
        yield
    finally:
        rels.pop(rel_id)
