"""A :class:`Feed` → RSS 2.0 and Atom 1.0 bytes (the *serialise* stage).

The only module that imports feedgen. It receives validated, timezone-aware values, so
feedgen's own ``ValueError``\\ s cannot happen for user input; the comments say which feedgen
behaviour each step works around (see DESIGN.md).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from .entry import Author
from .render import Rendered

GENERATOR_URI = "https://pypi.org/project/feedpub/"


@dataclass(frozen=True)
class Feed:
    """One feed, independent of its format."""

    #: Feed title.
    title: str
    #: RSS ``description`` / Atom ``subtitle``.
    description: str
    #: Language tag, or ``None``.
    language: str | None
    #: The site's page for this feed (RSS channel ``link``, Atom alternate link).
    home_url: str
    #: Feed-level authors; Atom needs at least one for entries that name none.
    authors: tuple[Author, ...]
    #: Items, newest first.
    items: tuple[Rendered, ...]
    #: When the feed last changed: the newest item's date, never the clock.
    updated: datetime


def rss(feed: Feed, self_url: str) -> bytes:
    """RSS 2.0 bytes of ``feed``, published at ``self_url``."""
    fg = _generator(feed, self_url)
    fg.description(feed.description)
    fg.load_extension("dc", atom=False, rss=True)
    for item in feed.items:
        fe = _entry(fg, item)
        entry = item.entry
        # RSS <author> must be an e-mail address: use it for a single author who has one,
        # and dc:creator (names) otherwise. Never both on one item.
        if len(entry.authors) == 1 and entry.authors[0].email:
            fe.author(name=entry.authors[0].name, email=entry.authors[0].email)
        elif entry.authors:
            fe.dc.dc_creator([a.name for a in entry.authors])
        fe.guid(entry.id, permalink=entry.id == entry.link)
        if item.summary:
            # Readers take RSS <description> as HTML: escape the plain-text summary once more,
            # or "a <b> c" and "AT&amp;T" would come out as markup and entities.
            fe.summary(html.escape(item.summary, quote=False))
    return fg.rss_str(pretty=True)


def atom(feed: Feed, self_url: str) -> bytes:
    """Atom 1.0 bytes of ``feed``, published at ``self_url``."""
    fg = _generator(feed, self_url)
    fg.id(self_url)
    fg.subtitle(feed.description)
    for author in feed.authors:
        fg.author(_person(author))
    for item in feed.items:
        fe = _entry(fg, item)
        for author in item.entry.authors:
            fe.author(_person(author))
    return fg.atom_str(pretty=True)


def _generator(feed: Feed, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.title(feed.title)
    # feedgen takes the RSS channel <link> from the *last* link added: self first, site last.
    fg.link(href=self_url, rel="self")
    fg.link(href=feed.home_url, rel="alternate", type="text/html")
    if feed.language:
        fg.language(feed.language)
    fg.generator("feedpub", version=version("feedpub"), uri=GENERATOR_URI)
    # Without this feedgen stamps the clock into lastBuildDate/updated.
    fg.updated(feed.updated)
    return fg


def _entry(fg: FeedGenerator, item: Rendered) -> FeedEntry:
    entry = item.entry
    # add_entry() prepends by default; items come newest first, so append.
    fe = fg.add_entry(order="append")
    fe.id(entry.id)
    fe.title(item.title)
    fe.link(href=entry.link, rel="alternate", type="text/html")
    fe.published(entry.date)
    fe.updated(entry.modified)
    for term in (*entry.categories, *(t for t in entry.tags if t not in entry.categories)):
        fe.category(term=term)
    if item.summary:
        fe.summary(item.summary)
    if item.content_html:
        # type="html": escaped HTML, valid in Atom and in RSS content:encoded (CDATA would
        # break on a "]]>" in a code block).
        fe.content(item.content_html, type="html")
    return fe


def _person(author: Author) -> dict[str, str]:
    person = {"name": author.name}
    if author.email:
        person["email"] = author.email
    if author.uri:
        person["uri"] = author.uri
    return person
