"""Faults from outside: signals, file-size limits, full or read-only folders, closed streams.

Each case runs `cipdocs deck` as a real process over an output folder that holds an earlier,
hand-edited update of the same date, and asserts the one-line message, the documented exit
code (docs/errors.md) and that every earlier file is byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pptx import Presentation
from pptx.util import Inches

from cipdocs import app, loading, options
from tests.conftest import DECK_TEMPLATE, ROOT, SAMPLE_WORKBOOK, UPDATE_TEMPLATE

STEM = "CIP-CCG Status Update 2024-08-30"
MEMORY_LIMIT_KB = 200 * 1024

# Runs the command it is given and reports the peak memory of it and its children, so that
# the measure is that run's alone, whatever else the test process started before.
MEASURE = """
import json, resource, subprocess, sys
limit = int(sys.argv[1])
def limited():
    if limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
done = subprocess.run(sys.argv[2:], preexec_fn=limited, capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([done.returncode, done.stdout, done.stderr, peak]))
"""


def snapshot(folder: Path) -> dict[str, str]:
    """Return every file under `folder` (hidden ones too) with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def earlier_update(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with the sample's deck and Word update, each edited by hand since."""
    folder = tmp_path_factory.mktemp("earlier")
    request = options.DeckRequest(
        workbook=SAMPLE_WORKBOOK,
        output_dir=folder,
        deck_template=DECK_TEMPLATE,
        update_template=UPDATE_TEMPLATE,
    )
    deck, update = app.build_documents(request, loading.load_report(SAMPLE_WORKBOOK), print)
    presentation = Presentation(str(deck))
    box = presentation.slides[0].shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(1))
    box.text_frame.text = "DRAFT"
    presentation.save(str(deck))
    document = docx.Document(str(update))
    document.add_paragraph("Added by hand before circulating.")
    document.save(str(update))
    return folder


@pytest.fixture
def output(earlier_update: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the earlier, edited update for one test to run over."""
    folder = tmp_path / "output"
    shutil.copytree(earlier_update, folder)
    return folder


def fake_soffice(tmp_path: Path, body: str) -> dict[str, str]:
    """Put a stand-in `soffice` running the Python `body` on PATH; return the environment."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    fake = tools / "soffice"
    fake.write_text(f"#!{sys.executable}\nimport os, pathlib, sys, time\n{body}\n")
    fake.chmod(0o755)
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    return {
        **os.environ,
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "TMPDIR": str(temporary),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def deck_command(output: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cipdocs",
        "deck",
        str(SAMPLE_WORKBOOK),
        "-o",
        str(output),
        *extra,
    ]


def run_measured(
    command: list[str], *, size_limit: int = 0, env: dict[str, str] | None = None
) -> tuple[int, str, str, int]:
    """Run `command` (under a file-size limit, if given); return its exit code, stdout,
    stderr and peak memory in KB."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(size_limit), *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    code, stdout, stderr, peak = json.loads(done.stdout)
    return code, stdout, stderr, peak


def error_line(stderr: str) -> str:
    """Return the one `error:` line of `stderr`, failing when there is not exactly one."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    return errors[0]


def test_a_file_size_limit_fails_the_run_and_changes_nothing(output: Path) -> None:
    before = snapshot(output)
    smaller = min(path.stat().st_size for path in output.iterdir())
    code, stdout, stderr, peak = run_measured(deck_command(output), size_limit=smaller // 2)
    assert code == 6, stderr
    assert "would exceed this session's file-size limit" in error_line(stderr)
    assert "(ulimit -f)" in stderr
    assert stdout == ""
    assert snapshot(output) == before
    assert peak < MEMORY_LIMIT_KB


WRITES_A_LARGE_PDF = """
args = sys.argv[1:]
if "--convert-to" in args:
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    outdir.mkdir(parents=True, exist_ok=True)
    for source in args[args.index("--outdir") + 2 :]:
        with open(outdir / (pathlib.Path(source).stem + ".pdf"), "wb") as pdf:
            pdf.write(b"%PDF-1.7\\n" + b"0" * int(os.environ["FAKE_PDF_SIZE"]))
"""


def test_a_file_size_limit_during_pdf_is_named_as_such(output: Path, tmp_path: Path) -> None:
    before = snapshot(output)
    larger = max(path.stat().st_size for path in output.iterdir())
    environment = fake_soffice(tmp_path, WRITES_A_LARGE_PDF)
    environment["FAKE_PDF_SIZE"] = str(4 * larger)
    code, _, stderr, _ = run_measured(
        deck_command(output, "--pdf"), size_limit=2 * larger, env=environment
    )
    assert code == 6, stderr
    line = error_line(stderr)
    assert "LibreOffice could not write the PDF: this session limits files to" in line
    assert "wrote no PDF" not in stderr
    assert snapshot(output) == before
    assert list((tmp_path / "tmp").iterdir()) == []


WRITES_GARBAGE = """
args = sys.argv[1:]
if "--convert-to" in args:
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    outdir.mkdir(parents=True, exist_ok=True)
    for source in args[args.index("--outdir") + 2 :]:
        (outdir / (pathlib.Path(source).stem + ".pdf")).write_bytes(b"%PDF-1.4 not really")
"""


def test_the_word_pdf_is_validated_like_the_decks(output: Path, tmp_path: Path) -> None:
    before = snapshot(output)
    environment = fake_soffice(tmp_path, WRITES_GARBAGE)
    code, _, stderr, _ = run_measured(
        deck_command(output, "--format", "docx", "--pdf"), env=environment
    )
    assert code == 7, stderr
    line = error_line(stderr)
    assert f"{STEM}.docx: LibreOffice wrote a broken PDF (" in line
    assert snapshot(output) == before


SLOW = """
with open(os.environ["FAKE_PIDS"], "a") as pids:
    pids.write(f"{os.getpid()}\\n")
time.sleep(60)
"""


def gone(pid: int) -> bool:
    """Return True when process `pid` has ended (a zombie waiting to be reaped counts)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def wait_until(condition: Callable[[], bool]) -> bool:
    """Poll `condition` for up to 20 s (an upper bound, never a timing assertion)."""
    for _ in range(200):
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def start_converting(output: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """Start `deck --pdf` with a LibreOffice that converts slowly; return the run and the file
    its LibreOffice processes write their ids to, once both are up and converting."""
    environment = fake_soffice(tmp_path, SLOW)
    pids = tmp_path / "soffice.pids"
    environment["FAKE_PIDS"] = str(pids)
    process = subprocess.Popen(
        deck_command(output, "--pdf"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("converting"):
            break
    assert wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    return process, pids


@pytest.mark.parametrize(
    ("stop", "code", "last_line"),
    [
        (signal.SIGTERM, 143, "interrupted (SIGTERM)"),
        (signal.SIGHUP, 129, "interrupted (SIGHUP)"),
        (signal.SIGINT, 130, "interrupted"),
    ],
)
def test_a_signal_during_pdf_stops_libreoffice_and_changes_nothing(
    output: Path, tmp_path: Path, stop: signal.Signals, code: int, last_line: str
) -> None:
    before = snapshot(output)
    process, pids = start_converting(output, tmp_path)
    process.send_signal(stop)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.splitlines()[-1] == last_line
    assert "Traceback" not in stderr
    assert stdout == ""
    assert snapshot(output) == before
    # LibreOffice (both starts: the idle one and the converting one) is gone, and so are
    # the run's temporary folders.
    for pid in map(int, pids.read_text().split()):
        assert wait_until(lambda pid=pid: gone(pid)), f"soffice {pid} outlived cipdocs"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_closed_stdout_is_one_line_and_changes_nothing(output: Path) -> None:
    before = snapshot(output)
    done = subprocess.run(
        deck_command(output),
        preexec_fn=lambda: os.close(1),
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 6
    assert done.stderr == (
        "error: standard output is closed, so cipdocs could not say what it does; "
        "run it with both open (add >/dev/null to discard the list of files)\n"
    )
    assert snapshot(output) == before


def test_a_closed_stderr_is_said_on_stdout(output: Path) -> None:
    before = snapshot(output)
    done = subprocess.run(
        deck_command(output),
        preexec_fn=lambda: os.close(2),
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 6
    assert done.stdout.startswith("error: standard error is closed")
    assert snapshot(output) == before


def test_a_broken_stdout_is_one_line_and_the_files_are_complete(output: Path) -> None:
    # --fresh: the hand edit is not carried (issue 17), so the new update is told from the
    # hand-edited one by its last paragraph.
    process = subprocess.Popen(
        deck_command(output, "--fresh"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away, as `cipdocs deck | true` does
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait() == 6
    assert error_line(stderr) == (
        "error: standard output was closed before cipdocs finished printing (broken pipe); "
        "files it wrote are complete"
    )
    assert "Exception ignored" not in stderr
    # The new update is in place and whole; the hand-edited one is kept.
    assert [p.text for p in docx.Document(str(output / f"{STEM}.docx")).paragraphs][-1] != (
        "Added by hand before circulating."
    )
    assert len(list((output / "replaced").iterdir())) == 2


def test_a_deleted_current_folder_is_one_line(output: Path, tmp_path: Path) -> None:
    before = snapshot(output)
    doomed = tmp_path / "doomed"
    doomed.mkdir()

    def leave_a_deleted_folder() -> None:
        os.chdir(doomed)
        doomed.rmdir()

    done = subprocess.run(
        deck_command(output),
        preexec_fn=leave_a_deleted_folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert done.returncode == 6
    assert done.stderr == (
        "error: the current folder no longer exists (it was deleted or moved); "
        "cd to an existing folder and run again\n"
    )
    assert snapshot(output) == before


def test_the_word_update_child_dies_with_its_parent(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    script = (
        "import os, time\n"
        "from cipdocs.parallel import run_beside\n"
        f"run_beside(lambda: (open({str(marker)!r}, 'w').write(str(os.getpid())), "
        "time.sleep(60)))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    assert wait_until(lambda: marker.exists() and marker.read_text() != "")
    child = int(marker.read_text())
    parent.kill()  # SIGKILL: no clean-up code of the parent runs
    parent.wait()
    assert wait_until(lambda: gone(child)), "the child outlived its parent"


# Runs inside a private mount namespace (`unshare -rm`): mounts a small tmpfs, fills it as asked,
# runs the command and reports its outcome with the hashes of the tmpfs's files before and after.
IN_NAMESPACE = """
import hashlib, json, pathlib, shutil, subprocess, sys
spec = json.loads(sys.argv[1])
mount = pathlib.Path(spec["mount"])
def snapshot():
    return {str(p.relative_to(mount)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(mount.rglob("*")) if p.is_file()}
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + spec["size"], "tmpfs", str(mount)],
               check=True)
if spec["copy"]:
    shutil.copytree(spec["copy"], mount / "output")
if spec["read_only"]:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
before = snapshot()
done = subprocess.run(spec["command"], capture_output=True, text=True, env=spec["env"])
print(json.dumps([done.returncode, done.stderr, before, snapshot()]))
"""


def in_small_folder(
    tmp_path: Path,
    command: list[str],
    *,
    size: int,
    copy: Path | None = None,
    read_only: bool = False,
    env: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str], dict[str, str]]:
    """Run `command` with a tmpfs of `size` bytes mounted at tmp_path/small (holding a copy
    of `copy` as small/output); return its exit code, stderr and the tmpfs's files before and
    after. Skip where unprivileged mount namespaces are not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rm", "true"], check=False).returncode:
        pytest.skip("needs `unshare -rm` (unprivileged user and mount namespaces) for a tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    spec = {
        "mount": str(mount),
        "size": str(size),
        "copy": str(copy) if copy else "",
        "read_only": read_only,
        "command": command,
        "env": env or dict(os.environ),
    }
    done = subprocess.run(
        [unshare, "-rm", sys.executable, "-c", IN_NAMESPACE, json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    code, stderr, before, after = json.loads(done.stdout)
    return code, stderr, before, after


PAGE = 4096


def pages(folder: Path) -> int:
    """Return how many bytes the files in `folder` take on a tmpfs (whole pages)."""
    return sum(-(-path.stat().st_size // PAGE) * PAGE for path in folder.rglob("*"))


def test_a_full_output_folder_is_one_line_and_changes_nothing(
    earlier_update: Path, tmp_path: Path
) -> None:
    output = tmp_path / "small" / "output"
    code, stderr, before, after = in_small_folder(
        tmp_path,
        deck_command(output),
        size=pages(earlier_update) + 2 * PAGE,
        copy=earlier_update,
    )
    assert code == 6, stderr
    assert "the disk is full (No space left on device)" in error_line(stderr)
    assert after == before


def test_a_read_only_output_folder_is_one_line(earlier_update: Path, tmp_path: Path) -> None:
    output = tmp_path / "small" / "output"
    code, stderr, before, after = in_small_folder(
        tmp_path, deck_command(output), size=1 << 20, copy=earlier_update, read_only=True
    )
    assert code == 6, stderr
    assert "cannot write here (Read-only file system)" in error_line(stderr)
    assert after == before


@pytest.mark.parametrize(
    ("size", "soffice", "message"),
    [
        # Not even room for the copy made for LibreOffice.
        (16 * 1024, "time.sleep(60)", "the temporary folder is full (No space left on device)"),
        # Room for the copies, but not for LibreOffice to work: it writes no PDF.
        (1 << 20, "time.sleep(1)", "the temporary folder is nearly full ("),
    ],
)
def test_a_full_temporary_folder_during_pdf_is_one_line(
    output: Path, tmp_path: Path, size: int, soffice: str, message: str
) -> None:
    before = snapshot(output)
    environment = fake_soffice(tmp_path, soffice)
    environment["TMPDIR"] = str(tmp_path / "small")
    code, stderr, _, after = in_small_folder(
        tmp_path, deck_command(output, "--pdf"), size=size, env=environment
    )
    assert code == 6, stderr
    assert message in error_line(stderr)
    assert "point TMPDIR at a folder with room" in stderr
    assert snapshot(output) == before
    assert after == {}  # nothing of the run is left in the temporary folder


WRITES_ONE_PAGE = """
import pikepdf
args = sys.argv[1:]
if "--convert-to" in args:
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    outdir.mkdir(parents=True, exist_ok=True)
    for source in args[args.index("--outdir") + 2 :]:
        document = pikepdf.new()
        document.add_blank_page()
        document.save(outdir / (pathlib.Path(source).stem + ".pdf"))
"""


def test_the_next_run_cleans_up_after_a_killed_one(output: Path, tmp_path: Path) -> None:
    killed, pids = start_converting(output, tmp_path)
    killed.kill()  # SIGKILL: nothing of cipdocs runs after it
    killed.wait()
    # Not read to the end: the killed run's LibreOffice still holds the pipes' other ends.
    for stream in (killed.stdout, killed.stderr):
        assert stream is not None
        stream.close()
    left = [int(pid) for pid in pids.read_text().split()]
    assert not any(gone(pid) for pid in left)  # the killed run's LibreOffice is still there
    assert [path.name[:16] for path in (tmp_path / "tmp").iterdir()] == ["cipdocs-soffice-"]

    environment = fake_soffice(tmp_path, WRITES_ONE_PAGE)
    done = subprocess.run(
        deck_command(output, "--pdf", "--format", "docx"),
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for pid in left:
        assert wait_until(lambda pid=pid: gone(pid)), f"the killed run's soffice {pid} is left"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_missing_temporary_folder_during_pdf_is_one_line(
    output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cipdocs.cli import cli

    before = snapshot(output)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    result = CliRunner().invoke(cli, deck_command(output, "--pdf")[3:])
    assert result.exit_code == 6, result.output
    assert result.stderr.splitlines()[-1] == (
        f"error: {tmp_path / 'no such folder'}: no usable temporary folder (No such file or "
        "directory); create it, or point TMPDIR at an existing folder"
    )
    assert snapshot(output) == before
