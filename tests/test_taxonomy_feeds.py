"""Per-category, per-tag and per-author feeds (categories on by default, tags and authors off)."""

from __future__ import annotations

import json
import sys

from lxml import etree

from .conftest import BASIC_CONFIG, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(site: SiteDir) -> None:
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-01\nauthor: Émile Zola\n"
        "categories: [Business & Economy, Économie]\ntags: [Electric Vehicles]\n---\nA.\n",
    )
    site.entry(
        "b.md",
        "---\ntitle: B\ndate: 2025-01-02\nauthor: Ann\ncategories: [Business & Economy]\n---\nB.\n",
    )


def _titles(path) -> list[str]:
    return [item.findtext("title") for item in etree.parse(str(path)).iter("item")]


def test_category_feeds_by_default(site: SiteDir) -> None:
    _entries(site)
    assert site.run("build").exit_code == 0
    folder = site.public / "categories" / "business-economy"
    assert _titles(folder / "feed.xml") == ["B", "A"]  # newest first
    assert _titles(site.public / "categories" / "economie" / "feed.xml") == ["A"]
    atom = etree.parse(str(folder / "atom.xml")).getroot()
    assert atom.findtext(f"{ATOM}title") == "Test Site \u2014 Business & Economy"
    self_link = next(x for x in atom.iter(f"{ATOM}link") if x.get("rel") == "self")
    assert self_link.get("href") == "https://example.org/categories/business-economy/atom.xml"
    document = json.loads((folder / "feed.json").read_bytes())
    assert document["feed_url"] == "https://example.org/categories/business-economy/feed.json"
    assert [i["title"] for i in document["items"]] == ["B", "A"]
    assert not (site.public / "tags").exists()
    assert not (site.public / "authors").exists()


def test_tag_and_author_feeds_when_asked_and_category_feeds_off(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "category_feeds = false\ntag_feeds = true\nauthor_feeds = true\n")
    _entries(site)
    assert site.run("build").exit_code == 0
    assert not (site.public / "categories").exists()
    assert _titles(site.public / "tags" / "electric-vehicles" / "feed.xml") == ["A"]
    assert _titles(site.public / "authors" / "emile-zola" / "feed.xml") == ["A"]
    assert _titles(site.public / "authors" / "ann" / "feed.xml") == ["B"]


def test_limit_applies_to_each_feed(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "limit = 1\n")
    _entries(site)
    assert site.run("build").exit_code == 0
    assert _titles(site.public / "categories" / "business-economy" / "feed.xml") == ["B"]


def test_two_names_with_one_slug_are_an_error_not_a_merge(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [Business]\n---\nA.\n")
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\ncategories: [business]\n---\nB.\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert (
        "entries/a.md:4: category 'Business' makes the same URL slug 'business' as 'business'"
        in result.stderr
    )  # b.md is newer, so it is seen first; a.md's spelling is the second
    assert not site.public.exists()


def test_a_category_no_longer_used_loses_its_feed_files_not_yours(site: SiteDir) -> None:
    _entries(site)
    assert site.run("build").exit_code == 0
    (site.public / "categories" / "mine.txt").write_text("keep me", encoding="utf-8")
    site.entry(
        "a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [Business & Economy]\n---\nA\n"
    )
    assert site.run("build").exit_code == 0
    assert not (site.public / "categories" / "economie").exists()
    assert (site.public / "categories" / "business-economy" / "feed.xml").exists()
    assert (site.public / "categories" / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_check_lints_every_category_feed(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + 'author = "N <n@example.org>"\n')
    _entries(site)
    result = site.run("check", "--strict")
    assert result.exit_code == 0, result.output


def test_an_entry_in_several_feeds_has_its_items_made_once_and_the_same(
    site: SiteDir, monkeypatch
) -> None:
    import feedpub.feeds as feeds

    atom, rss = sys.modules["feedpub.feeds.atom"], sys.modules["feedpub.feeds.rss"]

    site.config(BASIC_CONFIG + "tag_feeds = true\nauthor_feeds = true\n")
    _entries(site)
    assert site.run("build", "--no-cache").exit_code == 0
    made_once = site.snapshot()
    made: list[str] = []
    real_rss, real_atom, real_get = rss._rss_item, atom._atom_entry, feeds.ItemMemo.get
    monkeypatch.setattr(rss, "_rss_item", lambda i: made.append(i.title) or real_rss(i))
    monkeypatch.setattr(atom, "_atom_entry", lambda i: made.append(i.title) or real_atom(i))
    # Without the memo, every feed makes its items anew: the files must be the same.
    monkeypatch.setattr(feeds.ItemMemo, "get", lambda self, kind, item, make: make(item))
    (site.public / "feed.xml").unlink()  # so that the build writes again
    assert site.run("build", "--no-cache").exit_code == 0
    assert site.snapshot().keys() == made_once.keys()
    for name, (data, _) in site.snapshot().items():
        assert data == made_once[name][0], name
    # A is in 5 feeds (main, 2 categories, 1 tag, 1 author), B in 3 (main, 1 category, 1
    # author): without the memo each of their items was made for each feed, in RSS and Atom.
    assert sorted(made) == ["A"] * 10 + ["B"] * 6
    made.clear()
    monkeypatch.setattr(feeds.ItemMemo, "get", real_get)
    (site.public / "feed.xml").unlink()
    assert site.run("build", "--no-cache").exit_code == 0
    assert sorted(made) == ["A", "A", "B", "B"]  # once per format
    for name, (data, _) in site.snapshot().items():
        assert data == made_once[name][0], name


def test_the_item_memo_keeps_at_most_its_budget_and_never_a_stale_item() -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from feedpub.feeds._common import ItemMemo
    from feedpub.model import Entry, Rendered

    def entry(n: int) -> Entry:
        return Entry(
            path=Path(f"{n}.md"),
            title=f"t{n}",
            date=datetime(2025, 1, 1, tzinfo=UTC),
            updated=None,
            authors=(),
            categories=(),
            tags=(),
            summary=None,
            draft=False,
            slug=str(n),
            link=f"https://example.org/{n}/",
            id=f"https://example.org/{n}/",
        )

    made: list[str] = []
    entries = [entry(n) for n in range(20)]
    memo = ItemMemo([id(e) for e in entries], budget=10_000)
    for _ in range(2):
        for e in entries:
            item = Rendered(entry=e, title=e.title, summary="s", content_html="x" * 3000)
            element = memo.get(
                "rss", item, lambda i: made.append(i.title) or etree.Element(i.title)
            )
            assert element.tag == e.title
            assert memo._size <= 10_000 and len(memo._made) <= 3
    assert made == [f"t{n}" for n in range(20)] * 2  # a budget of ~2.5 items: all made again
    made.clear()
    first = Rendered(entry=entries[0], title="old", summary="s", content_html="x")
    memo.get("rss", first, lambda i: made.append(i.title) or etree.Element("old"))
    assert memo.get("rss", first, lambda i: etree.Element("never")).tag == "old"
    edited = Rendered(entry=entries[0], title="new", summary="s", content_html="x")
    assert memo.get("rss", edited, lambda i: etree.Element("new")).tag == "new"
    assert memo.get("atom", edited, lambda i: etree.Element("atom")).tag == "atom"
    # An entry no other feed carries: made each time, never kept.
    alone = Rendered(entry=entry(99), title="alone", summary="s", content_html="x")
    kept = dict(memo._made)
    for _ in range(2):
        memo.get("rss", alone, lambda i: made.append(i.title) or etree.Element("alone"))
    assert made.count("alone") == 2
    assert memo._made == kept


def test_each_name_slugged_once_when_planning(site: SiteDir, monkeypatch) -> None:
    """Planning makes a name's slug once, however many entries name it (10,000 entries name
    a few dozen categories 20,000 times), and the feeds are still those of each slug."""
    from feedpub import dialects
    from feedpub.config import load_site
    from feedpub.plan import plan_feeds
    from feedpub.scan import scan

    for day in range(1, 10):
        site.entry(
            f"e{day}.md",
            f"---\ntitle: E{day}\ndate: 2025-01-0{day}\n"
            "categories: [Business & Economy, Économie, Sport]\n---\nE.\n",
        )
    loaded = load_site(folder=site.root)
    dialect = dialects.of(loaded)
    asked: list[str] = []
    slug = dialect.term_slug
    monkeypatch.setattr(dialect, "term_slug", lambda name: asked.append(name) or slug(name))
    plans = plan_feeds(loaded, scan(loaded).entries)
    assert sorted(asked) == ["Business & Economy", "Sport", "Économie"]
    folders = [p.folder for p in plans if p.folder.startswith("categories/")]
    assert folders == ["categories/business-economy/", "categories/economie/", "categories/sport/"]
    assert all(len(p.entries) == 9 for p in plans if p.folder in folders)


def test_a_long_slug_is_refused_by_the_length_of_its_feeds_file_names(site: SiteDir) -> None:
    """A category's slug names a folder (``categories/{slug}/feed.xml``) or a file
    (``feed/{slug}.xml``): what is too long is a name over the 255 bytes a file system takes,
    not a slug over 200 bytes, which refused sites with a slug of 201 to 255 bytes that built
    (ee08f1c), while 'feed/{slug}.xml' with a slug of 252 bytes passed, then failed the write."""
    site.entry("a.md", f"---\ntitle: A\ndate: 2025-01-01\ncategories: [{'a' * 230}]\n---\nA.\n")
    done = site.run("build")
    assert done.exit_code == 0, done.output
    assert (site.public / "categories" / ("a" * 230) / "feed.xml").is_file()

    site.config(
        BASIC_CONFIG + 'taxonomy_path = "feed/{slug}.xml"\natom_path = false\njson_path = false\n'
    )
    site.entry("a.md", f"---\ntitle: A\ndate: 2025-01-01\ncategories: [{'a' * 252}]\n---\nA.\n")
    done = site.run("build")
    assert done.exit_code == 1, done.output
    assert "entries/a.md:4: category 'aaa" in done.stderr
    assert "slug of 252 bytes" in done.stderr and "256 bytes" in done.stderr, done.stderr
    assert "Traceback" not in done.output and "File name too long" not in done.output
