"""Reading every entry of a site (the *scan* stage): listing the files, taking unchanged
ones from the cache, parsing the others (in worker processes for large sites), and checking
that no two entries share an id or a link.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import orjson

from .. import dialects
from ..cache import Cache, EntryRow, cache_record, content_hash, digest
from ..errors import (
    BuildErrors,
    BuildWarning,
    ConfigError,
    EntryError,
    FeedpubError,
    NotAnEntry,
    display_path,
)
from ..files import read_file, read_file_stat, relative_names
from ..media import unchanged as media_unchanged
from ..model import Entry, Progress, Scan, Site, no_progress
from ..workers import Workers

#: Below this many files to parse (or entries to render), one process is faster than several.
PARALLEL_MIN = 200


def scan(site: Site) -> Scan:
    """Read every entry file; raises :class:`BuildErrors` with every problem in every file."""
    with Cache.open(site, enabled=False) as cache:
        scanned = scan_all(site, cache)
    if scanned.problems:
        raise BuildErrors(scanned.problems, scanned.warnings)
    return scanned


@dataclass(frozen=True)
class Listing:
    """The entry files of a site, as found on disk."""

    #: Entry files, in a stable order (strings, see :func:`entry_files`).
    paths: list[str]
    #: Links that lead outside the entries folder.
    problems: list[FeedpubError]
    #: Each file's name relative to the entries folder.
    names: dict[str, str]
    #: Each file's size and modification time (ns).
    stats: dict[str, tuple[int, int]]
    #: Whether ``stats`` are yet to be filled in by the scan, as it reads every file (a cold
    #: build: see :func:`list_entries`).
    unstated: bool = False

    def fingerprint(self) -> str:
        """Changes whenever a file is added, removed, or written to."""
        data = [(self.names[p], *self.stats[p]) for p in self.paths if p in self.stats]
        parts = [data, [str(e) for e in self.problems]]
        try:
            encoded = orjson.dumps(parts)  # (10,000 files: json took 10 ms of every build)
        except TypeError:  # (a value orjson refuses: a text that is no valid UTF-8)
            encoded = json.dumps(parts).encode()
        return digest(encoded)


def check_entries_folder(site: Site) -> None:
    """Raise :class:`ConfigError` (FP005) when the entries folder is missing."""
    if not site.entries.is_dir():
        problem = "is a file, not a folder" if site.entries.exists() else "does not exist"
        raise ConfigError(
            f"the entries folder {problem}; create it, or set 'entries' in the configuration",
            site.entries,
            code="FP005",
        )


def list_entries(
    site: Site, found: Callable[[int], None] | None = None, *, stat: bool = True
) -> Listing:
    """Find the entry files and their sizes and modification times (no file is read);
    ``found`` is told how many files there are once they are found, before their sizes
    and times are asked for. Without ``stat`` they are not asked for here: :func:`scan_all`
    reads every file of such a listing (none is taken from the cache) and fills in the size
    and time each had when it was read (a cold build: 10,000 stat calls fewer).

    Raises :class:`ConfigError` when there is no entries folder or no entry in it.
    """
    folder = site.entries
    check_entries_folder(site)
    paths, link_problems = dialects.of(site).entry_files(site)
    if found is not None:
        found(len(paths))
    if not paths and not link_problems:
        patterns = ", ".join(f"*{s}" for s in site.extensions)
        raise ConfigError(
            f"no entries found ({patterns}); write one, e.g. "
            f"{Path(folder.name) / 'hello.md'} with 'title:' and 'date:' front matter",
            folder,
            code="FP005",
        )
    problems: list[FeedpubError] = list(link_problems)
    stats: dict[str, tuple[int, int]] = {}
    names = relative_names(folder, paths)
    if not stat:
        return Listing(paths=paths, problems=problems, names=names, stats=stats, unstated=True)
    for path in paths:
        try:
            found_stat = os.stat(path)
        except OSError as e:
            problems.append(EntryError(f"cannot read the file ({e.strerror})", Path(path)))
            continue
        stats[path] = (found_stat.st_size, found_stat.st_mtime_ns)
    return Listing(paths=paths, problems=problems, names=names, stats=stats)


def scan_all(
    site: Site,
    cache: Cache,
    jobs: int | None = None,
    listing: Listing | None = None,
    progress: Progress = no_progress,
    workers: Workers | None = None,
) -> Scan:
    """Read every entry file, taking unchanged ones from ``cache``; parse the others in
    ``jobs`` processes (default: one per core; or in ``workers``) when there are many.
    Collects every problem.

    Raises :class:`ConfigError` when there is no entries folder or no entry in it.
    """
    listing = listing or list_entries(site)
    found = _Found()
    stale = _take_cached(site, cache, listing, found)
    shared = _Shared()
    problems: list[FeedpubError] = list(listing.problems)
    advance = progress("Reading", len(stale))
    rows: list[EntryRow] = []
    with Workers(jobs, preload=("feedpub.scan._entry",)) as own:
        results = (workers or own).map(_parse_named, site, stale, PARALLEL_MIN)
        for text, parsed in zip(stale, results, strict=True):  # results come in order
            advance(1)
            if listing.unstated and parsed.file_digest:  # (read, or it has no digest)
                listing.stats[text] = (parsed.size, parsed.mtime_ns)
            if parsed.warnings:
                found.warnings[text] = tuple(parsed.warnings)
            entry = parsed.entry
            if entry is None:
                problems.extend(parsed.errors)
                continue
            found.entries[text] = shared.values_of(entry)
            found.digests[text] = entry_digest(parsed.file_digest, entry)
            rows.append(
                EntryRow(
                    listing.names[text],
                    parsed.size,
                    parsed.mtime_ns,
                    parsed.file_digest,
                    parsed.record,
                )
            )
            if len(rows) >= 1000:  # in batches: one statement per entry costs more
                cache.store_entries(rows)
                rows = []
    cache.store_entries(rows)
    cache.forget_others(set(listing.names.values()))
    if listing.paths and not found.entries and not problems:
        # Every file is a page, not a post (FP221, Jekyll's and Hugo's rules): no feed could
        # be dated (a feed's date is its newest entry's, never the clock's).
        count = len(listing.paths)
        which = "the one entry file is no" if count == 1 else f"none of the {count} files is a"
        problems.append(
            ConfigError(
                f"no posts: {which} post the feeds can carry (see the files' warnings: "
                "FP221 says why a file is a page, not a post); make one a post to publish it",
                site.entries,
                code="FP005",
            )
        )
    return _scan_of(listing, found, problems)


@dataclass
class _Found:
    """What a scan found so far, keyed by the listing's path strings: the entries hold the
    only Path objects (a site of 100,000 entries would otherwise keep a second one for each,
    40 MB)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    #: :func:`entry_digest` of each entry.
    digests: dict[str, str] = field(default_factory=dict)
    #: The warnings of each file (of entries, and of files that are none).
    warnings: dict[str, tuple[BuildWarning, ...]] = field(default_factory=dict)


class _Shared:
    """One object for equal values that many entries hold (the same keys on the same front
    matter lines, authors, categories, tags): each entry comes back from a worker process with
    copies of its own, ~1.2 KB an entry that a site of 100,000 would keep 120 MB of."""

    def __init__(self) -> None:
        self._values: dict[object, object] = {}

    def values_of(self, entry: Entry) -> Entry:
        """``entry``, its shared fields made the objects seen first (it is new: nothing else
        holds it yet, so setting its frozen fields changes nothing anyone has seen)."""
        values = self._values
        for name in _SHARED_FIELDS:
            value = getattr(entry, name)
            if not value:
                continue
            same = values.get(value)  # (most entries: a value seen before, shared as it is)
            if same is None:
                if name == "key_lines":
                    value = tuple([values.setdefault(pair, pair) for pair in value])
                same = values.setdefault(value, value)
            if same is not getattr(entry, name):
                object.__setattr__(entry, name, same)
        if entry.id is not entry.link and entry.id == entry.link:
            object.__setattr__(entry, "id", entry.link)
        return entry


#: The fields of :class:`Entry` that :class:`_Shared` shares.
_SHARED_FIELDS = ("key_lines", "authors", "categories", "tags", "terms")


def _take_cached(site: Site, cache: Cache, listing: Listing, found: _Found) -> list[str]:
    """Take the entries of unchanged files from ``cache`` into ``found``; return the files
    to parse (new, edited, or an image or enclosure file of theirs changed)."""
    entries, digests, warnings = found.entries, found.digests, found.warnings
    if listing.unstated:  # every file is read
        return list(listing.paths)
    stale: list[str] = []
    for text in listing.paths:
        if text not in listing.stats:
            continue
        rel = listing.names[text]
        if not cache.has(rel):  # (a cold build makes no Path here: its workers make them)
            stale.append(text)
            continue
        size, mtime_ns = listing.stats[text]
        path = Path(text)
        cached = cache.entry(path, rel, size, mtime_ns, None)
        if cached is None:  # touched? compare the content hash
            try:
                cached = cache.entry(path, rel, size, mtime_ns, content_hash(read_file(path, site)))
            except FeedpubError:
                cached = None
        if cached is None or not media_unchanged(cached.entry.media_files):
            stale.append(text)  # new, edited, or an image or enclosure file changed
            continue
        entries[text], warnings[text] = cached.entry, cached.warnings
        digests[text] = entry_digest(cached.digest, cached.entry)
    return stale


def _scan_of(listing: Listing, found: _Found, problems: list[FeedpubError]) -> Scan:
    """The :class:`Scan` of what was found, in the listing's order, with ``problems`` and
    those of entries that share an id or a link."""
    entries: list[Entry] = []
    names: dict[Path, str] = {}
    entry_digests: dict[Path, str] = {}
    for text in listing.paths:
        entry = found.entries.get(text)
        if entry is not None:
            entries.append(entry)
            names[entry.path], entry_digests[entry.path] = listing.names[text], found.digests[text]
    return Scan(
        entries=tuple(entries),
        warnings=tuple(w for text in listing.paths for w in found.warnings.get(text, ())),
        problems=(*problems, *_duplicates(entries)),
        digests=entry_digests,
        names=names,
    )


def entry_digest(file_digest: str, entry: Entry) -> str:
    """What an entry's feed items depend on: its file, and the size and time of the local
    files its image and enclosures name."""
    if not entry.media_files:
        return file_digest
    return digest(json.dumps([file_digest, entry.media_files]).encode())


class Parsed(NamedTuple):
    """One entry file read and parsed by :func:`parse_files`. A NamedTuple: worker processes
    send these back pickled, and it pickles as a tuple plus a reference to this class
    (measured at 3,000 entries: 0.3 % more bytes than a plain tuple, a frozen dataclass 2 %)."""

    path: Path
    #: The file's size and modification time (ns) when it was read (0 when it could not be).
    size: int
    mtime_ns: int
    #: :func:`~feedpub.cache.content_hash` of its bytes ("" when it could not be read).
    file_digest: str
    #: The entry, or ``None`` when it has problems (``errors``) or is not an entry.
    entry: Entry | None
    warnings: list[BuildWarning]
    errors: list[FeedpubError]
    #: The entry as the cache stores it (:func:`~feedpub.cache.cache_record`), or "".
    record: str


def parse_files(site: Site, paths: list[Path]) -> list[Parsed]:
    """Read and parse entry files (runs in worker processes for large sites)."""
    from ._entry import parse_entry  # (front matter readers: only when entries are read)

    results: list[Parsed] = []
    for path in paths:
        entry: Entry | None = None
        warnings: list[BuildWarning] = []
        errors: list[FeedpubError] = []
        size = mtime_ns = 0
        file_digest = record = ""
        try:
            data, size, mtime_ns = read_file_stat(path, site)
            file_digest = content_hash(data)
            entry, warnings = parse_entry(path, data, site)
            record = cache_record(entry, warnings)  # here, so workers share the work
        except BuildErrors as e:
            warnings, errors = list(e.warnings), list(e.errors)
        except NotAnEntry as e:  # a page its dialect does not publish: left out
            warnings = e.warnings
        except FeedpubError as e:
            errors = [e]
        except OSError as e:
            errors = [EntryError(f"cannot read the file ({e.strerror})", path)]
        results.append(Parsed(path, size, mtime_ns, file_digest, entry, warnings, errors, record))
    return results


def _parse_named(site: Site, texts: list[str]) -> list[Parsed]:
    """:func:`parse_files` of the files named by ``texts`` (for worker processes).

    Paths are made as folder / name, so that those of one folder share its parts: the
    results go back pickled, and pickle sends a shared part once (at 100,000 entries the
    copies of "entries" and the folders above it took 16 MB)."""
    folders: dict[str, Path] = {}
    paths = []
    for text in texts:
        folder, name = os.path.split(text)
        parent = folders.get(folder)
        if parent is None:
            parent = folders[folder] = Path(folder)
        paths.append(parent / name)
    return parse_files(site, paths)


def _duplicates(entries: list[Entry]) -> list[FeedpubError]:
    """Two entries with one id (or one link) would be one story to every feed reader."""
    problems: list[FeedpubError] = []
    reported: set[Path] = set()
    for key in ("id", "link"):
        seen: dict[str, Entry] = {}
        for entry in entries:
            value = getattr(entry, key)
            first = seen.setdefault(value, entry)
            if first is not entry and entry.path not in reported:
                reported.add(entry.path)  # one message per entry: a same id is often a same link
                problems.append(
                    EntryError(
                        f"has the same {key} as {display_path(first.path)} ({value}); "
                        "give one of them another slug, permalink or id",
                        entry.path,
                        entry.line_of("id", "slug", "permalink", "link", "date"),
                        code="FP108" if key == "id" else "FP109",
                    )
                )
    return problems


__all__ = [
    "PARALLEL_MIN",
    "Listing",
    "Parsed",
    "check_entries_folder",
    "entry_digest",
    "list_entries",
    "parse_files",
    "scan",
    "scan_all",
]
