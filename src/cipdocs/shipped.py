"""Find the files cipdocs ships (templates, sample workbook) and choose each default file.

A default resolves in order: the path given on the command line; the staff's own copy in the
current folder (`templates/…`, `inputs/…`) when it exists; the copy installed with cipdocs.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from cipdocs.errors import WorkbookUnreadableError
from cipdocs.options import DEFAULT_DECK_TEMPLATE, DEFAULT_UPDATE_TEMPLATE, DEFAULT_WORKBOOK

TEMPLATES_PACKAGE = "cipdocs.templates"
INPUTS_PACKAGE = "cipdocs.inputs"


@dataclass(frozen=True)
class Chosen:
    """A file chosen for a run, and whether it is the copy shipped with cipdocs."""

    path: Path
    shipped: bool = False
    default: Path | None = None
    """The current-folder path that was looked for first, when the shipped copy was used."""


def shipped_file(package: str, name: str) -> Path:
    """Return the path of the file `name` installed with cipdocs in `package`."""
    # Installed (wheel or editable) the package is a plain folder, so the resource is a real file.
    return Path(str(importlib.resources.files(package) / name))


def shipped_templates() -> tuple[Path, Path]:
    """Return the shipped deck template and Word template."""
    return (
        shipped_file(TEMPLATES_PACKAGE, DEFAULT_DECK_TEMPLATE.name),
        shipped_file(TEMPLATES_PACKAGE, DEFAULT_UPDATE_TEMPLATE.name),
    )


def shipped_workbook() -> Path:
    """Return the shipped sample workbook (the worked example `cipdocs init` copies)."""
    return shipped_file(INPUTS_PACKAGE, DEFAULT_WORKBOOK.name)


def choose(explicit: Path | None, default: Path, package: str) -> Chosen:
    """Return `explicit`, else `default` when it exists here, else the shipped file of its name."""
    if explicit is not None:
        return Chosen(explicit)
    if default.exists():
        return Chosen(default)
    return Chosen(shipped_file(package, default.name), shipped=True, default=default)


def choose_workbook(explicit: Path | None) -> Chosen:
    """Return the workbook to read: WORKBOOK, else inputs/cip-ccg.xlsx here.

    The shipped sample is never read unless named: a deck of sample figures that looks real is
    the worst thing cipdocs could write. With neither, raise `WorkbookUnreadableError` naming
    the workbooks found in ./inputs/ and here.
    """
    if explicit is not None:
        return Chosen(explicit)
    if DEFAULT_WORKBOOK.exists():
        return Chosen(DEFAULT_WORKBOOK)
    raise WorkbookUnreadableError(missing_workbook(find_workbooks(Path())))


def find_workbooks(folder: Path) -> list[Path]:
    """Return the .xlsx files in `folder`/inputs and `folder`, Excel's lock files aside."""
    found: list[Path] = []
    for place in (folder / DEFAULT_WORKBOOK.parent, folder):
        if place.is_dir():
            found += sorted(
                path
                for path in place.iterdir()
                if path.suffix.lower() == ".xlsx" and not path.name.startswith("~$")
            )
    return found


def missing_workbook(found: list[Path]) -> str:
    """Return the one-line message for a run with no workbook named and none at the default."""
    names = ", ".join(f'"{path.as_posix()}"' for path in found[:3])
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    hint = f" (did you mean {names}{more}?)" if found else ""
    return (
        f"no workbook named, and there is no {DEFAULT_WORKBOOK.as_posix()} here{hint}; "
        "name the workbook (cipdocs deck WORKBOOK), or run cipdocs init to set up this folder "
        "with a worked example"
    )


def choose_deck_template(explicit: Path | None) -> Chosen:
    """Return the deck template: --template, templates/cip-ccg-deck.pptx, or the shipped one."""
    return choose(explicit, DEFAULT_DECK_TEMPLATE, TEMPLATES_PACKAGE)


def choose_update_template(explicit: Path | None) -> Chosen:
    """Return the Word template: --docx-template, templates/cip-ccg-update.docx, or shipped."""
    return choose(explicit, DEFAULT_UPDATE_TEMPLATE, TEMPLATES_PACKAGE)


def describe(chosen: Chosen, what: str) -> str | None:
    """Return the note saying a shipped file is used (None for the staff's own file)."""
    if not chosen.shipped:
        return None
    return f"using the shipped {what} {chosen.path} (there is no {chosen.default} here)"
