"""Warm builds that redo only what changed (pipeline/_delta.py) write what a full build writes.

Each case builds a site, changes its entries, then builds it twice from that same state: with
its cache (the delta path, where the change allows it) and, in a copy, with --no-cache (the
full path). Every file in public/ (the manifest too), the exit status and every line printed
must be the same, and the record the delta path leaves for the next build must be the one a
full build leaves.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import feedpub
import feedpub.cache
from feedpub.cli import main

from .conftest import REPO

spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)
pipeline = importlib.import_module("feedpub.pipeline._full")  # where build() finds scan_all

COUNT = 40
LIMIT = 5
NOW = 1767225600  # 2026-01-01 UTC, 'now' for every build (SOURCE_DATE_EPOCH)
LATER = 1785542400  # 2026-08-01 UTC
FEED_FILES = ("feed.xml", "atom.xml", "feed.json")


class Site:
    """A generated site (feeds per category and per author, five items each), built twice
    from the same state: with its cache, and in a copy without."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = generate.generate(root / "site", COUNT, limit=LIMIT)
        config = self.root / "feedpub.toml"
        config.write_text(
            config.read_text(encoding="utf-8")
            + 'author_feeds = true\nhub = "https://hub.example.org/"\n'
        )
        self.entries = self.root / "entries"
        self.monkeypatch = monkeypatch
        self.scans = 0
        full_scan = pipeline.scan_all

        def counting_scan(*args, **kwargs):  # the full path reads every entry: count it
            self.scans += 1
            return full_scan(*args, **kwargs)

        monkeypatch.setattr(pipeline, "scan_all", counting_scan)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW))
        assert self.run(self.root)[0] == 0

    def files(self) -> list[Path]:
        """The generated entries, oldest first."""
        return sorted(self.entries.glob("2015-*.md"))

    def run(self, folder: Path, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.chdir(folder)
        result = CliRunner().invoke(main, ["build", "--quiet", *args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    def build_both_ways(self, *args: str) -> bool:
        """Build with the cache and, in a copy, without; check they agree; return whether
        the build with the cache took the delta path."""
        twin = self.root.parent / "twin"
        shutil.rmtree(twin, ignore_errors=True)
        shutil.copytree(self.root, twin)
        for told in self.root.glob(".feedpub-cache/unannounced-*.json"):
            told.unlink()  # as if 'feedpub ping' had just told the hubs of every feed
        self.scans = 0
        before = public(self.root)
        delta = self.run(self.root, *args)
        took_delta = self.scans == 0
        full = self.run(twin, "--no-cache", *args)
        assert delta == full
        after = public(self.root)
        assert after == public(twin)
        # What 'feedpub ping' will announce: every feed changed since the hubs were told.
        assert unannounced(self.root) == unannounced(twin)
        if delta[0] == 0:
            changed = {name for name, data in after.items() if before.get(name) != data}
            feeds = {n for n in changed if n.endswith(FEED_FILES) and "archive/" not in n}
            assert feeds == set(unannounced(self.root) or ())
            self.check_record(*args)
        return took_delta

    def check_record(self, *args: str) -> None:
        """What this build recorded for the next one is what a full build records (which,
        its bytes being the same, leaves every output untouched)."""
        cache = self.root / ".feedpub-cache"
        recorded = last_build(cache)
        kept = self.root.parent / "kept-cache"
        shutil.rmtree(kept, ignore_errors=True)
        cache.rename(kept)
        try:
            assert self.run(self.root, *args)[0] == 0
            assert last_build(cache) == recorded
        finally:
            shutil.rmtree(cache)
            kept.rename(cache)


def unannounced(root: Path) -> list[str] | None:
    return feedpub.cache.unannounced(feedpub.load_site(root / "feedpub.toml"))


def public(root: Path) -> dict[str, bytes]:
    """Every file of the output folder, manifest included."""
    folder = root / "public"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def last_build(cache: Path) -> str:
    db = sqlite3.connect(cache / "cache.sqlite")
    try:
        return db.execute("SELECT value FROM meta WHERE key = 'last_build'").fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    return Site(tmp_path, monkeypatch)


def append(path: Path, text: str = "\nEdited paragraph.\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace_line(path: Path, start: str, line: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, old in enumerate(lines) if old.startswith(start))
    lines[at] = line
    path.write_text("\n".join(lines), encoding="utf-8")


def insert_before(path: Path, start: str, line: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, old in enumerate(lines) if old.startswith(start))
    lines.insert(at, line)
    path.write_text("\n".join(lines), encoding="utf-8")


def new_entry(site: Site, name: str, date: str, *extra: str, author: str = "Jun Park") -> None:
    """A new entry by an author who has a feed already (another would make a new feed)."""
    front = ["---", f"title: New {name}", f"date: {date}", f"author: {author}", *extra, "---"]
    front += ["", "Fresh *news*."]
    (site.entries / name).write_text("\n".join(front) + "\n", encoding="utf-8")


# Changes the delta path takes: edits that move no entry, and new entries.
DELTA: dict[str, Callable[[Site], None]] = {
    "body of the newest entry": lambda s: append(s.files()[-1]),
    "body of the oldest entry": lambda s: append(s.files()[0]),
    "body of an entry in no feed": lambda s: append(s.files()[10]),
    "title and summary": lambda s: (
        replace_line(s.files()[-1], "title:", 'title: "A <new> title & more"'),
        insert_before(s.files()[-1], "categories:", "summary: Shorter."),
    ),
    "a warning appears": lambda s: insert_before(s.files()[-2], "tags:", "titel: x"),
    "touched and edited": lambda s: (
        s.files()[3].touch(),
        append(s.files()[-3]),
    ),
    "new newest entry": lambda s: new_entry(s, "zz-new.md", "2025-06-01", "categories: [Politics]"),
    "new entry beyond every feed": lambda s: new_entry(
        s, "aa-old.md", "2010-01-01", "categories: [Politics]"
    ),
    "new entry into one category": lambda s: new_entry(
        s, "mid.md", "2015-01-01 12:00:00", "categories: [Science, Local]"
    ),
    "new draft": lambda s: new_entry(s, "draft.md", "2025-06-01", "draft: true"),
    "new future entry": lambda s: new_entry(s, "later.md", "2026-06-01"),
    "two new entries and an edit": lambda s: (
        new_entry(s, "n1.md", "2025-06-01", author="Noah Schmidt"),
        new_entry(s, "n2.md", "2025-06-02", "categories: [World]"),
        append(s.files()[-1]),
    ),
}

# Changes that need the full path.
FULL: dict[str, Callable[[Site], None]] = {
    "entry removed": lambda s: s.files()[-1].unlink(),
    "date changed": lambda s: replace_line(s.files()[0], "date:", "date: 2025-01-01"),
    "categories changed": lambda s: replace_line(s.files()[-1], "  - ", "  - Culture"),
    "id changed": lambda s: insert_before(s.files()[-1], "tags:", "id: tag:x,2025:1"),
    "draft now": lambda s: insert_before(s.files()[-1], "tags:", "draft: true"),
    "new entry with a new category": lambda s: new_entry(
        s, "new-cat.md", "2025-06-01", "categories: [Brand new]"
    ),
    "new entry with a category spelled another way": lambda s: new_entry(
        s, "spelled.md", "2025-06-01", "categories: [politics]"
    ),
    "new entry with another's link": lambda s: new_entry(
        s, "dup.md", "2015-01-01", f"slug: {s.files()[-1].stem[11:]}"
    ),
    "new entry with another's id": lambda s: new_entry(
        s,
        "dup-id.md",
        "2025-06-01",
        f"id: https://bench.example.com/2015/01/{s.files()[-1].stem[11:]}/",
    ),
    "new entry by a new author": lambda s: new_entry(s, "new-author.md", "2025-06-01", author="X"),
    "entry broken": lambda s: replace_line(s.files()[-1], "date:", "date: not a date"),
    "settings changed": lambda s: replace_line(s.root / "feedpub.toml", "limit", "limit = 6"),
    "many entries edited": lambda s: [append(p) for p in s.files()[:20]],
    "index.html replaced": lambda s: (
        append(s.files()[-1]),
        (s.root / "public" / "index.html").write_text("<p>mine</p>", encoding="utf-8"),
    ),
    "feed edited by hand": lambda s: (
        append(s.files()[-1]),
        (s.root / "public" / "feed.json").write_text("{}", encoding="utf-8"),
    ),
}


@pytest.mark.parametrize("change", DELTA)
def test_delta_build_writes_what_a_full_build_writes(site: Site, change: str) -> None:
    DELTA[change](site)
    assert site.build_both_ways()


@pytest.mark.parametrize("change", FULL)
def test_other_changes_take_the_full_path(site: Site, change: str) -> None:
    FULL[change](site)
    assert not site.build_both_ways()


def test_a_series_of_delta_builds(site: Site) -> None:
    """Each build starts from the record the last delta build left."""
    steps = [
        "new newest entry",
        "body of the newest entry",
        "new entry into one category",
        "a warning appears",
        "new future entry",
        "title and summary",
        "new draft",
    ]
    for step in steps:
        DELTA[step](site)
        assert site.build_both_ways(), step
    FULL["entry removed"](site)
    assert not site.build_both_ways()
    append(site.files()[-1])
    assert site.build_both_ways()


def test_an_entry_come_due_takes_the_full_path(site: Site) -> None:
    DELTA["new future entry"](site)
    assert site.build_both_ways()
    site.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    append(site.files()[-1])
    assert not site.build_both_ways()
    assert b"New later.md" in (site.root / "public" / "feed.xml").read_bytes()


def test_flags_take_the_full_path(site: Site) -> None:
    DELTA["new draft"](site)
    assert not site.build_both_ways("--drafts")
    append(site.files()[-1])
    assert site.build_both_ways("--drafts")
    assert b"New draft.md" in (site.root / "public" / "feed.xml").read_bytes()


def test_a_failed_build_leaves_no_record_to_build_on(site: Site) -> None:
    """A failed build caches the entries it could read: the next build must not take them
    for what the last good build read."""
    moved, broken = site.files()[0], site.files()[-1]
    text = broken.read_text(encoding="utf-8")
    replace_line(moved, "date:", "date: 2025-01-01")  # now the newest entry
    replace_line(broken, "date:", "date: not a date")
    assert site.run(site.root)[0] == 1
    broken.write_text(text, encoding="utf-8")  # mended as it was: only the moved entry changed
    assert not site.build_both_ways()
    assert moved.stem[11:].encode() in (site.root / "public" / "feed.xml").read_bytes()


def test_local_media_files(site: Site) -> None:
    """An entry's image is part of its feed items: its file's size and time too."""
    (site.root / "img").mkdir()
    image = site.root / "img" / "cover.jpg"
    image.write_bytes(b"j" * 777)
    new_entry(site, "pictured.md", "2025-06-01", "image: img/cover.jpg")
    assert site.build_both_ways()
    append(site.entries / "pictured.md")
    assert site.build_both_ways()
    image.write_bytes(b"j" * 778)
    append(site.files()[-1])
    assert not site.build_both_ways()
    assert b'fileSize="778"' in (site.root / "public" / "feed.xml").read_bytes()


def test_archives_take_the_full_path(site: Site) -> None:
    append(site.root / "feedpub.toml", "archive = true\narchive_size = 5\n")
    assert not site.build_both_ways()
    append(site.files()[-1])
    assert not site.build_both_ways()
    new_entry(site, "zz-new.md", "2025-06-01")
    assert not site.build_both_ways()
    assert (site.root / "public" / "archive" / "8" / "feed.xml").is_file()


def test_random_series_of_changes(site: Site) -> None:
    """Edits, additions, moves and removals in a fixed pseudo-random order: whichever path
    each build takes, it writes what a full build writes."""
    rng = random.Random(6)
    categories = ["Politics", "Science", "World", "Local", "Health"]
    took = []
    for step in range(12):
        files = site.files()
        kind = rng.choice(["edit", "edit", "add", "add", "retitle", "move", "remove"])
        target = rng.choice(files)
        if kind == "edit":
            append(target, f"\nStep {step}.\n")
        elif kind == "retitle":
            replace_line(target, "title:", f"title: Step {step}")
        elif kind == "add":
            day = rng.choice(["2010-01-01", "2015-01-01 10:00:00", "2015-01-02", "2025-06-01"])
            chosen = rng.sample(categories, rng.randint(0, 2))
            new_entry(site, f"2015-01-09-{step:06d}-step.md", day, f"categories: {chosen}")
        elif kind == "move":
            replace_line(target, "date:", f"date: 2015-01-0{rng.randint(1, 3)} 0{step % 10}:00:00")
        else:
            target.unlink()
        took.append(site.build_both_ways())
    assert any(took) and not all(took)
