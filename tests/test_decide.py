"""The delta build's decision (feedpub/pipeline/_decide.py, issue #16 item 1): from the last
build's record and the changed entries alone, which feeds are written again and which feeds
each new entry joins, or ``None`` for the full path. Nothing is read or written: these tests
give it values, no site on disk."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feedpub.model import Entry, Site

decide_module = importlib.import_module("feedpub.pipeline._decide")
record_module = importlib.import_module("feedpub.pipeline._record")
Changes = decide_module.Changes
RecordedFeed = record_module.RecordedFeed

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SITE = Site(
    base_url="https://example.org/",
    title="T",
    description="d",
    language=None,
    authors=(),
    timezone=ZoneInfo("UTC"),
    limit=2,
    entries=Path("/nowhere/entries"),
    output=Path("/nowhere/public"),
)


def entry(name: str, day: int, *categories: str, draft: bool = False) -> Entry:
    return Entry(
        path=SITE.entries / name,
        title=name,
        date=datetime(2025, 1, day, tzinfo=UTC),
        updated=None,
        authors=(),
        categories=categories,
        tags=(),
        summary=None,
        draft=draft,
        slug=name[:-3],
        link=f"https://example.org/{name[:-3]}/",
        id=f"https://example.org/{name[:-3]}/",
    )


RECORD = record_module.BuildRecord(
    key="k",
    horizon=None,
    outputs={},
    media=(),
    feeds={},
    settings="s",
    plans=(
        RecordedFeed("", "T", ("c.md", "b.md")),
        RecordedFeed("categories/x/", "T \u2014 X", ("c.md", "a.md")),
        RecordedFeed("categories/y/", "T \u2014 Y", ("b.md",)),
    ),
    scanned=3,
    published=3,
    warnings=(),
    checked={},
)
OLD = {"a.md": entry("a.md", 1, "X"), "b.md": entry("b.md", 2, "Y"), "c.md": entry("c.md", 3, "X")}


def decide(changes: Any) -> Any:
    return decide_module.decide(RECORD, SITE, changes, drafts=False, future=False, now=NOW)


def test_an_edit_that_moves_nothing_redoes_the_feeds_it_is_in() -> None:
    edited = replace(OLD["a.md"], title="New title")
    decision = decide(Changes({"a.md": edited}, {"a.md": OLD["a.md"]}, {}))
    assert decision is not None
    assert decision.redone == {1} and dict(decision.joining) == {}
    assert decision.published == 3
    assert decision.wanted(RECORD.plans, {"a.md": edited}) == {"c.md"}


def test_an_edit_that_may_move_its_entry_is_for_the_full_path() -> None:
    for moved in (
        replace(OLD["a.md"], date=datetime(2025, 2, 1, tzinfo=UTC)),
        replace(OLD["a.md"], categories=("Y",)),
        replace(OLD["a.md"], draft=True),
        replace(OLD["a.md"], media_files=(("/nowhere/x.png", 1, 1),)),
    ):
        assert decide(Changes({"a.md": moved}, {"a.md": OLD["a.md"]}, {})) is None
    assert decide(Changes({"a.md": OLD["a.md"]}, {"a.md": None}, {})) is None


def test_a_new_entry_joins_the_main_feed_and_its_categories_and_is_placed_by_date() -> None:
    new = entry("d.md", 4, "Y")
    decision = decide(Changes({}, {}, {"d.md": new}))
    assert decision is not None
    assert dict(decision.joining) == {0: ("d.md",), 2: ("d.md",)}
    assert decision.redone == set() and decision.published == 4
    plans, redone = decide_module.place(RECORD.plans, decision, {**OLD, "d.md": new}, SITE.limit)
    assert [p.entries for p in plans] == [("d.md", "c.md"), ("c.md", "a.md"), ("d.md", "b.md")]
    assert redone == {0, 2}
    old = entry("e.md", 1)  # older than every entry of the main feed, which is full: no change
    decision = decide(Changes({}, {}, {"e.md": old}))
    assert decision is not None
    plans, redone = decide_module.place(RECORD.plans, decision, {**OLD, "e.md": old}, SITE.limit)
    assert plans == RECORD.plans and redone == set()


def test_a_new_draft_joins_nothing_and_a_new_category_is_for_the_full_path() -> None:
    decision = decide(Changes({}, {}, {"d.md": entry("d.md", 4, "X", draft=True)}))
    assert decision is not None
    assert dict(decision.joining) == {} and decision.published == 3
    assert decide(Changes({}, {}, {"d.md": entry("d.md", 4, "Z")})) is None
    assert decide(Changes({}, {}, {"d.md": entry("d.md", 4, "X", "X")})) is None
