"""Every front matter form a writer may use, checked in the Entry and, where it shows, the feeds."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime

import feedparser
import pytest
from lxml import etree

from feedpub.config import load_site
from feedpub.model import Author
from feedpub.plan import select
from feedpub.scan import scan
from feedpub.scan._entry import read_entry

from .conftest import SiteDir

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
SETTINGS = {
    "title": "Test Site",
    "base_url": "https://example.org/",
    "description": "Entries for tests",
    "timezone": "UTC",
}


def configure(site: SiteDir, **settings) -> None:
    """Write feedpub.toml: the test settings, changed or extended by ``settings``."""
    values = {**SETTINGS, **settings}
    site.config("".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()))


def read(site: SiteDir, text: str | bytes, name: str = "post.md"):
    """The Entry for one file written with ``text``."""
    path = site.entry(name, text)
    entry, _ = read_entry(path, load_site(site.root / "feedpub.toml"))
    return entry


def post(*lines: str, body: str = "Body text.\n") -> str:
    return "\n".join(["---", *lines, "---", body])


def build(site: SiteDir, *args: str):
    """Build, and return the RSS and Atom feeds parsed by feedparser (both well formed)."""
    result = site.run("build", *args)
    assert result.exit_code == 0, result.output
    rss = feedparser.parse((site.public / "feed.xml").read_bytes())
    atom = feedparser.parse((site.public / "atom.xml").read_bytes())
    assert rss.bozo == 0, rss.bozo_exception
    assert atom.bozo == 0, atom.bozo_exception
    return rss, atom


def rss_items(site: SiteDir) -> list[etree._Element]:
    return etree.fromstring((site.public / "feed.xml").read_bytes()).findall("channel/item")


# --------------------------------------------------------------------------- title and dates


def test_title(site):
    entry = read(site, post('title: "Hello: a story"', "date: 2025-05-01"))
    assert entry.title == "Hello: a story"
    rss, atom = build(site)
    assert rss.entries[0].title == atom.entries[0].title == "Hello: a story"


@pytest.mark.parametrize(
    ("value", "timezone", "expected"),
    [
        ("2025-05-01", "UTC", "2025-05-01T00:00:00+00:00"),
        ("2025-05-01", "Europe/Paris", "2025-05-01T00:00:00+02:00"),
        ("2025-07-01 09:30:00", "Europe/Paris", "2025-07-01T09:30:00+02:00"),  # summer time
        ("2025-01-15 09:30:00", "Europe/Paris", "2025-01-15T09:30:00+01:00"),  # winter time
        ("2025-01-15T09:30:00", "America/New_York", "2025-01-15T09:30:00-05:00"),
        ("2025-05-01T09:30:00+05:30", "Europe/Paris", "2025-05-01T09:30:00+05:30"),
        ("2025-05-01T09:30:00Z", "Europe/Paris", "2025-05-01T09:30:00+00:00"),
        ('"2025-05-01T09:30:00Z"', "Europe/Paris", "2025-05-01T09:30:00+00:00"),
        ("2013-05-06 02:12:52 +0200", "UTC", "2013-05-06T02:12:52+02:00"),
    ],
    ids=[
        "yaml-date",
        "yaml-date-paris",
        "naive-summer",
        "naive-winter",
        "naive-new-york",
        "aware",
        "z",
        "z-string",
        "jekyll",
    ],
)
def test_date_forms(site, value, timezone, expected):
    configure(site, timezone=timezone)
    entry = read(site, post("title: T", f"date: {value}"))
    want = datetime.fromisoformat(expected)
    assert entry.date == want
    assert entry.date.utcoffset() == want.utcoffset()


def test_naive_date_in_the_feed_uses_the_site_time_zone(site):
    configure(site, timezone="Europe/Paris")
    site.entry("a.md", post("title: Summer", "date: 2025-07-01 09:30:00"))
    rss, atom = build(site)
    assert tuple(atom.entries[0].published_parsed[:5]) == (2025, 7, 1, 7, 30)  # UTC
    assert tuple(rss.entries[0].published_parsed[:5]) == (2025, 7, 1, 7, 30)


@pytest.mark.parametrize("key", ["updated", "lastmod"])
def test_updated_and_lastmod(site, key):
    entry = read(site, post("title: T", "date: 2025-05-01", f"{key}: 2025-06-02T10:00:00Z"))
    assert entry.updated == datetime.fromisoformat("2025-06-02T10:00:00+00:00")
    _, atom = build(site)
    assert tuple(atom.entries[0].updated_parsed[:5]) == (2025, 6, 2, 10, 0)
    assert tuple(atom.entries[0].published_parsed[:3]) == (2025, 5, 1)


# --------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["author: Jane Doe <jane@example.org>"], [("Jane Doe", "jane@example.org")]),
        (["author: Jane Doe"], [("Jane Doe", None)]),
        (
            [
                "author:",
                "  name: Jane Doe",
                "  email: jane@example.org",
                "  uri: https://jane.example/",
                "  description: Business reporter",
            ],
            [("Jane Doe", "jane@example.org", "https://jane.example/", "Business reporter")],
        ),
        (
            ["author:", "  - Jane Doe <jane@example.org>", "  - Bob"],
            [("Jane Doe", "jane@example.org"), ("Bob", None)],
        ),
        (
            ["authors: [Jane Doe, Bob <bob@example.org>]"],
            [("Jane Doe", None), ("Bob", "bob@example.org")],
        ),
        ([], [("Site Owner", "owner@example.org")]),
    ],
    ids=["name-email", "name", "mapping", "list", "authors-key", "missing-uses-config"],
)
def test_author_forms(site, lines, expected):
    configure(site, author="Site Owner <owner@example.org>")
    entry = read(site, post("title: T", "date: 2025-05-01", *lines))
    assert entry.authors == tuple(Author(*fields) for fields in expected)


def test_author_bare_email(site):
    entry = read(site, post("title: T", "date: 2025-05-01", "author: jane@example.org"))
    assert len(entry.authors) == 1
    assert entry.authors[0].email == "jane@example.org"
    assert entry.authors[0].name


# --------------------------------------------------------------------------- terms and summary


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("categories: [Business, Tech]", "categories", ("Business", "Tech")),
        ("categories: Business, Tech", "categories", ("Business", "Tech")),
        ("category: Business", "categories", ("Business",)),
        ("tags: [ev, batteries]", "tags", ("ev", "batteries")),
        ("tags: ev,  batteries", "tags", ("ev", "batteries")),
    ],
    ids=["categories-list", "categories-comma", "category", "tags-list", "tags-comma"],
)
def test_terms(site, line, field, expected):
    entry = read(site, post("title: T", "date: 2025-05-01", line))
    assert getattr(entry, field) == expected
    _, atom = build(site)
    assert [t.term for t in atom.entries[0].tags] == list(expected)


# Names are text: YAML would read these plain scalars as numbers, booleans and dates.
NAMES_AS_WRITTEN = [
    "title: 2024",
    "date: 2025-05-01",
    "id: 010",
    "slug: 2.50",
    "categories: [3.10, 010, 1e3, 0x1F, 1_000]",
    "tags: [NO, yes, 2025-02-30, .inf]",
    "author: {name: 1984, email: orwell@example.org}",
    "summary: 3.14",
]


@pytest.mark.parametrize(
    "extra",
    ["", "anchor: &a 1\nalias: *a"],  # the quick path; the full loader (it takes aliases)
    ids=["quick-path", "full-loader"],
)
def test_names_keep_the_text_as_written(site, extra):
    entry = read(site, post(*NAMES_AS_WRITTEN, *extra.split("\n")))
    assert entry.title == "2024"
    assert entry.id == "tag:example.org,2025:010"
    assert entry.slug == "2.50"
    assert entry.categories == ("3.10", "010", "1e3", "0x1F", "1_000")
    assert entry.tags == ("NO", "yes", "2025-02-30", ".inf")
    assert entry.authors[0].name == "1984"
    assert entry.summary == "3.14"
    _, atom = build(site)
    assert [t.term for t in atom.entries[0].tags] == [*entry.categories, *entry.tags]
    assert (site.public / "categories" / "3-10" / "feed.xml").is_file()


@pytest.mark.parametrize("key", ["summary", "description", "excerpt"])
def test_given_summary(site, key):
    entry = read(site, post("title: T", "date: 2025-05-01", f"{key}: Short and sweet."))
    assert entry.summary == "Short and sweet."
    _, atom = build(site)
    assert atom.entries[0].summary == "Short and sweet."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Before *the* cut & more.\n\n<!--more-->\n\nAfter the cut.\n",
            "Before the cut & more.",
        ),
        (
            "First **para** with a [link](/x), <em>raw</em> HTML, AT&amp;T and &amp;lt;.\n\n"
            "Second para.\n",
            "First para with a link, raw HTML, AT&T and &lt;.",
        ),
    ],
    ids=["more", "first-paragraph"],
)
def test_derived_summary(site, body, expected):
    site.entry("a.md", post("title: T", "date: 2025-05-01", body=body))
    _, atom = build(site)
    assert atom.entries[0].summary == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("See the chart and ![](chart.png).\n", "See the chart and."),
        ("See [![the chart](c.png)](big.png), then more.\n", "See, then more."),
        ("Two: ![](a.png) ![](b.png); done.\n", "Two:; done."),
        ("Between ![](a.png) words.\n", "Between words."),
        ("Voilà ![](a.png) !\n", "Voilà !"),  # a space the writer put before '!' stays
    ],
    ids=["before-period", "linked", "two", "between-words", "space-after"],
)
def test_derived_summary_leaves_no_space_where_an_image_was(site, body, expected):
    site.entry("a.md", post("title: T", "date: 2025-05-01", body=body))
    _, atom = build(site)
    assert atom.entries[0].summary == expected


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (20, "alpha beta gamma…"),  # "alpha beta gamma delta" (22) does not fit
        (17, "alpha beta gamma…"),  # exactly fits, "…" included
        (16, "alpha beta…"),
    ],
)
def test_derived_summary_cut_at_word_boundary(site, length, expected):
    configure(site, summary_length=length)
    site.entry(
        "a.md", post("title: T", "date: 2025-05-01", body="alpha beta gamma delta epsilon\n")
    )
    _, atom = build(site)
    assert atom.entries[0].summary == expected


def test_derived_summary_default_length_is_300(site):
    site.entry("a.md", post("title: T", "date: 2025-05-01", body="abcdefg " * 100 + "\n"))
    _, atom = build(site)
    # 37 words of 7 letters and 36 spaces are 295 characters (296 with "…"); 38 would be 304.
    assert atom.entries[0].summary == " ".join(["abcdefg"] * 37) + "…"


# --------------------------------------------------------------------------- selection


@pytest.mark.parametrize(
    ("line", "flag"), [("draft: true", "--drafts"), ("date: 2999-01-01", "--future")]
)
def test_drafts_and_future_entries_only_when_asked(site, line, flag):
    site.entry("kept.md", post("title: Kept", "date: 2025-05-01"))
    lines = [line] if line.startswith("date") else ["date: 2025-05-02", line]
    site.entry("hidden.md", post("title: Hidden", *lines))
    rss, atom = build(site)
    assert [e.title for e in rss.entries] == [e.title for e in atom.entries] == ["Kept"]
    rss, atom = build(site, flag)
    assert sorted(e.title for e in rss.entries) == ["Hidden", "Kept"]
    assert sorted(e.title for e in atom.entries) == ["Hidden", "Kept"]


def test_newest_first(site):
    site.entry("b.md", post("title: Middle", "date: 2025-02-01"))
    site.entry("a.md", post("title: Newest", "date: 2025-03-01"))
    site.entry("c.md", post("title: Oldest", "date: 2025-01-01"))
    rss, atom = build(site)
    assert [e.title for e in rss.entries] == ["Newest", "Middle", "Oldest"]
    assert [e.title for e in atom.entries] == ["Newest", "Middle", "Oldest"]


def test_ties_are_ordered_whatever_the_input_order(site):
    # The same instant written in two time zones, and a third entry on the same date.
    site.entry("x.md", post("title: X", "date: 2025-05-01T10:00:00+02:00"))
    site.entry("y.md", post("title: Y", "date: 2025-05-01T08:00:00Z"))
    site.entry("z.md", post("title: Z", "date: 2025-05-01T08:00:00Z"))
    entries = scan(load_site(site.root / "feedpub.toml")).entries
    now = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    orders = {
        tuple(e.title for e in select(tuple(shuffled), limit=0, now=now))
        for shuffled in (entries, entries[::-1], entries[1:] + entries[:1])
    }
    assert len(orders) == 1


def test_limit(site):
    configure(site, limit=2)
    for day in (1, 2, 3):
        site.entry(f"{day}.md", post(f"title: Day {day}", f"date: 2025-05-0{day}"))
    rss, atom = build(site)
    assert [e.title for e in rss.entries] == ["Day 3", "Day 2"]
    assert [e.title for e in atom.entries] == ["Day 3", "Day 2"]


# --------------------------------------------------------------------------- slugs, links, ids


@pytest.mark.parametrize(
    ("name", "lines", "slug"),
    [
        ("whatever.md", ["slug: my-story"], "my-story"),
        ("2025-05-01-hello-world.md", [], "hello-world"),
        ("Hello World.md", [], "hello-world"),
    ],
    ids=["explicit", "dated-file-name", "file-name"],
)
def test_slug(site, name, lines, slug):
    entry = read(site, post("title: T", "date: 2025-05-01", *lines), name=name)
    assert entry.slug == slug
    assert entry.link == f"https://example.org/2025/05/{slug}/"


@pytest.mark.parametrize("key", ["permalink", "link"])
@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("https://other.example/p/1", "https://other.example/p/1"),
        ("/about/me/", "https://example.org/about/me/"),
    ],
    ids=["absolute", "site-path"],
)
def test_permalink_and_link(site, key, value, link):
    entry = read(site, post("title: T", "date: 2025-05-01", f"{key}: {value}"))
    assert entry.link == link
    rss, _ = build(site)
    assert rss.entries[0].link == link


def test_config_permalink_pattern(site):
    configure(site, permalink="/{year}/{month}/{day}/{slug}/")
    entry = read(site, post("title: T", "date: 2025-05-01"), name="hello.md")
    assert entry.link == "https://example.org/2025/05/01/hello/"


def test_explicit_uri_id_kept_verbatim(site):
    uri = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    entry = read(site, post("title: T", "date: 2025-05-01", f"id: {uri}"))
    assert entry.id == uri
    rss, atom = build(site)
    assert rss.entries[0].id == atom.entries[0].id == uri


def test_explicit_non_uri_id_becomes_tag_uri(site):
    entry = read(site, post("title: T", "date: 2025-05-01", "id: post-42"))
    # RFC 4151: tag:authority,date:specific
    assert re.fullmatch(r"tag:example\.org,\d{4}(-\d\d){0,2}:post-42", entry.id), entry.id
    _, atom = build(site)
    assert atom.entries[0].id == entry.id


def test_id_survives_title_and_body_edits(site):
    site.entry("2025-05-01-story.md", post("title: First title", "date: 2025-05-01"))
    rss, atom = build(site)
    before = (rss.entries[0].id, atom.entries[0].id)
    edited = post("title: A better title", "date: 2025-05-01", body="All new words.\n")
    site.entry("2025-05-01-story.md", edited)
    rss, atom = build(site)
    assert rss.entries[0].title == "A better title"
    assert (rss.entries[0].id, atom.entries[0].id) == before


@pytest.mark.parametrize(
    ("lines", "is_permalink"),
    [
        ([], "true"),
        (["id: post-42"], "false"),
        (["id: https://old.example.org/p/42"], "false"),
    ],
    ids=["link", "tag", "other-url"],
)
def test_guid_is_permalink_only_when_the_id_is_the_link(site, lines, is_permalink):
    site.entry("hello.md", post("title: T", "date: 2025-05-01", *lines))
    build(site)
    guid = rss_items(site)[0].find("guid")
    assert guid.get("isPermaLink") == is_permalink
    if is_permalink == "true":
        assert guid.text == "https://example.org/2025/05/hello/"


@pytest.mark.parametrize(
    ("line", "creators"),
    [
        ("author: Jane <jane@example.org>", ["Jane"]),
        ("author: Jane", ["Jane"]),
        ("authors: [Jane <jane@example.org>, Bob]", ["Jane, Bob"]),
        ("authors: [Jane, Bob <bob@example.org>, Ann]", ["Jane, Bob, Ann"]),
    ],
    ids=["one-with-email", "name-only", "two", "three"],
)
def test_rss_names_every_author_in_one_dc_creator(site, line, creators):
    """Readers of every ecosystem show one dc:creator as it is, and of several only one (the
    first or the last); `<author>email (Name)</author>` is shown raw by some (rss-parser)."""
    site.entry("a.md", post("title: T", "date: 2025-05-01", line))
    build(site)
    item = rss_items(site)[0]
    assert item.findall("author") == []
    assert [c.text for c in item.findall(DC_CREATOR)] == creators


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("bom", "newline"), [(True, "\n"), (False, "\r\n"), (True, "\r\n")], ids=["bom", "crlf", "both"]
)
def test_bom_and_crlf(site, bom, newline):
    text = post("title: Hello", "date: 2025-05-01", "tags: [a, b]", body="Para one.\n\nTwo.\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode()
    entry = read(site, data)
    assert (entry.title, entry.tags) == ("Hello", ("a", "b"))
    assert entry.date == datetime.fromisoformat("2025-05-01T00:00:00+00:00")
    _, atom = build(site)
    assert atom.entries[0].title == "Hello"
    assert atom.entries[0].summary == "Para one."


def test_a_file_name_that_is_a_slug_already_is_taken_as_slugify_would_make_it():
    """The scan skips python-slugify for stems like ``my-story-2``; it must agree with it."""
    from slugify import slugify

    from feedpub.fields import _PLAIN_SLUG

    rng = random.Random(7)
    alphabet = "abz09-_A. é"
    taken = 0
    for _ in range(20_000):
        stem = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if _PLAIN_SLUG.match(stem):
            taken += 1
            assert slugify(stem) == stem
    assert taken > 1_000
