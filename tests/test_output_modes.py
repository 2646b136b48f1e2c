"""An output folder without write permission (for the user who builds): a build stages its
outputs in a copy of the output folder that keeps its modes, so it cannot write there.

Permissions stop nothing for root, and the tests run as root in CI: there the build runs as
the user ``nobody`` (``setpriv``, util-linux) in a folder of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import BASIC_CONFIG, required_tool

NOBODY = 65534
GOOD = "---\ntitle: {0}\ndate: 2025-01-0{1}\n---\n{0}.\n"


@pytest.fixture
def folder() -> Iterator[Path]:
    """A site folder the user who builds owns (``nobody`` when the tests run as root)."""
    top = Path(tempfile.mkdtemp(prefix="feedpub-modes-"))
    os.chmod(top, 0o755)
    site = top / "site"
    (site / "entries").mkdir(parents=True)
    (site / "feedpub.toml").write_text(BASIC_CONFIG)
    (site / "entries" / "a.md").write_text(GOOD.format("A", 1))
    yield site
    subprocess.run(["chmod", "-R", "u+rwx", str(top)], check=False)
    shutil.rmtree(top)


def build(site: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "feedpub", "build"]
    if os.geteuid() == 0:
        setpriv = required_tool("setpriv", "util-linux", "the output folder mode tests")
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(site)], check=True)
        command = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(command, cwd=site, capture_output=True, text=True, check=False)


def test_a_read_only_output_folder_is_named_and_leaves_nothing_behind(folder: Path) -> None:
    """Was: '.public.feedpub-stage-x1y2/feed.xsl: cannot write the output (Permission
    denied)', naming the staging folder, which then stayed beside public/ for good: with the
    output folder's mode, neither that build nor any later one could remove it."""
    assert build(folder).returncode == 0
    before = {p.name: p.read_bytes() for p in (folder / "public").iterdir() if p.is_file()}
    (folder / "entries" / "b.md").write_text(GOOD.format("B", 2))
    os.chmod(folder / "public", 0o555)
    done = build(folder)
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("public/"), first
    assert "cannot write the output (Permission denied); make the output folder" in first
    assert "Traceback" not in done.stderr
    assert sorted(os.listdir(folder)) == [".feedpub-cache", "entries", "feedpub.toml", "public"]
    after = {p.name: p.read_bytes() for p in (folder / "public").iterdir() if p.is_file()}
    assert after == before
    os.chmod(folder / "public", 0o755)
    done = build(folder)
    assert done.returncode == 0, done.stderr
    assert b"<title>B</title>" in (folder / "public" / "feed.xml").read_bytes()


def test_a_stale_stage_in_a_read_only_site_folder_leaves_the_folders_mode(folder: Path) -> None:
    """Removing a staging folder made writable only the folders inside it: when the folder
    that holds it (the user's site folder) was read-only, its mode was set to 0700 to remove
    the stage, a user's folder changed (and its group and others lost their access)."""
    assert build(folder).returncode == 0
    stale = folder / ".public.feedpub-stage-killed"
    (stale / "sub").mkdir(parents=True)
    (stale / ".feedpub-stage").write_text("")
    (stale / "sub" / "feed.xml").write_text("old")
    (folder / "entries" / "b.md").write_text(GOOD.format("B", 2))  # (a build that writes)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(stale)], check=True)
    os.chmod(folder, 0o555)
    build(folder)  # (it may fail: it cannot write its own staging folder beside public/)
    assert oct(os.stat(folder).st_mode & 0o7777) == oct(0o555)
