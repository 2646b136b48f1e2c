"""The rules ``feedpub check`` (and every build, before it writes) applies to feeds: findings,
and the checks shared by the formats (URLs, HTML in content, plain text, enclosures, Media RSS).

They are our own reading of RSS 2.0 (RSS Advisory Board profile), RFC 4287 and JSON Feed 1.1,
the rules public validators apply; they check feedpub's own output, so a finding in the FP3xx
range on a site without ``sanitize = false`` is a feedpub bug to report.
"""

from __future__ import annotations

import html as html_module
import re
from collections import defaultdict
from collections.abc import Callable
from html.entities import name2codepoint
from pathlib import Path

from lxml import etree

from ..errors import CODES, BuildErrors, BuildWarning, FeedpubError
from ..model import Entry, Finding, Rendered
from ..render import srcset_candidates

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
MEDIA = "{http://search.yahoo.com/mrss/}"
FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"
#: RFC 5005 relations feedpub writes: archive documents have all three, the main feed only
#: prev-archive.
HISTORY_RELS = ("current", "prev-archive", "next-archive")

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
MIME = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")
WEB_URL = re.compile(r"^https?://[^/\s]+")
RSS_AUTHOR = re.compile(r"^[^@\s()]+@[^@\s()]+\.[^@\s()]+( \([^()]+\))?$")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# In HTML: where an attribute's value begins (after 'name=' and its quote), the attribute's
# name before the '=', and a tag from its '<' up to an attribute's name. Only what is inside
# a tag is an attribute: a code block showing '<img src="logo.png">' holds text.
_VALUE_START = re.compile(r"""=\s*(["'])""")
_NAME_BEFORE = re.compile(r"[-\w:.]+\s*$")
_IN_TAG = re.compile(
    r"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s+"""
)
_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset"})
_SCRIPT = re.compile(r"<script[\s>/]", re.I)
# What validators take for HTML in plain text (W3C: ContainsHTML, CharacterData): an end tag,
# always; an entity's or a character reference's text, and in RSS '<' before a letter or '/',
# unless the element's lines use hexadecimal character references (the RSS Best Practices
# Profile's way to write '&' and '<' in plain text, which feedpub's RSS does).
_END_TAG = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")
_ENTITY_TEXT = re.compile(r"&(#?\w+)")
_RSS_MARKUP = re.compile(r"&#[xX0-9]|<[/A-Za-z]")
# In HTML rendered with source positions: a block's first line, or a link's target.
_POSITION_OR_LINK = re.compile(r'data-sourcepos="(\d+):|\bhref="([^"]*)"')


def finding(code: str, message: str, path: Path | None = None, line: int | None = None) -> Finding:
    """A :class:`Finding` with the severity its code has."""
    return Finding(code, CODES[code][0], message, path, line)


def from_problem(problem: FeedpubError | BuildWarning) -> list[Finding]:
    """Findings for an error (or each of a :class:`BuildErrors`) or a warning."""
    if isinstance(problem, BuildErrors):
        return [f for e in problem.errors for f in from_problem(e)]
    return [finding(problem.code, problem.message, problem.path, problem.line)]


def summary_findings(entry: Entry, summary: str) -> list[Finding]:
    """FP202 when ``entry`` gives no summary and the one made from its body is empty."""
    if entry.summary is not None or summary:
        return []
    return [
        finding(
            "FP202",
            "no summary, and the body has no text to make one from; add 'summary: ...'",
            entry.path,
            1,
        )
    ]


def item_findings(item: Rendered) -> list[Finding]:
    """The rules :func:`lint_rss`, :func:`lint_atom` and :func:`lint_json` apply to an item,
    applied to what feedpub writes into it, about the entry's file (none for a term of a
    term-list feed, which is checked as its feed is written)."""
    entry = item.entry
    if not isinstance(entry, Entry):
        return []
    path = entry.path
    found = summary_findings(entry, item.summary)
    found += title_findings(item.title, path, entry.line_of("title"))
    for term in (*entry.categories, *entry.tags):
        found += plain_text_findings(term, "category", path, entry.line_of("categories", "tags"))
    if item.content_html:
        found += html_findings(item.content_html, path, None)
    for what, url in (("link", entry.link), ("id", entry.id)):
        if not is_absolute(url):
            found.append(finding("FP303", f"item {what} {url!r} is not an absolute URL", path))
    for media in entry.enclosures:
        found += enclosure_findings(
            media.url,
            media.type,
            None if media.length is None else str(media.length),
            False,
            path,
            None,
        )
        if not WEB_URL.match(media.url):
            found.append(finding("FP303", f"enclosure URL {media.url!r} is not absolute", path))
    if entry.image is not None and not WEB_URL.match(entry.image.url):
        found.append(finding("FP303", f"image URL {entry.image.url!r} is not absolute", path))
    return found


# --------------------------------------------------------------------------- built feeds


def parse_xml(data: bytes, path: Path) -> tuple[etree._Element | None, list[Finding]]:
    try:
        return etree.fromstring(data), []
    except etree.XMLSyntaxError as e:
        return None, [finding("FP301", f"not well-formed XML: {e.msg}", path, e.lineno)]


def is_absolute(url: str | None) -> bool:
    return bool(url) and bool(_ABSOLUTE.match(url or ""))


def html_findings(html: str, path: Path, line: int | None) -> list[Finding]:
    """Relative URLs (FP303) and scripts, event handlers or ``javascript:`` URLs (FP308) in
    the attributes of HTML ``html``. Fast on large feeds: only values that do not begin with
    ``http`` are looked at more closely."""
    found = []
    unsafe = bool(_SCRIPT.search(html))
    for match in _VALUE_START.finditer(html):
        equals, begin = match.start(), match.end()
        srcset = html.endswith("srcset", 0, equals)
        if not srcset and html.startswith(("https://", "http://"), begin):
            continue
        name = _NAME_BEFORE.search(html, max(0, equals - 24), equals)
        if name is None:
            continue
        key = name.group().rstrip().lower()
        handler = key.startswith("on") and len(key) > 2
        if key not in _URL_ATTRIBUTES and not handler:
            continue
        end = html.find(match.group(1), begin)
        value = html[begin : end if end >= 0 else len(html)]
        value = html_module.unescape(value) if "&" in value else value
        if handler:
            urls = []
        elif srcset:
            urls = [url for url, _ in srcset_candidates(value)]
        else:
            urls = [value.strip()]
        bad = handler or any(u.lower().startswith("javascript:") for u in urls)
        relative = [u for u in urls if u and not is_absolute(u)]
        if (bad or relative) and _in_tag(html, name.start()):
            unsafe = unsafe or bad
            found += [
                finding("FP303", f"relative URL '{url}' in content", path, line)
                for url in relative
                if not url.lower().startswith("javascript:")
            ]
    if unsafe:
        found.append(
            finding("FP308", "content has a script, event handler or javascript: URL", path, line)
        )
    return found


def _in_tag(html: str, start: int) -> bool:
    """Whether position ``start`` of ``html`` is inside a tag (where an attribute's name may
    begin), not in text. A '<' in an earlier attribute's value is passed over."""
    opening = start
    for _ in range(3):
        opening = html.rfind("<", 0, opening)
        if opening < 0:
            return False
        if _IN_TAG.fullmatch(html, opening, start):
            return True
    return False


def plain_text_findings(
    text: str | None,
    what: str,
    path: Path,
    line: int | None,
    *,
    rss: bool = False,
    referenced: Callable[[], bool] = lambda: True,
) -> list[Finding]:
    """FP307 when plain ``text`` (a title, description or category) would draw a validator's
    "contains HTML" warning: always for an end tag; for an entity's text (``&amp;``, ``&#65;``)
    and, in RSS, '<' before a letter or '/', unless ``referenced()`` says the element's lines
    use hexadecimal character references."""
    if not text or ("<" not in text and "&" not in text):
        return []
    looks = bool(_END_TAG.search(text))
    if not looks:
        entities = _ENTITY_TEXT.findall(text)
        looks = (
            any(not e.isalpha() or e in name2codepoint or e == "apos" for e in entities)
            or (rss and bool(_RSS_MARKUP.search(text)))
        ) and not referenced()
    if not looks:
        return []
    return [
        finding(
            "FP307", f"{what} {text!r} looks like HTML to feed validators; reword it", path, line
        )
    ]


class Source:
    """The lines of a feed's bytes, split only when a finding needs them."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[bytes] | None = None

    def referenced(self, element: etree._Element) -> Callable[[], bool]:
        """Whether the lines ``element``'s text is on hold a hexadecimal character reference."""

        def answer() -> bool:
            if self._lines is None:
                self._lines = self._data.split(b"\n")
            first = (element.sourceline or 1) - 1
            last = first + (element.text or "").count("\n") + 1
            return any(b"&#x" in line for line in self._lines[first:last])

        return answer


def title_findings(title: str | None, path: Path, line: int | None) -> list[Finding]:
    """A JSON Feed title: plain text, where only an end tag looks like HTML to readers."""
    return plain_text_findings(title, "title", path, line)


def link_findings(
    links: list[etree._Element], archive: bool, path: Path, line: int | None
) -> list[Finding]:
    """The hub and RFC 5005 links of a feed: absolute, and the ones its kind of document has."""
    found = []
    rels: dict[str, int] = defaultdict(int)
    for link in links:
        rel = link.get("rel", "alternate")
        rels[rel] += 1
        if rel in ("hub", *HISTORY_RELS) and not WEB_URL.match(link.get("href") or ""):
            found.append(
                finding(
                    "FP303", f"{rel} link {link.get('href')!r} is not an absolute URL", path, line
                )
            )
    for rel in HISTORY_RELS:
        if rels[rel] > 1:
            found.append(finding("FP310", f"{rels[rel]} links rel={rel}; one at most", path, line))
    if archive:
        if not rels["current"]:
            found.append(finding("FP310", "archive document has no link rel=current", path, line))
        if not rels["prev-archive"] and not rels["next-archive"]:
            found.append(
                finding("FP310", "archive document links to no other archive document", path, line)
            )
    else:
        for rel in ("current", "next-archive"):
            if rels[rel]:
                found.append(
                    finding("FP310", f"link rel={rel} in a feed that is no fh:archive", path, line)
                )
    return found


def enclosure_findings(
    url: str | None,
    kind: str | None,
    length: str | None,
    rss: bool,
    path: Path,
    line: int | None,
) -> list[Finding]:
    """An RSS enclosure (every attribute required) or an Atom enclosure link (type and length
    optional; its href is checked with every other link)."""
    found = []
    if rss and not WEB_URL.match(url or ""):
        found.append(finding("FP303", f"enclosure URL {url!r} is not an absolute URL", path, line))
    if (kind is not None or rss) and not MIME.match(kind or ""):
        found.append(finding("FP309", f"enclosure type {kind!r} is not a media type", path, line))
    if (length is not None or rss) and not (length or "").isdigit():
        found.append(
            finding("FP309", f"enclosure length {length!r} is not a number of bytes", path, line)
        )
    return found


def media_findings(item: etree._Element, path: Path) -> list[Finding]:
    """Media RSS elements (featured images), in an RSS item or an Atom entry."""
    found = []
    for element in item.iter(f"{MEDIA}content", f"{MEDIA}thumbnail"):
        tag = "media:" + element.tag.removeprefix(MEDIA)
        line = element.sourceline
        if not WEB_URL.match(element.get("url") or ""):
            found.append(finding("FP303", f"{tag} url is not an absolute URL", path, line))
        kind, size = element.get("type"), element.get("fileSize")
        if kind is not None and not MIME.match(kind):
            found.append(finding("FP309", f"{tag} type {kind!r} is not a media type", path, line))
        if size is not None and not size.isdigit():
            found.append(finding("FP309", f"{tag} fileSize {size!r} is not a number", path, line))
    return found
