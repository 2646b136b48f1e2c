"""Complete history (issue 7, item 6): RFC 5005 archived feeds.

With archive = true, the main feed keeps its newest `limit` entries and public/archive/<n>/
(feed.xml, atom.xml) holds every entry, oldest first, `archive_size` per document. RFC 5005
section 4: archive documents carry fh:archive and a "current" link to the subscription (main)
feed, "prev-archive" to the one before and "next-archive" to the one after (where there is
one); the subscription document carries "prev-archive" to the newest archive document. The set
of entries of an archive document SHOULD NOT change: here, once full, its bytes never do.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedpub.feeds.atom import lint_atom
from feedpub.feeds.rss import lint_rss

from .conftest import SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"
FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"
CONFIG = """\
title = "Arch"
base_url = "https://example.org/"
author = "Host <host@example.org>"
limit = 3
archive = true
archive_size = 2
"""


def _entries(site: SiteDir, *days: int) -> None:
    for day in days:
        site.entry(f"e{day:02}.md", f"---\ntitle: E{day}\ndate: 2025-01-{day:02}\n---\nB{day}.\n")


def _links(path, atom: bool) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    parent = root if atom else root.find("channel")
    return {
        link.get("rel"): link.get("href")
        for link in parent.findall(f"{ATOM}link")
        if link.get("rel") in ("current", "prev-archive", "next-archive")
    }


def _titles(path) -> list[str]:
    return [item.findtext("title") for item in etree.parse(str(path)).iter("item")]


def test_layout_links_and_contents(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2, 3, 4, 5)
    result = site.run("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("5 entries → 3 feeds and 6 archive documents in public/")
    assert _titles(site.public / "feed.xml") == ["E5", "E4", "E3"]  # newest `limit`
    archive = site.public / "archive"
    assert sorted(p.name for p in archive.iterdir()) == ["1", "2", "3"]
    assert _titles(archive / "1" / "feed.xml") == ["E2", "E1"]  # the oldest, newest first
    assert _titles(archive / "2" / "feed.xml") == ["E4", "E3"]
    assert _titles(archive / "3" / "feed.xml") == ["E5"]  # filling up
    assert not (archive / "1" / "feed.json").exists()  # JSON Feed has no archives
    base = "https://example.org/"
    for name, atom in (("feed.xml", False), ("atom.xml", True)):
        # The newest *full* document: readers stop at an archive they hold, so one whose
        # entries still change would hide the new ones from them.
        assert _links(site.public / name, atom) == {"prev-archive": f"{base}archive/2/{name}"}
        assert _links(archive / "1" / name, atom) == {
            "current": base + name,
            "next-archive": f"{base}archive/2/{name}",
        }
        assert _links(archive / "2" / name, atom) == {
            "current": base + name,
            "prev-archive": f"{base}archive/1/{name}",
            "next-archive": f"{base}archive/3/{name}",
        }
        assert _links(archive / "3" / name, atom) == {"prev-archive": f"{base}archive/2/{name}"}
        assert etree.parse(str(site.public / name)).find(f".//{FH_ARCHIVE}") is None
        for number in (1, 2):
            document = etree.parse(str(archive / str(number) / name))
            assert document.find(f".//{FH_ARCHIVE}") is not None
        # Filling up: not an archive yet (its entries are in the main feed).
        assert etree.parse(str(archive / "3" / name)).find(f".//{FH_ARCHIVE}") is None
    atom = etree.parse(str(archive / "2" / "atom.xml")).getroot()
    assert atom.findtext(f"{ATOM}id") == "https://example.org/atom.xml"  # one logical feed
    assert atom.findtext(f"{ATOM}title") == "Arch (archive 2)"
    index = (site.public / "index.html").read_text(encoding="utf-8")
    assert "archive/" not in index  # nothing to subscribe to
    assert "archive/" not in (site.public / "feeds.opml").read_text(encoding="utf-8")


def test_feedparser_reads_every_document_and_check_is_clean(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2, 3, 4, 5)
    assert site.run("build").exit_code == 0
    for path in sorted(site.public.rglob("*.xml")):
        parsed = feedparser.parse(path)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    result = site.run("check", "--strict")
    assert result.exit_code == 0, result.output


def _history(site: SiteDir, name: str) -> list[str]:
    """The whole feed as RFC 5005 section 4.2 reconstructs it: the subscription document,
    then each prev-archive document in turn; ids in the order met, duplicates dropped."""
    seen: list[str] = []
    url = f"https://example.org/{name}"
    visited = set()
    while url and url not in visited:
        visited.add(url)
        path = site.public / url.removeprefix("https://example.org/")
        parsed = feedparser.parse(path)
        assert parsed.bozo == 0
        seen += [e.id for e in parsed.entries if e.id not in seen]
        url = next((x.href for x in parsed.feed.links if x.rel == "prev-archive"), None)
    return seen


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_following_prev_archive_gives_every_entry_once(site: SiteDir, name: str) -> None:
    site.config(CONFIG)
    _entries(site, *range(1, 10))
    assert site.run("build").exit_code == 0
    expected = [f"https://example.org/2025/01/e{day:02}/" for day in range(9, 0, -1)]
    assert _history(site, name) == expected


def test_full_documents_are_byte_stable_as_entries_are_added(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2, 3, 4, 5)
    assert site.run("build").exit_code == 0
    full = ["archive/1/feed.xml", "archive/1/atom.xml", "archive/2/feed.xml", "archive/2/atom.xml"]
    first = {name: site.snapshot()[name] for name in full}
    _entries(site, 6)  # fills archive/3
    assert site.run("build").exit_code == 0
    after_6 = site.snapshot()
    assert {name: after_6[name] for name in full} == first  # same bytes, same mtime
    assert _titles(site.public / "archive" / "3" / "feed.xml") == ["E6", "E5"]
    assert _titles(site.public / "archive" / "4" / "feed.xml") == []  # the next, empty
    full += ["archive/3/feed.xml", "archive/3/atom.xml"]
    _entries(site, 7, 8, 9)
    assert site.run("build").exit_code == 0
    after_9 = site.snapshot()
    assert {name: after_9[name] for name in full} == {name: after_6[name] for name in full}
    # And the same bytes as a build from nothing of all nine entries (no leftover of history).
    kept = {name: after_9[name][0] for name in full}
    for path in list(site.public.rglob("*")):
        if path.is_file():
            path.unlink()
    assert site.run("build", "--no-cache").exit_code == 0
    assert {name: (site.public / name).read_bytes() for name in full} == kept


def test_no_archive_before_the_first_one_is_full(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1)
    assert site.run("build").exit_code == 0
    assert not (site.public / "archive").exists()
    assert _links(site.public / "atom.xml", True) == {}
    _entries(site, 2)  # one full, and the next (empty) one for it to point to
    assert site.run("build").exit_code == 0
    assert _titles(site.public / "archive" / "1" / "feed.xml") == ["E2", "E1"]
    assert _titles(site.public / "archive" / "2" / "feed.xml") == []
    assert _links(site.public / "feed.xml", False) == {
        "prev-archive": "https://example.org/archive/1/feed.xml"  # the full one
    }


def test_turning_archives_off_removes_them(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2, 3)
    assert site.run("build").exit_code == 0
    assert (site.public / "archive" / "1" / "atom.xml").exists()
    site.config(CONFIG.replace("archive = true", "archive = false"))
    assert site.run("build").exit_code == 0
    assert not (site.public / "archive" / "1" / "atom.xml").exists()
    assert _links(site.public / "atom.xml", True) == {}


def test_an_entry_dated_into_a_full_document_is_a_warning(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 2, 3, 4, 5, 6)
    assert site.run("build").exit_code == 0
    _entries(site, 1)  # older than every archived entry: every document shifts
    result = site.run("build")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if "FP212" in line]
    assert [line.split(":")[0] for line in lines] == ["public/archive/1", "public/archive/2"]
    assert "archive document 1 now holds other entries" in lines[0]
    assert "FP212" not in site.run("build").stderr  # said once


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("limit = 0\n", 4, "archive = true needs a limit of 1 or more"),
        ("limit = 3\narchive_size = 5\n", 6, "archive_size (5) must be at most limit (3)"),
        ("archive_size = 0\n", 5, "archive_size must be a whole number of 1 or more"),
    ],
)
def test_settings_that_cannot_work(site: SiteDir, extra: str, line: int, words: str) -> None:
    text = CONFIG.replace("limit = 3\n", "").replace("archive_size = 2\n", "")
    site.config(text.replace("archive = true\n", f"archive = true\n{extra}"))
    _entries(site, 1)
    result = site.run("build")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"feedpub.toml:{line}: {words}"), result.stderr


def test_lint_finds_broken_history_links(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2, 3, 4, 5)
    assert site.run("build").exit_code == 0
    base = "https://example.org/"
    page = (site.public / "archive" / "2" / "atom.xml").read_bytes()
    url = f"{base}archive/2/atom.xml"
    assert lint_atom(page, Path("a.xml"), url) == []
    no_current = page.replace(b'rel="current"', b'rel="related"')
    assert "FP310" in {f.code for f in lint_atom(no_current, Path("a.xml"), url)}
    alone = page.replace(b'rel="prev-archive"', b'rel="related"').replace(
        b'rel="next-archive"', b'rel="related"'
    )
    assert "FP310" in {f.code for f in lint_atom(alone, Path("a.xml"), url)}
    main = (site.public / "feed.xml").read_bytes()
    wrong = main.replace(b'rel="prev-archive"', b'rel="next-archive"')
    assert "FP310" in {f.code for f in lint_rss(wrong, Path("f.xml"), f"{base}feed.xml")}
    relative = main.replace(f'href="{base}archive/2/feed.xml"'.encode(), b'href="archive/2/"')
    assert relative != main
    assert "FP303" in {f.code for f in lint_rss(relative, Path("f.xml"), f"{base}feed.xml")}


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_a_reader_that_stops_at_archives_it_has_misses_nothing(site: SiteDir, name: str) -> None:
    """RFC 5005 section 4.2 as a reader does it over time: each visit walks prev-archive from
    the subscription document and stops at the first archive document it already fetched (an
    archive's entries do not change), keeping every entry it met."""
    site.config(CONFIG)
    known: set[str] = set()
    fetched: set[str] = set()

    def visit() -> None:
        url = f"https://example.org/{name}"
        while url and url not in fetched:  # an archive it has: not fetched again
            parsed = feedparser.parse(site.public / url.removeprefix("https://example.org/"))
            assert parsed.bozo == 0
            known.update(e.id for e in parsed.entries)
            if url != f"https://example.org/{name}":
                fetched.add(url)
            url = next((x.href for x in parsed.feed.links if x.rel == "prev-archive"), None)

    for days in ((1, 2, 3, 4, 5), (6,), (7, 8), (9,), (10, 11, 12), (13, 14, 15, 16, 17)):
        _entries(site, *days)
        assert site.run("build").exit_code == 0
        visit()
        expected = {f"https://example.org/2025/01/e{day:02}/" for day in range(1, days[-1] + 1)}
        assert known == expected, days


def test_an_empty_document_takes_no_date_from_drafts(site: SiteDir) -> None:
    site.config(CONFIG)
    _entries(site, 1, 2)  # archive/1 full, archive/2 begun and empty
    site.entry("d.md", "---\ntitle: D\ndate: 2031-05-06\ndraft: true\n---\nNot yet.\n")
    assert site.run("build").exit_code == 0
    atom = etree.parse(str(site.public / "archive" / "2" / "atom.xml")).getroot()
    assert atom.findtext(f"{ATOM}updated") == "2025-01-02T00:00:00+00:00"  # E2: newest shown
    rss = etree.parse(str(site.public / "archive" / "2" / "feed.xml")).getroot()
    assert rss.findtext("channel/lastBuildDate") == "Thu, 02 Jan 2025 00:00:00 +0000"
