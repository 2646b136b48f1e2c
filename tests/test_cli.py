"""The command line as a user meets it: --version, python -m, help text, build summary."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from lxml import etree

import feedpub
from feedpub.cli import main

from .conftest import BASIC_CONFIG, SiteDir


def test_version_matches_the_package() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"feedpub, version {feedpub.__version__}"


def test_python_dash_m(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello.\n")
    done = subprocess.run(
        [sys.executable, "-m", "feedpub", "build"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (site.public / "feed.xml").is_file()
    assert (site.public / "atom.xml").is_file()


def _commands() -> list[str]:
    assert isinstance(main, click.Group)
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented(command: str) -> None:
    """Each command's help explains it, ends with an example, and every option has help."""
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    cmd = main.commands[command]
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"--{param.name} of {command} has no help text"


def test_top_level_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in _commands():
        assert command in result.output
    assert "--version" in result.output


def test_the_library_check_can_be_called_again(site: SiteDir) -> None:
    """``feedpub.check`` is loaded on first use; importing its module made the module the
    package's attribute, so that a second ``feedpub.check(site)`` called the module (a fresh
    interpreter: this one may hold the module already)."""
    site.config(BASIC_CONFIG)
    site.entry("a.md", "---\ntitle: A\ndate: 2024-01-02\n---\nText.\n")
    code = (
        "import feedpub\nsite = feedpub.load_site()\nfeedpub.build(site)\n"
        "first = feedpub.check(site)\nsecond = feedpub.check(site)\n"
        "assert callable(feedpub.check) and first == second, (first, second)\nprint('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize(
    "first",
    ["import feedpub.check", "from feedpub.check import check", "from feedpub import check"],
)
def test_the_library_check_is_callable_however_its_module_was_imported(
    site: SiteDir, first: str
) -> None:
    """When the module ``feedpub.check`` is imported before ``feedpub.check`` is looked up
    (``from feedpub.check import check``, or the CLI's ``check`` run in the same process),
    the import system makes the module the package's attribute: ``feedpub.check(site)`` was
    "'module' object is not callable" (47a6607 fixed only the lookup that imports it)."""
    site.config(BASIC_CONFIG)
    site.entry("a.md", "---\ntitle: A\ndate: 2024-01-02\n---\nText.\n")
    code = (
        f"{first}\nimport feedpub\nsite = feedpub.load_site()\nfeedpub.build(site)\n"
        "first = feedpub.check(site)\nsecond = feedpub.check(site)\n"
        "assert first == second, (first, second)\nprint('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_build_prints_a_summary_and_quiet_silences_it(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello.\n")
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\n---\nHello.\n")
    result = site.run("build")
    assert result.exit_code == 0
    assert result.output.startswith("2 entries → 3 feeds in public/ (")
    again = site.run("build")
    assert "unchanged)" in again.output
    assert site.run("build", "--quiet").output == ""


def test_the_summary_counts_the_entries_published_not_the_main_feed_s_items(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'N entries' is every entry published (the category feeds hold those the main feed's
    limit leaves out), whichever path the build takes; not drafts, not entries to come."""
    import importlib

    pipeline = importlib.import_module("feedpub.pipeline._full")  # where build() finds scan_all

    site.config(BASIC_CONFIG + "limit = 2\n")
    for n in range(1, 6):
        site.entry(f"{n}.md", f"---\ntitle: E{n}\ndate: 2025-01-0{n}\ncategories: [C{n}]\n---\nE\n")
    site.entry("draft.md", "---\ntitle: D\ndate: 2025-01-01\ndraft: true\n---\nD.\n")
    site.entry("later.md", "---\ntitle: L\ndate: 2999-01-01\n---\nL.\n")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("5 entries → 18 feeds in public/ (")
    assert site.run("build").stdout.startswith("5 entries → 18 feeds in public/ (")  # unchanged
    full_scans: list[object] = []
    scan_all = pipeline.scan_all
    monkeypatch.setattr(
        pipeline, "scan_all", lambda *a, **k: full_scans.append(a) or scan_all(*a, **k)
    )
    site.entry("6.md", "---\ntitle: E6\ndate: 2025-01-06\ncategories: [C1]\n---\nE6\n")
    assert site.run("build").stdout.startswith("6 entries → 18 feeds in public/ (")
    assert full_scans == []  # the delta path: from the last build's record
    assert site.run("build", "--drafts").stdout.startswith("7 entries → 18 feeds")


def test_build_options_override_the_config(site: SiteDir, tmp_path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "x.md").write_text("---\ntitle: X\ndate: 2025-01-01\n---\nHi\n", encoding="utf-8")
    out = tmp_path / "out"
    result = site.run(
        "build", "--entries", str(other), "--out", str(out), "--base-url", "https://b.example/x"
    )
    assert result.exit_code == 0, result.output
    channel = etree.fromstring((out / "feed.xml").read_bytes()).find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == "https://b.example/x/feed.xml"
    assert channel.find("item").findtext("link") == "https://b.example/x/2025/01/x/"
    assert not site.public.exists()


def test_commands_set_aside_what_they_held_when_the_process_ends(site, monkeypatch) -> None:
    # Python's last collection at exit would go over every entry a build held; frozen, they
    # are freed without it. The hook is registered once, however many commands run.
    import atexit
    import gc

    from feedpub import cli

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    cli._register_at_exit.cache_clear()
    site.run("build")  # (whether it succeeds or not)
    site.run("build")
    assert registered == [cli._at_exit]
    cli._register_at_exit.cache_clear()
    assert gc.get_freeze_count() == 0
    try:
        cli._at_exit()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
