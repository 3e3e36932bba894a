"""Attributes checked against the types of the names templates see, before anything is filled.

A caller that knows the type of each top-level name (a dataclass, a list of dataclasses, a date)
lets the check report ``{{ row.lable }}`` in a row repeated over a list of dataclasses, not only
unknown top-level names. Where a type is not known (a filter's result, a mapping), anything goes.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import nodes

Scope = Mapping[str, Any]
"""Names in scope and their types; None where the type is not known."""

SEQUENCES = (list, tuple, typing.Sequence, typing.Iterable)


def fields_of(kind: Any) -> dict[str, Any] | None:
    """Return a dataclass type's fields and their types, None for any other type."""
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
        return None
    return typing.get_type_hints(kind)


def element_type(kind: Any) -> Any:
    """Return the type of the items of a ``list[X]`` or ``tuple[X, ...]``, None if not known."""
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin in (list, tuple) or (origin is not None and origin in SEQUENCES):
        return arguments[0] if arguments else None
    return None


def attribute_type(kind: Any, attribute: str) -> tuple[bool, Any]:
    """Return whether `attribute` exists on values of `kind`, and its type when known."""
    known = fields_of(kind)
    if known is not None and attribute in known:
        return True, known[attribute]
    base = typing.get_origin(kind) or kind
    if not isinstance(base, type):
        return True, None
    if hasattr(base, attribute):
        return True, None
    # Jinja's getattr falls back to items: a mapping's keys are not known here.
    return bool(issubclass(base, Mapping)), None


def type_of(node: nodes.Node, scope: Scope) -> Any:
    """Return the type of a name, attribute or item expression; None when not known."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name)
    if isinstance(node, nodes.Getattr):
        parent = type_of(node.node, scope)
        return None if parent is None else attribute_type(parent, node.attr)[1]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        parent = type_of(node.node, scope)
        return element_type(parent) if isinstance(node.arg.value, int) else None
    return None


def loop_scope(loop: nodes.For, scope: Scope) -> dict[str, Any]:
    """Return the names a loop sets and their types: its one target gets the items' type."""
    names = {node.name: None for node in loop.target.find_all(nodes.Name)}
    if isinstance(loop.target, nodes.Name):
        names[loop.target.name] = element_type(type_of(loop.iter, scope))
    return names


def unknown_attributes(parsed: nodes.Template, scope: Scope) -> Iterator[tuple[str, str]]:
    """Yield (expression, fix) for each attribute its value's type does not have."""
    inner = dict(scope)
    for loop in parsed.find_all(nodes.For):
        inner.update(loop_scope(loop, inner))
    for node in parsed.find_all(nodes.Getattr):
        parent = type_of(node.node, inner)
        if parent is None or attribute_type(parent, node.attr)[0]:
            continue
        known = sorted(fields_of(parent) or ())
        close = difflib.get_close_matches(node.attr, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"it has {', '.join(known)}"
        yield describe(node), hint if known else "check the spelling"


def describe(node: nodes.Node) -> str:
    """Return a name, attribute or item expression as staff wrote it: ``row.label``."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{describe(node.node)}[{node.arg.value!r}]"
    return "…"
