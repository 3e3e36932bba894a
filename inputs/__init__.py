"""The shipped sample workbook, installed as the package `cipdocs.inputs` (see pyproject.toml)."""
