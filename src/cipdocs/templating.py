"""The Jinja2 sandbox both templates are rendered in, its filters, and placeholder checks."""

from __future__ import annotations

import contextlib
import hashlib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from cipdocs import cache
from cipdocs.errors import Issue, TemplateProblemError
from cipdocs.pptx_template import tag_checks, tags
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


COMPILED_FORMAT = 1
"""Part of each compiled text's cache key: bumped when the environment's options change."""


class CachedEnvironment(SandboxedEnvironment):
    """The sandbox, with each compiled template text kept between runs in the cache (cache.py).

    Compiling is most of the cost of a placeholder text, and the same texts come back every
    run. Jinja's own bytecode cache keeps them (checking Python's bytecode version), keyed by
    the text, Jinja's version and the environment's settings (`_compiling_options`); the code
    is the same compiled or read back, so no output changes.
    """

    def from_string(
        self,
        source: str | jinja2.nodes.Template,
        globals: typing.MutableMapping[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        """Return `source` compiled, from the cache when it was compiled before."""
        kept = self.bytecode_cache
        if kept is None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        name = hashlib.sha256(f"{self._compiling_options()}|{source}".encode()).hexdigest()
        bucket = kept.get_bucket(self, name, None, source)
        if bucket.code is None:
            bucket.code = self.compile(source)
            with contextlib.suppress(OSError):  # a cache that cannot be written costs time only
                kept.set_bucket(bucket)
        made = template_class or self.template_class
        return made.from_code(self, bucket.code, self.make_globals(globals), None)

    def _compiling_options(self) -> tuple[object, ...]:
        """Return what compiled code depends on besides the text: the syntax, whitespace and
        escaping settings, and the filters' and tests' names (Jinja checks them as it
        compiles, so a text compiled with a filter is not reused without it)."""
        settings = (
            "block_start_string",
            "block_end_string",
            "variable_start_string",
            "variable_end_string",
            "comment_start_string",
            "comment_end_string",
            "line_statement_prefix",
            "line_comment_prefix",
            "trim_blocks",
            "lstrip_blocks",
            "newline_sequence",
            "keep_trailing_newline",
            "optimized",
            "autoescape",
            "is_async",
        )
        return (
            COMPILED_FORMAT,
            jinja2.__version__,
            type(self).__qualname__,
            *(repr(getattr(self, setting)) for setting in settings),
            sorted(self.extensions),
            sorted(self.filters),
            sorted(self.tests),
        )


def make_environment(*, autoescape: bool = False) -> SandboxedEnvironment:
    """Return a sandboxed, strict environment with cipdocs' filters."""
    environment = CachedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        bytecode_cache=compiled_texts_cache(),
    )
    environment.filters.update(FILTERS)
    return environment


def compiled_texts_cache() -> jinja2.BytecodeCache | None:
    """Return where compiled template texts are kept (``jinja`` in the cache folder), or None
    when the cache is off or its folder cannot be made."""
    folder = cache.cache_folder()
    if folder is None:
        return None
    try:
        (folder / "jinja").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder / "jinja"))


def template_names() -> Names:
    """Return the names templates may use, with where staff find them listed."""
    return Names(TEMPLATE_NAMES, "docs/templates.md lists every name", TEMPLATE_TYPES)


def check_source(
    source: str, where: str, environment: jinja2.Environment | None = None
) -> list[Issue]:
    """Return every problem of one template text: broken Jinja, unknown filters or variables,
    attributes the sandbox refuses."""
    problems = tag_checks.check_source(
        environment or make_environment(), source, where, template_names()
    )
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
