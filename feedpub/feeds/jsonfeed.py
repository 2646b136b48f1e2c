"""JSON Feed 1.1: the writer (the json module, items streamed) and the rules ``feedpub check``
applies to it.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ..model import Author, Finding, Media, Rendered
from ._common import JSON_FEED_VERSION, Feed
from ._lint import MIME, RFC3339, WEB_URL, finding, html_findings, is_absolute, title_findings
from ._splice import Previous, Recorder, Written, write_feed


def write_json(
    feed: Feed, self_url: str, handle: BinaryIO, previous: Previous | None = None
) -> Written | None:
    """Write ``feed`` as JSON Feed 1.1, published at ``self_url``, to ``handle``; spliced
    from the earlier file that ``previous`` describes where it can (see
    feedpub/feeds/_splice.py). Returns where each item is in the file (when ``feed`` has item
    keys)."""
    return write_feed("json", _serialise_json, feed, self_url, handle, previous)


def _serialise_json(feed: Feed, self_url: str, items: Iterable[Rendered], out: Recorder) -> None:
    """The document is written item by item, so a feed of every entry is never held in
    memory whole: its head and tail, and the separator between items, from the document
    encoded (by the stdlib encoder) with two stand-in items; each item encoded as it stands
    in the document (see :func:`_item_bytes`)."""
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
    if feed.hubs:
        document["hubs"] = [{"type": "WebSub", "url": hub} for hub in feed.hubs]
    encoder = json.JSONEncoder(ensure_ascii=False, indent=1)
    iterator = iter(items)
    first = next(iterator, None)
    if first is None:
        document["items"] = []
        out.write((encoder.encode(document) + "\n").encode("utf-8"))
        return
    # Two stand-ins no text can contain: what is around and between them is the frame.
    stand_ins = [secrets.token_hex(16), secrets.token_hex(16)]
    document["items"] = stand_ins
    text = encoder.encode(document) + "\n"
    one, two = (json.dumps(s) for s in stand_ins)
    head, rest = text.split(one, 1)
    separator, tail = rest.split(two, 1)
    out.write(head.encode("utf-8"))
    for number, item in enumerate(itertools.chain([first], iterator)):
        if number:
            out.write(separator.encode("utf-8"))
        data = _item_bytes(_json_item(item), encoder)
        out.start()
        out.write(data)
        out.end()
    out.write(tail.encode("utf-8"))


#: What starts each line of orjson's output: a line break and the indentation (2 spaces a level).
_INDENTATION = re.compile(rb"\n((?:  )*)")


def _item_bytes(item: dict[str, Any], encoder: json.JSONEncoder) -> bytes:
    """``item`` as ``encoder`` (the stdlib's, ``indent=1``, ``ensure_ascii=False``) writes it
    at its depth in the document (two levels down: the first line unindented, the others
    indented by two more spaces), encoded in UTF-8.

    With ``indent`` the stdlib encodes in Python; orjson (in C) writes the same tokens, a
    fifth of the time on a feed of every entry: strings escaped as the stdlib's escapes them
    without ``ensure_ascii`` (a test compares them on every character), keys in order, the
    same separators. Its line breaks are all between tokens (one in a string is written
    ``\\n``), so the indentation alone differs: two spaces a level, made one here. A value orjson
    refuses (a lone surrogate, an integer beyond 64 bits) goes through the stdlib encoder."""
    try:
        data = orjson.dumps(item, option=orjson.OPT_INDENT_2)
    except TypeError:  # (orjson.JSONEncodeError)
        text = encoder.encode({"items": [item]})
        return text[_BEFORE : len(text) - _AFTER].encode("utf-8")
    return _INDENTATION.sub(_one_space_a_level, data)


def _one_space_a_level(match: re.Match[bytes]) -> bytes:
    return b"\n  " + b" " * (len(match.group(1)) // 2)


# The stdlib encoder's item inside {"items": [item]}: what is before and after it there.
_BEFORE = len('{\n "items": [\n  ')
_AFTER = len("\n ]\n}")


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
    if entry.image:
        data["image"] = entry.image.url
    if entry.enclosures:
        data["attachments"] = [_json_attachment(m) for m in entry.enclosures]
    return data


def _json_attachment(media: Media) -> dict[str, Any]:
    attachment: dict[str, Any] = {"url": media.url, "mime_type": media.type}
    if media.title:
        attachment["title"] = media.title
    if media.length is not None:
        attachment["size_in_bytes"] = media.length
    return attachment


def _json_person(author: Author) -> dict[str, str]:
    # JSON Feed authors have a name and a URL (of a page of theirs), no e-mail.
    person = {"name": author.name}
    if author.uri:
        person["url"] = author.uri
    return person


def lint_json(data: bytes, path: Path, self_url: str) -> list[Finding]:
    """Check JSON Feed 1.1 bytes (published at ``self_url``) against the spec's rules."""
    try:
        document = json.loads(data)
    except ValueError as e:
        return [finding("FP301", f"not valid JSON: {e}", path, getattr(e, "lineno", None))]
    if not isinstance(document, dict):
        return [finding("FP302", "a JSON Feed is an object", path, 1)]
    found = []
    if document.get("version") != "https://jsonfeed.org/version/1.1":
        found.append(finding("FP302", "version is not https://jsonfeed.org/version/1.1", path))
    if not document.get("title"):
        found.append(finding("FP302", "feed has no title", path))
    found += title_findings(str(document.get("title") or ""), path, None)
    if document.get("feed_url") != self_url:
        found.append(finding("FP302", f"feed_url is not {self_url}", path))
    for key in ("home_page_url", "feed_url"):
        if key in document and not is_absolute(document[key]):
            found.append(finding("FP303", f"{key} is not an absolute URL", path))
    hubs = document.get("hubs", [])
    for hub in hubs if isinstance(hubs, list) else [hubs]:
        if not isinstance(hub, dict) or not hub.get("type") or not hub.get("url"):
            found.append(finding("FP302", "each of hubs needs a type and a url", path))
        elif not WEB_URL.match(str(hub["url"])):
            found.append(finding("FP303", f"hub url {hub['url']!r} is not an absolute URL", path))
    items = document.get("items")
    if not isinstance(items, list):
        return [*found, finding("FP302", "feed has no items list", path)]
    ids: set[str] = set()
    for index, item in enumerate(items):
        where = f"item {index + 1}"
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str) or not item_id:
            found.append(finding("FP302", f"{where} has no id (a string)", path))
            continue
        if item_id in ids:
            found.append(finding("FP305", f"id {item_id} appears twice", path))
        ids.add(item_id)
        if "content_html" not in item and "content_text" not in item:
            found.append(
                finding("FP302", f"{where} has neither content_html nor content_text", path)
            )
        if "url" in item and not is_absolute(item["url"]):
            found.append(finding("FP303", f"{where} url is not an absolute URL", path))
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.match(str(item[key])):
                found.append(finding("FP304", f"{where} {key} is not RFC 3339", path))
        if item.get("content_html"):
            found += html_findings(item["content_html"], path, None)
        found += title_findings(item.get("title"), path, None)
        if "image" in item and not WEB_URL.match(str(item["image"])):
            found.append(finding("FP303", f"{where} image is not an absolute URL", path))
        found += _attachment_findings(item.get("attachments", []), where, path)
    return found


def _attachment_findings(attachments: Any, where: str, path: Path) -> list[Finding]:
    """JSON Feed attachments: each an object with a url and a mime_type (both required)."""
    if not isinstance(attachments, list):
        return [finding("FP309", f"{where} attachments is not a list", path)]
    found = []
    for attachment in attachments:
        if not isinstance(attachment, dict) or "url" not in attachment:
            found.append(finding("FP302", f"{where} has an attachment without url", path))
            continue
        if not WEB_URL.match(str(attachment["url"])):
            found.append(finding("FP303", f"{where} attachment url is not absolute", path))
        if not MIME.match(str(attachment.get("mime_type", ""))):
            found.append(finding("FP309", f"{where} attachment has no valid mime_type", path))
        size = attachment.get("size_in_bytes")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            found.append(finding("FP309", f"{where} attachment size_in_bytes is wrong", path))
    return found
