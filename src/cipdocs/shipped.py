"""Find the files cipdocs ships (templates, sample workbook) and choose each default file.

A default resolves in order: the path given on the command line; the staff's own copy in the
current folder (`templates/…`, `inputs/…`) when it exists; the copy installed with cipdocs.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

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
    """Return the workbook to read: WORKBOOK, inputs/cip-ccg.xlsx, or the shipped sample."""
    return choose(explicit, DEFAULT_WORKBOOK, INPUTS_PACKAGE)


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
