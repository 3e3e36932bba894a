"""A deck's description as snapshot bytes (compact JSON, deflated) and back, and the digest
that tells an earlier deck nobody saved again."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import asdict
from typing import Any

from cipdocs.edits.deck_view import DeckView, ParagraphView, ShapeView, SlideView

SNAPSHOT_FORMAT = 1
"""Bump when the description changes; an older snapshot is then not compared (no edits found)."""


def parts_digest(package: bytes) -> str:
    """Return a digest of the package's content parts: all but the document properties, custom
    XML, relationships and content types, which cipdocs changes after the snapshot is made."""
    found = hashlib.sha1()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith(("customXml/", "docProps/", "[")) and not name.endswith(".rels"):
                found.update(name.encode() + b"\0" + archive.read(name))
    return found.hexdigest()


def encode_deck_view(view: DeckView) -> bytes:
    """Return `view` as snapshot bytes: compact JSON, deflated."""
    data = {
        "format": SNAPSHOT_FORMAT,
        "parts": view.parts,
        "slides": [asdict(slide) for slide in view.slides],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 9)


def decode_deck_view(snapshot: bytes) -> DeckView | None:
    """Return the deck view a snapshot holds, or None when it is not one this cipdocs reads."""
    try:
        data = json.loads(zlib.decompress(snapshot))
        if data.get("format") != SNAPSHOT_FORMAT:
            return None
        slides = tuple(slide_from_json(slide) for slide in data["slides"])
        return DeckView(slides, parts=str(data.get("parts", "")))
    except (zlib.error, ValueError, KeyError, TypeError, AttributeError):
        return None


def slide_from_json(data: dict[str, Any]) -> SlideView:
    """Return a slide view read back from its JSON form."""
    shapes = tuple(
        ShapeView(
            **{
                **shape,
                "box": tuple(shape["box"]),
                "paragraphs": tuple(ParagraphView(**p) for p in shape["paragraphs"]),
                "cells": tuple(tuple(row) for row in shape["cells"]),
            }
        )
        for shape in data["shapes"]
    )
    return SlideView(**{**data, "shapes": shapes, "notes": tuple(data["notes"])})
