"""A presentation saved into memory uncompressed: its bytes are re-packed, deflated, once,
when the document is written (render/files.py), so deflating them here is work thrown away."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from pptx.opc.serialized import PackageWriter

WRITER: Any = PackageWriter


class _StoredZip:
    """The one method python-pptx's package writer calls on the zip it writes into."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def write(self, pack_uri: Any, blob: bytes) -> None:
        """Add `blob` as the member `pack_uri` names, stored."""
        self.archive.writestr(pack_uri.membername, blob)


def save_stored(presentation: Any) -> bytes:
    """Return `presentation` saved as `Presentation.save` saves it (the same members, in the
    same order, with the same bytes), but stored rather than deflated."""
    package = presentation.part.package
    buffer = io.BytesIO()
    # python-pptx's own steps of `PackageWriter._write`, into a stored zip.
    writer = WRITER(buffer, package._rels, tuple(package.iter_parts()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, strict_timestamps=False) as archive:
        stored = _StoredZip(archive)
        writer._write_content_types_stream(stored)
        writer._write_pkg_rels(stored)
        writer._write_parts(stored)
    return buffer.getvalue()
