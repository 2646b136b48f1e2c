"""Builds at the same time: one at a time per output folder, each succeeding, never a damaged
cache (feedpub/pipeline/_lock.py, and the cache's handling of SQLite's "database is locked").

The races are real: several `python -m feedpub build` processes started together on a
generated site of a few hundred entries, cold and warm, round after round; and `serve`
rebuilding while builds run. The lock's own promises (a waiting build says which process
it waits for, once; a lock held too long is an error; a killed holder blocks nothing; the
processes a build forks do not keep it) are checked against a helper process that holds it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import feedpub

from .conftest import REPO

build_module = importlib.import_module("feedpub.pipeline._full")  # (where build() looks)

spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

#: Entries of the generated site: enough that a cold build uses worker processes (200) and
#: that its feeds are written by several processes (400 items in all).
COUNT = 300
#: Builds started at once in each round.
AT_ONCE = 4
#: Seconds the helper holds the lock while a build waits for it.
HOLD = 2.0
#: Python's own default busy timeout of a sqlite3 connection: 5 s. Held longer than that,
#: a database lock is more than the default wait would cover.
SQLITE_HOLD = 7.0

ENV = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}

#: A process that holds the lock of the site in its current folder until stdin closes or it
#: is killed; it prints "locked" once it holds it.
HOLDER = """
import sys
from feedpub.config import load_site
from feedpub.pipeline import build_lock
with build_lock(load_site(), "build"):
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A generated site: every entry in every feed (limit 0), a feed per category."""
    return generate.generate(tmp_path / "site", COUNT, limit=0)


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedpub", *args],
        cwd=root,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def single_build(root: Path, where: Path) -> dict[str, bytes]:
    """The output folder one build of ``root``'s entries and settings writes, alone, in a
    fresh folder."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(root / "entries", where / "entries")
    shutil.copy(root / "feedpub.toml", where / "feedpub.toml")
    feedpub.build(feedpub.load_site(where / "feedpub.toml"), cache=False)
    return tree(where / "public")


def edit(path: Path, words: str) -> None:
    """Change an entry's body (not its date or categories: the warm build may take the short
    way, which must agree too)."""
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


class Holder:
    """A helper process holding the site's lock (see :data:`HOLDER`)."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER],
            cwd=root,
            env=ENV,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == "locked\n", (line, self.process.stderr and self.process.stderr.read())
        self.pid = self.process.pid

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=30) == 0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


# ---------------------------------------------------------------------- races


def test_builds_at_once_cold_and_warm_all_succeed_with_a_single_builds_output(
    site: Path, tmp_path: Path
) -> None:
    entries = sorted((site / "entries").glob("*.md"))
    # Cold (no cache, no output) twice; then warm: every file touched (a content-hash check
    # for each) and one body edited (the short way), then a new entry with a new category
    # and one removed (the full build).
    rounds = ["cold", "cold", "touched and edited", "added and removed"]
    kinds = [
        ("build",),
        ("build", "--no-cache"),
        ("build", "--jobs", "1"),
        ("build", "--quiet"),
    ]
    for number, kind in enumerate(rounds):
        if kind == "cold":
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / ".feedpub-cache", ignore_errors=True)
        elif kind == "touched and edited":
            for path in entries:
                path.touch()
            edit(entries[number * 7], f"Round {number} changed this entry.")
        else:
            entries.pop(3).unlink()
            (site / "entries" / "2030-new.md").write_text(
                "---\ntitle: A new one\ndate: 2024-06-01\ncategories: [Brand New]\n---\nNew.\n",
                encoding="utf-8",
            )
        expected = single_build(site, tmp_path / f"alone-{number}")
        builds = [start(site, *kinds[i % len(kinds)]) for i in range(AT_ONCE)]
        results = [finish(process) for process in builds]
        for code, out, err in results:
            assert code == 0, f"round {number} ({kind}): {out}{err}"
            assert "Traceback" not in err and "FP210" not in err, f"round {number}: {err}"
        assert tree(site / "public") == expected, f"round {number} ({kind})"
        assert not list(site.glob(".public.feedpub-stage-*"))


def test_builds_while_serve_rebuilds_all_succeed(site: Path, tmp_path: Path) -> None:
    from .test_serve import Served

    server = Served(site, "--port", "0").started()
    try:
        server.wait_for("watching")
        entries = sorted((site / "entries").glob("*.md"))
        for number in range(3):
            edit(entries[number], f"Served round {number}.")  # serve rebuilds in ~0.5 s
            builds = []
            for _ in range(2):
                builds.append(start(site, "build"))
                time.sleep(0.3)  # one before serve's rebuild starts, one likely during it
            for process in builds:
                code, out, err = finish(process)
                assert code == 0, out + err
                assert "FP210" not in err
            server.wait_for(" feeds in public/")
        time.sleep(1)  # let a last rebuild end
        expected = single_build(site, tmp_path / "alone")
        assert tree(site / "public") == expected
    finally:
        assert server.stop() == 0
    while not server.lines.empty():
        server.seen.append(server.lines.get())
    problems = [line for line in server.seen if "problem" in line or "Traceback" in line]
    assert not problems, server.seen
    assert not any("FP210" in line for line in server.seen), server.seen


# ---------------------------------------------------------------------- the lock


def waits_for(holder: Holder, site: Path, tmp_path: Path) -> None:
    """A build started while ``holder`` holds the lock waits until it is released, says so
    once (naming the holder), and then builds what a build alone builds."""
    try:
        started = time.monotonic()
        process = start(site, "build")
        time.sleep(HOLD)
        assert process.poll() is None  # still waiting
    finally:
        holder.release()
    code, out, err = finish(process)
    assert code == 0, out + err
    assert time.monotonic() - started >= HOLD
    waiting = [line for line in err.splitlines() if "waiting" in line]
    assert waiting == [f"waiting for another feedpub build of public/ (process {holder.pid})…"]
    assert tree(site / "public") == single_build(site, tmp_path / "alone")


def test_a_build_waits_for_the_lock_and_says_so_once(site: Path, tmp_path: Path) -> None:
    waits_for(Holder(site), site, tmp_path)
    assert not (site / ".feedpub-cache" / "build.holder.json").exists()


def test_a_lock_held_past_lock_timeout_is_an_error(site: Path) -> None:
    config = site / "feedpub.toml"
    config.write_text(config.read_text() + "lock_timeout = 1\n")
    assert finish(start(site, "build"))[0] == 0
    before = {
        path: (data, (site / "public" / path).stat().st_mtime_ns)
        for path, data in tree(site / "public").items()
    }
    (site / "entries" / "new.md").write_text("---\ntitle: New\ndate: 2024-01-01\n---\nNew.\n")
    holder = Holder(site)
    try:
        started = time.monotonic()
        code, _, err = finish(start(site, "build"))
        took = time.monotonic() - started
        with pytest.raises(feedpub.FeedpubError) as raised:
            feedpub.build(feedpub.load_site(config))
    finally:
        holder.release()
    assert code == 1
    assert 1 <= took < 30  # (a loaded machine starts a process slowly)
    lines = err.splitlines()
    assert lines[-2] == (
        f"public: another feedpub build of public/ (process {holder.pid}) still holds the lock "
        "of this output folder after 1 s (lock_timeout); if it hangs, stop it, else try again "
        "when it is done, or raise lock_timeout in the settings"
    ), err
    assert lines[-1] == "feedpub: 1 problem; no feed was written."
    assert "Traceback" not in err
    assert raised.value.code == "FP009"
    after = {
        path: (data, (site / "public" / path).stat().st_mtime_ns)
        for path, data in tree(site / "public").items()
    }
    assert after == before  # nothing written


def test_a_killed_holders_lock_and_its_stale_note_block_nothing(site: Path, tmp_path: Path) -> None:
    holder = Holder(site)
    holder.kill()
    note = site / ".feedpub-cache" / "build.holder.json"
    assert str(holder.pid) in note.read_text()  # left behind, naming a process that is gone
    config = site / "feedpub.toml"
    config.write_text(config.read_text() + "lock_timeout = 0\n")  # no waiting at all
    code, out, err = finish(start(site, "build"))
    assert code == 0, out + err
    assert "waiting" not in err
    assert tree(site / "public") == single_build(site, tmp_path / "alone")


def test_processes_a_build_forks_do_not_keep_its_lock(site: Path, tmp_path: Path) -> None:
    from feedpub.pipeline._lock import build_lock

    config = site / "feedpub.toml"
    config.write_text(config.read_text() + "lock_timeout = 0\n")
    with build_lock(feedpub.load_site(config)):
        child = os.fork()
        if child == 0:  # as a worker or writing process would, it outlives its parent's lock
            time.sleep(5)
            os._exit(0)
    try:
        code, out, err = finish(start(site, "build"))
        assert code == 0, out + err
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_clean_waits_for_the_lock_and_keeps_the_lock_file(site: Path) -> None:
    assert finish(start(site, "build"))[0] == 0
    holder = Holder(site)
    try:
        process = start(site, "clean")
        time.sleep(1.5)
        assert process.poll() is None
        assert (site / ".feedpub-cache" / "cache.sqlite").exists()
    finally:
        holder.release()
    code, out, err = finish(process)
    assert code == 0, out + err
    assert out == "removed the cache in .feedpub-cache/\n"
    assert err == f"waiting for another feedpub build of public/ (process {holder.pid})…\n"
    assert sorted(p.name for p in (site / ".feedpub-cache").iterdir()) == [
        ".gitignore",
        "build.lock",
    ]


# ---------------------------------------------------------------------- SQLite


def test_a_locked_cache_database_is_waited_for_not_taken_for_damage(site: Path) -> None:
    assert finish(start(site, "build"))[0] == 0
    entry = sorted((site / "entries").glob("*.md"))[10]
    edit(entry, "An edit while another program holds the cache.")
    cache = site / ".feedpub-cache" / "cache.sqlite"
    other = sqlite3.connect(cache, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing to the cache, for a while
    started = time.monotonic()
    process = start(site, "build")
    time.sleep(SQLITE_HOLD)
    other.execute("ROLLBACK")
    other.close()
    code, out, err = finish(process)
    assert code == 0, out + err
    assert "FP210" not in err and "damaged" not in err, err
    assert time.monotonic() - started >= SQLITE_HOLD
    rows = sqlite3.connect(cache).execute("SELECT count(*) FROM entries").fetchone()[0]
    assert rows == COUNT  # the cache kept, not thrown away and rebuilt from nothing
    assert b"An edit while another program" in (site / "public" / "feed.xml").read_bytes()


def test_every_cache_connection_waits_for_a_locked_database(site: Path) -> None:
    from feedpub.cache import Cache

    loaded = feedpub.load_site(site / "feedpub.toml")
    feedpub.build(loaded)
    cache = Cache.open(loaded)
    try:
        wait = 600_000  # ms: lock_timeout's default, not Python's 5 s
        assert cache._db.execute("PRAGMA busy_timeout").fetchone()[0] == wait
        reads = cache.shared_reads()
        assert reads is not None
        reopen, _ = reads
        reopen()  # what each forked writing process runs first: its own connection
        assert cache._db.execute("PRAGMA busy_timeout").fetchone()[0] == wait
    finally:
        cache._db.close()
        if hasattr(cache, "_inherited"):
            cache._inherited.close()


# ---------------------------------------------------------------------- render_into


@pytest.mark.parametrize("what", ["the cache failed", "another program changed it"])
def test_the_cache_changing_after_rendering_does_not_stop_the_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """Between rendering and writing, the rendered rows are gone (a failing cache replaced by
    an empty one) or are another version's: the entries are rendered again, not asserted on."""
    real = build_module.render_into

    def render_then_lose(*args, **kwargs):
        done = real(*args, **kwargs)
        cache = args[3]
        if what == "the cache failed":
            cache._replace("disk I/O error")
        else:
            cache._run("UPDATE rendered SET digest = 'another'")
        return done

    monkeypatch.setattr(build_module, "render_into", render_then_lose)
    result = feedpub.build(feedpub.load_site(site / "feedpub.toml"))
    assert tree(site / "public") == single_build(site, tmp_path / "alone")
    if what == "the cache failed":  # (FP202: generated entries that begin with an image)
        assert [w.code for w in result.warnings if w.code != "FP202"] == ["FP210"]


# ---------------------------------------------------------------------- the setting


@pytest.mark.parametrize("value", ["-1", '"ten"', "true", "1e9"])
def test_a_wrong_lock_timeout_is_a_setting_error(site: Path, value: str) -> None:
    config = site / "feedpub.toml"
    config.write_text(config.read_text() + f"lock_timeout = {value}\n")
    with pytest.raises(feedpub.FeedpubError) as raised:
        feedpub.load_site(config)
    error = raised.value
    assert (error.code, error.path, error.line) == ("FP003", config, 7)
    assert error.message.startswith("lock_timeout must be a number of seconds from 0 to 604800")


def test_lock_timeout_may_be_a_fraction_and_is_not_part_of_the_cache_stamp(site: Path) -> None:
    from feedpub.cache import _stamp

    config = site / "feedpub.toml"
    before = _stamp(feedpub.load_site(config))
    config.write_text(config.read_text() + "lock_timeout = 2.5\n")
    loaded = feedpub.load_site(config)
    assert loaded.lock_timeout == 2.5
    assert _stamp(loaded) == before  # waiting longer or shorter is no reason to reparse


def test_an_interrupt_just_after_the_lock_is_taken_releases_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In 'serve' the process goes on after a Ctrl-C: a lock it kept would make every later
    # rebuild wait for lock_timeout.
    from filelock import FileLock

    from feedpub.config import load_site
    from feedpub.pipeline import _lock as locking

    taken = locking._take
    held = []  # (a lock nobody refers to any more is released by its finaliser, by chance)

    def take_then_interrupt(lock, *args: object) -> None:
        taken(lock, *args)
        held.append(lock)
        raise KeyboardInterrupt

    monkeypatch.setattr(locking, "_take", take_then_interrupt)
    settings = load_site(site / "feedpub.toml")
    with pytest.raises(KeyboardInterrupt), locking.build_lock(settings):
        pass
    other = FileLock(locking.cache_folder(settings) / locking.LOCK_NAME)
    other.acquire(timeout=0)  # raises filelock.Timeout if the lock was kept
    other.release()


# ---------------------------------------------------------- no cache folder for the lock


def cache_is_a_file(site: Path) -> None:
    """A file named .feedpub-cache where the cache folder (and its lock) would go."""
    (site / ".feedpub-cache").write_text("the user's\n")


def test_builds_at_once_with_a_file_as_the_cache_folder_all_succeed(
    site: Path, tmp_path: Path
) -> None:
    # Once, each build ran unlocked here, and removed the others' staging folders.
    cache_is_a_file(site)
    expected = single_build(site, tmp_path / "alone")
    for number in range(2):
        shutil.rmtree(site / "public", ignore_errors=True)
        builds = [start(site, "build", "-q", "-j1") for _ in range(AT_ONCE)]
        results = [finish(process) for process in builds]
        for code, out, err in results:
            assert code == 0, f"round {number}: {out}{err}"
            assert "Traceback" not in err
        assert tree(site / "public") == expected, f"round {number}"
        assert not list(site.glob(".public.feedpub-stage-*"))
    assert (site / ".feedpub-cache").read_text() == "the user's\n"
    assert (site / ".public.feedpub-lock").is_file()  # the lock, beside the output folder
    assert not (site / ".public.feedpub-lock-holder.json").exists()


def test_a_held_fallback_lock_makes_a_build_wait_and_say_so(site: Path, tmp_path: Path) -> None:
    cache_is_a_file(site)
    holder = Holder(site)
    try:
        assert str(holder.pid) in (site / ".public.feedpub-lock-holder.json").read_text()
    except BaseException:
        holder.release()
        raise
    waits_for(holder, site, tmp_path)


def test_a_held_fallback_lock_past_lock_timeout_is_an_error(site: Path) -> None:
    config = site / "feedpub.toml"
    config.write_text(config.read_text() + "lock_timeout = 0\n")
    cache_is_a_file(site)
    holder = Holder(site)
    try:
        code, _, err = finish(start(site, "build"))
    finally:
        holder.release()
    assert code == 1
    assert err.splitlines()[-2] == (
        f"public: another feedpub build of public/ (process {holder.pid}) holds the lock of "
        "this output folder, and lock_timeout is 0 (no waiting); try again when it is done"
    ), err
    assert not (site / "public").exists()


def test_clean_takes_the_fallback_lock_and_leaves_it(site: Path) -> None:
    cache_is_a_file(site)
    assert finish(start(site, "build"))[0] == 0
    stale = site / ".public.feedpub-stage-killed"  # as a killed build leaves it
    stale.mkdir()
    holder = Holder(site)
    try:
        process = start(site, "clean")
        time.sleep(1.5)
        assert process.poll() is None  # waits: the stage could be the running build's
        assert stale.is_dir()
    finally:
        holder.release()
    code, out, err = finish(process)
    assert code == 0, out + err
    assert err == f"waiting for another feedpub build of public/ (process {holder.pid})…\n"
    assert not stale.exists()
    assert (site / ".public.feedpub-lock").is_file()
    assert (site / ".feedpub-cache").read_text() == "the user's\n"


def test_no_lock_anywhere_is_fp006_and_nothing_is_written(site: Path) -> None:
    cache_is_a_file(site)
    (site / ".public.feedpub-lock").mkdir()  # a folder where the fallback lock file would go
    code, out, err = finish(start(site, "build"))
    assert code == 1, out + err
    assert err.splitlines() == [
        "public: the output folder cannot be used: no build lock can be made, neither "
        ".feedpub-cache/build.lock (.feedpub-cache: File exists) nor .public.feedpub-lock "
        "(Is a directory)",
        "feedpub: 1 problem; no feed was written.",
    ]
    assert not (site / "public").exists()
    assert not list(site.glob(".public.feedpub-stage-*"))
    with pytest.raises(feedpub.FeedpubError) as raised:
        feedpub.build(feedpub.load_site(site / "feedpub.toml"))
    assert raised.value.code == "FP006"


def test_an_output_folder_named_like_the_lock_file_is_refused(site: Path) -> None:
    code, out, err = finish(start(site, "build", "-o", ".public.feedpub-lock"))
    assert code == 1
    assert "'.public.feedpub-lock' is named like the lock file of a build" in err, out + err
    assert not (site / ".public.feedpub-lock").exists()
