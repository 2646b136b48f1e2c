"""Markdown → safe HTML with absolute URLs, and plain-text summaries (the *render* stage)."""

from __future__ import annotations

import html
import re
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from .entry import Entry

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
_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "longdesc"})


@dataclass(frozen=True)
class Rendered:
    """What the feeds carry of one entry."""

    #: The entry itself.
    entry: Entry
    #: Plain-text summary (given or derived); may be empty for an empty body.
    summary: str
    #: Safe HTML of the whole body with absolute URLs, or ``None`` when feeds carry summaries only.
    content_html: str | None


def render(entry: Entry, *, full_content: bool, summary_length: int) -> Rendered:
    """Render what the feeds need of ``entry``; Markdown is rendered only when needed."""
    content = None
    if full_content:
        content = safe_html(markdown_to_html(_MORE.sub("", entry.body)), entry.link)
    summary = entry.summary
    if summary is None:
        summary = derive_summary(entry.body, content, summary_length)
    return Rendered(entry=entry, summary=summary, content_html=content)


def markdown_to_html(markdown: str) -> str:
    """CommonMark with GitHub's table, strikethrough and autolink extensions; raw HTML kept."""
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=_MARKDOWN_OPTIONS, extensions=list(MARKDOWN_EXTENSIONS)
    )


def safe_html(fragment: str, base: str) -> str:
    """``fragment`` without scripts, event handlers or other unsafe markup, with every
    ``href``/``src``/``srcset``/``poster`` made absolute against ``base``."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        try:
            if attribute in _URL_ATTRIBUTES:
                return urljoin(base, value.strip())
            if attribute == "srcset":
                return ", ".join(
                    _srcset_item(base, item) for item in value.split(",") if item.strip()
                )
        except ValueError:  # a malformed URL (e.g. an unclosed IPv6 bracket): drop it
            return None
        return value

    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=absolute,
        link_rel=None,
    )


def _srcset_item(base: str, item: str) -> str:
    url, _, descriptor = item.strip().partition(" ")
    joined = urljoin(base, url)
    return f"{joined} {descriptor.strip()}" if descriptor.strip() else joined


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded once, whitespace collapsed."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def derive_summary(markdown: str, content_html: str | None, length: int) -> str:
    """The text before ``<!--more-->``, else the first paragraph, as plain text of at most
    ``length`` characters, cut at a word boundary."""
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
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"
