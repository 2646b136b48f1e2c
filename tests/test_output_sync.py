"""Every output synced to disk before the outputs are swapped in, the files of one process
synced side by side (the file system then commits them together), and a failed sync the
build's failure."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from feedpub.errors import OutputError
from feedpub.pipeline import _output as output
from feedpub.pipeline._output import Sharing, write_outputs

#: How long each sync takes in these tests: long enough that files synced one after another
#: take several times longer than files synced side by side.
SLOW = 0.05


class _Os:
    """``os`` as feedpub.pipeline._output sees it, with a slow ``fsync`` that notes, in the
    file ``log`` (shared by forked processes), each file it synced (by inode), once synced."""

    def __init__(self, log: Path) -> None:
        self._log = log
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0  # at once, in this process
        self.duplicates: set[int] = set()  # descriptors made for a sync, not closed yet
        self.most_open = 0

    def dup(self, fd: int) -> int:
        new = os.dup(fd)
        with self._lock:
            self.duplicates.add(new)
            self.most_open = max(self.most_open, len(self.duplicates))
        return new

    def close(self, fd: int) -> None:
        with self._lock:
            self.duplicates.discard(fd)
        os.close(fd)

    def fsync(self, fd: int) -> None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(SLOW)
            os.fsync(fd)
            inode = os.fstat(fd).st_ino
        finally:
            with self._lock:
                self.running -= 1
        with open(self._log, "a", encoding="utf-8") as log:
            log.write(f"{inode}\n")

    def synced(self) -> set[int]:
        if not self._log.exists():
            return set()
        return {int(line) for line in self._log.read_text(encoding="utf-8").split()}

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


@pytest.fixture
def slow_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Os:
    fake = _Os(tmp_path / "synced.log")
    monkeypatch.setattr(output, "os", fake)
    return fake


def _staged_before_swap(monkeypatch: pytest.MonkeyPatch, fake: _Os) -> list[set[int]]:
    """At the swap: the inodes of the files written (into the staging folder) that were not
    synced yet, one set per swap."""
    unsynced: list[set[int]] = []
    swap = output._swap_in

    def checking(stage: Path, job: Any, written: list[Path], *rest: Any) -> Any:
        target = job.target
        staged = {os.stat(stage / p.relative_to(target)).st_ino for p in written}
        unsynced.append(staged - fake.synced())
        return swap(stage, job, written, *rest)

    monkeypatch.setattr(output, "_swap_in", checking)
    return unsynced


def test_the_files_of_one_process_are_synced_side_by_side(
    tmp_path: Path, slow_sync: _Os, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = {f"feed{i}.xml": f"<item>{i}</item>\n".encode() for i in range(12)}
    unsynced = _staged_before_swap(monkeypatch, slow_sync)
    started = time.monotonic()
    write_outputs(tmp_path / "public", outputs)
    took = time.monotonic() - started
    assert slow_sync.most > 1, "each file was synced only once the one before it was"
    assert took < len(outputs) * SLOW, f"{took:.2f} s: the syncs were not side by side"
    assert unsynced == [set()], "files were swapped in before they were synced"
    for name, data in outputs.items():
        assert (tmp_path / "public" / name).read_bytes() == data


def test_every_file_is_synced_before_the_swap_in_writing_processes_too(
    tmp_path: Path, slow_sync: _Os, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "SHARING_MIN", 0)

    def writer(text: str) -> Any:
        return lambda handle: handle.write(text.encode() * 100)

    outputs = {f"feeds/{i}/feed.xml": writer(f"<item>{i}</item>\n") for i in range(9)}
    unsynced = _staged_before_swap(monkeypatch, slow_sync)
    seen: list[int] = []
    fork = output.signals.fork
    monkeypatch.setattr(output.signals, "fork", lambda: seen.append(1) or fork())
    write_outputs(tmp_path / "public", outputs, sharing=Sharing(2, dict.fromkeys(outputs, 10)))
    assert seen, "no writing process was forked"
    assert unsynced == [set()], "files were swapped in before they were synced"


def test_a_failed_sync_fails_the_build_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "public"
    write_outputs(folder, {f"{i}.xml": b"old" for i in range(6)})
    calls: list[int] = []

    class Failing(_Os):
        def fsync(self, fd: int) -> None:
            calls.append(fd)
            if len(calls) == 4:  # one file among others, its sync under way beside theirs
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            super().fsync(fd)

    monkeypatch.setattr(output, "os", Failing(tmp_path / "synced.log"))
    before = set(threading.enumerate())  # (other tests' threads may still be running)
    with pytest.raises(OutputError, match="Input/output error"):
        write_outputs(folder, {f"{i}.xml": b"new" for i in range(6)})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        f"{i}.xml": b"old" for i in range(6)
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "synced.log"]
    outlived = [t.name for t in set(threading.enumerate()) - before]
    assert not outlived, f"threads outlived the build: {outlived}"


def test_the_descriptors_of_files_waiting_for_their_sync_stay_few(
    tmp_path: Path, slow_sync: _Os, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of archive documents must not hold thousands of descriptors open."""
    monkeypatch.setattr(output, "SYNCS_PENDING", 4)
    write_outputs(tmp_path / "public", {f"{i}.xml": b"x" for i in range(20)})
    assert slow_sync.most > 1
    assert slow_sync.most_open == 4, f"{slow_sync.most_open} descriptors open at once"
    assert not slow_sync.duplicates, "descriptors left open"


def test_a_failed_flush_before_early_writeback_is_kept_for_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer such as lxml may swallow a failed write: the guard between it and the file
    keeps the error, for the file is then never swapped in. The flush that comes before
    telling the system to start writing to disk is such a write."""
    monkeypatch.setattr(output, "EARLY_WRITEBACK", True)
    monkeypatch.setattr(output, "WRITEBACK_EVERY", 16)

    class Full:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            return self.handle.write(data)

        def flush(self) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def fileno(self) -> int:
            return self.handle.fileno()

    with open(tmp_path / "feed.xml", "wb") as handle:
        guarded = output._Guarded(Full(handle))  # type: ignore[arg-type]
        with pytest.raises(OSError):
            guarded.write(b"x" * 32)
        assert guarded.error is not None and guarded.error.errno == errno.ENOSPC
        guarded.close()


def test_the_old_tree_is_deleted_even_without_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the swap the new outputs are in: when no thread can be started to delete the
    replaced files, they are deleted here and the build goes on."""
    monkeypatch.setattr(output, "DISCARD_ALONE", 1)
    folder = tmp_path / "public"
    write_outputs(folder, {f"{i}.xml": b"old" * 10 for i in range(3)})

    start = threading.Thread.start

    def no_thread(self: threading.Thread) -> None:
        if getattr(self, "_target", None) in (output._discard, output._unlink_quietly):
            raise RuntimeError("can't start new thread")
        start(self)

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    write_outputs(folder, {f"{i}.xml": b"new" * 10 for i in range(3)})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        f"{i}.xml": b"new" * 10 for i in range(3)
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
