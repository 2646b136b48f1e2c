"""The old output folder a write swaps out is deleted after the swap: its large files in
threads, while the build records what it wrote (issue #18), and always before the build ends."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from feedpub import build, load_site
from feedpub.pipeline import _output as output
from feedpub.pipeline._output import discarding, write_outputs


def stages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".feedpub-stage-" in p.name)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Large files (here: of 1 KiB or more) are deleted only once the event is set; the
    threads that delete them are noted."""
    monkeypatch.setattr(output, "DISCARD_ALONE", 1024)
    release = threading.Event()
    unlink = output._unlink_quietly
    deleting: list[str] = []

    def slow(path: Path) -> None:
        deleting.append(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            assert release.wait(10)
        unlink(path)

    monkeypatch.setattr(output, "_unlink_quietly", slow)
    release.deleting = deleting  # type: ignore[attr-defined]
    return release


def test_large_replaced_files_are_deleted_alongside_and_by_the_end_of_the_block(
    tmp_path: Path, held: threading.Event
) -> None:
    public = tmp_path / "public"
    write_outputs(public, {"big.xml": b"a" * 4096, "small.txt": b"s", "kept.txt": b"k"})
    held.set()  # (the first write replaced nothing)
    held.clear()
    with discarding():
        write_outputs(public, {"big.xml": b"b" * 4096, "small.txt": b"t", "kept.txt": b"k"})
        # The swap is done and the new files are in place; the old tree holds only the
        # earlier big.xml, being deleted, and its mark (a build killed now leaves a stage
        # the next one removes, see clean_stale_stages).
        assert (public / "big.xml").read_bytes() == b"b" * 4096
        (stage,) = stages(tmp_path)
        assert sorted(p.name for p in stage.iterdir()) == [".feedpub-stage", "big.xml"]
        assert (stage / "big.xml").read_bytes() == b"a" * 4096
        # kept.txt was linked from the old tree: that link is gone already, so the file's
        # status change time is final when the build records it
        assert (public / "kept.txt").stat().st_nlink == 1
        held.set()
    assert stages(tmp_path) == []
    assert any(name != "MainThread" for name in held.deleting)  # type: ignore[attr-defined]


def test_outside_a_block_the_old_tree_is_gone_when_the_write_returns(
    tmp_path: Path, held: threading.Event
) -> None:
    public = tmp_path / "public"
    held.set()
    write_outputs(public, {"big.xml": b"a" * 4096})
    write_outputs(public, {"big.xml": b"b" * 4096})
    assert stages(tmp_path) == []
    assert (public / "big.xml").read_bytes() == b"b" * 4096


class _Never:
    """A thread that never runs: as if the build was killed before it did."""

    def __init__(self, target: object, args: object) -> None:
        pass

    def start(self) -> None:
        pass

    def join(self) -> None:
        pass


def test_a_stage_left_with_large_old_files_is_removed_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "entries").mkdir()
    (tmp_path / "feedpub.toml").write_text(
        'title = "T"\nbase_url = "https://example.com/"\ndescription = "D"\n'
        'author = "A <a@example.com>"\n',
        encoding="utf-8",
    )
    entry = tmp_path / "entries" / "2024-01-01-e0.md"
    for i in range(3):
        (tmp_path / "entries" / f"2024-01-0{i + 1}-e{i}.md").write_text(
            f"---\ntitle: E{i}\ndate: 2024-01-0{i + 1}\n---\n{'Body. ' * 400}\n", encoding="utf-8"
        )
    site = load_site(tmp_path / "feedpub.toml")
    build(site)
    entry.write_text("---\ntitle: E0\ndate: 2024-01-01\n---\nEdited.\n", encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(output, "DISCARD_ALONE", 1024)
        patched.setattr(output, "threading", SimpleNamespace(Thread=_Never))
        build(site)
    (stage,) = stages(tmp_path)
    assert {".feedpub-stage", "feed.xml", "atom.xml"} <= {p.name for p in stage.iterdir()}
    entry.write_text("---\ntitle: E0\ndate: 2024-01-01\n---\nEdited again.\n", encoding="utf-8")
    build(site)
    assert stages(tmp_path) == []
    assert not any("-kept-" in p.name for p in tmp_path.iterdir())
