"""What a setting's value means, checked once its type is right (feedpub/config/_settings.py):
the base URL, hubs, the time zone, the language, authors, permalinks, the entry file endings
and the dialect. Each function takes the value and ``problem``, which reports a message about
the setting, and returns what the :class:`~feedpub.model.Site` holds.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import dialects
from ..fields import XML_ILLEGAL, parse_authors
from ..model import Author, FrontMatterDefaults, LanguageFeeds

#: Reports a message about the setting being checked.
Problem = Callable[[str], None]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
#: An absolute http(s) address with a host, no spaces, control characters, query or fragment.
#: (Bytes of a command line that are not UTF-8 come as surrogates: not text, not a URL.)
_BASE_URL = re.compile(
    "^https?://[^/\\s?#\x00-\x1f\x7f\ud800-\udfff]+(/[^\\s?#\x00-\x1f\x7f\ud800-\udfff]*)?$"
)


def xml_illegal(value: Any) -> str | None:
    """The first character XML cannot carry in a setting's text, looking into lists and tables."""
    if isinstance(value, str):
        found = XML_ILLEGAL.search(value)
        return found.group() if found else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((bad for item in items if (bad := xml_illegal(item)) is not None), None)


def base_url(value: Any, problem: Callable[[str, str], None], config: Path | None) -> str | None:
    """The ``base_url`` setting, ending in ``/``; ``problem`` takes a message and its code."""
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
        site = value.split("#")[0].split("?")[0]
        shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
        if site != value and is_base_url(site):
            problem(
                f"base_url '{shown}' has a query or fragment ('?…', '#…'), which the addresses "
                f"of feeds and entries cannot follow; write the site's address alone: {site}",
                "FP003",
            )
        else:
            problem(
                f"base_url '{shown}' is not an absolute web address; "
                "write e.g. https://example.com/",
                "FP003",
            )
        return None
    return value if value.endswith("/") else value + "/"


def is_base_url(text: str) -> bool:
    """Whether ``text`` can be a site's ``base_url``: an absolute http(s) address with a host,
    without spaces, control characters, a query or a fragment, whose port is a number."""
    if _BASE_URL.match(text) is None:
        return False
    try:
        _ = urlsplit(text).port
    except ValueError:  # a port out of range or not a number, an unclosed '[' of an IPv6 host
        return False
    return True


def hubs(value: Any, problem: Problem) -> tuple[str, ...]:
    """The ``hub`` setting: one URL or a list of them, each an absolute http(s) URL."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, str) or not _hub_url(item.strip()):
            problem(
                f"hub must be a URL or a list of URLs like https://pubsubhubbub.appspot.com/, "
                f"not {item!r}"
            )
            continue
        if item.strip() not in found:
            found.append(item.strip())
    return tuple(found)


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


def timezone(value: str, problem: Problem) -> ZoneInfo:
    """The ``timezone`` setting (UTC when it names no time zone)."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("Europe")
        problem(
            f"timezone '{value}' is not an IANA time zone name; "
            "write e.g. 'Europe/Paris', 'America/New_York' or 'UTC'"
        )
        return ZoneInfo("UTC")


def language(value: str, problem: Problem) -> str | None:
    """The ``language`` setting; ``None`` when it is empty."""
    if value and not _LANGUAGE.match(value):
        problem(f"language '{value}' is not a language tag; write e.g. 'en' or 'pt-BR'")
    return value or None


def authors(value: Any, problem: Problem) -> tuple[Author, ...]:
    """The ``author`` setting: the site's default authors."""
    try:
        return parse_authors(value) if value is not None else ()
    except ValueError as e:
        problem(f"author: {e}")
        return ()


def excerpt_separator(value: Any, problem: Problem) -> str | None:
    """The ``excerpt_separator`` setting: text that is not only spaces, or ``None``."""
    if value is not None and (not isinstance(value, str) or not value.strip()):
        problem(f"excerpt_separator must be text, not {value!r}")
        return None
    return value


def author_table(value: Any, folder: Path, problem: Problem) -> tuple[tuple[str, Author], ...]:
    """The ``authors_file`` setting: authors by key from a YAML file in ``folder``."""
    if value is None:
        return ()
    try:
        return _read_authors(value, folder)
    except (ValueError, OSError) as e:
        problem(f"authors_file: {e}")
        return ()


def _read_authors(value: Any, folder: Path) -> tuple[tuple[str, Author], ...]:
    """Authors by key from a YAML file like Jekyll's ``_data/authors.yml``."""
    import yaml  # (only for a site with such a file)
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


def front_matter_defaults(value: Any, problem: Problem) -> tuple[FrontMatterDefaults, ...]:
    """The ``defaults`` setting (Jekyll's front matter defaults): a list of tables, each with
    ``values`` (a table) and an optional ``scope`` of ``path`` and ``type`` (text)."""
    if value is None:
        return ()
    example = '[{ scope = { path = "_posts", type = "posts" }, values = { author = "Jane" } }]'
    if not isinstance(value, list):
        problem(f"defaults must be a list like {example}, not {value!r}")
        return ()
    found = []
    for number, item in enumerate(value, 1):
        where = f"defaults (set {number})"
        if not isinstance(item, dict) or not isinstance(item.get("values"), dict):
            problem(f"{where} must be a table with 'values' (a table), like {example}")
            continue
        unknown = sorted(set(item) - {"scope", "values"})
        scope = item.get("scope", {})
        if not isinstance(scope, dict):
            problem(f'{where}: scope must be a table like {{ path = "_posts" }}, not {scope!r}')
            continue
        unknown += sorted(f"scope.{key}" for key in set(scope) - {"path", "type"})
        if unknown:
            problem(f"{where}: unknown key '{unknown[0]}'; a set has scope (path, type) and values")
            continue
        path, kind = scope.get("path", ""), scope.get("type")
        if not isinstance(path, str) or not (kind is None or isinstance(kind, str)):
            problem(f"{where}: scope path and type must be text")
            continue
        found.append(FrontMatterDefaults(path, kind, item["values"]))
    return tuple(found)


def dialect_name(value: str, problem: Problem) -> str:
    """The ``dialect`` setting: one of :data:`~feedpub.dialects.NAMES` (else feedpub's)."""
    if value not in dialects.NAMES:
        names = ", ".join(dialects.NAMES)
        problem(f"dialect must be one of {names}, not {value!r}")
        return "feedpub"
    return value


def extensions(value: Any, dialect: str, problem: Problem) -> tuple[str, ...]:
    """The ``extensions`` setting: file endings, lowercase, each with its dot; by default
    those of the dialect."""
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


def permalink(value: str, dialect: str, given: bool, problem: Problem) -> str:
    """The ``permalink`` setting, checked by the dialect's rules; when the settings do not
    give one (``given``), the dialect's default (Jekyll's "date" style), if it has one."""
    conventions = dialects.of(dialect)
    if not given and conventions.default_permalink is not None:
        value = conventions.default_permalink  # Jekyll's default style
    conventions.check_permalink(value, problem)
    return value


def frontmatter_date(value: Any, problem: Problem) -> tuple[str, ...]:
    """Hugo's ``[frontmatter] date``: a list of front matter keys and ``:handlers``."""
    if value is None:
        return ()
    handlers = (":default", ":filename", ":filemodtime", ":git")
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problem(f'frontmatter_date must be a list like [":filename", ":default"], not {value!r}')
        return ()
    for item in value:
        if item.startswith(":") and item.lower() not in handlers:
            problem(
                f"frontmatter_date: {item!r} is not one of "
                f"{', '.join(handlers)} or a front matter key"
            )
            return ()
    return tuple(v.lower() for v in value)


def permalinks(value: Any, problem: Problem) -> tuple[tuple[str, str], ...]:
    """Hugo's ``[permalinks]``: a URL pattern per top-level content section."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problem(f'permalinks must be a table like {{ posts = "/:year/:slug/" }}, not {value!r}')
        return ()
    found = []
    for section, pattern in value.items():
        if not isinstance(pattern, str):
            problem(f"permalinks.{section} must be text like '/:year/:slug/', not {pattern!r}")
            continue
        check = functools.partial(_section_problem, problem, section)
        dialects.check_hugo_permalink(pattern, check)  # (a Hugo setting)
        found.append((section, pattern))
    return tuple(found)


def _section_problem(problem: Problem, section: str, message: str) -> None:
    """``problem`` told of ``message`` about the permalink of ``section``."""
    problem(f"permalinks.{section}: {message}")


def languages(value: Any, problem: Problem) -> tuple[str, ...]:
    """Hugo's languages, the one read first: lowercase codes like ``en``, ``pt-br``."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_-]+", v) for v in value
    ):
        problem(f'languages must be a list of language codes like ["en", "es"], not {value!r}')
        return ()
    return tuple(v.lower() for v in value)


#: The keys of one language's table in ``language_feeds``.
_LANGUAGE_KEYS = ("title", "description", "language", "folder", "permalinks")


def language_feeds(
    value: Any, codes: tuple[str, ...], problem: Problem
) -> tuple[LanguageFeeds, ...]:
    """Hugo's other languages whose feeds are written: a table by code (one of ``codes``,
    the ``languages`` setting, not its first), each a table of ``title``, ``description``,
    ``language`` (a tag; ``""``: none), ``folder`` (default: the code) and ``permalinks``."""
    if value is None:
        return ()
    example = '{ es = { title = "Mi sitio", language = "es" } }'
    if not isinstance(value, dict):
        problem(f"language_feeds must be a table by language like {example}, not {value!r}")
        return ()
    found = []
    for code, table in value.items():
        where = f"language_feeds.{code}"
        if code.lower() not in codes[1:]:
            listed = f"one of languages but the first ({', '.join(codes[1:])})"
            problem(f"{where}: '{code}' is not {listed if codes[1:] else 'in languages'}")
            continue
        if not isinstance(table, dict):
            problem(f'{where} must be a table like {{ title = "Mi sitio" }}, not {table!r}')
            continue
        if unknown := [k for k in table if k not in _LANGUAGE_KEYS]:
            problem(f"{where}: unknown key '{unknown[0]}'; known: {', '.join(_LANGUAGE_KEYS)}")
            continue
        texts = {k: table.get(k) for k in ("title", "description", "language", "folder")}
        if bad := [k for k, v in texts.items() if v is not None and not isinstance(v, str)]:
            problem(f"{where}.{bad[0]} must be text (in quotes), not {texts[bad[0]]!r}")
            continue
        tag = texts["language"]
        if tag and not _LANGUAGE.match(tag):
            problem(f"{where}.language '{tag}' is not a language tag; write e.g. 'es' or 'pt-BR'")
        folder = (texts["folder"] or code.lower()).strip("/") + "/"
        if (wrong := path_problem(folder.rstrip("/"))) is not None:
            problem(f"{where}.folder '{texts['folder']}' {wrong}")
            continue
        given = table.get("permalinks")
        on = functools.partial(_prefixed, problem, f"{where}.")
        links = None if given is None else permalinks(given, on)
        title, description = texts["title"], texts["description"]
        found.append(LanguageFeeds(code.lower(), folder, title, description, tag, links))
    return tuple(found)


def _prefixed(problem: Problem, prefix: str, message: str) -> None:
    problem(prefix + message)


def language_entries(
    value: Any, codes: tuple[str, ...], problem: Problem
) -> tuple[tuple[str, str], ...]:
    """Each language's folder of entries below ``entries`` (Hugo's per-language
    ``contentDir``), by code (one of ``codes``, the ``languages`` setting)."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problem(f'language_entries must be a table like {{ en = "en", es = "es" }}, not {value!r}')
        return ()
    found = []
    for code, folder in value.items():
        if code.lower() not in codes:
            problem(f"language_entries.{code}: '{code}' is not one of languages")
            continue
        folder = folder.strip("/")
        if not folder or (wrong := path_problem(folder)) is not None:
            problem(f"language_entries.{code} '{folder}' {wrong or 'is no folder'}")
            continue
        found.append((code.lower(), folder))
    return tuple(found)


def summary_words(value: Any, problem: Problem) -> int | None:
    """Hugo's ``summaryLength``: a whole number of 1 or more, or none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problem(f"summary_words must be a whole number of 1 or more, not {value!r}")
        return None
    return value


#: The settings that place feed files, and the placeholders each pattern takes.
FEED_PATHS = ("rss_path", "atom_path", "json_path")
PATTERNS = {
    "taxonomy_path": ("taxonomy", "slug", "file"),
    "section_path": ("section", "file"),
    "term_list_path": ("taxonomy", "file"),
}
#: Files of the output folder that are no feed's (feedpub/plan.py: RESERVED_NAMES).
_RESERVED = ("index.html", "feeds.opml", "feed.xsl", ".feedpub-manifest.json")


def path_problem(path: str) -> str | None:
    """What makes ``path`` no file path below the output folder and ``base_url``, if anything."""
    if not path or path.endswith("/"):
        return "must name a file, not a folder"
    if re.search(r"[\\?#%\s\x00-\x1f\x7f]", path):
        return "must not hold spaces, '\\', '?', '#' or '%'"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return "must stay below the output folder (no '..', '.' or '//' in it)"
        if part.startswith("."):
            return f"must not name a hidden file or folder ('{part}')"
    if path in _RESERVED:
        return f"is where feedpub writes {path} itself"
    return None


def feed_path(key: str, value: Any, problem: Problem) -> str | None:
    """``rss_path``, ``atom_path`` or ``json_path``: a file path (a leading '/' is dropped),
    or ``false`` (``None``: that format is off)."""
    if value is False:
        return None
    if not isinstance(value, str):
        problem(f'{key} must be a file path in quotes like "feed.xml", or false, not {value!r}')
        return None
    path = value[1:] if value.startswith("/") else value
    if (wrong := path_problem(path)) is not None:
        problem(f"{key} '{value}' {wrong}")
        return None
    return path


def feed_pattern(key: str, value: Any, problem: Problem) -> str | None:
    """``taxonomy_path``, ``section_path`` or ``term_list_path``: a path with the placeholders
    of :data:`PATTERNS` (its name's one required); ``None`` when it is not one."""
    names = PATTERNS[key]
    example = "/".join(f"{{{name}}}" for name in names)
    if not isinstance(value, str):
        problem(f'{key} must be a path pattern in quotes like "{example}", not {value!r}')
        return None
    pattern = value[1:] if value.startswith("/") else value
    try:
        used = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError:
        used = {"{"}
    unknown = sorted(used - set(names))
    if unknown:
        known = ", ".join(f"{{{n}}}" for n in names)
        problem(f"{key}: '{{{unknown[0]}}}' is not a placeholder; use {known}")
        return None
    if names[-2] not in used:
        problem(f"{key} '{value}' must hold {{{names[-2]}}}: each feed needs its own address")
        return None
    sample = pattern.format(taxonomy="t", slug="s", section="s", file="feed.xml")
    if (wrong := path_problem(sample)) is not None:
        problem(f"{key} '{value}' {wrong}")
        return None
    return pattern


def names(key: str, value: Any, problem: Problem) -> tuple[str, ...]:
    """A list of names (sections, categories)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problem(f'{key} must be a list of names like ["posts"], not {value!r}')
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value))


def category_feeds(value: Any, problem: Problem) -> bool | tuple[str, ...]:
    """``category_feeds``: true, false, or the categories that get a feed."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and value:
        return names("category_feeds", value, problem) or True
    problem(f'category_feeds must be true, false or a list like ["release"], not {value!r}')
    return True
