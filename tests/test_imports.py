"""The rooms' import rules (README layout): no module imports one that imports it back, however
long the way round (imports inside functions and under TYPE_CHECKING count), and the judges in
verify/ import nothing that writes documents."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import DECK_TEMPLATE, ROOT, SAMPLE_WORKBOOK

SOURCE = ROOT / "src"


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Return each cipdocs module and the cipdocs modules it imports anywhere in its text."""
    graph: dict[str, set[str]] = {}
    for path in (SOURCE / "cipdocs").rglob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cipdocs"):
                found.add(str(node.module))
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("cipdocs"))
        graph[module_name(path)] = found
    # A module's own package (`cipdocs`, `cipdocs.verify`) is imported on the way to it.
    return {
        module: {
            other
            for other in imported
            if other in graph and other != module and not module.startswith(f"{other}.")
        }
        for module, imported in graph.items()
    }


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert circles(import_graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_judges_import_nothing_that_writes_or_runs_documents() -> None:
    later = ("render", "office", "edits", "app", "cli", "cycle", "loading", "parallel")
    reached = {
        other
        for module, imported in import_graph().items()
        if module.startswith("cipdocs.verify")
        for other in imported
        if other.split(".")[1] in later
    }
    assert reached == set()


def imported_by(*arguments: str) -> set[str]:
    """Return the top-level packages a `cipdocs` command imports, run in a fresh interpreter."""
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['cipdocs', *{list(arguments)!r}]\n"
        "try:\n    runpy.run_module('cipdocs', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    return set(run.stdout.split())


def test_check_deck_imports_neither_the_workbook_nor_the_templating_libraries() -> None:
    imported = imported_by("check-deck", str(DECK_TEMPLATE))

    assert "pptx" in imported
    assert imported.isdisjoint({"openpyxl", "jinja2", "docx", "docxtpl"})


def test_a_deck_without_pdf_imports_no_pdf_library(tmp_path: Path) -> None:
    # --debug: one process, so what the deck's worker imports is imported here.
    imported = imported_by("--debug", "deck", str(SAMPLE_WORKBOOK), "-o", str(tmp_path))

    assert (tmp_path / "CIP-CCG Status Update 2024-08-30.pptx").is_file()
    assert "pptx" in imported
    assert "pikepdf" not in imported


def test_the_documents_libraries_are_imported_by_the_workers_not_the_run(tmp_path: Path) -> None:
    imported = imported_by("deck", str(SAMPLE_WORKBOOK), "-o", str(tmp_path))

    assert (tmp_path / "CIP-CCG Status Update 2024-08-30.pptx").is_file()
    assert (tmp_path / "CIP-CCG Status Update 2024-08-30.docx").is_file()
    assert "openpyxl" in imported  # the run reads the workbook itself
    assert "jinja2" in imported  # imported once, before the workers, which both use it
    assert imported.isdisjoint({"pptx", "docx", "docxtpl", "xlsxwriter"})
