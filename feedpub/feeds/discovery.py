"""Finding the feeds: ``index.html`` with autodiscovery links, ``feeds.opml``, and the
``<link rel="alternate">`` block that ``feedpub links`` prints. Markup is built with lxml."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from lxml import etree, html
from lxml.html import builder as E

from ..model import OPML_NAME, Site

if TYPE_CHECKING:
    from ..model import Rendered


#: The preview page's look: readable on a phone and a desktop, no outside resources.
STYLE = """
body { font: 17px/1.55 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto;
  padding: 0 1rem; color: #222; }
code { word-break: break-all; }
article { border-top: 1px solid #ddd; padding: 1.25rem 0; }
article h3 { font-size: 1.5rem; margin: 0 0 .25rem; }
.meta, .categories { color: #666; font-size: .9rem; margin: .2rem 0; }
.summary { font-style: italic; }
.content img { max-width: 100%; height: auto; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }
"""

#: Each feed format (:data:`feedpub.model.FORMATS`): media type, label.
FORMATS = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
    "json": ("application/feed+json", "JSON Feed"),
}


@dataclass(frozen=True)
class FeedLink:
    """One feed file, as a page or a reader should announce it."""

    #: Title of the feed ("Site — Category").
    title: str
    #: Absolute URL of the file.
    url: str
    #: Media type of the format.
    media_type: str
    #: Name of the format ("RSS", "Atom", "JSON Feed").
    label: str


def feed_links(
    site: Site, feeds: Sequence[tuple[Iterable[tuple[str, str]], str]]
) -> list[FeedLink]:
    """Every file of ``feeds`` ((files, title) pairs, the main feed first; files as in
    :attr:`feedpub.model.FeedPlan.files`). Feeds that share a title (a language's own feeds
    when it has no title of its own: Hugo writes the site's) are told apart on the page by
    their folder, ``Site (/es/)``, but the first of them, whose title is kept as it is."""
    listed = [(tuple(files), title) for files, title in feeds]
    counts = Counter(title for _, title in listed)
    links: list[FeedLink] = []
    told: set[str] = set()
    for files, title in listed:
        shown = title
        if counts[title] > 1 and files:
            folder = files[0][1].rpartition("/")[0]
            if title in told and folder:
                shown = f"{title} (/{folder}/)"
            told.add(title)
        links += [FeedLink(shown, site.feed_url(name), *FORMATS[format]) for format, name in files]
    return links


def _alternate(link: FeedLink) -> etree._Element:
    return E.LINK(
        rel="alternate", type=link.media_type, title=f"{link.title} ({link.label})", href=link.url
    )


def link_block(links: list[FeedLink]) -> str:
    """The ``<link rel="alternate">`` tags to paste into a page's ``<head>``."""
    return "\n".join(html.tostring(_alternate(link), encoding="unicode") for link in links)


def index_html(site: Site, links: list[FeedLink], entries: Iterable[Rendered] = ()) -> bytes:
    """A page listing every feed, with autodiscovery links for browsers and readers, then
    ``entries`` as a feed reader shows them: title, byline, date, categories, summary and
    content (already sanitised HTML)."""
    items = [
        E.LI(E.A(f"{link.title} ({link.label})", href=link.url), " ", E.CODE(link.url))
        for link in links
    ]
    articles = [_article(item) for item in entries]
    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(f"{site.title}: feeds"),
            E.STYLE(STYLE),
            *(_alternate(link) for link in links),
        ),
        E.BODY(
            E.H1(site.title),
            E.P(site.description),
            E.SECTION(
                E.H2("Feeds"),
                E.P(
                    "Subscribe in your feed reader: paste one of these addresses into it, or "
                    "this page's address, or import ",
                    E.A(OPML_NAME, href=site.base_url + OPML_NAME),
                    " to follow them all.",
                ),
                E.UL(*items),
                id="feeds",
            ),
            *([E.SECTION(E.H2("Latest entries"), *articles, id="entries")] if articles else []),
        ),
        **({"lang": site.language} if site.language else {}),
    )
    # (lxml has no type information: tostring() gives bytes for any encoding but "unicode")
    return cast(
        bytes, html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", pretty_print=True)
    )


def _article(item: Rendered) -> etree._Element:
    """One entry of the preview, with what a feed reader shows of it."""
    entry = item.entry
    meta: list[object] = []
    if entry.authors:
        meta.append("By " + ", ".join(author.name for author in entry.authors) + " \u00b7 ")
    meta.append(E.TIME(_when(entry.date), datetime=entry.date.isoformat()))
    if entry.updated is not None and entry.updated != entry.date:
        meta.append(" \u00b7 updated ")
        meta.append(E.TIME(_when(entry.updated), datetime=entry.updated.isoformat()))
    parts = [E.H3(E.A(item.title, href=entry.link)), E.P(*meta, **{"class": "meta"})]
    if entry.categories:
        parts.append(E.P(", ".join(entry.categories), **{"class": "categories"}))
    if item.summary:
        parts.append(E.P(item.summary, **{"class": "summary"}))
    if item.content_html:
        parts.append(E.DIV(*html.fragments_fromstring(item.content_html), **{"class": "content"}))
    return E.ARTICLE(*parts)


def _when(moment: datetime) -> str:
    """A date and time as the entry gives it, with its offset: 2025-11-14 09:00 (UTC-05:00)."""
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:5]}" if offset.strip("+0") else "UTC"
    return f"{moment:%Y-%m-%d %H:%M} ({zone})"


def opml(site: Site, links: list[FeedLink]) -> bytes:
    """An OPML 2.0 list of the feeds (each one's first file: RSS unless it is off), for a
    reader to import all at once."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{site.title}: feeds"
    body = etree.SubElement(root, "body")
    first = links[0].label if links else None
    for link in links:
        if link.label != first:
            continue  # one outline per feed: the same items in three formats would triple it
        etree.SubElement(
            body,
            "outline",
            type="rss",
            text=link.title,
            title=link.title,
            xmlUrl=link.url,
            htmlUrl=site.base_url,
        )
    return cast(
        bytes, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )
