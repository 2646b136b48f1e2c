"""`feedpub init` and `feedpub new`: working files, complete front matter, never an overwrite."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

import feedpub
from feedpub.cli import main
from feedpub.entry import read_entry

from .conftest import SiteDir


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_makes_a_site_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "site", "--title", "Riverside", "--base-url", "https://r.example/")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "created site/feedpub.toml",
        "created site/entries/hello-feeds.md",
        "next: cd site && feedpub build",
    ]
    config = (tmp_path / "site" / "feedpub.toml").read_text(encoding="utf-8")
    for key in feedpub.config.DEFAULTS:  # every setting is there, set or commented
        assert f"{key} =" in config, key
    monkeypatch.chdir(tmp_path / "site")
    built = run("build")
    assert built.exit_code == 0, built.output
    assert b"Hello, feeds" in (tmp_path / "site" / "public" / "feed.xml").read_bytes()
    assert run("check", "--strict").exit_code == 0


def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feedpub.toml").write_text('title = "mine"\n', encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert result.stderr.startswith("feedpub.toml already exists; init never overwrites a file\n")
    assert (tmp_path / "feedpub.toml").read_text(encoding="utf-8") == 'title = "mine"\n'
    assert not (tmp_path / "entries").exists()  # nothing written at all


def test_new_writes_complete_front_matter(site: SiteDir) -> None:
    result = site.run(
        "new",
        "Ünïcode Bridge: Opens",
        "--category",
        "Local",
        "--category",
        "Roads",
        "--tag",
        "bridges",
        "--author",
        "Ann <ann@example.org>",
        "--date",
        "2025-05-01 09:30",
    )
    assert result.exit_code == 0, result.output
    path = site.root / result.stdout.strip()
    assert path == site.entries / "2025-05-01-unicode-bridge-opens.md"
    entry, warnings = read_entry(path, feedpub.load_site())
    assert [w.code for w in warnings] == ["FP213"]  # only: the body is still to be written
    assert entry.title == "Ünïcode Bridge: Opens"
    assert entry.categories == ("Local", "Roads")
    assert entry.tags == ("bridges",)
    assert entry.authors[0].email == "ann@example.org"
    assert entry.date.isoformat() == "2025-05-01T09:30:00+00:00"
    assert entry.draft is False


def test_new_never_overwrites_and_numbers_the_second(site: SiteDir) -> None:
    first = site.run("new", "Same", "--date", "2025-05-01").stdout.strip()
    second = site.run("new", "Same", "--date", "2025-05-01", "--draft").stdout.strip()
    assert first == "entries/2025-05-01-same.md"
    assert second == "entries/2025-05-01-same-2.md"
    assert "draft: true" in (site.root / second).read_text(encoding="utf-8")
    assert "draft" not in (site.root / first).read_text(encoding="utf-8")


def test_new_with_a_bad_date_is_a_clean_error(site: SiteDir) -> None:
    result = site.run("new", "X", "--date", "next tuesday")
    assert result.exit_code == 1
    assert result.stderr.startswith("--date 'next tuesday' is not a date")
    assert list(site.entries.iterdir()) == []


def test_init_new_build_from_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's own words: init, new "Hello", build gives valid feeds holding "Hello"; and
    running init or new again loses nothing."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "site").exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    first = run("new", "Hello")
    assert first.exit_code == 0, first.output
    built = run("build")
    assert built.exit_code == 0, built.output
    feed = feedparser.parse((tmp_path / "site" / "public" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Hello", "Hello, feeds"]
    # The new entry's placeholder body is published as it is: check says so (FP213) ...
    checked = run("check", "--strict")
    assert checked.exit_code == 1
    new_file = tmp_path / "site" / first.stdout.strip()
    assert checked.stdout == (
        f"{first.stdout.strip()}:9: warning FP213: still has the text 'feedpub new' put there; "
        "write the entry, or mark it 'draft: true' until it is ready\n"
    )
    # ... until the writer writes it.
    text = new_file.read_text(encoding="utf-8")
    new_file.write_text(text.replace("Write the entry here, in Markdown.", "Hi."), "utf-8")
    assert run("check", "--strict").exit_code == 0
    files = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert run("init", ".").exit_code == 1
    again = run("new", "Hello")  # the same title in the same month: another slug
    assert again.exit_code == 0
    assert again.stdout.strip().endswith("-hello-2.md")
    for path, data in files.items():
        assert path.read_bytes() == data, path
    assert run("build").exit_code == 0
    links = {
        e.link
        for e in feedparser.parse((tmp_path / "site" / "public" / "feed.xml").read_bytes()).entries
    }
    assert len(links) == 3


@pytest.mark.parametrize("title", ["", "   "])
def test_new_refuses_an_empty_title(site: SiteDir, title: str) -> None:
    result = site.run("new", title)
    assert result.exit_code == 2
    assert "the title is empty" in result.stderr
    assert list(site.entries.iterdir()) == []


def test_new_edit_with_an_editor_that_cannot_run(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    monkeypatch.delenv("VISUAL", raising=False)
    result = site.run("new", "Story", "--edit")
    assert result.exit_code == 1
    written = result.stdout.strip()
    assert (site.root / written).is_file()  # the entry is kept
    assert result.stderr.startswith(f"{written}: written, but the editor did not run (")
    assert "set EDITOR or VISUAL" in result.stderr
    assert "Traceback" not in result.output
