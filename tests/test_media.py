"""Featured images and enclosures (issue 7, item 4): Media RSS in RSS and Atom, RSS
<enclosure> (one), Atom link rel="enclosure" (each), JSON Feed image and attachments.

Expected sizes are the sizes of the files the tests write; expected types are the IANA types of
the file name extensions (RFC 3003: .mp3 is audio/mpeg; .pdf application/pdf; .jpg image/jpeg).
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedpub.feeds.atom import lint_atom
from feedpub.feeds.rss import lint_rss

from .conftest import BASIC_CONFIG, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
BLOG_CONFIG = """\
title = "Pod"
base_url = "https://example.org/blog/"
author = "Host <host@example.org>"
"""


def _podcast(site: SiteDir) -> None:
    site.config(BLOG_CONFIG)
    (site.root / "img").mkdir()
    (site.root / "img" / "cover art.jpg").write_bytes(b"j" * 777)
    (site.public / "episodes").mkdir(parents=True)
    (site.public / "episodes" / "ep1.mp3").write_bytes(b"m" * 12345)
    site.entry(
        "ep1.md",
        "---\n"
        "title: Episode 1\n"
        "date: 2025-01-02\n"
        "image:\n"
        "  path: img/cover art.jpg\n"
        "  alt: The cover\n"
        "enclosure:\n"
        "  - /episodes/ep1.mp3\n"
        "  - url: https://cdn.example.net/notes.pdf\n"
        "    title: Show notes\n"
        "---\n"
        "The first episode.\n",
    )


COVER = "https://example.org/blog/img/cover%20art.jpg"
EPISODE = "https://example.org/blog/episodes/ep1.mp3"
NOTES = "https://cdn.example.net/notes.pdf"


def test_rss_has_media_rss_and_the_first_enclosure_only(site: SiteDir) -> None:
    _podcast(site)
    assert site.run("build").exit_code == 0
    item = etree.parse(str(site.public / "feed.xml")).find("channel/item")
    (enclosure,) = item.findall("enclosure")
    assert enclosure.attrib == {"url": EPISODE, "length": "12345", "type": "audio/mpeg"}
    content = item.find(f"{MEDIA}content")
    assert content.attrib == {
        "url": COVER,
        "fileSize": "777",
        "type": "image/jpeg",
        "medium": "image",
    }
    assert item.find(f"{MEDIA}thumbnail").get("url") == COVER
    html = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert html.startswith(f'<p><img src="{COVER}" alt="The cover"></p>')
    assert item.findtext("description") == "The first episode."  # not the image paragraph


def test_atom_has_every_enclosure_and_media_rss(site: SiteDir) -> None:
    _podcast(site)
    assert site.run("build").exit_code == 0
    entry = etree.parse(str(site.public / "atom.xml")).find(f"{ATOM}entry")
    links = [dict(link.attrib) for link in entry.findall(f"{ATOM}link")]
    assert links == [
        {"href": "https://example.org/blog/2025/01/ep1/", "rel": "alternate", "type": "text/html"},
        {"href": EPISODE, "rel": "enclosure", "type": "audio/mpeg", "length": "12345"},
        {"href": NOTES, "rel": "enclosure", "type": "application/pdf", "title": "Show notes"},
    ]
    assert entry.find(f"{MEDIA}content").get("url") == COVER
    assert entry.find(f"{MEDIA}thumbnail").get("url") == COVER


def test_json_feed_image_and_attachments(site: SiteDir) -> None:
    _podcast(site)
    assert site.run("build").exit_code == 0
    (item,) = json.loads((site.public / "feed.json").read_bytes())["items"]
    assert item["image"] == COVER
    assert item["attachments"] == [
        {"url": EPISODE, "mime_type": "audio/mpeg", "size_in_bytes": 12345},
        {"url": NOTES, "mime_type": "application/pdf", "title": "Show notes"},
    ]


def test_feedparser_reads_them_and_check_is_clean(site: SiteDir) -> None:
    _podcast(site)
    assert site.run("build").exit_code == 0
    for name, expected in (("feed.xml", [EPISODE]), ("atom.xml", [EPISODE, NOTES])):
        parsed = feedparser.parse(site.public / name)
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        (entry,) = parsed.entries
        assert [e["href"] for e in entry.enclosures] == expected
        assert entry.enclosures[0]["length"] == "12345"
        assert entry.media_content[0]["url"] == COVER
        assert entry.media_thumbnail[0]["url"] == COVER
    result = site.run("check", "--strict")
    assert result.exit_code == 0, result.output


def test_an_image_already_in_the_body_is_not_shown_twice(site: SiteDir) -> None:
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-01\nimage: https://cdn.example.net/a.png\n---\n"
        "Text.\n\n![A](https://cdn.example.net/a.png)\n",
    )
    assert site.run("build").exit_code == 0
    (item,) = json.loads((site.public / "feed.json").read_bytes())["items"]
    assert item["content_html"].count("https://cdn.example.net/a.png") == 1
    assert item["content_html"].startswith("<p>Text.</p>")


def test_a_url_elsewhere_gets_length_0_in_rss_and_none_in_atom(site: SiteDir) -> None:
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-01\nenclosure: https://cdn.example.net/a.ogg\n---\nA.\n",
    )
    assert site.run("build").exit_code == 0
    rss = etree.parse(str(site.public / "feed.xml")).find("channel/item/enclosure")
    # RSS requires length; the RSS Advisory Board profile says 0 when it is unknown.
    url = "https://cdn.example.net/a.ogg"
    assert rss.attrib == {"url": url, "length": "0", "type": "audio/ogg"}
    atom = etree.parse(str(site.public / "atom.xml")).findall(f"{ATOM}entry/{ATOM}link")[1]
    assert "length" not in atom.attrib


def test_a_changed_file_changes_the_length_on_the_next_build(site: SiteDir) -> None:
    _podcast(site)
    assert site.run("build").exit_code == 0
    (site.public / "episodes" / "ep1.mp3").write_bytes(b"m" * 20000)
    assert site.run("build").exit_code == 0
    enclosure = etree.parse(str(site.public / "feed.xml")).find("channel/item/enclosure")
    assert enclosure.get("length") == "20000"


@pytest.mark.parametrize(
    ("lines", "where", "code", "words"),
    [
        (["enclosure: episodes/nope.mp3"], 4, "FP113", "enclosure 'episodes/nope.mp3' is not a"),
        (["image: img/missing.png"], 4, "FP113", "image 'img/missing.png' is not a file"),
        (["enclosure: 5"], 4, "FP112", "enclosure must be a URL, a path on the site"),
        (["enclosure: https://x.example/dl"], 4, "FP112", "cannot tell the media type"),
        (["enclosure:", "  url: a.mp3", "  size: 3"], 4, "FP112", "unknown enclosure field"),
        (
            ["enclosure:", "  url: https://x.example/a.mp3", "  length: -1"],
            4,
            "FP112",
            "length must be a whole number",
        ),
        (["image: javascript:alert(1)"], 4, "FP112", "must be an http(s) URL"),
        (["enclosure: ../secret.mp3"], 4, "FP112", "may not contain '..'"),
        (["image:", "  url: https://x.example/a.png", "  type: png"], 4, "FP112", "not a media"),
        (["image: https://x.example/episode.mp3"], 4, "FP112", "is audio/mpeg, not an image"),
        (
            ["image:", "  url: https://x.example/a", "  type: video/mp4"],
            4,
            "FP112",
            "is video/mp4, not an image",
        ),
    ],
    ids=[
        "missing-file",
        "missing-image",
        "number",
        "no-type",
        "unknown-field",
        "negative-length",
        "javascript",
        "dot-dot",
        "bad-type",
        "sound-as-image",
        "video-type-as-image",
    ],
)
def test_mistakes_are_one_line_each(site: SiteDir, lines, where, code, words) -> None:
    site.entry("a.md", "\n".join(["---", "title: A", "date: 2025-01-01", *lines, "---", "A.\n"]))
    result = site.run("build")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"entries/a.md:{where}: "), result.stderr
    assert words in first
    assert "Traceback" not in result.output
    assert not site.public.exists()
    status = site.run("check", "--format", "json")
    assert code in {f["code"] for f in json.loads(status.stdout)}


def _built(site: SiteDir) -> tuple[bytes, bytes]:
    _podcast(site)
    assert site.run("build").exit_code == 0
    return (site.public / "feed.xml").read_bytes(), (site.public / "atom.xml").read_bytes()


def test_lint_finds_broken_enclosures_and_media(site: SiteDir) -> None:
    rss, atom = _built(site)
    rss_url, atom_url = "https://example.org/blog/feed.xml", "https://example.org/blog/atom.xml"
    assert lint_rss(rss, Path("feed.xml"), rss_url) == []
    assert lint_atom(atom, Path("atom.xml"), atom_url) == []
    enclosure = f'<enclosure url="{EPISODE}" length="12345" type="audio/mpeg"/>'.encode()
    cases = [
        (rss.replace(enclosure, enclosure * 2), "FP309"),  # two enclosures in one RSS item
        (rss.replace(b'length="12345"', b'length="12 kB"'), "FP309"),
        (rss.replace(b'type="audio/mpeg"', b'type="mp3"'), "FP309"),
        (rss.replace(f'url="{COVER}"'.encode(), b'url="img/x.jpg"'), "FP303"),
    ]
    for data, code in cases:
        assert code in {f.code for f in lint_rss(data, Path("feed.xml"), rss_url)}, code
    broken = atom.replace(b'length="12345"', b'length="big"')
    assert "FP309" in {f.code for f in lint_atom(broken, Path("atom.xml"), atom_url)}


@pytest.mark.parametrize(
    ("dialect", "folder", "written"),
    [
        ("feedpub", "public", "public/episodes/ep.mp3"),  # through the output folder
        ("hugo", "static", "static/episodes/ep.mp3"),  # through Hugo's static/
    ],
)
def test_a_path_through_a_folder_published_at_the_root_has_the_root_url(
    site: SiteDir, dialect: str, folder: str, written: str
) -> None:
    site.config(BASIC_CONFIG + f'dialect = "{dialect}"\n')
    (site.root / folder / "episodes").mkdir(parents=True)
    (site.root / folder / "episodes" / "ep.mp3").write_bytes(b"m" * 10)
    front = f"title: E\ndate: 2025-01-02\nenclosure: {written}\n"
    if dialect == "hugo":
        site.entry("posts/e.md", f"---\n{front}---\nE.\n")
    else:
        site.entry("e.md", f"---\n{front}---\nE.\n")
    assert site.run("build").exit_code == 0
    enclosure = etree.parse(str(site.public / "feed.xml")).find("channel/item/enclosure")
    assert enclosure.get("url") == "https://example.org/episodes/ep.mp3"  # what is served
    assert enclosure.get("length") == "10"


def test_a_url_without_its_scheme_takes_the_sites(site: SiteDir) -> None:
    """``image: //host/x.png`` (a network-path reference, RFC 3986): the scheme of base_url, as
    a browser reads it on the site's pages; ``///x`` (no host) stays an error."""
    site.config(BLOG_CONFIG)
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\nimage: //cdn.example.net/a b.png\n"
        "enclosure: //cdn.example.net/ep.mp3\n---\nA.\n",
    )
    assert site.run("build").exit_code == 1  # a space: not a URL
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\nimage: //cdn.example.net/a.png\n"
        "enclosure: //cdn.example.net/ep.mp3\n---\nA.\n",
    )
    done = site.run("build")
    assert done.exit_code == 0, done.output
    (item,) = json.loads((site.public / "feed.json").read_text(encoding="utf-8"))["items"]
    assert item["image"] == "https://cdn.example.net/a.png"
    assert item["attachments"][0]["url"] == "https://cdn.example.net/ep.mp3"
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-02\nimage: ///a.png\n---\nA.\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert "entries/a.md:4: image '///a.png' must be an http(s) URL" in done.stderr


def test_urls_in_other_scripts_are_written_in_ascii(site: SiteDir) -> None:
    """RSS wants URLs, not IRIs (the W3C validator: "IRI found where URL expected"): the host
    in IDNA, the rest percent-encoded as UTF-8; a URL with a space is an error."""
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\nimage: https://x.org/ä.png?q=ü#f\n"
        "enclosure: {url: 'https://bücher.example/é.mp3', length: 5}\n---\nA.\n",
    )
    assert site.run("build").exit_code == 0
    item = etree.parse(str(site.public / "feed.xml")).find("channel/item")
    assert item.find(f"{MEDIA}content").get("url") == "https://x.org/%C3%A4.png?q=%C3%BC#f"
    assert item.find("enclosure").get("url") == "https://xn--bcher-kva.example/%C3%A9.mp3"
    assert "https://x.org/%C3%A4.png?q=%C3%BC#f" in (site.public / "feed.json").read_text()
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\nimage: https://x.org/a b.png\n---\nB.\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert "entries/b.md:4: image 'https://x.org/a b.png' must be an http(s) URL" in result.output


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("https://example.org/a.mp3", "https://example.org/a.mp3"),
        ("https://exämple.org/ä", "https://xn--exmple-cua.org/%C3%A4"),
        (
            "https://üser:pw@exämple.org:8080/ä?q=ü#é",
            "https://%C3%BCser:pw@xn--exmple-cua.org:8080/%C3%A4?q=%C3%BC#%C3%A9",
        ),
        ("https://[::1]:80/ä", "https://[::1]:80/%C3%A4"),
        ("https://example.org/%C3%A4ü", "https://example.org/%C3%A4%C3%BC"),
        ("https://example.org/a b", None),
        ("https://example.org/a\tb", None),
        ("https://a..ü/", None),
        ("javascript:alert(1)", None),
        # IDNA 2008 (UTS #46 nontransitional), as browsers write these hosts; Python's codec
        # (IDNA 2003) wrote faß.de as fass.de, another site
        ("https://faß.de/x", "https://xn--fa-hia.de/x"),
        ("https://FAß.de/", "https://xn--fa-hia.de/"),
        ("https://καλημέρας.gr/", "https://xn--ixahbwnhi5bk.gr/"),
        ("https://exämple.faß.de/", "https://xn--exmple-cua.xn--fa-hia.de/"),
        ("https://faß..de/", None),
        # a final capital sigma beside an eszett: U+03C3, as UTS #46 maps it (not U+03C2)
        ("https://\u00df\u03a3.de/", "https://xn--zca49l.de/"),
    ],
)
def test_web_url(given: str, written: str | None) -> None:
    from feedpub.fields import web_url

    assert web_url(given) == written
