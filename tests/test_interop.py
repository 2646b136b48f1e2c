"""Readers as tests: the tricky fixture site (tests/data/tricky/) read back by real consumers.

The site is built once, then both feeds (RSS 2.0 and Atom 1.0) are read by feedparser, by the
`reader` library, by newsboat (over HTTP on 127.0.0.1) and by rss-parser (npm, the most used
JavaScript parser, through tests/js/parse.mjs), and every item is compared with what its entry
file says. Expected values are written by hand from the entry files and the rules in
docs/front-matter.md (dates in the site's zone Europe/Berlin, links from the permalink pattern,
ids = links, derived summaries, absolute URLs); they are never copied from feedpub's output.

Where a consumer cannot express a field, or shows it in its own (documented, verified) way, the
test says so in a comment instead of pretending.
"""

from __future__ import annotations

import calendar
import functools
import html
import json
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from reader import make_reader

import feedpub

from .conftest import REPO, missing, required_tool

FIXTURE = REPO / "tests" / "data" / "tricky"
SITE = "https://tricky.example.net/"
BASE = SITE + "blog/"
FILES = {"rss": "feed.xml", "atom": "atom.xml"}
FORMATS = tuple(FILES)
TIMEOUT = 30  # seconds, for every subprocess


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class Item:
    """What one entry file says, in the terms of docs/front-matter.md."""

    #: Entry file name, for test ids.
    file: str
    title: str
    authors: tuple[Person, ...]
    #: Categories then tags, without repeats (docs/front-matter.md: tags after the categories).
    categories: tuple[str, ...]
    summary: str
    #: Text that must appear in the content (as text, markup removed).
    phrases: tuple[str, ...]
    #: Every href/src in the content: absolute, resolved against the entry's link.
    urls: frozenset[str]
    #: `date:` as a UTC instant (naive values read in Europe/Berlin).
    published: datetime
    link: str
    #: HTML elements that must survive in the content.
    elements: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.link  # docs/front-matter.md: no `id:` in front matter, so the id is the link

    @property
    def rss_creator(self) -> str:
        """docs/front-matter.md: an RSS item names its authors in one dc:creator, joined with
        ", " (no e-mail: only Atom has a place for it)."""
        return ", ".join(a.name for a in self.authors)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


DESK = Person("Tricky Desk", "desk@tricky.example.net")  # feedpub.toml `author`
TITLE = "Tricky Times"  # feedpub.toml `title`

ITEMS = (
    Item(
        file="2025-10-27-figure-and-table.md",
        title="Quarterly numbers, with a chart",
        authors=(DESK,),  # names no author: the site's
        categories=("Reports", "numbers"),  # tag "Reports" repeats a category
        summary="Sales rose in the third quarter; the chart and table have the details.",
        phrases=(
            "Sales by month, July to September",
            "September 144",
            "third quarter was our best yet",
        ),
        urls=frozenset(
            {
                BASE + "2025/09/q2-report/",  # ../../09/q2-report/
                SITE + "about/",  # /about/
                BASE + "2025/10/figure-and-table/data/q3.csv",
                BASE + "2025/10/figure-and-table/img/q3-chart.png",  # raw <figure> <img>
                SITE + "static/logo.svg",  # ![Small logo](/static/logo.svg)
            }
        ),
        published=utc(2025, 10, 27, 7, 0),  # 08:00 CET (summer time ended the day before)
        link=BASE + "2025/10/figure-and-table/",
        elements=("figure", "figcaption", "img", "table", "td"),
    ),
    Item(
        file="2025-09-09-price-summary.md",
        title="Ticket prices: <£5 to >£7 & rising",
        authors=(Person("Priya Nair", "priya@tricky.example.net"),),
        categories=("Transport", "prices", "buses & trams"),  # `category:` as a plain string
        summary="Single tickets went from <£5 to >£7 & a day pass is now £12.",
        phrases=("day pass rose to £12", "Prices in a table are in the fares page."),
        urls=frozenset({BASE + "2025/09/price-summary/fares.html"}),
        published=utc(2025, 9, 9, 19, 15),  # 21:15 CEST
        link=BASE + "2025/09/price-summary/",
    ),
    Item(
        file="2025-08-20-fish-and-chips.md",
        # Title rule: tags stripped, entities decoded once.
        title="Fish & Chips now",
        authors=(Person("Marks & Sparks Food Hall"),),
        categories=("Food & Drink", "fish", "chips"),
        summary="The chip shop on Hafenweg now fries in beef dripping & sells mushy peas.",
        phrases=("cod in beer batter, fried in dripping", "Mushy peas are extra."),
        urls=frozenset(),
        published=utc(2025, 8, 20, 11, 0),  # 12:00+01:00
        link=BASE + "2025/08/fish-and-chips/",
    ),
    Item(
        file="2025-07-14-shalom-hebrew.md",
        title="שלום עולם: a Hebrew greeting",
        authors=(
            Person("Noa Levi", "noa@tricky.example.net"),
            Person("Yossi Cohen"),
            Person("Miriam Adler", "miriam@tricky.example.net"),
        ),
        categories=("Languages", "Culture", "hebrew", "rtl"),  # comma string, then a list
        # No summary: the first paragraph, as plain text.
        summary='The phrase שלום עולם means "hello world" and is written from right to left.',
        phrases=("bidirectional ordering of שלום עולם intact",),
        urls=frozenset(),
        published=utc(2025, 7, 14, 16, 30),  # 18:30 CEST
        link=BASE + "2025/07/shalom-hebrew/",
    ),
    Item(
        file="arabic-marhaba.md",
        title="مرحبا بالعالم",
        authors=(Person("ليلى حداد"),),
        categories=("Languages", "arabic", "rtl"),
        summary="Arabic greetings, and how مرحبا differs from السلام عليكم.",
        phrases=("السلام عليكم more often than مرحبا",),
        urls=frozenset(),
        published=utc(2025, 5, 31, 20, 0),  # 05:00+09:00 on 1 June
        link=BASE + "2025/05/arabic-marhaba/",  # 22:00 on 31 May in Berlin: May
    ),
    Item(
        file="2025-05-05-more-marker.md",
        title="Reading the river gauge",
        authors=(
            Person('Chris "<3" Ortega', "chris@tricky.example.net", "https://chris.example.org/"),
        ),
        categories=("Local", "river", "weather"),
        # The two paragraphs before <!--more-->, as one line of plain text.
        summary=(
            "The river gauge at the old bridge reads 2.4 metres this morning. "
            "That is high for May, but not yet a flood warning."
        ),
        phrases=(
            "reads 2.4 metres this morning.",  # before the marker
            "gauge has been read by hand since 1911",  # after it
        ),
        urls=frozenset({BASE + "2025/05/more-marker/history.html"}),
        published=utc(2025, 5, 5, 5, 45),  # Mon, 05 May 2025 07:45:00 +0200
        link=BASE + "2025/05/more-marker/",
    ),
    Item(
        file="2025-04-02-cdata-in-code.md",
        title="Escaping CDATA sections in XML",
        authors=(Person("Kim Park"),),
        categories=("Programming", "Howto", "xml", "cdata"),
        summary=(
            "A <![CDATA[ section ends at the first ]]>, so a feed generator must escape that "
            "sequence instead of wrapping the content in CDATA blindly."
        ),
        phrases=(
            "<data><![CDATA[ if (a[b[0]]> 1) ]]></data>",
            "the sequence ]]> ends a CDATA section",
            "writes ]]]]><![CDATA[> instead",
        ),
        urls=frozenset(),
        published=utc(2025, 4, 2, 10, 0),  # 2025-04-02 12:00:00 +0200
        link=BASE + "2025/04/cdata-in-code/",
        elements=("pre", "code"),
    ),
    Item(
        file="2025-03-01-cafe-unicode.md",
        title="Café Müller reopens ☕🎉 and naïve crème brûlée is back",
        authors=(Person("Zoë Brontë", "zoe@tricky.example.net"),),
        categories=("Food", "Neighbourhood"),
        summary=(
            "The corner café is open again, with its famous crème brûlée and a new espresso "
            "machine."
        ),
        phrases=("crème brûlée recipe is unchanged since 1987", '"louder than my grandmother" 😅'),
        urls=frozenset({"https://cafe-mueller.example.de/karte"}),  # absolute: unchanged
        published=utc(2025, 2, 28, 23, 0),  # date only: midnight CET on 1 March
        link=BASE + "2025/03/cafe-unicode/",
    ),
    Item(
        file="2025-02-10-q-and-a.md",
        title='Q&A: when "x < y" isn\'t what it seems',
        authors=(Person("Tom & Jerry", "tj@tricky.example.net"), Person('Dana "Hammer" O\'Neil')),
        categories=("Maths & Logic", "comparisons"),
        summary='Readers asked whether "x < y" & "y > x" always mean the same thing.',
        phrases=("NaN < 1 and NaN > 1 are both false", "not (x >= y) differ once NaN"),
        urls=frozenset(),
        published=utc(2025, 2, 10, 8, 0),  # 09:00:00 CET
        link=BASE + "2025/02/q-and-a/",
    ),
)
ITEM_IDS = [item.file.removesuffix(".md") for item in ITEMS]


def test_fixture_matches_expectations() -> None:
    """Every entry file of the fixture has an expectation here, and newest comes first."""
    assert sorted(p.name for p in (FIXTURE / "entries").glob("*.md")) == sorted(
        item.file for item in ITEMS
    )
    assert [item.published for item in ITEMS] == sorted(
        (item.published for item in ITEMS), reverse=True
    )


# --------------------------------------------------------------------------- content helpers


_BLOCKS = frozenset({"p", "br", "li", "td", "th", "tr", "pre", "figure", "figcaption", "table"})


class _Content(HTMLParser):
    """Text (block elements and table cells apart), URL attributes and element names of an
    HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.urls: set[str] = set()
        self.elements: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        if tag in _BLOCKS:
            self.text.append(" ")
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.urls.add(value)
            elif name == "srcset" and value:
                self.urls.update(part.split()[0] for part in value.split(",") if part.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_content(html: str, item: Item) -> None:
    parsed = _Content()
    parsed.feed(html)
    parsed.close()
    text = " ".join("".join(parsed.text).split())
    for phrase in item.phrases:
        assert phrase in text, f"{phrase!r} not in content text {text!r}"
    assert parsed.urls == item.urls, "every href/src absolute, resolved against the entry link"
    for element in item.elements:
        assert element in parsed.elements, f"<{element}> lost from the content"
    assert "more-->" not in html  # the <!--more--> marker is not content


# --------------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of tests/data/tricky built with the library, as `feedpub build` would."""
    root = tmp_path_factory.mktemp("tricky")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    site = feedpub.load_site(root / "feedpub.toml")
    # future=True: the result must not depend on the clock or SOURCE_DATE_EPOCH.
    result = feedpub.build(site, future=True)
    assert result.published == len(ITEMS)
    assert {p.name for p in result.outputs} >= set(FILES.values())
    return site.output


def by_id(items: dict[str, Any], item: Item) -> Any:
    assert item.id in items, f"no item with id {item.id}; the feed has {sorted(items)}"
    return items[item.id]


# --------------------------------------------------------------------------- 1. feedparser


@pytest.fixture(scope="module", params=FORMATS)
def parsed(request: pytest.FixtureRequest, public: Path) -> tuple[str, Any]:
    fmt = request.param
    feed = feedparser.parse((public / FILES[fmt]).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    return fmt, feed


def test_feedparser_order(parsed: tuple[str, Any]) -> None:
    """Newest first, every entry once."""
    _, feed = parsed
    assert [e.id for e in feed.entries] == [item.id for item in ITEMS]


def test_feedparser_feed(parsed: tuple[str, Any]) -> None:
    """The feed's title, site link and author: the site's (RSS: a channel dc:creator, as
    Atom's feed-level <author>)."""
    fmt, feed = parsed
    assert feed.feed.title == TITLE
    assert feed.feed.link == BASE
    author = feed.feed.author_detail
    assert (author.get("name"), author.get("email")) == (
        DESK.name,
        DESK.email if fmt == "atom" else None,
    )


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_feedparser(parsed: tuple[str, Any], item: Item) -> None:
    fmt, feed = parsed
    entry = by_id({e.id: e for e in feed.entries}, item)
    assert entry.title == item.title
    assert entry.link == item.link
    assert calendar.timegm(entry.published_parsed) == item.published.timestamp()
    assert [t.term for t in entry.tags] == list(item.categories)
    # RSS <description> is HTML (readers render it), Atom's summary is plain text: compare
    # what a reader shows, i.e. the HTML's text with its entities decoded.
    summary = entry.summary
    if entry.summary_detail.type == "text/html":
        summary = html.unescape(summary)
    assert summary == item.summary
    assert entry.content[0].type == "text/html"
    check_content(entry.content[0].value, item)
    if fmt == "rss":
        seen = [{"name": a.get("name"), "email": a.get("email")} for a in entry.authors]
        assert seen == [{"name": item.rss_creator, "email": None}]
        assert entry.author == item.rss_creator
    else:
        assert [a.get("name") for a in entry.authors] == [a.name for a in item.authors]
        for seen_author, author in zip(entry.authors, item.authors, strict=True):
            # feedparser quirk: an Atom <author> without <email> inherits the e-mail of the
            # <author> before it (the XML has none); so e-mails are checked where given.
            if author.email:
                assert seen_author.get("email") == author.email
            assert seen_author.get("href") == author.uri


# --------------------------------------------------------------------------- 2. reader


@pytest.fixture(scope="module")
def reader_entries(public: Path) -> Iterator[dict[str, dict[str, Any]]]:
    """Both feeds read by lemon24/reader from local files (feed_root + file: URLs)."""
    reader = make_reader(":memory:", feed_root=str(public))
    try:
        for name in FILES.values():
            reader.add_feed(f"file:{name}")
        for result in reader.update_feeds_iter():
            assert not isinstance(result.value, Exception), (result.url, result.value)
        found: dict[str, dict[str, Any]] = {fmt: {} for fmt in FORMATS}
        for entry in reader.get_entries():
            fmt = next(f for f, name in FILES.items() if entry.feed_url == f"file:{name}")
            found[fmt][entry.id] = entry
        yield found
    finally:
        reader.close()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_reader(reader_entries: dict[str, dict[str, Any]], fmt: str, item: Item) -> None:
    entry = by_id(reader_entries[fmt], item)
    assert entry.title == item.title
    assert entry.link == item.link
    assert entry.published == item.published
    # reader does not say which type a summary has; RSS <description> is HTML, so what a
    # reader app shows is its text with entities decoded. Atom's summary is plain text.
    assert (html.unescape(entry.summary) if fmt == "rss" else entry.summary) == item.summary
    assert [c.type for c in entry.content] == ["text/html"]
    check_content(entry.content[0].value, item)
    # reader has no categories: its Entry carries no terms from the feed (its "tags" are the
    # user's own key/value tags), so there is nothing to compare here.

    if fmt == "atom":
        # reader keeps a single Atom author: the one feedparser leaves in `author_detail`,
        # which is the *last* <author> of the entry.
        (author,) = entry.authors
        last = item.authors[-1]
        assert (author.name, author.href) == (last.name, last.uri)
        if last.email or len(item.authors) == 1:
            assert author.email == last.email
        # else: an e-mail inherited from an earlier <author> (the feedparser quirk above)
    else:
        # reader splits an RSS author at commas: the one dc:creator gives every author.
        assert [(a.name, a.email) for a in entry.authors] == [(a.name, None) for a in item.authors]


# --------------------------------------------------------------------------- 3. newsboat


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(public: Path) -> Iterator[str]:
    """The output folder over HTTP on 127.0.0.1 (an ephemeral port)."""
    handler = functools.partial(_QuietHandler, directory=str(public))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join(timeout=5)


@pytest.fixture(scope="module")
def newsboat() -> str:
    return required_tool("newsboat", "newsboat", "the newsboat interop tests")


@pytest.fixture(scope="module", params=FORMATS)
def newsboat_items(
    request: pytest.FixtureRequest,
    newsboat: str,
    served: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, dict[str, dict[str, Any]]]:
    """One feed fetched by `newsboat -x reload`, read back from its SQLite cache.

    One cache per feed: newsboat keys stored items by guid alone, and both feeds carry the
    same guids, so a shared cache would keep only one feed's items.
    """
    fmt = request.param
    work = tmp_path_factory.mktemp(f"newsboat-{fmt}")
    (work / "home").mkdir()
    url = served + FILES[fmt]
    (work / "urls").write_text(url + "\n", encoding="utf-8")
    (work / "config").write_text("", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env.update(HOME=str(work / "home"), LC_ALL="C.UTF-8", LANG="C.UTF-8", no_proxy="127.0.0.1")
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    done = subprocess.run(
        [
            newsboat,
            "-x",
            "reload",
            "-u",
            str(work / "urls"),
            "-c",
            str(work / "cache.db"),
            "-C",
            str(work / "config"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(work / "cache.db") as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("SELECT * FROM rss_item WHERE feedurl = ?", (url,))]
    assert len(rows) == len(ITEMS), done.stdout + done.stderr
    return fmt, {row["guid"]: row for row in rows}


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_newsboat(newsboat_items: tuple[str, dict[str, dict[str, Any]]], item: Item) -> None:
    fmt, rows = newsboat_items
    row = by_id(rows, item)
    assert row["title"] == item.title
    assert row["url"] == item.link
    assert row["pubDate"] == item.published.timestamp()
    check_content(row["content"], item)
    # newsboat stores no categories, and no summary when there is full content (it keeps one
    # `content` column: content:encoded / Atom content, else the description / summary).
    if fmt == "atom":
        assert row["author"] == ", ".join(a.name for a in item.authors)
    else:
        # newsboat keeps only the last of several <dc:creator>: RSS has one, naming them all.
        assert row["author"] == item.rss_creator


# --------------------------------------------------------------------------- 4. rss-parser

JS = REPO / "tests" / "js"


@pytest.fixture(scope="module")
def node() -> str:
    """node, with tests/js's packages (rss-parser) installed by `npm ci --prefix tests/js`."""
    path = required_tool("node", "nodejs npm", "the rss-parser interop tests")
    if not (JS / "node_modules" / "rss-parser" / "package.json").is_file():
        missing(
            "rss-parser is not installed (run: npm ci --prefix tests/js)",
            "the rss-parser interop tests",
        )
    return path


def _printed(command: list[str]) -> Any:
    """What a reader's program (tests/js/parse.mjs, tests/go/parse.go) printed of a feed."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=FORMATS)
def rss_parser(request: pytest.FixtureRequest, node: str, public: Path) -> tuple[str, Any]:
    """One feed file as rss-parser gives it to a program (tests/js/parse.mjs prints it)."""
    fmt = request.param
    feed = _printed([node, str(JS / "parse.mjs"), str(public / FILES[fmt])])
    assert [i.get("guid") or i.get("id") for i in feed["items"]] == [i.id for i in ITEMS]
    return fmt, feed


def test_rss_parser_feed(rss_parser: tuple[str, Any]) -> None:
    fmt, feed = rss_parser
    assert feed["title"] == TITLE
    assert feed["link"] == BASE
    assert feed["feedUrl"] == BASE + FILES[fmt]
    if fmt == "rss":
        # The channel's dc:creator; rss-parser reads no feed-level author from Atom.
        assert feed["creator"] == DESK.name


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_rss_parser(rss_parser: tuple[str, Any], item: Item) -> None:
    fmt, feed = rss_parser
    found = {i.get("guid") or i.get("id"): i for i in feed["items"]}
    entry = by_id(found, item)
    assert entry["title"] == item.title
    assert entry["link"] == item.link
    assert datetime.fromisoformat(entry["isoDate"]) == item.published
    if fmt == "rss":
        # `creator` is what rss-parser offers as the author: dc:creator, else <author> as it
        # is, so the RSS form "email (Name)" would show raw, and of several dc:creator only
        # the first would show. One dc:creator names every author.
        assert entry["creator"] == item.rss_creator
        assert "author" not in entry
        assert entry["categories"] == list(item.categories)
        # `content` is the <description> (HTML: shown as its text), `content:encoded` the
        # full text.
        assert html.unescape(entry["content"]) == item.summary
        check_content(entry["content:encoded"], item)
    else:
        # rss-parser reads only the first Atom <author>'s name (Atom keeps every author, as
        # the other readers show), and no Atom categories.
        assert entry["author"] == item.authors[0].name
        assert "categories" not in entry
        assert entry["summary"] == item.summary
        check_content(entry["content"], item)


# --------------------------------------------------------------------------- 5. gofeed

GOFEED = Path("/usr/share/gocode/src/github.com/mmcdole/gofeed")  # Debian's package


@pytest.fixture(scope="module")
def gofeed(tmp_path_factory: pytest.TempPathFactory) -> str:
    """tests/go/parse.go built against Debian's gofeed (golang-github-mmcdole-gofeed-dev),
    in GOPATH mode: Debian's Go libraries, nothing fetched."""
    go = required_tool(
        "go", "golang-go golang-github-mmcdole-gofeed-dev", "the gofeed interop tests"
    )
    if not (GOFEED / "parser.go").is_file():
        missing(
            "gofeed is not installed (Debian: apt-get install golang-github-mmcdole-gofeed-dev)",
            "the gofeed interop tests",
        )
    work = tmp_path_factory.mktemp("gofeed")
    env = dict(os.environ, GO111MODULE="off", GOPATH=str(GOFEED.parents[3]), GOFLAGS="")
    env["GOPROXY"] = "off"
    if not any(env.get(name) for name in ("GOCACHE", "XDG_CACHE_HOME", "HOME")):
        env["GOCACHE"] = str(work / "cache")
    program = work / "parse"
    done = subprocess.run(
        [go, "build", "-o", str(program), str(REPO / "tests" / "go" / "parse.go")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a first build compiles gofeed and its dependencies
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return str(program)


@pytest.fixture(scope="module", params=FORMATS)
def gofeed_feed(request: pytest.FixtureRequest, gofeed: str, public: Path) -> tuple[str, Any]:
    """One feed file as gofeed's universal Feed (tests/go/parse.go prints it)."""
    fmt = request.param
    feed = _printed([gofeed, str(public / FILES[fmt])])
    assert feed["feedType"] == fmt
    assert [i["guid"] for i in feed["items"]] == [i.id for i in ITEMS]
    return fmt, feed


def _go_person(name: str, email: str | None = None) -> dict[str, str]:
    return {"name": name, "email": email} if email else {"name": name}  # empty: left out


def test_gofeed_feed(gofeed_feed: tuple[str, Any]) -> None:
    fmt, feed = gofeed_feed
    assert feed["title"] == TITLE
    assert feed["link"] == BASE
    assert feed["feedLink"] == BASE + FILES[fmt]
    # RSS: the channel's dc:creator; Atom: the feed's <author>.
    expected = _go_person(DESK.name, DESK.email if fmt == "atom" else None)
    assert feed["authors"] == [expected]


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_gofeed(gofeed_feed: tuple[str, Any], item: Item) -> None:
    fmt, feed = gofeed_feed
    entry = by_id({i["guid"]: i for i in feed["items"]}, item)
    assert entry["title"] == item.title
    assert entry["link"] == item.link
    assert datetime.fromisoformat(entry["publishedParsed"]) == item.published
    assert entry["categories"] == list(item.categories)
    # `description` is the RSS <description> (HTML: shown as its text) or the Atom summary.
    description = entry["description"]
    assert (html.unescape(description) if fmt == "rss" else description) == item.summary
    check_content(entry["content"], item)
    if fmt == "rss":
        # gofeed takes an RSS item's author from <author>, else the *first* dc:creator: one
        # dc:creator names every author.
        assert entry["authors"] == [_go_person(item.rss_creator)]
    else:
        # Atom: every author, with name and e-mail (gofeed's Person has no URI).
        assert entry["authors"] == [_go_person(a.name, a.email) for a in item.authors]
