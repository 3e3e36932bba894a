"""scripts/build_sample_workbook.py rebuilds the committed sample byte for byte."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_WORKBOOK

SCRIPT = ROOT / "scripts" / "build_sample_workbook.py"


def test_rebuilding_gives_the_committed_sample(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_sample_workbook", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    target = tmp_path / "cip-ccg.xlsx"
    module.write_workbook(module.sample_sheets(), target)
    assert target.read_bytes() == SAMPLE_WORKBOOK.read_bytes()
