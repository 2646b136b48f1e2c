"""When a build starts its worker processes: a cold build of a site large enough for them
starts them while it lists the files (before it asks each one its size and time), not after."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import feedpub
from feedpub.scan import PARALLEL_MIN
from feedpub.workers import Workers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate

#: (feedpub.scan the package: ``feedpub.scan`` the attribute is its function scan())
scan_package = importlib.import_module("feedpub.scan")


def _events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What a build does, in order: the workers started, the files' sizes and times known."""
    events: list[str] = []
    start, names = Workers._start, scan_package.relative_names

    def started(self: Workers) -> object:
        if not self.started:
            events.append("workers")
        return start(self)

    def listed(*args: object) -> object:
        events.append("listed")
        return names(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Workers, "_start", started)
    monkeypatch.setattr(scan_package, "relative_names", listed)
    return events


def test_a_cold_build_starts_its_workers_while_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = feedpub.load_site(generate(tmp_path / "site", PARALLEL_MIN + 20) / "feedpub.toml")
    events = _events(monkeypatch)
    feedpub.build(site, jobs=2)
    assert events[:2] == ["workers", "listed"]
    # A warm one with one entry edited (the delta path) starts none.
    entry = next(site.entries.rglob("*.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    events.clear()
    feedpub.build(site, jobs=2)
    assert events == ["listed"]


@pytest.mark.parametrize(
    ("jobs", "items", "started"),
    [(2, PARALLEL_MIN, True), (2, PARALLEL_MIN - 1, False), (1, 10 * PARALLEL_MIN, False)],
)
def test_workers_start_early_only_where_they_would_be_used(
    jobs: int, items: int, started: bool
) -> None:
    with Workers(jobs) as workers:
        workers.start_early(items, PARALLEL_MIN)
        assert workers.started is started
        # map() takes them where it uses them, in this process where it does not.
        assert list(workers.map(_double, None, list(range(items)), PARALLEL_MIN)) == [  # type: ignore[arg-type]
            2 * i for i in range(items)
        ]


def _double(site: object, chunk: list[int]) -> list[int]:
    return [2 * i for i in chunk]


def _listings(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The listings the builds work from."""
    seen: list[object] = []
    full = importlib.import_module("feedpub.pipeline._full")
    listed = full.list_entries
    monkeypatch.setattr(
        full, "list_entries", lambda *a, **k: seen.append(listed(*a, **k)) or seen[-1]
    )
    return seen


@pytest.mark.parametrize("entries", [3, PARALLEL_MIN + 20])
def test_a_cold_build_asks_no_file_its_size_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: int
) -> None:
    """With nothing cached, the scan reads every file: the listing asks none its size and
    time, the scan records those it read, and the next build knows nothing changed."""
    site = feedpub.load_site(generate(tmp_path / "site", entries) / "feedpub.toml")
    listings = _listings(monkeypatch)
    first = feedpub.build(site, jobs=2)
    assert first.written and not first.cache_hits
    assert listings[-1].unstated and listings[-1].stats  # type: ignore[attr-defined]
    again = feedpub.build(site, jobs=2)
    assert not listings[-1].unstated  # type: ignore[attr-defined]
    # Nothing to do (not the delta path, which finds no change but costs more): one stage.
    assert not again.written and [stage for stage, _ in again.timings] == ["scan"]


def test_a_build_after_a_failed_one_takes_what_that_one_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed build records no build, but keeps the entries it read: the next one (no last
    build either) lists the files as usual and takes those from the cache."""
    site = feedpub.load_site(generate(tmp_path / "site", 12) / "feedpub.toml")
    broken = sorted(site.entries.rglob("*.md"))[0]
    text = broken.read_text(encoding="utf-8")
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(feedpub.FeedpubError):
        feedpub.build(site, jobs=1)
    broken.write_text(text, encoding="utf-8")
    listings = _listings(monkeypatch)
    result = feedpub.build(site, jobs=1)
    assert not listings[-1].unstated  # type: ignore[attr-defined]
    assert result.cache_hits == 11


def test_entries_read_by_workers_share_equal_values(tmp_path: Path) -> None:
    """Each entry comes back from a worker with its own copies of what many entries hold
    (front matter keys and lines, authors, categories, tags): the scan keeps one of each, so
    a large site's entries take memory for what is their own only."""
    site = feedpub.load_site(generate(tmp_path / "site", PARALLEL_MIN + 50) / "feedpub.toml")
    entries = scan_package.scan_all(site, feedpub.cache.Cache.open(site), jobs=2).entries
    for field in ("authors", "key_lines", "categories"):
        values = [getattr(e, field) for e in entries]
        distinct = {id(v) for v in values}
        assert len(distinct) == len(set(values)) < len(entries), field
    assert all(e.id is e.link for e in entries if e.id == e.link)
    # The values are the entries' own: the same as a scan in one process.
    alone = scan_package.scan_all(site, feedpub.cache.Cache.open(site, enabled=False), jobs=1)
    assert alone.entries == entries


_LOADED_BY_THEN = """
import importlib, json, sys, threading
from pathlib import Path
import feedpub
full = importlib.import_module("feedpub.pipeline._full")
seen = {}
plan_and_render = full._plan_and_render

def after_the_scan(*args, **kwargs):
    seen["loaded"] = [m for m in ("feedpub.feeds", "lxml.etree", "slugify") if m in sys.modules]
    seen["loading"] = [t.name for t in threading.enumerate() if "load" in t.name]
    return plan_and_render(*args, **kwargs)

full._plan_and_render = after_the_scan
feedpub.build(feedpub.load_site(Path(sys.argv[1])), jobs=2)
print(json.dumps(seen))
"""


@pytest.mark.parametrize(("entries", "ahead"), [(PARALLEL_MIN + 20, True), (30, False)])
def test_what_the_feeds_need_is_loaded_while_the_workers_read(
    tmp_path: Path, entries: int, ahead: bool
) -> None:
    """feedgen, lxml and python-slugify, which the stages after the scan load, are loaded
    before the scan ends (by the workers' preload, or by a thread while the workers read the
    entries: loaded after it, they held up those stages), and that thread is done when the
    scan is; a site too small for workers loads them where they are used."""
    import json
    import subprocess

    config = generate(tmp_path / "site", entries) / "feedpub.toml"
    run = subprocess.run(
        [sys.executable, "-c", _LOADED_BY_THEN, str(config)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    expected = ["feedpub.feeds", "lxml.etree", "slugify"] if ahead else []
    assert seen["loaded"] == expected
    assert seen["loading"] == []  # (done: the build goes on with every module whole)


def _sizes(site: object, chunk: list[int]) -> list[tuple[int, int]]:
    return [(i, len(chunk)) for i in chunk]


@pytest.mark.parametrize("items", [10_100, 1_000, 150])
def test_the_last_chunks_are_small_so_that_the_workers_end_together(items: int) -> None:
    """With chunks of one size, one worker ran the last (up to 256 entries) alone while the
    other core was idle: the chunks get smaller towards the end, down to 16 items, in order."""
    with Workers(1) as workers:  # (the chunks are the same in this process)
        seen = list(workers.map(_sizes, None, list(range(items)), PARALLEL_MIN))  # type: ignore[arg-type]
    assert [i for i, _ in seen] == list(range(items))
    chunks: list[int] = []
    position = 0
    while position < items:
        chunks.append(seen[position][1])
        position += seen[position][1]
    assert max(chunks[-2:]) <= 16, chunks
    assert chunks == sorted(chunks, reverse=True)  # never larger than one before it
    assert len(chunks) <= items // 256 + 16, chunks  # (but no more than that)
