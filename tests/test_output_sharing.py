"""Outputs written by several processes: the same bytes, and a failure anywhere is the
build's failure, with the outputs left as they were."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from feedpub.errors import EntryError, OutputError
from feedpub.pipeline import _output as output
from feedpub.pipeline._output import Sharing, write_outputs


def writer(text: str, repeat: int = 1000):
    def write(handle: BinaryIO) -> None:
        for _ in range(repeat):
            handle.write(text.encode())

    return write


def failing(error: BaseException):
    def write(handle: BinaryIO) -> None:
        handle.write(b"partial")
        raise error

    return write


@pytest.fixture(autouse=True)
def always_share(monkeypatch):
    monkeypatch.setattr(output, "SHARING_MIN", 0)


def test_shared_writing_gives_the_files_a_single_process_writes(tmp_path: Path):
    outputs = {f"feed{i}.xml": writer(f"<item>{i}</item>\n", 500 * (i + 1)) for i in range(5)}
    outputs["index.html"] = b"<html></html>"
    children: list[str] = []
    sharing = Sharing(2, {name: 10 for name in outputs}, lambda: children.append("x"))
    write_outputs(tmp_path / "shared", outputs, sharing=sharing)
    write_outputs(tmp_path / "single", outputs)
    for name in outputs:
        shared = (tmp_path / "shared" / name).read_bytes()
        assert shared == (tmp_path / "single" / name).read_bytes()
    assert children == []  # in_child ran in the children, not here


@pytest.mark.parametrize(
    "error, expected",
    [
        (OSError(errno.ENOSPC, "No space left on device"), OutputError),
        (EntryError("bad entry", Path("x.md")), EntryError),
    ],
)
def test_a_failure_in_a_writing_process_fails_the_build_and_changes_nothing(
    tmp_path: Path, error: BaseException, expected: type
):
    folder = tmp_path / "public"
    write_outputs(folder, {"a.xml": b"old a", "b.xml": b"old b", "c.xml": b"old c"})
    outputs = {"a.xml": writer("new a"), "b.xml": failing(error), "c.xml": writer("new c")}
    # Equal weights: each output is written by a process of its own, "b.xml" by a child.
    sharing = Sharing(2, dict.fromkeys(outputs, 100))
    with pytest.raises(expected) as raised:
        write_outputs(folder, outputs, sharing=sharing)
    assert "No space left" in str(raised.value) or "bad entry" in str(raised.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "a.xml": b"old a",
        "b.xml": b"old b",
        "c.xml": b"old c",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no staging folder left


def test_the_aside_runs_once_in_a_writing_process(tmp_path: Path):
    """Housekeeping (the cache's checkpoint) runs beside the writing, in one child only."""
    marks = tmp_path / "marks"
    marks.mkdir()

    def aside() -> None:
        (marks / str(os.getpid())).touch()

    outputs = {f"feed{i}.xml": writer(f"<item>{i}</item>\n", 200) for i in range(4)}
    sharing = Sharing(2, dict.fromkeys(outputs, 50), None, aside)
    write_outputs(tmp_path / "out", outputs, sharing=sharing)
    made = [p.name for p in marks.iterdir()]
    assert len(made) == 1
    assert made[0] != str(os.getpid())  # not this process


class Unrebuildable(Exception):
    """Pickles, but cannot be unpickled (its __init__ takes other arguments)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def test_a_failure_that_cannot_be_sent_back_is_still_the_build_s_failure(tmp_path: Path):
    folder = tmp_path / "public"
    write_outputs(folder, {"a.xml": b"old a", "b.xml": b"old b", "c.xml": b"old c"})
    outputs = {
        "a.xml": writer("new a"),
        "b.xml": failing(Unrebuildable("b.xml", "broken")),
        "c.xml": writer("new c"),
    }
    with pytest.raises(RuntimeError, match=r"Unrebuildable: b\.xml: broken"):
        write_outputs(folder, outputs, sharing=Sharing(2, dict.fromkeys(outputs, 100)))
    assert (folder / "b.xml").read_bytes() == b"old b"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
