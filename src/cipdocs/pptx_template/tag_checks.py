"""The engine's checks of template text: broken Jinja, unknown names and attributes, loops left
open, each with its place (tags.py reads and evaluates the same text)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from jinja2 import meta, nodes

from cipdocs.pptx_template.attributes import Scope, loop_scope, unknown_attributes
from cipdocs.pptx_template.tags import (
    LOOP_TARGETS,
    ONE_PARAGRAPH,
    PLACEHOLDER_PATTERN,
    Names,
    Problem,
    Tag,
    find_placeholders,
    has_placeholder,
    loop_source,
    parse_loop,
    straighten,
)


def check_source(
    environment: jinja2.Environment,
    source: str,
    where: str,
    names: Names,
    declared: Scope | None = None,
) -> list[Problem]:
    """Return every problem of one template text: broken Jinja, unknown names, filters and
    attributes, and attributes the sandbox refuses."""
    declared = declared or {}
    source = straighten(source)
    shown = source.strip()
    try:
        parsed = environment.parse(source)
        environment.compile(source)
    except jinja2.TemplateSyntaxError as error:
        reason = (error.message or "invalid syntax").rstrip(".")
        fix = ONE_PARAGRAPH if "end of template" in reason else "fix the Jinja syntax"
        return [Problem(where, f"broken placeholder {shown!r}: {reason}; {fix}")]
    problems = [
        Problem(where, f"{attribute!r} in {shown!r} is refused by the sandbox; remove it")
        for attribute in unsafe_attributes(environment, parsed)
    ]
    if names.known is not None:
        unknown = meta.find_undeclared_variables(parsed) - names.known - set(declared)
        problems += [
            Problem(where, f"unknown name {name!r} in {shown!r}; {names.suggest(name)}")
            for name in sorted(unknown)
        ]
    problems += [
        Problem(where, f"{expression!r} in {shown!r}: no such attribute; {hint}")
        for expression, hint in unknown_attributes(parsed, {**names.types, **declared})
    ]
    return problems


def unsafe_attributes(environment: jinja2.Environment, parsed: nodes.Template) -> list[str]:
    """Return the attributes in `parsed` a sandboxed `environment` refuses at render time."""
    is_safe: Callable[..., bool] | None = getattr(environment, "is_safe_attribute", None)
    if is_safe is None:
        return []
    found: list[str] = []
    for node in parsed.find_all((nodes.Getattr, nodes.Getitem)):
        attribute: Any = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attribute = node.arg.value
        if isinstance(attribute, str) and not is_safe(None, attribute, None):
            found.append(attribute)
    return found


def check_header(
    environment: jinja2.Environment, tag: Tag, where: str, names: Names, declared: Scope
) -> tuple[list[Problem], Scope]:
    """Return the problems of a tag's header and the names its loop declares, with their types."""
    if tag.word == "for":
        try:
            loop = parse_loop(environment, tag.header)
        except jinja2.TemplateSyntaxError as error:
            reason = (error.message or "invalid syntax").rstrip(".")
            fix = f"write it as {{%{tag.kind} for item in list %}}"
            # The names it was meant to declare, so its body does not report them as unknown.
            meant = LOOP_TARGETS.match(tag.header)
            guessed = dict.fromkeys(re.findall(r"\w+", meant.group(1))) if meant else {}
            return [Problem(where, f"broken tag {tag.source!r}: {reason}; {fix}")], guessed
        source = loop_source(tag.header)
        declares = {**loop_scope(loop, {**names.types, **declared}), "loop": None}
        return check_source(environment, source, where, names, declared), declares
    if tag.word in ("if", "elif"):
        if not tag.header:
            return [Problem(where, f"{tag.source!r} has no condition; add one")], {}
        source = f"{{% if {tag.header} %}}{{% endif %}}"
        return check_source(environment, source, where, names, declared), {}
    return [], {}


BLOCK_WORDS = frozenset({"for", "if", "with", "filter", "macro", "call", "block", "autoescape"})
TAG_PARTS = re.compile(r"\{%[-+]?\s*(\w+)(.*?)[-+]?%\}", re.DOTALL)


def check_lines(
    environment: jinja2.Environment, lines: Sequence[tuple[str, str]], names: Names
) -> list[Problem]:
    """Return every problem of a template whose blocks may span lines (one per paragraph):
    each placeholder is checked on its own, in the scope of the loops open around it."""
    problems: list[Problem] = []
    stack: list[tuple[str, str, str, Scope]] = []  # word, source, where, names
    assigned: dict[str, Any] = {}
    for where, text in lines:
        if has_placeholder(PLACEHOLDER_PATTERN.sub("", text)):
            problems.append(
                Problem(
                    where,
                    f"broken placeholder in {text.strip()!r}: a {{{{ or {{% is never "
                    "closed; close it with }} or %}",
                )
            )
        for source in find_placeholders(straighten(text)):
            scope = dict(assigned)
            for *_, declared in stack:
                scope.update(declared)
            tag = TAG_PARTS.fullmatch(source)
            if tag is None:
                problems += check_source(environment, source, where, names, scope)
                continue
            word, header = tag.group(1), tag.group(2).strip()
            if word.startswith("end"):
                if stack and stack[-1][0] == word[3:]:
                    stack.pop()
                else:
                    problems.append(Problem(where, f"{source!r} closes no open block; remove it"))
            elif word in ("else", "elif"):
                if not stack or stack[-1][0] not in ("if", "for"):
                    problems.append(Problem(where, f"{source!r} stands in no open block"))
                elif word == "elif":
                    found = Tag("", "if", header, source, 0, 0)
                    problems += check_header(environment, found, where, names, scope)[0]
            elif word in ("for", "if"):
                found = Tag("", word, header, source, 0, 0)
                checked, declared = check_header(environment, found, where, names, scope)
                problems += checked
                stack.append((word, source, where, declared))
            elif word in BLOCK_WORDS:
                stack.append((word, source, where, {}))
            elif word == "set":
                target, equals, value = header.partition("=")
                if equals:
                    problems += check_source(environment, f"{{{{ {value} }}}}", where, names, scope)
                    assigned.update(dict.fromkeys(re.findall(r"\w+", target)))
                else:
                    stack.append((word, source, where, dict.fromkeys(re.findall(r"\w+", target))))
            else:
                problems += check_source(environment, source, where, names, scope)
    for word, source, where, _ in stack:
        problems.append(
            Problem(where, f"{source!r} is never closed; add {{% end{word} %}} where it ends")
        )
    return problems
