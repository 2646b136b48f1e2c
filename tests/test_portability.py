"""Every Linux-only fast path has a portable way that writes the same bytes: each is forced
here on Linux, as if on another system, and the outputs are compared with the fast paths'.

- the atomic swap of the output folder (``renameat2(RENAME_EXCHANGE)``) → file by file;
- large feeds written in forked processes → all in one process;
- worker processes started by ``fork`` → started by ``spawn`` (macOS's and Windows' default);
- byte ranges of a feed's earlier file copied inside the kernel (``os.copy_file_range``, when
  a warm build splices a feed file) → read and written (and read without ``os.pread``);
- a large file's writing to disk started while it is written (``sync_file_range``) → left to
  the sync at its end.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import feedpub
from feedpub.pipeline import _output

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate

ENTRIES = 400  # more than scan.PARALLEL_MIN: the scan and the rendering use workers


def _no_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)


def _no_forked_writers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_output, "FORK_WRITERS", False)


def _spawned_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])


FALLBACKS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "file by file": _no_exchange,
    "one writer": _no_forked_writers,
    "spawned workers": _spawned_workers,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("portability") / "site", ENTRIES)


def _build(site: Path, name: str) -> dict[str, bytes]:
    """A cold build of a copy of ``site`` (its own cache: a cold build, each time), into an
    output folder that exists already (the build swaps it, or writes file by file); its
    outputs by name."""
    copy = site.parent / name
    shutil.copytree(site, copy)
    loaded = feedpub.load_site(copy / "feedpub.toml")
    loaded.output.mkdir()
    result = feedpub.build(loaded, jobs=2)
    assert result.written and not result.cache_hits
    return {
        p.relative_to(loaded.output).as_posix(): p.read_bytes()
        for p in sorted(loaded.output.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def fast(site: Path) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_output, "SHARING_MIN", 0)  # the forked writers, on this small site too
        return _build(site, "fast")


def _watch(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Which ways a build takes: the folder swap's answers, the processes forked to write,
    the start method of the worker processes."""
    seen: dict[str, list[object]] = {"swap": [], "fork": [], "start": []}
    exchange, fork, context = _output._exchange, _output.signals.fork, multiprocessing.get_context
    monkeypatch.setattr(
        _output, "_exchange", lambda a, b: seen["swap"].append(exchange(a, b)) or seen["swap"][-1]
    )
    monkeypatch.setattr(_output.signals, "fork", lambda: seen["fork"].append(1) or fork())
    monkeypatch.setattr(
        multiprocessing,
        "get_context",
        lambda method=None: seen["start"].append(method) or context(method),
    )
    return seen


def test_the_fast_paths_are_taken_here(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Else the comparisons below would compare the portable ways with themselves.
    monkeypatch.setattr(_output, "SHARING_MIN", 0)
    seen = _watch(monkeypatch)
    _build(site, "probe")
    assert seen["swap"] == [True]
    assert seen["fork"]
    assert seen["start"] == ["fork"]


@pytest.mark.parametrize("fallback", FALLBACKS)
def test_each_portable_way_writes_the_same_bytes(
    site: Path, fast: dict[str, bytes], fallback: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_output, "SHARING_MIN", 0)
    FALLBACKS[fallback](monkeypatch)
    seen = _watch(monkeypatch)
    portable = _build(site, f"portable-{fallback.replace(' ', '-')}")
    # The portable way was taken, the others not.
    assert (seen["swap"] == [False]) == (fallback == "file by file")
    assert (not seen["fork"]) == (fallback == "one writer")
    assert (seen["start"] == [None]) == (fallback == "spawned workers")
    assert portable.keys() == fast.keys()
    assert [name for name in fast if portable[name] != fast[name]] == []
    assert len(fast) > 10  # feeds per category, archives, index.html, feeds.opml, ...


def test_all_portable_ways_at_once_write_the_same_bytes(
    site: Path, fast: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_output, "SHARING_MIN", 0)
    for force in FALLBACKS.values():
        force(monkeypatch)
    assert _build(site, "portable-all") == fast


def _spliced(site: Path, name: str, calls: Path) -> dict[str, bytes]:
    """A cold build of a copy of ``site``, then a warm one after an entry was edited (which
    splices the feeds that carry it); the outputs by name. Each call of
    ``os.copy_file_range``, in this process or a forked writer, adds a line to ``calls``."""
    copy = site.parent / name
    shutil.copytree(site, copy)
    loaded = feedpub.load_site(copy / "feedpub.toml")
    feedpub.build(loaded, jobs=2)
    edited = sorted((copy / "entries").glob("*.md"))[-3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    calls.write_text("", encoding="utf-8")
    assert feedpub.build(loaded, jobs=2).written
    return {
        p.relative_to(loaded.output).as_posix(): p.read_bytes()
        for p in sorted(loaded.output.rglob("*"))
        if p.is_file()
    }


def test_a_splice_reads_and_writes_the_same_bytes_without_copy_file_range(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_output, "SHARING_MIN", 0)  # in the forked writers too
    calls = tmp_path / "calls"
    copy_file_range = os.copy_file_range

    def watched(*args: int) -> int:
        with open(calls, "a", encoding="utf-8") as note:
            note.write("called\n")
        return copy_file_range(*args)

    monkeypatch.setattr(os, "copy_file_range", watched)
    copies = tmp_path / "copies"  # the ranges copied from earlier files, either way
    copy = _output._Guarded.copy

    def counted(self: _output._Guarded, *args: Any) -> None:
        with open(copies, "a", encoding="utf-8") as note:
            note.write("copied\n")
        copy(self, *args)

    monkeypatch.setattr(_output._Guarded, "copy", counted)
    fast = _spliced(site, "splice-fast", calls)
    assert calls.read_text(encoding="utf-8")  # the fast path is taken here
    monkeypatch.setattr(_output, "COPY_FILE_RANGE", False)
    monkeypatch.setattr(_output, "_PREAD", None)  # (Windows has no os.pread either)
    copies.write_text("", encoding="utf-8")
    portable = _spliced(site, "splice-portable", calls)
    assert not calls.read_text(encoding="utf-8")  # ... and not there
    assert copies.read_text(encoding="utf-8")  # (but the files were spliced)
    assert portable.keys() == fast.keys()
    assert [name for name in fast if portable[name] != fast[name]] == []


def test_early_writeback_is_taken_here_and_its_absence_writes_the_same_bytes(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_output, "SHARING_MIN", 0)  # in the forked writers too
    monkeypatch.setattr(_output, "WRITEBACK_EVERY", 1 << 16)  # (the feeds here are small)
    calls = tmp_path / "writeback"
    system = _output._writeback()
    assert system is not None

    def watched(fd: int, offset: int, length: int, flags: int) -> int:
        with open(calls, "a", encoding="utf-8") as note:
            note.write(f"{offset} {length}\n")
        return system(fd, offset, length, flags)

    monkeypatch.setattr(_output, "_writeback", lambda: watched)
    fast = _spliced(site, "writeback-fast", calls)  # (calls: the warm build's only)
    assert calls.read_text(encoding="utf-8")  # the fast path is taken here, in the splice too
    monkeypatch.setattr(_output, "EARLY_WRITEBACK", False)
    calls.write_text("", encoding="utf-8")
    portable = _spliced(site, "writeback-portable", calls)
    assert not calls.read_text(encoding="utf-8")  # ... and not there
    assert portable.keys() == fast.keys()
    assert [name for name in fast if portable[name] != fast[name]] == []
