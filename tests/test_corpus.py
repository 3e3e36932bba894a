"""Real templates from other producers (the corpus in ../shared/corpus), used as staff would.

Every .pptx and .docx that the corpus's MANIFEST.json lists gets a placeholder typed in as staff
would type it (a text box on the first slide; a paragraph at the end of the Word body), then
`cipdocs deck` (app.build_documents) fills it from the sample workbook. A template is filled, or
refused in one line that names it and says what to do; a refusal is fair only for the files the
manifest marks as EDGE (a Strict or password-protected file), and says so. A written document
shows the placeholder filled, keeps every part of its template (media byte for byte), passes the
Open XML SDK whenever its template does, and LibreOffice draws it with one page per shown slide.

The files are read where they are, never copied into the project: ``$CIPDOCS_CORPUS``, else
``../shared/corpus`` beside the checkout, else ``/work/shared/corpus``. All documents go to
LibreOffice in one run, in the background while the SDK validates them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import traceback
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pptx
import pytest

from cipdocs.app import build_documents, inspect_templates
from cipdocs.errors import CipdocsError
from cipdocs.loading import LoadedReport, load_report
from cipdocs.office.pdf import count_pdf_pages
from cipdocs.options import DeckRequest, OutputFormat
from cipdocs.report.present import present_report
from cipdocs.templating import make_environment
from tests.conftest import DECK_TEMPLATE, ROOT, SAMPLE_WORKBOOK, UPDATE_TEMPLATE

CORPUS_VARIABLE = "CIPDOCS_CORPUS"
KINDS = ("pptx", "docx")

TYPED_ON_SLIDE = "{{ report_date | short_date }}"
TYPED_IN_WORD = (
    "Update of {{ report_date | long_date }}: {{ groups_represented }} of {{ groups_total }} groups"
)
STAFF_BOX = "Staff note"

OFFICE_TIMEOUT = 600.0
"""Seconds LibreOffice may take for every document of the corpus in one run."""
NO_SOFFICE = "LibreOffice (soffice) is not installed: run scripts/install-office.sh"
NO_VALIDATOR = "the Open XML SDK validator is not set up: run `python scripts/openxml.py setup`"

KNOWN: dict[str, str] = {}
"""Files of the corpus that still fail, and why: the failures are other issues' to fix."""

EDGE_WORDS = {"strict": "Strict", "password": "password"}
"""What an EDGE file's refusal must say, by a word of its manifest note."""


def corpus_folder() -> Path | None:
    """Return the corpus folder, or None when there is none here."""
    configured = os.environ.get(CORPUS_VARIABLE)
    candidates = [Path(configured)] if configured else []
    candidates += [ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    return next((folder for folder in candidates if (folder / "MANIFEST.json").is_file()), None)


@dataclass(frozen=True)
class Entry:
    """One template of the corpus, as its manifest describes it."""

    path: Path
    kind: str
    producer: str
    note: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def edge(self) -> bool:
        """Return True for a file made to be refused (Strict, encrypted)."""
        return self.note.startswith("EDGE")


def read_entries() -> list[Entry]:
    """Return the corpus's templates, in manifest order; none when there is no corpus."""
    folder = corpus_folder()
    if folder is None:
        return []
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return [
        Entry(folder / item["file"], item["kind"], item.get("producer", ""), item.get("note", ""))
        for item in manifest["files"]
        if item["kind"] in KINDS
    ]


def parameters() -> list[Any]:
    """Return one parameter per template, marked xfail where `KNOWN` says why it fails."""
    entries = read_entries()
    if not entries:
        reason = (
            f"no corpus of real files here: set ${CORPUS_VARIABLE} or put it in ../shared/corpus"
        )
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    return [
        pytest.param(
            entry,
            id=entry.name,
            marks=[pytest.mark.xfail(reason=KNOWN[entry.name], strict=True)]
            if entry.name in KNOWN
            else [],
        )
        for entry in entries
    ]


PARAMETERS = parameters()


@dataclass
class Outcome:
    """What cipdocs made of one template, and what the SDK and LibreOffice made of that."""

    entry: Entry
    template: Path
    """What cipdocs was given: the file with placeholders typed in, or the file itself."""
    typed: bool
    written: Path | None = None
    refusal: CipdocsError | None = None
    crash: str | None = None
    listing: list[str] = field(default_factory=list)
    """`cipdocs templates`: its problems, or its refusal's lines."""
    converted: Path | None = None
    """The written document's PDF (from LibreOffice), None until converted or when it failed."""


# -- staff typing placeholders --------------------------------------------------------------


def type_on_first_slide(source: Path, destination: Path) -> None:
    """Add a text box with a placeholder on the first slide, sized for the slide, and save."""
    deck = pptx.Presentation(str(source))
    width, height = int(deck.slide_width), int(deck.slide_height)
    slide = deck.slides[0]
    box = slide.shapes.add_textbox(width // 20, height // 20, width // 2, height * 3 // 20)
    box.name = STAFF_BOX
    box.text_frame.text = TYPED_ON_SLIDE
    points = min(14.0, max(6.0, height / 12700 * 0.075))
    box.text_frame.paragraphs[0].runs[0].font.size = pptx.util.Pt(points)
    deck.save(str(destination))


def type_at_end_of_body(source: Path, destination: Path) -> None:
    """Add a paragraph with placeholders at the end of the Word body, and save."""
    document = docx.Document(str(source))
    document.add_paragraph(TYPED_IN_WORD)
    document.save(str(destination))


def staff_template(entry: Entry, folder: Path) -> tuple[Path, bool]:
    """Return the template staff would use and whether placeholders could be typed into it.

    A file python-pptx or python-docx cannot open (Strict, encrypted) is given as it is.
    """
    typed = folder / f"{entry.path.stem} (staff){entry.path.suffix}"
    typing = type_on_first_slide if entry.kind == "pptx" else type_at_end_of_body
    try:
        typing(entry.path, typed)
    except Exception:  # whatever the libraries raise, cipdocs gets the file itself
        return entry.path, False
    return typed, True


# -- running cipdocs ------------------------------------------------------------------------


def run_cipdocs(entry: Entry, loaded: LoadedReport, folder: Path) -> Outcome:
    """Type placeholders into the template, fill it, and list it, as `deck` and `templates` do."""
    template, typed = staff_template(entry, folder)
    outcome = Outcome(entry, template, typed)
    request = DeckRequest(
        workbook=SAMPLE_WORKBOOK,
        output_dir=folder / entry.path.stem,
        deck_template=template if entry.kind == "pptx" else DECK_TEMPLATE,
        update_template=template if entry.kind == "docx" else UPDATE_TEMPLATE,
        output_format=OutputFormat(entry.kind),
        parallel=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's warning of a broken package is a failure
        try:
            (outcome.written,) = build_documents(request, loaded, lambda _: None)
        except CipdocsError as error:
            outcome.refusal = error
        except Exception:  # a traceback the user would see is what is tested
            outcome.crash = traceback.format_exc()
        try:
            outcome.listing = [
                str(p) for found in inspect_templates([template]) for p in found.problems
            ]
        except CipdocsError as error:
            outcome.listing = error.lines()
        except Exception:
            outcome.crash = outcome.crash or traceback.format_exc()
    return outcome


@dataclass
class OfficeRun:
    """One LibreOffice run converting many documents, started in the background."""

    process: subprocess.Popen[bytes] | None
    inbox: dict[Path, Path]
    """Each document's copy under a name of its own, by document."""
    outbox: Path
    log: Path

    def wait(self) -> None:
        """Wait for the run to end; kill it (and what it started) past `OFFICE_TIMEOUT`."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=OFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            raise

    def stop(self) -> None:
        """End the run if it is still going."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pdf_of(self, document: Path) -> Path | None:
        """Return the PDF LibreOffice wrote for `document`, None when it wrote none."""
        pdf = self.outbox / f"{self.inbox[document].stem}.pdf"
        return pdf if pdf.is_file() else None


def start_office(documents: list[Path], folder: Path) -> OfficeRun:
    """Start one LibreOffice run converting every document to PDF, without waiting for it."""
    inbox = folder / "in"
    inbox.mkdir(parents=True)
    copies = {}
    for number, document in enumerate(documents):
        copies[document] = inbox / f"{number}{document.suffix}"
        shutil.copyfile(document, copies[document])
    soffice = shutil.which("soffice")
    process = None
    if soffice is not None and copies:
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            *map(str, copies.values()),
        ]
        with (folder / "office.log").open("wb") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    return OfficeRun(process, copies, folder / "out", folder / "office.log")


@dataclass
class Corpus:
    """Every template's outcome, by file name, and the LibreOffice run over what was written."""

    outcomes: dict[str, Outcome]
    office: OfficeRun
    converted: bool = False

    def conversions(self) -> OfficeRun:
        """Return the LibreOffice run, once it has ended."""
        if not self.converted:
            self.office.wait()
            self.converted = True
        return self.office


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """Run cipdocs over every template of the corpus, then start LibreOffice on the results."""
    folder = tmp_path_factory.mktemp("corpus")
    loaded = load_report(SAMPLE_WORKBOOK)
    outcomes = {entry.name: run_cipdocs(entry, loaded, folder) for entry in read_entries()}
    written = [outcome.written for outcome in outcomes.values() if outcome.written is not None]
    office = start_office(written, folder / "office")
    try:
        yield Corpus(outcomes, office)
    finally:
        office.stop()


@pytest.fixture(scope="module")
def validator() -> Any:
    """Return the Open XML SDK's validator, or skip with the reason it cannot run here."""
    from scripts.openxml import SetupError, Validator, cache_folder, is_ready

    if importlib.util.find_spec("pythonnet") is None or not is_ready(cache_folder()):
        pytest.skip(NO_VALIDATOR)
    try:
        return Validator(cache_folder())
    except SetupError as error:
        pytest.skip(f"{error}; {NO_VALIDATOR}")


def sdk_errors(validator: Any, path: Path) -> list[str]:
    """Return what the SDK finds wrong with `path`; a package it cannot open is one error."""
    try:
        return [str(error) for error in validator.validate(path)]
    except Exception as error:  # .NET's exceptions come through pythonnet
        return [f"the SDK cannot open it: {error}"]


def written_outcome(corpus: Corpus, entry: Entry | None) -> Outcome:
    """Return the outcome of a template that was filled; skip for one that was not."""
    assert entry is not None
    outcome = corpus.outcomes[entry.name]
    if outcome.written is None:
        pytest.skip(f"{entry.name} was not filled (the first test says why)")
    return outcome


def shown_slides(deck: Path) -> int:
    """Return the slides of `deck` a PDF shows: those not hidden."""
    slides = pptx.Presentation(str(deck)).slides
    return sum(1 for slide in slides if slide._element.get("show") not in ("0", "false"))


# -- the tests, one per template ----------------------------------------------------------------


@pytest.mark.parametrize("entry", PARAMETERS)
def test_a_real_template_is_filled_or_refused_in_one_fair_line(
    corpus: Corpus, entry: Entry | None
) -> None:
    assert entry is not None
    outcome = corpus.outcomes[entry.name]
    assert outcome.crash is None, f"{entry.name} ({entry.producer}): traceback\n{outcome.crash}"
    if outcome.refusal is not None:
        lines = outcome.refusal.lines()
        assert all("\n" not in line for line in lines), lines
        assert str(outcome.template) in lines[-1], f"the refusal does not name the file: {lines}"
        assert "; " in lines[-1], f"the refusal gives no fix: {lines}"
        assert entry.edge, f"{entry.name} ({entry.producer}, {entry.note}) was refused: {lines}"
        message = lines[-1].replace(str(outcome.template), "FILE").lower()
        for word, said in EDGE_WORDS.items():
            if word in entry.note.lower():
                assert said.lower() in message, f"it does not say {said!r}: {lines}"
        return
    assert outcome.written is not None
    context = present_report(load_report(SAMPLE_WORKBOOK).report).as_template_context()
    if entry.kind == "pptx":
        expected = make_environment().from_string(TYPED_ON_SLIDE).render(context)
        first = pptx.Presentation(str(outcome.written)).slides[0]
        typed = [shape.text_frame.text for shape in first.shapes if shape.name == STAFF_BOX]
        assert typed == ([expected] if outcome.typed else [])
    else:
        expected = make_environment().from_string(TYPED_IN_WORD).render(context)
        paragraphs = [p.text for p in docx.Document(str(outcome.written)).paragraphs]
        assert (expected in paragraphs) == outcome.typed
    assert outcome.listing == [], (
        f"`cipdocs templates` fails a template `deck` fills: {outcome.listing}"
    )


@pytest.mark.parametrize("entry", PARAMETERS)
def test_every_part_of_the_template_is_kept(corpus: Corpus, entry: Entry | None) -> None:
    outcome = written_outcome(corpus, entry)
    assert outcome.written is not None
    with zipfile.ZipFile(outcome.template) as template, zipfile.ZipFile(outcome.written) as written:
        kept = set(written.namelist())
        assert [name for name in template.namelist() if name not in kept] == []
        binary = [name for name in template.namelist() if not name.endswith((".xml", ".rels"))]
        assert [name for name in binary if template.read(name) != written.read(name)] == []


@pytest.mark.openxml
@pytest.mark.parametrize("entry", PARAMETERS)
def test_the_document_is_valid_whenever_its_template_is(
    corpus: Corpus, validator: Any, entry: Entry | None
) -> None:
    outcome = written_outcome(corpus, entry)
    assert outcome.written is not None
    before = sdk_errors(validator, outcome.template)
    after = sdk_errors(validator, outcome.written)
    if before:
        assert len(after) <= len(before), after  # the template's own errors, no more
    else:
        assert after == []


@pytest.mark.office
@pytest.mark.parametrize("entry", PARAMETERS)
def test_libreoffice_draws_one_page_per_shown_slide(corpus: Corpus, entry: Entry | None) -> None:
    outcome = written_outcome(corpus, entry)
    assert outcome.written is not None
    if shutil.which("soffice") is None:
        pytest.skip(NO_SOFFICE)
    pdf = corpus.conversions().pdf_of(outcome.written)
    if pdf is None:
        pdf = convert_alone(outcome.template, outcome.written.parent / "template")
        assert pdf is None, "LibreOffice converts the template but not the document cipdocs wrote"
        pytest.skip("LibreOffice cannot convert the template either")
    pages = count_pdf_pages(pdf)
    if entry is not None and entry.kind == "pptx":
        assert pages == shown_slides(outcome.written)
    else:
        assert pages >= 1


def convert_alone(document: Path, folder: Path) -> Path | None:
    """Convert one document with LibreOffice; return its PDF, None when none was written."""
    office = start_office([document], folder)
    office.wait()
    return office.pdf_of(document)
