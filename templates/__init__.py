"""The shipped templates, installed as the package `cipdocs.templates` (see pyproject.toml)."""
