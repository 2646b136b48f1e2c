"""Feed addresses as settings (issue #17): where each format of the main feed goes
(``rss_path``, ``atom_path``, ``json_path``, or ``false``), category/tag/author feeds
(``taxonomy_path``), section feeds (``section_feeds``, ``section_path``) and the main feed's
sections (``main_sections``); what ``init --from jekyll|hugo`` sets them to; and, with the real
Jekyll and Hugo, that ``feedpub compare`` of each real feed finds feedpub's at the same address
in the same format (no FP410, no FP411)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main
from feedpub.config import load_site
from feedpub.errors import FeedpubError
from feedpub.pipeline import _full
from feedpub.plan import format_at
from feedpub.serve import media_type

from .conftest import SiteDir, required_tool

BASE = 'base_url = "https://example.org/"\ntitle = "Site"\n'

ATOM = "{http://www.w3.org/2005/Atom}"


def _entry(site: SiteDir, name: str, day: int, categories: str = "[News]") -> None:
    site.entry(
        name,
        f"---\ntitle: Entry {name}\ndate: 2025-01-{day:02d}\ncategories: {categories}\n---\n"
        "Body text.\n",
    )


def _problem(site: SiteDir, text: str) -> str:
    site.config(BASE + text)
    with pytest.raises(FeedpubError) as caught:
        load_site(site.root / "feedpub.toml")
    return str(caught.value)


# --------------------------------------------------------------------------- settings


def test_defaults_are_todays_addresses(site: SiteDir) -> None:
    site.config(BASE)
    loaded = load_site(site.root / "feedpub.toml")
    assert (loaded.rss_path, loaded.atom_path, loaded.json_path) == (
        "feed.xml",
        "atom.xml",
        "feed.json",
    )
    assert loaded.taxonomy_path == "{taxonomy}/{slug}/{file}"
    assert (loaded.section_feeds, loaded.main_sections) == (False, ())


def test_a_format_can_be_off_and_a_leading_slash_is_dropped(site: SiteDir) -> None:
    site.config(BASE + 'rss_path = false\natom_path = "/feed.xml"\njson_path = false\n')
    loaded = load_site(site.root / "feedpub.toml")
    assert (loaded.rss_path, loaded.atom_path, loaded.json_path) == (None, "feed.xml", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rss_path = "../feed.xml"\n', "feedpub.toml:3: rss_path '../feed.xml' must stay below"),
        ('atom_path = "feeds/"\n', "feedpub.toml:3: atom_path 'feeds/' must name a file"),
        ("json_path = 3\n", "feedpub.toml:3: json_path must be a file path in quotes"),
        ('rss_path = "index.html"\n', "feedpub.toml:3: rss_path 'index.html' is where feedpub"),
        ('atom_path = "feed.xml"\n', "feedpub.toml:3: atom_path 'feed.xml' is rss_path's too"),
        ('taxonomy_path = "{taxonomy}/{file}"\n', "taxonomy_path '{taxonomy}/{file}' must hold"),
        ('taxonomy_path = "{tag}/{slug}.xml"\n', "taxonomy_path: '{tag}' is not a placeholder"),
        ('taxonomy_path = "feed/{slug}.xml"\n', "so the rss and atom files of each feed"),
        (
            'taxonomy_path = "feed/{slug}/{file}"\ntag_feeds = true\n',
            "so a category and a tag of the same name would have one address",
        ),
        ('section_path = "../{section}/{file}"\n', "section_path '../{section}/{file}' must"),
        ('main_sections = "posts"\n', 'main_sections must be a list of names like ["posts"]'),
        ("category_feeds = 3\n", "category_feeds must be true, false or a list"),
        (
            "rss_path = false\natom_path = false\njson_path = false\n",
            "rss_path, atom_path and json_path are all false",
        ),
    ],
)
def test_wrong_addresses_are_reported_with_the_settings_line(
    site: SiteDir, text: str, message: str
) -> None:
    assert message in _problem(site, text)


def test_no_two_feeds_of_a_build_at_one_address(site: SiteDir) -> None:
    """A category and a section of the same name, both at feed/<name>.xml: FP011 on the line
    of the setting that placed the second."""
    site.config(
        BASE + "rss_path = false\njson_path = false\nsection_feeds = true\n"
        'section_path = "feed/{section}.xml"\ntaxonomy_path = "feed/{slug}.xml"\n'
    )
    _entry(site, "news/a.md", 1, "[news]")
    done = site.run("build")
    assert done.exit_code == 1
    assert "feedpub.toml:7: taxonomy_path puts the atom file of 'categories/news/' at " in (
        done.output
    )
    assert "'feed/news.xml', where the atom file of 'sections/news/' is" in done.output
    assert not site.public.exists()


# --------------------------------------------------------------------------- builds


def test_jekyll_feed_addresses(site: SiteDir) -> None:
    """Atom only, at feed.xml; a feed for the listed category only, at feed/<slug>.xml."""
    site.config(
        BASE + 'rss_path = false\natom_path = "feed.xml"\njson_path = false\n'
        'taxonomy_path = "feed/{slug}.xml"\ncategory_feeds = ["Release"]\n'
    )
    _entry(site, "a.md", 1, "[release, news]")
    _entry(site, "b.md", 2, "[news]")
    assert site.run("build").exit_code == 0
    files = sorted(p.relative_to(site.public).as_posix() for p in site.public.rglob("*"))
    feeds = [f for f in files if f.endswith((".xml", ".json")) and not f.startswith(".")]
    assert feeds == ["feed.xml", "feed/release.xml"]
    for name, items in (("feed.xml", 2), ("feed/release.xml", 1)):
        root = etree.fromstring((site.public / name).read_bytes())
        assert root.tag == f"{ATOM}feed"
        (self_link,) = root.findall(f"{ATOM}link[@rel='self']")
        assert self_link.get("href") == f"https://example.org/{name}"
        assert len(root.findall(f"{ATOM}entry")) == items
    page = (site.public / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/feed/release.xml"' in page
    assert "https://example.org/atom.xml" not in page
    opml = (site.public / "feeds.opml").read_text(encoding="utf-8")
    assert 'xmlUrl="https://example.org/feed/release.xml"' in opml
    stylesheet = (site.public / "feed/release.xml").read_text(encoding="utf-8")
    assert '<?xml-stylesheet type="text/xsl" href="../feed.xsl"?>' in stylesheet
    links = site.run("links", "--all").output
    assert 'type="application/atom+xml"' in links and "feed/release.xml" in links
    assert site.run("check").exit_code == 0


def test_hugo_feed_addresses_with_sections(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """RSS at index.xml; a feed per section and per term at Hugo's addresses; the main feed
    carries only the main sections."""
    site.config(
        BASE + 'rss_path = "index.xml"\natom_path = false\njson_path = false\n'
        'section_feeds = true\nmain_sections = ["posts"]\ntag_feeds = true\n'
    )
    _entry(site, "posts/a.md", 1)
    _entry(site, "posts/b.md", 2)
    _entry(site, "docs/c.md", 3, "[Guide]")
    _entry(site, "top.md", 4)
    assert site.run("build").exit_code == 0
    feeds = sorted(p.relative_to(site.public).as_posix() for p in site.public.rglob("*.xml"))
    assert feeds == [
        "categories/guide/index.xml",
        "categories/news/index.xml",
        "docs/index.xml",
        "index.xml",
        "posts/index.xml",
    ]

    def titles(name: str) -> list[str]:
        root = etree.fromstring((site.public / name).read_bytes())
        return [t.text or "" for t in root.iterfind("channel/item/title")]

    assert titles("index.xml") == ["Entry posts/b.md", "Entry posts/a.md"]
    assert titles("docs/index.xml") == ["Entry docs/c.md"]
    assert titles("categories/news/index.xml") == [
        "Entry top.md",
        "Entry posts/b.md",
        "Entry posts/a.md",
    ]
    # A new entry in a main section, and one in another: the delta build (no full scan)
    # writes what a full build writes.
    scans = []
    full_scan = _full.scan_all
    monkeypatch.setattr(_full, "scan_all", lambda *a, **k: scans.append(1) or full_scan(*a, **k))
    _entry(site, "posts/d.md", 5)
    _entry(site, "docs/e.md", 6)
    twin = site.root.parent / "twin"
    shutil.copytree(site.root, twin)
    assert site.run("build").exit_code == 0
    assert scans == []  # the delta path
    assert titles("index.xml")[0] == "Entry posts/d.md"
    assert titles("docs/index.xml")[0] == "Entry docs/e.md"
    delta = {k: v[0] for k, v in site.snapshot().items()}
    monkeypatch.chdir(twin)
    assert site.run("build", "--no-cache").exit_code == 0
    full = {
        p.relative_to(twin / "public").as_posix(): p.read_bytes()
        for p in sorted((twin / "public").rglob("*"))
        if p.is_file()
    }
    assert delta == full


def test_media_types_follow_the_settings(site: SiteDir) -> None:
    site.config(BASE + 'rss_path = "index.xml"\natom_path = "feed.xml"\njson_path = false\n')
    loaded = load_site(site.root / "feedpub.toml")
    assert format_at(loaded, "index.xml") == "rss"
    assert format_at(loaded, "feed.xml") == "atom"
    assert format_at(loaded, "categories/news/feed.xml") == "atom"
    assert format_at(loaded, "archive/2/index.xml") == "rss"
    assert format_at(loaded, "feed.json") is None
    assert media_type(Path("feed.xml"), "", "atom") == "application/atom+xml; charset=utf-8"
    assert media_type(Path("index.xml"), "", None) == "application/xml; charset=utf-8"


def test_archives_follow_the_paths(site: SiteDir) -> None:
    site.config(
        BASE + 'rss_path = "index.xml"\natom_path = "feed.xml"\nlimit = 2\narchive = true\n'
    )
    for day in range(1, 6):
        _entry(site, f"e{day}.md", day)
    assert site.run("build").exit_code == 0
    assert (site.public / "archive/1/index.xml").is_file()
    assert (site.public / "archive/1/feed.xml").is_file()
    main_atom = (site.public / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/archive/2/feed.xml" rel="prev-archive"' in main_atom
    archive_atom = etree.fromstring((site.public / "archive/1/feed.xml").read_bytes())
    assert archive_atom.findtext(f"{ATOM}id") == "https://example.org/feed.xml"


# --------------------------------------------------------------------------- init --from


def _init(folder: Path, tool: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", tool, "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return tomllib.loads((folder / "feedpub.toml").read_text(encoding="utf-8"))


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


#: A distilled jekyll-feed site: its feed at feed: path, a feed for one category.
JEKYLL = {
    "_config.yml": """\
        title: Harbour
        url: "https://harbour.example.org"
        plugins: [jekyll-feed]
        feed:
          path: /news.xml
          categories: [release]
          posts_limit: 3
        """,
    **{
        f"_posts/2025-01-0{day}-post-{day}.md": f"""\
            ---
            title: Post {day}
            categories: [{"release" if day % 2 else "notes"}]
            ---
            Text of post {day}.
            """
        for day in range(1, 6)
    },
}


def test_init_from_jekyll_maps_jekyll_feeds_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _init(_write(tmp_path / "site", JEKYLL), "jekyll", monkeypatch)
    assert settings["atom_path"] == "news.xml"
    assert (settings["rss_path"], settings["json_path"]) == (False, False)  # one file each
    assert settings["category_feeds"] == ["release"]
    assert settings["taxonomy_path"] == "feed/{slug}.xml"
    assert settings["limit"] == 3


#: A distilled Hugo site: sections, categories and tags, a home RSS template that picks the
#: main sections, as many themes do.
HUGO = {
    "hugo.toml": """\
        baseURL = "https://example.org/"
        title = "Example"
        [params]
        mainSections = ["posts"]
        """,
    "layouts/_default/single.html": "{{ .Content }}\n",
    "layouts/_default/list.html": "{{ .Title }}\n",
    "layouts/index.rss.xml": (
        '{{- $pages := where site.RegularPages "Section" "in" site.Params.mainSections -}}\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        "<title>{{ site.Title }}</title><link>{{ .Permalink }}</link><description/>"
        '{{ with .OutputFormats.Get "RSS" }}<atom:link href="{{ .Permalink }}" rel="self" '
        'type="application/rss+xml"/>{{ end }}\n'
        "{{ range $pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>"
        '<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>'
        "<guid>{{ .Permalink }}</guid></item>{{ end }}</channel></rss>\n"
    ),
    **{
        f"content/posts/post-{day}.md": f"""\
            ---
            title: Post {day}
            date: 2025-01-0{day}T10:00:00Z
            categories: [{"News" if day % 2 else "Notes"}]
            tags: [go]
            ---
            Text of post {day}.
            """
        for day in range(1, 5)
    },
    **{
        f"content/docs/doc-{day}.md": f"""\
            ---
            title: Doc {day}
            date: 2025-02-0{day}T10:00:00Z
            ---
            Text of doc {day}.
            """
        for day in range(1, 3)
    },
}


def test_init_from_hugo_maps_hugos_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _init(_write(tmp_path / "site", HUGO), "hugo", monkeypatch)
    assert settings["rss_path"] == "index.xml"
    assert "atom_path" not in settings and "json_path" not in settings  # where Hugo has none
    assert (settings["section_feeds"], settings["tag_feeds"]) == (True, True)
    assert settings["main_sections"] == ["posts"]


def test_init_from_hugo_without_a_home_template_keeps_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hugo's own RSS template: the home feed carries every regular page."""
    files = {k: v for k, v in HUGO.items() if k != "layouts/index.rss.xml"}
    settings = _init(_write(tmp_path / "site", files), "hugo", monkeypatch)
    assert "main_sections" not in settings


# --------------------------------------------------------------------------- real tools


def _compare(real: Path, address: str) -> dict[str, object]:
    done = CliRunner().invoke(
        main,
        ["compare", str(real), "--address", address, "--format", "json"],
        catch_exceptions=False,
    )
    report: dict[str, object] = json.loads(done.stdout)
    return report


def _codes(report: dict[str, object]) -> list[str]:
    return [f["code"] for f in report["findings"]]  # type: ignore[attr-defined, index]


def test_jekyll_feeds_real_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every feed jekyll-feed writes is where feedpub writes it, in Atom, with the same items."""
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the jekyll-feed addresses")
    folder = _write(tmp_path / "site", JEKYLL)
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(folder), "-d", str(tmp_path / "built")],
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    real = sorted(
        p.relative_to(tmp_path / "built").as_posix() for p in (tmp_path / "built").rglob("*.xml")
    )
    assert real == ["feed/release.xml", "news.xml"]
    _init(folder, "jekyll", monkeypatch)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    for address in real:
        report = _compare(tmp_path / "built" / address, address)
        assert report["compared_with"] == address
        assert not {"FP410", "FP411"} & set(_codes(report)), report
        summary = report["summary"]
        assert summary["id changed"] == summary["link changed"] == 0, summary  # type: ignore[index]
        assert summary["missing"] == summary["added"] == 0, summary  # type: ignore[index]
        assert report["old"]["format"] == report["new"]["format"] == "atom"  # type: ignore[index]


def test_hugos_real_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The home feed (its main sections), each section's and each term's: feedpub writes each
    at Hugo's address, in RSS, with the same items."""
    hugo = required_tool("hugo", "hugo", "the Hugo feed addresses")
    folder = _write(tmp_path / "site", HUGO)
    subprocess.run(
        [hugo, "--quiet", "-s", str(folder), "-d", str(tmp_path / "built")],
        check=True,
        capture_output=True,
    )
    _init(folder, "hugo", monkeypatch)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    addresses = [
        "index.xml",
        "posts/index.xml",
        "docs/index.xml",
        "categories/news/index.xml",
        "categories/notes/index.xml",
        "tags/go/index.xml",
    ]
    for address in addresses:
        report = _compare(tmp_path / "built" / address, address)
        assert report["compared_with"] == address
        assert not {"FP410", "FP411"} & set(_codes(report)), (address, report)
        summary = report["summary"]
        assert summary["id changed"] == summary["link changed"] == 0, summary  # type: ignore[index]
        assert summary["missing"] == summary["added"] == 0, (address, summary)  # type: ignore[index]
        assert report["old"]["format"] == report["new"]["format"] == "rss"  # type: ignore[index]


def test_init_from_hugo_follows_the_rss_base_name_and_sections_without_rss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``outputFormats.RSS.baseName: feed`` puts Hugo's feeds at feed.xml; a section page
    whose ``outputs`` leave RSS out has no feed (blog.getbootstrap.com's layout)."""
    files = {
        "hugo.yaml": 'baseURL: "https://example.org/"\noutputFormats:\n  RSS:\n'
        '    baseName: "feed"\ndisableKinds: ["taxonomy", "term"]\n',
        "content/posts/_index.md": "---\ntitle: Archive\noutputs:\n  - html\n---\n",
        "content/posts/a.md": "---\ntitle: A\ndate: 2025-01-01\n---\nText.\n",
    }
    settings = _init(_write(tmp_path / "site", files), "hugo", monkeypatch)
    assert settings["rss_path"] == "feed.xml"
    assert settings["section_feeds"] is False
    assert (settings["category_feeds"], settings["tag_feeds"]) == (False, False)
