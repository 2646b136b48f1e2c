"""``feedpub compare OLD_FEED``: what a subscriber of a site's feed would see if feedpub wrote it.

The feed a site publishes today (a file, or an http(s) URL) is read, feedpub builds the site
into a temporary folder (never the user's output folder or cache), and the file feedpub wrote
at the same address is read. Items are matched by id, then by link, then by title and date,
and each difference is a :class:`Finding` with a stable code (FP410 to FP434, see
:data:`feedpub.errors.CODES`). A finding of severity ``change`` is one a subscriber would
notice (an item shown again as new, a link that breaks, a feed gone); ``note`` is for the rest.

RSS and Atom are read with feedparser (imported here, so that other commands do not load it);
JSON Feed, which feedparser 6.0 does not read, with :mod:`json`.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from ._version import __version__
from .errors import CODES, FeedpubError, display_path
from .model import ATOM_NAME, JSON_NAME, RSS_NAME

if TYPE_CHECKING:
    from .model import Site

#: Seconds to wait for a server's answer.
TIMEOUT = 30.0
#: Largest old feed read, in bytes.
MAX_FEED_SIZE = 64 << 20
#: Two dates this close are taken as the same post's, when matching by title and date.
SAME_POST_WITHIN = timedelta(days=1)

#: The file feedpub writes for each format in a feed's folder by default.
FORMAT_FILES = {"rss": RSS_NAME, "atom": ATOM_NAME, "json": JSON_NAME}
#: feedparser's version names, as people write them.
_VERSIONS = {
    "rss090": "RSS 0.90",
    "rss091n": "RSS 0.91",
    "rss091u": "RSS 0.91",
    "rss092": "RSS 0.92",
    "rss093": "RSS 0.93",
    "rss094": "RSS 0.94",
    "rss20": "RSS 2.0",
    "rss10": "RSS 1.0",
    "rss": "RSS",
    "atom01": "Atom 0.1",
    "atom02": "Atom 0.2",
    "atom03": "Atom 0.3",
    "atom10": "Atom 1.0",
    "atom": "Atom",
    "cdf": "CDF",
}
_TAG = re.compile(r"<[^>]*>")


class CompareError(FeedpubError):
    """The old feed cannot be read or used (FP401 to FP403)."""

    code = "FP401"


# --------------------------------------------------------------------------- reading feeds


@dataclass(frozen=True)
class Item:
    """One item of a feed, normalised for comparing: ids as strings, links absolute, dates
    in UTC, text without markup and with its white space collapsed."""

    #: The item's id (RSS ``guid``, Atom ``id``, JSON Feed ``id``), if it has one.
    id: str | None
    #: Its link, resolved against the feed's address.
    link: str | None
    title: str
    published: datetime | None = None
    updated: datetime | None = None
    #: Author names (e-mail addresses where there is no name); the feed's when it names none.
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: Summary and content as text.
    summary: str = ""
    content: str = ""

    @property
    def identity(self) -> str | None:
        """What a reader keys the item by: its id, else its link (readers fall back to it)."""
        return self.id if self.id is not None else self.link

    @property
    def date(self) -> datetime | None:
        return self.published or self.updated

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON values."""
        return {
            "id": self.id,
            "link": self.link,
            "title": self.title,
            "published": _iso(self.published),
            "updated": _iso(self.updated),
        }

    def __str__(self) -> str:
        return f"'{self.title}' ({self.link or self.id or 'no link'})"


@dataclass(frozen=True)
class Feed:
    """A feed, read: its format, title, ids and items."""

    #: "rss", "atom" or "json".
    format: str
    #: The format with its version, e.g. "Atom 1.0".
    version: str
    title: str
    #: The feed-level id (Atom ``id``), if any.
    id: str | None
    #: The feed's own address (RSS atom:link rel=self, Atom link rel=self, JSON feed_url).
    self_link: str | None
    items: tuple[Item, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "version": self.version,
            "title": self.title,
            "id": self.id,
            "self_link": self.self_link,
            "items": len(self.items),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: str | None, markup: bool = True) -> str:
    """``value`` as plain text: tags removed (when it is markup), entities decoded, white
    space collapsed."""
    if not value:
        return ""
    if markup:
        value = html.unescape(_TAG.sub(" ", value))
    return " ".join(value.split())


def parse_feed(data: bytes, name: str, url: str | None = None) -> Feed:
    """Read ``data`` as an RSS, Atom or JSON feed; ``url`` is where it was fetched from (what
    relative links are resolved against). Raises :class:`CompareError` (FP402) when it is not
    a feed; ``name`` says which (a file or a URL) in the message."""
    if data.lstrip()[:1] == b"{":
        return _parse_json(data, name)
    import feedparser

    headers = {"content-location": url} if url else {}
    parsed = feedparser.parse(data, response_headers=headers)
    version = parsed.get("version") or ""
    if not version or version.startswith("json"):
        why = parsed.get("bozo_exception")
        raise _not_a_feed(name, f" ({why})" if why else "")
    meta = parsed.feed
    feed_authors = _names(meta.get("authors"))
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        items.append(
            Item(
                id=_stripped(entry.get("id")),
                link=_stripped(entry.get("link")),
                title=_text(entry.get("title"), _is_markup(entry.get("title_detail"))),
                # (dict.get: feedparser's own get() gives the published date for a missing
                # updated one, which RSS items never have)
                published=_utc(dict.get(entry, "published_parsed")),
                updated=_utc(dict.get(entry, "updated_parsed")),
                authors=_names(entry.get("authors")) or feed_authors,
                categories=tuple(
                    t["term"].strip() for t in entry.get("tags") or [] if t.get("term")
                ),
                summary=_text(entry.get("summary"), _is_markup(entry.get("summary_detail"))),
                content=_text(content[0].get("value")) if content else "",
            )
        )
    family = "atom" if version.startswith("atom") else "rss"
    self_link = next(
        (link.get("href") for link in meta.get("links") or [] if link.get("rel") == "self"), None
    )
    return Feed(
        format=family,
        version=_VERSIONS.get(version, version),
        title=_text(meta.get("title"), _is_markup(meta.get("title_detail"))),
        id=_stripped(meta.get("id")) if family == "atom" else None,
        self_link=_stripped(self_link),
        items=tuple(items),
    )


def _not_a_feed(name: str, why: str = "") -> CompareError:
    return CompareError(
        f"{name}: not an RSS, Atom or JSON feed{why}; give the feed's own file or URL "
        "(the one subscribers use), not a web page",
        code="FP402",
    )


def _is_markup(detail: Any) -> bool:
    return bool(detail) and "html" in str(detail.get("type", ""))


def _stripped(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _utc(value: Any) -> datetime | None:
    """feedparser's parsed date (a struct_time in UTC) as a datetime."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def _names(authors: Any) -> tuple[str, ...]:
    found = []
    for author in authors or []:
        if isinstance(author, dict):
            name = author.get("name") or author.get("email") or author.get("url")
            if name and str(name).strip():
                found.append(" ".join(str(name).split()))
    return tuple(found)


def _parse_json(data: bytes, name: str) -> Feed:
    """A JSON Feed (1.0 or 1.1, https://jsonfeed.org/version/1.1)."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise _not_a_feed(name, f" (not JSON: {e})") from None
    version = feed.get("version") if isinstance(feed, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise _not_a_feed(name, " (JSON without a JSON Feed 'version')")
    items_data = feed.get("items")
    if not isinstance(items_data, list):
        raise _not_a_feed(name, " (JSON Feed without 'items')")
    feed_authors = _json_authors(feed)
    items = []
    for item in items_data:
        if not isinstance(item, dict):
            continue
        tags = item.get("tags")
        items.append(
            Item(
                id=_stripped(item.get("id")),
                link=_stripped(item.get("url")),
                title=_text(item.get("title") if isinstance(item.get("title"), str) else ""),
                published=_json_date(item.get("date_published")),
                updated=_json_date(item.get("date_modified")),
                authors=_json_authors(item) or feed_authors,
                categories=tuple(str(t).strip() for t in tags if str(t).strip())
                if isinstance(tags, list)
                else (),
                summary=_text(item.get("summary") if isinstance(item.get("summary"), str) else ""),
                content=_text(item.get("content_html"))
                if isinstance(item.get("content_html"), str)
                else _text(item.get("content_text"), markup=False)
                if isinstance(item.get("content_text"), str)
                else "",
            )
        )
    title = feed.get("title")
    return Feed(
        format="json",
        version=f"JSON Feed {version.rsplit('/', 1)[-1]}",
        title=_text(title, markup=False) if isinstance(title, str) else "",
        id=None,
        self_link=_stripped(feed.get("feed_url")),
        items=tuple(items),
    )


def _json_authors(holder: dict[str, Any]) -> tuple[str, ...]:
    authors = holder.get("authors")
    if not isinstance(authors, list):
        single = holder.get("author")  # JSON Feed 1.0
        authors = [single] if isinstance(single, dict) else []
    return _names(authors)


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)  # to the second, as RSS and Atom


def is_url(source: str) -> bool:
    """Whether OLD_FEED names a URL rather than a file."""
    return re.match(r"(?i)^https?://", source) is not None


def read_source(source: str, timeout: float = TIMEOUT) -> tuple[bytes, str | None]:
    """The bytes of the old feed, and the URL they came from (after redirects) when
    ``source`` is an http(s) URL. Raises :class:`CompareError` (FP401) on any failure."""
    if not is_url(source):
        path = Path(source)
        try:
            if path.is_dir():
                raise CompareError("is a folder; give the feed's file", path)
            with path.open("rb") as handle:
                data = handle.read(MAX_FEED_SIZE + 1)
        except OSError as e:
            raise CompareError(f"cannot read the feed ({e.strerror or e})", path) from None
        if len(data) > MAX_FEED_SIZE:
            raise CompareError(f"larger than {MAX_FEED_SIZE >> 20} MiB; not a feed", path)
        return data, None
    request = urllib.request.Request(
        source,
        headers={
            "User-Agent": f"feedpub/{__version__}",
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/xml;q=0.9, application/json;q=0.9, */*;q=0.8",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # follows redirects
            data = response.read(MAX_FEED_SIZE + 1)
            final = response.geturl()
    except urllib.error.HTTPError as e:
        raise CompareError(
            f"{source}: the server answered {e.code} {e.reason}; check the address"
        ) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise CompareError(f"{source}: no answer within {timeout:g} s") from None
        why = getattr(reason, "strerror", None) or reason
        raise CompareError(f"{source}: cannot be reached ({why})") from None
    except TimeoutError:
        raise CompareError(f"{source}: no answer within {timeout:g} s") from None
    except (HTTPException, OSError, ValueError) as e:
        raise CompareError(f"{source}: cannot be read ({e})") from None
    if len(data) > MAX_FEED_SIZE:
        raise CompareError(f"{source}: larger than {MAX_FEED_SIZE >> 20} MiB; not a feed")
    return data, final


# --------------------------------------------------------------------------- the address


def address_below(base_url: str, url: str) -> str | None:
    """``url``'s path relative to ``base_url`` (``feed.xml``), or ``None`` when it does not
    lie below it. The scheme is not compared: http:// and https:// name the same feed."""
    base, target = urlsplit(base_url), urlsplit(url)
    if target.scheme.lower() not in ("http", "https") or not target.netloc:
        return None
    if _host(target) != _host(base) or not target.path.startswith(base.path):
        return None
    return unquote(target.path[len(base.path) :])


def _host(parts: Any) -> str:
    host = parts.netloc.lower()
    for default in (":80", ":443"):
        host = host.removesuffix(default)
    return host


def checked_address(text: str, base_url: str) -> str:
    """The ``--address`` given (a path below base_url, or a URL there), as a relative path."""
    if is_url(text):
        found = address_below(base_url, text)
        if found is None:
            raise CompareError(
                f"--address {text} is not below base_url {base_url}; give the feed's path "
                "below it, e.g. --address feed.xml",
                code="FP403",
            )
        text = found
    path = text.strip().lstrip("/")
    if not path or ".." in path.split("/") or "\\" in path or path.endswith("/"):
        raise CompareError(
            f"--address '{text}' is not the path of a feed file below base_url; "
            "write it like --address feed.xml or --address feed/news.xml",
            code="FP403",
        )
    return path


def feed_address(
    old: Feed, base_url: str, source: str, fetched: str | None, given: str | None
) -> str:
    """The old feed's address below ``base_url``: ``given`` (``--address``), else the path of
    the URL it was fetched from (``fetched``, after redirects, else ``source``), else its
    own self link. Raises :class:`CompareError` (FP403) when none lies below base_url."""
    if given is not None:
        return checked_address(given, base_url)
    if fetched is not None:
        for url in (fetched, source):
            found = address_below(base_url, url)
            if found:
                return found
        raise CompareError(
            f"{source} is not below the site's base_url {base_url}; pass --address PATH "
            "(the feed's path below base_url, e.g. --address feed.xml), or --base-url",
            code="FP403",
        )
    if old.self_link:
        found = address_below(base_url, old.self_link)
        if found:
            return found
        why = f"its self link {old.self_link} is not below the site's base_url {base_url}"
    else:
        why = "it has no self link"
    raise CompareError(
        f"cannot tell the address this feed is published at: {why}; pass --address PATH "
        "(its path below base_url, e.g. --address feed.xml)",
        Path(source),
        code="FP403",
    )


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Finding:
    """One difference a subscriber would see (``change``) or might notice (``note``)."""

    #: Stable code, e.g. ``FP420`` (see :data:`feedpub.errors.CODES`).
    code: str
    message: str
    #: The item as the old feed has it, and as feedpub's has it, where the finding is about one.
    old: Item | None = None
    new: Item | None = None

    @property
    def severity(self) -> str:
        """``change`` (a subscriber sees it; exit status 1) or ``note``."""
        return CODES[self.code][0]

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
        }


#: Each status an item can have, in the order the summary names them.
STATUSES = ("same", "id changed", "link changed", "missing", "added")


@dataclass(frozen=True)
class Pair:
    """An item of the old feed and its match in feedpub's (either may be missing)."""

    old: Item | None
    new: Item | None
    #: How they were matched: "id", "link" or "title and date"; ``None`` when unmatched.
    matched_by: str | None
    #: The codes of the findings about this pair.
    codes: tuple[str, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        """What a subscriber sees: "same", or one or more of the other :data:`STATUSES`."""
        found = tuple(
            status
            for code, status in (
                ("FP420", "id changed"),
                ("FP421", "link changed"),
                ("FP422", "missing"),
                ("FP423", "added"),
            )
            if code in self.codes
        )
        return found or ("same",)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": list(self.statuses),
            "matched_by": self.matched_by,
            "codes": list(self.codes),
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
        }


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` found."""

    #: The old feed as given (a file or a URL), and its address below base_url.
    source: str
    address: str
    #: The old feed's URL: base_url + address.
    url: str
    old: Feed
    #: feedpub's feed at the address, or where none is there, the one in the same folder and
    #: the old feed's format that items were compared with (``compared_with``), or ``None``.
    new: Feed | None
    compared_with: str | None
    findings: tuple[Finding, ...]
    pairs: tuple[Pair, ...] = ()

    @property
    def changes(self) -> int:
        """Findings a subscriber would see."""
        return sum(f.severity == "change" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """How many items have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for pair in self.pairs:
            for status in pair.statuses:
                counts[status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON values (``feedpub compare --format json``)."""
        return {
            "source": self.source,
            "address": self.address,
            "url": self.url,
            "old": self.old.to_dict(),
            "new": self.new.to_dict() if self.new else None,
            "compared_with": self.compared_with,
            "summary": {
                **self.counts(),
                "changes": self.changes,
                "notes": len(self.findings) - self.changes,
            },
            "findings": [f.to_dict() for f in self.findings],
            "items": [p.to_dict() for p in self.pairs],
        }


def normal_link(link: str | None, base: str) -> str | None:
    """``link`` resolved against ``base``, with its scheme and host in lower case."""
    if not link:
        return None
    parts = urlsplit(urljoin(base, link))
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def resolved(feed: Feed, base: str) -> Feed:
    """``feed`` with every item link absolute (feedparser resolves only what it has a base
    for)."""
    items = tuple(replace(item, link=normal_link(item.link, base)) for item in feed.items)
    return replace(feed, items=items)


def match(old: Sequence[Item], new: Sequence[Item]) -> list[Pair]:
    """Pairs of matching items: by id, then by link, then by title and date (less than a day
    apart, so that a time zone read differently still matches; or both without a date).
    Unmatched items of ``old`` come as pairs without a ``new``, and the other way round."""
    taken: set[int] = set()
    found: dict[int, tuple[int, str]] = {}
    keys: list[tuple[str, Callable[[Item], str | None]]] = [
        ("id", lambda item: item.id),
        ("link", lambda item: item.link),
    ]
    for how, key in keys:
        index: dict[str, list[int]] = {}
        for j, item in enumerate(new):
            value = key(item)
            if j not in taken and value is not None:
                index.setdefault(value, []).append(j)
        for i, item in enumerate(old):
            value = key(item)
            if i not in found and value is not None and index.get(value):
                j = index[value].pop(0)
                taken.add(j)
                found[i] = (j, how)
    for i, item in enumerate(old):
        if i not in found:
            k = next(
                (k for k, b in enumerate(new) if k not in taken and _same_title_and_date(item, b)),
                None,
            )
            if k is not None:
                taken.add(k)
                found[i] = (k, "title and date")
    pairs = [
        Pair(item, new[found[i][0]], found[i][1]) if i in found else Pair(item, None, None)
        for i, item in enumerate(old)
    ]
    pairs += [Pair(None, item, None) for j, item in enumerate(new) if j not in taken]
    return pairs


def _same_title_and_date(a: Item, b: Item) -> bool:
    if not a.title or a.title != b.title:
        return False
    if a.date is None or b.date is None:
        return a.date is None and b.date is None
    return abs(a.date - b.date) < SAME_POST_WITHIN


def item_findings(pair: Pair) -> list[Finding]:
    """What differs between the two items of ``pair``."""
    old, new = pair.old, pair.new
    if new is None:
        assert old is not None
        return [
            Finding(
                "FP422",
                f"{old} is not in feedpub's feed: it disappears from readers that show "
                "what the feed holds ('feedpub check' says why an entry is left out)",
                old,
            )
        ]
    if old is None:
        return [
            Finding("FP423", f"{new} is only in feedpub's feed: readers show it as new", None, new)
        ]
    return _identity_findings(old, new) + _note_findings(old, new)


def _identity_findings(old: Item, new: Item) -> list[Finding]:
    """What a subscriber sees of a matched item: a new id (shown again), another link."""
    found = []
    if old.identity != new.identity:
        found.append(
            Finding(
                "FP420",
                f"{old}: id changes from {old.identity} to {new.identity}: readers show "
                "the post again as new",
                old,
                new,
            )
        )
    if old.link is not None and old.link != new.link:
        found.append(
            Finding(
                "FP421",
                f"{old}: link changes to {new.link or 'none'}: a reader's link to the post "
                "leads elsewhere, or nowhere, unless both addresses work",
                old,
                new,
            )
        )
    return found


def _note_findings(old: Item, new: Item) -> list[Finding]:
    """The differences a subscriber hardly notices: title, dates, authors, categories, text."""
    found = []
    if old.title != new.title:
        found.append(Finding("FP430", f"{old}: title changes to '{new.title}'", old, new))
    for what, before, after in (
        ("published", old.published, new.published),
        ("updated", old.updated, new.updated),
    ):
        if before is not None and after is not None and before != after:
            found.append(
                Finding(
                    "FP431",
                    f"{old}: {what} date changes from {before.isoformat()} to {after.isoformat()}",
                    old,
                    new,
                )
            )
    if old.authors and sorted(old.authors) != sorted(new.authors):
        found.append(
            Finding(
                "FP432",
                f"{old}: authors change from {_listed(old.authors)} to {_listed(new.authors)}",
                old,
                new,
            )
        )
    if sorted(set(old.categories)) != sorted(set(new.categories)):
        found.append(
            Finding(
                "FP433",
                f"{old}: categories change from {_listed(old.categories)} to "
                f"{_listed(new.categories)}",
                old,
                new,
            )
        )
    texts = [
        what
        for what, before, after in (
            ("summary", old.summary, new.summary),
            ("content", old.content, new.content),
        )
        # (white space left out: markup removed leaves spaces where a tag was, or none)
        if before and after and before.replace(" ", "") != after.replace(" ", "")
    ]
    if texts:
        found.append(
            Finding("FP434", f"{old}: the text of its {' and '.join(texts)} changes", old, new)
        )
    return found


def _listed(values: Sequence[str]) -> str:
    return ", ".join(sorted(set(values))) if values else "none"


def feed_findings(old: Feed, new: Feed) -> list[Finding]:
    """What differs between the two feeds themselves."""
    found = []
    if old.format != new.format:
        found.append(
            Finding(
                "FP411",
                f"the feed's format changes from {old.version} to {new.version} at the same "
                "address",
            )
        )
    if old.title != new.title:
        found.append(
            Finding("FP412", f"the feed's title changes from '{old.title}' to '{new.title}'")
        )
    if old.id is not None and old.id != new.id:
        found.append(Finding("FP413", f"the feed's id changes from {old.id} to {new.id or 'none'}"))
    return found


def compare_feeds(old: Feed, new: Feed, *, same_address: bool = True) -> Comparison:
    """The findings and pairs of two feeds read (for :func:`compare`; ``source`` and the
    address are left empty)."""
    findings = feed_findings(old, new) if same_address else []
    pairs = []
    for pair in match(old.items, new.items):
        found = item_findings(pair)
        findings += found
        pairs.append(replace(pair, codes=tuple(f.code for f in found)))
    # Changes first, then notes; each in the order of the items.
    findings.sort(key=lambda f: f.severity != "change")
    return Comparison("", "", "", old, new, None, tuple(findings), tuple(pairs))


def compare(
    site: Site,
    source: str,
    *,
    address: str | None = None,
    timeout: float = TIMEOUT,
) -> Comparison:
    """Compare the feed ``source`` (a file or an http(s) URL) that ``site`` publishes today
    with the one feedpub builds for the same address.

    ``site`` (a :class:`feedpub.Site`) is built into a temporary folder, without its cache;
    its output folder and ``.feedpub-cache/`` are not touched. ``address`` (``--address``) is
    the feed's path below base_url when neither the URL nor the feed's self link says it.
    Raises :class:`CompareError` (FP401 to FP403) when the old feed cannot be read or placed,
    and what :func:`feedpub.build` raises when the site does not build."""
    from .pipeline import build

    data, fetched = read_source(source, timeout)
    name = source if fetched is not None else display_path(source)
    old = parse_feed(data, name, fetched)
    where = feed_address(old, site.base_url, source, fetched, address)
    url = site.base_url + where
    old = resolved(old, fetched or url)
    with tempfile.TemporaryDirectory(prefix="feedpub-compare-") as temp:
        # (an image or enclosure given as a path may be a file in the real output folder:
        # it is looked for there, only looked at, never read or written)
        built = replace(site, output=Path(temp) / "public", media_output=site.output)
        build(built, cache=False)
        target = built.output / where
        findings: list[Finding] = []
        compared_with: str | None = where
        if not target.is_file():
            findings.append(
                Finding(
                    "FP410",
                    f"feedpub writes no feed at {where} ({url}): every subscriber of it "
                    "loses the feed",
                )
            )
            folder = where.rpartition("/")[0]
            nearest = f"{folder}/" * bool(folder) + FORMAT_FILES[old.format]
            compared_with = nearest if (built.output / nearest).is_file() else None
        if compared_with is None:  # nothing to compare the items with
            return Comparison(source, where, url, old, None, None, tuple(findings))
        new_data = (built.output / compared_with).read_bytes()
    new = resolved(parse_feed(new_data, compared_with), site.base_url + compared_with)
    if compared_with != where:
        findings.append(
            Finding(
                "FP414",
                f"items compared with feedpub's {new.version} feed at {compared_with} "
                "instead, the nearest it writes",
            )
        )
    result = compare_feeds(old, new, same_address=compared_with == where)
    every = tuple(findings) + result.findings
    every = tuple(sorted(every, key=lambda f: f.severity != "change"))
    return replace(
        result,
        source=source,
        address=where,
        url=url,
        compared_with=compared_with,
        findings=every,
    )
