"""The repository's own sample site, built as a new user would, read back by feedparser.

Expectations come from the seed story (../shared/seeds/) and the sample entry's front matter,
written here by hand.
"""

from __future__ import annotations

import calendar
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedpub.cli import main

from .conftest import REPO

TITLE = (
    "Ford Explores EV Manufacturing Partnerships with Chinese Tech Giant Xiaomi, "
    "Amid Political Headwinds"
)
LINK = "https://news.example.com/2025/11/ford-xiaomi-ev-partnership-talks/"
# 2025-11-14T09:00:00-05:00, the date chosen for the sample (docs/getting-started.md, "The sample
# entry").
PUBLISHED_UTC = (2025, 11, 14, 14, 0, 0)
CHROME = ("Share:", "This Post Has 0 Comments", "No comments yet", "Leave a Reply")
QUOTES = ("Michael Rodriguez", "Sarah Chen", "Frank Kowalski", "Dr. Evelyn Park")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample site (pyproject.toml + entries/) built with plain `feedpub build`."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "entries", root / "entries")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 entry → 6 feeds in public/" in result.output
    return root / "public"


@pytest.fixture(scope="module", params=["feed.xml", "atom.xml"])
def parsed(request: pytest.FixtureRequest, built: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse((built / request.param).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def test_feed_versions(built: Path) -> None:
    assert feedparser.parse((built / "feed.xml").read_bytes()).version == "rss20"
    assert feedparser.parse((built / "atom.xml").read_bytes()).version == "atom10"


def test_channel(parsed: feedparser.FeedParserDict) -> None:
    assert parsed.feed.title == "feedpub sample newsroom"
    assert parsed.feed.link == "https://news.example.com/"
    assert parsed.feed.language == "en"
    assert len(parsed.entries) == 1


def test_entry_fields(parsed: feedparser.FeedParserDict) -> None:
    entry = parsed.entries[0]
    assert entry.title == TITLE
    assert entry.author == "Emily Carter"
    assert entry.link == LINK
    assert entry.id == LINK
    assert entry.tags[0].term == "Business & Economy"
    assert {"Ford", "Xiaomi"} <= {tag.term for tag in entry.tags}
    assert tuple(entry.published_parsed)[:6] == PUBLISHED_UTC
    if parsed.version == "atom10":  # RSS 2.0 has no "updated" of its own
        assert calendar.timegm(entry.updated_parsed) == calendar.timegm(entry.published_parsed)
    assert entry.summary.startswith("Ford has held preliminary talks with Xiaomi")
    assert "<" not in entry.summary


def test_content_has_the_story_not_the_chrome(parsed: feedparser.FeedParserDict) -> None:
    content = parsed.entries[0].content[0]
    assert content.type == "text/html"
    html = content.value
    assert html.startswith("<p>Ford Motor Company has engaged in exploratory discussions")
    assert "<h2>Industry Voices React</h2>" in html
    assert html.count("<blockquote>") == 4
    for name in QUOTES:
        assert f"<strong>{name}</strong>" in html
    assert "only Xi Jinping could love" in html
    for chrome in CHROME:
        assert chrome not in html


def test_sample_entry_source_leaves_out_the_chrome() -> None:
    (entry,) = (REPO / "entries").glob("*.md")
    text = entry.read_text(encoding="utf-8")
    for chrome in CHROME:
        assert chrome not in text
    assert "## Industry Voices React" in text
