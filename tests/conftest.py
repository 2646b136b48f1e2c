"""Shared fixtures: a throw-away site folder with a config and entry files."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner, Result

from feedpub.cli import main

REPO = Path(__file__).resolve().parent.parent

#: What a build of a site with no categories writes at the top of public/.
PUBLIC_FILES = frozenset(
    {
        "feed.xml",
        "atom.xml",
        "feed.json",
        "index.html",
        "feeds.opml",
        "feed.xsl",
        ".feedpub-manifest.json",
    }
)

BASIC_CONFIG = """\
title = "Test Site"
base_url = "https://example.org/"
description = "Entries for tests"
timezone = "UTC"
"""


class SiteDir:
    """A site folder under tmp_path: write entries and config, run the CLI inside it."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.entries = root / "entries"
        self.entries.mkdir()
        self.public = root / "public"
        self.config(BASIC_CONFIG)
        monkeypatch.chdir(root)

    def config(self, text: str, name: str = "feedpub.toml") -> Path:
        path = self.root / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def entry(self, name: str, text: str | bytes) -> Path:
        """Write entries/NAME; str is dedented and written as UTF-8, bytes as they are."""
        path = self.entries / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file under public/ with its bytes and mtime, to prove nothing changed."""
        if not self.public.exists():
            return {}
        return {
            str(p.relative_to(self.public)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(self.public.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    root = tmp_path / "site"
    root.mkdir()
    return SiteDir(root, monkeypatch)


@pytest.fixture
def make_entry() -> Callable[..., str]:
    """Front matter text from keyword arguments (YAML written by hand, not by a dumper)."""

    def make(body: str = "Body text.\n", **fields: str) -> str:
        lines = ["---", *(f"{key}: {value}" for key, value in fields.items()), "---", body]
        return "\n".join(lines)

    return make


def required_tool(name: str, package: str, why: str) -> str:
    """The path of the program ``name``; skips the test where it is missing, but fails it when
    the CI variable is set, so CI never passes without running it (.ci/run installs it)."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed (Debian: apt-get install {package})", why)
    return path


def missing(message: str, why: str) -> NoReturn:
    """Skip the test for want of a tool (``message``), or fail it when the CI variable is set:
    CI never passes without running ``why``."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run {why}")
    pytest.skip(message)


#: The two templates Hugo needs to build a site's pages; its feeds come from its embedded RSS
#: template (the fixtures of the real-Hugo comparisons add them).
HUGO_LAYOUTS = {
    "layouts/_default/single.html": "{{ .Content }}\n",
    "layouts/_default/list.html": "{{ .Title }}\n",
}


def hugo_then_feedpub(source: Path, public: Path, monkeypatch: pytest.MonkeyPatch, why: str) -> str:
    """Build the site in ``source`` with the real Hugo into ``public``, then with feedpub in
    ``source`` after ``feedpub init --from hugo .`` (``why``: as for :func:`required_tool`);
    returns what init printed."""
    hugo = required_tool("hugo", "hugo", why)
    subprocess.run(
        [hugo, "--quiet", "-s", str(source), "-d", str(public)], check=True, capture_output=True
    )
    monkeypatch.chdir(source)
    runner = CliRunner()
    done = runner.invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    init_output = done.output
    done = runner.invoke(main, ["build"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return init_output


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (text by path relative to ``folder``) into ``folder``; returns it."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
