"""Entry files → typed :class:`Entry` values (the *scan* stage).

This module reads front matter, checks every value and turns it into plain, timezone-aware
Python values. It never renders Markdown and knows nothing about XML. Every problem in a file is
collected and raised together, each naming the file and the line of the key it is about.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import json
import os
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from . import yamlevents
from .errors import BuildErrors, BuildWarning, EntryError, FeedpubError, NotAnEntry
from .media import LocalFile, Media, MediaError, parse_enclosures, parse_image

if TYPE_CHECKING:
    from .config import Site

T = TypeVar("T")

#: File name endings read as entries.
ENTRY_SUFFIXES = (".md", ".markdown")

#: Front matter keys feedpub reads (aliases included) or reserves; others are kept and ignored.
SUMMARY_KEYS = ("summary", "description", "excerpt")
KNOWN_KEYS = frozenset(
    {
        "title",
        "date",
        "updated",
        "lastmod",
        "last_modified_at",
        "author",
        "authors",
        "categories",
        "category",
        "tags",
        *SUMMARY_KEYS,
        "draft",
        "slug",
        "permalink",
        "link",
        "id",
        "image",
        "enclosure",
    }
)

#: Keys whose values are names or text by nature, in lower case (Jekyll's ``tag`` and Hugo's
#: ``url`` included): a plain YAML scalar in them keeps the text as written, so that
#: ``categories: [3.10, 010, NO]`` is "3.10", "010" and "NO", not 3.1, 8 and False.
TEXT_KEYS = frozenset(
    {"title", *SUMMARY_KEYS, "author", "authors", "categories", "category", "tags", "tag"}
    | {"slug", "id", "permalink", "link", "url"}
)

#: Placeholders a permalink pattern may use.
PERMALINK_FIELDS = frozenset({"year", "month", "day", "slug"})

# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE, U+FFFF).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same in UTF-8 bytes, checked with bytes.translate (much faster than a regex): deleting
# every other byte leaves only the control characters.
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_EMAIL = re.compile(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$")
_NAME_EMAIL = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]+)>$")
_EMAIL_NAME = re.compile(r"^(?P<email>\S+@\S+)\s+\((?P<name>[^()]+)\)$")
_JEKYLL_OFFSET = re.compile(r"\s*([+-])(\d\d):?(\d\d)$")
#: The date in front of an entry file's name (2025-05-01-title.md), which is not part of its slug.
DATE_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d-")
_SLUG_OK = re.compile(r"^[\w.~-]+$")
_SPACE = re.compile(r"\s")
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9/_.~-]")
_YAML_HANDLER = YAMLHandler()


class TOMLHandler(BaseHandler):
    """Hugo's ``+++`` TOML front matter, read with :mod:`tomllib` (python-frontmatter's own
    TOML handler needs the unmaintained ``toml`` package)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_TOML_HANDLER = TOMLHandler()
_JSON_HANDLER = JSONHandler()

DATE_HINT = "write 2025-05-01 or 2025-05-01T09:30:00+02:00"


@dataclass(frozen=True, slots=True)
class Author:
    """A person credited with an entry or a site."""

    #: The name readers see.
    name: str
    #: E-mail address (Atom `email`; RSS names authors in dc:creator, with no e-mail).
    email: str | None = None
    #: Home page of the person (Atom ``uri``).
    uri: str | None = None
    #: A role or short bio ("Business & Economy Reporter"); kept for pages, not in RSS/Atom.
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One article, as its front matter describes it. Markdown is not rendered yet."""

    #: The file it was read from.
    path: Path
    #: Plain-text title.
    title: str
    #: First publication, timezone-aware.
    date: datetime
    #: Last significant change, timezone-aware; ``None`` when never updated.
    updated: datetime | None
    #: Who wrote it (the site author when the entry names none).
    authors: tuple[Author, ...]
    #: Categories, in the order written, without duplicates.
    categories: tuple[str, ...]
    #: Tags, in the order written, without duplicates.
    tags: tuple[str, ...]
    #: The summary the front matter gives (plain text), or ``None`` to derive one.
    summary: str | None
    #: True for drafts, which feeds leave out unless asked.
    draft: bool
    #: URL-safe name used in the permalink.
    slug: str
    #: Absolute URL of the entry's page.
    link: str
    #: Stable feed id (Atom ``id``, RSS ``guid``): ``id`` from front matter, else the link.
    id: str
    #: File line of each top-level front matter key, for messages about them.
    key_lines: tuple[tuple[str, int], ...] = ()
    #: File line on which the Markdown body starts.
    body_line: int = 1
    #: Not shown before this instant, when later than ``date`` (Hugo's ``publishDate``).
    publish_date: datetime | None = None
    #: Left out of the feeds from this instant on (Hugo's ``expiryDate``).
    expiry_date: datetime | None = None
    #: Where this entry's derived summary ends (Jekyll's ``excerpt_separator``), if set.
    excerpt_separator: str | None = None
    #: The featured image, if any.
    image: Media | None = None
    #: Enclosures (podcast episodes, attachments), in the order written.
    enclosures: tuple[Media, ...] = ()
    #: Local files the image and enclosures name, with their size and mtime when read: an
    #: entry is read again when one of them changes.
    media_files: tuple[LocalFile, ...] = ()

    def line_of(self, *keys: str) -> int | None:
        """The line of the first of ``keys`` present in the front matter."""
        lines = dict(self.key_lines)
        return next((lines[k] for k in keys if k in lines), None)

    @property
    def modified(self) -> datetime:
        """When the entry last changed: ``updated``, else ``date``."""
        return self.updated or self.date

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # Pickled (to and from worker processes) as its fields in order: the dataclass's own
        # way sets them one by one in a generic loop, which costs a third more.
        return (Entry, _entry_fields(self))


_entry_fields = attrgetter(*(field.name for field in dataclasses.fields(Entry)))


# --------------------------------------------------------------------------- finding files


def entry_files(
    folder: Path, suffixes: tuple[str, ...] = ENTRY_SUFFIXES
) -> tuple[list[str], list[FeedpubError]]:
    """Every entry file below ``folder`` in a stable order (hidden files and folders and editor
    backups skipped), and an error for each link that leads outside ``folder``: feedpub never
    reads outside the entries folder. Paths are strings (``folder`` joined with the names):
    making no ``Path`` keeps a build with nothing to do fast."""
    found: list[str] = []
    problems: list[FeedpubError] = []
    root = folder.resolve()
    pending = [str(folder)]
    while pending:
        listing = open_folder(pending.pop(), problems)
        if listing is None:
            continue
        with listing:
            for item in listing:
                name = item.name
                if name.startswith(".") or name.endswith("~"):
                    continue
                is_entry = name.lower().endswith(suffixes)
                if is_entry and (problem := name_problem(folder, item.path)):
                    problems.append(problem)
                    continue
                if item.is_symlink():  # never followed out of the entries folder
                    target = link_target(item.path)
                    if target is None:
                        problems.append(link_loop(item.path))
                    elif not target.is_relative_to(root):
                        problems.append(
                            EntryError(
                                f"is a link to {target}, outside the entries folder; feedpub "
                                "reads only files inside it (copy the file in instead)",
                                Path(item.path),
                                code="FP101",
                            )
                        )
                    elif is_entry and target.is_file():
                        found.append(item.path)
                    elif is_entry and target.exists() and not target.is_dir():
                        problems.append(not_a_file(item.path))
                elif item.is_dir():
                    pending.append(item.path)
                elif is_entry and item.is_file():
                    found.append(item.path)
                elif is_entry:  # a named pipe, socket or device: reading it could hang
                    problems.append(not_a_file(item.path))
    found.sort()
    problems.sort(key=lambda problem: str(problem.path))
    return found, problems


def open_folder(where: str, problems: list[FeedpubError]) -> os._ScandirIterator[str] | None:
    """``os.scandir(where)``, or ``None`` with a problem added when the folder cannot be read."""
    try:
        return os.scandir(where)
    except OSError as e:
        problems.append(EntryError(f"cannot read the folder ({e.strerror})", Path(where)))
        return None


def link_target(path: str) -> Path | None:
    """Where the symbolic link ``path`` leads (it may not exist), or ``None`` when it is part
    of a loop of links (``a.md -> b.md -> a.md``, a link to itself) or of too long a chain."""
    try:
        os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # Python < 3.13 raises RuntimeError for a loop
        return None


def link_loop(path: str) -> EntryError:
    """The error for a link :func:`link_target` cannot follow."""
    return EntryError(
        "is a link that leads back to itself (a loop of links, or too long a chain of them); "
        "remove it, or make it point at a file",
        Path(path),
    )


def not_a_file(path: str) -> EntryError:
    """The error for an entry name that is neither a file nor a folder (a pipe, a device)."""
    return EntryError(
        "is not a regular file (a named pipe, socket or device); feedpub reads only files",
        Path(path),
    )


def name_problem(folder: Path, path: str) -> EntryError | None:
    """An error when the name of ``path`` below ``folder`` is not valid UTF-8 (feeds, URLs
    and the cache need it as text), else ``None``."""
    if path.isascii():
        return None
    try:
        relative_name(folder, path).encode("utf-8")
    except UnicodeEncodeError:
        return EntryError(
            "the file name is not valid UTF-8 text; rename it (e.g. with 'convmv -t utf-8')",
            Path(path),
        )
    return None


def relative_name(folder: Path, path: Path | str) -> str:
    """``path`` relative to the entries ``folder``, with '/' separators (a cache key).

    Entry paths are built from the folder's own spelling, so this is a cheap string cut."""
    prefix = str(folder)
    text = str(path)
    if text.startswith(prefix + os.sep):
        return text[len(prefix) + 1 :].replace(os.sep, "/")
    return Path(path).relative_to(folder).as_posix()


def relative_names(folder: Path, paths: list[str]) -> dict[str, str]:
    """:func:`relative_name` of each of ``paths``, by path (one string cut each)."""
    prefix = str(folder) + os.sep
    cut = len(prefix)
    if os.sep == "/":
        return {p: p[cut:] if p.startswith(prefix) else relative_name(folder, p) for p in paths}
    return {p: relative_name(folder, p) for p in paths}


# --------------------------------------------------------------------------- reading one file


class _Problems:
    """Collects the problems of one file, each with the line of the key it is about."""

    def __init__(self, path: Path, key_lines: dict[str, int]) -> None:
        self.path = path
        self.key_lines = key_lines
        self.errors: list[FeedpubError] = []

    def add(
        self, message: str, key: str | None = None, line: int | None = None, code: str = "FP106"
    ) -> None:
        if line is None and key is not None:
            line = self.key_lines.get(key)
        self.errors.append(EntryError(message, self.path, line, code))

    def identity(self, message: str, key: str | None = None, line: int | None = None) -> None:
        """A slug, permalink or id that cannot be used."""
        self.add(message, key, line, "FP107")


#: How common binary files start, and what they are (a picture renamed .md, say).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, OpenDocument or EPUB file)"),
    (b"\x1f\x8b", "a gzip archive"),
)
_MAGIC_STARTS = tuple(magic for magic, _ in _MAGIC)


def _decode(path: Path, data: bytes) -> str:
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf16 or (b"\x00" in data and data.count(0) > len(data) // 4):
        if _is_utf16_text(data):
            raise EntryError("file is UTF-16 text; save it as UTF-8", path, 1)
        raise _binary(path, data)
    if data.startswith(_MAGIC_STARTS):
        raise _binary(path, data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # Text in another encoding (Latin-1, say) has hardly any control characters.
        if len(data.translate(None, _OTHER_BYTES)) * 100 > len(data):
            raise _binary(path, data) from None
        line = data.count(b"\n", 0, e.start) + 1
        byte = data[e.start : e.start + 1].hex()
        raise EntryError(
            f"file is not UTF-8 text (byte 0x{byte} cannot be read); save it as UTF-8",
            path,
            line,
        ) from None


def _is_utf16_text(data: bytes) -> bool:
    """Whether ``data`` reads as UTF-16 (with its byte order mark, or either byte order
    without) into text: hardly any characters that no text holds."""
    codecs = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()
    for codec in codecs or ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(XML_ILLEGAL.findall(text)) * 100 <= len(text):
            return True
    return False


def _binary(path: Path, data: bytes) -> EntryError:
    kind = next((what for magic, what in _MAGIC if data.startswith(magic)), "binary data")
    return EntryError(
        f"file is {kind}, not text; an entry is a Markdown text file (UTF-8): "
        "move this file out of the entries folder, or give it another extension",
        path,
        1,
    )


def _split(path: Path, text: str) -> tuple[str, int, int, int, BaseHandler]:
    """Front matter text, where the body starts in ``text``, the file lines on which each
    starts, and the handler of its format: YAML between ``---`` lines, TOML between ``+++``
    lines, or a JSON object. (The body is not cut out: reading entries does not need it.)"""
    handler: BaseHandler = _YAML_HANDLER
    boundary = _YAML_HANDLER.FM_BOUNDARY
    opening = boundary.match(text)
    if opening is None and _JSON_START.match(text):
        found = _json_object(path, text)
        if found is not None:
            return found
    if opening is None:
        for handler in (_TOML_HANDLER, _JSON_HANDLER):
            if handler.detect(text):
                boundary = handler.FM_BOUNDARY
                opening = boundary.match(text)
                break
    if opening is None:
        raise EntryError(
            "no front matter; start the file with a line '---', then 'title:' and 'date:', "
            "then another '---'",
            path,
            1,
            "FP102",
        )
    closing = boundary.search(text, opening.end())
    if closing is None:
        end = {"{": "}"}.get(opening.group().strip(), opening.group().strip())
        raise EntryError(
            f"front matter is not closed; add a line '{end}' after it", path, 1, "FP102"
        )
    first_line = text.count("\n", 0, opening.end()) + 1
    body_line = text.count("\n", 0, closing.end()) + 1
    fm = text[opening.end() : closing.start()]
    return fm, closing.end(), first_line, body_line, handler


_TOO_DEEP = "front matter is not valid {}: lists or tables nested too deeply"


_JSON_DECODER = json.JSONDecoder()
#: How a JSON object starts: '{', then a key or '}' (a Liquid '{%' or '{{' is no JSON).
_JSON_START = re.compile(r'\{\s*["}]')


def _json_object(path: Path, text: str) -> tuple[str, int, int, int, BaseHandler] | None:
    """JSON front matter, as :func:`_split` gives it: an object at the start of the file,
    on one line or several, whose closing brace ends it (Hugo's rule); the body follows.
    ``None`` when it is not valid JSON and starts with a line '{' alone: the line form's
    messages say what is wrong then."""
    try:
        _, end = _JSON_DECODER.raw_decode(text)
    except RecursionError:
        raise EntryError(_TOO_DEEP.format("JSON"), path, 1, "FP120") from None
    except json.JSONDecodeError as e:
        if _JSON_HANDLER.detect(text):
            return None
        raise EntryError(
            f"front matter is not valid JSON: {e.msg}", path, e.lineno, "FP120"
        ) from None
    # As for '---' lines: the body starts after the closing brace, on the line it ends.
    return text[1 : end - 1], end, 1, text.count("\n", 0, end) + 1, _JSON_HANDLER


def _load_other(path: Path, fm: str, first_line: int, handler: BaseHandler) -> Any:
    """TOML or JSON front matter, through its python-frontmatter handler."""
    if handler is _JSON_HANDLER:
        try:
            meta = handler.load("{" + fm + "}")
            if "\\u" in fm:  # an escape may make half a UTF-16 pair, which no file can hold
                json.dumps(meta, ensure_ascii=False).encode("utf-8")
            return meta
        except RecursionError:
            raise EntryError(_TOO_DEEP.format("JSON"), path, first_line, "FP120") from None
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
    try:
        return handler.load(fm)
    except RecursionError:
        raise EntryError(_TOO_DEEP.format("TOML"), path, first_line, "FP120") from None
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


def _load_yaml(path: Path, fm: str, first_line: int) -> Any:
    try:
        return _YAML_HANDLER.load(fm, Loader=yamlevents.loader(TEXT_KEYS))
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
        if key and text is not None and dated:
            message = f"{key} {text!r} is not a real date ({why}); {DATE_HINT}"
        else:
            where = f"{key}: " if key else "front matter has an impossible value: "
            message = f"{where}{why}" + (f"; {DATE_HINT}" if dated else "")
        raise EntryError(message, path, line, "FP105" if dated else "FP106") from None


_DATE_PARTS = re.compile(r"\b(?:year|month|day|hour|minute|second|offset)\b")


def _impossible_value(
    fm: str, first_line: int
) -> tuple[str | None, int | None, str | None, str | None]:
    """The key, line, text and YAML tag of the top-level value PyYAML could not construct
    (it does not say which)."""
    try:
        node = yaml.compose(fm, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None, None, None, None
    if not isinstance(node, yaml.MappingNode):
        return None, None, None, None
    constructor = yaml.constructor.SafeConstructor()
    for key_node, value_node in node.value:
        if str(key_node.value).lower() in TEXT_KEYS:
            continue  # read as text: never a value that cannot exist
        try:
            constructor.construct_object(value_node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            text = value_node.value if isinstance(value_node.value, str) else None
            line = first_line + value_node.start_mark.line
            return str(key_node.value), line, text, value_node.tag
    return None, None, None, None


def _scrub(value: Any, depth: int = 0) -> tuple[Any, bool]:
    """``value`` without characters XML cannot carry, in strings up to two levels down (the
    deepest feedpub reads: authors → author → name), and whether anything was removed."""
    if isinstance(value, str):
        cleaned = XML_ILLEGAL.sub("", value)
        return cleaned, cleaned != value
    if depth >= 2 or not isinstance(value, (list, dict)):
        return value, False
    if isinstance(value, list):
        results = [_scrub(item, depth + 1) for item in value]
        if not any(changed for _, changed in results):
            return value, False
        return [item for item, _ in results], True
    results_map = {key: _scrub(item, depth + 1) for key, item in value.items()}
    if not any(changed for _, changed in results_map.values()):
        return value, False
    return {key: item for key, (item, _) in results_map.items()}, True


def _yaml_hint(error: yaml.MarkedYAMLError, source: str) -> str:
    """PyYAML's complaint about the front matter line ``source``, in a writer's words."""
    problem, context = error.problem or "", error.context or ""
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
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
#: How lines start that hold no top-level YAML key: indented, list items, comments, empty.
_NOT_A_YAML_KEY = frozenset(["", " ", "\t", "-", "#"])
_TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


def _key_lines(fm: str, first_line: int, handler: BaseHandler = _YAML_HANDLER) -> dict[str, int]:
    """The file line of each top-level front matter key (first occurrence)."""
    if handler is _JSON_HANDLER:
        return _json_key_lines(fm, first_line)
    lines: dict[str, int] = {}
    pattern = _TOP_KEY
    if handler is not _YAML_HANDLER:
        pattern = _TOML_KEY
    for number, text in enumerate(fm.split("\n")):
        if pattern is _TOP_KEY and text[:1] in _NOT_A_YAML_KEY:
            continue  # (the pattern would not match: a quicker no)
        if pattern is _TOML_KEY and text.lstrip().startswith("["):
            break  # a [table]: what follows is not top level
        match = pattern.match(text)
        if match:
            key = match.group(1) or match.group(2) or match.group(3)
            lines.setdefault(key, first_line + number)
    return lines


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _json_key_lines(fm: str, first_line: int) -> dict[str, int]:
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
            lines.setdefault(key, first_line + fm.count("\n", 0, token.start()))
    return lines


def read_file(path: Path, site: Site) -> bytes:
    """The bytes of an entry file, at most ``max_entry_size`` of them."""
    return read_file_stat(path, site)[0]


def read_file_stat(path: Path, site: Site) -> tuple[bytes, int, int]:
    """:func:`read_file`, and the file's size and modification time (ns) as they were when
    it was opened: should it change meanwhile, its next build reads it again."""
    try:
        # os.open/os.read, not open(): the io stack costs more than the read itself here
        # O_NONBLOCK: a named pipe put in the file's place opens at once, to be refused below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            stat = os.fstat(fd)
            if not S_ISREG(stat.st_mode):
                kind = "a folder" if S_ISDIR(stat.st_mode) else "a named pipe, socket or device"
                raise EntryError(f"is not a regular file ({kind}); feedpub reads only files", path)
            size = stat.st_size
            too_big = size > site.max_entry_size
            # read(size + 1), not read(limit): Python would allocate the whole limit each time
            data = b"" if too_big else _read_all(fd, size + 1)
        finally:
            os.close(fd)
    except OSError as e:
        raise EntryError(f"cannot read the file ({e.strerror})", path) from None
    if too_big or len(data) > site.max_entry_size:
        raise EntryError(
            f"file is larger than max_entry_size ({format_size(site.max_entry_size)}); "
            "shorten it, or raise max_entry_size in the configuration",
            path,
            code="FP110",
        )
    return data, size, stat.st_mtime_ns


def _read_all(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes of ``fd``: a single read is enough for a regular file, but a
    read may return less (a file growing meanwhile, a pipe)."""
    data = os.read(fd, size)
    while len(data) < size:
        more = os.read(fd, size - len(data))
        if not more:
            break
        data += more
    return data


def _file_text(path: Path, data: bytes, warnings: list[BuildWarning] | None = None) -> str:
    """The file's text, without the characters XML cannot carry (with a warning for them)."""
    text = _decode(path, data)
    # U+FFFE and U+FFFF are not ASCII; isascii() is much faster than searching for them.
    if data.translate(None, _OTHER_BYTES) or (
        not data.isascii() and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
    ):
        if warnings is not None:
            warnings += _control_warnings(path, text)
        text = XML_ILLEGAL.sub("", text)
    return text


#: Lines named one by one in FP201 warnings; one more warning counts the others.
CONTROL_LINES_SHOWN = 10
#: A line holding characters XML cannot carry, up to the last of them (linear: '.' stops at
#: the line's end, and only line starts are tried).
_CONTROL_LINE = re.compile("^.*[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", re.MULTILINE)


def _control_warnings(path: Path, text: str) -> list[BuildWarning]:
    """An FP201 warning for each line holding characters XML cannot carry (which, and how
    many), for the first :data:`CONTROL_LINES_SHOWN` lines; then one that counts the others
    and names the first twenty of them. Bounded work, however many there are."""
    warnings: list[BuildWarning] = []
    later: list[int] = []  # lines after those shown
    later_count = more_lines = 0
    line, counted = 1, 0
    for match in _CONTROL_LINE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found = XML_ILLEGAL.findall(match.group())
        if len(warnings) < CONTROL_LINES_SHOWN:
            names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(found))
            what = f"{len(found)} control characters ({names})"
            if len(found) == 1:
                what = f"control character {names}"
            warnings.append(
                BuildWarning("FP201", f"removed {what}, which feeds cannot carry", path, line)
            )
            continue
        later.append(line)
        later_count += len(found)
        if len(later) == 20:  # the rest is counted, not named (in C: a file may be all of it)
            more_lines = len(_CONTROL_LINE.findall(text, match.end()))
            later_count += len(XML_ILLEGAL.findall(text, match.end()))
            break
    if later:
        lines = len(later) + more_lines
        named = ", ".join(map(str, later)) + (", …" if more_lines else "")
        warnings.append(
            BuildWarning(
                "FP201",
                f"removed {later_count} more control character{'s' if later_count > 1 else ''}"
                f" on {lines} more line{'s' if lines > 1 else ''} ({named}), which feeds "
                "cannot carry",
                path,
                later[0],
            )
        )
    return warnings


def read_body(entry: Entry, site: Site) -> str:
    """An entry's Markdown body, read again from its file: entries keep no body in memory,
    so memory grows with the number of entries, not with their size."""
    text = _file_text(entry.path, read_file(entry.path, site))
    return text[_split(entry.path, text)[1] :]


def read_entry(path: Path, site: Site) -> tuple[Entry, list[BuildWarning]]:
    """Read one entry file into an :class:`Entry`.

    Raises :class:`EntryError` for a file that cannot be read at all, or :class:`BuildErrors`
    with every problem found in its front matter.
    """
    return parse_entry(path, read_file(path, site), site)


def parse_entry(path: Path, data: bytes, site: Site) -> tuple[Entry, list[BuildWarning]]:
    """An :class:`Entry` from the bytes of its file (see :func:`read_entry`)."""
    warnings: list[BuildWarning] = []
    text = _file_text(path, data, warnings)
    fm, body_start, first_line, body_line, handler = _split(path, text)
    if len(fm) > site.max_front_matter_size:
        raise EntryError(
            f"front matter is larger than max_front_matter_size "
            f"({format_size(site.max_front_matter_size)}); move long text into the body",
            path,
            first_line,
            "FP110",
        )
    key_lines = None
    quick = yamlevents.load_with_lines(fm, TEXT_KEYS) if handler is _YAML_HANDLER else None
    if quick is not None:  # the usual flat front matter, built faster
        meta, lines = quick
        if not _OTHER_BREAKS.search(fm):  # YAML counts those as line breaks too
            key_lines = {key: first_line + line for key, line in lines.items()}
    elif handler is _YAML_HANDLER:
        meta = _load_yaml(path, fm, first_line)
    else:
        meta = _load_other(path, fm, first_line, handler)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else "a single value"
        raise EntryError(
            f"front matter is {kind}, not 'key: value' lines; write e.g. 'title: My story'",
            path,
            first_line + 1,
            "FP102",
        )
    if key_lines is None:
        key_lines = _key_lines(fm, first_line, handler)
    # The text holds no such characters (see _file_text): only an escape can make one, and
    # YAML, TOML and JSON escapes all start with a backslash.
    for key in list(meta) if "\\" in fm else ():
        value, changed = _scrub(meta[key])
        if changed:  # e.g. title: "\a" — a YAML escape makes what the file could not hold
            meta[key] = value
            warnings.append(
                BuildWarning(
                    "FP201",
                    f"removed control characters from {key}, which feeds cannot carry",
                    path,
                    key_lines.get(key) if isinstance(key, str) else None,
                )
            )
    problems = _Problems(path, key_lines)
    link: LinkMaker = _link
    known: frozenset[str] = KNOWN_KEYS
    extra: dict[str, Any] = {}
    if site.dialect != "feedpub":
        from . import dialects

        try:
            meta, link, extra = dialects.prepare(path, meta, site, problems)
        except NotAnEntry as e:
            e.warnings = [*warnings, *e.warnings]
            raise
        known = dialects.KNOWN_KEYS[site.dialect]
    extra.update(key_lines=shared(tuple(key_lines.items())), body_line=body_line)
    entry = _entry_from_meta(path, meta, site, problems, link, extra)
    warnings.extend(_likely_typos(path, meta, key_lines, known))
    if problems.errors:
        raise BuildErrors(problems.errors, warnings)
    assert entry is not None
    if entry.summary and len(entry.summary) > site.summary_length:
        warnings.append(
            BuildWarning(
                "FP207",
                f"summary is {len(entry.summary)} characters, longer than summary_length "
                f"({site.summary_length}); readers may cut it",
                path,
                key_lines.get(_first(meta, *SUMMARY_KEYS)[0] or "summary"),
            )
        )
    from .findings import body_warnings  # (it imports render, which imports this module)

    warnings.extend(body_warnings(entry, text[body_start:], site))
    return entry, warnings


def _likely_typos(
    path: Path, meta: dict[str, Any], key_lines: dict[str, int], known: frozenset[str]
) -> list[BuildWarning]:
    found = []
    for key in meta:
        if key in known or not isinstance(key, str):
            continue
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
        if close:
            found.append(
                BuildWarning(
                    "FP203",
                    f"unknown key '{key}' is ignored; did you mean '{close[0]}'?",
                    path,
                    key_lines.get(key),
                )
            )
    return found


def _first(meta: dict[str, Any], *keys: str) -> tuple[str | None, Any]:
    """The first of ``keys`` present in ``meta``, and its value."""
    for key in keys:
        if key in meta and meta[key] is not None:
            return key, meta[key]
    return None, None


#: Makes an entry's link: (path, front matter, site, date, slug, problems) → URL or None.
LinkMaker = Callable[[Path, dict[str, Any], "Site", datetime, str, "_Problems"], str | None]


def _entry_from_meta(
    path: Path,
    meta: dict[str, Any],
    site: Site,
    problems: _Problems,
    make_link: LinkMaker,
    fields: dict[str, Any],
) -> Entry | None:
    """The entry ``meta`` describes, with ``fields`` for the rest of :class:`Entry` (read
    when it is made: ``make_link`` may add to them), or ``None`` when it has problems, which
    are added to ``problems``."""
    title = _text(meta, "title", problems, required=True)
    if title is not None and not title:
        problems.add("title is empty; give the entry a title", "title", code="FP104")
        title = None

    key, value = _first(meta, "date")
    published = None
    if key is None:
        problems.add(
            f"no date; add a line 'date: ...' to the front matter ({DATE_HINT})",
            line=1,
            code="FP105",
        )
    else:
        published = _date(value, key, site.timezone, problems)
    key, value = _first(meta, "updated", "lastmod", "last_modified_at")
    updated = _date(value, key, site.timezone, problems) if key else None
    if published and updated and updated < published:
        updated = None  # an "update" before publication says nothing new

    key, value = _first(meta, "authors", "author")
    authors: tuple[Author, ...] = site.authors
    if key is not None:
        try:
            authors = parse_authors(value) or site.authors
        except ValueError as e:
            problems.add(f"{key}: {e}", key)

    categories = _terms(meta, ("categories", "category"), problems)
    tags = _terms(meta, ("tags",), problems)
    if len(categories) + len(tags) > site.max_categories:
        problems.add(
            f"has {len(categories) + len(tags)} categories and tags, more than max_categories "
            f"({site.max_categories}); keep the ones readers filter by",
            "categories" if "categories" in meta else "tags",
            code="FP110",
        )
    summary = None
    key, _ = _first(meta, *SUMMARY_KEYS)
    if key:
        summary = _text(meta, key, problems) or None

    draft = False
    if meta.get("draft") is not None:
        if isinstance(meta["draft"], bool):
            draft = meta["draft"]
        else:
            problems.add(
                f"draft must be true or false, not {meta['draft']!r}; write 'draft: true'", "draft"
            )

    image, enclosures, media_files = _media(meta, site, problems)

    slug = _slug(path, meta, problems)
    link = None
    if published is not None and slug is not None:
        link = make_link(path, meta, site, published, slug, problems)
    entry_id = None
    if link is not None and published is not None:
        entry_id = _id(meta, site, published, link, problems)

    if problems.errors:
        return None
    assert title and published and slug and link and entry_id
    return Entry(
        path=path,
        title=title,
        date=published,
        updated=updated,
        authors=authors,
        categories=categories,
        tags=tags,
        summary=summary,
        draft=draft,
        slug=slug,
        link=link,
        image=image,
        enclosures=enclosures,
        media_files=tuple(media_files),
        **{"id": entry_id, **fields},  # a dialect may set the id its generator gives
    )


def _media(
    meta: dict[str, Any], site: Site, problems: _Problems
) -> tuple[Media | None, tuple[Media, ...], list[LocalFile]]:
    """The featured image and the enclosures, and the local files they name."""
    image: Media | None = None
    enclosures: tuple[Media, ...] = ()
    files: list[LocalFile] = []
    if "image" not in meta and "enclosure" not in meta:
        return image, enclosures, files
    try:
        image, found = parse_image(meta.get("image"), site)
        files += found
    except MediaError as e:
        problems.add(str(e), "image", code=e.code)
    try:
        enclosures, found = parse_enclosures(meta.get("enclosure"), site)
        files += found
    except MediaError as e:
        problems.add(str(e), "enclosure", code=e.code)
    return image, enclosures, files


def _text(
    meta: dict[str, Any], key: str, problems: _Problems, required: bool = False
) -> str | None:
    value = meta.get(key)
    if value is None:
        if required:
            problems.add(
                f"no {key}; add a line '{key}: ...' to the front matter", line=1, code="FP104"
            )
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.add(f"{key} must be text, not {_kind(value)}", key)
        return None
    return " ".join(str(value).split())


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, (date, datetime)):
        return "a date"
    return repr(value)


def _date(value: Any, key: str, zone: tzinfo, problems: _Problems) -> datetime | None:
    try:
        return parse_date(value, zone)
    except ValueError as e:
        problems.add(f"{key} {e}", key, code="FP105")
        return None


def parse_date(value: Any, zone: tzinfo) -> datetime:
    """A front matter date as an aware datetime; naive values are read in ``zone``.

    Takes YAML dates and timestamps, ISO 8601 strings, Jekyll's ``2013-05-06 02:12:52 +0200``
    and RFC 822 dates. Raises :class:`ValueError` with a message for writers.
    """
    if isinstance(value, (bool, int, float)):
        raise ValueError(f"{value!r} is a number, not a date; {DATE_HINT}")
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        result = _date_from_text(value.strip())
    else:
        raise ValueError(f"is {_kind(value)}, not a date; {DATE_HINT}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    if not 1000 <= result.year <= 9998:
        raise ValueError(f"{value!s} is out of range; feedpub takes years 1000 to 9998")
    return result


def _date_from_text(text: str) -> datetime:
    candidates = [text, _JEKYLL_OFFSET.sub(r"\1\2:\3", text)]
    for candidate in candidates:
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            pass
    try:
        from email.utils import parsedate_to_datetime  # RFC 822 dates are rare

        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{text!r} is not a date; {DATE_HINT}") from None


def parse_authors(value: Any) -> tuple[Author, ...]:
    """Authors from a front matter or config value: ``"Name <email>"``, a mapping with
    ``name``/``email``/``uri``/``description``, or a list of either. Raises :class:`ValueError`."""
    if type(value) is str:  # the usual "Name <email>": its authors were made before
        return _authors_of_text(value)
    items = value if isinstance(value, list) else [value]
    return tuple(shared(_author(item)) for item in items if item not in (None, ""))


@lru_cache(maxsize=1024)  # a site has a few authors, named in thousands of entries
def _authors_of_text(value: str) -> tuple[Author, ...]:
    return (shared(_author_text(value)),) if value else ()


def _author(value: Any) -> Author:
    if isinstance(value, Author):  # from an authors_file
        return value
    if isinstance(value, str):
        return _author_text(value)
    if isinstance(value, dict):
        unknown = set(value) - {"name", "email", "uri", "url", "description", "role"}
        if unknown:
            raise ValueError(
                f"unknown author field {sorted(map(str, unknown))[0]!r}; "
                "an author takes name, email, uri and description"
            )
        fields = {}
        for field in ("name", "email", "uri", "url", "description", "role"):
            item = value.get(field)
            if item is not None and not isinstance(item, str):
                raise ValueError(f"author {field} must be text, not {_kind(item)}")
            fields[field] = " ".join(item.split()) if item else None
        email = fields["email"]
        if email:
            _check_email(email)
        name = fields["name"] or email
        if not name:
            raise ValueError("an author needs a name (or at least an email)")
        uri = fields["uri"] or fields["url"]
        if uri and not _is_web_url(uri):
            raise ValueError(f"author uri {uri!r} is not an absolute http(s) URL")
        return Author(
            name=name, email=email, uri=uri, description=fields["description"] or fields["role"]
        )
    raise ValueError(
        f"an author is 'Name <email>' or a mapping with name and email, not {_kind(value)}"
    )


@lru_cache(maxsize=1024)  # a site has a few authors, named in thousands of entries
def _author_text(value: str) -> Author:
    text = " ".join(value.split())
    match = _NAME_EMAIL.match(text) or _EMAIL_NAME.match(text)
    if match:
        name, email = match["name"].strip(), match["email"].strip()
        _check_email(email)
        return Author(name=name or email, email=email)
    if _EMAIL.match(text):
        return Author(name=text, email=text)
    return Author(name=text)


def _check_email(email: str) -> None:
    if not _EMAIL.match(email):
        raise ValueError(f"{email!r} is not an e-mail address")


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _terms(meta: dict[str, Any], keys: Iterable[str], problems: _Problems) -> tuple[str, ...]:
    """Categories or tags: lists or comma-separated strings, merged over ``keys``."""
    found: dict[str, None] = {}
    for key in keys:
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            items: list[Any] = value.split(",")
        elif isinstance(value, list):
            items = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            items = [value]
        else:
            problems.add(
                f"{key} must be a list like [Business, Tech] or 'Business, Tech', "
                f"not {_kind(value)}",
                key,
            )
            continue
        bad: list[tuple[int, Any]] = []
        for number, item in enumerate(items, 1):
            if type(item) is str:  # the usual case: its term was seen before
                term = _TERMS.get(item)
                if term is None:
                    term = _TERMS[item] = shared(" ".join(item.split()))
                    if len(_TERMS) > 100_000:  # terms that never repeat: stop collecting
                        _TERMS.clear()
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                bad.append((number, item))
                continue
            else:
                term = shared(" ".join(str(item).split()))
            if term:
                found.setdefault(term, None)
        if bad:
            problems.add(
                f"{key}: {_bad_items(bad)}; write each item as text, e.g. [Business, Tech]", key
            )
    return tuple(found)


def _bad_items(bad: list[tuple[int, Any]]) -> str:
    """``item 2 is a mapping ({a: b}) and item 4 is a list ([x]), not text``: which items of a
    list are not names, and what they are (the first five of them)."""
    told = []
    for number, item in bad[:5]:
        if isinstance(item, (dict, list)):
            flow = _flow(item)
            flow = flow if len(flow) <= 40 else flow[:39] + "…"
            what = f"{'a mapping' if isinstance(item, dict) else 'a list'} ({flow})"
        elif isinstance(item, (date, datetime)):
            what = f"a date ({item.isoformat()})"
        else:
            what = "empty" if item is None else _kind(item)
        told.append(f"item {number} is {what}")
    if len(bad) > 5:
        told.append(f"{len(bad) - 5} more")
    listed = ", ".join(told[:-1]) + " and " + told[-1] if len(told) > 1 else told[0]
    return f"{listed}, not text"


def _flow(value: Any, depth: int = 0) -> str:
    """A short YAML-like picture of a front matter value, ``{a: [1, 2]}``: at most five items
    of each list or mapping, three levels deep (a value may hold itself, through an alias)."""
    if depth > 2 and isinstance(value, (dict, list)):
        return "…"
    if isinstance(value, dict):
        pairs = [f"{_flow(k, 3)}: {_flow(v, depth + 1)}" for k, v in list(value.items())[:5]]
        return "{" + ", ".join(pairs + ["…"] * (len(value) > 5)) + "}"
    if isinstance(value, list):
        items = [_flow(v, depth + 1) for v in value[:5]]
        return "[" + ", ".join(items + ["…"] * (len(value) > 5)) + "]"
    if value is None:
        return "~"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return text if text.isprintable() else repr(text)  # (a line break would split the message)


#: Each category or tag as written → the term it is (thousands of entries share a few).
_TERMS: dict[str, str] = {}


def _slug(path: Path, meta: dict[str, Any], problems: _Problems) -> str | None:
    value = meta.get("slug")
    if value is None:
        stem = DATE_PREFIX.sub("", path.stem)
        # A stem that is a slug already (the usual case) is what slugify would return.
        if _PLAIN_SLUG.match(stem):
            slug = stem
        else:
            from slugify import slugify  # (with its transliteration tables: when needed)

            slug = slugify(stem)
        if not slug:
            problems.identity(
                f"cannot make a URL slug from the file name {path.name!r}; add 'slug: my-story'",
                line=1,
            )
            return None
        return slug
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _SLUG_OK.match(value) or value in (".", ".."):
        problems.identity(
            f"slug {value!r} may only contain letters, digits, '-', '_', '.' and '~' "
            "(no '/', spaces or '..'); write e.g. 'slug: my-story'",
            "slug",
        )
        return None
    return value


def _link(
    path: Path,
    meta: dict[str, Any],
    site: Site,
    published: datetime,
    slug: str,
    problems: _Problems,
) -> str | None:
    key, value = _first(meta, "permalink", "link")
    if key is not None:
        return given_link(value, key, site, problems)
    local = published.astimezone(site.timezone)
    url_path = site.permalink.format(
        year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}", slug=slug
    )
    return site_url(site, url_path, None, problems)


def given_link(value: Any, key: str, site: Site, problems: _Problems) -> str | None:
    """The link an entry's front matter gives (``permalink``, ``link``, Hugo's ``url``): an
    absolute http(s) URL, or a path below ``base_url``."""
    if not isinstance(value, str) or not value.strip():
        problems.identity(f"{key} must be a URL or a path like /2025/my-story/", key)
        return None
    value = value.strip()
    if _is_web_url(value):
        return value
    if _URI_SCHEME.match(value) or value.startswith("//"):
        problems.identity(f"{key} {value!r} must be an http(s) URL or a path on the site", key)
        return None
    return site_url(site, value, key, problems)


def site_url(site: Site, url_path: str, key: str | None, problems: _Problems) -> str | None:
    """``url_path`` below ``base_url``, checked (no '..', '\\' or spaces) and escaped."""
    if ".." in url_path.split("/") or "\\" in url_path or _SPACE.search(url_path):
        problems.identity(
            f"{key or 'permalink'} {url_path!r} may not contain '..', '\\' or spaces",
            key or "slug",
        )
        return None
    url_path = url_path.lstrip("/")
    if _URL_UNSAFE.search(url_path):
        url_path = quote(url_path, safe="/%~:@!$&'()*+,;=?#")
    # The path is below base_url (never '..', checked above), so joining is concatenating.
    return site.base_url + url_path if "./" not in url_path else urljoin(site.base_url, url_path)


def _id(
    meta: dict[str, Any], site: Site, published: datetime, link: str, problems: _Problems
) -> str | None:
    value = meta.get("id")
    if value is None:
        return link
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        problems.identity(f"id must be text, not {_kind(value)}", "id")
        return None
    text = str(value).strip()
    if not text:
        problems.identity("id is empty; remove it or give a value", "id")
        return None
    if _URI_SCHEME.match(text):
        if any(c.isspace() for c in text):
            problems.identity(f"id {text!r} is a URI and may not contain spaces", "id")
            return None
        return text
    host = urlsplit(site.base_url).hostname or "localhost"
    return f"tag:{host},{published.year:04d}:{quote(text, safe='')}"


_SHARED: dict[Any, Any] = {}


def shared(value: T) -> T:
    """One object for equal values (authors, category names, front matter layouts), which
    repeat across thousands of entries: a site of 100,000 entries keeps them once."""
    if len(_SHARED) > 100_000:  # values that never repeat: stop collecting them
        _SHARED.clear()
    return _SHARED.setdefault(value, value)


def format_size(size: int) -> str:
    """``8 MiB``, ``64 KiB``, ``300 bytes``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def permalink_fields(pattern: str) -> Iterator[str]:
    """The placeholder names used in a permalink pattern (raises ValueError if malformed)."""
    for _, field, _, _ in string.Formatter().parse(pattern):
        if field is not None:
            yield field
