"""render/staging.py: a run's files staged, then put in place together; replaced ones kept."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from cipdocs.errors import OutputProblemError
from cipdocs.render.files import write_atomically
from cipdocs.render.staging import REPLACED_FOLDER, Collected, Staging

DECK = "CIP-CCG Status Update 2024-08-30.pptx"
UPDATE = "CIP-CCG Status Update 2024-08-30.docx"
SLIDES_PDF = "CIP-CCG Status Update 2024-08-30 (slides).pdf"
KEPT_NAME = re.compile(r"(?P<stem>.+) \(replaced \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\)(?P<suffix>\.\w+)")


def snapshot(folder: Path) -> dict[str, str]:
    """Return every file under `folder` (hidden ones too) with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_nothing_is_in_place_before_the_commit(tmp_path: Path) -> None:
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"deck")
        staging.stage(tmp_path / UPDATE, b"update")
        assert not (tmp_path / DECK).exists()
        assert len(list(tmp_path.iterdir())) == 2  # the two temporary files
        committed = staging.commit()
    assert committed.written == [tmp_path / DECK, tmp_path / UPDATE]
    assert snapshot(tmp_path) == {
        DECK: hashlib.sha256(b"deck").hexdigest(),
        UPDATE: hashlib.sha256(b"update").hexdigest(),
    }
    assert committed.kept == []


def test_a_failure_before_the_commit_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"earlier deck")
    before = snapshot(tmp_path)
    with pytest.raises(RuntimeError), Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        raise RuntimeError("the Word update failed")
    assert snapshot(tmp_path) == before


def test_a_replaced_file_that_differs_is_kept(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"edited by hand")
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        committed = staging.commit()
    assert (tmp_path / DECK).read_bytes() == b"new deck"
    [(replaced, kept)] = committed.kept
    assert replaced == tmp_path / DECK
    assert kept.parent == tmp_path / REPLACED_FOLDER
    match = KEPT_NAME.fullmatch(kept.name)
    assert match is not None
    assert match["stem"] + match["suffix"] == DECK
    assert kept.read_bytes() == b"edited by hand"


def test_identical_bytes_replace_nothing_and_keep_nothing(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"deck")
    modified = (tmp_path / DECK).stat().st_mtime_ns
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"deck")
        committed = staging.commit()
    assert committed.kept == [] and committed.set_aside == []
    assert (tmp_path / DECK).stat().st_mtime_ns == modified
    assert sorted(path.name for path in tmp_path.iterdir()) == [DECK]


def test_two_replacements_in_one_second_keep_both(tmp_path: Path) -> None:
    for text in (b"first", b"second", b"third"):
        with Staging() as staging:
            staging.stage(tmp_path / DECK, text)
            staging.commit()
    kept = sorted((tmp_path / REPLACED_FOLDER).iterdir())
    assert sorted(path.read_bytes() for path in kept) == [b"first", b"second"]


def test_a_pdf_of_a_changed_document_is_set_aside_when_not_made_again(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"earlier deck")
    (tmp_path / SLIDES_PDF).write_bytes(b"%PDF of the earlier deck")
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        staging.made_earlier(tmp_path / DECK, [tmp_path / SLIDES_PDF])
        committed = staging.commit()
    assert not (tmp_path / SLIDES_PDF).exists()
    [(stale, moved)] = committed.set_aside
    assert stale == tmp_path / SLIDES_PDF
    assert moved.read_bytes() == b"%PDF of the earlier deck"


def test_a_pdf_of_an_unchanged_document_stays(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"deck")
    (tmp_path / SLIDES_PDF).write_bytes(b"%PDF of the deck")
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"deck")
        staging.made_earlier(tmp_path / DECK, [tmp_path / SLIDES_PDF])
        committed = staging.commit()
    assert committed.set_aside == []
    assert (tmp_path / SLIDES_PDF).read_bytes() == b"%PDF of the deck"


@pytest.mark.parametrize(("deck_changes", "kept"), [(True, True), (False, False)])
def test_a_pdf_made_again_is_kept_only_when_its_document_changed(
    tmp_path: Path, deck_changes: bool, kept: bool
) -> None:
    (tmp_path / DECK).write_bytes(b"deck")
    (tmp_path / SLIDES_PDF).write_bytes(b"%PDF made at 10:00")
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck" if deck_changes else b"deck")
        staging.stage(tmp_path / SLIDES_PDF, b"%PDF made at 11:00", made_from=tmp_path / DECK)
        committed = staging.commit()
    assert (tmp_path / SLIDES_PDF).read_bytes() == b"%PDF made at 11:00"
    assert (tmp_path / SLIDES_PDF in [replaced for replaced, _ in committed.kept]) is kept


def test_a_commit_that_fails_half_way_puts_every_file_back(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"earlier deck")
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        staging.stage(tmp_path / UPDATE, b"new update")
        # The Word update's name is taken by a folder after staging: its rename fails.
        (tmp_path / UPDATE).mkdir()
        (tmp_path / UPDATE / "notes.txt").write_bytes(b"someone's notes")
        before = {name: digest for name, digest in snapshot(tmp_path).items() if ".tmp" not in name}
        with pytest.raises(OutputProblemError, match=r"cannot replace the file"):
            staging.commit()
    assert snapshot(tmp_path) == before
    assert not (tmp_path / REPLACED_FOLDER).exists()


def test_a_folder_with_the_files_name_is_refused_when_staging(tmp_path: Path) -> None:
    (tmp_path / DECK).mkdir()
    with (
        pytest.raises(OutputProblemError, match=r"a folder has this file's name"),
        Staging() as staging,
    ):
        staging.stage(tmp_path / DECK, b"deck")


def test_collected_documents_stay_in_memory(tmp_path: Path) -> None:
    collected = Collected()
    collected.stage(tmp_path / UPDATE, b"update")
    assert collected.documents == [(tmp_path / UPDATE, b"update", None)]
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_replaces_without_keeping(tmp_path: Path) -> None:
    (tmp_path / SLIDES_PDF).write_bytes(b"old")
    write_atomically(tmp_path / SLIDES_PDF, b"new")
    assert snapshot(tmp_path) == {SLIDES_PDF: hashlib.sha256(b"new").hexdigest()}


def test_a_file_named_replaced_stops_the_commit_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"earlier deck")
    (tmp_path / REPLACED_FOLDER).write_bytes(b"someone's file")
    before = snapshot(tmp_path)
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        with pytest.raises(
            OutputProblemError, match=r"replaced: a file has the name of the folder"
        ):
            staging.commit()
    assert snapshot(tmp_path) == before


def test_a_failed_rename_of_a_kept_file_leaves_no_copy_behind(tmp_path: Path) -> None:
    (tmp_path / DECK).write_bytes(b"earlier deck")
    (tmp_path / UPDATE).write_bytes(b"earlier update")
    before = snapshot(tmp_path)
    with Staging() as staging:
        staging.stage(tmp_path / DECK, b"new deck")
        staging.stage(tmp_path / UPDATE, b"new update")
        # The update's temporary file vanishes (someone cleaning the folder): its rename fails
        # after its earlier file was already linked into replaced/.
        staging.temporary(tmp_path / UPDATE).unlink()
        with pytest.raises(OutputProblemError, match=rf"{UPDATE}: cannot replace the file"):
            staging.commit()
    assert snapshot(tmp_path) == before
    assert not (tmp_path / REPLACED_FOLDER).exists()
