"""The snapshot: what cipdocs wrote, kept inside the document it wrote (format-neutral).

A hand edit is a three-way comparison: what cipdocs wrote last time (the snapshot, read back
from the document the person saved), what the person saved, what cipdocs writes now. The
snapshot's bytes are the format's business (edits/deck.py, edits/update.py); here they travel
as base64 text in a custom XML item of their own (namespace ``urn:cipdocs:snapshot``) beside the
report's. Measured: PowerPoint and LibreOffice (Impress and Writer) keep custom XML items when
they save, so the snapshot survives a person's edits.
"""

from __future__ import annotations

import base64
import binascii

from lxml import etree

from cipdocs.package.custom_xml import embed_custom_item, read_custom_item, serialise_xml

SNAPSHOT_NAMESPACE = "urn:cipdocs:snapshot"
SNAPSHOT_ELEMENT = f"{{{SNAPSHOT_NAMESPACE}}}snapshot"
SNAPSHOT_ITEM_ID = "{6D1F0B52-3A8E-4C27-9E45-7B0C2D9A1E63}"
"""Fixed, so that two runs write the same bytes; distinct from the report item's id."""
MAX_SNAPSHOT_SIZE = 16 * 1024 * 1024
"""A snapshot is tens of kilobytes; a larger item was not written by cipdocs."""


def snapshot_xml(snapshot: bytes) -> bytes:
    """Return the custom XML item that holds `snapshot`."""
    root = etree.fromstring(f'<snapshot xmlns="{SNAPSHOT_NAMESPACE}"/>')
    root.text = base64.b64encode(snapshot).decode("ascii")
    return serialise_xml(root)


def embed_snapshot(package: bytes, snapshot: bytes) -> bytes:
    """Return the .pptx/.docx `package` (zip bytes) with `snapshot` embedded in it.

    A snapshot embedded before is replaced; every other part is kept as it is.
    """
    return embed_custom_item(package, snapshot_xml(snapshot), item_id=SNAPSHOT_ITEM_ID)


def read_snapshot(package: bytes) -> bytes | None:
    """Return the snapshot embedded in `package` (zip bytes), or None when it holds none
    (or one too damaged to read)."""
    root = read_custom_item(package, SNAPSHOT_ELEMENT, max_size=MAX_SNAPSHOT_SIZE)
    if root is None:
        return None
    try:
        return base64.b64decode("".join((root.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return None
