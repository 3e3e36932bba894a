"""Find the font file a typeface is drawn with, and read its metrics with fontTools.

Office's fonts are rarely installed where decks are built, so each is looked up through its
metric-compatible twin first (same advance widths, so the same line breaks): Calibri is
measured with Carlito, Cambria with Caladea, Arial and Helvetica with Liberation Sans.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from cipdocs.cache import file_key, read_entry, write_entry

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

METRIC_TWINS = {
    "calibri": "Carlito",
    "cambria": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "courier new": "Liberation Mono",
}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
"""The first four bytes of a TrueType, OpenType, Apple TrueType and collection file."""
BOLD_BIT = 1 << 5
"""OS/2 fsSelection: the face is bold."""
ITALIC_BIT = 1
"""OS/2 fsSelection: the face is italic."""


def font_folders() -> list[Path]:
    """Return the folders fonts are installed in on Linux, macOS and Windows."""
    home = Path.home()
    folders = [
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
        home / "Library" / "Fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
    ]
    if sys.platform == "win32":
        windows = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = os.environ.get("LOCALAPPDATA")
        folders = [windows / "Fonts"] + (
            [Path(local) / "Microsoft" / "Windows" / "Fonts"] if local else []
        )
    return folders


def iter_font_files(folders: Iterable[Path]) -> Iterator[Path]:
    """Yield every font file under `folders`, in a stable order."""
    for folder in folders:
        if folder.is_dir():
            yield from sorted(
                path for path in folder.rglob("*") if path.suffix.lower() in FONT_SUFFIXES
            )


@dataclass(frozen=True)
class FaceMetrics:
    """What layout needs of one face: advance widths and vertical metrics, in font units."""

    family: str
    bold: bool
    units_per_em: int
    advances: dict[int, int]
    """Advance width by code point."""
    ascent: int
    descent: int
    """Positive: how far below the baseline."""

    def advance_em(self, character: str) -> float | None:
        """Return the character's advance in ems, or None when the face has no glyph for it."""
        advance = self.advances.get(ord(character))
        return None if advance is None else advance / self.units_per_em

    @property
    def line_em(self) -> float:
        """Return the face's single line height in ems.

        Ascent plus descent of the Windows metrics, without the line gap: what PowerPoint and
        LibreOffice advance by per line at single spacing.
        """
        return (self.ascent + self.descent) / self.units_per_em


def _font_tools() -> Any:
    """Return fontTools' `ttLib`, imported the first time a font file is read (it takes a
    tenth of a second, and a warm cache never needs it)."""
    import logging

    from fontTools import ttLib

    # fontTools logs a warning for fonts with an odd creation date in their `head` table, which
    # says nothing about the metrics; keep it off the user's screen.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    return ttLib


def read_face(path: Path, font_number: int = 0) -> FaceMetrics:
    """Return the metrics of the face at `path` (the `font_number`-th of a collection), from
    the cache when the file has not changed since they were read."""
    key = file_key(path)
    cached = read_entry("faces", f"{key}\0{font_number}") if key else None
    if cached is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return face_from_json(cached)
    face = read_face_file(path, font_number)
    if key:
        write_entry("faces", f"{key}\0{font_number}", face_as_json(face))
    return face


def face_as_json(face: FaceMetrics) -> dict[str, Any]:
    """Return the face's metrics as plain JSON data for the cache."""
    return {
        "family": face.family,
        "bold": face.bold,
        "units_per_em": face.units_per_em,
        "codes": list(face.advances),
        "advances": list(face.advances.values()),
        "ascent": face.ascent,
        "descent": face.descent,
    }


def face_from_json(data: dict[str, Any]) -> FaceMetrics:
    """Return the face `face_as_json` stored."""
    return FaceMetrics(
        str(data["family"]),
        bool(data["bold"]),
        int(data["units_per_em"]),
        dict(zip(data["codes"], data["advances"], strict=True)),
        int(data["ascent"]),
        int(data["descent"]),
    )


def read_face_file(path: Path, font_number: int = 0) -> FaceMetrics:
    """Read the metrics of the face at `path` (the `font_number`-th of a collection) with
    fontTools."""
    font = _font_tools().TTFont(io.BytesIO(path.read_bytes()), lazy=True, fontNumber=font_number)
    try:
        os2 = font.get("OS/2")
        metrics = font["hmtx"].metrics
        advances = {
            code: metrics[glyph][0]
            for code, glyph in font.getBestCmap().items()
            if glyph in metrics
        }
        hhea = font["hhea"]
        # Windows metrics are what PowerPoint and LibreOffice lay lines out with.
        ascent = int(os2.usWinAscent) if os2 is not None else int(hhea.ascent)
        descent = int(os2.usWinDescent) if os2 is not None else -int(hhea.descent)
        return FaceMetrics(
            family_of(font, path),
            is_bold(font, path),
            int(font["head"].unitsPerEm),
            advances,
            ascent,
            descent,
        )
    finally:
        font.close()


def face_names(path: Path) -> list[tuple[str, bool, bool]]:
    """Return (family, bold, italic) of each face in the file at `path`; empty if unreadable.
    Cached while the file does not change."""
    key = file_key(path)
    cached = read_entry("face-names", key) if key else None
    if isinstance(cached, list):
        with contextlib.suppress(TypeError, ValueError):
            return [(str(family), bool(bold), bool(italic)) for family, bold, italic in cached]
    names = read_face_names(path)
    if key:
        write_entry("face-names", key, [list(name) for name in names])
    return names


def read_face_names(path: Path) -> list[tuple[str, bool, bool]]:
    """Return (family, bold, italic) of each face in the file at `path`, read with fontTools;
    empty if unreadable."""
    ttlib = _font_tools()
    try:
        with path.open("rb") as stream:
            if stream.read(4) not in FONT_SIGNATURES:
                return []  # not a font: fontTools would fail and leave the file open
        # Lazy: only the `name` and `OS/2` tables are read, not the glyphs.
        if path.suffix.lower() == ".ttc":
            collection = ttlib.TTCollection(str(path), lazy=True)
            try:
                return [face_name(font, path) for font in collection.fonts]
            finally:
                collection.close()
        font = ttlib.TTFont(str(path), lazy=True)
        try:
            return [face_name(font, path)]
        finally:
            font.close()
    except (ttlib.TTLibError, OSError, KeyError, AssertionError, ValueError):
        return []


def face_name(font: TTFont, path: Path) -> tuple[str, bool, bool]:
    """Return the face's (family, bold, italic)."""
    return family_of(font, path), is_bold(font, path), is_italic(font)


def family_of(font: TTFont, path: Path) -> str:
    """Return the face's typographic family name (what a run's typeface names)."""
    names = font["name"]
    return str(names.getDebugName(16) or names.getDebugName(1) or path.stem)


def is_italic(font: TTFont) -> bool:
    """Return True for an italic face."""
    return "OS/2" in font and bool(font["OS/2"].fsSelection & ITALIC_BIT)


def is_bold(font: TTFont, path: Path) -> bool:
    """Return True for a bold face."""
    if "OS/2" in font:
        return bool(font["OS/2"].fsSelection & BOLD_BIT)
    return "bold" in path.stem.lower()


def index_faces(paths: Iterable[Path]) -> dict[tuple[str, bool], tuple[Path, int]]:
    """Return (family, bold) -> (file, face number) for the fonts at `paths`."""
    upright: dict[tuple[str, bool], tuple[Path, int]] = {}
    italic: dict[tuple[str, bool], tuple[Path, int]] = {}
    for path in paths:
        for number, (family, bold, slanted) in enumerate(face_names(path)):
            chosen = italic if slanted else upright
            chosen.setdefault((family.casefold(), bold), (path, number))
    # Layout measures upright text; an italic face stands in only for a family without one.
    return {**italic, **upright}


def _best_face(
    index: dict[tuple[str, bool], tuple[Path, int]], family: str, bold: bool
) -> tuple[Path, int] | None:
    """Return the face of `family` in `index` of the asked weight, else of the other weight."""
    for weight in (bold, not bold):
        found = index.get((family.casefold(), weight))
        if found is not None:
            return found
    return None


def _squeezed(name: str) -> str:
    """Return `name` folded with spaces, hyphens and underscores gone: ``liberationsans``."""
    return "".join(char for char in name.casefold() if char.isalnum())


class FontBook:
    """The fonts on this machine by family, read once each; a missing family is told once."""

    def __init__(
        self,
        folders: Iterable[Path] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        """Index the fonts under `folders` (default: the usual font folders)."""
        self._folders = list(font_folders() if folders is None else folders)
        self._warn = warn
        self._font_paths: list[Path] | None = None
        self._index: dict[tuple[str, bool], tuple[Path, int]] | None = None
        self._faces: dict[tuple[str, bool], FaceMetrics | None] = {}
        self.missing: list[str] = []
        """The typefaces asked for and found neither themselves nor as a metric twin."""

    def _paths(self) -> list[Path]:
        if self._font_paths is None:
            self._font_paths = list(iter_font_files(self._folders))
        return self._font_paths

    def _files(self) -> dict[tuple[str, bool], tuple[Path, int]]:
        if self._index is None:
            self._index = index_faces(self._paths())
        return self._index

    def _named_like(self, family: str) -> dict[tuple[str, bool], tuple[Path, int]]:
        """Return the index of the files whose name contains `family` (``Carlito-Bold.ttf``).

        Reading every font's names costs a tenth of a second on a machine with a few dozen
        fonts; the file named after the family nearly always holds it, so it is tried first.
        """
        key = _squeezed(family)
        return index_faces(path for path in self._paths() if key in _squeezed(path.stem))

    def fingerprint(self) -> str:
        """Return what identifies the fonts this book can find: each file's path, size and
        mtime (a cache of measured text is valid while it is the same)."""
        return "\n".join(str(file_key(path)) for path in self._paths())

    def face(self, typeface: str, bold: bool = False) -> FaceMetrics | None:
        """Return the metrics `typeface` is drawn with (itself, else its twin), or None."""
        key = (typeface.casefold(), bold)
        if key not in self._faces:
            self._faces[key] = self._find(typeface, bold)
        return self._faces[key]

    def _find(self, typeface: str, bold: bool) -> FaceMetrics | None:
        twin = METRIC_TWINS.get(typeface.casefold())
        families = [typeface, *([twin] if twin else [])]
        for family in families:
            found = _best_face(self._named_like(family), family, bold)
            if found is not None:
                return read_face(*found)
        for family in families:
            found = _best_face(self._files(), family, bold)
            if found is not None:
                return read_face(*found)
        if typeface not in self.missing:
            self.missing.append(typeface)
            if self._warn is not None:
                twin_note = f" nor its metric twin {twin}" if twin else ""
                self._warn(
                    f"font {typeface!r}{twin_note} is not installed; text in it is measured "
                    "with a conservative estimate, so it may be given more room than it needs"
                )
        return None


_SHARED: list[FontBook] = []


def shared_font_book() -> FontBook:
    """Return the process's font book over this machine's fonts (made on first use)."""
    if not _SHARED:
        _SHARED.append(FontBook())
    return _SHARED[0]


def theme_fonts(presentation: Any) -> tuple[str, str]:
    """Return the major (headings) and minor (body) Latin typefaces of a python-pptx
    presentation's theme; Office's defaults where it names none."""
    master = presentation.slide_master
    relationships = master.part.rels.values()
    part = next((rel.target_part for rel in relationships if rel.reltype.endswith("/theme")), None)
    major, minor = "Calibri Light", "Calibri"
    if part is None:
        return major, minor
    theme = etree.fromstring(part.blob)
    scheme = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    found_major = theme.find(f".//{scheme}fontScheme/{scheme}majorFont/{scheme}latin")
    found_minor = theme.find(f".//{scheme}fontScheme/{scheme}minorFont/{scheme}latin")
    if found_major is not None and found_major.get("typeface"):
        major = str(found_major.get("typeface"))
    if found_minor is not None and found_minor.get("typeface"):
        minor = str(found_minor.get("typeface"))
    return major, minor
