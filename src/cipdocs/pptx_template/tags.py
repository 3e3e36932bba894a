"""The engine's Jinja side: placeholders and ``{%slide %}``/``{%p %}``/``{%tr %}`` tags read,
checked and evaluated in the environment the caller hands over.

A tag's header (``row in bands if row.groups``) is parsed and run by Jinja itself, so every loop
form Jinja accepts works: filters, tuple targets, an ``if`` clause, ``loop.index`` in the body.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import nodes

from cipdocs.pptx_template.attributes import Scope

PLACEHOLDER_PATTERN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
STRUCTURE_TAG = re.compile(r"\{%-?\s*(slide|p|tr)\s+(\w+)(.*?)-?%\}", re.DOTALL)
ANY_STRUCTURE_TAG = re.compile(r"\{%-?\s*(slide|p|tr)\b")

# PowerPoint's and Word's AutoCorrect curl typed quotes; Jinja only knows straight ones.
CURLY_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

OPENERS = frozenset({"for", "if"})
CLOSERS = {"endfor": "for", "endif": "if"}
BRANCHES = frozenset({"elif", "else"})

LOOP_NAME = re.compile(r"\bloop\b")
LOOP_TARGETS = re.compile(r"\s*([\w\s,()]+?)\s+in\b")

ONE_PARAGRAPH = (
    "a {% %} block opens and closes in one paragraph; to repeat or drop whole paragraphs, "
    "put {%p for … %} or {%p if … %} and its {%p endfor %} or {%p endif %} in paragraphs "
    "of their own"
)

COLLECT = "_pptx_template_collect"


class TemplateError(Exception):
    """A template that cannot be filled, with the place where the problem stands."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One mistake found by a check, pinned to its place."""

    where: str
    """E.g. ``slide 3, shape 'Band table', row 2, cell 1``."""
    message: str
    """What is wrong and the fix."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Names:
    """The top-level names templates may use, for checks; None accepts any name."""

    known: frozenset[str] | None = None
    hint: str = ""
    """Added to an unknown name's message, e.g. where the names are listed."""
    types: Scope = field(default_factory=dict)
    """The type of each known name, where known, so attributes can be checked too."""

    def suggest(self, name: str) -> str:
        """Return the fix for an unknown name: the closest known name, and the hint."""
        close = difflib.get_close_matches(name, sorted(self.known or ()), n=1)
        fix = f"did you mean {close[0]!r}?" if close else ""
        hint = f"({self.hint})" if fix and self.hint else self.hint
        return " ".join(part for part in (fix, hint) if part) or "check the spelling"


@dataclass(frozen=True)
class Tag:
    """A ``{%slide …%}``, ``{%p …%}`` or ``{%tr …%}`` tag as written."""

    kind: str
    """``slide``, ``p`` or ``tr``."""
    word: str
    """``for``, ``if``, ``elif``, ``else``, ``endfor`` or ``endif``."""
    header: str
    """What follows the word: ``row in bands if row.groups``."""
    source: str
    start: int
    end: int


@dataclass(frozen=True)
class LoopState:
    """What Jinja's ``loop`` tells a repeated slide, paragraph or row about its place."""

    index0: int
    length: int

    @property
    def index(self) -> int:
        """Return the position counted from 1."""
        return self.index0 + 1

    @property
    def revindex(self) -> int:
        """Return the positions left, this one included."""
        return self.length - self.index0

    @property
    def revindex0(self) -> int:
        """Return the positions left after this one."""
        return self.length - self.index

    @property
    def first(self) -> bool:
        """Return True for the first item."""
        return self.index0 == 0

    @property
    def last(self) -> bool:
        """Return True for the last item."""
        return self.index == self.length

    def cycle(self, *values: object) -> object:
        """Return the value whose turn it is, as Jinja's ``loop.cycle``."""
        return values[self.index0 % len(values)] if values else None


def straighten(text: str) -> str:
    """Return `text` with curly quotes straightened inside its ``{{ }}``/``{% %}``/``{# #}``."""
    if "{" not in text:
        return text
    return PLACEHOLDER_PATTERN.sub(lambda match: match.group().translate(CURLY_QUOTES), text)


def find_placeholders(text: str) -> list[str]:
    """Return every ``{{ }}``, ``{% %}`` and ``{# #}`` in `text`, in order."""
    return PLACEHOLDER_PATTERN.findall(text)


def has_placeholder(text: str) -> bool:
    """Return True when `text` contains the start of a Jinja expression, tag or comment."""
    return "{{" in text or "{%" in text or "{#" in text


def iter_tags(text: str) -> Iterator[Tag]:
    """Yield the structure tags in `text` (curly quotes straightened)."""
    for match in STRUCTURE_TAG.finditer(straighten(text)):
        kind, word, header = match.group(1), match.group(2), match.group(3).strip()
        yield Tag(kind, word, header, match.group(), match.start(), match.end())


def whole_tag(text: str) -> Tag | None:
    """Return the tag when it is all the text of a paragraph, else None."""
    stripped = straighten(text).strip()
    found = STRUCTURE_TAG.fullmatch(stripped)
    if found is None:
        return None
    return next(iter_tags(stripped))


def has_structure_tag(text: str, kind: str | None = None) -> bool:
    """Return True when `text` holds a ``{%slide``/``{%p``/``{%tr`` tag (of `kind`)."""
    return any(kind in (None, match.group(1)) for match in ANY_STRUCTURE_TAG.finditer(text))


@functools.lru_cache(maxsize=1024)
def compiled(environment: jinja2.Environment, source: str) -> jinja2.Template:
    """Return `source` compiled once: the same text repeats across rows, runs and slides. (The
    environment cipdocs hands in keeps compiled texts between runs: templating.py.)"""
    return environment.from_string(source)


@functools.lru_cache(maxsize=1024)
def compiled_expression(environment: jinja2.Environment, expression: str) -> Any:
    """Return `expression` compiled once: a chart reads the same ones for every item."""
    return environment.compile_expression(expression, undefined_to_none=False)


def render_text(
    environment: jinja2.Environment, source: str, context: Mapping[str, object], where: str
) -> str:
    """Return `source` rendered with `context`; raise `TemplateError` naming `where`."""
    if not has_placeholder(source):
        return source
    source = straighten(source)
    try:
        return compiled(environment, source).render(context)
    except jinja2.TemplateError as error:
        fix = f"; {ONE_PARAGRAPH}" if "end of template" in str(error) else ""
        raise TemplateError(where, f"cannot render {source.strip()!r}: {error}{fix}") from None


def loop_source(header: str) -> str:
    """Return the Jinja for loop `header` opens, with an empty body."""
    return f"{{% for {header} %}}{{% endfor %}}"


def parse_loop(environment: jinja2.Environment, header: str) -> nodes.For:
    """Return Jinja's parse of ``for HEADER``; raise `TemplateSyntaxError` if it is not one."""
    parsed = environment.parse(loop_source(header))
    loop = parsed.body[0] if len(parsed.body) == 1 else None
    if not isinstance(loop, nodes.For) or loop.body or loop.else_:
        raise jinja2.TemplateSyntaxError("not a single loop header", 1)
    return loop


def loop_names(environment: jinja2.Environment, header: str) -> tuple[str, ...]:
    """Return the names a loop header declares: ``row`` or ``key, value``."""
    target = parse_loop(environment, header).target
    return tuple(node.name for node in target.find_all(nodes.Name)) or (
        (target.name,) if isinstance(target, nodes.Name) else ()
    )


def iterate(
    environment: jinja2.Environment, header: str, context: Mapping[str, object], where: str
) -> list[dict[str, object]]:
    """Return, per item the loop ``for HEADER`` yields, the names it sets (and ``loop``)."""
    try:
        names = loop_names(environment, header)
        collected: list[dict[str, object]] = []

        def collect(*values: object) -> str:
            collected.append(dict(zip(names, values, strict=True)))
            return ""

        body = f"{{{{ {COLLECT}({', '.join(names)}) }}}}"
        source = f"{{% for {header} %}}{body}{{% endfor %}}"
        compiled(environment, source).render({**context, COLLECT: collect})
    except (jinja2.TemplateError, TypeError) as error:
        raise TemplateError(where, f"cannot repeat over {header!r}: {error}") from None
    length = len(collected)
    return [{**item, "loop": LoopState(index, length)} for index, item in enumerate(collected)]


def evaluate_each(
    environment: jinja2.Environment,
    header: str,
    expressions: Sequence[str],
    context: Mapping[str, object],
) -> list[tuple[object, ...]] | None:
    """Return, per item the loop ``for HEADER`` yields, the values of `expressions`, all from
    one run of the loop rather than one evaluation per item and expression.

    None when that cannot give what `evaluate` gives each (an expression names ``loop``, which
    `iterate` hands over as its own `LoopState`; is not one expression; fails; or has no value):
    the caller then evaluates them one by one, and is told why."""
    if any(LOOP_NAME.search(expression) for expression in expressions):
        return None
    rows: list[tuple[object, ...]] = []

    def collect(*values: object) -> str:
        rows.append(values)
        return ""

    try:
        for expression in expressions:
            compiled_expression(environment, expression)  # one expression, nothing after it
        body = f"{{{{ {COLLECT}({', '.join(f'({e})' for e in expressions)}) }}}}"
        compiled(environment, f"{{% for {header} %}}{body}{{% endfor %}}").render(
            {**context, COLLECT: collect}
        )
    except Exception:  # evaluating one by one raises it again, saying where
        return None
    if any(isinstance(value, jinja2.Undefined) for row in rows for value in row):
        return None
    return rows


def holds(
    environment: jinja2.Environment, condition: str, context: Mapping[str, object], where: str
) -> bool:
    """Return True when Jinja's ``{% if CONDITION %}`` holds in `context`."""
    source = f"{{% if {condition} %}}1{{% endif %}}"
    try:
        return compiled(environment, source).render(context) == "1"
    except jinja2.TemplateError as error:
        raise TemplateError(where, f"cannot test {condition!r}: {error}") from None


def evaluate(
    environment: jinja2.Environment, expression: str, context: Mapping[str, object], where: str
) -> object:
    """Return the value of one Jinja expression; raise `TemplateError` when it has none."""
    try:
        value: object = compiled_expression(environment, expression)(**context)
        if isinstance(value, jinja2.Undefined):
            str(value)  # a StrictUndefined raises here, naming what is missing
            raise jinja2.UndefinedError(f"{expression!r} is undefined")
    except (jinja2.TemplateError, TypeError) as error:
        raise TemplateError(where, f"cannot evaluate {expression!r}: {error}") from None
    return value
