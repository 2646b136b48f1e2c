"""The build record (feedpub/pipeline/_record.py, issue #16 item 4): what a build leaves in the
cache for the next one, read with every field checked once and written in the shape earlier
versions wrote, so that their caches are still used."""

from __future__ import annotations

import copy
import importlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import feedpub
from feedpub.cache import Cache
from feedpub.errors import BuildWarning

from .conftest import SiteDir

record_module = importlib.import_module("feedpub.pipeline._record")
full_module = importlib.import_module("feedpub.pipeline._full")  # where build() finds scan_all

#: A record as the code before the typed record wrote it (main at 3e66ff2, the site of
#: OLD_SITE built with SOURCE_DATE_EPOCH=1767225600): a horizon, a local image, a scan
#: warning (FP213) and one found checking the feeds (FP202).
OLD_RECORD = (
    '{"key": "420d376c45db82c078f9ca17c9e81e5b", "horizon": "2030-01-01T00:00:00+00:0'
    '0", "outputs": {".feedpub-manifest.json": [646, 1796452867228568255], "atom.xml"'
    ': [2111, 1796452867224955628], "categories/news/atom.xml": [1433, 17964528672267'
    '76098], "categories/news/feed.json": [723, 1796452867227205227], "categories/new'
    's/feed.xml": [1446, 1796452867226109436], "feed.json": [1180, 179645286722541476'
    '2], "feed.xml": [2051, 1796452867223216320], "feed.xsl": [4552, 1796452867227880'
    '462], "feeds.opml": [436, 1796452867227540726], "index.html": [3494, 17964528672'
    '28189732]}, "media": [["/tmp/i16p-rec/site/cover.png", 3, 1796452815595012440]],'
    ' "feeds": {"feed.xml": "139fc5d8b856e7d5ddc0495a49bbe775", "atom.xml": "139fc5d8'
    'b856e7d5ddc0495a49bbe775", "feed.json": "139fc5d8b856e7d5ddc0495a49bbe775", "cat'
    'egories/news/feed.xml": "1e172010361211aa3a53d5fa128f7228", "categories/news/ato'
    'm.xml": "1e172010361211aa3a53d5fa128f7228", "categories/news/feed.json": "1e1720'
    '10361211aa3a53d5fa128f7228"}, "settings": "eeca2717f7b6498fe10ec70810076c47", "p'
    'lans": [["", "Test Site", ["d.md", "c.md", "a.md"]], ["categories/news/", "Test '
    'Site \\u2014 News", ["a.md"]]], "scanned": 4, "published": 3, "warnings": [["FP21'
    "3\", \"still has the text 'feedpub new' put there; write the entry, or mark it 'dr"
    'aft: true\' until it is ready", "/tmp/i16p-rec/site/entries/a.md", 7]], "checked"'
    ': {"entry:d.md": [["FP202", "no summary, and the body has no text to make one fr'
    'om; add \'summary: ...\'", "/tmp/i16p-rec/site/entries/d.md", 1]]}}'
)

#: The record's keys, in the order every version so far wrote them.
KEYS = [
    *("key", "horizon", "outputs", "media", "feeds", "settings", "plans"),
    *("scanned", "published", "warnings", "checked"),
]

OLD_SITE = {
    "a.md": "---\ntitle: A\ndate: 2025-01-01\ncategories: [News]\nimage: cover.png\n---\n"
    "Write the entry here, in Markdown.\n",
    "b.md": "---\ntitle: B\ndate: 2030-01-01\n---\nLater.\n",
    "c.md": "---\ntitle: C\ndate: 2025-01-02\n---\nBody.\n",
    "d.md": "---\ntitle: D\ndate: 2025-01-03\n---\n",
}


@pytest.fixture
def built(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    (site.root / "cover.png").write_bytes(b"PNG")
    for name, text in OLD_SITE.items():
        site.entry(name, text)
    assert site.run("build", "--quiet").exit_code == 0
    return site


def stored(site: SiteDir) -> str:
    db = sqlite3.connect(site.root / ".feedpub-cache" / "cache.sqlite")
    try:
        return str(db.execute("SELECT value FROM meta WHERE key = 'last_build'").fetchone()[0])
    finally:
        db.close()


def store(site: SiteDir, text: str) -> None:
    db = sqlite3.connect(site.root / ".feedpub-cache" / "cache.sqlite")
    try:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('last_build', ?)", (text,))
        db.commit()
    finally:
        db.close()


def test_a_record_written_before_is_read_and_written_back_byte_for_byte(built: SiteDir) -> None:
    store(built, OLD_RECORD)
    with Cache.open(feedpub.load_site()) as cache:
        record = record_module.read_record(cache)
        assert record is not None
        assert record.horizon == datetime(2030, 1, 1, tzinfo=UTC)
        assert record.outputs["feed.xml"] == (2051, 1796452867223216320)
        assert record.media == (("/tmp/i16p-rec/site/cover.png", 3, 1796452815595012440),)
        assert [(p.folder, p.entries) for p in record.plans] == [
            ("", ("d.md", "c.md", "a.md")),
            ("categories/news/", ("a.md",)),
        ]
        assert (record.scanned, record.published) == (4, 3)
        assert [w.code for w in record.warnings] == ["FP213"]
        assert record.warnings[0].path == Path("/tmp/i16p-rec/site/entries/a.md")
        assert {k: [w.code for w in found] for k, found in record.checked.items()} == {
            "entry:d.md": ["FP202"]
        }
        record_module.save_record(cache, record)
    assert stored(built) == OLD_RECORD


def test_a_build_records_the_shape_earlier_versions_read(built: SiteDir) -> None:
    """The JSON in the cache has the keys, in the order, and the formatting of the record
    earlier versions wrote and read (see OLD_RECORD): a build of one reads the other's."""
    text = stored(built)
    data = json.loads(text)
    assert list(data) == KEYS
    assert json.dumps(data) == text
    for key, value in data.items():
        assert type(value) is type(json.loads(OLD_RECORD)[key]), key
    assert data["warnings"][0][:2] == json.loads(OLD_RECORD)["warnings"][0][:2]
    assert data["checked"].keys() == json.loads(OLD_RECORD)["checked"].keys()


def test_a_cache_with_an_earlier_record_is_used_as_it_is(
    built: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record as earlier versions wrote it (this build's own, in OLD_RECORD's shape):
    nothing changed, so nothing is read again nor written."""
    data = json.loads(stored(built))
    store(built, json.dumps({key: data[key] for key in KEYS}))
    scans: list[object] = []
    real = full_module.scan_all
    monkeypatch.setattr(full_module, "scan_all", lambda *a, **k: scans.append(a) or real(*a, **k))
    before = built.snapshot()
    result = feedpub.build(feedpub.load_site())
    assert scans == [] and result.written == ()
    assert [stage for stage, _ in result.timings] == ["scan"]
    assert built.snapshot() == before


def damaged() -> list[tuple[str, Any]]:
    """Ways a record can be other than this version writes it: (what, the JSON value)."""
    good = json.loads(OLD_RECORD)
    cases: list[tuple[str, Any]] = [("not an object", [good]), ("a string", "record")]
    for key in KEYS:
        missing = {k: v for k, v in good.items() if k != key}
        cases.append((f"no {key}", missing))
        cases.append((f"{key} of another type", {**good, key: 1.5}))
    cases.append(("another key", {**good, "new": 1}))
    for what, path, value in [
        ("an output's stat", ("outputs", "feed.xml"), [1]),
        ("an output's size as text", ("outputs", "feed.xml"), ["1", 2]),
        ("a media file", ("media", 0), ["x", 1]),
        ("a plan", ("plans", 0), ["", "Test Site"]),
        ("a plan's entries", ("plans", 1, 2), "a.md"),
        ("a feed's key", ("feeds", "feed.xml"), None),
        ("a warning", ("warnings", 0), ["FP213", "message"]),
        ("a warning's line", ("warnings", 0, 3), "7"),
        ("a checked warning", ("checked", "entry:d.md"), "FP202"),
        ("a horizon", ("horizon",), "soon"),
        ("a count that is true", ("scanned",), True),
    ]:
        data = copy.deepcopy(good)
        inner = data
        for step in path[:-1]:
            inner = inner[step]
        inner[path[-1]] = value
        cases.append((what, data))
    return cases


@pytest.mark.parametrize(("what", "data"), damaged(), ids=[w for w, _ in damaged()])
def test_a_damaged_record_is_none(built: SiteDir, what: str, data: Any) -> None:
    store(built, json.dumps(data))
    with Cache.open(feedpub.load_site()) as cache:
        assert record_module.read_record(cache) is None


def test_a_record_that_is_no_json_is_none(built: SiteDir) -> None:
    store(built, OLD_RECORD[:-1])
    with Cache.open(feedpub.load_site()) as cache:
        assert record_module.read_record(cache) is None


@pytest.mark.parametrize(
    ("key", "value"), [("scanned", "4"), ("published", None), ("warnings", [["FP213"]])]
)
def test_a_build_on_a_damaged_record_is_a_full_build(built: SiteDir, key: str, value: Any) -> None:
    """Nothing of a damaged record is trusted: the build takes the full path, says what a
    build without the record says, and records itself anew."""
    site = feedpub.load_site()
    before = built.snapshot()
    expected = feedpub.build(site)  # (nothing changed: from the record)
    data = json.loads(stored(built))
    store(built, json.dumps({**data, key: value}))
    result = feedpub.build(site)
    assert (result.scanned, result.published) == (expected.scanned, expected.published)
    assert result.warnings == expected.warnings
    assert result.written == ()
    assert {p.name for p in result.unchanged} == {p.name for p in expected.unchanged}
    assert built.snapshot() == before
    assert json.loads(stored(built)) == data
    assert all(isinstance(w, BuildWarning) for w in result.warnings)


def test_a_feed_key_is_made_of_values_orjson_refuses_too() -> None:
    from types import SimpleNamespace

    from feedpub.pipeline._record import feed_keys

    plan = SimpleNamespace(title="T \udcff", names=("feed.xml",), history=(), terms=None)
    keys = feed_keys("site", plan, [("a.md", "1")])  # type: ignore[arg-type]
    other = feed_keys("site", plan, [("a.md", "2")])  # type: ignore[arg-type]
    assert keys.keys() == {"feed.xml"} and keys != other


def test_a_listing_with_a_name_that_is_no_utf8_has_a_fingerprint() -> None:
    from feedpub.scan import Listing

    # (the listing reports such a file as a problem; the fingerprint must not fail first)
    names = {"x": "a\udcff.md"}
    listing = Listing(paths=["x"], problems=[], names=names, stats={"x": (1, 2)})
    other = Listing(paths=["x"], problems=[], names=names, stats={"x": (1, 3)})
    assert listing.fingerprint() != other.fingerprint()
