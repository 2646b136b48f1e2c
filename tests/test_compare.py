"""`feedpub compare OLD_FEED`: an old feed written by hand (RSS, Atom, JSON Feed) with chosen
differences from feedpub's build of the same site, and real jekyll-feed and Hugo feeds."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner, Result

from feedpub.cli import main

from .conftest import SiteDir, required_tool
from .test_dialects import _copy

#: What the old generator wrote, against entries/ below: the "Same" item's link is relative
#: and its date in another zone (both normalised away); "Id change" keeps its link, "Link
#: change" its id (feedpub's from its front matter), "Moved" keeps only its title and (nearly)
#: its date; "Gone" is not among the entries, and entries/added.md is not in the old feed.
OLD_ITEMS = [
    {
        "title": "Same",
        "id": "https://example.org/2025/01/same/",
        "link": "/2025/01/same/",
        "date": "2025-01-05T01:00:00+01:00",
    },
    {
        "title": "Id change",
        "id": "tag:old.example,2025:id-change",
        "link": "https://example.org/2025/01/id-change/",
        "date": "2025-01-04T00:00:00+00:00",
    },
    {
        "title": "Link change",
        "id": "tag:example.org,2025:link-change",
        "link": "https://example.org/old/link-change.html",
        "date": "2025-01-03T00:00:00+00:00",
    },
    {
        "title": "Moved",
        "id": "urn:old:moved",
        "link": "https://example.org/moved.html",
        "date": "2025-01-02T06:00:00+00:00",
    },
    {
        "title": "Gone",
        "id": "https://example.org/2024/12/gone/",
        "link": "https://example.org/2024/12/gone/",
        "date": "2024-12-30T00:00:00+00:00",
    },
]

#: Each item's status, as compare must report it, by title; and how it was matched.
EXPECTED = {
    "Same": (["same"], "id"),
    "Id change": (["id changed"], "link"),
    "Link change": (["link changed"], "id"),
    "Moved": (["id changed", "link changed"], "title and date"),
    "Gone": (["missing"], None),
    "Added": (["added"], None),
}


def entries(site: SiteDir) -> None:
    site.entry("same.md", "---\ntitle: Same\ndate: 2025-01-05\n---\nSame text.\n")
    site.entry("id-change.md", "---\ntitle: Id change\ndate: 2025-01-04\n---\nText.\n")
    site.entry(
        "link-change.md",
        "---\ntitle: Link change\ndate: 2025-01-03\nid: tag:example.org,2025:link-change\n"
        "---\nText.\n",
    )
    site.entry("moved.md", "---\ntitle: Moved\ndate: 2025-01-02\n---\nText.\n")
    site.entry("added.md", "---\ntitle: Added\ndate: 2025-01-01\n---\nText.\n")


def rss(items: list[dict[str, str]], self_link: str | None, title: str = "Test Site") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
        f"<title>{escape(title)}</title><link>https://example.org/</link>",
        "<description>Entries for tests</description>",
    ]
    if self_link:
        lines.append(f'<atom:link rel="self" href="{self_link}" type="application/rss+xml"/>')
    for item in items:
        date = format_datetime(datetime.fromisoformat(item["date"]))
        lines.append(
            f"<item><title>{escape(item['title'])}</title><link>{item['link']}</link>"
            f'<guid isPermaLink="false">{item["id"]}</guid><pubDate>{date}</pubDate>'
            + "".join(f"<category>{c}</category>" for c in item.get("categories", []))
            + (f"<description>{item['summary']}</description>" if "summary" in item else "")
            + "</item>"
        )
    lines.append("</channel></rss>")
    return "\n".join(lines)


def atom(items: list[dict[str, str]], self_link: str | None, title: str = "Test Site") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>https://example.org/atom.xml</id>",
        "<updated>2025-01-05T00:00:00Z</updated><author><name>Test Site</name></author>",
    ]
    if self_link:
        lines.append(f'<link rel="self" href="{self_link}"/>')
    for item in items:
        lines.append(
            f"<entry><title>{escape(item['title'])}</title><id>{item['id']}</id>"
            f'<link href="{item["link"]}"/><published>{item["date"]}</published>'
            f"<updated>{item['date']}</updated></entry>"
        )
    lines.append("</feed>")
    return "\n".join(lines)


def json_feed(items: list[dict[str, str]], self_link: str | None, title: str = "Test Site") -> str:
    feed: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "title": title}
    if self_link:
        feed["feed_url"] = self_link
    feed["items"] = [
        {"id": i["id"], "url": i["link"], "title": i["title"], "date_published": i["date"]}
        for i in items
    ]
    return json.dumps(feed)


WRITERS = {"rss": (rss, "feed.xml"), "atom": (atom, "atom.xml"), "json": (json_feed, "feed.json")}


def compare(*args: str) -> Result:
    return CliRunner().invoke(main, ["compare", *args], catch_exceptions=False)


def codes(result: Result) -> list[str]:
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_each_difference_is_reported_per_item(site: SiteDir, kind: str) -> None:
    entries(site)
    write, name = WRITERS[kind]
    (site.root / "old").write_text(write(OLD_ITEMS, f"https://example.org/{name}"))
    done = compare("old", "--format", "json")
    assert done.exit_code == 1, done.output
    report = json.loads(done.stdout)
    assert report["address"] == name
    assert report["url"] == f"https://example.org/{name}"
    assert report["old"]["format"] == report["new"]["format"] == kind
    statuses = {
        (p["old"] or p["new"])["title"]: (p["status"], p["matched_by"]) for p in report["items"]
    }
    assert statuses == EXPECTED
    dated = ["FP431", "FP431"] if kind == "atom" else ["FP431"]
    assert report["summary"] == {
        "same": 1,
        "id changed": 2,
        "link changed": 2,
        "missing": 1,
        "added": 1,
        "changes": 6,
        "notes": len(dated),
    }
    # The changes, then the notes: Moved is dated 06:00 in the old feed, midnight here (in
    # Atom, both its published and updated dates).
    assert codes(done) == ["FP420", "FP421", "FP420", "FP421", "FP422", "FP423", *dated]
    moved = next(p for p in report["items"] if (p["old"] or {}).get("title") == "Moved")
    assert moved["codes"] == ["FP420", "FP421", *dated]
    assert moved["old"]["link"] == "https://example.org/moved.html"
    assert moved["new"]["link"] == "https://example.org/2025/01/moved/"
    same = next(p for p in report["items"] if p["status"] == ["same"])
    assert same["old"]["link"] == "https://example.org/2025/01/same/"  # resolved
    assert same["old"]["published"] == "2025-01-05T00:00:00+00:00"  # in UTC


def test_an_item_without_an_id_is_known_by_its_link_as_readers_know_it(site: SiteDir) -> None:
    """RSS items need no guid; readers then key them by their link, which is feedpub's id."""
    entries(site)
    text = rss(OLD_ITEMS[:2], "https://example.org/feed.xml")
    text = re.sub(r"<guid[^>]*>[^<]*</guid>", "", text)
    (site.root / "old.xml").write_text(text)
    report = json.loads(compare("old.xml", "--format", "json").stdout)
    matched = {
        p["old"]["title"]: (p["status"], p["matched_by"]) for p in report["items"] if p["old"]
    }
    assert matched == {"Same": (["same"], "link"), "Id change": (["same"], "link")}
    assert report["items"][0]["old"]["id"] is None


def test_text_output_names_each_finding_and_counts_on_stderr(site: SiteDir) -> None:
    entries(site)
    (site.root / "old.xml").write_text(rss(OLD_ITEMS, "https://example.org/feed.xml"))
    done = compare("old.xml")
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "old: https://example.org/feed.xml: RSS 2.0, 'Test Site', 5 items"
    assert lines[1] == "new: feed.xml: RSS 2.0, 'Test Site', 5 items"
    assert lines[2] == (
        "change FP420: 'Id change' (https://example.org/2025/01/id-change/): id changes from "
        "tag:old.example,2025:id-change to https://example.org/2025/01/id-change/: readers "
        "show the post again as new"
    )
    assert lines[3].startswith(
        "change FP421: 'Link change' (https://example.org/old/link-change.html): link changes "
        "to https://example.org/2025/01/link-change/"
    )
    assert any(line.startswith("change FP422: 'Gone' (") for line in lines)
    assert any(line.startswith("change FP423: 'Added' (") for line in lines)
    assert done.stderr == (
        "feedpub compare: 1 same, 2 id changed, 2 link changed, 1 missing, 1 added; "
        "6 changes a subscriber would see, 1 note.\n"
    )


def test_feedpubs_own_feed_compares_as_unchanged_with_exit_0(site: SiteDir) -> None:
    entries(site)
    assert site.run("build").exit_code == 0
    for name in ("feed.xml", "atom.xml", "feed.json"):
        shutil.copy(site.public / name, site.root / f"old-{name}")
        done = compare(f"old-{name}")
        assert done.exit_code == 0, done.output
        assert "feedpub compare: 5 same, 0 id changed" in done.stderr
        assert "0 changes a subscriber would see, 0 notes." in done.stderr
        assert not [line for line in done.stdout.splitlines() if " FP4" in line]


def test_notes_alone_leave_the_exit_status_0(site: SiteDir) -> None:
    site.entry(
        "same.md",
        "---\ntitle: Same\ndate: 2025-01-05\nauthor: Ann\ncategories: [News]\n"
        "summary: New words.\n---\nText.\n",
    )
    old = {
        "title": "Same, once",
        "id": "https://example.org/2025/01/same/",
        "link": "https://example.org/2025/01/same/",
        "date": "2025-01-05T09:00:00+00:00",
        "categories": ["Old"],
        "summary": "Old words.",
    }
    text = rss([old], "https://example.org/feed.xml", title="Old title")
    text = text.replace("</guid>", "</guid><author>bob@example.org (Bob)</author>")
    (site.root / "old.xml").write_text(text)
    done = compare("old.xml", "--format", "json")
    assert done.exit_code == 0, done.output
    assert codes(done) == ["FP412", "FP430", "FP431", "FP432", "FP433", "FP434"]
    assert all(f["severity"] == "note" for f in json.loads(done.stdout)["findings"])
    assert json.loads(done.stdout)["items"][0]["status"] == ["same"]


def test_the_feeds_format_changing_at_its_address_is_a_change(site: SiteDir) -> None:
    entries(site)
    # Atom at feed.xml, as jekyll-feed writes it; feedpub writes RSS there.
    (site.root / "old.xml").write_text(atom(OLD_ITEMS[:1], "https://example.org/feed.xml"))
    done = compare("old.xml", "--format", "json")
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    assert (report["old"]["version"], report["new"]["version"]) == ("Atom 1.0", "RSS 2.0")
    found = {f["code"]: f["message"] for f in report["findings"]}
    assert found["FP411"] == (
        "the feed's format changes from Atom 1.0 to RSS 2.0 at the same address"
    )
    assert found["FP413"] == "the feed's id changes from https://example.org/atom.xml to none"


def test_an_address_feedpub_writes_nothing_at(site: SiteDir) -> None:
    entries(site)
    # Hugo's index.xml: the items are compared with feedpub's RSS feed.xml beside it.
    (site.root / "old.xml").write_text(rss(OLD_ITEMS[:1], "https://example.org/index.xml"))
    done = compare("old.xml", "--format", "json")
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    assert report["compared_with"] == "feed.xml"
    assert codes(done)[0] == "FP410"
    assert "FP414" in codes(done)
    assert report["findings"][0]["message"] == (
        "feedpub writes no feed at index.xml (https://example.org/index.xml): every "
        "subscriber of it loses the feed"
    )
    assert report["summary"]["same"] == 1
    # A section feed: nothing of its format in that folder, so no item is compared.
    (site.root / "old.xml").write_text(rss(OLD_ITEMS[:1], "https://example.org/posts/index.xml"))
    done = compare("old.xml", "--format", "json")
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    assert codes(done) == ["FP410"]
    assert report["new"] is None and report["compared_with"] is None and report["items"] == []
    text = compare("old.xml")
    assert "feedpub compare: items not compared; 1 change" in text.stderr


def test_the_address_from_self_link_or_address_option_or_an_error(site: SiteDir) -> None:
    entries(site)
    # No self link: --address says it, and without it the error names the option.
    (site.root / "old.xml").write_text(rss(OLD_ITEMS[:1], None))
    done = compare("old.xml")
    assert done.exit_code == 1
    assert done.stderr.splitlines()[0] == (
        "old.xml: cannot tell the address this feed is published at: it has no self link; "
        "pass --address PATH (its path below base_url, e.g. --address feed.xml)"
    )
    done = compare("old.xml", "--address", "feed.xml", "--format", "json")
    assert done.exit_code == 1, done.output  # the other four entries are added
    assert json.loads(done.stdout)["address"] == "feed.xml"
    assert json.loads(done.stdout)["summary"]["same"] == 1
    done = compare("old.xml", "--address", "https://example.org/feed.xml", "--format", "json")
    assert json.loads(done.stdout)["address"] == "feed.xml"
    # A self link elsewhere (a feed proxy's): the same error, saying why.
    (site.root / "old.xml").write_text(rss(OLD_ITEMS[:1], "https://feeds.example.net/site"))
    done = compare("old.xml")
    assert done.exit_code == 1
    assert "its self link https://feeds.example.net/site is not below the site's base_url " in (
        done.stderr
    )
    assert "--address PATH" in done.stderr
    # --address wins over the self link.
    (site.root / "old.xml").write_text(rss(OLD_ITEMS[:1], "https://example.org/feed.xml"))
    done = compare("old.xml", "--address", "/index.xml", "--format", "json")
    assert json.loads(done.stdout)["address"] == "index.xml"
    for bad in ("../feed.xml", "feeds/", "https://elsewhere.example/feed.xml"):
        done = compare("old.xml", "--address", bad)
        assert done.exit_code == 1
        assert done.stderr.startswith("--address "), done.stderr
        assert "Traceback" not in done.output


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A local HTTP server of tmp_path/served (never the internet): its address, its folder,
    and the User-Agent of each request. /moved redirects to /feed.xml."""
    folder = tmp_path / "served"
    folder.mkdir()
    agents: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/feed.xml")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", folder, agents
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_a_url_below_base_url_gives_the_address(
    site: SiteDir, server: tuple[str, Path, list[str]]
) -> None:
    import feedpub

    base, folder, agents = server
    entries(site)
    items = [
        {**item, "link": item["link"].replace("https://example.org/", base)} for item in OLD_ITEMS
    ]
    items = [{**item, "id": item["id"].replace("https://example.org/", base)} for item in items]
    # No self link: the URL's path below base_url is the address.
    (folder / "feed.xml").write_text(rss(items, None))
    done = compare(f"{base}feed.xml", "--base-url", base, "--format", "json")
    assert done.exit_code == 1, done.output
    report = json.loads(done.stdout)
    assert report["address"] == "feed.xml" and report["source"] == f"{base}feed.xml"
    assert {
        (p["old"] or p["new"])["title"]: (p["status"], p["matched_by"]) for p in report["items"]
    } == EXPECTED
    assert agents == [f"feedpub/{feedpub.__version__}"]
    # Redirects are followed; the address is the one the feed was found at.
    done = compare(f"{base}moved", "--base-url", base, "--format", "json")
    assert json.loads(done.stdout)["address"] == "feed.xml"
    # A URL not below base_url needs --address.
    done = compare(f"{base}feed.xml")
    assert done.exit_code == 1
    assert done.stderr.splitlines()[0] == (
        f"{base}feed.xml is not below the site's base_url https://example.org/; pass --address "
        "PATH (the feed's path below base_url, e.g. --address feed.xml), or --base-url"
    )
    done = compare(f"{base}feed.xml", "--address", "feed.xml", "--format", "json")
    assert json.loads(done.stdout)["address"] == "feed.xml"


def test_http_errors_are_one_line(site: SiteDir, server: tuple[str, Path, list[str]]) -> None:
    base, _, _ = server
    entries(site)
    done = compare(f"{base}nothing.xml")
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        f"{base}nothing.xml: the server answered 404 File not found; check the address",
        "feedpub: 1 problem; nothing compared.",
    ]
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    done = compare(f"http://127.0.0.1:{port}/feed.xml")
    assert done.exit_code == 1
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"http://127.0.0.1:{port}/feed.xml: cannot be reached ("), first
    assert "Traceback" not in done.output


# --------------------------------------------------------------------------- the user's files


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_users_output_folder_and_cache_are_untouched(site: SiteDir) -> None:
    entries(site)
    (site.root / "old.xml").write_text(rss(OLD_ITEMS, "https://example.org/feed.xml"))
    # Nothing built yet: compare makes no public/ and no cache.
    before = _tree(site.root)
    assert compare("old.xml").exit_code == 1
    assert sorted(p.name for p in site.root.iterdir()) == ["entries", "feedpub.toml", "old.xml"]
    assert _tree(site.root) == before
    # Built: public/ and .feedpub-cache/ stay byte for byte as they were, and so does every
    # other file of the site.
    assert site.run("build").exit_code == 0
    assert (site.root / ".feedpub-cache").is_dir()
    before = _tree(site.root)
    names = sorted(p.name for p in site.root.iterdir())
    assert compare("old.xml").exit_code == 1
    assert _tree(site.root) == before
    assert sorted(p.name for p in site.root.iterdir()) == names


def test_an_image_in_the_users_output_folder_is_found_and_left_alone(site: SiteDir) -> None:
    """An image named by a path may be a file of the output folder (docs/front-matter.md):
    compare's build, in a temporary folder, looks for it in the real one, and only there."""
    site.entry("same.md", "---\ntitle: Same\ndate: 2025-01-05\nimage: img/cover.png\n---\nX.\n")
    (site.public / "img").mkdir(parents=True)
    (site.public / "img" / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    item = {**OLD_ITEMS[0], "link": "https://example.org/2025/01/same/"}
    (site.root / "old.xml").write_text(rss([item], "https://example.org/feed.xml"))
    before = _tree(site.root)
    done = compare("old.xml")
    assert done.exit_code == 0, done.output
    assert "feedpub compare: 1 same, 0 id changed" in done.stderr
    assert _tree(site.root) == before


# --------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xml", None, "missing.xml: cannot read the feed (No such file or directory)"),
        ("folder", "", "folder: is a folder; give the feed's file"),
        (
            "page.html",
            "<html><body>Not a feed</body></html>",
            "page.html: not an RSS, Atom or JSON feed; give the feed's own file or URL (the one "
            "subscribers use), not a web page",
        ),
        (
            "broken.json",
            '{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "broken.json: not an RSS, Atom or JSON feed (not JSON: ",
        ),
        (
            "other.json",
            '{"items": []}',
            "other.json: not an RSS, Atom or JSON feed (JSON without a JSON Feed 'version')",
        ),
    ],
)
def test_an_old_feed_that_cannot_be_used_is_one_line(
    site: SiteDir, name: str, content: str | None, message: str
) -> None:
    entries(site)
    if name == "folder":
        (site.root / name).mkdir()
    elif content is not None:
        (site.root / name).write_text(content)
    done = compare(name)
    assert done.exit_code == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(message), lines
    assert lines[1:] == ["feedpub: 1 problem; nothing compared."]
    assert "Traceback" not in done.output


def test_a_site_that_does_not_build_is_reported_as_build_reports_it(site: SiteDir) -> None:
    entries(site)
    site.entry("bad.md", "---\ntitle: Bad\ndate: next tuesday\n---\nText.\n")
    (site.root / "old.xml").write_text(rss(OLD_ITEMS, "https://example.org/feed.xml"))
    done = compare("old.xml")
    assert done.exit_code == 1
    assert done.stderr.startswith("entries/bad.md:3: date 'next tuesday' is not a date")
    assert not (site.root / "public").exists()


def test_other_commands_do_not_load_feedparser(site: SiteDir) -> None:
    entries(site)
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom feedpub.cli import main\n"
        "assert CliRunner().invoke(main, ['build']).exit_code == 0\n"
        "print('feedparser' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_init_from_suggests_compare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy("jekyll-blog", tmp_path)
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", "jekyll", "."], catch_exceptions=False)
    assert done.exit_code == 0
    assert "then: feedpub compare _site/feed.xml (or the feed's URL)" in done.stdout
    folder = _copy("hugo-site", tmp_path)
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert "then: feedpub compare public/index.xml (or the feed's URL)" in done.stdout


def test_init_from_names_the_feed_where_the_generator_wrote_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compare hint names the file the real generator wrote: jekyll-feed's ``feed: path``
    in Jekyll's ``destination``; Hugo's home feed in its ``publishDir``, in the default
    language's folder with defaultContentLanguageInSubdir (of a site of several languages).
    Each site is built (without -d) by the real generator, and the file the hint names must be
    its feed."""
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the jekyll-feed addresses")
    hugo = required_tool("hugo", "hugo", "Hugo's feed addresses")
    folder = _copy("jekyll-blog", tmp_path)
    with (folder / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("destination: built\nfeed:\n  path: atom.xml\n")
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(folder)],
        cwd=folder,
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", "jekyll", "."], catch_exceptions=False)
    assert "then: feedpub compare built/atom.xml (or the feed's URL)" in done.stdout
    assert "<feed" in (folder / "built" / "atom.xml").read_text(encoding="utf-8")
    folder = _copy("hugo-site", tmp_path)
    with (folder / "hugo.toml").open("r+", encoding="utf-8") as config:
        text = config.read()
        config.seek(0)
        config.write('publishDir = "docs"\ndefaultContentLanguageInSubdir = true\n' + text)
        # (two languages: Hugo 0.111 keeps a site of one language at its root even so)
        config.write("\n[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n")
    subprocess.run([hugo, "--quiet", "-s", str(folder)], check=True, capture_output=True)
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert "then: feedpub compare docs/en/index.xml (or the feed's URL)" in done.stdout
    assert "<rss" in (folder / "docs" / "en" / "index.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "text", "where", "version"),
    [
        (
            "netlify.toml",
            '[build.environment]\nHUGO_VERSION = "0.140.2"\n',
            "netlify.toml",
            "0.140.2",
        ),
        (
            ".github/workflows/pages.yml",
            "jobs:\n  b:\n    steps:\n      - uses: peaceiris/actions-hugo@v3\n"
            "        with:\n          hugo-version: '0.150.0'\n",
            ".github/workflows/pages.yml",
            "0.150.0",
        ),
        (
            "package.json",
            '{"devDependencies": {"hugo-bin": "^0.161.0"}}',
            "package.json",
            "0.161.0",
        ),
        ("netlify.toml", '[build.environment]\nHUGO_VERSION = "0.111.3"\n', None, None),
        ("hugo.toml", '[module.hugoVersion]\nmin = "0.56.0"\n', None, None),
    ],
    ids=["netlify", "workflow", "package.json", "netlify-0.111", "only-a-minimum"],
)
def test_init_from_hugo_names_a_newer_hugo_the_site_is_built_with(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
    where: str | None,
    version: str | None,
) -> None:
    """A site that says it is built with a Hugo newer than 0.111 (the one feedpub follows;
    these are the places real sites say it: hugoDocs' netlify.toml, mattlayman.com's
    workflow, twbs' package.json) is told where feedpub's feeds may differ."""
    folder = _copy("hugo-site", tmp_path)
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as file:
        file.write(text)
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    noted = [line for line in done.stderr.splitlines() if "the site is built with Hugo" in line]
    if where is None:
        assert noted == [], done.stderr
    else:
        assert noted == [
            f"not mapped: {where}: the site is built with Hugo {version}; feedpub follows Hugo "
            "0.111 where newer Hugo changed its feeds (the folders of terms with characters "
            "other than letters, digits and spaces, titles Hugo makes up, pubDate, summaries: "
            "see 'Which Hugo' in docs/hugo.md); run feedpub compare before you switch"
        ], done.stderr


# --------------------------------------------------------------------------- real generators


def test_jekyll_feeds_real_feed_against_feedpubs_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jekyll-feed writes Atom at /feed.xml, and so does feedpub after init --from jekyll
    (atom_path): the same items, ids and links, in the same format."""
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the jekyll-feed comparison")
    folder = _copy("jekyll-blog", tmp_path)
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(folder), "-d", str(tmp_path / "site")],
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    monkeypatch.chdir(folder)
    assert CliRunner().invoke(main, ["init", "--from", "jekyll", "."]).exit_code == 0
    done = compare(str(tmp_path / "site" / "feed.xml"), "--format", "json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["address"] == "feed.xml"  # from jekyll-feed's self link
    assert report["url"] == "https://harbour.example.org/blog/feed.xml"
    assert (report["old"]["version"], report["new"]["version"]) == ("Atom 1.0", "Atom 1.0")
    assert report["summary"]["same"] == 4 and report["summary"]["changes"] == 0
    assert [f["code"] for f in report["findings"] if f["severity"] == "change"] == []
    assert {p["matched_by"] for p in report["items"]} == {"id"}


def test_hugos_real_feed_against_feedpubs_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hugo writes RSS at /index.xml, and so does feedpub after init --from hugo (rss_path):
    the same items, the dateless page too, which both date 0001-01-01 (undated_pages)."""
    hugo = required_tool("hugo", "hugo", "the Hugo feed comparison")
    folder = _copy("hugo-site", tmp_path)
    subprocess.run(
        [hugo, "--quiet", "-s", str(folder), "-d", str(tmp_path / "site")],
        check=True,
        capture_output=True,
    )
    monkeypatch.chdir(folder)
    assert CliRunner().invoke(main, ["init", "--from", "hugo", "."]).exit_code == 0
    done = compare(str(tmp_path / "site" / "index.xml"), "--format", "json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["address"] == "index.xml" and report["compared_with"] == "index.xml"
    assert [f for f in report["findings"] if f["severity"] == "change"] == []
    assert report["summary"]["same"] == 5


def test_dates_are_compared_in_utc_to_the_second_in_every_format() -> None:
    from feedpub.compare import parse_feed

    item = {**OLD_ITEMS[0], "date": "2025-01-05T01:00:00.250+01:00"}
    rss_item = {**OLD_ITEMS[0]}  # RSS dates have whole seconds
    for kind, text in (
        ("json", json_feed([item], None)),
        ("atom", atom([item], None)),
        ("rss", rss([rss_item], None)),
    ):
        (parsed,) = parse_feed(text.encode(), kind).items
        assert parsed.published == datetime(2025, 1, 5, tzinfo=UTC), kind


def test_summary_text_is_compared_without_markup_or_spacing(site: SiteDir) -> None:
    site.entry("same.md", "---\ntitle: Same\ndate: 2025-01-05\n---\nSame *text*.\n")
    item = {**OLD_ITEMS[0], "summary": "&lt;p&gt;Same &lt;em&gt;text&lt;/em&gt;.&lt;/p&gt;"}
    (site.root / "old.xml").write_text(rss([item], "https://example.org/feed.xml"))
    done = compare("old.xml", "--format", "json")
    assert done.exit_code == 0, done.output
    assert codes(done) == []
    (site.root / "old.xml").write_text(rss([{**item, "summary": "Other text."}], None))
    assert codes(compare("old.xml", "--address", "feed.xml", "--format", "json")) == ["FP434"]
