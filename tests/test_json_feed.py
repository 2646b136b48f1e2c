"""JSON Feed 1.1 (public/feed.json): the spec's rules, the same items as the XML feeds, and a
real consumer (the `reader` library; feedparser 6.0 does not read JSON Feed)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from reader import make_reader

import feedpub
from feedpub.feeds.jsonfeed import lint_json

from .conftest import REPO, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The repository's sample site, built."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    feedpub.build(feedpub.load_site(root / "pyproject.toml"))
    return root / "public"


def test_sample_json_feed_fields(sample: Path) -> None:
    document = json.loads((sample / "feed.json").read_bytes())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "feedpub sample newsroom"
    assert document["home_page_url"] == "https://news.example.com/"
    assert document["feed_url"] == "https://news.example.com/feed.json"
    assert document["language"] == "en"
    assert document["authors"] == [{"name": "feedpub sample newsroom"}]
    (item,) = document["items"]
    link = "https://news.example.com/2025/11/ford-xiaomi-ev-partnership-talks/"
    assert item["id"] == item["url"] == link
    assert item["title"].startswith("Ford Explores EV Manufacturing Partnerships")
    assert item["authors"] == [{"name": "Emily Carter"}]
    assert item["tags"][0] == "Business & Economy"
    assert item["summary"].startswith("Ford has held preliminary talks with Xiaomi")
    assert "<h2>Industry Voices React</h2>" in item["content_html"]
    assert "Leave a Reply" not in item["content_html"]
    assert datetime.fromisoformat(item["date_published"]) == datetime.fromisoformat(
        "2025-11-14T09:00:00-05:00"
    )
    assert "date_modified" not in item  # the entry was never updated
    assert (
        lint_json((sample / "feed.json").read_bytes(), sample / "feed.json", document["feed_url"])
        == []
    )


def test_same_ids_and_order_as_the_xml_feeds(site: SiteDir) -> None:
    for day in range(1, 6):
        site.entry(f"e{day}.md", f"---\ntitle: Day {day}\ndate: 2025-03-0{day}\n---\nText {day}.\n")
    site.entry("same-date.md", "---\ntitle: Tie\ndate: 2025-03-03\nid: urn:x:tie\n---\nTie.\n")
    assert site.run("build").exit_code == 0
    document = json.loads((site.public / "feed.json").read_bytes())
    json_ids = [item["id"] for item in document["items"]]
    rss = etree.fromstring((site.public / "feed.xml").read_bytes())
    atom = etree.fromstring((site.public / "atom.xml").read_bytes())
    assert json_ids == [guid.text for guid in rss.iter("guid")]
    assert json_ids == [e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")]
    assert json_ids[0].endswith("/e5/")  # newest first


def test_summaries_only_give_content_text(site: SiteDir) -> None:
    site.config(
        """\
        base_url = "https://example.org/"
        full_content = false
        """
    )
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\nupdated: 2025-02-01\n---\nBody text.\n")
    assert site.run("build").exit_code == 0
    (item,) = json.loads((site.public / "feed.json").read_bytes())["items"]
    assert "content_html" not in item
    assert item["content_text"] == "Body text."
    assert datetime.fromisoformat(item["date_modified"]).date().isoformat() == "2025-02-01"


def test_an_empty_feed_has_an_empty_items_list(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ndraft: true\n---\nx\n")
    assert site.run("build").exit_code == 0
    assert json.loads((site.public / "feed.json").read_bytes())["items"] == []


def test_reader_reads_the_json_feed(sample: Path) -> None:
    reader = make_reader(":memory:", feed_root=str(sample))
    try:
        reader.add_feed("file:feed.json")
        reader.update_feeds()
        (entry,) = list(reader.get_entries())
        feed = reader.get_feed("file:feed.json")
    finally:
        reader.close()
    assert feed.title == "feedpub sample newsroom"
    assert entry.title.startswith("Ford Explores EV Manufacturing Partnerships")
    assert entry.link == "https://news.example.com/2025/11/ford-xiaomi-ev-partnership-talks/"
    assert [author.name for author in entry.authors] == ["Emily Carter"]
    assert entry.summary.startswith("Ford has held preliminary talks with Xiaomi")
    assert "Industry Voices React" in entry.content[0].value
    assert entry.published.isoformat() == "2025-11-14T14:00:00+00:00"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.update(version="https://jsonfeed.org/version/1"), "FP302"),
        (lambda d: d["items"][0].pop("id"), "FP302"),
        (lambda d: d["items"][0].pop("content_html"), "FP302"),
        (lambda d: d["items"].append(dict(d["items"][0])), "FP305"),
        (lambda d: d["items"][0].update(url="/relative/"), "FP303"),
        (lambda d: d["items"][0].update(date_published="14 Nov 2025"), "FP304"),
        (lambda d: d["items"][0].update(content_html='<img src="x.png">'), "FP303"),
    ],
    ids=["version", "no-id", "no-content", "duplicate-id", "relative-url", "bad-date", "rel-src"],
)
def test_lint_json_finds_broken_feeds(sample: Path, change, code: str) -> None:
    document = json.loads((sample / "feed.json").read_bytes())
    change(document)
    data = json.dumps(document).encode()
    found = lint_json(data, Path("feed.json"), "https://news.example.com/feed.json")
    assert code in {f.code for f in found}
    assert lint_json(b"{not json", Path("feed.json"), "x")[0].code == "FP301"


def _stdlib_item(item: dict[str, object]) -> bytes:
    """``item`` as the stdlib encoder writes it two levels down in the document."""
    text = json.dumps({"items": [item]}, ensure_ascii=False, indent=1)
    return text[len('{\n "items": [\n  ') : len(text) - len("\n ]\n}")].encode("utf-8")


def test_items_are_the_stdlib_encoders_bytes() -> None:
    """Items are encoded by orjson and indented as the stdlib's ``indent=1`` (see
    jsonfeed._item_bytes): the same bytes, character for character, at every depth, and
    through the stdlib where orjson refuses a value."""
    from feedpub.feeds.jsonfeed import _item_bytes

    encoder = json.JSONEncoder(ensure_ascii=False, indent=1)
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    items: list[dict[str, object]] = [
        {"id": "x", "content_html": every, "title": '"\\ \n\t\r\b\f\x00\x1f\x7f\u2028 é 𝄞'},
        {"id": "x", "tags": [], "authors": [{"name": "A", "url": "u"}], "a": {"b": [[{}]]}},
        {"id": "x", "attachments": [{"url": "u", "size_in_bytes": 0}, {"size_in_bytes": 7}]},
        {"id": "x", "size_in_bytes": 2**70},  # beyond 64 bits: orjson refuses it
    ]
    for item in items:
        assert _item_bytes(item, encoder) == _stdlib_item(item)
