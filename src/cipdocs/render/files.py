"""Write outputs safely: deterministic zip bytes, a self-check, then staging (staging.py)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from cipdocs.errors import TemplateProblemError
from cipdocs.package.kind import POWERPOINT, WORD, check_template_package
from cipdocs.render.staging import Stager, Staging

# Office files carry no meaningful member timestamps; a fixed one makes two runs byte-identical.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes) -> bytes:
    """Return `data` (a zip) re-packed with fixed timestamps, attributes and member order kept."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_normalized(
            (member.filename, source.read(member.filename)) for member in source.infolist()
        )


def write_normalized(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Return `parts` (name, bytes) as the zip `normalize_zip` makes: deflated, in this order,
    with fixed timestamps and attributes."""
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            target.writestr(info, data)
    return target_buffer.getvalue()


def require_template(template: Path, *, kind: str, fix: str) -> None:
    """Raise `TemplateProblemError` when `template` is missing, a hostile zip, password-protected,
    Strict Open XML or macro-enabled (package/kind.py).

    A file that is not a zip at all is left to the renderer, which can say what it should be.
    """
    if not template.is_file():
        raise TemplateProblemError(f"{template}: the {kind} template does not exist; {fix}")
    program = WORD if kind == "Word" else POWERPOINT
    check_template_package(template, what="template", program=program, error=TemplateProblemError)


def write_document(
    destination: Path,
    data: bytes,
    *,
    record: Mapping[str, object] | None = None,
    staging: Stager | None = None,
) -> None:
    """Write a saved .pptx/.docx: deterministic zip, structural self-check, then atomic rename.

    With `record`, the report is embedded first (render/embed.py), so the check covers it too.
    The self-check runs before the rename so that a broken document never replaces a good one.
    With `staging`, the document is only staged there; the run's commit puts it in place.
    """
    from cipdocs.package.custom_xml import read_parts
    from cipdocs.verify.selfcheck import raise_if_broken

    # The zip is read once: the record goes into its parts, the check reads them, and the
    # written zip is packed from them (the same members and bytes normalize_zip packs).
    parts = read_parts(data)
    if record is not None:
        from cipdocs.render.embed import put_record

        put_record(parts, record)
    raise_if_broken(destination, parts)
    normalized = write_normalized(parts.items())
    if staging is not None:
        staging.stage(destination, normalized)
    else:
        write_atomically(destination, normalized)


def write_atomically(destination: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `destination`, then move it into place."""
    with Staging(keep_replaced=False) as staging:
        staging.stage(destination, data)
        staging.commit()
