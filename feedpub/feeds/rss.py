"""RSS 2.0: the writer (feedgen's RSS, streamed) and the rules ``feedpub check`` applies to it."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from feedgen.ext.dc import DcEntryExtension
from lxml import etree

from ..model import Author, Finding, Rendered
from ._common import Feed, ItemMemo, feed_entry, make_generator, marked_item, stream_feed
from ._lint import (
    ATOM,
    CONTENT_ENCODED,
    DC_CREATOR,
    FH_ARCHIVE,
    RFC822,
    RSS_AUTHOR,
    Source,
    enclosure_findings,
    finding,
    html_findings,
    is_absolute,
    link_findings,
    media_findings,
    parse_xml,
    plain_text_findings,
)
from ._splice import Previous, Recorder, Written, write_feed


def write_rss(
    feed: Feed,
    self_url: str,
    handle: BinaryIO,
    memo: ItemMemo | None = None,
    previous: Previous | None = None,
) -> Written | None:
    """Write ``feed`` as RSS 2.0, published at ``self_url``, to ``handle``; items already
    made for another feed are taken from ``memo``; spliced from the earlier file that
    ``previous`` describes where it can (see feedpub/feeds/_splice.py). Returns where each
    item is in the file (when ``feed`` has item keys)."""
    memo = memo or ItemMemo()

    def serialise(feed: Feed, self_url: str, items: Iterable[Rendered], out: Recorder) -> None:
        _serialise_rss(feed, self_url, items, out, memo)

    return write_feed("rss", serialise, feed, self_url, handle, previous)


def _serialise_rss(
    feed: Feed, self_url: str, items: Iterable[Rendered], out: Recorder, memo: ItemMemo
) -> None:
    fg = make_generator(feed, self_url)
    # Readers take the channel's description as HTML, as an item's: escape it once more.
    fg.description(html.escape(feed.description, quote=False))
    fg.load_extension("dc", atom=False, rss=True)
    # The feed-level author, as Atom's <author>: names only, for the reasons of _rss_creator()
    # (managingEditor and webMaster would have to be "email (Name)", shown raw by rss-parser).
    if feed.authors:
        fg.dc.dc_creator(_rss_creator(feed.authors))
    head = etree.fromstring(fg.rss_str(pretty=True))
    if feed.updated.year < 1000:  # only undated pages (0001-01-01): none, as Hugo writes it
        for date in head.iter("lastBuildDate"):
            date.getparent().remove(date)
    elements = ((memo.get("rss", i, _rss_item), marked_item(i)) for i in items)
    stream_feed(out, head, head.find("channel"), elements, "", feed.stylesheet)


def _rss_item(item: Rendered) -> etree._Element:
    fe = feed_entry(item)
    entry = item.entry
    if entry.authors:
        # register_extension, not load_extension: the latter tries an import that fails
        # on every call, which costs more than the rest of the item.
        fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
        fe.dc.dc_creator(_rss_creator(entry.authors))
    fe.guid(entry.id, permalink=entry.id == entry.link)
    if item.summary:
        # Readers take RSS <description> as HTML: escape the plain-text summary once more,
        # or "a <b> c" and "AT&amp;T" would come out as markup and entities.
        fe.summary(html.escape(item.summary, quote=False))
    if entry.enclosures:
        # RSS allows one enclosure per item (validators flag a second): the first one. The
        # spec wants a length; 0 stands for "unknown" (a URL not on this site, with no length).
        first = entry.enclosures[0]
        fe.enclosure(first.url, str(first.length or 0), first.type)
    element = fe.rss_entry()
    if entry.date.year < 1000:  # an undated page's 0001-01-01: strftime writes the year as "1"
        from email.utils import format_datetime  # (here only: it loads the socket module)

        for date in element.iter("pubDate"):
            date.text = format_datetime(entry.date)
    return element


def _rss_creator(authors: Iterable[Author]) -> str:
    """The one ``dc:creator`` of an RSS item or channel: every author's name, joined.

    What other ecosystems' readers show as the author, for any number of authors: RSS's
    ``<author>email (Name)</author>`` is shown raw by rss-parser (JavaScript), and of several
    ``dc:creator`` gofeed and rss-parser show the first, newsboat and feedparser's ``author``
    the last. So RSS names the authors (as WordPress does, in one ``dc:creator``) and leaves
    the e-mail addresses to Atom, which has a place for each author's name, e-mail and URI.
    Joined with ", ", as newsboat shows several Atom authors and the preview page its bylines.
    """
    return ", ".join(author.name for author in authors)


def lint_rss(data: bytes, path: Path, self_url: str) -> list[Finding]:
    """Check RSS 2.0 bytes (published at ``self_url``) against the spec rules feedpub keeps."""
    root, found = parse_xml(data, path)
    if root is None:
        return found
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [finding("FP302", "no <rss><channel>", path, 1)]
    source = Source(data)
    found += _rss_channel_findings(channel, source, path, self_url)
    guids: dict[str, int] = {}
    for item in channel.findall("item"):
        found += _rss_item_findings(item, source, path, guids)
    return found


def _rss_channel_findings(
    channel: etree._Element, source: Source, path: Path, self_url: str
) -> list[Finding]:
    """The channel's required elements, its links, and every date in the feed."""
    found: list[Finding] = []
    line = channel.sourceline
    for tag in ("title", "link", "description"):
        if not (channel.findtext(tag) or "").strip():
            found.append(finding("FP302", f"channel has no {tag}", path, line))
    for tag in ("title", "description"):
        for element in channel.findall(tag):
            found += _rss_text_findings(element, source, path)
    selfs = [a for a in channel.findall(f"{ATOM}link") if a.get("rel") == "self"]
    if not selfs or selfs[0].get("href") != self_url:
        found.append(
            finding("FP302", f"channel has no atom:link rel=self to {self_url}", path, line)
        )
    if not is_absolute(channel.findtext("link")):
        found.append(finding("FP303", "channel link is not an absolute URL", path, line))
    found += link_findings(
        channel.findall(f"{ATOM}link"), channel.find(FH_ARCHIVE) is not None, path, line
    )
    for date in channel.iter("lastBuildDate", "pubDate"):
        if not RFC822.match(date.text or ""):
            found.append(
                finding("FP304", f"{date.tag} {date.text!r} is not RFC 822", path, date.sourceline)
            )
    return found


def _rss_item_findings(
    item: etree._Element, source: Source, path: Path, guids: dict[str, int]
) -> list[Finding]:
    """One item's findings; ``guids`` holds the guids of the items before it (and gets its)."""
    found: list[Finding] = []
    line = item.sourceline
    title = item.findtext("title")
    if not title and not item.findtext("description"):
        found.append(finding("FP302", "item has neither title nor description", path, line))
    for element in (*item.findall("title"), *item.findall("category")):
        found += _rss_text_findings(element, source, path)
    if not is_absolute(item.findtext("link")):
        found.append(finding("FP303", "item link is not an absolute URL", path, line))
    guid = item.find("guid")
    if guid is not None:
        if guid.text in guids:
            found.append(finding("FP305", f"guid {guid.text} appears twice", path, line))
        guids[guid.text or ""] = line
        if guid.get("isPermaLink", "true") == "true" and not is_absolute(guid.text):
            found.append(finding("FP303", "permalink guid is not an absolute URL", path, line))
    authors = item.findall("author")
    for author in authors:
        if not RSS_AUTHOR.match(author.text or ""):
            found.append(
                finding("FP306", f"author {author.text!r} is not an e-mail address", path, line)
            )
    if authors and item.find(DC_CREATOR) is not None:
        found.append(finding("FP306", "item has both author and dc:creator", path, line))
    for markup in (item.findtext(CONTENT_ENCODED), item.findtext("description")):
        if markup:
            found += html_findings(markup, path, line)
    found += _rss_enclosure_findings(item, path, line)
    found += media_findings(item, path)
    return found


def _rss_enclosure_findings(item: etree._Element, path: Path, line: int | None) -> list[Finding]:
    """An item's enclosures: one at most, each with a URL, a media type and a length."""
    found: list[Finding] = []
    enclosures = item.findall("enclosure")
    if len(enclosures) > 1:
        found.append(
            finding("FP309", f"item has {len(enclosures)} enclosures; RSS allows one", path, line)
        )
    for enclosure in enclosures:
        found += enclosure_findings(
            enclosure.get("url"),
            enclosure.get("type"),
            enclosure.get("length"),
            True,
            path,
            line,
        )
    return found


def _rss_text_findings(element: etree._Element, source: Source, path: Path) -> list[Finding]:
    what = "channel description" if element.tag == "description" else element.tag
    return plain_text_findings(
        element.text,
        what,
        path,
        element.sourceline,
        rss=True,
        referenced=source.referenced(element),
    )
