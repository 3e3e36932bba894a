"""Tell what an Office file is before a library opens it: password-protected, Strict Open XML,
or carrying macros; and refuse each as a template with a line that says what to do."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cipdocs.errors import CipdocsError
from cipdocs.package.archive import CHUNK_SIZE, check_zip_archive, read_part

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of a Compound File: old .ppt/.doc/.xls, and every password-protected
.pptx/.docx/.xlsx (Office wraps the encrypted package in one)."""
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
"""The name of the stream that holds an encrypted package, as a Compound File's directory
stores it; no old binary presentation or document has a stream of that name."""
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/"
"""Strict Open XML (File > Save As > Strict Open XML) types its relationships in this namespace."""
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "activex", "vnd.ms-office.vbadata")
"""Content types (folded) of macro-enabled main parts, VBA projects and ActiveX controls."""
MACRO_PART_NAMES = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
_SMALL_PART = 1024 * 1024
"""The most the package relationships or content types are read to (they take kilobytes)."""
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


@dataclass(frozen=True)
class OfficeProgram:
    """The program a template comes from, in the words its menus use."""

    name: str
    """``PowerPoint`` or ``Word``."""
    plain_type: str
    """The Save As type that writes a plain file: ``PowerPoint Presentation (.pptx)``."""
    protect_menu: str
    """Where the password is set: ``File > Info > Protect Presentation``."""


POWERPOINT = OfficeProgram(
    "PowerPoint", "PowerPoint Presentation (.pptx)", "File > Info > Protect Presentation"
)
WORD = OfficeProgram("Word", "Word Document (.docx)", "File > Info > Protect Document")


def is_compound_file(path: Path) -> bool:
    """Return True when `path` starts as a Compound File (old binary Office, or encrypted)."""
    with path.open("rb") as stream:
        return stream.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE


def is_encrypted_package(path: Path) -> bool:
    """Return True when the Compound File at `path` holds an encrypted Office package."""
    overlap = len(ENCRYPTED_STREAM)
    tail = b""
    # The directory may stand anywhere in the file: read it all, a chunk at a time.
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            if ENCRYPTED_STREAM in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def check_template_package(
    path: Path, *, what: str, program: OfficeProgram, error: type[CipdocsError]
) -> None:
    """Raise `error` when the template at `path` is password-protected, a hostile or damaged
    zip, saved as Strict Open XML, or carries macros; say what to save it as instead.

    A file that is neither a zip nor a Compound File is left to the library, which can say
    what it should be.
    """
    if is_compound_file(path):
        if is_encrypted_package(path):
            raise error(
                f"{path}: the {what} is password-protected (encrypted), so cipdocs cannot open "
                f"it; in {program.name} remove the password ({program.protect_menu} > Encrypt "
                "with Password, clear the box), save it, and try again"
            )
        return
    if not zipfile.is_zipfile(path):
        return
    check_zip_archive(path, what=what, error=error)
    with path.open("rb") as file, zipfile.ZipFile(file) as archive:
        members = {member.filename: member for member in archive.infolist()}
        root_rels, types = (
            read_part(file, members[name], limit=_SMALL_PART) if name in members else b""
            for name in ("_rels/.rels", "[Content_Types].xml")
        )
    if STRICT_NAMESPACE in root_rels:
        raise error(
            f"{path}: the {what} is saved as Strict Open XML, which cipdocs cannot read; in "
            f"{program.name} use File > Save As > {program.plain_type}"
        )
    macros = macro_parts(members, types)
    if macros:
        shown = ", ".join(macros[:3]) + (f" and {len(macros) - 3} more" if len(macros) > 3 else "")
        raise error(
            f"{path}: the {what} carries macros or ActiveX controls ({shown}), which cipdocs never "
            f"puts in a document; in {program.name} use File > Save As > {program.plain_type} "
            "(not the macro-enabled type), and give that file"
        )


def macro_parts(names: Iterable[str], content_types: bytes) -> list[str]:
    """Return the parts that make a package macro-enabled: VBA projects, ActiveX controls, and
    parts whose content type (from `content_types`, the package's ``[Content_Types].xml``) is a
    macro-enabled one."""
    types = _content_types(content_types)
    found = []
    for name in names:
        if name.endswith("/"):
            continue
        extension = posixpath.basename(name).rpartition(".")[2].casefold()
        content_type = types.get("/" + name.casefold(), types.get(extension, ""))
        if _is_macro_name(name) or any(marker in content_type for marker in MACRO_CONTENT_TYPES):
            found.append(name)
    return found


def _content_types(data: bytes) -> dict[str, str]:
    """Return folded part name (``/ppt/x.xml``) or extension -> folded content type."""
    try:
        root = etree.fromstring(data, _PARSER) if data else None
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    types = {
        (element.get("Extension") or "").casefold(): (element.get("ContentType") or "").casefold()
        for element in root.iter(f"{_CT_NS}Default")
    }
    for element in root.iter(f"{_CT_NS}Override"):
        name = (element.get("PartName") or "").casefold()
        types["/" + name.lstrip("/")] = (element.get("ContentType") or "").casefold()
    return types


def _is_macro_name(name: str) -> bool:
    folded = name.casefold()
    folder = posixpath.basename(posixpath.dirname(folded))
    return posixpath.basename(folded) in MACRO_PART_NAMES or folder == "activex"
