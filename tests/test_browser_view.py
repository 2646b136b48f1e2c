"""The browser view: feed.xml and atom.xml point at feed.xsl, which turns them into a page."""

from __future__ import annotations

import feedparser
from lxml import etree

from .conftest import BASIC_CONFIG, SiteDir

#: The stylesheet is named relative to each feed: browsers apply only same-origin XSL, so an
#: absolute https://example.org/feed.xsl would not work where the site is previewed.
PI = {
    "feed.xml": '<?xml-stylesheet type="text/xsl" href="feed.xsl"?>',
    "atom.xml": '<?xml-stylesheet type="text/xsl" href="feed.xsl"?>',
    "categories/local/feed.xml": '<?xml-stylesheet type="text/xsl" href="../../feed.xsl"?>',
}


def _site(site: SiteDir) -> None:
    site.entry(
        "a.md",
        "---\ntitle: Bridge opens\ndate: 2025-01-01\ncategories: [Local]\n"
        "summary: The new bridge opened.\n---\nBody.\n",
    )


def test_feeds_point_at_the_stylesheet_which_renders_a_page(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    transform = etree.XSLT(etree.parse(str(site.public / "feed.xsl")))
    for name in PI:
        data = (site.public / name).read_bytes()
        assert data.splitlines()[1].startswith(PI[name].encode()), name
        assert feedparser.parse(data).bozo == 0
        page = str(transform(etree.fromstring(data).getroottree()))
        assert "Bridge opens" in page
        assert "The new bridge opened." in page
        assert '<div class="content"><p>Body.</p>' in page  # the full text, as HTML
        assert "To subscribe, copy its address into your feed reader" in page
        assert f"https://example.org/{name}" in page  # the feed's own address to copy


def test_browser_view_can_be_turned_off(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "browser_view = false\n")
    _site(site)
    assert site.run("build").exit_code == 0
    assert b"xml-stylesheet" not in (site.public / "feed.xml").read_bytes()
    assert b"xml-stylesheet" not in (site.public / "atom.xml").read_bytes()
    assert not (site.public / "feed.xsl").exists()


def test_the_byline_names_every_author_and_no_address(site: SiteDir) -> None:
    site.entry(
        "one.md",
        "---\ntitle: One\ndate: 2025-01-01\nauthor: Ann O'Neil <ann@example.org>\n---\nA.\n",
    )
    site.entry(
        "two.md",
        "---\ntitle: Two\ndate: 2025-01-02\n"
        "authors: [Ann O'Neil <ann@example.org>, Bob Ray]\n---\nB.\n",
    )
    assert site.run("build").exit_code == 0
    transform = etree.XSLT(etree.parse(str(site.public / "feed.xsl")))
    for name in ("feed.xml", "atom.xml"):
        page = str(transform(etree.parse(str(site.public / name))))
        assert "By Ann O'Neil, Bob Ray · " in page, name
        assert "By Ann O'Neil · " in page, name
        assert "ann@example.org" not in page, name
