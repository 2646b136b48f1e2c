"""The incremental cache and the parallel paths: correctness, not speed.

Every kind of build (cold, warm, parallel, serial, without cache) must write the same bytes
as a cold build of the same entries in a fresh folder; a cache that is corrupt, truncated,
from another version or made with other settings is rebuilt, never trusted.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import feedpub
from feedpub.model import MANIFEST_NAME

from .conftest import REPO, SiteDir

spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

COUNT = 260  # above build.PARALLEL_MIN, so that jobs=2 really uses worker processes
FEEDS = ("feed.xml", "atom.xml", "feed.json")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return generate.generate(tmp_path / "site", COUNT, limit=0)


def build(root: Path, **options) -> feedpub.BuildResult:
    return feedpub.build(feedpub.load_site(root / "feedpub.toml"), now=NOW, **options)


def feeds(root: Path) -> dict[str, bytes]:
    return {name: (root / "public" / name).read_bytes() for name in FEEDS}


def cold_copy(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The feeds a cold, serial, cache-less build of the same entries writes elsewhere."""
    other = tmp_path / "cold"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(root / "entries", other / "entries")
    shutil.copy(root / "feedpub.toml", other / "feedpub.toml")
    build(other, cache=False, jobs=1)
    return feeds(other)


def cache_file(root: Path) -> Path:
    return root / ".feedpub-cache" / "cache.sqlite"


def edit(path: Path, text: str = "\nEdited paragraph.\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_cold_warm_parallel_serial_and_uncached_builds_are_byte_identical(
    site, tmp_path, monkeypatch
):
    monkeypatch.setattr(
        sys.modules["feedpub.pipeline._render"], "RENDER_PARALLEL_MIN", 0
    )  # workers too
    reference = cold_copy(site, tmp_path)
    first = build(site, jobs=2)
    assert first.cache_hits == 0
    assert feeds(site) == reference
    for options in ({"jobs": 2}, {"jobs": 1}, {"cache": False, "jobs": 2}):
        shutil.rmtree(site / "public")
        build(site, **options)
        assert feeds(site) == reference, options


RENDERED_BY = ""  # set by the test; forked workers see it too


def recording_render(site_settings, entries, **options):
    """_render_entries, noting which process rendered (the workers are forked: a file)."""
    with open(RENDERED_BY, "a", encoding="utf-8") as note:
        note.write(f"{os.getpid()} {len(entries)}\n")
    return real_render_entries(site_settings, entries, **options)


real_render_entries = sys.modules["feedpub.pipeline._render"]._render_entries


def test_a_cold_build_renders_in_the_workers_that_read_the_entries(site, tmp_path, monkeypatch):
    notes = tmp_path / "rendered-by"
    monkeypatch.setattr(sys.modules[__name__], "RENDERED_BY", str(notes))
    monkeypatch.setattr(
        sys.modules["feedpub.pipeline._render"], "_render_entries", recording_render
    )
    started: list[int] = []
    workers_class = sys.modules["feedpub.workers"].Workers
    real_start = workers_class._start

    def start(self):
        if not self.started:
            started.append(os.getpid())
        return real_start(self)

    monkeypatch.setattr(workers_class, "_start", start)
    build(site, jobs=2)
    assert feeds(site) == cold_copy(site, tmp_path)  # (cold_copy renders in this process)
    assert len(started) == 1  # one set of workers, for reading and rendering
    rendered = [line.split() for line in notes.read_text(encoding="utf-8").splitlines()]
    workers = {int(pid) for pid, _ in rendered if int(pid) != os.getpid()}
    assert sum(int(n) for pid, n in rendered if int(pid) in workers) == COUNT
    assert 1 <= len(workers) <= 2


def test_warm_build_reads_only_the_changed_entry(site, tmp_path):
    build(site)
    entries = sorted((site / "entries").glob("*.md"))
    edit(entries[7])
    result = build(site)
    assert result.cache_hits == COUNT - 1
    assert feeds(site) == cold_copy(site, tmp_path)
    assert b"Edited paragraph." in (site / "public" / "feed.xml").read_bytes()


def test_touched_but_unchanged_file_is_a_cache_hit(site):
    build(site)
    before = feeds(site)
    path = sorted((site / "entries").glob("*.md"))[3]
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    result = build(site)
    assert result.cache_hits == COUNT  # same content hash
    assert result.written == ()
    assert feeds(site) == before


def test_added_and_removed_entries(site, tmp_path):
    build(site)
    entries = sorted((site / "entries").glob("*.md"))
    entries[0].unlink()
    (site / "entries" / "new.md").write_text(
        "---\ntitle: Brand new\ndate: 2025-06-01\n---\nFresh.\n", encoding="utf-8"
    )
    result = build(site)
    assert result.scanned == COUNT
    assert result.cache_hits == COUNT - 1
    assert feeds(site) == cold_copy(site, tmp_path)
    rows = sqlite3.connect(cache_file(site)).execute("SELECT path FROM entries").fetchall()
    assert {r[0] for r in rows} == {p.name for p in (site / "entries").glob("*.md")}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "bad-row", "lost-journal"])
def test_damaged_cache_is_rebuilt_not_trusted(site, tmp_path, damage):
    build(site)
    path = cache_file(site)
    # make the cached data wrong as well as damaged: edit an entry without the cache knowing
    entry = sorted((site / "entries").glob("*.md"))[5]
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "bad-row":
        db = sqlite3.connect(path)
        db.execute("UPDATE entries SET record = '{not json' WHERE path = ?", (entry.name,))
        db.commit()
        db.close()
    else:  # a write that only reached the journal, then the journal is lost
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("UPDATE entries SET size = size + 1")
        db.commit()
        shutil.copy(path.with_name("cache.sqlite-wal"), tmp_path / "wal")
        db.close()
        path.with_name("cache.sqlite-shm").write_bytes(b"\0" * 100)
    if damage != "bad-row":
        for wal in path.parent.glob("cache.sqlite-*"):
            wal.write_bytes(b"garbage")
    edit(entry)
    shutil.rmtree(site / "public")
    build(site)
    assert feeds(site) == cold_copy(site, tmp_path)


def test_cache_from_another_version_is_thrown_away(site, monkeypatch):
    build(site)
    monkeypatch.setattr("feedpub.cache.__version__", "99.0")
    assert build(site).cache_hits == 0
    assert build(site).cache_hits == COUNT


def test_changed_settings_reparse_every_entry(site):
    build(site)
    config = site / "feedpub.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'permalink = "/posts/{slug}/"\n', encoding="utf-8"
    )
    result = build(site)
    assert result.cache_hits == 0
    assert b"https://bench.example.com/posts/" in (site / "public" / "feed.xml").read_bytes()


def test_a_build_with_nothing_to_do_touches_nothing(site):
    build(site)
    stamps = {p.name: p.stat().st_mtime_ns for p in (site / "public").iterdir()}
    result = build(site)
    assert result.written == ()
    assert {p.name for p in result.unchanged} == {*FEEDS, "index.html", "feeds.opml", "feed.xsl"}
    assert {p.name: p.stat().st_mtime_ns for p in (site / "public").iterdir()} == stamps


def test_a_deleted_or_edited_output_is_written_again(site, tmp_path):
    build(site)
    reference = feeds(site)
    (site / "public" / "atom.xml").unlink()
    (site / "public" / "feed.xml").write_bytes(b"tampered")
    result = build(site)
    assert {p.name for p in result.written} == {"feed.xml", "atom.xml"}
    assert feeds(site) == reference


def test_future_entry_appears_when_its_time_comes(site):
    (site / "entries" / "later.md").write_text(
        "---\ntitle: Embargoed\ndate: 2026-06-01\n---\nNot yet.\n", encoding="utf-8"
    )
    site_config = feedpub.load_site(site / "feedpub.toml")
    feedpub.build(site_config, now=NOW)
    assert b"Embargoed" not in (site / "public" / "feed.xml").read_bytes()
    assert feedpub.build(site_config, now=NOW).written == ()  # nothing due yet
    result = feedpub.build(site_config, now=datetime(2026, 7, 1, tzinfo=UTC))
    assert {p.name for p in result.written} == {*FEEDS, "index.html"}  # index previews entries
    assert b"Embargoed" in (site / "public" / "feed.xml").read_bytes()


def test_flags_are_part_of_what_a_build_depends_on(tmp_path, monkeypatch):
    (tmp_path / "s").mkdir()
    sitedir = SiteDir(tmp_path / "s", monkeypatch)
    sitedir.entry("a.md", "---\ntitle: Draft\ndate: 2025-01-01\ndraft: true\n---\nx\n")
    sitedir.entry("b.md", "---\ntitle: Public\ndate: 2025-01-01\n---\nx\n")
    site = feedpub.load_site()
    feedpub.build(site)
    assert b"Draft" not in (sitedir.public / "feed.xml").read_bytes()
    feedpub.build(site, drafts=True)
    assert b"Draft" in (sitedir.public / "feed.xml").read_bytes()


def test_unwritable_cache_warns_and_builds(site, tmp_path):
    (site / ".feedpub-cache").write_text("a file where the cache folder should be")
    result = build(site)
    # (FP202: generated entries that begin with an image, as check says too)
    assert [w.code for w in result.warnings if w.code != "FP202"] == ["FP210"]
    assert feeds(site) == cold_copy(site, tmp_path)


def test_clean_removes_the_cache_and_leaves_feeds_and_entries(site, monkeypatch):
    from click.testing import CliRunner

    from feedpub.cli import main

    build(site)
    before = feeds(site)
    entries = {p.name: p.read_bytes() for p in (site / "entries").iterdir()}
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["clean"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "removed the cache in .feedpub-cache/"
    # all but the lock (see feedpub/pipeline/_lock.py), which a waiting build may hold open
    left = sorted(p.name for p in (site / ".feedpub-cache").iterdir())
    assert left == [".gitignore", "build.lock"]
    assert feeds(site) == before
    assert {p.name: p.read_bytes() for p in (site / "entries").iterdir()} == entries
    assert (site / "public" / MANIFEST_NAME).exists()


def test_cli_cache_and_jobs_options(site, monkeypatch):
    from click.testing import CliRunner

    from feedpub.cli import main

    monkeypatch.chdir(site)
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--verbose", "--jobs", "2"])
    assert first.exit_code == 0, first.output
    assert f"cache    0 of {COUNT} entries" in first.stderr
    for stage in ("scan", "render", "write"):
        assert any(line.startswith(stage) for line in first.stderr.splitlines())
    again = runner.invoke(main, ["build", "--verbose", "--no-cache"])
    assert f"cache    0 of {COUNT} entries" in again.stderr
    warm = runner.invoke(main, ["build", "--verbose"])
    assert f"cache    {COUNT} of {COUNT} entries" in warm.stderr


def test_feeds_whose_entries_did_not_change_are_not_made_again(tmp_path, monkeypatch):
    import feedpub.feeds

    (tmp_path / "s").mkdir()
    sitedir = SiteDir(tmp_path / "s", monkeypatch)
    sitedir.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [X]\n---\nA.\n")
    sitedir.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\ncategories: [Y]\n---\nB.\n")
    site = feedpub.load_site()
    feedpub.build(site, now=NOW)
    made: list[str] = []
    real = feedpub.feeds.write_rss
    monkeypatch.setattr(
        feedpub.feeds,
        "write_rss",
        # (a feed's document without its items, linted before writing, is not counted)
        lambda feed, url, handle, memo=None, **rest: (
            (memo is not None and made.append(url)) or real(feed, url, handle, memo, **rest)
        ),
    )
    edit(sitedir.entries / "a.md")
    feedpub.build(site, now=NOW)
    assert sorted(made) == [
        "https://example.org/categories/x/feed.xml",
        "https://example.org/feed.xml",
    ]
    made.clear()
    (sitedir.public / "categories" / "y" / "feed.xml").write_bytes(b"tampered")
    feedpub.build(site, now=NOW)
    assert made == ["https://example.org/categories/y/feed.xml"]
    assert b"<title>B</title>" in (sitedir.public / "categories" / "y" / "feed.xml").read_bytes()


def test_feeds_written_by_several_processes_are_byte_identical(site, tmp_path, monkeypatch):
    """Large feeds are written side by side in forked processes, each reading the cache
    through its own connection: the bytes must be those of a serial build."""
    from feedpub.pipeline import _output as output

    reference = cold_copy(site, tmp_path)
    forks = []
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(output, "SHARING_MIN", 0)
    monkeypatch.setattr(output.os, "fork", counting_fork)
    build(site, jobs=2)
    assert len(forks) >= 2  # three feeds: two written by forked processes
    assert feeds(site) == reference
    # A warm build after an edit (the delta path) shares the writing too.
    edit(sorted((site / "entries").glob("*.md"))[5])
    forks.clear()
    build(site, jobs=2)
    assert forks
    assert feeds(site) == cold_copy(site, tmp_path)


def test_a_build_leaves_the_cycle_collector_as_it_found_it(site, tmp_path, monkeypatch):
    import gc

    import feedpub.pipeline._delta  # (else loaded by the first warm build)

    collecting: list[bool] = []  # while the outputs are written, on either path
    for module in ("feedpub.pipeline._record",):  # (both paths write through write_site)
        real = sys.modules[module].write_outputs
        monkeypatch.setattr(
            sys.modules[module],
            "write_outputs",
            lambda *a, real=real, **k: collecting.append(gc.isenabled()) or real(*a, **k),
        )
    assert gc.isenabled() and gc.get_freeze_count() == 0
    build(site, jobs=2)  # cold: collecting is paused for the scan, its entries then frozen
    assert gc.isenabled() and gc.get_freeze_count() == 0
    edit(sorted((site / "entries").glob("*.md"))[1])
    assert build(site, jobs=2).cache_hits == COUNT - 1  # (a warm build: the delta path)
    assert collecting == [True, True]
    gc.disable()
    try:
        edit(sorted((site / "entries").glob("*.md"))[0])
        build(site, jobs=2)
        assert not gc.isenabled()
    finally:
        gc.enable()
    (site / "entries" / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(feedpub.FeedpubError):
        build(site, jobs=2)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_workers_collect_even_when_forked_while_collecting_is_paused(monkeypatch):
    import gc

    # (not what a worker does with signals and its parent: this process is no worker)
    monkeypatch.setattr(sys.modules["feedpub.signals"], "child_start", lambda parent: None)
    gc.disable()
    try:
        sys.modules["feedpub.workers"]._worker_start(os.getppid())
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.parametrize("length", [1234, 2**70], ids=["orjson", "json (beyond 64 bits)"])
def test_an_entry_s_cache_record_reads_back_as_the_same_entry(tmp_path, length):
    """Records are written by orjson, or by json where orjson refuses a value: either way
    the cache gives back the entry and the warnings that were stored."""
    from dataclasses import replace

    from feedpub.cache import _from_record, cache_record
    from feedpub.errors import BuildWarning
    from feedpub.model import Media
    from feedpub.scan._entry import read_entry

    root = generate.generate(tmp_path / "site", 3, limit=0)
    path = sorted((root / "entries").iterdir())[0]
    entry, _ = read_entry(path, feedpub.load_site(root / "feedpub.toml"))
    sound = Media(url="https://example.org/a.mp3", type="audio/mpeg", length=length)
    entry = replace(entry, enclosures=(sound,), summary='Ünïcode \u2028 "quoted" \\ ✓')
    warnings = [BuildWarning("FP203", "unknown key 'titel'", path, 4)]
    cached = _from_record(path, "digest", cache_record(entry, warnings))
    assert cached.entry == entry
    assert [(w.code, w.message, w.line) for w in cached.warnings] == [
        ("FP203", warnings[0].message, 4)
    ]


def test_a_new_cache_has_large_pages_and_one_made_with_small_pages_is_still_used(site):
    """A new cache file has pages of 64 KiB (an entry's rendered HTML fits in one); a cache
    an earlier feedpub made with SQLite's 4 KiB pages is read and added to as it is."""
    build(site)
    page_size = "PRAGMA page_size"
    with sqlite3.connect(cache_file(site)) as db:
        assert db.execute(page_size).fetchone()[0] == 65536
    shutil.rmtree(site / ".feedpub-cache")
    (site / ".feedpub-cache").mkdir()
    old = sqlite3.connect(cache_file(site))
    old.execute("PRAGMA page_size=4096")
    old.execute("PRAGMA journal_mode=WAL")
    old.close()
    build(site)  # fills the cache made with small pages
    edit(sorted((site / "entries").iterdir())[3])
    result = build(site)
    assert result.cache_hits == COUNT - 1
    with sqlite3.connect(cache_file(site)) as db:
        assert db.execute(page_size).fetchone()[0] == 4096


def test_a_cache_that_cannot_be_opened_is_told_in_plain_words(site, monkeypatch):
    """The FP210 warning gives the system's words, not Python's '[Errno 13] …: '/path''."""

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(site / ".feedpub-cache"))

    monkeypatch.setattr(feedpub.cache.Cache, "_open_file", classmethod(denied))
    result = build(site)
    (warning,) = [w for w in result.warnings if w.code == "FP210"]
    assert "(Permission denied); building without it" in str(warning)
    assert "Errno" not in str(warning)
