"""Markdown → safe HTML with absolute URLs, and plain-text summaries (the *render* stage)."""

from __future__ import annotations

import ctypes
import html
import re
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import cmarkgfm
import nh3
from cmarkgfm import _cmark, cmark
from cmarkgfm.cmark import Options

from .entry import XML_ILLEGAL, Entry, read_body
from .media import Media

if TYPE_CHECKING:
    from .config import Site

#: GitHub-flavoured extensions: tables, ~~strikethrough~~, bare www./https:// links.
MARKDOWN_EXTENSIONS = ("table", "strikethrough", "autolink")

# Raw HTML is let through by cmark and cleaned by nh3 afterwards, so that safe HTML in an
# entry (a <figure>, a <video>) survives and unsafe HTML does not.
_MARKDOWN_OPTIONS = Options.CMARK_OPT_UNSAFE

_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)

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

# Characters that may make a title Markdown or HTML; titles without them are used as they are.
_TITLE_MARKUP = re.compile(r"[*_`\[\]<>&\\~!]")
_TITLE_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")
_TITLE_BLOCK_START = re.compile(r"^(?:>|#{1,6}(?:\s|$)|[-+*](?:\s|$))")


@dataclass(frozen=True)
class Rendered:
    """What the feeds carry of one entry."""

    #: The entry itself.
    entry: Entry
    #: The title as plain text: Markdown and HTML stripped, entities decoded once.
    title: str
    #: Plain-text summary (given or derived); may be empty for an empty body.
    summary: str
    #: Safe HTML of the whole body with absolute URLs, or ``None`` when feeds carry summaries only.
    content_html: str | None


def render(entry: Entry, site: Site) -> Rendered:
    """Render what the feeds need of ``entry``; Markdown is rendered only when needed."""
    content = None
    body = read_body(entry, site) if site.full_content or entry.summary is None else ""
    if site.dialect != "feedpub":
        from .templates import convert

        body = convert(body, site)[0]
    if site.full_content:
        rendered = markdown_to_html(_MORE.sub("", body))
        content = safe_html(rendered, entry.link, trusted=not site.sanitize)
    summary = entry.summary
    if summary is None:
        separator = entry.excerpt_separator or site.excerpt_separator
        summary = derive_summary(body, content, site.summary_length, separator)
    else:
        summary = plain_text(summary) if _TITLE_MARKUP.search(summary) else summary
    if content is not None and entry.image is not None:
        content = image_on_top(entry.image, content)  # after the summary: it is no paragraph
    # Numeric references such as &#7; render to characters XML cannot carry: drop them. The
    # file's text holds none itself (see entry.py), so without a "&#" there is nothing to do.
    if content is not None and "&#" in body:
        content = xml_text(content)
    return Rendered(
        entry=entry,
        title=xml_text(title_text(entry.title)),
        summary=xml_text(summary),
        content_html=content,
    )


def image_on_top(image: Media, content: str) -> str:
    """``content`` with the featured image in a paragraph at its top, so that readers without
    Media RSS show it too; unchanged when the content already shows that image."""
    source = html.escape(image.url)
    if f'src="{source}"' in content:
        return content
    size = "".join(
        f' {name}="{value}"'
        for name, value in (("width", image.width), ("height", image.height))
        if value
    )
    tag = f'<p><img src="{source}" alt="{html.escape(image.title or "")}"{size}></p>\n'
    return safe_html(tag, image.url) + content


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text


def title_text(title: str) -> str:
    """A title as plain text: ``*emphasis*``, `` `code` ``, links and HTML tags are reduced to
    their text and entities decoded once. Underscores and leading ``#``, ``-``, ``1.`` are kept
    as written (a title is never a heading or a list)."""
    if not _TITLE_MARKUP.search(title) and not title[:1].isdigit():
        return title
    source = title.replace("_", "\\_")
    number = _TITLE_LIST_NUMBER.match(source)
    if number:
        source = f"{number.group(1)}\\{number.group(2)}{source[number.end() :]}"
    elif _TITLE_BLOCK_START.match(source):
        source = "\\" + source
    text = plain_text(markdown_to_html(source))
    return text or title


def markdown_to_html(markdown: str, *, sourcepos: bool = False) -> str:
    """CommonMark with GitHub's table, strikethrough and autolink extensions; raw HTML kept.

    ``sourcepos`` marks each block with ``data-sourcepos="LINE:COL-LINE:COL"``."""
    options = _MARKDOWN_OPTIONS | (Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    if _FREE is None:
        return cmarkgfm.markdown_to_html_with_extensions(
            markdown, options=options, extensions=list(MARKDOWN_EXTENSIONS)
        )
    return _render_freeing(markdown, options)


def _load_free() -> tuple[Any, Any] | None:
    """cmark's node_free and libc's free, from cmarkgfm's own library.

    cmarkgfm's wrapper never frees the syntax tree nor the HTML buffer it renders (about
    60 KiB per entry; theacodes/cmarkgfm#53), so a build of 10,000 entries grew by 600 MiB.
    Its cffi module does not expose the two functions that free them, but the compiled
    library exports them; where it does not, feedpub falls back to the leaking call."""
    try:
        library = ctypes.CDLL(_cmark.__file__)
        node_free = library.cmark_node_free
        free = ctypes.CDLL(None).free
    except (OSError, AttributeError):
        return None
    node_free.argtypes = free.argtypes = [ctypes.c_void_p]
    node_free.restype = free.restype = None
    return node_free, free


def _render_freeing(markdown: str, options: int) -> str:
    assert _FREE is not None
    node_free, free = _FREE
    ffi, lib = _cmark.ffi, _cmark.lib
    data = markdown.encode("utf-8")
    parser = lib.cmark_parser_new(options)
    try:
        for extension in _EXTENSIONS:
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        lib.cmark_parser_feed(parser, data, len(data))
        root = lib.cmark_parser_finish(parser)
        try:
            extensions = lib.cmark_parser_get_syntax_extensions(parser)
            raw = lib.cmark_render_html(root, options, extensions)
            try:
                # cmark writes numeric references like &#xFFFE; as they are: never fail on them
                return ffi.string(raw).decode("utf-8", "replace")
            finally:
                free(int(ffi.cast("uintptr_t", raw)))
        finally:
            node_free(int(ffi.cast("uintptr_t", root)))
    finally:
        lib.cmark_parser_free(parser)


cmark.core_extensions_ensure_registered()
_EXTENSIONS = [cmark.find_syntax_extension(name) for name in MARKDOWN_EXTENSIONS]
_FREE = _load_free()


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
    try:
        if value.lstrip().lower().startswith("data:"):
            return value if (tag, attribute) in _IMAGE_SOURCES else None
        if attribute in _URL_ATTRIBUTES:
            joined = _base.joined.get(value)
            if joined is None:
                joined = _base.joined[value] = join_url(_base.url, value.strip())
            return joined
        if attribute == "srcset":
            return ", ".join(
                _srcset_item(_base.url, item) for item in value.split(",") if item.strip()
            )
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
    URLs); anything else is urljoin's."""
    parts = _base_parts(base)
    if parts is None or not _SIMPLE_PATH.match(url):
        return urljoin(base, url)
    scheme, netloc, folder = parts
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
    """Scheme, host and the folder's path segments of a simple ``base`` (else ``None``)."""
    match = _SIMPLE_BASE.match(base)
    if match is None:
        return None
    segments = match.group(3).split("/")
    if segments[-1] != "":
        del segments[-1]  # the page's own name: not part of the folder
    return match.group(1), match.group(2), tuple(segments)


def _srcset_item(base: str, item: str) -> str:
    url, _, descriptor = item.strip().partition(" ")
    joined = join_url(base, url)
    return f"{joined} {descriptor.strip()}" if descriptor.strip() else joined


#: Where an image was, in the text of a fragment: U+FFFE, which no entry's text holds (it is
#: removed when the file is read, and &#xFFFE; decodes to nothing).
_DROPPED = "\ufffe"
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
#: The space before images that punctuation follows: "the chart and ![](c.png)." reads
#: "the chart and.", not "the chart and ." (an image between words leaves one space).
_SPACE_BEFORE_DROPPED = re.compile(
    r"\s*(?:\ufffe\s*)*\ufffe(?=[.,;:!?\u2026)\]}\u00bb\u201d\u2019])"  # …, », closing quotes
)


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded once, whitespace collapsed."""
    if _IMAGE.search(fragment) is None:
        return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())
    text = html.unescape(nh3.clean(_IMAGE.sub(_DROPPED, fragment), tags=set()))
    text = _SPACE_BEFORE_DROPPED.sub("", text).replace(_DROPPED, "")
    return " ".join(text.split())


def derive_summary(
    markdown: str, content_html: str | None, length: int, separator: str | None = None
) -> str:
    """The text before ``separator`` (default ``<!--more-->``), else the first paragraph, as
    plain text of at most ``length`` characters, cut at a word boundary."""
    if separator is not None:
        cut = markdown.find(separator)
        match = None
        if cut > 0:
            return shorten(plain_text(markdown_to_html(markdown[:cut])), length)
    else:
        match = _MORE.search(markdown)
    if match:
        text = plain_text(markdown_to_html(markdown[: match.start()]))
    else:
        rendered = content_html if content_html is not None else markdown_to_html(markdown)
        first = _FIRST_PARAGRAPH.search(rendered)
        text = plain_text(first.group(1) if first else rendered)
    return shorten(text, length)


def shorten(text: str, length: int) -> str:
    """``text`` cut to at most ``length`` characters at a word boundary, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text[: max(length - 1, 1)]
    if text[len(cut)] != " " and " " in cut:  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"
