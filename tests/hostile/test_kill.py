"""A build killed at any moment (SIGKILL) leaves the previous feeds readable and identical,
and the next build removes what the killed one left behind."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from ..conftest import REPO

spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

# index.html too: its preview shows the entries, so it changes with them.
NAMES = ("feed.xml", "atom.xml", "feed.json", "index.html", ".feedpub-manifest.json")


def _build(site: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedpub", "build", "--quiet"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _files(public: Path) -> dict[str, bytes]:
    return {name: (public / name).read_bytes() for name in NAMES}


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A large site built once (the 'old' feeds), then edited; and the feeds the edit gives."""
    site = generate.generate(tmp_path_factory.mktemp("kill") / "site", 1500, limit=0)
    assert _build(site).wait(timeout=300) == 0
    old = _files(site / "public")
    for path in sorted((site / "entries").glob("*.md"))[::50]:  # edit every 50th entry
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    reference = site.parent / "reference"
    shutil.copytree(site / "entries", reference / "entries")
    shutil.copy(site / "feedpub.toml", reference)
    started = time.perf_counter()
    assert _build(reference).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    new = _files(reference / "public")
    assert new != old
    return site, old, new, duration


# Kill at several points of a build (as fractions of its measured duration): while starting,
# reading, rendering, and writing.
@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.7, 0.9, 0.97])
def test_killed_build_leaves_old_or_new_feeds_never_a_mix(sites, fraction: float) -> None:
    site, old, new, duration = sites
    delay = duration * fraction
    public = site / "public"
    before = _files(public)
    assert before in (old, new)
    process = _build(site)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    after = _files(public)
    assert after in (before, new), "a killed build left a mix of feeds"
    for name in ("feed.xml", "atom.xml"):
        assert feedparser.parse(after[name]).bozo == 0
    # the next build finishes the job and cleans up any staging folder the killed one left
    assert _build(site).wait(timeout=300) == 0
    assert _files(public) == new
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".public.feedpub-stage-")]
    assert leftovers == []
    # reset to the old feeds for the next delay
    for name, data in old.items():
        (public / name).write_bytes(data)
    os.utime(public)
