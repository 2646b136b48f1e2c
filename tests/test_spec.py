"""Feed-level facts the RSS 2.0 and Atom 1.0 specs require (docs/architecture.md, "Facts the
output must respect"), checked in the XML."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main

from .conftest import REPO, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

BODY = """\
Intro with a [relative link](../other/) and an ![image](images/chart.png "Chart").

<p><img src="a.jpg" srcset="a-1x.jpg 1x, /img/a-2x.jpg 2x" onerror="alert(1)"></p>

<video src="clip.mp4" poster="poster.jpg"></video>

<script>alert("x")</script>
<a href="javascript:alert(1)" onclick="evil()">click</a>

```xml
<![CDATA[ data ]]>
```
"""


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    site.config(
        """\
        title = "Spec & Co"
        base_url = "https://example.org/blog"
        description = "Checks"
        language = "de"
        author = "Site Owner <owner@example.org>"
        """
    )
    site.entry("2025-02-03-tricky.md", f"---\ntitle: Tricky\ndate: 2025-02-03 08:00\n---\n{BODY}")
    site.entry("plain.md", "---\ntitle: Plain\ndate: 2025-01-01\nauthor: Ann\n---\nText.\n")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    return site


def _xml(site: SiteDir, name: str) -> etree._Element:
    return etree.fromstring((site.public / name).read_bytes())


def test_rss_channel(built: SiteDir) -> None:
    channel = _xml(built, "feed.xml").find("channel")
    assert channel.findtext("title") == "Spec & Co"
    assert channel.findtext("link") == "https://example.org/blog/"  # the site, not the feed
    assert channel.findtext("description") == "Checks"
    assert channel.findtext("language") == "de"
    (self_link,) = channel.findall(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "https://example.org/blog/feed.xml"
    parsedate_to_datetime(channel.findtext("lastBuildDate"))
    for item in channel.findall("item"):
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert published.tzinfo is not None
        assert item.findtext("link").startswith("https://example.org/blog/")


def test_atom_feed(built: SiteDir) -> None:
    feed = _xml(built, "atom.xml")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert feed.findtext(f"{ATOM}id") == "https://example.org/blog/atom.xml"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://example.org/blog/atom.xml",
        "alternate": "https://example.org/blog/",
    }
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Site Owner"
    for element in feed.iter(f"{ATOM}updated", f"{ATOM}published"):
        assert RFC3339.match(element.text), element.text
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 2
    for entry in feed.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}summary").get("type") is None  # plain text


def _tricky_html(built: SiteDir) -> str:
    channel = _xml(built, "feed.xml").find("channel")
    item = next(i for i in channel.findall("item") if i.findtext("title") == "Tricky")
    return item.findtext(CONTENT)


def test_urls_in_content_are_absolute(built: SiteDir) -> None:
    html = _tricky_html(built)
    assert 'href="https://example.org/blog/2025/02/other/"' in html
    assert 'src="https://example.org/blog/2025/02/tricky/images/chart.png"' in html
    assert 'src="https://example.org/blog/2025/02/tricky/a.jpg"' in html
    assert (
        'srcset="https://example.org/blog/2025/02/tricky/a-1x.jpg 1x, '
        'https://example.org/img/a-2x.jpg 2x"' in html
    )
    assert 'poster="https://example.org/blog/2025/02/tricky/poster.jpg"' in html
    for url in re.findall(r'(?:href|src|poster)="([^"]*)"', html):
        assert url.startswith("https://"), url


def test_unsafe_html_is_removed(built: SiteDir) -> None:
    html = _tricky_html(built)
    for unsafe in ("<script", "onerror", "onclick", "javascript:", 'alert("x")'):
        assert unsafe not in html


def test_code_with_cdata_end_survives(built: SiteDir) -> None:
    html = _tricky_html(built)
    assert "&lt;![CDATA[ data ]]&gt;" in html
    atom = _xml(built, "atom.xml")
    contents = [c.text for c in atom.iter(f"{ATOM}content")]
    assert any("&lt;![CDATA[ data ]]&gt;" in c for c in contents)
    # escaped text, never a CDATA section that the "]]>" in the code could end early
    assert b"<![CDATA[" not in (built.public / "atom.xml").read_bytes()
    assert b"<![CDATA[" not in (built.public / "feed.xml").read_bytes()


def test_naive_date_uses_site_zone(built: SiteDir) -> None:
    feed = _xml(built, "atom.xml")
    published = {
        e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}published")
        for e in feed.iter(f"{ATOM}entry")
    }
    # the site has no timezone setting: UTC
    assert datetime.fromisoformat(published["Tricky"]) == datetime.fromisoformat(
        "2025-02-03T08:00:00+00:00"
    )


DATA_AND_TRUSTED = """\
<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">
<a href="data:text/html;base64,PHNjcmlwdD4=">trap</a>
<iframe src="player/1"></iframe>
<script src="widget.js"></script>
<p onclick="evil()" style="color: red">styled</p>
"""


def _content(site: SiteDir) -> str:
    channel = _xml(site, "feed.xml").find("channel")
    return channel.find("item").findtext(CONTENT)


def test_data_urls_survive_only_as_images(site: SiteDir) -> None:
    site.entry("a.md", f"---\ntitle: A\ndate: 2025-01-01\n---\n{DATA_AND_TRUSTED}")
    assert site.run("build").exit_code == 0
    html = _content(site)
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert "data:text/html" not in html
    for gone in ("<iframe", "<script", "onclick", "style="):
        assert gone not in html


def test_text_that_begins_like_a_data_url_is_no_url(site: SiteDir) -> None:
    """Only URL attributes hold URLs: an alt text or a title that begins with "Data:" stays."""
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-01\n---\n"
        '<img src="chart.png" alt="Data: the numbers"> <a href="x/" title="data: sources">x</a>\n',
    )
    assert site.run("build").exit_code == 0
    html = _content(site)
    assert 'alt="Data: the numbers"' in html and 'title="data: sources"' in html


def test_sanitize_false_keeps_trusted_markup_but_never_event_handlers(site: SiteDir) -> None:
    site.config(
        """\
        base_url = "https://example.org/"
        author = "A <a@example.org>"
        sanitize = false
        """
    )
    site.entry("a.md", f"---\ntitle: A\ndate: 2025-01-01\n---\n{DATA_AND_TRUSTED}")
    assert site.run("build").exit_code == 0
    html = _content(site)
    assert '<iframe src="https://example.org/2025/01/a/player/1">' in html
    assert '<script src="https://example.org/2025/01/a/widget.js">' in html
    assert 'style="color: red"' in html
    assert "onclick" not in html
    assert "data:text/html" not in html
    # check points at the script that trusted mode let through
    result = site.run("check")
    assert result.exit_code == 0  # a warning, not an error
    assert "warning FP308" in result.stdout


def test_tricky_fixture_site_is_clean_under_check_strict(tmp_path, monkeypatch) -> None:
    shutil.copytree(REPO / "tests" / "data" / "tricky", tmp_path / "tricky")
    monkeypatch.chdir(tmp_path / "tricky")
    result = CliRunner().invoke(main, ["check", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
