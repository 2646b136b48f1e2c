"""Front matter YAML the quick way: values built straight from libyaml's parse events.

``yaml.load(text, Loader=yaml.CSafeLoader)`` parses in C but composes a node tree and
constructs every value in Python, which is most of the time a cold build of many entries
spends on front matter. Front matter is nearly always a flat mapping of scalars and lists of
scalars; for that shape :func:`load` takes the same events from libyaml and builds the same
values directly, resolving and constructing each scalar with PyYAML's own resolver and
``SafeConstructor`` methods. Anything else (anchors, aliases, tags, merge keys, deeper
nesting, more than one document, an error) returns ``None``, and the caller takes PyYAML's
full loader, which also gives the error messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: The usual front matter dates, "2025-05-01" and "2025-05-01 10:00:00" (or with a "T"),
#: built directly as SafeConstructor builds them (a date; a naive datetime), without its
#: general pattern, which takes most of the time of a front matter's scalars.
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_PLAIN_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}\Z")
#: Tags whose values are constructed as SafeConstructor does; others (merge keys, "=",
#: binary, sets, ...) take the full loader.
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
#: The first characters for which a plain scalar may be something other than a string
#: (PyYAML looks its implicit resolvers up by the first character).
_IMPLICIT_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
assert None not in _IMPLICIT_FIRST  # no resolver for every first character


class _Declined(Exception):
    """The document is not of the simple shape: the full loader takes it."""


def load(text: str) -> dict[Any, Any] | None:
    """The mapping ``text`` holds, exactly as ``yaml.load(text, Loader=yaml.CSafeLoader)``
    gives it; ``None`` when the document is not a simple mapping (see the module docstring)."""
    loaded = load_with_lines(text)
    return loaded[0] if loaded else None


def load_with_lines(text: str) -> tuple[dict[Any, Any], dict[str, int]] | None:
    """:func:`load`, and the line (0-based) of each top-level key as written (first
    occurrence; ``yes:`` is "yes", though its key is ``True``)."""
    parser = CParser(text)
    lines: dict[str, int] = {}
    try:
        get = parser.get_event
        if type(get()) is not StreamStartEvent:
            return None
        start = get()
        if type(start) is not DocumentStartEvent or start.explicit or start.tags:
            return None
        result = _mapping(get, get(), 0, lines)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            return None  # e.g. a second document: the full loader says what is wrong
        return result, lines
    except (_Declined, yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None
    finally:
        parser.dispose()


def _mapping(
    get: Callable[[], Any], start: Any, depth: int, lines: dict[str, int] | None = None
) -> dict[Any, Any]:
    if type(start) is not MappingStartEvent or start.anchor or start.tag is not None:
        raise _Declined
    result: dict[Any, Any] = {}
    while True:
        event = get()
        kind = type(event)
        if kind is MappingEndEvent:
            return result
        if kind is not ScalarEvent:
            raise _Declined  # a list or a mapping as a key, or an alias
        key = _scalar(event)
        if lines is not None:
            lines.setdefault(event.value, event.start_mark.line)
        event = get()
        result[key] = _scalar(event) if type(event) is ScalarEvent else _node(get, event, depth)


def _node(get: Callable[[], Any], event: Any, depth: int) -> Any:
    """A list or mapping value (front matter nests two levels at most: authors → author)."""
    kind = type(event)
    if kind is SequenceStartEvent and depth < 2:
        if event.anchor or event.tag is not None:
            raise _Declined
        items = []
        while True:
            event = get()
            if type(event) is ScalarEvent:
                items.append(_scalar(event))
            elif type(event) is SequenceEndEvent:
                return items
            else:
                items.append(_node(get, event, depth + 1))
    if kind is MappingStartEvent and depth < 2:
        return _mapping(get, event, depth + 1)
    raise _Declined  # an alias, or deeper nesting than front matter uses


#: Tag of each plain scalar seen (values repeat: categories, authors, true and false).
_TAG_OF: dict[str, str] = {}


def _scalar(event: ScalarEvent) -> Any:
    if event.anchor or event.tag is not None:
        raise _Declined  # a tag, even "!", is rare enough to leave to the full loader
    value = event.value
    if not event.implicit[0] or (value and value[0] not in _IMPLICIT_FIRST):
        return value  # quoted, or plain but no implicit resolver claims it: a string
    tag = _TAG_OF.get(value)
    if tag is None:
        tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
        if len(_TAG_OF) < 10_000:
            _TAG_OF[value] = tag
    if tag == _STR:
        return value
    if tag not in _SCALAR_TAGS:
        raise _Declined
    if tag == _TIMESTAMP:  # (a ValueError, e.g. for month 13, is SafeConstructor's too)
        if _PLAIN_DATETIME.match(value):
            return datetime(
                int(value[:4]),
                int(value[5:7]),
                int(value[8:10]),
                int(value[11:13]),
                int(value[14:16]),
                int(value[17:19]),
            )
        if _PLAIN_DATE.match(value):
            return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
    return SafeConstructor.yaml_constructors[tag](_CONSTRUCTOR, node)
