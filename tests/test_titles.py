"""Titles, descriptions and category names that look like markup (`Tricky & <Valid> Site`):
written so that readers show them as written and validators take them for plain text.

The W3C validator warns (CharacterData) on RSS plain text whose text has '<' before a letter
or an entity's text, unless its line uses hexadecimal character references (the RSS Best
Practices Profile's way to write '&' and '<'); in Atom, on an entity's text the same way. It
is run by hand (docs/feeds.md: the sample site's feeds pass it); these tests check the form it asks
for, what feedparser reads back, and that `feedpub check` flags what would still be warned.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedpub.feeds.atom import lint_atom
from feedpub.feeds.jsonfeed import lint_json
from feedpub.feeds.rss import lint_rss

from .conftest import SiteDir

TITLE = "Tricky & <Valid> Site"
DESCRIPTION = "R&D <beta> & more > less"
CONFIG = f"""\
title = "{TITLE}"
base_url = "https://example.org/"
description = "{DESCRIPTION}"
author = "Ann <ann@example.org>"
timezone = "UTC"
tag_feeds = true
"""
ENTRY = """\
---
title: A plain title
date: 2025-01-02
categories: ["R&D <beta>", "A > B"]
tags: ["x<y", "Q&A"]
---
Body text.
"""
TERMS = ["R&D <beta>", "A > B", "x<y", "Q&A"]
#: Each feed's folder and title ("Site title — Name" for a category's or tag's feed).
FEEDS = {
    "": TITLE,
    "categories/r-d-beta/": f"{TITLE} \u2014 R&D <beta>",
    "categories/a-b/": f"{TITLE} \u2014 A > B",
    "tags/x-y/": f"{TITLE} \u2014 x<y",
    "tags/q-a/": f"{TITLE} \u2014 Q&A",
}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    site.config(CONFIG)
    site.entry("a.md", ENTRY)
    result = site.run("build")
    assert result.exit_code == 0, result.output
    return site


@pytest.mark.parametrize("folder", FEEDS)
@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_feedparser_reads_the_names_as_written(built: SiteDir, folder: str, name: str) -> None:
    feed = feedparser.parse((built.public / folder / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == FEEDS[folder]
    # RSS's channel description is HTML to readers (as an item's): what they show is its
    # text with entities decoded. Atom's subtitle is plain text.
    description = feed.feed.subtitle
    if feed.feed.subtitle_detail.type == "text/html":
        description = html.unescape(description)
    assert description == DESCRIPTION
    (entry,) = feed.entries
    assert entry.title == "A plain title"
    assert [tag.term for tag in entry.tags] == TERMS


@pytest.mark.parametrize("folder", FEEDS)
def test_json_feed_names_as_written(built: SiteDir, folder: str) -> None:
    document = json.loads((built.public / folder / "feed.json").read_bytes())
    assert (document["title"], document["description"]) == (FEEDS[folder], DESCRIPTION)
    assert document["items"][0]["tags"] == TERMS


#: The plain-text elements of each format, as written.
PLAIN_TEXT = re.compile(rb"<(title|description|category|subtitle)>(.*?)</\1>", re.S)


@pytest.mark.parametrize("folder", FEEDS)
@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_markup_characters_are_character_references(built: SiteDir, folder: str, name: str) -> None:
    """'&' and '<' in plain text are written as &#x26; and &#x3C;, never &amp; or &lt;."""
    data = (built.public / folder / name).read_bytes()
    written = PLAIN_TEXT.findall(data)
    assert written
    for tag, text in written:
        assert b"&amp;" not in text and b"&lt;" not in text, (tag, text)
    assert b"Tricky &#x26; &#x3C;Valid&gt; Site" in data


def test_check_reports_nothing(built: SiteDir) -> None:
    result = built.run("check", "--strict")
    assert result.exit_code == 0, result.output
    assert "FP307" not in result.output


RSS = """\
<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
    <title>{title}</title>
    <link>https://example.org/</link>
    <description>{description}</description>
    <atom:link href="https://example.org/feed.xml" rel="self"/>
    <item>
      <title>First</title>
      <link>https://example.org/first/</link>
      <guid isPermaLink="true">https://example.org/first/</guid>
      <category>{category}</category>
    </item>
  </channel>
</rss>
"""
ATOM_DOCUMENT = """\
<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://example.org/atom.xml</id>
  <title>{title}</title>
  <updated>2025-01-02T00:00:00+00:00</updated>
  <author><name>Ann</name></author>
  <link href="https://example.org/atom.xml" rel="self"/>
  <subtitle>{description}</subtitle>
</feed>
"""


def rss(title: str = "Site", description: str = "About", category: str = "News") -> bytes:
    return RSS.format(title=title, description=description, category=category).encode()


def codes(findings: list) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in findings]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # as feedpub wrote them before: each draws the validator's CharacterData warning
        (rss(title="Tricky &amp; &lt;Valid&gt; Site"), [("FP307", 4)]),
        (rss(description="R&amp;D &lt;beta&gt;"), [("FP307", 6)]),
        (rss(category="R&amp;D &lt;beta&gt;"), [("FP307", 12)]),
        # written with hexadecimal character references: plain text to validators
        (rss(title="Tricky &#x26; &#x3C;Valid&gt; Site"), []),
        (rss(description="R&#x26;amp;D &#x26;lt;beta&#x26;gt;"), []),
        (rss(category="R&#x26;D &#x3C;beta&gt;"), []),
        (rss(title="a &amp; b > c", category="a &lt; b"), []),  # '<' before a space is text
        # an end tag looks like HTML whichever way it is written
        (rss(title="Use &#x3C;/b&gt; to close"), [("FP307", 4)]),
    ],
)
def test_check_flags_rss_plain_text_validators_warn_on(
    document: bytes, expected: list[tuple[str, int]]
) -> None:
    assert codes(lint_rss(document, Path("feed.xml"), "https://example.org/feed.xml")) == expected


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Tricky &amp; &lt;Valid&gt; Site", "About", []),  # '<' is text to Atom validators
        ("Site", "Fish &amp;amp; Chips", [("FP307", 8)]),  # an entity's text
        ("Site", "Fish &#x26;amp; Chips", []),
        ("Use &lt;/b&gt;", "About", [("FP307", 4)]),
    ],
)
def test_check_flags_atom_plain_text_validators_warn_on(
    title: str, description: str, expected: list[tuple[str, int]]
) -> None:
    document = ATOM_DOCUMENT.format(title=title, description=description).encode()
    assert codes(lint_atom(document, Path("atom.xml"), "https://example.org/atom.xml")) == expected


def test_check_flags_an_end_tag_in_a_json_feed_title() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Use </b> & <i>",
        "feed_url": "https://example.org/feed.json",
        "items": [],
    }
    found = lint_json(json.dumps(document).encode(), Path("feed.json"), document["feed_url"])
    assert [f.code for f in found] == ["FP307"]


def test_channel_title_and_description_written_by_build(built: SiteDir) -> None:
    """What the reference form decodes to: exactly the settings' text."""
    channel = etree.parse(built.public / "feed.xml").getroot().find("channel")
    assert channel.findtext("title") == TITLE
    assert html.unescape(channel.findtext("description")) == DESCRIPTION
    atom = etree.parse(built.public / "atom.xml").getroot()
    assert (atom.findtext(f"{ATOM}title"), atom.findtext(f"{ATOM}subtitle")) == (
        TITLE,
        DESCRIPTION,
    )


def test_the_plain_text_cleaner_built_once_cleans_as_nh3_clean_without_tags():
    """plain_text keeps one nh3 cleaner instead of building one for every call: the same
    text from hostile fragments (scripts, styles, comments, raw text elements, entities)."""
    import random

    import nh3

    from feedpub.render._text import _NO_TAGS

    pieces = [
        *("<script>x</script>", "<style>a{}</style>", "<b>b</b>", "&amp;", "&lt;", "<", ">"),
        *("&#x1;", "<!-- c -->", "<a href='javascript:x'>l</a>", "<img src=x onerror=y>"),
        *("text", " ", "\n", "<p>", "</p>", "<br>", "é", "&nbsp;", "<iframe>i</iframe>"),
        *("<noscript>n</noscript>", "<textarea>t</textarea>", "<svg><g/></svg>", "<xmp>x</xmp>"),
        *("<math><mi>x</mi></math>", "<template>t</template>", "<title>t</title>", "<plaintext>"),
    ]
    rng = random.Random(20261205)
    for _ in range(5_000):
        fragment = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        assert _NO_TAGS.clean(fragment) == nh3.clean(fragment, tags=set()), fragment
