"""`feedpub list`: what the main feed does with each entry."""

from __future__ import annotations

import json

from .conftest import BASIC_CONFIG, SiteDir


def _site(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "limit = 1\n")
    site.entry(
        "new.md", "---\ntitle: Newest\ndate: 2025-03-01\nauthor: Ann\ncategories: [A]\n---\nx\n"
    )
    site.entry("old.md", "---\ntitle: Older\ndate: 2025-01-01\nauthor: Bob\n---\nx\n")
    site.entry("draft.md", "---\ntitle: Draft\ndate: 2025-02-01\ndraft: true\n---\nx\n")
    site.entry("later.md", "---\ntitle: Later\ndate: 2999-01-01\n---\nx\n")


def _rows(site: SiteDir, *args: str) -> list[dict]:
    result = site.run("list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_statuses_newest_first(site: SiteDir) -> None:
    _site(site)
    rows = _rows(site, "--drafts", "--future")
    assert [(r["title"], r["status"]) for r in rows] == [
        ("Later", "future"),
        ("Newest", "published"),
        ("Draft", "draft"),
        ("Older", "beyond limit"),
    ]
    assert rows[1]["file"] == "entries/new.md"
    assert rows[1]["link"] == "https://example.org/2025/03/new/"


def test_drafts_and_future_only_when_asked_and_filters(site: SiteDir) -> None:
    _site(site)
    assert [r["title"] for r in _rows(site)] == ["Newest", "Older"]
    assert [r["title"] for r in _rows(site, "--category", "A")] == ["Newest"]
    assert [r["title"] for r in _rows(site, "--author", "Bob")] == ["Older"]


def test_table_fits_the_terminal_and_writes_nothing(site: SiteDir) -> None:
    _site(site)
    result = site.run("list")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2025-03-01  published     Newest \u2014 Ann [A]")
    assert lines[0].endswith("entries/new.md")
    assert all(len(line) <= 100 for line in lines)  # the default width when not a terminal
    assert not site.public.exists()


def test_table_columns_line_up(site: SiteDir, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    site.config(BASIC_CONFIG)
    site.entry("a.md", "---\ntitle: Short\ndate: 2025-03-01\n---\nx\n")
    site.entry(
        "2025-01-01-a-much-longer-file-name.md",
        "---\ntitle: A title long enough to be cut somewhere on a ninety-column line\n"
        "date: 2025-01-01\nauthor: Bob\n---\nx\n",
    )
    lines = site.run("list").stdout.splitlines()
    assert len(lines) == 2 and all(len(line) <= 90 for line in lines)
    # the file column starts at one place (a cut name starts with "\u2026")
    assert lines[0].index("entries/a.md") == lines[1].rindex("\u2026"), lines
    assert lines[0].endswith("entries/a.md")
    assert lines[1].endswith("longer-file-name.md")  # a long name loses its start, not its end
    assert "\u2026" in lines[1]  # the title is cut to fit


def test_base_url_option_where_no_settings_name_one(site: SiteDir) -> None:
    site.config('title = "T"\n')
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nx\n")
    missing = site.run("list")
    assert missing.exit_code == 1
    assert "pass --base-url" in missing.stderr
    rows = _rows(site, "--base-url", "https://other.example/")
    assert rows[0]["link"] == "https://other.example/2025/01/a/"
    links = site.run("links", "--base-url", "https://other.example/")
    assert 'href="https://other.example/feed.xml"' in links.stdout
