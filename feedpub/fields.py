"""Front matter values → typed values: dates, authors, categories and tags, slugs, links and
ids, checked one by one; every problem names the file and the line of its key.

Shared by the scan and the dialects (which turn Jekyll's and Hugo's front matter into these
fields); never renders Markdown and knows nothing about XML.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

from .errors import BuildWarning, EntryError, FeedpubError
from .model import Author

if TYPE_CHECKING:
    from .model import Site


T = TypeVar("T")

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

DATE_HINT = "write 2025-05-01 or 2025-05-01T09:30:00+02:00"


# --------------------------------------------------------------------------- reading one file


class Problems:
    """Collects the problems of one file, each with the line of the key it is about."""

    def __init__(self, path: Path, key_lines: dict[str, int]) -> None:
        self.path = path
        self.key_lines = key_lines
        self.errors: list[FeedpubError] = []
        self.warnings: list[BuildWarning] = []

    def add(
        self, message: str, key: str | None = None, line: int | None = None, code: str = "FP106"
    ) -> None:
        if line is None and key is not None:
            line = self.key_lines.get(key)
        self.errors.append(EntryError(message, self.path, line, code))

    def warn(self, code: str, message: str, key: str | None = None) -> None:
        self.warnings.append(BuildWarning(code, message, self.path, self.key_lines.get(key or "")))

    def identity(self, message: str, key: str | None = None, line: int | None = None) -> None:
        """A slug, permalink or id that cannot be used."""
        self.add(message, key, line, "FP107")


def first_of(meta: dict[str, Any], *keys: str) -> tuple[str | None, Any]:
    """The first of ``keys`` present in ``meta``, and its value."""
    for key in keys:
        if key in meta and meta[key] is not None:
            return key, meta[key]
    return None, None


#: Makes an entry's link: (path, front matter, site, date, slug, problems) → URL or None.
LinkMaker = Callable[[Path, dict[str, Any], "Site", datetime, str, "Problems"], str | None]


def text_value(
    meta: dict[str, Any], key: str, problems: Problems, required: bool = False
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
    if isinstance(value, time):  # (TOML: date = 07:32:00)
        return f"a time of day ({value.isoformat()})"
    if isinstance(value, (set, tuple)):  # (YAML: !!set, !!omap's pairs)
        return "a set" if isinstance(value, set) else "a pair"
    return repr(value)


def date_value(value: Any, key: str, zone: tzinfo, problems: Problems) -> datetime | None:
    try:
        return parse_date(value, zone)
    except ValueError as e:
        problems.add(f"{key} {e}", key, code="FP105")
        return None


#: The date of a page without one (Go's zero time, as Hugo dates it; setting
#: ``undated_pages``): the one date before the year 1000 feedpub takes, as this very object
#: (a dialect that reads a date as Go's zero time gives this object).
UNDATED = datetime(1, 1, 1, tzinfo=UTC)


def parse_date(value: Any, zone: tzinfo) -> datetime:
    """A front matter date as an aware datetime; naive values are read in ``zone``.

    Takes YAML dates and timestamps, ISO 8601 strings, Jekyll's ``2013-05-06 02:12:52 +0200``
    and RFC 822 dates. Raises :class:`ValueError` with a message for writers.
    """
    if isinstance(value, bool):
        raise ValueError(f"is {_kind(value)}, not a date; {DATE_HINT}")
    if isinstance(value, (int, float)):
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
    # UNDATED itself (the object: a dialect's date of a page without one), never a date
    # written as 0001-01-01, which is out of range as 0999-12-31 is.
    if not 1000 <= result.year <= 9998 and result is not UNDATED:
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


_URL_SPACE = re.compile("[\\s\x00-\x1f\x7f]")


def web_url(text: str) -> str | None:
    """``text`` as an absolute http(s) URL that RSS readers and validators take, or ``None``
    when it is none (no such scheme or host, a space or control character in it). A URL
    written with other scripts (an IRI, ``https://exämple.org/café``) is written in ASCII:
    the host in IDNA (``xn--exmple-cua.org``), the rest percent-encoded as UTF-8."""
    parts = urlsplit(text)
    if _URL_SPACE.search(text) or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if text.isascii():
        return text
    user, at, host = parts.netloc.rpartition("@")
    host, colon, port = host.partition(":") if not host.startswith("[") else (host, "", "")
    try:
        host = _idna(host)
    except UnicodeError:
        return None
    netloc = quote(user, safe="%:!$&'()*+,;=~") + at + host + colon + port
    rest = quote(text[len(parts.scheme) + 3 + len(parts.netloc) :], safe="/%:@!$&'()*+,;=?#[]~")
    return f"{parts.scheme}://{netloc}{rest}"


def _idna(host: str) -> str:
    """``host`` (in other scripts) in ASCII, as browsers write it: IDNA 2008 with the UTS #46
    mapping, by the idna package (Python's own codec follows IDNA 2003, which wrote 'faß.de'
    as 'fass.de', another site). Raises :class:`UnicodeError` for a host IDNA cannot write."""
    if host.isascii():  # (an IPv6 address in brackets, too; labels checked for length)
        return host.encode("idna").decode("ascii")
    import idna  # (only for a host in other scripts)

    return idna.encode(host, uts46=True, transitional=False).decode("ascii")


def term_list(meta: dict[str, Any], keys: Iterable[str], problems: Problems) -> tuple[str, ...]:
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


def make_slug(path: Path, meta: dict[str, Any], problems: Problems) -> str | None:
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


def entry_link(
    path: Path,
    meta: dict[str, Any],
    site: Site,
    published: datetime,
    slug: str,
    problems: Problems,
) -> str | None:
    key, value = first_of(meta, "permalink", "link")
    if key is not None:
        return given_link(value, key, site, problems)
    local = published.astimezone(site.timezone)
    url_path = site.permalink.format(
        year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}", slug=slug
    )
    return site_url(site, url_path, None, problems)


def given_link(value: Any, key: str, site: Site, problems: Problems) -> str | None:
    """The link an entry's front matter gives (``permalink``, ``link``, Hugo's ``url``): an
    absolute http(s) URL, or a path below ``base_url``."""
    if not isinstance(value, str) or not value.strip():
        problems.identity(f"{key} must be a URL or a path like /2025/my-story/", key)
        return None
    value = value.strip()
    url = web_url(value)
    if url is not None:
        return url
    if _is_web_url(value) and _URL_SPACE.search(value):
        problems.identity(f"{key} {value!r} may not contain spaces; write a space as %20", key)
        return None
    if _URI_SCHEME.match(value) or value.startswith("//"):
        problems.identity(f"{key} {value!r} must be an http(s) URL or a path on the site", key)
        return None
    return site_url(site, value, key, problems)


def site_url(site: Site, url_path: str, key: str | None, problems: Problems) -> str | None:
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


def make_id(
    meta: dict[str, Any], site: Site, published: datetime, link: str, problems: Problems
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


def permalink_fields(pattern: str) -> Iterator[str]:
    """The placeholder names used in a permalink pattern (raises ValueError if malformed)."""
    for _, field, _, _ in string.Formatter().parse(pattern):
        if field is not None:
            yield field
