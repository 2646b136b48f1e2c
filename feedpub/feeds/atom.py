"""Atom 1.0 (RFC 4287): the writer (feedgen's Atom, streamed) and the rules ``feedpub check``
applies to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..model import Finding, Rendered
from ._common import (
    ATOM_NS,
    Feed,
    ItemMemo,
    feed_entry,
    make_generator,
    marked_item,
    person_dict,
    stream_feed,
)
from ._lint import (
    ATOM,
    FH_ARCHIVE,
    HISTORY_RELS,
    RFC3339,
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


def write_atom(
    feed: Feed,
    self_url: str,
    handle: BinaryIO,
    memo: ItemMemo | None = None,
    previous: Previous | None = None,
) -> Written | None:
    """Write ``feed`` as Atom 1.0, published at ``self_url``, to ``handle``; items already
    made for another feed are taken from ``memo``; spliced from the earlier file that
    ``previous`` describes where it can (see feedpub/feeds/_splice.py). Returns where each
    item is in the file (when ``feed`` has item keys)."""
    memo = memo or ItemMemo()

    def serialise(feed: Feed, self_url: str, items: Iterable[Rendered], out: Recorder) -> None:
        _serialise_atom(feed, self_url, items, out, memo)

    return write_feed("atom", serialise, feed, self_url, handle, previous)


def _serialise_atom(
    feed: Feed, self_url: str, items: Iterable[Rendered], out: Recorder, memo: ItemMemo
) -> None:
    fg = make_generator(feed, self_url)
    fg.id(feed.feed_id or self_url)
    fg.subtitle(feed.description)
    for author in feed.authors:
        fg.author(person_dict(author))
    head = etree.fromstring(fg.atom_str(pretty=True))
    # feedgen builds Atom entries without a namespace and declares it on the root only.
    elements = ((memo.get("atom", i, _atom_entry), marked_item(i)) for i in items)
    stream_feed(out, head, head, elements, f"{{{ATOM_NS}}}", feed.stylesheet)


def _atom_entry(item: Rendered) -> etree._Element:
    fe = feed_entry(item)
    if item.summary:
        fe.summary(item.summary)
    for author in item.entry.authors:
        fe.author(person_dict(author))
    for media in item.entry.enclosures:
        link = {"href": media.url, "rel": "enclosure", "type": media.type}
        if media.length is not None:
            link["length"] = str(media.length)
        if media.title:
            link["title"] = media.title
        fe.link(link)
    element = fe.atom_entry()
    # feedgen 1.0 writes only the href of an entry's links (lkiesow/python-feedgen#135), so an
    # enclosure would read as an alternate link: put back what it dropped.
    for written, data in zip(element.iter("link"), fe.link(), strict=True):
        for key in ("rel", "type", "hreflang", "title", "length"):
            if data.get(key):
                written.set(key, data[key])
    return element


def lint_atom(data: bytes, path: Path, self_url: str) -> list[Finding]:
    """Check Atom 1.0 bytes (published at ``self_url``) against RFC 4287's rules."""
    root, found = parse_xml(data, path)
    if root is None:
        return found
    if root.tag != f"{ATOM}feed":
        return [finding("FP302", "no Atom <feed>", path, 1)]
    source = Source(data)
    found += _atom_feed_findings(root, source, path, self_url)
    feed_author = root.find(f"{ATOM}author") is not None
    ids: set[str] = set()
    for entry in root.findall(f"{ATOM}entry"):
        found += _atom_entry_findings(entry, source, path, feed_author, ids)
    return found


def _atom_feed_findings(
    root: etree._Element, source: Source, path: Path, self_url: str
) -> list[Finding]:
    """The feed's required elements and links, and every date and IRI in the document."""
    found: list[Finding] = []
    line = root.sourceline
    for tag in ("id", "title", "updated"):
        if not (root.findtext(f"{ATOM}{tag}") or "").strip():
            found.append(finding("FP302", f"feed has no {tag}", path, line))
    for element in (*root.findall(f"{ATOM}title"), *root.findall(f"{ATOM}subtitle")):
        found += _atom_text_findings(element, source, path)
    links = root.findall(f"{ATOM}link")
    if not any(link.get("rel") == "self" and link.get("href") == self_url for link in links):
        found.append(finding("FP302", f"feed has no link rel=self to {self_url}", path, line))
    found += link_findings(links, root.find(FH_ARCHIVE) is not None, path, line)
    for element in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not RFC3339.match(element.text or ""):
            tag = element.tag.removeprefix(ATOM)
            found.append(
                finding(
                    "FP304", f"{tag} {element.text!r} is not RFC 3339", path, element.sourceline
                )
            )
    for element in root.iter(f"{ATOM}link", f"{ATOM}id", f"{ATOM}uri"):
        value = element.get("href") if element.tag == f"{ATOM}link" else element.text
        if not is_absolute(value):
            tag = element.tag.removeprefix(ATOM)
            found.append(
                finding(
                    "FP303", f"{tag} {value!r} is not an absolute IRI", path, element.sourceline
                )
            )
    return found


def _atom_entry_findings(
    entry: etree._Element, source: Source, path: Path, feed_author: bool, ids: set[str]
) -> list[Finding]:
    """One entry's findings; ``ids`` holds the ids of the entries before it (and gets its)."""
    found: list[Finding] = []
    line = entry.sourceline
    for tag in ("id", "title", "updated"):
        if not (entry.findtext(f"{ATOM}{tag}") or "").strip():
            found.append(finding("FP302", f"entry has no {tag}", path, line))
    if not feed_author and entry.find(f"{ATOM}author") is None:
        found.append(finding("FP302", "entry has no author, and the feed has none", path, line))
    entry_id = entry.findtext(f"{ATOM}id") or ""
    if entry_id in ids:
        found.append(finding("FP305", f"id {entry_id} appears twice", path, line))
    ids.add(entry_id)
    for element in entry.findall(f"{ATOM}title"):
        found += _atom_text_findings(element, source, path)
    content = entry.find(f"{ATOM}content")
    if content is not None and content.get("type") == "html" and content.text:
        found += html_findings(content.text, path, line)
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == "enclosure":
            found += enclosure_findings(
                link.get("href"), link.get("type"), link.get("length"), False, path, line
            )
        elif link.get("rel") in HISTORY_RELS or link.get("rel") == "hub":
            found.append(finding("FP310", f"link rel={link.get('rel')} in an entry", path, line))
    found += media_findings(entry, path)
    return found


def _atom_text_findings(element: etree._Element, source: Source, path: Path) -> list[Finding]:
    if element.get("type", "text") != "text":
        return []
    what = element.tag.removeprefix(ATOM)
    return plain_text_findings(
        element.text, what, path, element.sourceline, referenced=source.referenced(element)
    )
