"""HTML made safe for feed readers (nh3), and every URL in it made absolute."""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"video", "audio", "source", "picture", "figure", "figcaption"}
_ATTRIBUTES = deepcopy(nh3.ALLOWED_ATTRIBUTES)
for _tag, _names in {
    "code": {"class"},
    "img": {"srcset", "sizes", "loading"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted"},
    "audio": {"src", "controls", "loop"},
    "source": {"src", "srcset", "type", "media", "sizes"},
}.items():
    _ATTRIBUTES.setdefault(_tag, set()).update(_names)
_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "longdesc", "data", "action"})
# data: URLs are let through the scheme check, then kept only for images (see _url_filter).
_URL_SCHEMES = set(nh3.ALLOWED_URL_SCHEMES) | {"data"}
_IMAGE_SOURCES = frozenset({("img", "src"), ("img", "srcset"), ("source", "srcset")})

# sanitize = false ("trusted" sites): scripts, styles, iframes and presentational attributes are
# kept, but never event-handler attributes or javascript: URLs, which no feed reader runs anyway.
_TRUSTED_TAGS = _TAGS | {"script", "style", "iframe", "noscript", "svg", "path", "form", "input"}
_TRUSTED_ATTRIBUTES = deepcopy(_ATTRIBUTES)
_TRUSTED_ATTRIBUTES.setdefault("*", set()).update({"class", "id", "style", "role", "hidden"})
for _tag, _names in {
    "script": {"src", "type", "async", "defer"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "frameborder", "loading"},
    "svg": {"viewbox", "width", "height", "xmlns", "fill"},
    "path": {"d", "fill", "stroke"},
    "form": {"action", "method"},
    "input": {"type", "name", "value", "checked", "disabled"},
}.items():
    _TRUSTED_ATTRIBUTES.setdefault(_tag, set()).update(_names)


def safe_html(fragment: str, base: str, *, trusted: bool = False) -> str:
    """``fragment`` without scripts, event handlers or other unsafe markup, with every
    ``href``/``src``/``srcset``/``poster`` made absolute against ``base``.

    ``data:`` URLs survive only as image sources. ``trusted`` keeps scripts, styles, iframes and
    presentational attributes (never event handlers or ``javascript:`` URLs)."""
    if base != _base.url:
        _base.url, _base.joined = base, {}
    return (_TRUSTED_CLEANER if trusted else _CLEANER).clean(fragment)


class _Base:
    """The URL relative links are resolved against, for the entry being cleaned: the cleaners
    are built once (much faster than configuring nh3 per call) and read it from here; with
    the URLs already resolved against it (an entry often links one page several times)."""

    def __init__(self) -> None:
        self.url = ""
        self.joined: dict[str, str] = {}


_base = _Base()


def _absolute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in _URL_ATTRIBUTES:  # a link seen before in this entry: as then
        joined = _base.joined.get(value)
        if joined is not None:
            return joined
    try:
        if attribute == "srcset":
            return _absolute_srcset(tag, value)
        if attribute in _URL_ATTRIBUTES:  # (an alt text beginning "Data:" is no URL)
            if value.lstrip().lower().startswith("data:"):
                return value if (tag, attribute) in _IMAGE_SOURCES else None
            joined = _base.joined.get(value)
            if joined is None:
                joined = _base.joined[value] = join_url(_base.url, value.strip())
            return joined
    except ValueError:  # a malformed URL (e.g. an unclosed IPv6 bracket): drop it
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    attribute_filter=_absolute,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
)
_TRUSTED_CLEANER = nh3.Cleaner(
    tags=_TRUSTED_TAGS,
    clean_content_tags=set(),
    attributes=_TRUSTED_ATTRIBUTES,
    generic_attribute_prefixes={"data-", "aria-"},
    attribute_filter=_absolute,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
)


#: An http(s) URL with a plain host (and port) and a path, nothing after it.
_SIMPLE_BASE = re.compile(r"(https?)://([A-Za-z0-9.-]+(?::[0-9]+)?)(/[^?#;\x00-\x20\\]*)\Z")
#: A relative path: no scheme, host, query, fragment, parameters, controls or spaces (urljoin
#: strips some of those, and drops tabs and line breaks).
_SIMPLE_PATH = re.compile(r"[^/:?#;\x00-\x20\\][^:?#;\x00-\x20\\]*\Z")


def join_url(base: str, url: str) -> str:
    """``urljoin(base, url)``. An entry's links are mostly relative paths (``../other/``,
    ``image.png``) against its page's URL: for those the result is computed here, by the
    steps urljoin takes for them, at a tenth of its cost (a test compares the two on many
    URLs), and kept for other pages in the same folder; anything else is urljoin's."""
    parts = _base_parts(base)
    if parts is None or not _SIMPLE_PATH.match(url):
        return urljoin(base, url)
    scheme, netloc, folder = parts
    # "../x" from a folder whose last segment is a name is "x" from the folder above: so
    # the entries of one month (/2025/05/story/) share the links to each other (../other/).
    while url.startswith("../") and len(folder) > 1 and folder[-1] not in (".", ".."):
        folder, url = folder[:-1], url[3:]
    key = (scheme, netloc, folder, url)
    joined = _JOINED.get(key)
    if joined is None:
        if len(_JOINED) >= 10_000:
            _JOINED.clear()
        joined = _JOINED[key] = _join(scheme, netloc, folder, url)
    return joined


#: What :func:`join_url` computed, by scheme, host, folder and relative path.
_JOINED: dict[tuple[str, str, tuple[str, ...], str], str] = {}


def _join(scheme: str, netloc: str, folder: tuple[str, ...], url: str) -> str:
    segments = [*folder, *url.split("/")]
    segments[1:-1] = filter(None, segments[1:-1])  # urljoin drops empty segments inside
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    path = "/".join(resolved) or "/"
    return f"{scheme}://{netloc}{path if path.startswith('/') else '/' + path}"


@lru_cache(maxsize=256)
def _base_parts(base: str) -> tuple[str, str, tuple[str, ...]] | None:
    """Scheme, host and the folder's path segments of a simple ``base`` (else ``None``):
    "" (the root), then each folder's name (urljoin drops the empty ones: ``a//b/``)."""
    match = _SIMPLE_BASE.match(base)
    if match is None:
        return None
    segments = match.group(3).split("/")
    del segments[-1]  # the page's own name, or "" after the folder's "/"
    return match.group(1), match.group(2), ("", *filter(None, segments))


def _absolute_srcset(tag: str, value: str) -> str | None:
    """A ``srcset`` with each URL made absolute; ``data:`` URLs kept for images only."""
    parts = []
    for url, descriptor in srcset_candidates(value):
        if url.lower().startswith("data:"):
            if (tag, "srcset") not in _IMAGE_SOURCES:
                continue
        else:
            url = join_url(_base.url, url)
            # nh3 checks the schemes of href and src, not of srcset's URLs: javascript: here
            if urlsplit(url).scheme.lower() not in _URL_SCHEMES:
                continue
        parts.append(f"{url} {descriptor}" if descriptor else url)
    return ", ".join(parts) or None


def srcset_candidates(value: str) -> list[tuple[str, str]]:
    """The (URL, descriptors) of a ``srcset`` value, split as HTML splits it: a URL runs to
    the next space (a ``data:`` URL's commas are part of it), its descriptors to the next
    comma outside parentheses."""
    found = []
    position, size = 0, len(value)
    while position < size:
        while position < size and (value[position].isspace() or value[position] == ","):
            position += 1
        end = position
        while end < size and not value[end].isspace():
            end += 1
        if end == position:
            break
        url = value[position:end]
        if url.endswith(","):
            found.append((url.rstrip(","), ""))
            position = end
            continue
        start, depth = end, 0
        while end < size and (value[end] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[end], 0)
            end += 1
        found.append((url, value[start:end].strip()))
        position = end + 1
    return found
