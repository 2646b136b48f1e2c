"""Feed addresses of issue #17 beyond categories and tags: Hugo's other taxonomies
(``[taxonomies] arquitecte = "arquitectes"``: a feed per term), a home RSS template's own
limit (``first 50``: ``main_limit``), and feeds a site makes with templates of its own, which
``init --from`` names. Each Hugo fixture is built by the real Hugo and compared with
``feedpub compare``."""

from __future__ import annotations

import importlib
import json
import re
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub.cli import main

from .conftest import (
    BASIC_CONFIG,
    HUGO_LAYOUTS,
    SiteDir,
    hugo_then_feedpub,
    write_files,
)

#: guiesbcn's layout: a taxonomy of its own, read from the front matter key of its plural
#: (a string is one term, a number a term too), and one whose plural is written in capitals.
TAXONOMIES = {
    "hugo.toml": textwrap.dedent(
        """\
        baseURL = "https://example.org/"
        title = "Guides"
        [taxonomies]
        category = "categories"
        arquitecte = "arquitectes"
        serie = "Series"
        """
    ),
    "content/obres/a.md": "---\ntitle: A\ndate: 2024-01-02\n"
    "arquitectes: [Josep Sert, Antoni Gaudi, 1929]\nseries: one\n---\nA.\n",
    "content/obres/b.md": "---\ntitle: B\ndate: 2024-01-03\n"
    "arquitectes: Josep Sert\nSeries: [One, Two]\ncategories: [Civic]\n---\nB.\n",
    "content/obres/c.md": "---\ntitle: C\ndate: 2024-01-04\n---\nC.\n",
    **HUGO_LAYOUTS,
}

#: hugoDocs' layout: a home RSS template that picks sections and stops at `first N`.
FIRST_N = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "News"\n',
    "layouts/index.rss.xml": (
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        "<title>{{ site.Title }}</title><link>{{ .Permalink }}</link><description/>\n"
        '{{ range first 3 (where .Site.RegularPages "Type" "in" (slice "news")) }}'
        "<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>"
        '<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>'
        "<guid>{{ .Permalink }}</guid></item>{{ end }}</channel></rss>\n"
    ),
    **{
        f"content/news/n{day}.md": f"---\ntitle: N{day}\ndate: 2024-01-0{day}\n---\nN.\n"
        for day in range(1, 7)
    },
    "content/docs/d.md": "---\ntitle: D\ndate: 2024-02-01\n---\nD.\n",
    **HUGO_LAYOUTS,
}


def _hugo_then_feedpub(
    files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, str]:
    """The folder Hugo built the site ``files`` into, the site's folder (after ``init --from
    hugo`` and ``build``), and what init printed."""
    source = write_files(tmp_path / "site", files)
    built = tmp_path / "public"
    why = "the Hugo taxonomy comparisons of issue #17"
    return built, source, hugo_then_feedpub(source, built, monkeypatch, why)


def _compare(built: Path, address: str) -> dict[str, object]:
    done = CliRunner().invoke(
        main,
        ["compare", str(built / address), "--address", address, "--format", "json"],
        catch_exceptions=False,
    )
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_other_taxonomies_get_a_feed_per_term_at_hugos_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, source, _ = _hugo_then_feedpub(TAXONOMIES, tmp_path, monkeypatch)
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["taxonomies"] == ["arquitectes", "series"]
    terms = sorted(
        p.relative_to(built).as_posix()
        for p in built.glob("*/*/index.xml")
        if p.parts[-3] in ("arquitectes", "series", "categories")
    )
    assert terms == [
        "arquitectes/1929/index.xml",
        "arquitectes/antoni-gaudi/index.xml",
        "arquitectes/josep-sert/index.xml",
        "categories/civic/index.xml",
        "series/one/index.xml",
        "series/two/index.xml",
    ]
    for address in terms:
        report = _compare(built, address)
        assert report["compared_with"] == address, report
        summary = report["summary"]
        assert summary["changes"] == 0 and summary["same"] >= 1, (address, report)  # type: ignore[index]
    assert _compare(built, "arquitectes/josep-sert/index.xml")["summary"]["same"] == 2  # type: ignore[index]


def test_a_home_templates_first_n_is_the_main_feeds_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, source, _ = _hugo_then_feedpub(FIRST_N, tmp_path, monkeypatch)
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert (settings["main_limit"], settings["limit"]) == (3, 0)
    assert settings["main_sections"] == ["news"]
    report = _compare(built, "index.xml")
    summary = report["summary"]
    assert (summary["same"], summary["changes"]) == (3, 0), report  # type: ignore[index]
    # the section's feed keeps every page, as Hugo's own template writes it
    report = _compare(built, "news/index.xml")
    assert (report["summary"]["same"], report["summary"]["changes"]) == (6, 0), report  # type: ignore[index]


def _entry(site: SiteDir, day: int) -> None:
    site.entry(
        f"e{day}.md", f"---\ntitle: E{day}\ndate: 2025-01-0{day}\ncategories: [News]\n---\nE.\n"
    )


def _items(site: SiteDir, name: str) -> list[str]:
    return re.findall(r"<title>(E\d)</title>", (site.public / name).read_text(encoding="utf-8"))


def test_main_limit_in_full_and_delta_builds(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.config(BASIC_CONFIG + "limit = 0\nmain_limit = 2\n")
    for day in range(1, 4):
        _entry(site, day)
    assert site.run("build").exit_code == 0
    assert _items(site, "feed.xml") == ["E3", "E2"]
    assert _items(site, "categories/news/feed.xml") == ["E3", "E2", "E1"]
    _entry(site, 9)
    full = importlib.import_module("feedpub.pipeline._full")
    monkeypatch.setattr(full, "scan_all", None)  # the full path would call it: a delta build
    done = site.run("build")
    assert done.exit_code == 0, done.output
    assert _items(site, "feed.xml") == ["E9", "E3"]
    assert _items(site, "categories/news/feed.xml") == ["E9", "E3", "E2", "E1"]


def test_main_limit_and_archive_cannot_go_together(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "limit = 5\nmain_limit = 2\narchive = true\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert "main_limit cannot be set with archive" in done.output


def test_init_names_feeds_made_by_the_sites_own_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """benbalter.com's /press/feed/index.xml and metaredux.com's /feed.emacs.xml (Jekyll), a
    section's RSS template (Hugo): init says feedpub does not produce them."""
    jekyll = write_files(
        tmp_path / "jekyll",
        {
            "_config.yml": 'title: T\nurl: "https://example.org"\n',
            "press-feed.xml": "---\npermalink: /press/feed/index.xml\nlayout: null\n---\n"
            '<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>\n',
            "feed.emacs.xml": '---\nlayout: null\n---\n<?xml version="1.0"?>\n<feed xmlns="x">\n',
            "sitemap.xml": "---\nlayout: null\n---\n<urlset></urlset>\n",  # no feed
            "_includes/feed.xml": "<feed></feed>\n",  # not a page
        },
    )
    monkeypatch.chdir(jekyll)
    done = CliRunner().invoke(main, ["init", "--from", "jekyll", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    own = [line for line in done.output.splitlines() if "your own template" in line]
    assert own == [
        "not mapped: _config.yml: feed.emacs.xml: a feed made by your own template: feedpub "
        "does not produce it (/feed.emacs.xml)",
        "not mapped: _config.yml: press-feed.xml: a feed made by your own template: feedpub "
        "does not produce it (/press/feed/index.xml)",
    ]
    hugo = write_files(
        tmp_path / "hugo",
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            "layouts/section/news.rss.xml": "<rss></rss>\n",
            "content/news/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nA.\n",
        },
    )
    monkeypatch.chdir(hugo)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "layouts/section/news.rss.xml: a feed made by your own template" in done.output
