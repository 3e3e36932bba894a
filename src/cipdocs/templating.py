"""The Jinja2 sandbox both templates are rendered in, its filters, and placeholder checks."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.report import present

FILTERS: Mapping[str, Callable[..., Any]] = {
    "short_date": present.short_date,
    "long_date": present.long_date,
    "month_year": present.month_year,
    "iso_date": present.iso_date,
    "percent": present.percent,
    "join_names": present.join_names,
    "and_list": present.and_list,
    "plural": present.plural,
}

TEMPLATE_NAMES = frozenset(field.name for field in fields(present.PresentedReport))
"""The top-level variables every template may use."""

PLACEHOLDER_PATTERN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass(frozen=True)
class Placeholder:
    """A Jinja expression or tag found in a template, and where it stands."""

    where: str
    """E.g. ``slide 2, shape 'Status table', row 2, cell 1`` or ``paragraph 3``."""
    source: str
    """The text as written, e.g. ``{{ report_date | short_date }}``."""


def make_environment(*, autoescape: bool = False) -> SandboxedEnvironment:
    """Return a sandboxed, strict environment with cipdocs' filters."""
    environment = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
    )
    environment.filters.update(FILTERS)
    return environment


def find_placeholders(text: str) -> list[str]:
    """Return every ``{{ }}``, ``{% %}`` and ``{# #}`` in `text`, in order."""
    return PLACEHOLDER_PATTERN.findall(text)


def has_placeholder(text: str) -> bool:
    """Return True when `text` contains the start of a Jinja expression, tag or comment."""
    return "{{" in text or "{%" in text or "{#" in text


def check_source(
    source: str, where: str, environment: jinja2.Environment | None = None
) -> list[Issue]:
    """Return the problems of one template text: broken Jinja, unknown filters or variables."""
    environment = environment or make_environment()
    try:
        parsed = environment.parse(source)
        environment.compile(source)
    except jinja2.TemplateSyntaxError as error:
        return [
            Issue(
                where,
                f"broken placeholder {source.strip()!r}: {error.message}; fix the Jinja syntax",
            )
        ]
    unknown = sorted(meta.find_undeclared_variables(parsed) - TEMPLATE_NAMES)
    return [
        Issue(where, f"unknown name {name!r} in {source.strip()!r}; {suggest_name(name)}")
        for name in unknown
    ]


def suggest_name(name: str) -> str:
    """Return the fix for an unknown template name: the closest known name, or where to look."""
    close = difflib.get_close_matches(name, sorted(TEMPLATE_NAMES), n=1)
    if close:
        return f"did you mean {close[0]!r}? (docs/templates.md lists every name)"
    return "docs/templates.md lists every name"


@functools.lru_cache(maxsize=1024)
def _compiled(environment: jinja2.Environment, source: str) -> jinja2.Template:
    """Return `source` compiled once: the same placeholder text repeats across rows and runs."""
    return environment.from_string(source)


def render_text(
    environment: jinja2.Environment, source: str, context: Mapping[str, object], where: str
) -> str:
    """Return `source` rendered with `context`; raise `TemplateProblemError` naming `where`."""
    if not has_placeholder(source):
        return source
    try:
        return _compiled(environment, source).render(context)
    except jinja2.TemplateError as error:
        raise TemplateProblemError(
            f"{where}: cannot render {source.strip()!r}: {error}; "
            "check the placeholder against docs/templates.md"
        ) from None
