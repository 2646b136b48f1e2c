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

What to do is decided, without reading or writing anything, in feedpub/pipeline/_decide.py;
this module reads what that needs (the changed files, the entries of the feeds concerned, the
manifest) and then does what it decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, cast, overload

from ..cache import Cache, EntryRow, content_hash, digest
from ..errors import BuildWarning, FeedpubError
from ..files import read_file
from ..model import INDEX_NAME, MANIFEST_NAME, PREVIEW_MAX, BuildResult, Entry, FeedPlan, Site
from ..plan import carried, feed_files, feed_plan, upcoming_moments
from ..scan import Listing, entry_digest, parse_files
from ._decide import Changes, Decision, decide, new_ids_unique, place, recorded_warnings
from ._output import Content
from ._record import (
    BuildRecord,
    RawManifest,
    RecordedFeed,
    checked_warnings,
    come_due,
    feed_keys,
    file_stat,
    flat,
    is_ours,
    manifest_bytes,
    media_untouched,
    note_unannounced,
    outputs_untouched,
    raw_ids_unique,
    raw_manifest,
    raw_manifest_bytes,
    raw_with_entries,
    read_manifest,
    save_record,
    write_site,
)
from ._render import (
    FeedFacts,
    entry_links,
    feed_outputs,
    render_into,
    rendered_items,
    save_spans,
    sharing,
)

#: More changed files than this and the full path is taken: it reads them in parallel.
DELTA_MAX = 16


class _Found(NamedTuple):
    """Which entry files changed since the last build (see :func:`_changed_files`)."""

    #: Size, time and content hash of every entry the cache holds (the last build's), by name.
    rows: Mapping[str, tuple[int, int, str]]
    #: The files changed or new (the listing's path strings).
    changed: list[str]
    #: Files touched but not changed: their new size and time, by name.
    touched: list[tuple[str, int, int]]
    #: Files the cache holds that are still there.
    kept: int


class _Read(NamedTuple):
    """The changed files, read (see :func:`_read_changes`)."""

    changes: Changes
    #: What the reading said of each changed file, by the listing's path string.
    warnings: dict[str, list[BuildWarning]]
    #: What each changed entry's feed items depend on, by path.
    digests: dict[Path, str]
    #: The changed entries as the cache will store them.
    rows: list[EntryRow]


class _Work(NamedTuple):
    """Everything a delta build writes from, once it is decided and read."""

    last: BuildRecord
    found: _Found
    read: _Read
    decision: Decision
    #: Every feed after this build, and those of them written again (indexes).
    plans: tuple[RecordedFeed, ...]
    redone: frozenset[int]
    #: The entries of the feeds written again or joined, by file name; their digests by path.
    entries: Mapping[str, Entry]
    digests: dict[Path, str]
    #: The manifest as read (changed and written again; its entries left as text where it
    #: can be), or ``None`` when it stays as it is.
    manifest: dict[str, Any] | RawManifest | None
    #: The last build's warnings about each entry file, by the listing's path string.
    old_warnings: dict[str, list[BuildWarning]]
    #: What is known of each feed written again without reading its entries (by folder),
    #: when ``entries`` reads them only as they are asked for (see :class:`_Entries`).
    facts: dict[str, FeedFacts] | None = None
    #: Each entry's digest, by file name (with ``facts``).
    digest_of: Mapping[str, str] | None = None


class _CacheMiss(Exception):
    """An entry the cache was to hold could not be read from it: the full path reads it."""


class _Entries(Mapping[str, Entry]):
    """Entries by file name: those read now, and the others read from the cache only when
    asked for (a feed of every entry, spliced, needs a few of them, not all)."""

    def __init__(self, store: Cache, paths: Mapping[str, str], known: Mapping[str, Entry]):
        self._store = store
        self._paths = paths  # (the listing's strings: a Path only for those read)
        self.loaded = dict(known)
        #: Each entry's digest by name, and by path those of the entries read (filled in as
        #: they are read: what rendering and making their items look them up by).
        self.digest_of: Mapping[str, str] = {}
        self.digests: dict[Path, str] = {}

    def know_digests(self, digest_of: Mapping[str, str], digests: dict[Path, str]) -> None:
        self.digest_of, self.digests = digest_of, digests
        for rel, entry in self.loaded.items():
            if rel in digest_of:
                digests.setdefault(entry.path, digest_of[rel])

    def load(self, rels: Sequence[str]) -> list[Entry]:
        missing = [rel for rel in dict.fromkeys(rels) if rel not in self.loaded]
        for start in range(0, len(missing), 500):
            part = {rel: Path(self._paths[rel]) for rel in missing[start : start + 500]}
            found = self._store.entries(part)
            if len(found) != len(part):
                raise _CacheMiss(sorted(part.keys() - found.keys())[0])
            self.loaded.update((rel, cached.entry) for rel, cached in found.items())
            for rel, cached in found.items():
                if rel in self.digest_of:
                    self.digests[cached.entry.path] = self.digest_of[rel]
        return [self.loaded[rel] for rel in rels]

    def __getitem__(self, rel: str) -> Entry:
        if rel not in self.loaded and rel not in self._paths:
            raise KeyError(rel)
        return self.load([rel])[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths.keys() | self.loaded.keys())

    def __len__(self) -> int:
        return len(self._paths.keys() | self.loaded.keys())


class _Feed(Sequence[Entry]):
    """A feed's entries, newest first, read only as they are asked for."""

    def __init__(self, rels: Sequence[str], entries: _Entries) -> None:
        self._rels = rels
        self._entries = entries

    def __len__(self) -> int:
        return len(self._rels)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return self._entries.load(self._rels[index])
        return self._entries.load([self._rels[index]])[0]

    def __iter__(self) -> Iterator[Entry]:
        for start in range(0, len(self._rels), 500):
            yield from self._entries.load(self._rels[start : start + 500])


def delta_build(
    site: Site,
    store: Cache,
    listing: Listing,
    last: BuildRecord,
    key: str,
    now: datetime,
    drafts: bool,
    future: bool,
    lap: Callable[[str], None],
) -> BuildResult | None:
    """Build from the ``last`` build's record (made with the same settings and flags) when
    only a few entries were edited or added since; ``None`` when the full path must run.
    ``key`` is what this build's record is known by (see :func:`feedpub.pipeline.build`)."""
    old_warnings = recorded_warnings(last.warnings, set(listing.paths))
    if old_warnings is None or not _worth_trying(site, store, listing, last, now):
        return None
    found = _changed_files(site, store, listing)
    if found is None:
        return None
    read = _read_changes(site, store, listing, found)
    if read is None:
        return None
    decision = decide(last, site, read.changes, drafts=drafts, future=future, now=now)
    if decision is None:
        return None
    work = _with_entries(site, store, listing, last, found, read, decision, old_warnings)
    del found  # (every entry row: what it held is in ``work`` now, and the rest not needed)
    if work is None:
        return None
    lap("scan")
    try:
        return _apply(site, store, listing, work, key, now, drafts, future, lap)
    except _CacheMiss:
        return None  # (nothing was written: the full path reads every entry)


def _worth_trying(
    site: Site, store: Cache, listing: Listing, last: BuildRecord, now: datetime
) -> bool:
    """Whether the ``last`` build's record can be built on at all."""
    return not (
        not last.plans
        or not last.plans[0].entries  # an empty main feed takes its date from every entry
        or site.archive  # archive documents: the full path places every entry
        or listing.problems
        or store.problem
        or INDEX_NAME not in last.outputs  # ours to write, and written last time
        or come_due(last, now)
        or not outputs_untouched(site, last)
        or not media_untouched(last)  # an image or enclosure file changed
    )


def _changed_files(site: Site, store: Cache, listing: Listing) -> _Found | None:
    """Which files changed since the last build. Its record is dropped whenever the cached
    entries change, so the cache holds the entries that build read, no other. ``None`` when
    a file was removed or more than :data:`DELTA_MAX` changed."""
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
    return _Found(rows, changed, touched, kept)


def _read_changes(site: Site, store: Cache, listing: Listing, found: _Found) -> _Read | None:
    """Read the changed files, and the cached entries of those edited; ``None`` when one
    has errors or is no entry any more (the full path reports every problem, and removes
    what is gone)."""
    texts = {str(Path(text)): text for text in found.changed}
    warnings: dict[str, list[BuildWarning]] = {}
    edited: dict[str, Entry] = {}
    before: dict[str, Entry | None] = {}
    added: dict[str, Entry] = {}
    digests: dict[Path, str] = {}
    rows = []
    for parsed in parse_files(site, [Path(text) for text in found.changed]):
        text = texts[str(parsed.path)]
        rel = listing.names[text]
        if parsed.errors or (parsed.entry is None and rel in found.rows):
            return None
        warnings[text] = parsed.warnings
        if parsed.entry is None:
            continue  # a page its dialect does not publish, as last time
        if rel in found.rows:
            cached = store.entries({rel: parsed.path}).get(rel)
            before[rel] = cached.entry if cached else None
            edited[rel] = parsed.entry
        else:
            added[rel] = parsed.entry
        digests[parsed.path] = entry_digest(parsed.file_digest, parsed.entry)
        rows.append(EntryRow(rel, parsed.size, parsed.mtime_ns, parsed.file_digest, parsed.record))
    return _Read(Changes(edited, before, added), warnings, digests, rows)


def _with_entries(
    site: Site,
    store: Cache,
    listing: Listing,
    last: BuildRecord,
    found: _Found,
    read: _Read,
    decision: Decision,
    old_warnings: dict[str, list[BuildWarning]],
) -> _Work | None:
    """Read the entries of the feeds written again or joined from the cache, place the new
    ones, and read the manifest if it changes; ``None`` when one of them cannot be had."""
    changes = read.changes
    wanted = decision.wanted(last.plans, changes.edited)
    names = listing.names
    paths = {names[text]: text for text in listing.paths if names[text] in wanted}
    if len(paths) != len(wanted):
        return None
    known = {**changes.edited, **changes.added}
    lazy = _Entries(store, paths, known)
    try:
        plans, redone = place(last.plans, decision, lazy, site.limit, site.main_limit)
        facts = _facts(site, store, last, found, read, plans, redone)
    except _CacheMiss:
        return None
    digest_of: dict[str, str] | None = None
    if facts is not None:
        entries: Mapping[str, Entry] = lazy
        digests, digest_of = dict(read.digests), facts[1]
        lazy.know_digests(digest_of, digests)
    else:  # every entry of those feeds read from the cache
        from_cache = store.entries({rel: Path(text) for rel, text in paths.items()})
        if len(from_cache) != len(wanted):
            return None
        entries = {rel: c.entry for rel, c in from_cache.items()} | known
        digests = dict(read.digests)
        digests.update((c.entry.path, entry_digest(c.digest, c.entry)) for c in from_cache.values())
    manifest = None
    if changes.added or 0 in redone:
        manifest = _manifest_to_change(site, found, changes.added, 0 in redone)
        if manifest is None:
            return None
    return _Work(
        last,
        found._replace(rows={}),  # (a row for every entry: no longer needed)
        read,
        decision,
        plans,
        redone,
        entries,
        digests,
        manifest,
        old_warnings,
        facts[0] if facts else None,
        digest_of,
    )


def _facts(
    site: Site,
    store: Cache,
    last: BuildRecord,
    found: _Found,
    read: _Read,
    plans: tuple[RecordedFeed, ...],
    redone: frozenset[int],
) -> tuple[dict[str, FeedFacts], dict[str, str]] | None:
    """What each feed written again needs of its entries, from the last build's record of
    one of its files (see :func:`feedpub.feeds.recorded_feed`), without reading the entries
    that did not change; with every entry's digest, by name. ``None`` when a
    record cannot tell (none, or not of these entries), or a new entry makes a feed's date
    ambiguous or pushes an older entry out: then every entry is read."""
    from ..feeds import item_key, key_hashes, recorded_feed

    changes = read.changes
    changed = {**changes.edited, **changes.added}
    # What an unchanged entry's items depend on: its file's content hash, when no entry
    # names a local image or enclosure (see feedpub.scan.entry_digest); else what it was
    # rendered from, by the last build.
    rendered = (
        {rel: row[2] for rel, row in found.rows.items()}
        if not last.media
        else store.rendered_digests()
    )
    digest_of: dict[str, str] = {}
    for rel, entry in changed.items():
        digest_of[rel] = read.digests[entry.path]
    target = site.output.resolve()
    files = [f for i in redone for _, name in feed_files(site, plans[i].folder) for f in [name]]
    records = store.spans([str(target / name) for name in files])
    facts: dict[str, FeedFacts] = {}
    for i in redone:
        before, after = last.plans[i], plans[i]
        for rel in (*before.entries, *after.entries):
            if rel not in digest_of:
                if rel not in rendered:
                    return None
                digest_of[rel] = rendered[rel]
        keys = tuple(item_key(rel, digest_of[rel]) for rel in after.entries)
        old_keys = [
            None if rel in changed else item_key(rel, digest_of[rel]) for rel in before.entries
        ]
        # The keys' hashes, made once here for the files of every format (in the processes
        # that write them); those of the earlier items are the same but the changed ones'.
        hashes = key_hashes(keys)
        if before.entries == after.entries:  # (an edit: no dictionary of every entry)
            pairs = zip(before.entries, _split(hashes), strict=True)
            old_hashes = [b"" if rel in changed else found for rel, found in pairs]
        else:
            hashed = dict(zip(after.entries, _split(hashes), strict=True))
            old_hashes = [b"" if rel in changed else hashed.get(rel, b"") for rel in before.entries]
            del hashed
        known = None
        for _, name in feed_files(site, before.folder):
            record = records.get(str(target / name))
            known = recorded_feed(record[1], old_keys, old_hashes) if record else None
            if known is not None:
                break
        if known is None:
            return None
        updated, images = known
        image = dict(zip(before.entries, images, strict=True))
        for rel, entry in changed.items():
            image[rel] = entry.image is not None
        date = datetime.fromisoformat(updated)
        joined = [changes.added[rel] for rel in after.entries if rel in changes.added]
        if len(after.entries) != len(before.entries) + len(joined):
            return None  # an older entry went out (the feed's limit): its date may count
        for entry in joined:
            if entry.modified >= date:
                if entry.modified == date:
                    return None  # which of the two the feed's date is written as: the full way
                date = entry.modified
        facts[after.folder] = FeedFacts(
            date, any(image[rel] for rel in after.entries), keys, hashes
        )
    return facts, digest_of


def _split(hashes: bytes) -> list[bytes]:
    """The key hashes one after the other in ``hashes`` (16 bytes each), one by one."""
    return [hashes[i : i + 16] for i in range(0, len(hashes), 16)]


def _manifest_to_change(
    site: Site, found: _Found, added: Mapping[str, Entry], index: bool
) -> dict[str, Any] | RawManifest | None:
    """The manifest, which changes with a new entry (its id and link must be unlike every
    other's) and with index.html (``index``: written again, as it previews the main feed);
    ``None`` when it is not the last build's, or index.html is not ours. Its entries are
    left as text (with the new ones' records in their places) when it is as this version
    writes it: the build's record vouches that it is the last build's, as that left it."""
    raw = raw_manifest(site)
    if raw is not None and raw.held == len(found.rows):
        if index and not is_ours(site.output / INDEX_NAME, raw.rest.get("index_html")):
            return None
        new = {rel: (e.id, e.link) for rel, e in added.items()}
        if not raw_ids_unique(raw, new):
            return None
        if not new:
            return raw
        spliced = raw_with_entries(raw, sorted(found.rows), new)
        if spliced is not None:
            return spliced
    manifest = read_manifest(site)
    records = manifest.get("entries")
    if not isinstance(records, dict) or records.keys() != found.rows.keys():
        return None
    if index and not is_ours(site.output / INDEX_NAME, manifest.get("index_html")):
        return None
    return manifest if new_ids_unique(records, added) else None


def _apply(
    site: Site,
    store: Cache,
    listing: Listing,
    work: _Work,
    key: str,
    now: datetime,
    drafts: bool,
    future: bool,
    lap: Callable[[str], None],
) -> BuildResult:
    """Store the changed entries, write the feeds again that need it (and index.html and the
    manifest), and record the build."""
    # The entries are stored now; what may still fail (the feed checks, the writing) leaves
    # no build record behind (store_entries forgets it), so the next build is a full one.
    store.store_entries(work.read.rows)
    for rel, size, mtime_ns in work.found.touched:
        store.restat(rel, size, mtime_ns)
    again = [(work.plans[i], _feed_plan(site, work.plans[i], work)) for i in sorted(work.redone)]
    outputs: dict[str, Content | None] = dict.fromkeys(work.last.outputs)
    checked = _feeds_again(site, store, work, [plan for _, plan in again], outputs)
    lap("render")
    _index_and_manifest(site, store, work, [plan for _, plan in again], outputs)
    made: dict[str, Any] = {}
    written, unchanged = write_site(
        site,
        outputs,
        work.last,
        sharing=sharing([plan for _, plan in again], store, None),
        made=made,
    )
    save_spans(site, store, made, unchanged)
    lap("write")
    found = _entry_warnings(listing, work.read.warnings, work.old_warnings)
    warnings = found + flat(checked)
    if store.problem:  # the cache failed on the way: what the full path says then
        warnings.append(BuildWarning("FP210", store.problem))
    note_unannounced(site, written, [feed_plan(site, p.folder, p.title, []) for p in work.plans])
    added = work.read.changes.added
    upcoming = upcoming_moments(added.values(), drafts=drafts, future=future, now=now)
    if work.last.horizon:
        upcoming.append(work.last.horizon)
    record = replace(
        work.last,
        key=key,
        horizon=min(upcoming) if upcoming else None,
        outputs={name: file_stat(site.output / name) for name in sorted(outputs)},
        media=work.decision.media,
        feeds={**work.last.feeds, **_feed_keys(site, work, again)},
        plans=work.plans,
        scanned=work.last.scanned + len(added),
        published=work.decision.published,
        warnings=tuple(found),
        checked=checked,
    )
    save_record(store, record)
    return BuildResult(
        scanned=record.scanned,
        published=record.published,
        written=tuple(p for p in written if p.name != MANIFEST_NAME),
        unchanged=tuple(p for p in unchanged if p.name != MANIFEST_NAME),
        warnings=tuple(warnings),
        cache_hits=work.found.kept - len(work.read.changes.edited),
    )


def _feed_keys(
    site: Site, work: _Work, again: list[tuple[RecordedFeed, FeedPlan]]
) -> dict[str, str]:
    """The keys of the files of the feeds written ``again`` (see :func:`feed_keys`)."""
    keys: dict[str, str] = {}
    for recorded, plan in again:
        if work.digest_of is not None:
            digest_of = work.digest_of
            carried_entries = [(rel, digest_of[rel]) for rel in recorded.entries]
        else:
            carried_entries = [
                (rel, work.digests[e.path])
                for rel, e in zip(recorded.entries, plan.entries, strict=True)
            ]
        keys.update(feed_keys(site, plan, carried_entries))
    return keys


def _feed_plan(site: Site, recorded: RecordedFeed, work: _Work) -> FeedPlan:
    entries = work.entries
    if isinstance(entries, _Entries):  # read as they are asked for
        lazily = cast(list[Entry], _Feed(recorded.entries, entries))
        return feed_plan(site, recorded.folder, recorded.title, lazily)
    return feed_plan(
        site, recorded.folder, recorded.title, [entries[rel] for rel in recorded.entries]
    )


def _feeds_again(
    site: Site,
    store: Cache,
    work: _Work,
    again: list[FeedPlan],
    outputs: dict[str, Content | None],
) -> dict[str, tuple[BuildWarning, ...]]:
    """Render the entries of the feeds ``again`` and add those feeds to ``outputs``; what
    :func:`feedpub.pipeline._verify.check_written` says of them, and the last build's for
    the others (see :func:`checked_warnings`)."""
    fresh: dict[str, Sequence[BuildWarning]] = {}
    if again:  # (rendering and feedgen are not even loaded for an entry in no feed)
        changes = work.read.changes
        changed = {**changes.edited, **changes.added}
        loaded = work.entries.loaded if isinstance(work.entries, _Entries) else work.entries
        known = entry_links(site, lambda: _links(site, work.manifest, loaded))
        # (the others were rendered by the last build; one the cache lost is rendered when
        # its item is made)
        chosen = list(changed.values()) if work.facts is not None else carried(again)
        render_into(site, chosen, work.digests, store, jobs=1, links=known)
        outputs.update(feed_outputs(site, (), again, work.digests, store, work.facts))
        from ._verify import check_written  # what check says of the feeds, before writing

        # The last build checked every entry its feeds carried: only what changed is new.
        carried_now = {rel for plan in work.plans for rel in plan.entries}
        unverified = [e for rel, e in changed.items() if rel in carried_now]
        rel_of = {e.path: rel for rel, e in changed.items()}
        fresh = check_written(
            site, again, outputs, work.digests, store, rel_of, unverified=unverified
        )
    return checked_warnings(
        [name for p in work.plans for _, name in feed_files(site, p.folder)],
        list(dict.fromkeys(rel for p in work.plans for rel in p.entries)),
        fresh,
        work.last.checked,
    )


def _index_and_manifest(
    site: Site,
    store: Cache,
    work: _Work,
    again: list[FeedPlan],
    outputs: dict[str, Content | None],
) -> None:
    """Add index.html to ``outputs`` when it previews a main feed written again (feeds.opml
    and feed.xsl stay as they are), and the manifest when it changed."""
    manifest = work.manifest
    if 0 in work.redone and manifest is not None:
        from ..feeds.discovery import feed_links, index_html

        preview = rendered_items(site, again[0].entries[:PREVIEW_MAX], work.digests, store)
        announced = feed_links(site, [(feed_files(site, p.folder), p.title) for p in work.plans])
        page = outputs[INDEX_NAME] = index_html(site, announced, preview())
        if isinstance(manifest, RawManifest):
            manifest.rest["index_html"] = digest(page)
        else:
            manifest["index_html"] = digest(page)
    if isinstance(manifest, RawManifest):  # (the new entries' records are in it already)
        outputs[MANIFEST_NAME] = raw_manifest_bytes(manifest)
    elif manifest is not None:
        added = work.read.changes.added
        records = {rel: {"id": e.id, "link": e.link} for rel, e in added.items()}
        manifest["entries"] = dict(sorted({**manifest["entries"], **records}.items()))
        outputs[MANIFEST_NAME] = manifest_bytes(manifest)
        # Its bytes are made: a record for every entry need not stay in memory while the
        # feeds are written (in processes forked from this one, which would hold it too).
        manifest.clear()
    else:
        outputs[MANIFEST_NAME] = None


def _entry_warnings(
    listing: Listing,
    new: Mapping[str, list[BuildWarning]],
    old: Mapping[str, list[BuildWarning]],
) -> list[BuildWarning]:
    """The warnings about entry files, in the listing's order: what reading said of the
    changed ones, the last build's of the others."""
    noted = new.keys() | old.keys()
    if not noted:
        return []  # (no need to go through every file)
    return [
        w
        for text in listing.paths
        if text in noted
        for w in (new[text] if text in new else old[text])
    ]


def _links(
    site: Site, manifest: dict[str, Any] | RawManifest | None, entries: Mapping[str, Entry]
) -> dict[str, str]:
    """Each entry's link by its file name: the last build's (its manifest), and those of the
    entries read now."""
    if not isinstance(manifest, dict):
        manifest = read_manifest(site)
    records = manifest.get("entries")
    links = {}
    if isinstance(records, dict):
        links = {
            rel: record["link"]
            for rel, record in records.items()
            if isinstance(record, dict) and isinstance(record.get("link"), str)
        }
    return links | {rel: entry.link for rel, entry in entries.items()}
