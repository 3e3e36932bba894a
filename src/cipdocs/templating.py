"""The Jinja2 sandbox both templates are rendered in, its filters, and placeholder checks."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.pptx_template import tags
from cipdocs.pptx_template.tags import (
    PLACEHOLDER_PATTERN,
    Names,
    find_placeholders,
    has_placeholder,
    straighten,
)
from cipdocs.report import formats, present

__all__ = ["PLACEHOLDER_PATTERN", "find_placeholders", "has_placeholder", "straighten"]

FILTERS: Mapping[str, Callable[..., Any]] = {
    "short_date": formats.short_date,
    "long_date": formats.long_date,
    "month_year": formats.month_year,
    "iso_date": formats.iso_date,
    "percent": formats.percent,
    "join_names": formats.join_names,
    "and_list": formats.and_list,
    "plural": formats.plural,
}

TEMPLATE_NAMES = frozenset(field.name for field in fields(present.PresentedReport))
"""The top-level variables every template may use."""

TEMPLATE_TYPES = typing.get_type_hints(present.PresentedReport)
"""Their types, so that ``{{ row.lable }}`` is reported as well as ``{{ reprt_date }}``."""


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


def template_names() -> Names:
    """Return the names templates may use, with where staff find them listed."""
    return Names(TEMPLATE_NAMES, "docs/templates.md lists every name", TEMPLATE_TYPES)


def check_source(
    source: str, where: str, environment: jinja2.Environment | None = None
) -> list[Issue]:
    """Return every problem of one template text: broken Jinja, unknown filters or variables,
    attributes the sandbox refuses."""
    problems = tags.check_source(environment or make_environment(), source, where, template_names())
    return [Issue(problem.where, problem.message) for problem in problems]


def render_text(
    environment: jinja2.Environment, source: str, context: Mapping[str, object], where: str
) -> str:
    """Return `source` rendered with `context`; raise `TemplateProblemError` naming `where`."""
    try:
        return tags.render_text(environment, source, context, where)
    except tags.TemplateError as error:
        raise TemplateProblemError(
            f"{error}; check the placeholder against docs/templates.md"
        ) from None
