"""Warm builds that redo only what a few changed entry files touch.

Each build records, with its outputs, the settings it was made with and each feed's entries
(their file names, newest first). When only a few files changed since then, and each change is
an edit that leaves its entry where it was in every feed (same dates, draft state, categories,
tags, authors, id, link and slug: a new title, summary or body) or a new entry, the new feeds
follow from that record without reading every entry from the cache: an edited entry's feeds
are written again; a new entry joins each feed it qualifies for, which then carries the newest
of its recorded entries and the new one (each recorded list was the newest of all entries that
qualify, so nothing else can come in). Only the entries of the feeds written again are read.

Anything else returns ``None``, and :func:`feedpub.pipeline.build` takes the full path: a file
removed, unreadable or wrong, an edit that may move its entry, other settings or flags, an
entry come due, a new category, tag or author, more than a few changed files. The tests
(``tests/test_delta.py``) check that both paths write the same bytes and warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..cache import Cache, content_hash, digest
from ..errors import BuildWarning, FeedpubError
from ..files import read_file
from ..model import INDEX_NAME, MANIFEST_NAME, PREVIEW_MAX, BuildResult, Entry, FeedPlan, Site
from ..plan import TAXONOMIES, carried, select, slug_of, upcoming_moments
from ..scan import Listing, entry_digest, parse_files
from ._full import checked_warnings
from ._output import Content
from ._record import (
    come_due,
    feed_keys,
    file_stat,
    is_ours,
    manifest_bytes,
    media_untouched,
    note_unannounced,
    outputs_untouched,
    read_manifest,
    write_site,
)
from ._render import feed_outputs, render_into, rendered_items, sharing

#: More changed files than this and the full path is taken: it reads them in parallel.
DELTA_MAX = 16


def _placement(entry: Entry) -> tuple[Any, ...]:
    """Everything that decides which feeds carry an entry, where, and under which id."""
    dates = (entry.date, entry.updated, entry.publish_date, entry.expiry_date)
    return (
        *(d.isoformat() if d else None for d in dates),
        entry.draft,
        entry.categories,
        entry.tags,
        entry.authors,
        entry.id,
        entry.link,
        entry.slug,
    )


def delta_build(
    site: Site,
    store: Cache,
    listing: Listing,
    last: dict[str, Any],
    key: str,
    now: datetime,
    drafts: bool,
    future: bool,
    lap: Callable[[str], None],
) -> BuildResult | None:
    """Build from the ``last`` build's record (made with the same settings and flags) when
    only a few entries were edited or added since; ``None`` when the full path must run.
    ``key`` is what this build's record is known by (see :func:`feedpub.pipeline.build`)."""
    try:
        plans = [(str(f), str(t), [str(rel) for rel in rels]) for f, t, rels in last["plans"]]
        feeds = {str(name): str(value) for name, value in last["feeds"].items()}
        scanned = int(last["scanned"])
        count = int(last["published"])  # entries published, in the feeds or beyond limit
        media = {(str(name), int(size), int(ns)) for name, size, ns in last.get("media", ())}
        old_warnings = _recorded_warnings(last["warnings"], set(listing.paths))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if (
        not plans
        or not plans[0][2]  # an empty main feed takes its date from every entry
        or old_warnings is None
        or site.archive  # archive documents: the full path places every entry
        or listing.problems
        or store.problem
        or INDEX_NAME not in last.get("outputs", {})  # ours to write, and written last time
        or come_due(last, now)
        or not outputs_untouched(site, last)
        or not media_untouched(last)  # an image or enclosure file changed
    ):
        return None

    # Which files changed since the last build. Its record is dropped whenever the cached
    # entries change, so the cache holds the entries that build read, no other.
    rows = store.files()
    changed: list[str] = []
    touched: list[tuple[str, int, int]] = []
    kept = 0
    for text in listing.paths:
        rel = listing.names[text]
        size, mtime_ns = listing.stats[text]
        row = rows.get(rel)
        if row is not None:
            kept += 1
            if row[0] == size and row[1] == mtime_ns:
                continue
            try:
                if content_hash(read_file(Path(text), site)) == row[2]:
                    touched.append((rel, size, mtime_ns))  # touched, not changed
                    continue
            except FeedpubError:
                pass
        changed.append(text)
        if len(changed) > DELTA_MAX:
            return None
    if kept != len(rows):
        return None  # an entry file was removed

    # Read the changed files: each must be an edit that moves nothing, or a new entry.
    texts = {str(Path(text)): text for text in changed}
    new_warnings: dict[str, list[BuildWarning]] = {}
    edited: dict[str, Entry] = {}
    added: dict[str, Entry] = {}
    digests: dict[Path, str] = {}
    fresh_rows = []
    for path, size, mtime_ns, file_digest, entry, warnings, errors, record in parse_files(
        site, [Path(text) for text in changed]
    ):
        text = texts[str(path)]
        rel = listing.names[text]
        if errors or (entry is None and rel in rows):
            return None  # the full path reports every problem, and removes what is gone
        new_warnings[text] = warnings
        if entry is None:
            continue  # a page its dialect does not publish, as last time
        if rel in rows:
            before = store.entries({rel: path}).get(rel)
            if before is None or _placement(before.entry) != _placement(entry):
                return None
            if before.entry.media_files != entry.media_files:
                return None  # the media files the build depends on changed
            edited[rel] = entry
        else:
            added[rel] = entry
            media.update(entry.media_files)
        digests[path] = entry_digest(file_digest, entry)
        fresh_rows.append((rel, size, mtime_ns, file_digest, record))

    # Each new entry joins the feeds it qualifies for, all of which exist already.
    where = {folder: i for i, (folder, _, _) in enumerate(plans)}
    joining: dict[int, list[str]] = {}
    for rel, entry in added.items():
        if not select((entry,), limit=0, drafts=drafts, future=future, now=now):
            continue  # a draft or future entry: in no feed (yet)
        count += 1
        targets = [0]
        for setting, folder, _, names_of in TAXONOMIES:
            if not getattr(site, setting):
                continue
            names = names_of(entry)
            if len(set(names)) != len(names):
                return None
            for name in names:
                i = where.get(f"{folder}/{slug_of(name)}/")
                if i is None or plans[i][1] != f"{site.title} \u2014 {name}":
                    return None  # a new feed, or a name spelled another way
                targets.append(i)
        for i in targets:
            joining.setdefault(i, []).append(rel)
    redone = {i for i, (_, _, rels) in enumerate(plans) if not edited.keys().isdisjoint(rels)}
    wanted = {rel for i in redone | joining.keys() for rel in plans[i][2]} - edited.keys()
    paths = {}
    for text in listing.paths:
        if listing.names[text] in wanted:
            paths[listing.names[text]] = Path(text)
    from_cache = store.entries(paths)
    if len(from_cache) != len(wanted):
        return None
    entries = {rel: c.entry for rel, c in from_cache.items()} | edited | added
    digests.update((c.entry.path, entry_digest(c.digest, c.entry)) for c in from_cache.values())
    for i, rels in joining.items():
        folder, title, had = plans[i]
        newest = sorted(
            had + rels, key=lambda r: (-entries[r].date.timestamp(), str(entries[r].path))
        )
        newest = newest[: site.limit] if site.limit else newest
        if newest != had:
            plans[i] = (folder, title, newest)
            redone.add(i)

    # The manifest: a new entry's id and link must be unlike every other's, and it changes
    # with index.html, which previews the main feed.
    manifest: dict[str, Any] = {}
    if added or 0 in redone:
        manifest = read_manifest(site)
        records = manifest.get("entries")
        if not isinstance(records, dict) or records.keys() != rows.keys():
            return None
        if 0 in redone and not is_ours(site.output / INDEX_NAME, manifest.get("index_html")):
            return None
        try:
            ids = {record["id"] for record in records.values()}
            links = {record["link"] for record in records.values()}
        except (KeyError, TypeError):
            return None
        for entry in added.values():
            if entry.id in ids or entry.link in links:
                return None  # the full path says which entries share it
            ids.add(entry.id)
            links.add(entry.link)
    lap("scan")

    # The entries are stored now; what may still fail (the feed checks, the writing) leaves
    # no build record behind (store_entries forgets it), so the next build is a full one.
    store.store_entries(fresh_rows)
    for rel, size, mtime_ns in touched:
        store.restat(rel, size, mtime_ns)
    again = [
        (plans[i][2], FeedPlan(plans[i][0], plans[i][1], [entries[rel] for rel in plans[i][2]]))
        for i in sorted(redone)
    ]
    outputs: dict[str, Content | None] = dict.fromkeys(last["outputs"])
    fresh: dict[str, list[BuildWarning]] = {}
    if again:  # (rendering and feedgen are not even loaded for an entry in no feed)
        render_into(site, carried([plan for _, plan in again]), digests, store, jobs=1)
        outputs.update(feed_outputs(site, (), [plan for _, plan in again], digests, store))
        from ._verify import check_written  # what check says of the feeds, before writing

        # The last build checked every entry its feeds carried: only what changed is new.
        verified = {e.path for rel, e in entries.items() if rel not in edited and rel not in added}
        rel_of = {e.path: rel for rel, e in entries.items()}
        fresh = check_written(
            site, [plan for _, plan in again], outputs, digests, store, rel_of, verified
        )
    checked, checked_record = checked_warnings(
        [name for folder, _, _ in plans for name in FeedPlan(folder, "", []).names],
        list(dict.fromkeys(rel for _, _, rels in plans for rel in rels)),
        fresh,
        last.get("checked"),
    )
    lap("render")
    if 0 in redone:
        # index.html previews the main feed (feeds.opml and feed.xsl stay as they are).
        from ..feeds.discovery import feed_links, index_html

        preview = rendered_items(site, again[0][1].entries[:PREVIEW_MAX], digests, store)
        announced = feed_links(site, [(folder, title) for folder, title, _ in plans])
        page = outputs[INDEX_NAME] = index_html(site, announced, preview())
        manifest["index_html"] = digest(page)
    if added or 0 in redone:
        records = {rel: {"id": e.id, "link": e.link} for rel, e in added.items()}
        manifest["entries"] = dict(sorted({**manifest["entries"], **records}.items()))
        outputs[MANIFEST_NAME] = manifest_bytes(manifest)
    else:
        outputs[MANIFEST_NAME] = None
    written, unchanged = write_site(
        site, outputs, last, sharing=sharing([plan for _, plan in again], store, None)
    )
    lap("write")

    noted = new_warnings.keys() | old_warnings.keys()
    warnings = [
        w
        for text in listing.paths
        if text in noted
        for w in (new_warnings[text] if text in new_warnings else old_warnings[text])
    ]
    found = list(warnings)
    warnings += checked
    if store.problem:  # the cache failed on the way: what the full path says then
        warnings.append(BuildWarning("FP210", store.problem))
    for rels, plan in again:
        carried_entries = [
            (rel, digests[e.path]) for rel, e in zip(rels, plan.entries, strict=True)
        ]
        feeds.update(feed_keys(site, plan, carried_entries))
    upcoming = upcoming_moments(added.values(), drafts=drafts, future=future, now=now)
    if last.get("horizon"):
        upcoming.append(datetime.fromisoformat(last["horizon"]))
    note_unannounced(site, written, [FeedPlan(folder, title, []) for folder, title, _ in plans])
    store.save_build(
        {
            **last,
            "key": key,
            "horizon": min(upcoming).isoformat() if upcoming else None,
            "outputs": {name: list(file_stat(site.output / name)) for name in sorted(outputs)},
            "media": sorted(media),
            "feeds": feeds,
            "plans": [list(plan) for plan in plans],
            "scanned": scanned + len(added),
            "published": count,
            "warnings": [w.record() for w in found],
            "checked": checked_record,
        }
    )
    return BuildResult(
        scanned=scanned + len(added),
        published=count,
        written=tuple(p for p in written if p.name != MANIFEST_NAME),
        unchanged=tuple(p for p in unchanged if p.name != MANIFEST_NAME),
        warnings=tuple(warnings),
        cache_hits=kept - len(edited),
    )


def _recorded_warnings(
    recorded: list[list[Any]], known: set[str]
) -> dict[str, list[BuildWarning]] | None:
    """The last build's warnings about each entry file, by path; ``None`` when some warning
    is about no file the listing has (so they could not be put back in order)."""
    by_path: dict[str, list[BuildWarning]] = {}
    for code, message, path, line in recorded:
        if path not in known:
            return None
        by_path.setdefault(path, []).append(BuildWarning(code, message, Path(path), line))
    return by_path
