"""What Hugo 0.111 puts in its feeds that is no dated post (issue #17, gohugo.io's and
mattlayman.com's feeds): pages without a date (dated 0001-01-01), the feed of every section
and taxonomy term even when its pages are all undated or it has none but its ``_index.md``,
a section's own ``_index.md`` in its terms' feeds, and term folders named as Hugo names them
(``tags/robots.txt/``). The fixture is built by the real Hugo and by feedpub (``init --from
hugo`` then ``build``, no file edited); ``feedpub compare`` must find every feed Hugo wrote,
every item in it with the same link and id."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main

from .conftest import HUGO_LAYOUTS, required_tool, write_files

#: Term names whose folders Hugo and python-slugify name differently.
TERMS = ["robots.txt", "C++ Go+", "x & y", "Veà Ñu", "c#", "50% off", "a_b~c@d", "it's"]

SITE = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Docs"\n',
    "content/posts/dated.md": '---\ntitle: "Dated"\ndate: 2024-01-02\ntags: '
    + json.dumps(TERMS)
    + "\n---\nA dated post.\n",
    # a section whose pages are all undated, one with `url:` (gohugo.io's /commands/)
    "content/commands/hugo_new.md": '---\ntitle: "hugo new"\nurl: /commands/hugo_new/\n'
    'categories: ["Commands"]\n---\nMake a page.\n',
    "content/commands/hugo.md": '---\ntitle: "hugo"\nurl: /commands/hugo\n---\nBuild.\n',
    # a date Hugo cannot read and nothing else can: undated too
    "content/commands/zz.md": '---\ntitle: "Zed"\ndate: "someday"\n---\nLater.\n',
    # a page at the top, undated (mattlayman.com's about page in its home feed)
    "content/about.md": '---\ntitle: "About"\n---\nAbout me.\n',
    # a section with only its own page (gohugo.io's /maintenance/): Hugo writes its feed, empty
    "content/maintenance/_index.md": '---\ntitle: "Maintenance"\ndate: 2018-02-09\n---\n',
    # a section's own page with categories: an item of the category's feed, not the home's
    "content/guide/_index.md": '---\ntitle: "Guide"\ncategories: ["Content management"]\n'
    "---\nThe guide.\n",
    "content/guide/one.md": '---\ntitle: "One"\ndate: 2023-05-01\n'
    'categories: ["Content management"]\n---\nFirst.\n',
    # the home page's own: never an item
    "content/_index.md": '---\ntitle: "Home"\ncategories: ["Content management"]\n---\nHi.\n',
    **HUGO_LAYOUTS,
}


def _hugo(files: dict[str, str], tmp_path: Path) -> tuple[Path, Path]:
    """The site's folder, and the folder Hugo built it into."""
    hugo = required_tool("hugo", "hugo", "the Hugo undated pages comparisons of issue #17")
    source = write_files(tmp_path / "site", files)
    subprocess.run(
        [hugo, "--quiet", "-s", str(source), "-d", str(tmp_path / "public")],
        check=True,
        capture_output=True,
    )
    return source, tmp_path / "public"


def _hugo_feeds(public: Path) -> list[str]:
    """Every feed Hugo wrote, the taxonomies' lists of their terms (/tags/index.xml) too."""
    return sorted(str(p.relative_to(public)) for p in public.rglob("index.xml"))


def _init_and_build(source: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(source)
    runner = CliRunner()
    done = runner.invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["build"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return runner


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """:data:`SITE` built by Hugo, then by feedpub after ``init --from hugo``: the site's
    folder and Hugo's output folder."""
    source, public = _hugo(SITE, tmp_path_factory.mktemp("undated"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _init_and_build(source, monkeypatch)
    return source, public


def _compare(
    built: tuple[Path, Path],
    feed: str,
    monkeypatch: pytest.MonkeyPatch,
    allowed: tuple[str, ...] = (),
) -> dict:
    """What compare says of ``feed``: no change a subscriber would see, but the ``allowed``
    findings (code and the start of the message)."""
    source, public = built
    monkeypatch.chdir(source)
    done = CliRunner().invoke(
        main,
        ["compare", str(public / feed), "--address", feed, "--format", "json"],
        catch_exceptions=False,
    )
    report: dict = json.loads(done.stdout)
    found = [f for f in report["findings"] if f["severity"] == "change"]
    changes = [f for f in found if not f"{f['code']} {f['message']}".startswith(allowed)]
    assert (changes, len(found)) == ([], len(allowed)), (feed, report["findings"])
    assert done.exit_code == (1 if allowed else 0)
    same = len(report["items"]) - len(allowed)
    assert report["summary"]["same"] == same, (feed, report["items"])
    return report


@pytest.mark.parametrize(
    ("feed", "items"),
    [
        ("index.xml", 6),  # 1 dated post, 4 undated pages, guide/one; no _index.md
        ("commands/index.xml", 3),  # only undated pages (one `url:` without a slash)
        ("categories/commands/index.xml", 1),  # only an undated page
        ("maintenance/index.xml", 0),  # none but its own _index.md: Hugo writes it empty
        # the home page's and guide/'s own pages (dated by their newest page), one.md
        ("categories/content-management/index.xml", 3),
        ("tags/robots.txt/index.xml", 1),  # Hugo's folder, not robots-txt
        ("tags/c++-go+/index.xml", 1),
        ("tags/veà-ñu/index.xml", 1),
        ("tags/c#/index.xml", 1),
    ],
)
def test_each_feed_hugo_writes_is_written_with_the_same_items(
    built: tuple[Path, Path], feed: str, items: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (built[1] / feed).is_file()  # (Hugo wrote it)
    assert _compare(built, feed, monkeypatch)["summary"]["same"] == items


def test_every_feed_hugo_writes_with_its_undated_pages(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, public = built
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["undated_pages"] is True
    feeds = _hugo_feeds(public)
    assert {"categories/index.xml", "tags/index.xml"} <= set(feeds)
    for feed in feeds:
        # The term 'c#': Hugo's link (tags/c#/) ends at the '#', feedpub's is escaped; the id
        # is Hugo's, so readers do not show the item again.
        allowed = ("FP421 'c#' (https://example.org/tags/c#/)",) if feed == "tags/index.xml" else ()
        _compare(built, feed, monkeypatch, allowed)
    # the dates as Hugo writes them: the year 1, in four digits, last
    rss = etree.parse(str(source / "feeds" / "index.xml")).getroot()
    dates = [item.findtext("pubDate") for item in rss.iter("item")]
    assert dates[:2] == ["Tue, 02 Jan 2024 00:00:00 +0000", "Mon, 01 May 2023 00:00:00 +0000"]
    assert set(dates[2:]) == {"Mon, 01 Jan 0001 00:00:00 +0000"}
    # a feed of undated pages only has no lastBuildDate, as Hugo's
    commands = etree.parse(str(source / "feeds" / "commands" / "index.xml")).getroot()
    assert commands.find("channel/lastBuildDate") is None
    # the self link of a term folder Hugo names with '#' or accents: escaped
    hash_feed = etree.parse(str(source / "feeds" / "tags" / "c#" / "index.xml")).getroot()
    selfs = [a.get("href") for a in hash_feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert selfs == ["https://example.org/tags/c%23/index.xml"]


def test_list_shows_undated_pages_as_of_the_year_1(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built[0])
    done = CliRunner().invoke(main, ["list", "--format", "json"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    listed = {e["link"]: e for e in json.loads(done.stdout)}
    about = listed["https://example.org/about/"]
    assert datetime.fromisoformat(about["date"]) == datetime(1, 1, 1, tzinfo=UTC)
    assert "https://example.org/commands/hugo/" in listed  # url: made a folder, as Hugo
    # sections' own pages: dated by their newest page, as in the feeds; not in the main feed
    home, guide = listed["https://example.org/"], listed["https://example.org/guide/"]
    assert (home["status"], home["date"]) == ("section page", "2024-01-02T00:00:00+00:00")
    assert (guide["status"], guide["date"]) == ("section page", "2023-05-01T00:00:00+00:00")
    assert "https://example.org/maintenance/" in listed  # dated 2018-02-09 itself


def test_without_the_setting_undated_pages_stay_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site that does not come from Hugo's feeds (undated_pages unset): a page without a
    date is no post (FP221), as before."""
    source = write_files(tmp_path / "site", SITE)
    (source / "feedpub.toml").write_text(
        'base_url = "https://example.org/"\ndialect = "hugo"\nentries = "content"\n'
        'rss_path = "index.xml"\nsection_feeds = true\noutput = "feeds"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(source)
    done = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "content/about.md:1: warning FP221: has no date, so it is a page" in done.output
    assert "_index.md" not in done.output  # a section's page is no post to warn about
    rss = etree.parse(str(source / "feeds" / "index.xml")).getroot()
    assert [i.findtext("title") for i in rss.iter("item")] == ["Dated", "One"]
    assert not (source / "feeds" / "commands").exists()  # only undated pages: no feed


@pytest.mark.skipif(os.name != "posix", reason="folder names with '#' and accents")
def test_term_folders_are_hugos(tmp_path: Path) -> None:
    """Each term's folder as the real Hugo names it."""
    from feedpub.dialects import of

    names = [*TERMS, ".hidden", "--x--", "é\u0301", "中文", "a:b", "(paren)", "a.b."]
    files = {
        "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n',
        "content/a.md": f"---\ntitle: A\ndate: 2024-01-01\ntags: {json.dumps(names)}\n---\nA.\n",
        **HUGO_LAYOUTS,
    }
    _, public = _hugo(files, tmp_path)
    hugos = sorted(p.name for p in (public / "tags").iterdir() if p.is_dir())
    assert sorted(of("hugo").term_slug(name) for name in names) == hugos
