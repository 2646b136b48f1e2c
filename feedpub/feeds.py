"""A :class:`Feed` → RSS 2.0 and Atom 1.0 (the *serialise* stage).

The only module that imports feedgen. It receives validated, timezone-aware values, so
feedgen's own ``ValueError``\\ s cannot happen for user input; the comments say which feedgen
behaviour each step works around (see DESIGN.md).

Feeds are streamed: feedgen builds the feed's head and then one item at a time, and lxml's
incremental writer serialises each as it comes, so a feed of every entry with full content
never sits in memory whole.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ._version import __version__
from .entry import Author
from .render import Rendered

GENERATOR_URI = "https://pypi.org/project/feedpub/"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
XML_NS = "http://www.w3.org/XML/1998/namespace"


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
    #: Items, newest first: a function giving them (each feed format iterates them once).
    items: Callable[[], Iterable[Rendered]]
    #: When the feed last changed: the newest item's date, never the clock.
    updated: datetime
    #: URL of an XSL stylesheet for browsers (RSS and Atom), or ``None``.
    stylesheet: str | None = None


def rss(feed: Feed, self_url: str) -> bytes:
    """RSS 2.0 bytes of ``feed``, published at ``self_url``."""
    buffer = io.BytesIO()
    write_rss(feed, self_url, buffer)
    return buffer.getvalue()


def json_feed(feed: Feed, self_url: str) -> bytes:
    """JSON Feed 1.1 bytes of ``feed``, published at ``self_url``."""
    buffer = io.BytesIO()
    write_json(feed, self_url, buffer)
    return buffer.getvalue()


def atom(feed: Feed, self_url: str) -> bytes:
    """Atom 1.0 bytes of ``feed``, published at ``self_url``."""
    buffer = io.BytesIO()
    write_atom(feed, self_url, buffer)
    return buffer.getvalue()


def write_rss(feed: Feed, self_url: str, handle: BinaryIO) -> None:
    """Write ``feed`` as RSS 2.0, published at ``self_url``, to ``handle``."""
    fg = _generator(feed, self_url)
    fg.description(feed.description)
    fg.load_extension("dc", atom=False, rss=True)
    head = etree.fromstring(fg.rss_str(pretty=True))
    items = (_rss_item(i) for i in feed.items())
    _stream(handle, head, head.find("channel"), items, "", feed.stylesheet)


def write_atom(feed: Feed, self_url: str, handle: BinaryIO) -> None:
    """Write ``feed`` as Atom 1.0, published at ``self_url``, to ``handle``."""
    fg = _generator(feed, self_url)
    fg.id(self_url)
    fg.subtitle(feed.description)
    for author in feed.authors:
        fg.author(_person(author))
    head = etree.fromstring(fg.atom_str(pretty=True))
    # feedgen builds Atom entries without a namespace and declares it on the root only.
    items = (_atom_entry(i) for i in feed.items())
    _stream(handle, head, head, items, f"{{{ATOM_NS}}}", feed.stylesheet)


def write_json(feed: Feed, self_url: str, handle: BinaryIO) -> None:
    """Write ``feed`` as JSON Feed 1.1, published at ``self_url``, to ``handle``.

    The stdlib encoder writes it item by item: with ``indent`` it iterates ``items`` lazily
    (see :class:`_Items`), so a feed of every entry is never held in memory whole."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": self_url,
        "description": feed.description,
    }
    if feed.language:
        document["language"] = feed.language
    document["authors"] = [_json_person(a) for a in feed.authors]
    document["items"] = _Items(_json_item(item) for item in feed.items())
    buffer: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(document):
        buffer.append(chunk)
        size += len(chunk)
        if size > 1 << 16:
            handle.write("".join(buffer).encode("utf-8"))
            buffer, size = [], 0
    buffer.append("\n")
    handle.write("".join(buffer).encode("utf-8"))


class _Items(list):  # type: ignore[type-arg]
    """A list for the JSON encoder that yields its items only when iterated.

    The encoder asks whether the list is empty before iterating it; a stream cannot know, so
    it peeks at the first item."""

    def __init__(self, items: Iterable[dict[str, Any]]) -> None:
        super().__init__()
        self._items = iter(items)
        self._first = next(self._items, None)

    def __len__(self) -> int:
        return 0 if self._first is None else 1

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._first is not None:
            yield self._first
            yield from self._items


def _json_item(item: Rendered) -> dict[str, Any]:
    entry = item.entry
    data: dict[str, Any] = {"id": entry.id, "url": entry.link, "title": item.title}
    if item.content_html:
        data["content_html"] = item.content_html
    else:  # JSON Feed: an item needs content_html or content_text
        data["content_text"] = item.summary
    if item.summary:
        data["summary"] = item.summary
    data["date_published"] = entry.date.isoformat()
    if entry.updated:
        data["date_modified"] = entry.updated.isoformat()
    if entry.authors:
        data["authors"] = [_json_person(a) for a in entry.authors]
    terms = [*entry.categories, *(t for t in entry.tags if t not in entry.categories)]
    if terms:
        data["tags"] = terms
    return data


def _json_person(author: Author) -> dict[str, str]:
    # JSON Feed authors have a name and a URL (of a page of theirs), no e-mail.
    person = {"name": author.name}
    if author.uri:
        person["url"] = author.uri
    return person


def _rss_item(item: Rendered) -> etree._Element:
    fe = _entry(item)
    entry = item.entry
    # RSS <author> must be an e-mail address: use it for a single author who has one,
    # and dc:creator (names) otherwise. Never both on one item.
    if len(entry.authors) == 1 and entry.authors[0].email:
        fe.author(name=entry.authors[0].name, email=entry.authors[0].email)
    elif entry.authors:
        # register_extension, not load_extension: the latter tries an import that fails
        # on every call, which costs more than the rest of the item.
        fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
        fe.dc.dc_creator([a.name for a in entry.authors])
    fe.guid(entry.id, permalink=entry.id == entry.link)
    if item.summary:
        # Readers take RSS <description> as HTML: escape the plain-text summary once more,
        # or "a <b> c" and "AT&amp;T" would come out as markup and entities.
        fe.summary(html.escape(item.summary, quote=False))
    return fe.rss_entry()


def _atom_entry(item: Rendered) -> etree._Element:
    fe = _entry(item)
    if item.summary:
        fe.summary(item.summary)
    for author in item.entry.authors:
        fe.author(_person(author))
    return fe.atom_entry()


def _stream(
    handle: BinaryIO,
    head: etree._Element,
    parent: etree._Element,
    items: Iterable[etree._Element],
    namespace: str,
    stylesheet: str | None = None,
) -> None:
    """Write the document ``head`` with ``items`` appended to its ``parent`` element, one
    item at a time, indented as feedgen's pretty output."""
    depth = len(list(parent.iterancestors())) + 1
    with etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        if stylesheet:
            pi = etree.ProcessingInstruction(
                "xml-stylesheet", f'type="text/xsl" href="{stylesheet}"'
            )
            xf.write(pi)
        _replay(xf, head, parent, items, depth, namespace)


def _replay(
    xf: Any,
    element: etree._Element,
    parent: etree._Element | None = None,
    items: Iterable[etree._Element] = (),
    depth: int = 0,
    namespace: str = "",
) -> None:
    """Write ``element`` (and, inside ``parent``, the ``items``) through the incremental
    writer, so namespaces are declared once, on the root."""
    tag = element.tag if element.tag.startswith("{") else namespace + element.tag
    nsmap = None
    if element.getparent() is None:
        # lxml's incremental writer needs the xml: prefix spelled out for xml:lang, else it
        # invents one; declaring it is allowed (Namespaces in XML 1.0, section 3).
        nsmap = dict(element.nsmap)
        if any(key.startswith(f"{{{XML_NS}}}") for key in element.attrib):
            nsmap["xml"] = XML_NS
    with xf.element(tag, dict(element.attrib), nsmap=nsmap):
        if element.text:
            xf.write(element.text)
        children = list(element)
        closing = None
        for index, child in enumerate(children):
            _replay(xf, child, parent, items, depth, namespace)
            if element is parent and index == len(children) - 1:
                closing = child.tail  # the items come before the closing tag's indentation
            elif child.tail:
                xf.write(child.tail)
        if element is parent:
            for item in items:
                xf.write("\n" + "  " * depth)
                etree.indent(item, space="  ", level=depth)
                _write_item(xf, item)
            xf.write(closing or "\n" + "  " * (depth - 1))


def _write_item(xf: Any, item: etree._Element) -> None:
    """Write one item. Elements without a namespace are serialised whole (fast, in C); an
    Atom entry has none (it takes the root's default namespace, as feedgen intends), an RSS
    item a few (content:encoded, dc:creator), which go through the writer to use the root's
    prefixes."""
    if not any("}" in element.tag for element in item.iter()):
        xf.write(item)
        return
    with xf.element(item.tag, dict(item.attrib)):
        if item.text:
            xf.write(item.text)
        for child in item:
            if "}" in child.tag:
                _replay(xf, child)
            else:
                xf.write(child)  # its tail (indentation) is written with it


def _generator(feed: Feed, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.title(feed.title)
    # feedgen takes the RSS channel <link> from the *last* link added: self first, site last.
    fg.link(href=self_url, rel="self")
    fg.link(href=feed.home_url, rel="alternate", type="text/html")
    if feed.language:
        fg.language(feed.language)
    fg.generator("feedpub", version=__version__, uri=GENERATOR_URI)
    # Without this feedgen stamps the clock into lastBuildDate/updated.
    fg.updated(feed.updated)
    return fg


def _entry(item: Rendered) -> FeedEntry:
    """The parts of an item RSS and Atom share."""
    entry = item.entry
    fe = FeedEntry()
    fe.id(entry.id)
    fe.title(item.title)
    fe.link(href=entry.link, rel="alternate", type="text/html")
    fe.published(entry.date)
    fe.updated(entry.modified)
    terms = (*entry.categories, *(t for t in entry.tags if t not in entry.categories))
    if terms:
        fe.category([{"term": term} for term in terms])
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
