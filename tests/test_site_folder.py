"""Every command finds its site from any folder inside it, as git finds its repository: the
settings in the folder it runs in or the nearest parent, and the site's folders relative to
the settings file, never to the current folder (issue 15, item 5)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub import config
from feedpub.cli import main

from .conftest import BASIC_CONFIG, SiteDir
from .test_serve import Served

ENTRY = "---\ntitle: First\ndate: 2025-05-01\n---\nBody.\n"
SETTINGS = (
    BASIC_CONFIG
    + 'entries = "posts"\noutput = "out"\nauthor = "N <n@example.org>"\n'
    + 'hub = "https://hub.example.com/"\n'
)


@pytest.fixture
def inside(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    """A site whose entries are in posts/ and output in out/, run from posts/2025/."""
    site.config(SETTINGS)
    site.entries = site.root / "posts"
    site.public = site.root / "out"
    site.entry("2025/first.md", ENTRY)
    monkeypatch.chdir(site.entries / "2025")
    return site


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_new_from_a_subfolder_writes_into_the_sites_entries_folder(inside: SiteDir) -> None:
    before = files_under(Path.cwd())
    result = inside.run("new", "Second", "--date", "2025-05-02")
    assert result.exit_code == 0, result.output
    written = (Path.cwd() / result.stdout.strip()).resolve()
    assert written == inside.entries.resolve() / "2025-05-02-second.md"
    assert files_under(Path.cwd()) == before  # no posts/2025/posts/…
    assert "\nauthor: N <n@example.org>\n" in written.read_text(encoding="utf-8")


def test_build_from_a_subfolder_is_the_build_from_the_site_folder(
    inside: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files_under(Path.cwd())
    result = inside.run("build")
    assert result.exit_code == 0, result.output
    assert (inside.public / "feed.xml").is_file()
    assert files_under(Path.cwd()) == before  # no out/ or cache here
    monkeypatch.chdir(inside.root)
    again = inside.run("build")
    assert again.exit_code == 0, again.output
    assert again.stdout.endswith(", unchanged)\n")  # the same site, the same feeds


def test_every_command_reads_the_site_from_a_subfolder(inside: SiteDir) -> None:
    assert inside.run("build").exit_code == 0
    checked = inside.run("check", "--strict")
    assert checked.exit_code == 0, checked.output
    listed = inside.run("list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert [row["title"] for row in json.loads(listed.stdout)] == ["First"]
    links = inside.run("links")
    assert links.exit_code == 0, links.output
    assert 'href="https://example.org/feed.xml"' in links.stdout
    pinged = inside.run("ping", "--dry-run")
    assert pinged.exit_code == 0, pinged.output
    assert "would notify https://hub.example.com/ of https://example.org/feed.xml" in pinged.stdout
    cache = inside.root / ".feedpub-cache"
    assert cache.is_dir()
    cleaned = inside.run("clean")
    assert cleaned.exit_code == 0, cleaned.output
    # emptied but for the build lock (pipeline/_lock.py), which a waiting build may hold open
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "build.lock"]


def test_serve_from_a_subfolder_serves_the_sites_output(inside: SiteDir) -> None:
    server = Served(Path.cwd(), "--port", "0")
    try:
        server.started()
        status, _, body = server.request("/feed.xml")
    finally:
        server.stop()
    assert status == 200
    assert body == (inside.public / "feed.xml").read_bytes()
    assert not (Path.cwd() / "out").exists()


def test_settings_in_pyproject_are_found_past_other_projects_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: SiteDir
) -> None:
    """A pyproject.toml without [tool.feedpub] on the way up, even a broken one, is some other
    project's: the search goes on past it."""
    (site.root / "feedpub.toml").unlink()
    site.config("[tool.feedpub]\n" + BASIC_CONFIG, name="pyproject.toml")
    site.entry("a.md", ENTRY)
    tool = site.root / "tool"
    (tool / "src").mkdir(parents=True)
    (tool / "pyproject.toml").write_text('[project]\nname = "tool"\n', encoding="utf-8")
    (tool / "src" / "pyproject.toml").write_text("[project\nbroken", encoding="utf-8")
    monkeypatch.chdir(tool / "src")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    assert (site.public / "feed.xml").is_file()
    assert not (tool / "public").exists()
    assert config.find_site_config(Path.cwd()) == (site.root / "pyproject.toml").resolve()


def test_a_broken_settings_file_on_the_way_up_is_reported(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site.root / "feedpub.toml").write_text("title = \n", encoding="utf-8")
    site.entry("sub/a.md", ENTRY)
    monkeypatch.chdir(site.entries / "sub")
    result = site.run("new", "X")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{site.root / 'feedpub.toml'}:1: not valid TOML")
    assert list((site.entries / "sub").iterdir()) == [site.entries / "sub" / "a.md"]


def test_new_with_no_site_up_to_the_home_folder_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings above the home folder are not the site of a folder inside it."""
    (tmp_path / "feedpub.toml").write_text(BASIC_CONFIG, encoding="utf-8")
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "notes")
    result = CliRunner().invoke(main, ["new", "X"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "no feedpub.toml (or pyproject.toml with [tool.feedpub]) here or in any parent folder; "
        "run 'feedpub init' to make a site, or pass --config",
        "feedpub: 1 problem; nothing was written.",
    ]
    assert list(home.rglob("*")) == [home / "notes"]
    assert not (tmp_path / "entries").exists()
    assert config.find_site_config(Path.cwd()) is None


def test_the_search_stops_where_another_file_system_begins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git's: a folder mounted inside a site's folder is not part of the site."""
    (tmp_path / "feedpub.toml").write_text(BASIC_CONFIG, encoding="utf-8")
    mount = (tmp_path / "mnt").resolve()
    (mount / "inner").mkdir(parents=True)
    real_stat = Path.stat

    class Mounted:
        """A stat result of ``mount``, on another device."""

        def __init__(self, result: os.stat_result) -> None:
            self.result = result
            self.st_dev = result.st_dev + 1

        def __getattr__(self, name: str) -> object:
            return getattr(self.result, name)

    def stat(path: Path, **kwargs: bool) -> object:
        result = real_stat(path, **kwargs)
        return Mounted(result) if path == mount else result

    monkeypatch.setattr(Path, "stat", stat)
    assert config.find_site_config(mount / "inner") is None
    assert config.find_site_config(tmp_path / "mnt") is None
    monkeypatch.setattr(Path, "stat", real_stat)
    assert config.find_site_config(mount / "inner") == (tmp_path / "feedpub.toml").resolve()


def test_config_option_still_names_the_settings_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: SiteDir
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = str(site.root / "feedpub.toml")
    made = site.run("new", "X", "--date", "2025-05-01", "--config", settings)
    assert made.exit_code == 0, made.output
    assert (site.entries / "2025-05-01-x.md").is_file()
    built = site.run("build", "--config", settings)
    assert built.exit_code == 0, built.output
    assert (site.public / "feed.xml").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("where", [".", "new-site", "deeper/new-site"])
def test_init_refuses_to_make_a_site_among_another_sites_entries(
    inside: SiteDir, where: str
) -> None:
    """Its example entry would be published by the site around it, and the commands run in it
    would take its settings for that site's."""
    before = files_under(inside.root)
    result = inside.run("init", where)
    assert result.exit_code == 1
    message, last = result.stderr.splitlines()
    assert message == (
        f"'{where}' is in {inside.entries.resolve()}/, the entries folder of the site of "
        f"{(inside.root / 'feedpub.toml').resolve()}, whose build would publish the new "
        "site's files as entries; make the new site in a folder outside it"
    )
    assert last == "feedpub: 1 problem; nothing was written."
    assert files_under(inside.root) == before


def test_init_makes_a_site_in_a_sites_other_folders(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the entries folder a site may hold another (a monorepo's docs/ has its own)."""
    (site.root / "docs").mkdir()
    monkeypatch.chdir(site.root / "docs")
    assert site.run("init", "news").exit_code == 0
    monkeypatch.chdir(site.root / "docs" / "news" / "entries")
    built = site.run("build")
    assert built.exit_code == 0, built.output
    assert (site.root / "docs" / "news" / "public" / "feed.xml").is_file()
    assert not site.public.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("build",),
        ("check",),
        ("list",),
        ("links",),
        ("clean",),
        ("build", "--base-url", "https://example.org/"),
    ],
    ids=["build", "check", "list", "links", "clean", "build-with-base-url"],
)
def test_a_command_with_no_site_anywhere_says_so_and_makes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "notes")
    result = CliRunner().invoke(main, list(args))
    assert list(home.rglob("*")) == [home / "notes"], result.output  # no cache, no lock
    if args == ("clean",):
        assert result.exit_code == 0 and result.output == "no cache to remove\n"
    elif len(args) > 1:  # a base URL given: the missing entries folder is what is said
        assert result.exit_code == 1 and "the entries folder does not exist" in result.output
    else:
        assert result.exit_code == 1, result.output
        assert "no feedpub.toml (or pyproject.toml with [tool.feedpub]) here or in any parent" in (
            result.output
        )
