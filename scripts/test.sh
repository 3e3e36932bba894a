#!/usr/bin/env bash
# The whole test suite: install cipdocs with its test tools into .venv, then ruff, mypy --strict
# and pytest. Extra arguments go to pytest (e.g. `bash scripts/test.sh -k parse`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
