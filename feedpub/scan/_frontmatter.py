"""Front matter text → a dict: YAML (the quick event path, else PyYAML), TOML or JSON, with
the line of each top-level key and hints for the usual YAML mistakes.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from frontmatter.default_handlers import BaseHandler

from ..errors import EntryError
from ..fields import DATE_HINT, TEXT_KEYS, XML_ILLEGAL
from ..files import TOO_DEEP, handlers, long_number
from . import _yaml as yamlevents

#: The handlers of YAML and JSON front matter (this module is loaded only to read entries).
YAML_HANDLER, JSON_HANDLER = handlers().yaml, handlers().json


def load_other(path: Path, fm: str, first_line: int, handler: BaseHandler) -> Any:
    """TOML or JSON front matter, through its python-frontmatter handler."""
    if handler is JSON_HANDLER:
        try:
            meta = handler.load("{" + fm + "}")
            if "\\u" in fm:  # an escape may make half a UTF-16 pair, which no file can hold
                json.dumps(meta, ensure_ascii=False).encode("utf-8")
            return meta
        except RecursionError:
            raise EntryError(TOO_DEEP.format("JSON"), path, first_line, "FP120") from None
        except UnicodeEncodeError as e:
            raise EntryError(
                f"front matter is not valid JSON: '\\u{ord(e.object[e.start]):04x}' is half of a "
                "UTF-16 surrogate pair, not a character; write the character itself",
                path,
                first_line,
                "FP120",
            ) from None
        except json.JSONDecodeError as e:
            # "{" was added before the first line of fm: its lines count from the opening one
            line = first_line - 1 + e.lineno
            raise EntryError(
                f"front matter is not valid JSON: {e.msg}", path, line, "FP120"
            ) from None
        except ValueError as e:
            _long_number(e, path, fm, first_line, "JSON")
            raise
    try:
        return handler.load(fm)
    except RecursionError:
        raise EntryError(TOO_DEEP.format("TOML"), path, first_line, "FP120") from None
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"\(at line (\d+), column \d+\)", str(e))
        message = re.sub(r"\s*\(at line.*\)", "", str(e))
        at = first_line + int(match.group(1)) - 1 if match else None
        raise EntryError(
            f"front matter is not valid TOML: {message}; check quotes and '=' signs",
            path,
            at,
            "FP120",
        ) from None
    except ValueError as e:
        _long_number(e, path, fm, first_line, "TOML")
        raise


def _long_number(error: ValueError, path: Path, fm: str, first_line: int, form: str) -> None:
    """Raise :class:`EntryError` (FP120) when ``error`` is Python's refusal of an integer
    of more than 4,300 digits in the ``form`` (TOML, JSON) front matter ``fm``."""
    told = long_number(error, fm)
    if told is not None:
        message, line = told
        at = first_line + line - 1 if line is not None else first_line
        raise EntryError(f"front matter is not valid {form}: {message}", path, at, "FP120")


def load_yaml(path: Path, fm: str, first_line: int) -> Any:
    try:
        return YAML_HANDLER.load(fm, Loader=yamlevents.loader(TEXT_KEYS))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        if e.context_mark is not None and (
            "end of stream" in (e.problem or "") or "simple key" in (e.context or "")
        ):
            mark = e.context_mark
        line = first_line + mark.line if mark is not None else None
        source = fm.split("\n")[mark.line] if mark is not None else ""
        raise EntryError(
            f"front matter is not valid YAML: {_yaml_hint(e, source)}", path, line, "FP103"
        ) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow
        line = first_line + fm.count("\n", 0, max(e.position, 0))
        raise EntryError(
            f"front matter contains the character U+{e.character:04X}, which YAML does not "
            "allow; remove it (or write it as an escape inside double quotes)",
            path,
            line,
            "FP103",
        ) from None
    except yaml.YAMLError as e:
        message = " ".join(str(e).split())
        raise EntryError(
            f"front matter is not valid YAML ({message})", path, None, "FP103"
        ) from None
    except (ValueError, OverflowError) as e:
        # The YAML is well formed but a value cannot exist, e.g. a date in the year 0.
        key, line, text, tag = _impossible_value(fm, first_line)
        # A date or time that cannot exist (month 13, hour 25, an offset of a day or more):
        # the YAML timestamp that failed, or else the words Python's message has for one.
        dated = tag == "tag:yaml.org,2002:timestamp" or bool(_DATE_PARTS.search(str(e)))
        why = "its time zone offset is 24 hours or more" if "offset" in str(e) else str(e)
        told = long_number(e, fm) if isinstance(e, ValueError) else None
        why = told[0] if told is not None else why
        if key and text is not None and dated:
            message = f"{key} {text!r} is not a real date ({why}); {DATE_HINT}"
        else:
            where = f"{key}: " if key else "front matter has an impossible value: "
            message = f"{where}{why}" + (f"; {DATE_HINT}" if dated else "")
        raise EntryError(message, path, line, "FP105" if dated else "FP106") from None


_DATE_PARTS = re.compile(r"\b(?:year|month|day|hour|minute|second|offset)\b")


class _BadValue(NamedTuple):
    """Where a value that cannot exist is (each part ``None`` where unknown)."""

    key: str | None = None
    line: int | None = None
    #: The value as written, if a scalar.
    text: str | None = None
    #: Its YAML tag (``tag:yaml.org,2002:timestamp`` for a date).
    tag: str | None = None


def _impossible_value(fm: str, first_line: int) -> _BadValue:
    """The key, line, text and YAML tag of the top-level value PyYAML could not construct
    (it does not say which)."""
    try:
        node = yaml.compose(fm, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return _BadValue()
    if not isinstance(node, yaml.MappingNode):
        return _BadValue()
    constructor = yaml.constructor.SafeConstructor()
    for key_node, value_node in node.value:
        if str(key_node.value).lower() in TEXT_KEYS:
            continue  # read as text: never a value that cannot exist
        try:
            constructor.construct_object(value_node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            text = value_node.value if isinstance(value_node.value, str) else None
            line = first_line + value_node.start_mark.line
            return _BadValue(str(key_node.value), line, text, value_node.tag)
    return _BadValue()


def scrub(value: Any, depth: int = 0) -> tuple[Any, bool]:
    """``value`` without characters XML cannot carry, in strings up to two levels down (the
    deepest feedpub reads: authors → author → name), and whether anything was removed."""
    if isinstance(value, str):
        cleaned = XML_ILLEGAL.sub("", value)
        return cleaned, cleaned != value
    if depth >= 2 or not isinstance(value, (list, dict)):
        return value, False
    if isinstance(value, list):
        results = [scrub(item, depth + 1) for item in value]
        if not any(changed for _, changed in results):
            return value, False
        return [item for item, _ in results], True
    results_map = {key: scrub(item, depth + 1) for key, item in value.items()}
    if not any(changed for _, changed in results_map.values()):
        return value, False
    return {key: item for key, (item, _) in results_map.items()}, True


def _yaml_hint(error: yaml.MarkedYAMLError, source: str) -> str:
    """PyYAML's complaint about the front matter line ``source``, in a writer's words."""
    problem, context = error.problem or "", error.context or ""
    if "escape" in problem or "hexdecimal" in problem:  # "C:\Users", "\ud800": quote closed
        return (
            "a backslash in double quotes on this line starts an escape YAML cannot read "
            "(as '\\U' in \"C:\\Users\"); write '\\\\' for a backslash, or use single quotes"
        )
    if "quoted scalar" in context:
        return "a quote opened on this line is not closed"
    if "tab" in problem or "\t" in source[: len(source) - len(source.lstrip())]:
        return "a tab is used for indentation; indent with spaces"
    if "mapping values are not allowed" in problem:
        if source[:1].isspace():
            return (
                "this line is indented, so YAML reads it as part of the value above; "
                "start top-level keys at the beginning of the line"
            )
        return "a value contains ': '; put the whole value in quotes"
    if "expected ':'" in problem or "simple key" in context:
        return "a line has no ':' between key and value"
    if "alias" in problem or "anchor" in context:
        return f"{problem}; '*' and '&' start YAML aliases, put such values in quotes"
    return f"{problem or context}; check the quotes, colons and indentation"


_TOP_KEY = re.compile(r"""^(?:"([^"]+)"|'([^']+)'|([^\s#'"\-?:][^:]*?))\s*:(?:\s|$)""")


#: What YAML reads as a line break besides "\n" (file lines are counted by "\n" alone).
OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
#: How lines start that hold no top-level YAML key: indented, list items, comments, empty.
_NOT_A_YAML_KEY = frozenset(["", " ", "\t", "-", "#"])
_TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


def front_matter_lines(
    fm: str,
    first_line: int,
    handler: BaseHandler = YAML_HANDLER,
    repeated: list[tuple[str, int]] | None = None,
) -> dict[str, int]:
    """The file line of each top-level front matter key (first occurrence); each key written
    again is added to ``repeated``, with the file line it is written again on."""
    if handler is JSON_HANDLER:
        return _json_key_lines(fm, first_line, repeated)
    lines: dict[str, int] = {}
    pattern = _TOP_KEY
    if handler is not YAML_HANDLER:
        pattern = _TOML_KEY
    for number, text in enumerate(fm.split("\n")):
        if pattern is _TOP_KEY and text[:1] in _NOT_A_YAML_KEY:
            continue  # (the pattern would not match: a quicker no)
        if pattern is _TOML_KEY and text.lstrip().startswith("["):
            break  # a [table]: what follows is not top level
        match = pattern.match(text)
        if match:
            key = match.group(1) or match.group(2) or match.group(3)
            _note_key(lines, repeated, key, first_line + number)
    return lines


def _note_key(
    lines: dict[str, int], repeated: list[tuple[str, int]] | None, key: str, line: int
) -> None:
    if lines.setdefault(key, line) != line and repeated is not None:
        repeated.append((key, line))


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _json_key_lines(
    fm: str, first_line: int, repeated: list[tuple[str, int]] | None = None
) -> dict[str, int]:
    """The file line of each top-level key of JSON front matter (the object's text without
    its braces), on one line or many."""
    lines: dict[str, int] = {}
    depth = 0
    tokens = list(_JSON_TOKEN.finditer(fm))
    for token, after in zip(tokens, [*tokens[1:], None], strict=True):
        kind = token.group()
        if kind in "{[":
            depth += 1
        elif kind in "}]":
            depth -= 1
        elif depth == 0 and kind != ":" and after is not None and after.group() == ":":
            key = json.loads(kind)
            _note_key(lines, repeated, key, first_line + fm.count("\n", 0, token.start()))
    return lines
