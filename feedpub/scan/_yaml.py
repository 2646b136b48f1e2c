"""Front matter YAML the quick way: values built straight from libyaml's parse events.

``yaml.load(text, Loader=yaml.CSafeLoader)`` parses in C but composes a node tree and
constructs every value in Python, which is most of the time a cold build of many entries
spends on front matter. Front matter is nearly always a flat mapping of scalars and lists of
scalars; for that shape :func:`load` takes the same events from libyaml and builds the same
values directly, resolving and constructing each scalar with PyYAML's own resolver and
``SafeConstructor`` methods. Anything else (anchors, aliases, tags, merge keys, deeper
nesting, more than one document, an error) returns ``None``, and the caller takes PyYAML's
full loader, which also gives the error messages.

Some keys are text by nature (a category, a title, an id): in their values, ``text_keys``, a
plain scalar that YAML would read as a number, a boolean or a date keeps the text as written
(``categories: [3.10, 010, NO]`` is "3.10", "010" and "NO", not 3.1, 8 and False). Both paths
do this: :func:`load` with ``text_keys``, and PyYAML with :func:`loader` ``(text_keys)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
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
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
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
#: What a plain scalar in a text key's value is read as: its text, not these.
_TEXT_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "timestamp")
)
_NO_KEYS: frozenset[str] = frozenset()
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
#: The first characters for which a plain scalar may be something other than a string
#: (PyYAML looks its implicit resolvers up by the first character).
_IMPLICIT_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
assert None not in _IMPLICIT_FIRST  # no resolver for every first character


class _Declined(Exception):
    """The document is not of the simple shape: the full loader takes it."""


def load(text: str, text_keys: frozenset[str] = _NO_KEYS) -> dict[Any, Any] | None:
    """The mapping ``text`` holds, exactly as ``yaml.load(text, Loader=loader(text_keys))``
    gives it; ``None`` when the document is not a simple mapping (see the module docstring)."""
    loaded = load_with_lines(text, text_keys)
    return loaded[0] if loaded else None


def load_with_lines(
    text: str, text_keys: frozenset[str] = _NO_KEYS, repeated: list[tuple[str, int]] | None = None
) -> tuple[dict[Any, Any], dict[str, int]] | None:
    """:func:`load`, and the line (0-based) of each top-level key as written (first
    occurrence; ``yes:`` is "yes", though its key is ``True``); each top-level key written
    again is added to ``repeated``, with the line (0-based) it is written again on."""
    parser = CParser(text)
    lines: dict[str, int] = {}
    try:
        get = parser.get_event
        if type(get()) is not StreamStartEvent:
            return None
        start = get()
        if type(start) is not DocumentStartEvent or start.explicit or start.tags:
            return None
        result = _mapping(get, get(), 0, lines, text_keys, repeated=repeated)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            return None  # e.g. a second document: the full loader says what is wrong
        return result, lines
    except (_Declined, yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None
    finally:
        parser.dispose()


def _mapping(
    get: Callable[[], Any],
    start: Any,
    depth: int,
    lines: dict[str, int] | None = None,
    text_keys: frozenset[str] = _NO_KEYS,
    as_text: bool = False,
    repeated: list[tuple[str, int]] | None = None,
) -> dict[Any, Any]:
    """A mapping; ``text_keys`` (top level) or ``as_text`` (below a text key) say which
    values are read as text; ``lines`` and ``repeated``: see :func:`load_with_lines`."""
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
            line = event.start_mark.line
            if lines.setdefault(event.value, line) != line and repeated is not None:
                repeated.append((event.value, line))
        text = as_text or (type(key) is str and key.lower() in text_keys)
        event = get()
        if type(event) is ScalarEvent:
            result[key] = _scalar(event, text)
        else:
            result[key] = _node(get, event, depth, text)


def _node(get: Callable[[], Any], event: Any, depth: int, as_text: bool) -> Any:
    """A list or mapping value (front matter nests two levels at most: authors → author)."""
    kind = type(event)
    if kind is SequenceStartEvent and depth < 2:
        if event.anchor or event.tag is not None:
            raise _Declined
        items = []
        while True:
            event = get()
            if type(event) is ScalarEvent:
                items.append(_scalar(event, as_text))
            elif type(event) is SequenceEndEvent:
                return items
            else:
                items.append(_node(get, event, depth + 1, as_text))
    if kind is MappingStartEvent and depth < 2:
        return _mapping(get, event, depth + 1, as_text=as_text)
    raise _Declined  # an alias, or deeper nesting than front matter uses


#: Tag of each plain scalar seen (values repeat: categories, authors, true and false).
_TAG_OF: dict[str, str] = {}


def _scalar(event: ScalarEvent, as_text: bool = False) -> Any:
    if event.anchor or event.tag is not None:
        raise _Declined  # a tag, even "!", is rare enough to leave to the full loader
    if not event.implicit[0]:
        return event.value  # quoted: a string
    return _plain(event.value, as_text)


def _plain(value: str, as_text: bool = False) -> Any:
    """The value of the plain scalar ``value``, as PyYAML's resolver and constructor make it."""
    if value and value[0] not in _IMPLICIT_FIRST:
        return value  # no implicit resolver claims it: a string
    # The usual dates: YAML's timestamps, claimed by no other resolver, built directly (a
    # ValueError, e.g. for month 13, is SafeConstructor's too). Resolving them would also
    # fill the cache below with values that never repeat.
    if value[:1].isdigit():
        if _PLAIN_DATETIME.match(value):
            return value if as_text else datetime.fromisoformat(value)
        if _PLAIN_DATE.match(value):
            return value if as_text else date.fromisoformat(value)
    tag = _TAG_OF.get(value)
    if tag is None:
        tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
        if len(_TAG_OF) < 10_000:
            _TAG_OF[value] = tag
    if tag == _STR:
        return value
    if tag not in _SCALAR_TAGS:
        raise _Declined
    if as_text and tag in _TEXT_TAGS:
        return value
    node = ScalarNode(tag, value)
    return SafeConstructor.yaml_constructors[tag](_CONSTRUCTOR, node)


def loader(text_keys: frozenset[str]) -> type[yaml.CSafeLoader]:
    """PyYAML's C safe loader, reading the values of ``text_keys`` (top-level keys, in lower
    case) as :func:`load` does: a plain scalar in them is its text as written."""
    return _loader(frozenset(text_keys))


@lru_cache(maxsize=8)
def _loader(text_keys: frozenset[str]) -> type[yaml.CSafeLoader]:
    class TextKeysLoader(yaml.CSafeLoader):
        def construct_document(self, node: Node) -> Any:
            if isinstance(node, MappingNode) and text_keys:
                self.flatten_mapping(node)  # merge keys: their values count too
                node.value = [
                    (key, _as_text(value) if _is_text_key(key, text_keys) else value)
                    for key, value in node.value
                ]
            return super().construct_document(node)

    return TextKeysLoader


def _is_text_key(node: Node, text_keys: frozenset[str]) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _STR and node.value.lower() in text_keys


def _as_text(root: Node) -> Node:
    """A copy of ``root`` whose scalars that YAML reads as numbers, booleans and dates are
    strings. Each node is copied once (an alias stays one node, so alias bombs stay small),
    without recursion (however deep the nesting)."""
    copies: dict[int, Node] = {}
    pending: list[tuple[Node, Node]] = []

    def copy(node: Node) -> Node:
        made = copies.get(id(node))
        if made is None:
            if isinstance(node, ScalarNode):
                tag = _STR if node.tag in _TEXT_TAGS else node.tag
                made = ScalarNode(tag, node.value, node.start_mark, node.end_mark, node.style)
            else:
                made = type(node)(node.tag, [], node.start_mark, node.end_mark, node.flow_style)
                pending.append((node, made))
            copies[id(node)] = made
        return made

    result = copy(root)
    while pending:
        node, made = pending.pop()
        if isinstance(node, SequenceNode):
            made.value = [copy(item) for item in node.value]
        else:  # a mapping: its keys are names, as YAML reads them
            made.value = [(key, copy(value)) for key, value in node.value]
    return result
