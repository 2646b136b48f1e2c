"""``feedpub check``: every build error plus warnings, and the built feeds against the specs.

Nothing is written. The feed rules here are our own reading of RSS 2.0 (RSS Advisory Board
profile) and RFC 4287, the ones public validators apply; they check feedpub's own output, so a
finding in the FP3xx range on a site without ``sanitize = false`` is a feedpub bug to report.
"""

from __future__ import annotations

import html as html_module
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from html.entities import name2codepoint
from pathlib import Path
from typing import Any

from lxml import etree

from .build import (
    ATOM_NAME,
    JSON_NAME,
    RSS_NAME,
    FeedPlan,
    archive_changes,
    carried,
    current_time,
    feed_outputs,
    id_changes,
    plan_feeds,
    render_into,
    rendered_items,
    scan_all,
)
from .cache import Cache
from .config import Site
from .entry import Entry, read_body
from .errors import CODES, BuildErrors, BuildWarning, FeedpubError, display_path, located
from .output import Content
from .render import Rendered, derive_summary, srcset_candidates
from .templates import convert

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
MEDIA = "{http://search.yahoo.com/mrss/}"
FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"
#: RFC 5005 relations feedpub writes: archive documents have all three, the main feed only
#: prev-archive.
HISTORY_RELS = ("current", "prev-archive", "next-archive")

_RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)$"
)
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_MIME = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")
_WEB_URL = re.compile(r"^https?://[^/\s]+")
_RSS_AUTHOR = re.compile(r"^[^@\s()]+@[^@\s()]+\.[^@\s()]+( \([^()]+\))?$")
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


@dataclass(frozen=True)
class Finding:
    """One thing ``feedpub check`` reports."""

    #: Stable code, e.g. ``FP105`` (see :data:`feedpub.errors.CODES`).
    code: str
    #: ``error`` or ``warning``.
    severity: str
    #: What is wrong and how to fix it.
    message: str
    #: The file it is about, if any.
    path: Path | None = None
    #: The 1-based line in that file, where known.
    line: int | None = None

    def __str__(self) -> str:
        return located(f"{self.severity} {self.code}: {self.message}", self.path, self.line)

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready object."""
        return {
            "code": self.code,
            "severity": self.severity,
            "path": display_path(self.path) if self.path is not None else None,
            "line": self.line,
            "message": self.message,
        }


def finding(code: str, message: str, path: Path | None = None, line: int | None = None) -> Finding:
    """A :class:`Finding` with the severity its code has."""
    return Finding(code, CODES[code][0], message, path, line)


def from_problem(problem: FeedpubError | BuildWarning) -> list[Finding]:
    """Findings for an error (or each of a :class:`BuildErrors`) or a warning."""
    if isinstance(problem, BuildErrors):
        return [f for e in problem.errors for f in from_problem(e)]
    return [finding(problem.code, problem.message, problem.path, problem.line)]


def check(
    site: Site, *, drafts: bool = False, future: bool = False, now: datetime | None = None
) -> list[Finding]:
    """Every problem and warning of ``site``, in file order; writes nothing."""
    # A throw-away cache: check writes nothing, not even the cache.
    with Cache.open(site, enabled=False) as cache:
        try:
            scanned = scan_all(site, cache)
        except FeedpubError as e:
            return from_problem(e)
        entries = list(scanned.entries)
        found: list[FeedpubError | BuildWarning] = [*scanned.problems, *scanned.warnings]
        findings = [f for p in found for f in from_problem(p)]
        findings += [f for w in id_changes(site, scanned.entries) for f in from_problem(w)]
        findings += _entry_findings(site, entries, future=future, now=now)
        if not scanned.problems:
            try:
                plans = plan_feeds(site, scanned.entries, drafts=drafts, future=future, now=now)
            except FeedpubError as e:
                plans = []
                findings += from_problem(e)
            findings += [f for w in archive_changes(site, plans) for f in from_problem(w)]
            render_into(site, carried(plans), scanned.digests, cache, None)
            outputs = feed_outputs(site, scanned.entries, plans, scanned.digests, cache)
            linters = {RSS_NAME: lint_rss, ATOM_NAME: lint_atom, JSON_NAME: lint_json}
            for name, write in outputs.items():
                if name.rsplit("/", 1)[-1] not in linters:
                    continue
                buffer = io.BytesIO()
                write(buffer)  # type: ignore[operator]
                lint = linters[name.rsplit("/", 1)[-1]]
                findings += lint(buffer.getvalue(), site.output / name, site.base_url + name)
    return sorted(findings, key=lambda f: (str(f.path or ""), f.line or 0, f.code, f.message))


# --------------------------------------------------------------------------- build


def check_written(
    site: Site,
    plans: list[FeedPlan],
    outputs: dict[str, Content | None],
    digests: Mapping[Path, str],
    cache: Cache,
    names: Mapping[Path, str],
    verified: Container[Path] = (),
) -> dict[str, list[BuildWarning]]:
    """What ``check`` says of the feeds a build is about to write (the ``outputs`` that are
    not ``None``), from the same rules: each feed's document without its items, by
    :func:`lint_rss`, :func:`lint_atom` or :func:`lint_json`, and each item it carries once,
    on the values written into it (:func:`item_findings`), which costs far less than reading
    every item of every feed back; but not the items of the entries ``verified`` (by path)
    as they are, which the last build checked. Raises :class:`BuildErrors` with the errors
    (the build then writes nothing); returns the warnings by ``feed:`` and the feed file's
    name, and by ``entry:`` and the entry file's name in ``names``, with an empty list for
    each one checked that has none."""
    import dataclasses

    linters = {RSS_NAME: lint_rss, ATOM_NAME: lint_atom, JSON_NAME: lint_json}
    found: dict[str, list[Finding]] = {}
    written = [plan for plan in plans if any(outputs.get(n) is not None for n in plan.names)]
    for plan in written:
        for name in plan.names:
            write = outputs.get(name)
            if not isinstance(write, partial):
                continue
            feed, url = write.args[0], write.args[1]
            head = io.BytesIO()
            write.func(dataclasses.replace(feed, items=tuple), url, head)
            lint = linters[name.rsplit("/", 1)[-1]]
            found[f"feed:{name}"] = lint(head.getvalue(), site.output / name, url)
    unverified = [e for e in carried(written) if e.path not in verified]
    for item in rendered_items(site, unverified, digests, cache)():
        found[f"entry:{names[item.entry.path]}"] = item_findings(item)
    errors = [f for findings in found.values() for f in findings if f.severity == "error"]
    if errors:
        raise BuildErrors(FeedpubError(f.message, f.path, f.line, f.code) for f in errors)
    return {
        key: [BuildWarning(f.code, f.message, f.path, f.line) for f in findings]
        for key, findings in found.items()
    }


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
    applied to what feedpub writes into it, about the entry's file."""
    entry = item.entry
    path = entry.path
    found = summary_findings(entry, item.summary)
    found += _title_findings(item.title, path, entry.line_of("title"))
    for term in (*entry.categories, *entry.tags):
        found += _plain_text_findings(term, "category", path, entry.line_of("categories", "tags"))
    if item.content_html:
        found += _html_findings(item.content_html, path, None)
    for what, url in (("link", entry.link), ("id", entry.id)):
        if not _absolute(url):
            found.append(finding("FP303", f"item {what} {url!r} is not an absolute URL", path))
    for media in entry.enclosures:
        found += _enclosure_findings(
            media.url,
            media.type,
            None if media.length is None else str(media.length),
            False,
            path,
            None,
        )
        if not _WEB_URL.match(media.url):
            found.append(finding("FP303", f"enclosure URL {media.url!r} is not absolute", path))
    if entry.image is not None and not _WEB_URL.match(entry.image.url):
        found.append(finding("FP303", f"image URL {entry.image.url!r} is not absolute", path))
    return found


# --------------------------------------------------------------------------- entries


def _entry_findings(
    site: Site, entries: list[Entry], *, future: bool, now: datetime | None
) -> list[Finding]:
    found: list[Finding] = []
    now = now or current_time()
    spellings: dict[str, dict[str, Entry]] = defaultdict(dict)
    for e in entries:
        for term in (*e.categories, *e.tags):
            spellings[term.casefold()].setdefault(term, e)
    for variants in spellings.values():
        if len(variants) < 2:
            continue
        (first, first_entry), *others = variants.items()
        for term, e in others:
            keys = ("categories", "category") if term in e.categories else ("tags",)
            found.append(
                finding(
                    "FP204",
                    f"'{term}' is also spelled '{first}' (in {first_entry.path.name}); readers "
                    "will show two categories. Use one spelling",
                    e.path,
                    e.line_of(*keys),
                )
            )
    for e in entries:
        shown = e.publish_date or e.date
        if shown > now and not e.draft and not future:
            found.append(
                finding(
                    "FP205",
                    f"dated {shown.isoformat()}, in the future: left out of the feeds until "
                    "then (build with --future to include it)",
                    e.path,
                    e.line_of("date"),
                )
            )
        if not e.authors:
            found.append(
                finding(
                    "FP209",
                    "no author, and the site sets none; add 'author: Name <email>' here or "
                    "'author' in the configuration",
                    e.path,
                    1,
                )
            )
        if e.summary is None:
            body = read_body(e, site)
            if site.dialect != "feedpub":
                body = convert(body, site)[0]
            separator = e.excerpt_separator or site.excerpt_separator
            summary = derive_summary(body, None, site.summary_length, separator)
            found += summary_findings(e, summary)
    return found


# --------------------------------------------------------------------------- built feeds


def _parse(data: bytes, path: Path) -> tuple[etree._Element | None, list[Finding]]:
    try:
        return etree.fromstring(data), []
    except etree.XMLSyntaxError as e:
        return None, [finding("FP301", f"not well-formed XML: {e.msg}", path, e.lineno)]


def _absolute(url: str | None) -> bool:
    return bool(url) and bool(_ABSOLUTE.match(url or ""))


def _html_findings(html: str, path: Path, line: int | None) -> list[Finding]:
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
        relative = [u for u in urls if u and not _absolute(u)]
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


def _plain_text_findings(
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


class _Source:
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


def _title_findings(title: str | None, path: Path, line: int | None) -> list[Finding]:
    """A JSON Feed title: plain text, where only an end tag looks like HTML to readers."""
    return _plain_text_findings(title, "title", path, line)


def lint_rss(data: bytes, path: Path, self_url: str) -> list[Finding]:
    """Check RSS 2.0 bytes (published at ``self_url``) against the spec rules feedpub keeps."""
    root, found = _parse(data, path)
    if root is None:
        return found
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [finding("FP302", "no <rss><channel>", path, 1)]
    line = channel.sourceline
    source = _Source(data)
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
    if not _absolute(channel.findtext("link")):
        found.append(finding("FP303", "channel link is not an absolute URL", path, line))
    found += _link_findings(
        channel.findall(f"{ATOM}link"), channel.find(FH_ARCHIVE) is not None, path, line
    )
    for date in channel.iter("lastBuildDate", "pubDate"):
        if not _RFC822.match(date.text or ""):
            found.append(
                finding("FP304", f"{date.tag} {date.text!r} is not RFC 822", path, date.sourceline)
            )
    guids: dict[str, int] = {}
    for item in channel.findall("item"):
        line = item.sourceline
        title = item.findtext("title")
        if not title and not item.findtext("description"):
            found.append(finding("FP302", "item has neither title nor description", path, line))
        for element in (*item.findall("title"), *item.findall("category")):
            found += _rss_text_findings(element, source, path)
        if not _absolute(item.findtext("link")):
            found.append(finding("FP303", "item link is not an absolute URL", path, line))
        guid = item.find("guid")
        if guid is not None:
            if guid.text in guids:
                found.append(finding("FP305", f"guid {guid.text} appears twice", path, line))
            guids[guid.text or ""] = line
            if guid.get("isPermaLink", "true") == "true" and not _absolute(guid.text):
                found.append(finding("FP303", "permalink guid is not an absolute URL", path, line))
        authors = item.findall("author")
        for author in authors:
            if not _RSS_AUTHOR.match(author.text or ""):
                found.append(
                    finding("FP306", f"author {author.text!r} is not an e-mail address", path, line)
                )
        if authors and item.find(DC_CREATOR) is not None:
            found.append(finding("FP306", "item has both author and dc:creator", path, line))
        for markup in (item.findtext(CONTENT_ENCODED), item.findtext("description")):
            if markup:
                found += _html_findings(markup, path, line)
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            found.append(
                finding(
                    "FP309", f"item has {len(enclosures)} enclosures; RSS allows one", path, line
                )
            )
        for enclosure in enclosures:
            found += _enclosure_findings(
                enclosure.get("url"),
                enclosure.get("type"),
                enclosure.get("length"),
                True,
                path,
                line,
            )
        found += _media_findings(item, path)
    return found


def _rss_text_findings(element: etree._Element, source: _Source, path: Path) -> list[Finding]:
    what = "channel description" if element.tag == "description" else element.tag
    return _plain_text_findings(
        element.text,
        what,
        path,
        element.sourceline,
        rss=True,
        referenced=source.referenced(element),
    )


def _link_findings(
    links: list[etree._Element], archive: bool, path: Path, line: int | None
) -> list[Finding]:
    """The hub and RFC 5005 links of a feed: absolute, and the ones its kind of document has."""
    found = []
    rels: dict[str, int] = defaultdict(int)
    for link in links:
        rel = link.get("rel", "alternate")
        rels[rel] += 1
        if rel in ("hub", *HISTORY_RELS) and not _WEB_URL.match(link.get("href") or ""):
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


def _enclosure_findings(
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
    if rss and not _WEB_URL.match(url or ""):
        found.append(finding("FP303", f"enclosure URL {url!r} is not an absolute URL", path, line))
    if (kind is not None or rss) and not _MIME.match(kind or ""):
        found.append(finding("FP309", f"enclosure type {kind!r} is not a media type", path, line))
    if (length is not None or rss) and not (length or "").isdigit():
        found.append(
            finding("FP309", f"enclosure length {length!r} is not a number of bytes", path, line)
        )
    return found


def _media_findings(item: etree._Element, path: Path) -> list[Finding]:
    """Media RSS elements (featured images), in an RSS item or an Atom entry."""
    found = []
    for element in item.iter(f"{MEDIA}content", f"{MEDIA}thumbnail"):
        tag = "media:" + element.tag.removeprefix(MEDIA)
        line = element.sourceline
        if not _WEB_URL.match(element.get("url") or ""):
            found.append(finding("FP303", f"{tag} url is not an absolute URL", path, line))
        kind, size = element.get("type"), element.get("fileSize")
        if kind is not None and not _MIME.match(kind):
            found.append(finding("FP309", f"{tag} type {kind!r} is not a media type", path, line))
        if size is not None and not size.isdigit():
            found.append(finding("FP309", f"{tag} fileSize {size!r} is not a number", path, line))
    return found


def lint_atom(data: bytes, path: Path, self_url: str) -> list[Finding]:
    """Check Atom 1.0 bytes (published at ``self_url``) against RFC 4287's rules."""
    root, found = _parse(data, path)
    if root is None:
        return found
    if root.tag != f"{ATOM}feed":
        return [finding("FP302", "no Atom <feed>", path, 1)]
    line = root.sourceline
    source = _Source(data)
    for tag in ("id", "title", "updated"):
        if not (root.findtext(f"{ATOM}{tag}") or "").strip():
            found.append(finding("FP302", f"feed has no {tag}", path, line))
    for element in (*root.findall(f"{ATOM}title"), *root.findall(f"{ATOM}subtitle")):
        found += _atom_text_findings(element, source, path)
    links = root.findall(f"{ATOM}link")
    if not any(link.get("rel") == "self" and link.get("href") == self_url for link in links):
        found.append(finding("FP302", f"feed has no link rel=self to {self_url}", path, line))
    feed_author = root.find(f"{ATOM}author") is not None
    found += _link_findings(links, root.find(FH_ARCHIVE) is not None, path, line)
    for element in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not _RFC3339.match(element.text or ""):
            tag = element.tag.removeprefix(ATOM)
            found.append(
                finding(
                    "FP304", f"{tag} {element.text!r} is not RFC 3339", path, element.sourceline
                )
            )
    for element in root.iter(f"{ATOM}link", f"{ATOM}id", f"{ATOM}uri"):
        value = element.get("href") if element.tag == f"{ATOM}link" else element.text
        if not _absolute(value):
            tag = element.tag.removeprefix(ATOM)
            found.append(
                finding(
                    "FP303", f"{tag} {value!r} is not an absolute IRI", path, element.sourceline
                )
            )
    ids: set[str] = set()
    for entry in root.findall(f"{ATOM}entry"):
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
            found += _html_findings(content.text, path, line)
        for link in entry.findall(f"{ATOM}link"):
            if link.get("rel") == "enclosure":
                found += _enclosure_findings(
                    link.get("href"), link.get("type"), link.get("length"), False, path, line
                )
            elif link.get("rel") in HISTORY_RELS or link.get("rel") == "hub":
                found.append(
                    finding("FP310", f"link rel={link.get('rel')} in an entry", path, line)
                )
        found += _media_findings(entry, path)
    return found


def _atom_text_findings(element: etree._Element, source: _Source, path: Path) -> list[Finding]:
    if element.get("type", "text") != "text":
        return []
    what = element.tag.removeprefix(ATOM)
    return _plain_text_findings(
        element.text, what, path, element.sourceline, referenced=source.referenced(element)
    )


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
    found += _title_findings(str(document.get("title") or ""), path, None)
    if document.get("feed_url") != self_url:
        found.append(finding("FP302", f"feed_url is not {self_url}", path))
    for key in ("home_page_url", "feed_url"):
        if key in document and not _absolute(document[key]):
            found.append(finding("FP303", f"{key} is not an absolute URL", path))
    hubs = document.get("hubs", [])
    for hub in hubs if isinstance(hubs, list) else [hubs]:
        if not isinstance(hub, dict) or not hub.get("type") or not hub.get("url"):
            found.append(finding("FP302", "each of hubs needs a type and a url", path))
        elif not _WEB_URL.match(str(hub["url"])):
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
        if "url" in item and not _absolute(item["url"]):
            found.append(finding("FP303", f"{where} url is not an absolute URL", path))
        for key in ("date_published", "date_modified"):
            if key in item and not _RFC3339.match(str(item[key])):
                found.append(finding("FP304", f"{where} {key} is not RFC 3339", path))
        if item.get("content_html"):
            found += _html_findings(item["content_html"], path, None)
        found += _title_findings(item.get("title"), path, None)
        if "image" in item and not _WEB_URL.match(str(item["image"])):
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
        if not _WEB_URL.match(str(attachment["url"])):
            found.append(finding("FP303", f"{where} attachment url is not absolute", path))
        if not _MIME.match(str(attachment.get("mime_type", ""))):
            found.append(finding("FP309", f"{where} attachment has no valid mime_type", path))
        size = attachment.get("size_in_bytes")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            found.append(finding("FP309", f"{where} attachment size_in_bytes is wrong", path))
    return found
