"""A warm build changes the manifest (index.html's hash, a new entry's record) without reading
and writing again a record for every entry (issue #18): the bytes it writes are those the
manifest read and written whole would have, and it says what that would of a new entry's id
and link."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from feedpub.model import MANIFEST_NAME
from feedpub.pipeline._decide import new_ids_unique
from feedpub.pipeline._record import (
    manifest_bytes,
    manifest_chunks,
    raw_ids_unique,
    raw_manifest,
    raw_manifest_bytes,
    raw_with_entries,
    read_manifest,
)

NAMES = [
    "2024/a.md",
    'b "quoted" \\ back.md',
    'c, "d": {.md',
    "é-accent.md",
    "zz.md",
    "日本.md",
]


def _written(tmp_path: Path, names: list[str]) -> Any:
    """A manifest as a full build writes it, in an output folder; the site it is of."""
    data = {
        "feedpub_manifest": 1,
        "entries": {
            name: {"id": f"tag:x,2024:{n}", "link": f'https://x.org/{n}?q="{name}"'}
            for n, name in enumerate(sorted(names))  # (as a build writes them)
        },
        "outputs": ["atom.xml", "feed.xml"],
        "index_html": "abc",
        "archives": {},
    }
    (tmp_path / "public").mkdir(exist_ok=True)
    text = "".join(manifest_chunks(data))
    (tmp_path / "public" / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return SimpleNamespace(output=tmp_path / "public")


def test_the_index_hash_changed_in_place_gives_the_bytes_of_the_whole_manifest(
    tmp_path: Path,
) -> None:
    site = _written(tmp_path, NAMES)
    raw = raw_manifest(site)
    assert raw is not None and raw.held == len(NAMES)
    raw.rest["index_html"] = "def"
    whole = read_manifest(site)
    whole["index_html"] = "def"
    assert raw_manifest_bytes(raw) == manifest_bytes(whole)


@pytest.mark.parametrize(
    "added",
    [
        ["0-first.md"],
        ["2024/b.md"],
        ["é-accent.md0"],
        ["zzz.md"],
        ["0.md", "c.md", "日本2.md"],
        ['b "quoted" \\ back.md!'],
    ],
)
def test_new_entries_go_where_the_whole_manifest_sorts_them(
    tmp_path: Path, added: list[str]
) -> None:
    site = _written(tmp_path, NAMES)
    raw = raw_manifest(site)
    assert raw is not None
    new = {name: (f"tag:x,2025:{name}", f"https://x.org/new/{name}") for name in added}
    spliced = raw_with_entries(raw, sorted(NAMES), new)
    assert spliced is not None and spliced.held == len(NAMES) + len(added)
    whole = read_manifest(site)
    records = {name: {"id": i, "link": link} for name, (i, link) in new.items()}
    whole["entries"] = dict(sorted({**whole["entries"], **records}.items()))
    assert raw_manifest_bytes(spliced) == manifest_bytes(whole)
    json.loads(raw_manifest_bytes(spliced))  # (and it is JSON)


@pytest.mark.parametrize(
    "new, unique",
    [
        ({"n.md": ("tag:x,2024:2", "https://x.org/new")}, False),  # another's id
        ({"n.md": ("tag:new", 'https://x.org/4?q="é-accent.md"')}, False),  # another's link
        ({"n.md": ("tag:new", "https://x.org/new"), "o.md": ("tag:new", "https://o")}, False),
        ({"n.md": ("tag:new", "https://x.org/new")}, True),
        ({"n.md": ("https://x.org/1", "tag:x,2024:1")}, True),  # (an id like a link)
    ],
)
def test_a_new_entry_s_id_and_link_are_checked_as_in_the_whole_manifest(
    tmp_path: Path, new: dict[str, tuple[str, str]], unique: bool
) -> None:
    site = _written(tmp_path, NAMES)
    raw = raw_manifest(site)
    assert raw is not None
    entries = {
        name: SimpleNamespace(id=entry_id, link=link) for name, (entry_id, link) in new.items()
    }
    expected = new_ids_unique(read_manifest(site)["entries"], entries)  # type: ignore[arg-type]
    assert raw_ids_unique(raw, new) == expected == unique


def test_a_manifest_of_another_layout_is_read_whole(tmp_path: Path) -> None:
    site = _written(tmp_path, NAMES)
    path = site.output / MANIFEST_NAME
    path.write_text(json.dumps(read_manifest(site), indent=1), encoding="utf-8")
    assert raw_manifest(site) is None
    path.write_text("", encoding="utf-8")
    assert raw_manifest(site) is None


def test_a_warm_edit_or_addition_does_not_read_the_manifest_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import feedpub

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    root = generate(tmp_path / "site", 40)
    site = feedpub.load_site(root / "feedpub.toml")
    feedpub.build(site)
    read: list[int] = []
    whole = read_manifest

    def counted(site: Any) -> dict[str, Any]:
        read.append(1)
        return whole(site)

    monkeypatch.setattr("feedpub.pipeline._delta.read_manifest", counted)
    edited = sorted((root / "entries").glob("*.md"))[-1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert feedpub.build(site).cache_hits == 39  # (the delta path)
    (root / "entries" / "9999-new.md").write_text(
        "---\ntitle: New\ndate: 2025-06-01\n---\nNew.\n", encoding="utf-8"
    )
    before = (site.output / MANIFEST_NAME).read_bytes()
    assert feedpub.build(site, now=None).cache_hits == 40
    assert read == []
    assert b'"9999-new.md": {"id": ' in (site.output / MANIFEST_NAME).read_bytes() != before
