"""Finding the feeds: ``index.html`` with autodiscovery links, ``feeds.opml``, and the
``<link rel="alternate">`` block that ``feedpub links`` prints. Markup is built with lxml."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree, html
from lxml.html import builder as E

from .config import Site

#: Each feed format: file name, media type, label.
FORMATS = (
    ("feed.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)


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


def feed_links(site: Site, feeds: list[tuple[str, str]]) -> list[FeedLink]:
    """Every file of ``feeds`` ((folder, title) pairs, the main feed first)."""
    return [
        FeedLink(title, site.base_url + folder + name, media_type, label)
        for folder, title in feeds
        for name, media_type, label in FORMATS
    ]


def _alternate(link: FeedLink) -> etree._Element:
    return E.LINK(
        rel="alternate", type=link.media_type, title=f"{link.title} ({link.label})", href=link.url
    )


def link_block(links: list[FeedLink]) -> str:
    """The ``<link rel="alternate">`` tags to paste into a page's ``<head>``."""
    return "\n".join(html.tostring(_alternate(link), encoding="unicode") for link in links)


def index_html(site: Site, links: list[FeedLink]) -> bytes:
    """A plain page listing every feed, with autodiscovery links for browsers and readers."""
    items = [
        E.LI(E.A(f"{link.title} ({link.label})", href=link.url), " ", E.CODE(link.url))
        for link in links
    ]
    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(f"{site.title}: feeds"),
            *(_alternate(link) for link in links),
        ),
        E.BODY(
            E.H1(site.title),
            E.P(site.description),
            E.P(
                "Subscribe in your feed reader: paste one of these addresses into it, or this "
                "page's address, or import ",
                E.A("feeds.opml", href=site.base_url + "feeds.opml"),
                " to follow them all.",
            ),
            E.UL(*items),
        ),
        **({"lang": site.language} if site.language else {}),
    )
    return html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", pretty_print=True)


def opml(site: Site, links: list[FeedLink]) -> bytes:
    """An OPML 2.0 list of the feeds (their RSS files), for a reader to import all at once."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{site.title}: feeds"
    body = etree.SubElement(root, "body")
    for link in links:
        if link.label != "RSS":
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
