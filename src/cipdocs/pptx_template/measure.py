"""Measure and wrap text as PowerPoint and LibreOffice lay it out, from the font's own metrics.

Lines break at spaces in Latin scripts and between any two characters of CJK text; a word is
broken only when it is wider than the line on its own. Where a typeface (or a glyph) cannot be
found, widths are estimated conservatively: 0.6 em a character, 1 em for East Asian wide ones
(CJK ideographs, kana, hangul, full-width forms) — wider than the faces decks use, so text is
given too much room rather than too little.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cipdocs.pptx_template.fonts import FaceMetrics, shared_font_book

FALLBACK_EM = 0.6
"""A character's width where its font is missing: above the average of Latin text faces."""
WIDE_EM = 1.0
"""An East Asian wide character's width where no face has it: a full em, as CJK fonts draw it."""
FALLBACK_LINE_EM = 1.25
"""A line's height where the font is missing: above Carlito's 1.22 and Liberation Sans' 1.12."""
LATIN_UNITS = re.compile(r"^ +|[^ ]+ *")
"""Leading spaces, then each word with the spaces after it."""
THEME_MAJOR = ("+mj-lt", "+mj-ea", "+mj-cs")
THEME_MINOR = ("+mn-lt", "+mn-ea", "+mn-cs")

Faces = Callable[[str, bool], FaceMetrics | None]
"""Return the metrics of (typeface, bold), or None where it cannot be found: `FontBook.face`."""


@dataclass(frozen=True)
class TextStyle:
    """How a run is drawn: typeface (resolved), size in points, bold."""

    typeface: str
    size: float
    bold: bool = False


def resolve_typeface(
    candidates: Sequence[str | None], major: str, minor: str, heading: bool = False
) -> str:
    """Return the typeface a run is drawn in: the first of its own, its paragraph's and its
    shape's typefaces that is set, with ``+mj-lt``/``+mn-lt`` read as the theme's major/minor
    font; the theme's minor font (major for a heading) when none is set."""
    chosen = next((candidate for candidate in candidates if candidate), None)
    if chosen is None:
        return major if heading else minor
    if chosen in THEME_MAJOR:
        return major
    if chosen in THEME_MINOR:
        return minor
    return chosen


def is_wide(character: str) -> bool:
    """Return True for an East Asian wide or full-width character (drawn a full em wide)."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def breaks_anywhere(character: str) -> bool:
    """Return True for a character a line may break before and after (CJK text)."""
    return is_wide(character) and not unicodedata.category(character).startswith("P")


class Measurer:
    """Widths, line heights and line breaks of text in the fonts `faces` finds."""

    def __init__(self, faces: Faces) -> None:
        """Measure with the metrics `faces` returns for each (typeface, bold)."""
        self._faces = faces
        # Each face's characters in ems, filled as they are met: layout measures the same
        # names and words again and again.
        self._ems: dict[tuple[str, bool], dict[str, float]] = {}
        # ...and each word's, summed in the same order every time, so the same number.
        self._words: dict[tuple[str, bool], dict[str, float]] = {}
        # ...and each paragraph's lines: filling lays a table's cells out, then the layout
        # check measures the same cells again.
        self._lines: dict[tuple[str, float, TextStyle], list[str]] = {}

    def character_em(self, character: str, style: TextStyle) -> float:
        """Return one character's advance in ems."""
        return self._em(self._faces(style.typeface, style.bold), character)

    @staticmethod
    def _em(face: FaceMetrics | None, character: str) -> float:
        advance = face.advance_em(character) if face is not None else None
        if advance is not None:
            return advance
        return WIDE_EM if is_wide(character) else FALLBACK_EM

    def width(self, text: str, style: TextStyle) -> float:
        """Return the width of `text` on one line, in points."""
        key = (style.typeface, style.bold)
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = {}
        total = words.get(text)
        if total is None:
            total = words[text] = self._text_em(text, style)
        return total * style.size

    def _text_em(self, text: str, style: TextStyle) -> float:
        """Return the advance of `text` in ems, character by character."""
        key = (style.typeface, style.bold)
        ems = self._ems.get(key)
        if ems is None:
            ems = self._ems[key] = {}
        total = 0.0
        for character in text:
            em = ems.get(character)
            if em is None:
                em = ems[character] = self.character_em(character, style)
            total += em
        return total

    def line_height(self, style: TextStyle, spacing: float = 1.0) -> float:
        """Return the height of one line in points, at `spacing` (1.0 is single spacing)."""
        face = self._faces(style.typeface, style.bold)
        line_em = face.line_em if face is not None else FALLBACK_LINE_EM
        return line_em * style.size * spacing

    def wrap(self, text: str, width: float, style: TextStyle) -> list[str]:
        """Return the lines `text` is laid out in, `width` points wide."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._wrap_paragraph(paragraph, width, style)
        return lines

    def _wrap_paragraph(self, text: str, width: float, style: TextStyle) -> list[str]:
        key = (text, width, style)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = self._lay_out_paragraph(text, width, style)
        return found

    def _lay_out_paragraph(self, text: str, width: float, style: TextStyle) -> list[str]:
        lines: list[str] = []
        line = ""
        # The line's width without its trailing spaces, and theirs: a line may end in spaces
        # that do not count against the width.
        inked = spaces = 0.0
        for unit in break_units(text):
            word = unit.rstrip(" ")
            word_width = self.width(word, style)
            trailing = self.width(unit[len(word) :], style)
            if inked + spaces + word_width <= width:
                line += unit
                inked, spaces = inked + spaces + word_width, trailing
                continue
            if line:
                lines.append(line.rstrip())
            pieces = self._split_word(unit, width, style)
            lines += pieces[:-1]
            line = pieces[-1]
            inked = self.width(line.rstrip(" "), style)
            spaces = self.width(line[len(line.rstrip(" ")) :], style)
        lines.append(line.rstrip())
        return lines

    def _split_word(self, word: str, width: float, style: TextStyle) -> list[str]:
        """Break a word wider than the line between characters, as the renderers do."""
        pieces = [""]
        for character in word:
            if pieces[-1] and self.width((pieces[-1] + character).rstrip(), style) > width:
                pieces.append("")
            pieces[-1] += character
        return pieces

    def height(self, text: str, width: float, style: TextStyle, spacing: float = 1.0) -> float:
        """Return the height `text` takes wrapped `width` points wide, in points."""
        return len(self.wrap(text, width, style)) * self.line_height(style, spacing)


def break_units(text: str) -> list[str]:
    """Split `text` into the pieces a line may break between: a word with the spaces after it,
    or a single CJK character with the spaces after it."""
    if text.isascii():
        # No ASCII character is East Asian wide: the pieces are the words with their spaces.
        return LATIN_UNITS.findall(text)
    return break_units_any(text)


def break_units_any(text: str) -> list[str]:
    """Return `break_units` of any text, character by character."""
    units: list[str] = []
    current = ""
    for character in text:
        starts_unit = breaks_anywhere(character) or (
            current and current[-1] == " " and character != " "
        )
        # Punctuation stays with the character before it: no line starts with 、 or ).
        ends_previous = (
            bool(current)
            and breaks_anywhere(current[-1])
            and character != " "
            and not unicodedata.category(character).startswith("P")
        )
        if current and (starts_unit or ends_previous):
            units.append(current)
            current = ""
        current += character
    if current:
        units.append(current)
    return units


_SHARED: list[Measurer] = []


def measurer() -> Measurer:
    """Return the process's measurer over this machine's fonts, indexing them on first use
    (reading every font file's names takes a moment, so it is done once)."""
    if not _SHARED:
        _SHARED.append(Measurer(shared_font_book().face))
    return _SHARED[0]
