"""Splicing feed files (feedpub/feeds/_splice.py): a warm build copies the bytes of the items
that did not change from the earlier file and serialises only the others.

- Byte identity: after each of a sequence of edits, additions, removals, reorderings and
  settings changes, every output of the warm build equals, byte for byte, a build of the same
  state from scratch (no cache, no outputs), in every format; the splice is really taken where
  it can be, and a deliberately broken splice makes the comparison fail.
- A record that cannot be trusted (damaged, truncated, another file's, another site's, an
  output someone changed, an item's range or key that does not match) is never used as found:
  the file or the item is serialised again.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import feedpub
import feedpub.cache
from feedpub.feeds import _splice
from feedpub.pipeline import _output

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate

ENTRIES = 60
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FEEDS = ("feed.xml", "atom.xml", "feed.json")


class Spy:
    """Which feed files a build spliced (and which items it serialised again), and which it
    wrote whole."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.spliced: list[str] = []
        self.whole: list[str] = []
        self.serialised: list[list[int]] = []
        splice, write_feed = _splice.splice, _splice.write_feed

        def spying_splice(*args: Any) -> Any:
            feed = args[1]
            picked = feed.pick
            asked: list[int] = []

            def pick(positions: Any) -> Any:
                asked.extend(positions)
                return picked(positions)

            result = splice(args[0], _with(feed, pick=pick), *args[2:])
            if result is not None:
                self.spliced.append(args[2])
                self.serialised.append(asked)
            return result

        def spying_write(kind: str, serialise: Any, feed: Any, url: str, *rest: Any) -> Any:
            before = len(self.spliced)
            result = write_feed(kind, serialise, feed, url, *rest)
            if len(self.spliced) == before and feed.keys is not None:
                self.whole.append(url)
            return result

        monkeypatch.setattr(_splice, "splice", spying_splice)
        monkeypatch.setattr(_splice, "write_feed", spying_write)
        for module in ("rss", "atom", "jsonfeed"):
            monkeypatch.setattr(f"feedpub.feeds.{module}.write_feed", spying_write)

    def reset(self) -> None:
        self.spliced, self.whole, self.serialised = [], [], []


def _with(feed: Any, **changes: Any) -> Any:
    return replace(feed, **changes)


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(root: Path, *, cache: bool = True) -> dict[str, bytes]:
    site = feedpub.load_site(root / "feedpub.toml")
    feedpub.build(site, cache=cache, now=NOW, jobs=1)
    return outputs(site.output)


def from_scratch(root: Path) -> dict[str, bytes]:
    """A build of the same entries and settings in a fresh copy: no cache, no outputs."""
    twin = root.parent / f"{root.name}-scratch"
    shutil.rmtree(twin, ignore_errors=True)
    twin.mkdir()
    shutil.copytree(root / "entries", twin / "entries")
    shutil.copy(root / "feedpub.toml", twin / "feedpub.toml")
    return build(twin, cache=False)


def differences(root: Path) -> list[str]:
    """The output files in which the warm build of ``root`` differs from a build from scratch
    (checked after every step of the tests below)."""
    warm = outputs(root / "public")
    scratch = from_scratch(root)
    return sorted(n for n in warm.keys() | scratch.keys() if warm.get(n) != scratch.get(n))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = generate(tmp_path / "site", ENTRIES, limit=0)
    return root


def entries(root: Path) -> list[Path]:
    return sorted((root / "entries").glob("*.md"))


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def setting(root: Path, key: str, value: str) -> None:
    """Set ``key`` in the settings file (replacing the line that set it, if one did)."""
    config = root / "feedpub.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.split("=", 1)[0].strip() != key]
    config.write_text("\n".join([*kept, f"{key} = {value}"]) + "\n", encoding="utf-8")


def add(root: Path, name: str, date: str, title: str = "Added", body: str = "New entry.") -> None:
    text = f"---\ntitle: {title}\ndate: {date}\ncategories: [Business & Economy]\n---\n{body}\n"
    (root / "entries" / name).write_text(text, encoding="utf-8")


def _date_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("date:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(path)


SPLICED, WHOLE, NONE = "spliced", "whole", "none"
#: The steps a warm build takes the short way for (pipeline/_delta.py).
READ_FEW = {"body edited", "title edited", "two edited", "added in the middle", "added newest"}

#: Each step changes the site; then the main feed's three files are spliced (their unchanged
#: items copied from the earlier files), written whole, or not written at all.
STEPS: list[tuple[str, Callable[[Path], None], str]] = [
    ("body edited", lambda r: rewrite(entries(r)[30], "\n\n", "\n\nAn edit.\n\n"), SPLICED),
    ("title edited", lambda r: rewrite(entries(r)[10], "title: ", "title: Retitled "), SPLICED),
    ("title with markup", lambda r: rewrite(entries(r)[12], "title: ", "title: A & <b> "), SPLICED),
    (
        "two edited",
        lambda r: [rewrite(entries(r)[i], "\n\n", "\n\nMore.\n\n") for i in (3, 50)],
        SPLICED,
    ),
    ("added in the middle", lambda r: add(r, "2015-mid.md", _date_of(entries(r)[20])), SPLICED),
    ("added newest", lambda r: add(r, "2030-new.md", "2025-12-01 10:00", "Newest"), SPLICED),
    ("removed", lambda r: entries(r)[40].unlink(), SPLICED),
    ("removed the newest", lambda r: (r / "entries" / "2030-new.md").unlink(), SPLICED),
    (
        "reordered",
        lambda r: rewrite(
            entries(r)[5], f"date: {_date_of(entries(r)[5])}", "date: 2025-11-30 09:00"
        ),
        SPLICED,
    ),
    ("touched, not changed", lambda r: os.utime(entries(r)[7]), NONE),
    ("title setting", lambda r: setting(r, "title", '"Another Gazette"'), WHOLE),
    ("limit setting", lambda r: setting(r, "limit", "25"), SPLICED),
    (
        "image added (the head changes)",
        lambda r: rewrite(
            entries(r)[-5], "title: ", "image: https://cdn.example.com/a.png\ntitle: "
        ),
        WHOLE,
    ),
    ("full_content setting", lambda r: setting(r, "full_content", "false"), WHOLE),
    (
        "edit without full content",
        lambda r: rewrite(entries(r)[-10], "title: ", "title: Again "),
        SPLICED,
    ),
    ("summary_length setting", lambda r: setting(r, "summary_length", "80"), WHOLE),
    ("browser_view setting", lambda r: setting(r, "browser_view", "false"), WHOLE),
]


def test_spliced_outputs_equal_a_build_from_scratch(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    build(site)
    assert spy.whole and not spy.spliced  # a cold build writes every feed whole
    assert differences(site) == []
    read_from_cache: list[int] = []
    entries_of = feedpub.cache.Cache.entries

    def counted(self: Any, paths: Any, *args: Any) -> Any:
        read_from_cache.append(len(paths))
        return entries_of(self, paths, *args)

    monkeypatch.setattr(feedpub.cache.Cache, "entries", counted)
    for module in ("_delta", "_full"):  # index.html previews 5 entries (both ways), not 50
        monkeypatch.setattr(f"feedpub.pipeline.{module}.PREVIEW_MAX", 5)
    spliced_steps = 0
    for name, change, expected in STEPS:
        change(site)
        spy.reset()
        read_from_cache.clear()
        build(site)
        if name in READ_FEW:
            # A warm build after an edit or an addition reads a few entries of the feed from
            # the cache (the edited one as it was, the preview's, where a new one goes), not
            # every entry of it.
            assert 0 < sum(read_from_cache) <= 20, (name, read_from_cache)
        main = [url for url in spy.spliced if _main(url)]
        whole = [url for url in spy.whole if _main(url)]
        assert differences(site) == [], name
        taken = SPLICED if len(main) == 3 else WHOLE if len(whole) == 3 else NONE
        assert taken == expected, (name, spy.spliced, spy.whole)
        assert len(main) + len(whole) in (0, 3)
        spliced_steps += taken == SPLICED
    assert spliced_steps >= 10


def _main(url: str) -> bool:
    """Whether ``url`` is one of the main feed's files."""
    return url.rsplit("/", 1)[-1] in FEEDS and "/categories/" not in url


@pytest.mark.parametrize("bug", ["a byte short", "another separator"])
def test_the_comparison_fails_on_a_broken_splice(
    site: Path, monkeypatch: pytest.MonkeyPatch, bug: str
) -> None:
    # The test above can fail: a splice that copies one byte too few of each run, or puts
    # another separator between items, is caught.
    build(site)
    if bug == "a byte short":
        copy = _output._Guarded.copy
        monkeypatch.setattr(
            _output._Guarded, "copy", lambda self, s, o, n: copy(self, s, o, max(0, n - 1))
        )
    else:
        serialised = _splice._serialised

        def wrong(*args: Any) -> Any:
            made, (head, separator, tail) = serialised(*args)
            return made, (head, separator + b" ", tail)

        monkeypatch.setattr(_splice, "_serialised", wrong)
    rewrite(entries(site)[30], "\n\n", "\n\nAn edit.\n\n")
    spy = Spy(monkeypatch)
    build(site)
    assert len([url for url in spy.spliced if _main(url)]) == 3
    assert {"feed.xml", "atom.xml", "feed.json"} <= set(differences(site))


# --------------------------------------------------------------------------- records not trusted


def _rows(root: Path) -> dict[str, tuple[list[int], bytes]]:
    with sqlite3.connect(root / ".feedpub-cache" / "cache.sqlite") as db:
        return {
            Path(path).name if "/categories/" not in path else path: (json.loads(i), record)
            for path, i, record in db.execute("SELECT path, identity, record FROM spans")
        }


def _store(root: Path, name: str, identity: list[int], record: bytes) -> None:
    path = str((root / "public" / name).resolve())
    with sqlite3.connect(root / ".feedpub-cache" / "cache.sqlite") as db:
        db.execute(
            "INSERT OR REPLACE INTO spans VALUES (?, ?, ?)", (path, json.dumps(identity), record)
        )


def _altered(record: bytes, position: int, **changes: Any) -> bytes:
    """``record`` with the item at ``position`` changed, and a valid hash of its own."""
    spans = _splice.Spans.from_bytes(record)
    assert spans is not None
    items = list(spans.items)
    items[position] = items[position]._replace(**changes)
    return spans.with_items(items).to_bytes()


def _damage_record(root: Path) -> None:
    identity, record = _rows(root)["feed.xml"]
    middle = len(record) // 2
    _store(
        root,
        "feed.xml",
        identity,
        record[:middle] + bytes([record[middle] ^ 1]) + record[middle + 1 :],
    )


def _truncate_record(root: Path) -> None:
    identity, record = _rows(root)["feed.xml"]
    _store(root, "feed.xml", identity, record[: len(record) - 100])


def _another_files_record(root: Path) -> None:
    identity, record = _rows(root)["atom.xml"]
    _store(root, "feed.xml", identity, record)


def _another_files_record_with_this_identity(root: Path) -> None:
    _store(root, "feed.xml", _rows(root)["feed.xml"][0], _rows(root)["atom.xml"][1])


def _another_sites_record(root: Path) -> None:
    """The record of the same feed of a site with another title, as if it were this file's."""
    other = root.parent / "other"
    shutil.copytree(root / "entries", other / "entries")
    config = (root / "feedpub.toml").read_text(encoding="utf-8")
    (other / "feedpub.toml").write_text(config.replace("Benchmark", "Other"), encoding="utf-8")
    build(other)
    _store(root, "feed.xml", _rows(root)["feed.xml"][0], _rows(other)["feed.xml"][1])


def _replaced_by_someone(root: Path) -> None:
    path = root / "public" / "feed.xml"
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data.replace(b"<title>", b"<title>X", 3))


def _changed_in_place_same_size_and_time(root: Path) -> None:
    """Bytes inside an item changed, size and modification time as they were."""
    path = root / "public" / "feed.xml"
    before = path.stat()
    data = bytearray(path.read_bytes())
    middle = data.index(b"</item>", len(data) // 2) - 200
    data[middle : middle + 5] = b"XXXXX"
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def _touched_by_someone(root: Path) -> None:
    os.utime(root / "public" / "feed.xml")


#: Each damages what the last build left of feed.xml: it is written whole again.
NOT_TRUSTED: dict[str, Callable[[Path], None]] = {
    "record damaged": _damage_record,
    "record truncated": _truncate_record,
    "another file's record": _another_files_record,
    "another file's record, this file's identity": _another_files_record_with_this_identity,
    "another site's (settings') record": _another_sites_record,
    "output replaced by someone": _replaced_by_someone,
    "output changed in place, size and time kept": _changed_in_place_same_size_and_time,
    "output touched by someone": _touched_by_someone,
}


@pytest.mark.parametrize("case", NOT_TRUSTED)
def test_a_record_not_to_trust_means_the_whole_file(
    site: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    build(site)
    NOT_TRUSTED[case](site)
    rewrite(entries(site)[-20], "\n\n", "\n\nAn edit.\n\n")
    spy = Spy(monkeypatch)
    build(site)
    whole = [url.rsplit("/", 1)[-1] for url in spy.whole if _main(url)]
    spliced = [url.rsplit("/", 1)[-1] for url in spy.spliced if _main(url)]
    if case.startswith("output"):
        # A feed file someone else changed: feedpub's own check of its outputs takes the full
        # path, which writes feed.xml whole (the others are spliced).
        assert "feed.xml" in whole
    else:
        assert whole == ["feed.xml"]
    assert "feed.xml" not in spliced
    assert sorted(spliced) == ["atom.xml", "feed.json"]
    assert differences(site) == []


def _position(site: Path, entry: Path) -> int:
    """Where ``entry`` is in the main feed (newest first)."""
    links = re.findall(rb"<item>\s*<title>.*?</title>\s*<link>(.*?)</link>", _feed(site), re.S)
    slug = entry.stem.split("-", 3)[3].encode()
    (found,) = [i for i, link in enumerate(links) if slug in link]
    return found


def _feed(site: Path) -> bytes:
    return (site / "public" / "feed.xml").read_bytes()


def _serialised_by_file(spy: Spy) -> dict[str, list[int]]:
    """The items each main feed file serialised again, by its name."""
    return {
        url.rsplit("/", 1)[-1]: asked
        for url, asked in zip(spy.spliced, spy.serialised, strict=True)
        if _main(url)
    }


def _edit_and_build(site: Path, monkeypatch: pytest.MonkeyPatch, edited: int) -> list[int]:
    """Edit the entry at position ``edited`` of the main feed and build; the items feed.xml
    serialised again."""
    entry = next(e for e in entries(site) if _position(site, e) == edited)
    rewrite(entry, "\n\n", "\n\nAn edit.\n\n")
    spy = Spy(monkeypatch)
    build(site)
    by_file = _serialised_by_file(spy)
    assert by_file["atom.xml"] == [edited]  # (its record is intact: only the edited item)
    return sorted(by_file["feed.xml"])


@pytest.mark.parametrize("what", ["range", "fingerprint", "key"])
@pytest.mark.parametrize("position", [18, 20])  # where the copied runs end and begin
def test_an_item_whose_record_does_not_match_is_serialised_again(
    site: Path, monkeypatch: pytest.MonkeyPatch, what: str, position: int
) -> None:
    build(site)
    identity, record = _rows(site)["feed.xml"]
    spans = _splice.Spans.from_bytes(record)
    assert spans is not None
    item = spans.items[position]
    changes = {
        "range": {"start": item.start + 1},
        "fingerprint": {"print": bytes(8)},
        "key": {"key": bytes(16)},
    }[what]
    _store(site, "feed.xml", identity, _altered(record, position, **changes))
    # The item at 19 edited: the earlier items 0-18 and 20-59 are copied in two runs.
    assert _edit_and_build(site, monkeypatch, 19) == sorted([19, position])  # not copied
    assert differences(site) == []


def test_an_item_inside_a_copied_run_is_copied_with_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bytes are cut only at the ends of the runs copied: an item inside one is copied with
    # its neighbours, whatever its own recorded place, which is then checked when it is at
    # the end of a run. The file's bytes are right either way.
    build(site)
    identity, record = _rows(site)["feed.xml"]
    _store(site, "feed.xml", identity, _altered(record, 5, print=bytes(8)))
    assert _edit_and_build(site, monkeypatch, 19) == [19]
    assert differences(site) == []
    # Its neighbour edited now: the item is at the end of a run, its record is checked.
    assert _edit_and_build(site, monkeypatch, 4) == [4, 5]
    assert differences(site) == []


def test_a_splice_that_fails_leaves_the_last_good_feeds(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The splice writes a new file (staged, synced, swapped in), copying from the earlier one
    # and never writing into it: a failure half way through changes no output.
    build(site)
    before = outputs(site / "public")
    copy = _output._Guarded.copy
    copies: list[int] = []

    def failing(self: Any, source: Any, offset: int, length: int) -> None:
        copies.append(length)
        if len(copies) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        copy(self, source, offset, length)

    with monkeypatch.context() as patch:
        patch.setattr(_output._Guarded, "copy", failing)
        rewrite(entries(site)[-20], "\n\n", "\n\nAn edit.\n\n")
        with pytest.raises(feedpub.FeedpubError, match="No space left on device"):
            build(site)
    assert len(copies) == 2
    assert outputs(site / "public") == before
    spy = Spy(monkeypatch)
    build(site)  # the next build splices from the files the failed one left as they were
    assert len([url for url in spy.spliced if _main(url)]) == 3
    assert differences(site) == []


def test_the_recorder_keeps_items_packed_as_it_writes(tmp_path: Path) -> None:
    """A writer of a feed of every entry records each item while the file is written: kept
    as the record packs them (41 bytes an item), not as Python objects (~150 bytes), which
    at 100,000 items put a cold build over its 300 MiB. The record is the same either way."""
    import io
    import tracemalloc

    count = 20_000
    tracemalloc.start()
    recorder = _splice.Recorder(io.BytesIO(), (f"entry-{i}.md\0hash" for i in range(count)))
    recorder.write(b"<feed>")
    for _ in range(count):
        recorder.start()
        recorder.write(b"<entry>item</entry>")
        recorder.end()
    recorder.write(b"</feed>")
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert held < 100 * count, held  # packed: ~67 bytes an item here; as tuples, ~240
    items = recorder.items
    assert len(items) == count and items[0].start == 6 and items[-1].length == 19
    spans = _splice.Spans.of_items("c", recorder.size, items[0].start, 6 + 19 * count, items, "u")
    assert recorder.record("c", "u") == spans.to_bytes()
    assert _splice.Spans.from_bytes(spans.to_bytes()) == spans


def test_the_keys_hashes_are_made_once_for_the_files_of_every_format(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(site)
    made: list[int] = []
    hashes = _splice._hashes

    def counted(keys: Any) -> list[bytes]:
        keys = list(keys)
        made.append(len(keys))
        return hashes(keys)

    monkeypatch.setattr(_splice, "_hashes", counted)
    spy = Spy(monkeypatch)
    rewrite(entries(site)[20], "\n\n", "\n\nAn edit.\n\n")
    build(site)
    assert len([url for url in spy.spliced if _main(url)]) == 3
    # By the delta build, once for each feed written again (the main one and the edited
    # entry's categories'), not once for each of its files (RSS, Atom, JSON Feed).
    assert made[0] == ENTRIES and len(made) > 1
    assert len(made) * 3 == len(spy.spliced)
    assert differences(site) == []
