"""Tests for pptx_template/saving.py: a presentation saved stored holds what `save` writes."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation

from cipdocs.pptx_template.saving import save_stored
from tests.conftest import DECK_TEMPLATE


def test_saved_stored_holds_the_members_save_writes_in_its_order() -> None:
    deck = Presentation(str(DECK_TEMPLATE))
    deck.slides[0].shapes.title.text_frame.text = "Changed before saving"
    deflated = io.BytesIO()
    deck.save(deflated)

    stored = save_stored(deck)

    with zipfile.ZipFile(deflated) as saved, zipfile.ZipFile(io.BytesIO(stored)) as ours:
        assert ours.namelist() == saved.namelist()
        assert all(ours.read(name) == saved.read(name) for name in saved.namelist())
        assert {info.compress_type for info in ours.infolist()} == {zipfile.ZIP_STORED}
    reopened = Presentation(io.BytesIO(stored))
    assert reopened.slides[0].shapes.title.text_frame.text == "Changed before saving"
