"""Tests for office/pdf.py: LibreOffice conversion, page counts, fonts, previews and failures."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Inches, Pt

from cipdocs.cli import cli
from cipdocs.errors import ConverterProblemError
from cipdocs.office import pdf as pdf_module
from cipdocs.office.pdf import (
    Conversion,
    convert_to_pdf,
    count_pdf_pages,
    find_soffice,
    preview_name,
    render_previews,
    started_office,
    substitute_font_warning,
)
from tests.conftest import SAMPLE_WORKBOOK, needs_carlito

SLIDE_TEXT = ("Attendance 92% Calibri", "Milestones on track Arial", "Roadmap 2024-08-30 Calibri")
DOCUMENT_TEXT = "Group representation 12 of 13 meetings"


@dataclass(frozen=True)
class Converted:
    """The small deck and Word update, converted once for the whole module."""

    deck: Path
    document: Path
    progress: tuple[str, ...]


def require_soffice() -> Path:
    """Return soffice's path, or skip the test with the reason shown."""
    try:
        return find_soffice()
    except ConverterProblemError:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/install-office.sh")


def require_tool(name: str) -> str:
    """Return the path of a poppler tool, or skip the test with the reason shown."""
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} (poppler-utils) is not installed: run scripts/install-office.sh")
    return found


def write_deck(path: Path, slides: int = 3) -> Path:
    """Write a deck of `slides` slides whose text is set in Calibri or Arial."""
    presentation = Presentation()
    for number in range(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(1))
        run = box.text_frame.paragraphs[0].add_run()
        run.text = SLIDE_TEXT[number % len(SLIDE_TEXT)]
        run.font.name = "Arial" if "Arial" in run.text else "Calibri"
        run.font.size = Pt(28)
    presentation.save(str(path))
    return path


def write_document(path: Path) -> Path:
    """Write a one-page Word update with a Calibri and an Arial paragraph."""
    document = docx.Document()
    for font in ("Calibri", "Arial"):
        run = document.add_paragraph().add_run(f"{DOCUMENT_TEXT} ({font})")
        run.font.name = font
    document.save(str(path))
    return path


def pdf_text(path: Path) -> str:
    """Return the text a reader would see in the PDF at `path`."""
    tool = require_tool("pdftotext")
    return subprocess.run(
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Return each font of the PDF at `path` (subset prefix removed) and whether it is embedded."""
    tool = require_tool("pdffonts")
    lines = subprocess.run(
        [tool, str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    fonts: dict[str, bool] = {}
    for line in lines:
        name = line.split()[0].split("+")[-1]
        # Columns from the right: emb sub uni object-number generation.
        fonts[name] = line.split()[-5] == "yes"
    return fonts


def live_members(group: int) -> list[str]:
    """Return the non-zombie processes still in process group `group`, as `pid command`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command_end = text.rindex(")")
        fields = text[command_end + 2 :].split()
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            members.append(f"{stat.parent.name} {text[: command_end + 1]}")
    return members


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """Convert the deck and the Word update at the same time, as two staff members' runs would."""
    soffice = require_soffice()
    folder = tmp_path_factory.mktemp("converted")
    deck = write_deck(folder / "CIP-CCG Status Update 2024-08-30.pptx")
    document = write_document(folder / "CIP-CCG Status Update 2024-08-30.docx")
    progress: list[str] = []
    jobs = [
        (deck, folder / "CIP-CCG Status Update 2024-08-30 (slides).pdf", 3),
        (document, folder / "CIP-CCG Status Update 2024-08-30 (document).pdf", None),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(
                convert_to_pdf,
                source,
                target,
                expected_pages=pages,
                progress=progress.append,
                soffice=soffice,
            )
            for source, target, pages in jobs
        ]
        for future in futures:
            future.result()
    return Converted(jobs[0][1], jobs[1][1], tuple(progress))


@pytest.mark.office
def test_concurrent_conversions_both_succeed(converted: Converted) -> None:
    assert converted.deck.read_bytes().startswith(b"%PDF")
    assert converted.document.read_bytes().startswith(b"%PDF")
    assert sorted(converted.progress) == [
        "converting CIP-CCG Status Update 2024-08-30.docx to PDF…",
        "converting CIP-CCG Status Update 2024-08-30.pptx to PDF…",
    ]


@pytest.mark.office
def test_deck_pdf_has_one_page_per_slide(converted: Converted) -> None:
    assert count_pdf_pages(converted.deck) == 3
    text = pdf_text(converted.deck)
    for line in SLIDE_TEXT:
        assert line in text


@pytest.mark.office
def test_page_count_without_pdfinfo(converted: Converted, monkeypatch: pytest.MonkeyPatch) -> None:
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "pdfinfo" else which(name))
    assert count_pdf_pages(converted.deck) == 3
    assert count_pdf_pages(converted.document) == 1


@pytest.mark.office
def test_document_pdf_carries_its_text(converted: Converted) -> None:
    text = pdf_text(converted.document)
    assert f"{DOCUMENT_TEXT} (Calibri)" in text
    assert f"{DOCUMENT_TEXT} (Arial)" in text


@pytest.mark.office
@needs_carlito
@pytest.mark.parametrize("which", ["deck", "document"])
def test_office_fonts_are_embedded_as_their_metric_twins(converted: Converted, which: str) -> None:
    fonts = embedded_fonts(getattr(converted, which))
    assert fonts.get("Carlito") is True, fonts
    assert fonts.get("LiberationSans") is True, fonts
    assert not [name for name in fonts if "DejaVu" in name], fonts


@pytest.mark.office
def test_expected_pages_mismatch_raises(tmp_path: Path) -> None:
    soffice = require_soffice()
    deck = write_deck(tmp_path / "deck.pptx", slides=2)
    target = tmp_path / "out" / "deck.pdf"
    with pytest.raises(ConverterProblemError, match="wrote 2 PDF pages, expected 3"):
        convert_to_pdf(deck, target, expected_pages=3, soffice=soffice)
    assert not target.exists()


@pytest.mark.office
def test_damaged_deck_is_refused_not_converted_as_text(tmp_path: Path) -> None:
    soffice = require_soffice()
    damaged = tmp_path / "damaged.pptx"
    damaged.write_text("not a zip")
    with pytest.raises(ConverterProblemError, match="LibreOffice wrote no PDF"):
        convert_to_pdf(damaged, tmp_path / "damaged.pdf", soffice=soffice)
    assert not (tmp_path / "damaged.pdf").exists()


@pytest.mark.office
@pytest.mark.parametrize("timeout", [0.01, 0.5])
def test_timeout_kills_the_group_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: float
) -> None:
    soffice = require_soffice()
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the process group")
    deck = write_deck(tmp_path / "deck.pptx")
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    started: list[int] = []

    class RecordingPopen(subprocess.Popen[bytes]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self.pid)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    output = tmp_path / "out"
    with pytest.raises(ConverterProblemError, match=f"took longer than {timeout:g} s"):
        convert_to_pdf(deck, output / "deck.pdf", timeout=timeout, soffice=soffice)
    [group] = started
    deadline = time.monotonic() + 5
    while live_members(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(group) == []
    assert list(private.iterdir()) == []
    assert not output.exists() or list(output.iterdir()) == []


def test_missing_soffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "SEARCH_FOLDERS", ())
    deck = write_deck(tmp_path / "deck.pptx")
    with pytest.raises(ConverterProblemError) as raised:
        convert_to_pdf(deck, tmp_path / "deck.pdf")
    assert "apt-get install libreoffice-impress libreoffice-writer" in raised.value.message
    assert "https://www.libreoffice.org/download/" in raised.value.message
    assert not (tmp_path / "deck.pdf").exists()


def test_soffice_found_outside_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for version in ("7.5", "24.2"):
        program = tmp_path / f"opt/libreoffice{version}/program"
        program.mkdir(parents=True)
        (program / "soffice").write_text("#!/bin/sh\n")
        (program / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf_module, "SEARCH_FOLDERS", (f"{tmp_path}/opt/libreoffice*/program",))
    # The newest version wins, although "libreoffice7.5" sorts after "libreoffice24.2" as text.
    assert find_soffice() == tmp_path / "opt/libreoffice24.2/program/soffice"


def test_missing_pdftoppm_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConverterProblemError, match="apt-get install poppler-utils"):
        render_previews(tmp_path / "deck.pdf", tmp_path, "deck")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("deck.key", "only .pptx and .docx can be"),
        ("absent.pptx", "no such file to convert to PDF"),
    ],
)
def test_unconvertible_sources(tmp_path: Path, name: str, message: str) -> None:
    source = tmp_path / name
    if source.suffix == ".key":
        source.write_bytes(b"")
    with pytest.raises(ConverterProblemError, match=message):
        convert_to_pdf(source, tmp_path / "out.pdf")


@pytest.mark.parametrize(
    ("number", "width", "name"),
    [
        (1, 2, "Deck (slide 01).png"),
        (12, 2, "Deck (slide 12).png"),
        (7, 3, "Deck (slide 007).png"),
    ],
)
def test_preview_name(number: int, width: int, name: str) -> None:
    assert preview_name("Deck", number, width) == name


@pytest.mark.office
def test_render_previews_writes_one_png_per_slide(converted: Converted, tmp_path: Path) -> None:
    require_tool("pdftoppm")
    stem = "CIP-CCG Status Update 2024-08-30"
    stale = tmp_path / f"{stem} (slide 04).png"
    stale.write_bytes(b"from a longer deck")
    unrelated = tmp_path / "notes (slide 04).png"
    unrelated.write_bytes(b"not ours")
    progress: list[str] = []
    previews = render_previews(converted.deck, tmp_path, stem, dpi=20, progress=progress.append)
    assert [path.name for path in previews] == [
        f"{stem} (slide 01).png",
        f"{stem} (slide 02).png",
        f"{stem} (slide 03).png",
    ]
    for path in previews:
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not stale.exists()
    assert unrelated.exists()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []
    assert progress == [f"rendering slide previews of {converted.deck.name}…"]


def one_page_pdf() -> bytes:
    """Return the bytes of a valid PDF with one blank page."""
    document = pikepdf.new()
    document.add_blank_page()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


ONE_PAGE_PDF = one_page_pdf()

FAKE_SOFFICE = """#!{python}
# A stand-in for LibreOffice: logs its arguments, makes the profile, writes a PDF per source.
import json, pathlib, sys, urllib.parse, urllib.request
args = sys.argv[1:]
with open({log!r}, "a") as log:
    log.write(json.dumps(args) + "\\n")
profile = next(arg for arg in args if arg.startswith("-env:UserInstallation="))
url = urllib.parse.urlparse(profile.split("=", 1)[1])
(pathlib.Path(urllib.request.url2pathname(url.path)) / "user").mkdir(parents=True, exist_ok=True)
if "--convert-to" in args:
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    outdir.mkdir(parents=True, exist_ok=True)
    for source in args[args.index("--outdir") + 2 :]:
        (outdir / (pathlib.Path(source).stem + ".pdf")).write_bytes({pdf!r})
"""


@dataclass(frozen=True)
class FakeOffice:
    """A stand-in LibreOffice on PATH, the log of its starts, and the cache folder in use."""

    soffice: Path
    log: Path
    cache: Path

    def starts(self) -> list[list[str]]:
        """Return the arguments of every start, in order."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def fake_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeOffice:
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "soffice.log"
    soffice = tools / "soffice"
    soffice.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log), pdf=ONE_PAGE_PDF))
    soffice.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return FakeOffice(soffice, log, tmp_path / "cache" / "cipdocs")


def profile_of(start: list[str]) -> str:
    return next(arg for arg in start if arg.startswith("-env:UserInstallation="))


def test_both_documents_convert_in_one_libreoffice_start(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path / "Update.pptx")
    document = write_document(tmp_path / "Update.docx")
    out = tmp_path / "out"
    with started_office() as office:
        pdfs = office.convert(
            [Conversion(deck, out / "slides.pdf"), Conversion(document, out / "document.pdf")],
            timeout=60,
            progress=None,
        )
    assert pdfs == [out / "slides.pdf", out / "document.pdf"]
    assert all(pdf.read_bytes() == ONE_PAGE_PDF for pdf in pdfs)
    # The background start and the conversion race to write the log: sort them by what they do.
    conversion, server = sorted(fake_office.starts(), key=lambda start: "--convert-to" not in start)
    assert "--convert-to" not in server and "--headless" in server
    assert [Path(arg).suffix for arg in conversion[conversion.index("--outdir") + 2 :]] == [
        ".pptx",
        ".docx",
    ]
    assert profile_of(server) == profile_of(conversion)


def test_the_profile_is_kept_in_the_cache_between_runs(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    document = write_document(tmp_path / "Update.docx")
    for run in ("first", "second"):
        convert_to_pdf(document, tmp_path / f"{run}.pdf", soffice=fake_office.soffice)
    first, second = fake_office.starts()
    cached = (fake_office.cache / "libreoffice-profile").as_uri()
    assert profile_of(first) != f"-env:UserInstallation={cached}"  # made privately, then kept
    assert profile_of(second) == f"-env:UserInstallation={cached}"
    assert (fake_office.cache / "libreoffice-profile" / "user").is_dir()


def test_a_second_run_at_the_same_time_gets_a_private_profile(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    (fake_office.cache / "libreoffice-profile").mkdir(parents=True)
    with started_office() as first, started_office() as second:
        assert first.profile == fake_office.cache / "libreoffice-profile"
        assert second.profile == second.work / "profile"
    with started_office() as third:
        assert third.profile == fake_office.cache / "libreoffice-profile"


def test_missing_libreoffice_is_reported_when_converting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "SEARCH_FOLDERS", ())
    document = write_document(tmp_path / "Update.docx")
    with started_office() as office, pytest.raises(ConverterProblemError, match="not installed"):
        office.convert([Conversion(document, tmp_path / "u.pdf")], timeout=60, progress=None)


@pytest.mark.parametrize(
    ("listed", "warned"), [("", True), ("Carlito\n", False)], ids=["missing", "installed"]
)
def test_substitute_font_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: str, warned: bool
) -> None:
    fc_list = tmp_path / "fc-list"
    fc_list.write_text(f"#!/bin/sh\nprintf '{listed}'\n")
    fc_list.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    warning = substitute_font_warning()
    assert (warning is not None) == warned
    if warning:
        assert "the PDF will use a substitute font" in warning


def test_deck_pdf_warns_once_when_carlito_is_missing(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    fc_list = fake_office.soffice.with_name("fc-list")
    fc_list.write_text("#!/bin/sh\n")
    fc_list.chmod(0o755)
    result = CliRunner().invoke(
        cli,
        ["deck", str(SAMPLE_WORKBOOK), "-o", str(tmp_path / "out"), "--format", "docx", "--pdf"],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("the PDF will use a substitute font") == 1
    assert result.stdout.splitlines()[-1].endswith("(document).pdf")


def test_an_untagged_pdf_is_written_and_said_in_one_line(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    # The stand-in writes an untagged PDF, as LibreOffice before 7.4 does.
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["deck", str(SAMPLE_WORKBOOK), "-o", str(out), "--format", "docx", "--pdf"]
    )
    assert result.exit_code == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "PDF/UA" in line]
    assert line == (
        "warning: CIP-CCG Status Update 2024-08-30 (document).pdf is not PDF/UA (tagged, "
        "accessible): LibreOffice wrote untagged PDF; install LibreOffice 7.4 or later "
        "(docs/rendering.md)"
    )
    assert (out / "CIP-CCG Status Update 2024-08-30 (document).pdf").read_bytes() == ONE_PAGE_PDF


def process_with_profile(profile: Path) -> subprocess.Popen[bytes]:
    """Start a stand-in for a LibreOffice left running with `profile` by a killed run."""
    marker = f"-env:UserInstallation={profile.as_uri()}"
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", marker], start_new_session=True
    )
    # Popen returns while the child is still in exec (vfork), before the kernel has set the
    # arguments /proc shows (empty until then); a LibreOffice a killed run left shows them.
    arguments = Path(f"/proc/{process.pid}/cmdline")
    for _ in range(1000):
        if marker.encode() in arguments.read_bytes().split(b"\0"):
            break
        time.sleep(0.01)
    return process


def dead_process_id() -> int:
    """Return the id of a process that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_a_killed_runs_libreoffice_and_folder_are_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    abandoned = tmp_path / "cipdocs-soffice-abandoned"
    (abandoned / "profile").mkdir(parents=True)
    (abandoned / "owner.pid").write_text(f"{dead_process_id()}\n")
    orphan = process_with_profile(abandoned / "profile")
    # A run still going: its folder and its LibreOffice stay.
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    busy = tmp_path / "cipdocs-soffice-busy"
    (busy / "profile").mkdir(parents=True)
    (busy / "owner.pid").write_text(f"{running.pid}\n")
    working = process_with_profile(busy / "profile")
    try:
        pdf_module.remove_abandoned_offices()
        assert orphan.wait(timeout=30) == -9
        assert not abandoned.exists()
        assert busy.is_dir()
        assert working.poll() is None
    finally:
        for process in (orphan, running, working):
            process.kill()
            process.wait()


def test_a_libreoffice_left_on_the_cached_profile_is_stopped(
    fake_office: FakeOffice, tmp_path: Path
) -> None:
    cached = fake_office.cache / "libreoffice-profile"
    cached.mkdir(parents=True)
    (cached / ".lock").write_text("a killed run's LibreOffice lock")
    orphan = process_with_profile(cached)
    try:
        with started_office():
            pass
        assert orphan.wait(timeout=30) == -9
        assert not (cached / ".lock").exists()
    finally:
        orphan.kill()
        orphan.wait()
