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
