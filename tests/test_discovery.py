"""Finding the feeds: index.html with autodiscovery links, feeds.opml, `feedpub links`."""

from __future__ import annotations

from lxml import etree, html

from .conftest import SiteDir


def _site(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [Local News]\n---\nA.\n")


def test_index_page_announces_every_feed(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    page = html.fromstring((site.public / "index.html").read_bytes())
    alternates = {
        (link.get("type"), link.get("href")) for link in page.xpath("//head/link[@rel='alternate']")
    }
    expected = set()
    for folder in ("", "categories/local-news/"):
        expected |= {
            ("application/rss+xml", f"https://example.org/{folder}feed.xml"),
            ("application/atom+xml", f"https://example.org/{folder}atom.xml"),
            ("application/feed+json", f"https://example.org/{folder}feed.json"),
        }
    assert alternates == expected
    assert page.findtext(".//h1") == "Test Site"
    assert {a.get("href") for a in page.xpath("//li/a")} == {url for _, url in expected}


def test_opml_lists_each_feed_once(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    opml = etree.fromstring((site.public / "feeds.opml").read_bytes())
    assert opml.get("version") == "2.0"
    outlines = [(o.get("text"), o.get("xmlUrl")) for o in opml.iter("outline")]
    assert outlines == [
        ("Test Site", "https://example.org/feed.xml"),
        ("Test Site \u2014 Local News", "https://example.org/categories/local-news/feed.xml"),
    ]


def test_an_index_html_of_yours_is_never_overwritten(site: SiteDir) -> None:
    _site(site)
    site.public.mkdir()
    (site.public / "index.html").write_text("<p>my home page</p>", encoding="utf-8")
    result = site.run("build")
    assert result.exit_code == 0
    assert "public/index.html: warning FP211:" in result.stderr
    assert (site.public / "index.html").read_text(encoding="utf-8") == "<p>my home page</p>"
    # still yours after more builds, whatever changed
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\n---\nB.\n")
    assert site.run("build").exit_code == 0
    assert (site.public / "index.html").read_text(encoding="utf-8") == "<p>my home page</p>"


def test_links_prints_the_head_tags(site: SiteDir) -> None:
    _site(site)
    result = site.run("links")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines == [
        '<link rel="alternate" type="application/rss+xml" title="Test Site (RSS)" '
        'href="https://example.org/feed.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Test Site (Atom)" '
        'href="https://example.org/atom.xml">',
        '<link rel="alternate" type="application/feed+json" title="Test Site (JSON Feed)" '
        'href="https://example.org/feed.json">',
    ]
    every = site.run("links", "--all").stdout.strip().splitlines()
    assert len(every) == 6
    assert "categories/local-news/atom.xml" in every[4]


def test_index_page_previews_the_entries_as_a_reader_shows_them(site: SiteDir) -> None:
    site.entry(
        "a.md",
        "---\ntitle: Bridge *opens*\ndate: 2025-01-01 09:30\nauthor: Ann Lee\n"
        "categories: [Local News, Roads]\nsummary: The new bridge opened.\n---\n"
        "## Crowds\n\n> It is wide.\n\n<script>alert(1)</script>\n",
    )
    site.entry("b.md", "---\ntitle: Older\ndate: 2024-12-01\n---\nOlder body.\n")
    assert site.run("build").exit_code == 0
    page = html.fromstring((site.public / "index.html").read_bytes())
    articles = page.xpath("//section[@id='entries']/article")
    assert [a.findtext("h3/a") for a in articles] == ["Bridge opens", "Older"]  # newest first
    first = articles[0]
    assert first.xpath("h3/a/@href") == ["https://example.org/2025/01/a/"]  # slug: the file name
    meta = first.find("p[@class='meta']").text_content()
    assert meta.startswith("By Ann Lee")
    assert "2025-01-01 09:30 (UTC)" in meta  # BASIC_CONFIG's time zone is UTC
    assert first.findtext("p[@class='categories']") == "Local News, Roads"
    assert first.findtext("p[@class='summary']") == "The new bridge opened."
    content = first.find("div[@class='content']")
    assert content.findtext("h2") == "Crowds"
    assert content.find("blockquote").text_content().strip() == "It is wide."
    assert not page.xpath("//script")  # the same sanitised HTML the feeds carry
