"""Site settings: ``feedpub.toml`` or ``[tool.feedpub]`` in ``pyproject.toml``, checked once.

Every value is validated here, so later stages receive a :class:`Site` that cannot make feedgen
fail. Unknown keys and bad values are errors naming the file, line and key.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .. import dialects
from ..errors import BuildErrors, ConfigError, FeedpubError, display_path
from ..fields import XML_ILLEGAL, parse_authors
from ..model import Author, Site
from ._folders import (
    CONFIG_NAME,
    PYPROJECT_NAME,
    check_folders,
    find_site_config,
    folder_overlap,
    is_link_loop,
)

#: Every setting, with its default. ``None`` means "derived" (see :func:`load_site`).
DEFAULTS: dict[str, Any] = {
    "title": None,
    "base_url": None,
    "description": None,
    "language": "en",
    "author": None,
    "timezone": "UTC",
    "limit": 20,
    "entries": "entries",
    "output": "public",
    "permalink": "/{year}/{month}/{slug}/",
    "full_content": True,
    "summary_length": 300,
    "sanitize": True,
    "browser_view": True,
    "category_feeds": True,
    "tag_feeds": False,
    "author_feeds": False,
    "max_entry_size": "8 MiB",
    "max_front_matter_size": "64 KiB",
    "max_categories": 200,
    "hub": [],
    "archive": False,
    "archive_size": None,
    "dialect": "feedpub",
    "extensions": None,
    "excerpt_separator": None,
    "authors_file": None,
    "permalinks": None,
    "frontmatter_date": None,
    "lock_timeout": 600,
}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
#: An absolute http(s) address with a host, no spaces, control characters, query or fragment.
#: (Bytes of a command line that are not UTF-8 come as surrogates: not text, not a URL.)
_BASE_URL = re.compile(
    "^https?://[^/\\s?#\x00-\x1f\x7f\ud800-\udfff]+(/[^\\s?#\x00-\x1f\x7f\ud800-\udfff]*)?$"
)


def load_site(
    config: Path | None = None,
    *,
    folder: Path | None = None,
    base_url: str | None = None,
    entries: Path | None = None,
    output: Path | None = None,
) -> Site:
    """Read and check the site settings.

    ``config`` is a ``feedpub.toml`` or ``pyproject.toml`` file; without it, one is looked for in
    ``folder`` (default: the current folder) and then in its parents (:func:`find_site_config`),
    and the defaults apply when there is none. Folders in the file are relative to the file's
    folder. ``base_url``, ``entries`` and ``output`` override the file (command-line options).
    Raises :class:`ConfigError` or :class:`BuildErrors` with every problem found.
    """
    folder = Path.cwd() if folder is None else folder
    if config is None:
        config = find_site_config(folder)
    settings: dict[str, Any] = {}
    text = ""
    table: str | None = None
    if config is not None:
        settings, text, table = _read(config)
        folder = config.parent

    problems: list[FeedpubError] = []

    def problem(key: str | None, message: str, code: str = "FP003") -> None:
        line = _key_line(text, table, key) if key and config is not None else None
        problems.append(ConfigError(message, config, line, code))

    for key in settings:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(DEFAULTS)}"
            problem(key, f"unknown setting '{key}'; {hint}", "FP002")
    values = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    for key, value in settings.items():
        bad = _xml_illegal(value)
        if bad is not None:
            problem(
                key,
                f"{key} has the control character U+{ord(bad):04X}, which feeds cannot carry; "
                "remove it",
            )

    def url_problem(message: str, code: str = "FP003") -> None:
        if base_url is None:
            problem("base_url", message, code)
        else:
            problems.append(ConfigError(f"--base-url: {message}", code=code))

    if base_url is not None:
        values["base_url"] = base_url

    for key, kind in (
        ("title", str),
        ("base_url", str),
        ("description", str),
        ("language", str),
        ("timezone", str),
        ("permalink", str),
        ("dialect", str),
        ("entries", str),
        ("output", str),
    ):
        if values[key] is not None and not isinstance(values[key], kind):
            problem(key, f"{key} must be text (in quotes), not {values[key]!r}")
            values[key] = DEFAULTS[key]
    for key in ("limit", "summary_length"):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problem(key, f"{key} must be a whole number of 0 or more, not {value!r}")
            values[key] = DEFAULTS[key]
    if values["summary_length"] == 0:
        problem("summary_length", "summary_length must be 1 or more")
    sizes = {}
    for key in ("max_entry_size", "max_front_matter_size"):
        try:
            sizes[key] = parse_size(values[key])
        except ValueError as e:
            problem(key, f"{key} {e}")
            sizes[key] = parse_size(DEFAULTS[key])
    if (
        isinstance(values["max_categories"], bool)
        or not isinstance(values["max_categories"], int)
        or values["max_categories"] < 1
    ):
        problem(
            "max_categories",
            f"max_categories must be a whole number of 1 or more, not {values['max_categories']!r}",
        )
        values["max_categories"] = DEFAULTS["max_categories"]
    lock_timeout = values["lock_timeout"]
    if (
        isinstance(lock_timeout, bool)
        or not isinstance(lock_timeout, int | float)
        or not 0 <= lock_timeout <= 86400 * 7
    ):
        problem(
            "lock_timeout",
            f"lock_timeout must be a number of seconds from 0 to 604800 (a week), not "
            f"{lock_timeout!r}",
        )
        lock_timeout = DEFAULTS["lock_timeout"]
    for key in (
        "full_content",
        "sanitize",
        "browser_view",
        "category_feeds",
        "tag_feeds",
        "author_feeds",
        "archive",
    ):
        if not isinstance(values[key], bool):
            problem(key, f"{key} must be true or false, not {values[key]!r}")
            values[key] = DEFAULTS[key]

    dialect = values["dialect"]
    if dialect not in dialects.NAMES:
        names = ", ".join(dialects.NAMES)
        problem("dialect", f"dialect must be one of {names}, not {dialect!r}")
        dialect = "feedpub"
    extensions = _extensions(values["extensions"], dialect, lambda m: problem("extensions", m))
    separator = values["excerpt_separator"]
    if separator is not None and (not isinstance(separator, str) or not separator.strip()):
        problem("excerpt_separator", f"excerpt_separator must be text, not {separator!r}")
        separator = None
    author_table: tuple[tuple[str, Author], ...] = ()
    if values["authors_file"] is not None:
        try:
            author_table = _author_table(values["authors_file"], folder)
        except (ValueError, OSError) as e:
            problem("authors_file", f"authors_file: {e}")
    permalinks = _permalinks(values["permalinks"], lambda m: problem("permalinks", m))
    frontmatter_date = _frontmatter_date(values["frontmatter_date"], problem)
    url = _base_url(values["base_url"], url_problem, config)
    hubs = _hubs(values["hub"], lambda message: problem("hub", message))
    archive_size = values["archive_size"]
    if archive_size is None:
        archive_size = values["limit"]
    elif isinstance(archive_size, bool) or not isinstance(archive_size, int) or archive_size < 1:
        problem(
            "archive_size",
            f"archive_size must be a whole number of 1 or more, not {archive_size!r}",
        )
        archive_size = values["limit"]
    if values["archive"] is True:
        if values["limit"] == 0:
            problem(
                "archive",
                "archive = true needs a limit of 1 or more: with limit = 0 the main feed "
                "already carries every entry",
            )
        elif archive_size > values["limit"]:
            problem(
                "archive_size",
                f"archive_size ({archive_size}) must be at most limit ({values['limit']}): "
                "until the first archive document is full, the main feed carries the history",
            )
    zone = ZoneInfo("UTC")
    try:
        zone = ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problem(
            "timezone",
            f"timezone '{values['timezone']}' is not an IANA time zone name; "
            "write e.g. 'Europe/Paris', 'America/New_York' or 'UTC'",
        )
    language = values["language"] or None
    if language is not None and not _LANGUAGE.match(language):
        problem(
            "language", f"language '{language}' is not a language tag; write e.g. 'en' or 'pt-BR'"
        )
    authors: tuple[Author, ...] = ()
    try:
        authors = parse_authors(values["author"]) if values["author"] is not None else ()
    except ValueError as e:
        problem("author", f"author: {e}")
    conventions = dialects.of(dialect)
    if "permalink" not in settings and conventions.default_permalink is not None:
        values["permalink"] = conventions.default_permalink  # Jekyll's default style
    conventions.check_permalink(values["permalink"], lambda message: problem("permalink", message))

    entries_dir = entries if entries is not None else folder / values["entries"]
    output_dir = output if output is not None else folder / values["output"]
    for key, given, where in (("entries", entries, entries_dir), ("output", output, output_dir)):
        if is_link_loop(where):  # every later look at the folder would fail
            message = (
                f"the {key} folder '{display_path(where)}' is a link that leads back to itself "
                "(a loop of links); remove the link, or choose another folder"
            )
            code = "FP005" if key == "entries" else "FP006"
            if given is not None:
                option = "--out" if key == "output" else "--entries"
                problems.append(ConfigError(f"{option}: {message}", code=code))
            else:
                problem(key, message, code)
    overlap = folder_overlap(output_dir, entries_dir, folder, config, dialect)
    if overlap is not None:
        if output is not None:
            problems.append(ConfigError(f"--out: {overlap}", code="FP006"))
        else:
            problem("output", overlap, "FP006")

    if problems:
        raise problems[0] if len(problems) == 1 else BuildErrors(problems)
    assert url is not None
    host = url.split("/")[2]
    title = values["title"] or host
    return Site(
        base_url=url,
        title=title,
        description=values["description"] or title,
        language=language,
        authors=authors,
        timezone=zone,
        limit=values["limit"],
        entries=entries_dir,
        output=output_dir,
        permalink=values["permalink"],
        full_content=values["full_content"],
        summary_length=values["summary_length"],
        sanitize=values["sanitize"],
        browser_view=values["browser_view"],
        category_feeds=values["category_feeds"],
        tag_feeds=values["tag_feeds"],
        author_feeds=values["author_feeds"],
        max_entry_size=sizes["max_entry_size"],
        max_front_matter_size=sizes["max_front_matter_size"],
        max_categories=values["max_categories"],
        hubs=hubs,
        archive=values["archive"],
        archive_size=archive_size or 1,
        folder=folder,
        config_path=config,
        dialect=dialect,
        extensions=extensions,
        excerpt_separator=separator,
        author_table=author_table,
        permalinks=permalinks,
        frontmatter_date=frontmatter_date,
        lock_timeout=lock_timeout,
    )


def _read(config: Path) -> tuple[dict[str, Any], str, str | None]:
    """The settings table of a config file, its text, and the table's name."""
    try:
        text = config.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("no such configuration file", config, code="FP001") from None
    except (OSError, UnicodeDecodeError) as e:
        reason = "it is not UTF-8 text" if isinstance(e, UnicodeDecodeError) else e.strerror
        raise ConfigError(
            f"cannot read the configuration ({reason})", config, code="FP001"
        ) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(
            "not valid TOML (arrays or tables nested too deeply)", config, code="FP001"
        ) from None
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"\(at line (\d+), column \d+\)", str(e))
        message = re.sub(r"\s*\(at line.*\)", "", str(e))
        raise ConfigError(
            f"not valid TOML ({message}); check quotes and '=' signs",
            config,
            int(match.group(1)) if match else None,
            "FP001",
        ) from None
    if config.name == PYPROJECT_NAME:
        settings = data.get("tool", {}).get("feedpub")
        if settings is None:
            raise ConfigError(
                "has no [tool.feedpub] table; add one, or use feedpub.toml", config, code="FP001"
            )
        if not isinstance(settings, dict):
            raise ConfigError("tool.feedpub must be a table ([tool.feedpub])", config, code="FP001")
        return settings, text, "tool.feedpub"
    return data, text, None


def _key_line(text: str, table: str | None, key: str) -> int | None:
    """The line where ``key`` is set in ``table`` (``None``: the top level) of a TOML text."""
    current: str | None = None
    assignment = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
        elif current == table and assignment.match(line):
            return number
    return None


def _base_url(value: Any, problem: Callable[..., None], config: Path | None) -> str | None:
    if value is None or value == "":
        if config is None:
            message = (
                "no base_url: no feedpub.toml (or pyproject.toml with [tool.feedpub]) here "
                "or in any parent folder; run 'feedpub init' to make a site, or pass --config "
                "or --base-url"
            )
        else:
            message = f'no base URL; set base_url = "https://example.com/" in {config.name}'
            message += ", or pass --base-url"
        problem(message, "FP004")
        return None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not is_base_url(value):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
        problem(
            f"base_url '{value}' is not an absolute web address; write e.g. https://example.com/"
        )
        return None
    return value if value.endswith("/") else value + "/"


def is_base_url(text: str) -> bool:
    """Whether ``text`` can be a site's ``base_url``: an absolute http(s) address with a host,
    without spaces, control characters, a query or a fragment."""
    return _BASE_URL.match(text) is not None


def _xml_illegal(value: Any) -> str | None:
    """The first character XML cannot carry in a setting's text, looking into lists and tables."""
    if isinstance(value, str):
        found = XML_ILLEGAL.search(value)
        return found.group() if found else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((bad for item in items if (bad := _xml_illegal(item)) is not None), None)


def _hubs(value: Any, problem: Callable[[str], None]) -> tuple[str, ...]:
    """The ``hub`` setting: one URL or a list of them, each an absolute http(s) URL."""
    items = value if isinstance(value, list) else [value]
    hubs: list[str] = []
    for item in items:
        if not isinstance(item, str) or not _hub_url(item.strip()):
            problem(
                f"hub must be a URL or a list of URLs like https://pubsubhubbub.appspot.com/, "
                f"not {item!r}"
            )
            continue
        if item.strip() not in hubs:
            hubs.append(item.strip())
    return tuple(hubs)


def _hub_url(text: str) -> bool:
    """An absolute http(s) URL that urllib can send a request to (ASCII, a valid host)."""
    if not re.match(r"^https?://[^/\s?#]+[^\s]*$", text) or not text.isascii():
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return bool(parts.hostname)


_UNITS = {"": 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2}
_UNITS |= {"gb": 1000**3, "gib": 1024**3}


def parse_size(value: Any) -> int:
    """A size from the configuration: a whole number of bytes, or text like "8 MiB"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = re.match(r"^\s*(\d+)\s*([A-Za-z]*)\s*$", value) if isinstance(value, str) else None
    if match and match.group(2).lower() in _UNITS and int(match.group(1)) > 0:
        return int(match.group(1)) * _UNITS[match.group(2).lower()]
    raise ValueError(f'must be a size like 8388608, "512 KiB" or "8 MiB", not {value!r}')


def _extensions(value: Any, dialect: str, problem: Callable[[str], None]) -> tuple[str, ...]:
    if value is None:
        return dialects.of(dialect).extensions
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and re.match(r"^\.?[A-Za-z0-9]+$", v) for v in value)
    ):
        problem(f'extensions must be a list like [".md", ".markdown"], not {value!r}')
        return dialects.of(dialect).extensions
    return tuple(dict.fromkeys("." + v.lower().lstrip(".") for v in value))


def _author_table(value: Any, folder: Path) -> tuple[tuple[str, Author], ...]:
    """Authors by key from a YAML file like Jekyll's ``_data/authors.yml``."""
    from frontmatter.default_handlers import YAMLHandler

    if not isinstance(value, str):
        raise ValueError(f"must be a file name in quotes, not {value!r}")
    path = folder / value
    if path.exists() and not path.is_file():  # a folder; a named pipe would never end reading
        raise ValueError(f"{value} is not a file")
    try:
        data = YAMLHandler().load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ValueError(f"{value} does not exist") from None
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise ValueError(f"{value} is not a YAML file ({' '.join(str(e).split())})") from None
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ValueError(f"{value} must map each author's key to name, email and uri")
    table = []
    for key, item in data.items():
        try:
            (author,) = parse_authors(item if isinstance(item, dict) else str(item))
        except ValueError as e:
            raise ValueError(f"{value}: author {key!r}: {e}") from None
        table.append((str(key), author))
    return tuple(table)


def _frontmatter_date(value: Any, problem: Callable[[str, str], None]) -> tuple[str, ...]:
    """Hugo's ``[frontmatter] date``: a list of front matter keys and ``:handlers``."""
    if value is None:
        return ()
    handlers = (":default", ":filename", ":filemodtime", ":git")
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problem(
            "frontmatter_date",
            f'frontmatter_date must be a list like [":filename", ":default"], not {value!r}',
        )
        return ()
    for item in value:
        if item.startswith(":") and item.lower() not in handlers:
            problem(
                "frontmatter_date",
                f"frontmatter_date: {item!r} is not one of "
                f"{', '.join(handlers)} or a front matter key",
            )
            return ()
    return tuple(v.lower() for v in value)


def _permalinks(value: Any, problem: Callable[[str], None]) -> tuple[tuple[str, str], ...]:
    """Hugo's ``[permalinks]``: a URL pattern per top-level content section."""
    if value is None:
        return ()
    from ..dialects import check_hugo_permalink  # (a Hugo setting)

    if not isinstance(value, dict):
        problem(f'permalinks must be a table like {{ posts = "/:year/:slug/" }}, not {value!r}')
        return ()
    found = []
    for section, pattern in value.items():
        if not isinstance(pattern, str):
            problem(f"permalinks.{section} must be text like '/:year/:slug/', not {pattern!r}")
            continue
        check_hugo_permalink(pattern, functools.partial(_section_problem, problem, section))
        found.append((section, pattern))
    return tuple(found)


def _section_problem(problem: Callable[[str], None], section: str, message: str) -> None:
    """``problem`` told of ``message`` about the permalink of ``section``."""
    problem(f"permalinks.{section}: {message}")


__all__ = [
    "CONFIG_NAME",
    "DEFAULTS",
    "PYPROJECT_NAME",
    "check_folders",
    "find_site_config",
    "is_base_url",
    "load_site",
]
