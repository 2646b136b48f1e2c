"""What the three formats share: the format-independent :class:`Feed`, the item memo, and
the streaming writer.

feeds/ is the only package that imports feedgen. It receives validated, timezone-aware values, so
feedgen's own ``ValueError``\\ s cannot happen for user input; the comments say which feedgen
behaviour each step works around (see docs/architecture.md, "feedgen: behaviour feeds/ works
around").

Feeds are streamed: feedgen builds the feed's head and then one item at a time, and lxml's
incremental writer serialises each as it comes, so a feed of every entry with full content
never sits in memory whole.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.media import MediaEntryExtension, MediaExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from .._version import __version__
from ..model import Author, Rendered
from ._splice import Recorder

GENERATOR_URI = "https://pypi.org/project/feedpub/"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: RFC 5005 (Feed Paging and Archiving): the namespace of fh:archive.
HISTORY_NS = "http://purl.org/syndication/history/1.0"
#: Elements of plain text (not HTML) written with character references (see
#: :func:`_plain_text`): a feed's title and description (RSS channel, Atom feed), and an
#: item's title and categories.
FEED_TEXT = frozenset({"title", "description", f"{{{ATOM_NS}}}title", f"{{{ATOM_NS}}}subtitle"})
ITEM_TEXT = frozenset({"title", "category"})
_MARKUP_CHARACTER = re.compile(r"([&<])")


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
    #: Whether some item has a featured image (the Media RSS namespace is declared then).
    media: bool = False
    #: WebSub hubs (``rel="hub"`` links, JSON Feed ``hubs``).
    hubs: tuple[str, ...] = ()
    #: RFC 5005 links of this format's file, (relation, URL): ``current``, ``prev-archive``,
    #: ``next-archive``.
    history: tuple[tuple[str, str], ...] = ()
    #: An RFC 5005 archive document (``fh:archive``): its entries never change.
    archive: bool = False
    #: Atom feed ``id``; ``None``: the file's own URL. Archive documents take the main feed's.
    feed_id: str | None = None
    #: What each item is made from (see :func:`feedpub.feeds._splice.item_key`), in order:
    #: recorded with the file, so that the next build can reuse the bytes of the items whose
    #: key is the same. ``None``: nothing recorded, never spliced.
    keys: Sequence[str | None] | None = None
    #: The items at the positions given (in order), without reading the others.
    pick: Callable[[Sequence[int]], Iterable[Rendered]] | None = None
    #: The hashes of :attr:`keys` (see :func:`feedpub.feeds.key_hashes`), when the caller
    #: made them already (once for the files of every format).
    hashes: bytes | None = None


class ItemMemo:
    """The RSS and Atom items of entries that several feeds carry, made once for all of them.

    An entry is usually in several feeds (the main one and those of its categories, tags and
    author), and making an item with feedgen takes about three quarters of the time of
    writing it. One per build (and per process writing feeds). It keeps only the items of
    the entries it is told are ``repeated`` (keeping an item no other feed asks for only costs
    memory, and slowed a feed of every entry by a tenth), and of those at most about
    ``budget`` characters of content, the items last used."""

    def __init__(self, repeated: Collection[int] = (), budget: int = 8 << 20) -> None:
        #: ``id()`` of each entry (alive during the build) whose items are kept.
        self._repeated = frozenset(repeated)
        self._made: OrderedDict[tuple[str, int], tuple[Rendered, etree._Element]] = OrderedDict()
        self._budget = budget
        self._size = 0

    def get(
        self, kind: str, item: Rendered, make: Callable[[Rendered], etree._Element]
    ) -> etree._Element:
        """The ``kind`` item of ``item``, made by ``make`` unless made already."""
        if id(item.entry) not in self._repeated:
            return make(item)
        key = (kind, id(item.entry))
        found = self._made.get(key)
        if found is not None and found[0] == item:
            self._made.move_to_end(key)
            return found[1]
        element = make(item)
        if found is not None:
            self._drop(key)
        self._made[key] = (item, element)
        self._size += _size(item)
        while self._size > self._budget and len(self._made) > 1:
            self._drop(next(iter(self._made)))
        return element

    def _drop(self, key: tuple[str, int]) -> None:
        self._size -= _size(self._made.pop(key)[0])


def _size(item: Rendered) -> int:
    return len(item.content_html or "") + len(item.summary) + 1000


def stream_feed(
    handle: Recorder,
    head: etree._Element,
    parent: etree._Element,
    items: Iterable[tuple[etree._Element, bool]],
    namespace: str,
    stylesheet: str | None = None,
) -> None:
    """Write the document ``head`` with ``items`` appended to its ``parent`` element, one
    item at a time, indented as feedgen's pretty output; each item comes with whether its
    plain text has a '&' or '<' (see :func:`marked_item`). ``handle`` is told where each
    item's bytes begin and end."""
    depth = len(list(parent.iterancestors())) + 1
    with etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        if stylesheet:
            pi = etree.ProcessingInstruction(
                "xml-stylesheet", f'type="text/xsl" href="{stylesheet}"'
            )
            xf.write(pi)
        _replay(xf, head, parent, items, depth, namespace, handle)


def _replay(
    xf: Any,
    element: etree._Element,
    parent: etree._Element | None = None,
    items: Iterable[tuple[etree._Element, bool]] = (),
    depth: int = 0,
    namespace: str = "",
    recorder: Recorder | None = None,
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
            if element.tag in ("channel", f"{{{ATOM_NS}}}feed") and _marked_up(child, FEED_TEXT):
                xf.write(_plain_text(child, tail=False))  # the feed's title or description
            else:
                _replay(xf, child, parent, items, depth, namespace, recorder)
            if element is parent and index == len(children) - 1:
                closing = child.tail  # the items come before the closing tag's indentation
            elif child.tail:
                xf.write(child.tail)
        if element is parent:
            for item, marked in items:
                xf.write("\n" + "  " * depth)
                etree.indent(item, space="  ", level=depth)
                if recorder is not None:
                    xf.flush()  # (everything before the item in the file: it begins here)
                    recorder.start()
                _write_item(xf, item, namespace, marked)
                if recorder is not None:
                    xf.flush()
                    recorder.end()
            xf.write(closing or "\n" + "  " * (depth - 1))


def _write_item(xf: Any, item: etree._Element, namespace: str = "", marked: bool = False) -> None:
    """Write one item. Elements without a namespace are serialised whole (fast, in C); an
    Atom entry has none (it takes the root's default namespace, as feedgen intends), an RSS
    item a few (content:encoded, dc:creator, media:content), which go through the writer to
    use the root's prefixes. A ``marked`` item's title and categories are written with
    character references (see :func:`_plain_text`)."""
    if not marked and not any("}" in element.tag for element in item.iter()):
        xf.write(item)
        return
    tag = item.tag if "}" in item.tag else namespace + item.tag
    with xf.element(tag, dict(item.attrib)):
        if item.text:
            xf.write(item.text)
        for child in item:
            if "}" in child.tag:
                _replay(xf, child)
            elif marked and _marked_up(child, ITEM_TEXT):
                xf.write(_plain_text(child))  # with its tail
            else:
                xf.write(child)  # its tail (indentation) is written with it


def marked_item(item: Rendered) -> bool:
    """Whether the title or a category or tag of ``item`` has a '&' or '<'."""
    entry = item.entry
    return any("&" in text or "<" in text for text in (item.title, *entry.categories, *entry.tags))


def _marked_up(element: etree._Element, tags: Collection[str]) -> bool:
    """Whether ``element`` is one of ``tags`` and its text has a '&' or '<'."""
    text = element.text
    return element.tag in tags and bool(text) and ("&" in text or "<" in text)


def _plain_text(element: etree._Element, *, tail: bool = True) -> etree._Element:
    """A copy of plain-text ``element`` (a title, description or category) with '&' and '<'
    written as the hexadecimal character references ``&#x26;`` and ``&#x3C;``, as the RSS Best
    Practices Profile asks: validators take "&amp;lt;Valid&amp;gt;" in plain text for HTML
    (W3C: CharacterData in RSS; in Atom, an entity's text), and readers decode references to
    the same text. A copy, written whole (with its tail, if asked): the item's own element
    stays as it is for etree.indent, which would change the whitespace between references.
    The copy's name has no namespace: in Atom, the default namespace of the root is its."""
    copy = etree.Element(etree.QName(element).localname, dict(element.attrib))
    parts = _MARKUP_CHARACTER.split(element.text or "")
    copy.text = parts[0]
    for character, text in zip(parts[1::2], parts[2::2], strict=True):
        reference = etree.Entity("#x26" if character == "&" else "#x3C")
        reference.tail = text
        copy.append(reference)
    copy.tail = element.tail if tail else None
    return copy


class _LinksExtension:
    """The hub and RFC 5005 links, and ``fh:archive``. feedgen writes Atom links itself but
    only the self link into RSS: the others become ``atom:link`` elements of the channel.

    A feedgen extension is any class with the three methods of feedgen's ``BaseExtension``
    (feedgen calls them, and checks no base class): not derived from it, which has no type
    information, so that this class keeps its own."""

    def __init__(self) -> None:
        #: (relation, URL) of each link RSS needs besides the self link.
        self.links: list[tuple[str, str]] = []
        #: Mark the document as an archive document.
        self.archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS} if self.archive else {}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed.find("channel")
        for rel, href in self.links:
            xml_elem(f"{{{ATOM_NS}}}link", channel, href=href, rel=rel)
        if self.archive:
            xml_elem(f"{{{HISTORY_NS}}}archive", channel)
        return feed

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        if self.archive:
            xml_elem(f"{{{HISTORY_NS}}}archive", feed)
        return feed


def make_generator(feed: Feed, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.title(feed.title)
    # feedgen takes the RSS channel <link> from the *last* link added: self first, site last.
    fg.link(href=self_url, rel="self")
    links = [*(("hub", hub) for hub in feed.hubs), *feed.history]
    for rel, href in links:
        fg.link(href=href, rel=rel)
    if links or feed.archive:
        fg.register_extension("history", _LinksExtension)
        fg.history.links = links
        fg.history.archive = feed.archive
    if feed.media:
        fg.register_extension("media", MediaExtension, MediaEntryExtension)
    fg.link(href=feed.home_url, rel="alternate", type="text/html")
    if feed.language:
        fg.language(feed.language)
    fg.generator("feedpub", version=__version__, uri=GENERATOR_URI)
    # Without this feedgen stamps the clock into lastBuildDate/updated.
    fg.updated(feed.updated)
    return fg


def feed_entry(item: Rendered) -> FeedEntry:
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
    image = entry.image
    if image is not None:
        # Media RSS, in RSS and Atom alike; group=None puts them in the item, not a media:group.
        content = {"url": image.url, "medium": "image", "group": None}
        for key, value in (
            ("type", image.type),
            ("fileSize", image.length),
            ("width", image.width),
            ("height", image.height),
        ):
            if value is not None:
                content[key] = str(value)
        fe.register_extension("media", MediaEntryExtension, atom=True, rss=True)
        fe.media.content(content)
        fe.media.thumbnail(url=image.url, group=None)
    return fe


def person_dict(author: Author) -> dict[str, str]:
    person = {"name": author.name}
    if author.email:
        person["email"] = author.email
    if author.uri:
        person["uri"] = author.uri
    return person
