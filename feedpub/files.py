"""Entry files on disk: finding them (symbolic links and loops, names that are not UTF-8,
files that are not regular), reading their bytes as text (encodings, control characters), and
where their front matter ends and the body begins.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import sys
import tomllib
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import BuildWarning, EntryError, FeedpubError, display_path
from .fields import XML_ILLEGAL
from .model import Entry

if TYPE_CHECKING:
    from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

    from .model import Site


#: File name endings read as entries.
ENTRY_SUFFIXES = (".md", ".markdown")
# The same in UTF-8 bytes, checked with bytes.translate (much faster than a regex): deleting
# every other byte leaves only the control characters.
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


class Handlers(NamedTuple):
    """python-frontmatter's handler of each front matter format."""

    yaml: YAMLHandler
    toml: BaseHandler
    json: JSONHandler


def _boundary(handler: BaseHandler) -> re.Pattern[str]:
    pattern = handler.FM_BOUNDARY
    assert pattern is not None  # (each of feedpub's handlers has one)
    return pattern


@functools.cache
def handlers() -> Handlers:
    """The front matter handlers, made on first use: python-frontmatter (and PyYAML with it)
    is loaded only when an entry is read, not by a build that finds nothing changed."""
    from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

    class TOMLHandler(BaseHandler):  # type: ignore[misc]  # (frontmatter has no types)
        """Hugo's ``+++`` TOML front matter, read with :mod:`tomllib` (python-frontmatter's
        own TOML handler needs the unmaintained ``toml`` package)."""

        FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
        START_DELIMITER = END_DELIMITER = "+++"

        def load(self, fm: str, **kwargs: object) -> Any:
            return tomllib.loads(fm)

    return Handlers(YAMLHandler(), TOMLHandler(), JSONHandler())


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
                    elif is_entry and not target.exists():  # (a file moved or deleted)
                        problems.append(
                            EntryError(
                                f"is a link to {display_path(target)}, which does not exist; "
                                "remove the link, or make it point at the entry's file",
                                Path(item.path),
                                code="FP101",
                            )
                        )
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
_BOM = b"\xef\xbb\xbf"


def _decode(path: Path, data: bytes) -> str:
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf16 or (b"\x00" in data and data.count(0) > len(data) // 4):
        if _is_utf16_text(data):
            raise EntryError("file is UTF-16 text; save it as UTF-8", path, 1)
        raise _binary(path, data)
    if data.startswith(_MAGIC_STARTS):
        raise _binary(path, data)
    bom = len(_BOM) if data.startswith(_BOM) else 0
    try:  # (not "utf-8-sig": slower, even without a byte order mark)
        return data[bom:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as e:
        # Text in another encoding (Latin-1, say) has hardly any control characters.
        if len(data.translate(None, _OTHER_BYTES)) * 100 > len(data):
            raise _binary(path, data) from None
        at = bom + e.start  # (in the file, byte order mark included)
        line = data.count(b"\n", 0, at) + 1
        byte = data[at : at + 1].hex()
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


class FrontMatter(NamedTuple):
    """Where an entry file's front matter is (see :func:`split_front_matter`)."""

    #: The front matter, without its delimiters.
    text: str
    #: Where the body starts in the file's text (an index into it).
    body_start: int
    #: The file line of the opening delimiter: line *n* of :attr:`text` (from 0) is file line
    #: ``first_line + n``.
    first_line: int
    #: The file line on which the body starts.
    body_line: int
    #: The handler of its format: YAML, TOML or JSON.
    handler: BaseHandler


def split_front_matter(path: Path, text: str, after_space: bool = True) -> FrontMatter:
    """Front matter text, where the body starts in ``text``, the file lines on which each
    starts, and the handler of its format: YAML between ``---`` lines, TOML between ``+++``
    lines, or a JSON object. (The body is not cut out: reading entries does not need it.)

    With ``after_space``, blank lines and spaces before the opening delimiter are passed
    over, as Hugo's page parser does (a byte order mark is already gone: see ``file_text``);
    Jekyll reads front matter only at the very start (``after_space=False``)."""
    lead = len(text) - len(text.lstrip(" \t\r\n")) if after_space else 0
    if lead and lead < len(text):
        lines = text.count("\n", 0, lead)
        try:
            inner = split_front_matter(path, text[lead:], False)
        except EntryError as e:  # its line counted in the file, not from the first delimiter
            e.line = e.line + lines if e.line is not None else None
            raise
        return inner._replace(
            body_start=lead + inner.body_start,
            first_line=inner.first_line + lines,
            body_line=inner.body_line + lines,
        )
    known = handlers()
    handler: BaseHandler = known.yaml
    boundary = _boundary(known.yaml)
    opening = boundary.match(text)
    if opening is None and _JSON_START.match(text):
        found = _json_object(path, text)
        if found is not None:
            return found
    if opening is None:
        for handler in (known.toml, known.json):
            if handler.detect(text):
                boundary = _boundary(handler)
                opening = boundary.match(text)
                break
    if opening is None and re.match(r"(---|\+\+\+)[ \t]*\r(?!\n)", text):
        raise EntryError(  # classic Mac OS line ends: not "no front matter", which it has
            "lines end in a carriage return alone (CR, no line feed), so the front matter "
            "cannot be found; save the file with LF (or CRLF) line ends",
            path,
            1,
            "FP102",
        )
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
    return FrontMatter(fm, closing.end(), first_line, body_line, handler)


TOO_DEEP = "front matter is not valid {}: lists or tables nested too deeply"


def long_number(error: ValueError, text: str) -> tuple[str, int | None] | None:
    """When ``error`` is Python's refusal to read an integer of more digits than
    ``sys.get_int_max_str_digits()`` (4,300) in ``text``: what to tell the writer, and the
    line of ``text`` (from 1) the number is on, if found; else ``None``."""
    limit = sys.get_int_max_str_digits()
    if not limit or "integer string conversion" not in str(error):
        return None
    found = re.search(rf"\d{{{limit + 1}}}", text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    return f"a number of more than {limit:,} digits, too long to read; put it in quotes", line


_JSON_DECODER = json.JSONDecoder()
#: How a JSON object starts: '{', then a key or '}' (a Liquid '{%' or '{{' is no JSON).
_JSON_START = re.compile(r'\{\s*["}]')


def _json_object(path: Path, text: str) -> FrontMatter | None:
    """JSON front matter, as :func:`split_front_matter` gives it: an object at the start of
    the file, on one line or several, whose closing brace ends it (Hugo's rule); the body follows.
    ``None`` when it is not valid JSON and starts with a line '{' alone: the line form's
    messages say what is wrong then."""
    try:
        _, end = _JSON_DECODER.raw_decode(text)
    except RecursionError:
        raise EntryError(TOO_DEEP.format("JSON"), path, 1, "FP120") from None
    except json.JSONDecodeError as e:
        if handlers().json.detect(text):
            return None
        raise EntryError(
            f"front matter is not valid JSON: {e.msg}", path, e.lineno, "FP120"
        ) from None
    except ValueError as e:
        told = long_number(e, text)
        if told is None:
            raise
        raise EntryError(
            f"front matter is not valid JSON: {told[0]}", path, told[1], "FP120"
        ) from None
    # As for '---' lines: the body starts after the closing brace, on the line it ends.
    return FrontMatter(text[1 : end - 1], end, 1, text.count("\n", 0, end) + 1, handlers().json)


def read_file(path: Path, site: Site) -> bytes:
    """The bytes of an entry file, at most ``max_entry_size`` of them."""
    return read_file_stat(path, site)[0]


def read_file_stat(path: Path, site: Site) -> tuple[bytes, int, int]:
    """:func:`read_file`, and the file's size and modification time (ns) as they were when
    it was opened: should it change meanwhile, its next build reads it again."""
    try:
        # os.open/os.read, not open(): the io stack costs more than the read itself here
        fd = os.open(path, _READ_FLAGS)
        try:
            stat = os.fstat(fd)
            if not S_ISREG(stat.st_mode):
                kind = "a folder" if S_ISDIR(stat.st_mode) else "a named pipe, socket or device"
                raise EntryError(f"is not a regular file ({kind}); feedpub reads only files", path)
            size = stat.st_size
            too_big = size > site.max_entry_size
            # read(size + 1), not read(limit): Python would allocate the whole limit each time
            data = b"" if too_big else _read_all(fd, size + 1, size)
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


#: How entry files are opened (O_NONBLOCK: a named pipe put in a file's place opens at once,
#: to be refused by the caller).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def _read_all(fd: int, size: int, expected: int = -1) -> bytes:
    """Up to ``size`` bytes of ``fd``: a single read is enough for a regular file, but a
    read may return less (a file growing meanwhile, a pipe). A first read that gives the
    ``expected`` size (the file's, as fstat said when it was opened) is taken as the whole
    file, without a second read to see that nothing follows."""
    data = os.read(fd, size)
    if len(data) == expected:
        return data
    while len(data) < size:
        more = os.read(fd, size - len(data))
        if not more:
            break
        data += more
    return data


def file_text(path: Path, data: bytes, warnings: list[BuildWarning] | None = None) -> str:
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
    text = file_text(entry.path, read_file(entry.path, site))
    return text[split_front_matter(entry.path, text).body_start :]


def format_size(size: int) -> str:
    """``8 MiB``, ``64 KiB``, ``300 bytes``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"
