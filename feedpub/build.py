"""The pipeline: scan → select → render → serialise → write."""

from __future__ import annotations

import gc
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from . import output, signals
from .cache import Cache, cache_record, content_hash, digest, save_unannounced, unannounced
from .config import Site, check_folders
from .entry import (
    Author,
    Entry,
    entry_files,
    parse_entry,
    read_file,
    read_file_stat,
    relative_name,
    relative_names,
)
from .errors import (
    BuildErrors,
    BuildWarning,
    ConfigError,
    EntryError,
    FeedpubError,
    NotAnEntry,
    OutputError,
    display_path,
)
from .lock import build_lock
from .media import unchanged as media_unchanged
from .output import Content, NotOurs, Sharing, write_outputs

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .render import Rendered

T = TypeVar("T")
R = TypeVar("R")

#: Output file names in the output folder; URLs are ``base_url`` + name.
RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"
JSON_NAME = "feed.json"
#: The discovery page and the reading list, at the top of the output folder.
INDEX_NAME = "index.html"
OPML_NAME = "feeds.opml"
#: The browser view's stylesheet (see feedpub/data/feed.xsl).
XSL_NAME = "feed.xsl"
#: Hidden file in the output folder remembering each entry's id and link from the last build.
MANIFEST_NAME = ".feedpub-manifest.json"
#: Folder of the RFC 5005 archive documents: archive/1/ holds the oldest entries.
ARCHIVE_FOLDER = "archive"
#: index.html previews at most this many of the main feed's newest entries.
PREVIEW_MAX = 50


#: Below this many files to parse (or entries to render), one process is faster than several.
PARALLEL_MIN = 200
#: The same for rendering when no workers were started for the scan: new ones would be forked
#: from a process that then holds every entry, which costs more than rendering a few hundred
#: saves.
RENDER_PARALLEL_MIN = 1000
#: ... and when the scan's workers are there: they render in parallel from this many on.
RENDER_WORKERS_MIN = 32

#: At most this many entries carried by several feeds have their feed items kept for the
#: next feed (see :class:`feedpub.feeds.ItemMemo`): a typical site has a few hundred.
MEMO_MAX = 1000

#: Reports progress: called with a stage's name and its number of steps, it returns a
#: function to call with the number of steps done since the last call.
Progress = Callable[[str, int], Callable[[int], None]]


def _no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda done: None


@dataclass(frozen=True)
class Scan:
    """Every entry of a site, read and checked."""

    #: Entries in file order.
    entries: tuple[Entry, ...]
    #: Things fixed or ignored while reading.
    warnings: tuple[BuildWarning, ...] = ()
    #: Problems found; a build stops on any.
    problems: tuple[FeedpubError, ...] = ()
    #: Content hash of each entry's file, by path.
    digests: Mapping[Path, str] = field(default_factory=dict)
    #: Each entry file's name relative to the entries folder, by path.
    names: Mapping[Path, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    #: Entry files read.
    scanned: int
    #: Entries published: every one but drafts, entries not yet due and expired ones (unless
    #: asked for); the main feed carries the newest ``limit`` of them.
    published: int
    #: Output files whose bytes changed.
    written: tuple[Path, ...]
    #: Output files already up to date (left untouched).
    unchanged: tuple[Path, ...]
    #: Things fixed or ignored, worth telling the user.
    warnings: tuple[BuildWarning, ...]
    #: Entries taken from the cache instead of being parsed again.
    cache_hits: int = 0
    #: Seconds spent in each stage, in order.
    timings: tuple[tuple[str, float], ...] = ()

    @property
    def outputs(self) -> tuple[Path, ...]:
        """Every output file of the build, written or not."""
        return tuple(sorted(self.written + self.unchanged))


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

    def fingerprint(self) -> str:
        """Changes whenever a file is added, removed, or written to."""
        data = [(self.names[p], *self.stats[p]) for p in self.paths if p in self.stats]
        return digest(json.dumps([data, [str(e) for e in self.problems]]).encode())


def check_entries_folder(site: Site) -> None:
    """Raise :class:`ConfigError` (FP005) when the entries folder is missing."""
    if not site.entries.is_dir():
        problem = "is a file, not a folder" if site.entries.exists() else "does not exist"
        raise ConfigError(
            f"the entries folder {problem}; create it, or set 'entries' in the configuration",
            site.entries,
            code="FP005",
        )


def list_entries(site: Site) -> Listing:
    """Find the entry files and their sizes and modification times (no file is read).

    Raises :class:`ConfigError` when there is no entries folder or no entry in it.
    """
    folder = site.entries
    check_entries_folder(site)
    if site.dialect == "feedpub":
        paths, link_problems = entry_files(folder, site.extensions)
    else:
        from .dialects import dialect_files

        paths, link_problems = dialect_files(folder, site, site.output.resolve())
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
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError as e:
            problems.append(EntryError(f"cannot read the file ({e.strerror})", Path(path)))
            continue
        stats[path] = (stat.st_size, stat.st_mtime_ns)
    names = relative_names(folder, paths)
    return Listing(paths=paths, problems=problems, names=names, stats=stats)


def scan_all(
    site: Site,
    cache: Cache,
    jobs: int | None = None,
    listing: Listing | None = None,
    progress: Progress = _no_progress,
    workers: Workers | None = None,
) -> Scan:
    """Read every entry file, taking unchanged ones from ``cache``; parse the others in
    ``jobs`` processes (default: one per core; or in ``workers``) when there are many.
    Collects every problem.

    Raises :class:`ConfigError` when there is no entries folder or no entry in it.
    """
    listing = listing or list_entries(site)
    # Keyed by the listing's path strings: the entries hold the only Path objects (a site of
    # 100,000 entries would otherwise keep a second one for each, 40 MB).
    found: dict[str, Entry] = {}
    digests: dict[str, str] = {}
    warnings: dict[str, tuple[BuildWarning, ...]] = {}
    problems: list[FeedpubError] = list(listing.problems)
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
        found[text], warnings[text] = cached.entry, cached.warnings
        digests[text] = _entry_digest(cached.digest, cached.entry)
    advance = progress("Reading", len(stale))
    rows: list[tuple[str, int, int, str, str]] = []
    with Workers(jobs) as own:
        results = (workers or own).map(_parse_named, site, stale, PARALLEL_MIN)
        for text, parsed in zip(stale, results, strict=True):  # results come in order
            _, size, mtime_ns, file_digest, entry, found_warnings, errors, record = parsed
            advance(1)
            if found_warnings:
                warnings[text] = tuple(found_warnings)
            if entry is None:
                problems.extend(errors)
                continue
            found[text], digests[text] = entry, _entry_digest(file_digest, entry)
            rows.append((listing.names[text], size, mtime_ns, file_digest, record))
            if len(rows) >= 1000:  # in batches: one statement per entry costs more
                cache.store_entries(rows)
                rows = []
    cache.store_entries(rows)
    cache.forget_others(set(listing.names.values()))
    entries: list[Entry] = []
    names: dict[Path, str] = {}
    entry_digests: dict[Path, str] = {}
    for text in listing.paths:
        entry = found.get(text)
        if entry is not None:
            entries.append(entry)
            names[entry.path], entry_digests[entry.path] = listing.names[text], digests[text]
    problems.extend(_duplicates(entries))
    return Scan(
        entries=tuple(entries),
        warnings=tuple(w for text in listing.paths for w in warnings.get(text, ())),
        problems=tuple(problems),
        digests=entry_digests,
        names=names,
    )


def _entry_digest(file_digest: str, entry: Entry) -> str:
    """What an entry's feed items depend on: its file, and the size and time of the local
    files its image and enclosures name."""
    if not entry.media_files:
        return file_digest
    return digest(json.dumps([file_digest, entry.media_files]).encode())


_Parsed = tuple[Path, int, int, str, Entry | None, list[BuildWarning], list[FeedpubError], str]


def _parse_files(site: Site, paths: list[Path]) -> list[_Parsed]:
    """Read and parse entry files (runs in worker processes for large sites)."""
    results: list[_Parsed] = []
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
        results.append((path, size, mtime_ns, file_digest, entry, warnings, errors, record))
    return results


def _parse_named(site: Site, texts: list[str]) -> list[_Parsed]:
    """:func:`_parse_files` of the files named by ``texts`` (for worker processes).

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
    return _parse_files(site, paths)


class Workers:
    """Worker processes for reading and rendering entries, kept for the stages of a build.

    They start on first use, which is before the build holds its entries: rendering in them
    after the scan does not copy every entry into each. ``close()`` (or ``with``) stops them."""

    def __init__(self, jobs: int | None) -> None:
        #: Processes to use (default: one per core).
        self.jobs = _jobs(jobs)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether the worker processes are running."""
        return self._pool is not None

    def map(
        self, work: Callable[[Site, list[T]], list[R]], site: Site, items: list[T], least: int
    ) -> Iterator[R]:
        """``work(site, chunk)`` over chunks of ``items``, results in order; in the worker
        processes when there are at least ``least`` items and several cores. Only a few chunks
        are under way at a time, so results (rendered HTML) never pile up in memory."""
        size = max(16, min(256, len(items) // (self.jobs * 8)))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        if self.jobs <= 1 or len(items) < least:
            for chunk in chunks:
                yield from work(site, chunk)
            return
        pool = self._start()
        pending: deque[Future[list[R]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(work, site, chunk))
            if len(pending) > self.jobs * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing  # only for large sites: starting workers pays off there
            from concurrent.futures import ProcessPoolExecutor

            from . import render  # noqa: F401 (loaded once here, not in every worker)

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(
                self.jobs, context, initializer=_worker_start, initargs=(os.getpid(),)
            )
            # With fork, the first task starts every worker: with the signals held back
            # until each has set itself up (a Ctrl-C is the build's, never theirs).
            with signals.blocked():
                self._pool.submit(int)
        return self._pool

    def close(self, now: bool = False) -> None:
        """Stop the worker processes, if started: when their work is done, or ``now``
        (the build failed or was interrupted): ended at once, and reaped."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not now:
            try:
                pool.shutdown()
            except BaseException:  # interrupted while waiting for them
                _end_pool(pool)
                raise
            return
        _end_pool(pool)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(now=kind is not None)


def _end_pool(pool: ProcessPoolExecutor) -> None:
    """End the workers now, and the pool's thread with them."""
    with signals.deferred():  # a second Ctrl-C must not leave them running
        processes = list((pool._processes or {}).values())  # (terminate_workers(), 3.14)
        results, thread = pool._result_queue, pool._executor_manager_thread
        pool.shutdown(wait=False, cancel_futures=True)
        signals.end_processes(processes)
        # A worker ended while it sent a result leaves the pool's thread waiting for the rest
        # of it, for ever, and Python waits for that thread before it exits. With no process
        # left that could write to the pipe, the end of it ends that wait (the pool closes
        # this end only after the thread has ended).
        if results is not None:
            results._writer.close()  # type: ignore[attr-defined]
        if thread is not None:
            thread.join(1)  # type: ignore[attr-defined]


def _jobs(jobs: int | None) -> int:
    """``jobs``, or by default one per core this process may use."""
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return jobs


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


def select(
    entries: tuple[Entry, ...],
    *,
    limit: int,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[Entry]:
    """Entries a feed carries: drafts and future entries left out unless asked, newest first
    (ties broken by file path, so the order is total), at most ``limit`` (0: all)."""
    chosen = published_entries(entries, drafts=drafts, future=future, now=now)
    chosen.sort(key=lambda e: (-e.date.timestamp(), str(e.path)))
    return chosen[:limit] if limit else chosen


def published_entries(
    entries: Iterable[Entry],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[Entry]:
    """The entries a build publishes, in the order given: drafts, entries not yet due and
    expired ones left out unless asked (``drafts``, ``future``)."""
    now = now or current_time()
    return [
        e
        for e in entries
        if (drafts or not e.draft)
        and (future or (e.publish_date or e.date) <= now)
        and (e.expiry_date is None or e.expiry_date > now)
    ]


@dataclass(frozen=True)
class FeedPlan:
    """One feed of a site (in three formats), or one archive document of the main feed (RSS
    and Atom): where it goes and what it carries."""

    #: Folder in the output folder, "" for the main feed, e.g. "categories/business-economy/".
    folder: str
    #: Feed title.
    title: str
    #: Its entries, newest first, at most ``limit``.
    entries: list[Entry]
    #: The number of an RFC 5005 archive document (1: the oldest entries); 0 for a feed.
    archive: int = 0
    #: RFC 5005 links, (relation, folder of the document it points to).
    history: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Its files in the output folder: no JSON Feed for archive documents."""
        formats = (RSS_NAME, ATOM_NAME) if self.archive else (RSS_NAME, ATOM_NAME, JSON_NAME)
        return tuple(self.folder + name for name in formats)


#: Per-taxonomy feeds: the setting that turns them on, their folder, and what they group by.
TAXONOMIES: tuple[tuple[str, str, str, Callable[[Entry], tuple[str, ...]]], ...] = (
    ("category_feeds", "categories", "category", lambda e: e.categories),
    ("tag_feeds", "tags", "tag", lambda e: e.tags),
    ("author_feeds", "authors", "author", lambda e: tuple(a.name for a in e.authors)),
)


def plan_feeds(
    site: Site,
    entries: tuple[Entry, ...],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[FeedPlan]:
    """The main feed, then one per category, tag and author where the settings ask for them.

    A name's folder is its slug (python-slugify: lowercase ASCII, other scripts transliterated,
    so "Business & Economy" → business-economy, "Économie" → economie). Raises
    :class:`BuildErrors` when two names make the same slug, or one makes none."""
    visible = select(entries, limit=0, drafts=drafts, future=future, now=now)
    plans = [FeedPlan("", site.title, visible[: site.limit] if site.limit else visible)]
    problems: list[FeedpubError] = []
    for setting, folder, kind, names_of in TAXONOMIES:
        if not getattr(site, setting):
            continue
        groups: dict[str, list[Entry]] = {}
        spelled: dict[str, tuple[str, Entry]] = {}
        for entry in visible:
            for name in names_of(entry):
                slug = _slug(name)
                first = spelled.setdefault(slug, (name, entry))
                if not slug or first[0] != name:
                    problems.append(_slug_problem(kind, name, slug, first, entry))
                    continue
                groups.setdefault(slug, []).append(entry)
        for slug in sorted(groups):
            chosen = groups[slug][: site.limit] if site.limit else groups[slug]
            title = f"{site.title} \u2014 {spelled[slug][0]}"
            plans.append(FeedPlan(f"{folder}/{slug}/", title, chosen))
    if problems:
        raise BuildErrors(problems)
    if site.archive:
        plans[0], archives = archive_plans(site, plans[0], visible)
        plans += archives
    return plans


def archive_plans(
    site: Site, main: FeedPlan, visible: list[Entry]
) -> tuple[FeedPlan, list[FeedPlan]]:
    """The main feed and its RFC 5005 archive documents: every entry, oldest first, in
    documents of ``archive_size``; archive/1/ holds the oldest. A full document keeps its
    entries (and bytes) as newer entries come; after the last full one there is always one
    more, filling up (possibly empty), so that every full one links to the next without ever
    changing. Only full documents are archives (fh:archive), and the main feed's prev-archive
    names the newest full one: RFC 5005 readers stop at the first archive they already hold,
    so an archive whose entries still changed would hide the new ones from them. The filling
    one links back to the newest full one; its entries are in the main feed already (fewer
    than ``archive_size`` ≤ ``limit``). No archive before the first one is full: the main
    feed still carries every entry then."""
    size = site.archive_size
    if len(visible) < size:
        return main, []
    oldest = visible[::-1]
    count = len(oldest) // size + 1

    def folder(number: int) -> str:
        return f"{ARCHIVE_FOLDER}/{number}/"

    plans = []
    for number in range(1, count + 1):
        # The filling one is no archive yet: no "current" (which only archives have).
        links = [("current", main.folder)] if number < count else []
        if number > 1:
            links.append(("prev-archive", folder(number - 1)))
        if number < count:
            links.append(("next-archive", folder(number + 1)))
        chosen = oldest[(number - 1) * size : number * size][::-1]  # newest first, as feeds
        title = f"{site.title} (archive {number})"
        plans.append(FeedPlan(folder(number), title, chosen, number, tuple(links)))
    return replace(main, history=(("prev-archive", folder(count - 1)),)), plans


@lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """The URL slug of a category, tag or author name (names repeat across many entries)."""
    from slugify import slugify  # only where feeds are planned

    return slugify(name)


def _slug_problem(
    kind: str, name: str, slug: str, first: tuple[str, Entry], entry: Entry
) -> FeedpubError:
    key = {"category": ("categories", "category"), "tag": ("tags",)}.get(
        kind, ("authors", "author")
    )
    if not slug:
        message = f"{kind} '{name}' makes no URL slug for its feed; add a letter or digit to it"
    else:
        message = (
            f"{kind} '{name}' makes the same URL slug '{slug}' as '{first[0]}' (in "
            f"{display_path(first[1].path)}), so their feeds would be one; rename one of them"
        )
    return EntryError(message, entry.path, entry.line_of(*key), code="FP111")


def current_time() -> datetime:
    """The current time, or ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def render_into(
    site: Site,
    chosen: list[Entry],
    digests: Mapping[Path, str],
    cache: Cache,
    jobs: int | None,
    progress: Progress = _no_progress,
    workers: Workers | None = None,
) -> int:
    """Render every chosen entry not rendered yet into ``cache``; returns how many. In
    parallel when there are many, in ``workers`` if they were started (by the scan)."""
    done = cache.rendered_digests()
    missing = [e for e in chosen if done.get(_rel(site, e)) != digests.get(e.path, "")]
    advance = progress("Rendering", len(missing))
    rows: list[tuple[str, str, str, str, str | None]] = []
    with Workers(jobs) as own:
        if workers is not None and workers.started:
            results = workers.map(_render_entries, site, missing, RENDER_WORKERS_MIN)
        else:
            results = own.map(_render_entries, site, missing, RENDER_PARALLEL_MIN)
        for rel, title, summary, html in results:
            advance(1)
            rows.append((rel, digests.get(site.entries / rel, ""), title, summary, html))
            if len(rows) >= 200:  # in batches, and never many pages of HTML held at once
                cache.store_rendered_many(rows)
                rows = []
    cache.store_rendered_many(rows)
    return len(missing)


def _render_entries(site: Site, entries: list[Entry]) -> list[tuple[str, str, str, str | None]]:
    """Render entries (runs in worker processes when there are many)."""
    from .render import render  # cmark and nh3: loaded only when something is rendered

    results = []
    for entry in entries:
        item = render(entry, site)
        results.append((_rel(site, entry), item.title, item.summary, item.content_html))
    return results


def _rel(site: Site, entry: Entry) -> str:
    return relative_name(site.entries, entry.path)


def feed_outputs(
    site: Site,
    entries: tuple[Entry, ...],
    plans: list[FeedPlan],
    digests: Mapping[Path, str],
    cache: Cache,
) -> dict[str, Content]:
    """Every feed file, by name in the output folder, streamed from the rendered entries."""
    from . import feeds  # feedgen and lxml: loaded only when feeds are written

    # An empty feed (an archive document just begun) is as new as the newest entry readers
    # can see: a draft's or a future entry's date must not show, nor its edits rewrite it.
    shown = max((e.modified for plan in plans for e in plan.entries), default=None)
    outputs: dict[str, Content] = {}
    # The items of an entry that several feeds carry are made once for all of them; unless
    # there are so many such entries that they could not be kept until their next feed.
    carried_by = Counter(id(e) for plan in plans for e in plan.entries)
    repeated = [key for key, count in carried_by.items() if count > 1]
    memo = feeds.ItemMemo(repeated if len(repeated) <= MEMO_MAX else ())
    for plan in plans:
        feed = feeds.Feed(
            title=plan.title,
            description=site.description,
            language=site.language,
            home_url=site.base_url,
            authors=site.authors or (Author(name=site.title),),
            items=rendered_items(site, plan.entries, digests, cache),
            # Feed-level dates come from the entries, never the clock: builds are reproducible.
            updated=max(e.modified for e in plan.entries)
            if plan.entries
            else shown or max(e.modified for e in entries),
            # Relative, so the browser view also works where the site is previewed
            # (browsers apply only stylesheets from the feed's own origin).
            stylesheet="../" * plan.folder.count("/") + XSL_NAME if site.browser_view else None,
            media=any(e.image for e in plan.entries),
            # Nobody subscribes to an archive document, which never changes once full.
            hubs=() if plan.archive else site.hubs,
            # An archive only once full: until then its entries still change.
            archive=bool(plan.archive) and len(plan.entries) == site.archive_size,
            # One logical feed: archive documents have the main feed's Atom id.
            feed_id=site.base_url + ATOM_NAME if plan.archive else None,
        )
        for path in plan.names:
            name = path.rsplit("/", 1)[-1]
            history = tuple((rel, site.base_url + to + name) for rel, to in plan.history)
            document = replace(feed, history=history) if history else feed
            url = site.base_url + path
            if name == JSON_NAME:
                outputs[path] = partial(feeds.write_json, document, url)
            else:
                write = feeds.write_rss if name == RSS_NAME else feeds.write_atom
                outputs[path] = partial(write, document, url, memo=memo)
    return outputs


def sharing(plans: list[FeedPlan], cache: Cache, jobs: int | None) -> Sharing | None:
    """How to write the feeds of ``plans`` in several processes when they are large (their
    items are read from ``cache`` in each)."""
    jobs = _jobs(jobs)
    weights = {name: len(plan.entries) for plan in plans for name in plan.names}
    if jobs < 2 or sum(weights.values()) < output.SHARING_MIN:
        return None  # (checked before the commit shared_reads makes, which it would waste)
    reads = cache.shared_reads()
    return Sharing(jobs, weights, *reads) if reads else None


def rendered_items(
    site: Site, chosen: list[Entry], digests: Mapping[Path, str], cache: Cache
) -> Callable[[], Iterator[Rendered]]:
    """A function giving ``chosen`` as rendered by :func:`render_into`, read from ``cache``
    one at a time (each feed format iterates them once). An entry the cache no longer holds
    as rendered then (the cache failed and was replaced on the way, or another program
    changed it) is rendered again here: never a feed written from another entry's HTML."""
    from .render import Rendered, render

    def items() -> Iterator[Rendered]:
        wanted = [(_rel(site, e), digests.get(e.path, "")) for e in chosen]
        for entry, found in zip(chosen, cache.rendered_many(wanted), strict=True):
            if found is None:
                yield render(entry, site)
                continue
            title, summary, html = found
            yield Rendered(entry=entry, title=title, summary=summary, content_html=html)

    return items


def carried(plans: list[FeedPlan]) -> list[Entry]:
    """Every entry some feed carries, once each."""
    seen: dict[Path, Entry] = {}
    for plan in plans:
        for entry in plan.entries:
            seen.setdefault(entry.path, entry)
    return list(seen.values())


def manifest(
    site: Site,
    entries: tuple[Entry, ...],
    outputs: list[str],
    index_html: str | None = None,
    archives: dict[str, str] | None = None,
    names: Mapping[Path, str] | None = None,
) -> Content:
    """The manifest of this build: each entry file (relative to the entries folder, as in
    ``names`` when given) → id and link, and the output files it wrote (so a feed no longer
    made is removed next time). Written as it is encoded (see :func:`manifest_chunks`)."""
    name = names.__getitem__ if names else partial(relative_name, site.entries)
    data = {
        "feedpub_manifest": 1,
        "entries": sorted((name(e.path), e) for e in entries),
        "outputs": sorted(outputs),
        # The hash of the index.html written, so that a page someone else put in its place
        # is recognised and never overwritten.
        "index_html": index_html,
        # The entries of each full archive document (a hash of their ids), see archive_changes.
        "archives": archives or {},
    }

    def write(handle: BinaryIO) -> None:
        for chunk in manifest_chunks(data):
            handle.write(chunk.encode())

    return write


def manifest_bytes(data: dict[str, Any]) -> bytes:
    """The manifest file's bytes for ``data`` (see :func:`manifest_chunks`)."""
    return "".join(manifest_chunks(data)).encode()


def manifest_chunks(data: dict[str, Any]) -> Iterator[str]:
    """The manifest file's text for ``data``, a thousand entries at a time; its ``entries``
    a mapping (name → record, as read from the file) or (name, :class:`Entry`) pairs.

    A site of 100,000 entries never holds the whole text, nor a record for each entry, at
    once (they took 60 MB). No indent: the C encoder is much faster, and nobody needs to
    read this file."""
    entries = data.get("entries", {})
    if isinstance(entries, Mapping):
        pairs = iter(entries.items())
    else:
        pairs = ((rel, {"id": e.id, "link": e.link}) for rel, e in entries)
    yield '{"entries": {'
    separator = ""
    while batch := dict(islice(pairs, 1000)):
        yield separator + json.dumps(batch, ensure_ascii=False)[1:-1]  # without its braces
        separator = ", "
    rest = json.dumps({k: v for k, v in data.items() if k != "entries"}, ensure_ascii=False)
    yield "}" + (", " + rest[1:] if rest != "{}" else "}") + "\n"


def full_archives(site: Site, plans: list[FeedPlan]) -> dict[str, str]:
    """Each full archive document's folder → a hash of the ids of its entries."""
    return {
        plan.folder: digest(json.dumps([e.id for e in plan.entries]).encode())
        for plan in plans
        if plan.archive and len(plan.entries) == site.archive_size
    }


def archive_changes(site: Site, plans: list[FeedPlan]) -> list[BuildWarning]:
    """Archive documents that were full at the last build and now hold other entries: readers
    and caches take a full one never to change, so they may miss what did."""
    before = _read_manifest(site).get("archives")
    if not isinstance(before, dict):
        return []
    now = full_archives(site, plans)
    return [
        BuildWarning(
            "FP212",
            f"archive document {folder.split('/')[1]} now holds other entries than the last "
            "build's (an entry dated before its newest was added or removed, or had its date "
            "changed); readers that fetched it before may not see that. Date new entries "
            "after the archived ones",
            site.output / folder,
        )
        for folder, hashed in sorted(before.items())
        if now.get(folder) != hashed
    ]


def previous_outputs(site: Site) -> list[str]:
    """The output files the last build wrote, from its manifest."""
    try:
        names = json.loads((site.output / MANIFEST_NAME).read_bytes())["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def id_changes(
    site: Site, entries: tuple[Entry, ...], names: Mapping[Path, str] | None = None
) -> list[BuildWarning]:
    """Entries whose id differs from the last build's manifest (readers would see them as new);
    ``names``: each entry file's name in the entries folder, when known."""
    try:
        old = json.loads((site.output / MANIFEST_NAME).read_bytes())["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest yet, or one we cannot read: nothing to compare with
    if not isinstance(old, dict):
        return []
    warnings = []
    now = current_time()
    name = names.__getitem__ if names else partial(relative_name, site.entries)
    named = {e.path: name(e.path) for e in entries}
    arrived = []
    for e in entries:
        if e.draft or e.date > now:  # readers have not seen it: its id may change freely
            continue
        record = old.get(named[e.path])
        if record is None:
            arrived.append(e)
        if isinstance(record, dict) and record.get("id") not in (None, e.id):
            warnings.append(
                BuildWarning(
                    "FP208",
                    f"id changed since the last build ({record['id']} → {e.id}); feed readers "
                    f"will show this entry again as new. To keep the old id, add "
                    f"'id: {record['id']}' to its front matter",
                    e.path,
                    e.line_of("id", "slug", "permalink", "link", "date"),
                )
            )
    return warnings + _renamed(site, old, entries, set(named.values()), arrived)


def _renamed(
    site: Site, old: dict[str, Any], entries: tuple[Entry, ...], now: set[str], arrived: list[Entry]
) -> list[BuildWarning]:
    """Entry files that are gone while new ones came: a renamed file (another slug) gets a new
    id, which readers show again as new, unless it keeps the old one with 'id:'."""
    ids = {e.id for e in entries}
    gone = [
        (name, record["id"])
        for name, record in old.items()
        if name not in now and isinstance(record, dict) and record.get("id") not in (None, *ids)
    ]
    if not gone or not arrived:
        return []
    if len(gone) == 1 and len(arrived) == 1:
        (name, old_id), entry = gone[0], arrived[0]
        return [
            BuildWarning(
                "FP208",
                f"{name} is gone and this entry is new: if it was renamed, its id changed "
                f"({old_id} → {entry.id}) and feed readers will show it again as new. To keep "
                f"the old id, add 'id: {old_id}' to its front matter",
                entry.path,
                entry.line_of("id", "slug", "title"),
            )
        ]
    return [
        BuildWarning(
            "FP208",
            f"is gone while new entry files appeared; if it was renamed, its id changed and "
            f"feed readers will show it again as new: add 'id: {old_id}' to the renamed file",
            site.entries / name,
        )
        for name, old_id in gone
    ]


def build(
    site: Site,
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
    cache: bool = True,
    jobs: int | None = None,
    progress: Progress = _no_progress,
    waiting: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build every feed of ``site`` into its output folder.

    Everything is checked first, and the outputs are swapped in only when all are written: a
    build that fails raises :class:`FeedpubError` (often :class:`BuildErrors` listing every
    problem) and changes no output file. ``drafts`` and ``future`` include draft and
    future-dated entries; ``cache=False`` ignores the cache in ``.feedpub-cache/``; ``jobs`` is
    the number of processes for large sites (default: one per core); ``progress`` is told
    how far reading and rendering have come.

    One build at a time per output folder: another one's lock (see feedpub/lock.py) is
    waited for, ``waiting`` told once which process holds it, at most ``site.lock_timeout``
    seconds, then :class:`feedpub.lock.LockTimeout` is raised.
    """
    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        timings.append((stage, time.perf_counter() - clock))
        clock = time.perf_counter()

    check_folders(site)  # before anything is read or written
    check_entries_folder(site)  # (no entries: no site here; nothing made, not even the lock)
    with (
        build_lock(site, "build", waiting),
        signals.finishing(),
        Cache.open(site, enabled=cache) as store,
        _Heap() as heap,
    ):
        now = now or current_time()  # (after waiting for another build)
        listing = list_entries(site)
        key = digest(json.dumps([str(site), drafts, future, listing.fingerprint()]).encode())
        last = store.last_build()
        if last and _still_current(site, last, key, now):
            # Nothing that a feed depends on changed since the last build: done.
            lap("scan")
            return BuildResult(
                scanned=last["scanned"],
                published=last["published"],
                written=(),
                unchanged=tuple(site.output / n for n in last["outputs"] if n != MANIFEST_NAME),
                warnings=tuple(
                    BuildWarning.from_record(record)
                    for record in [
                        *last["warnings"],
                        *(w for found in (last.get("checked") or {}).values() for w in found),
                    ]
                ),
                cache_hits=len(listing.paths),
                timings=tuple(timings),
            )
        settings = digest(json.dumps([str(site), drafts, future]).encode())
        if last and last.get("settings") == settings:
            from .delta import delta_build

            # A few entries edited or added: redo only the feeds they are in.
            result = delta_build(site, store, listing, last, key, now, drafts, future, lap)
            if result is not None:
                return replace(result, timings=tuple(timings))
        with Workers(jobs) as workers:  # for the scan, and then for rendering
            heap.pause()
            scanned = scan_all(site, store, jobs, listing, progress, workers)
            del listing  # what it holds for each file is not needed any more
            heap.settle()
            if scanned.problems:
                raise BuildErrors(scanned.problems, scanned.warnings)
            warnings = list(scanned.warnings) + id_changes(site, scanned.entries, scanned.names)
            lap("scan")
            plans = plan_feeds(site, scanned.entries, drafts=drafts, future=future, now=now)
            chosen = plans[0].entries
            count = len(published_entries(scanned.entries, drafts=drafts, future=future, now=now))
            render_into(site, carried(plans), scanned.digests, store, jobs, progress, workers)
        lap("render")
        outputs: dict[str, Content | None] = dict(
            feed_outputs(site, scanned.entries, plans, scanned.digests, store)
        )
        keys = _feed_keys(site, plans, scanned)
        made_before = (last or {}).get("feeds", {})
        stats_before = (last or {}).get("outputs", {})
        for name in outputs:
            # A feed whose entries and settings are as last time, and whose file is as that
            # build left it, is kept without being made again.
            if made_before.get(name) == keys[name] and _same_stat(site, name, stats_before):
                outputs[name] = None
        from .lint import check_written  # what check says of the feeds, before writing

        # The last build checked the items of each feed it made: those of a feed made of the
        # same entries (and settings) as then need no second look.
        verified = {
            e.path
            for plan in plans
            if made_before.get(plan.names[0]) == keys[plan.names[0]]
            for e in plan.entries
        }
        fresh = check_written(site, plans, outputs, scanned.digests, store, scanned.names, verified)
        checked, kept = checked_warnings(
            [name for plan in plans for name in plan.names],
            [scanned.names[e.path] for e in carried(plans)],
            fresh,
            (last or {}).get("checked"),
        )
        warnings += checked
        preview = rendered_items(site, chosen[:PREVIEW_MAX], scanned.digests, store)
        warnings += _discovery(site, plans, outputs, preview)
        warnings += archive_changes(site, plans)
        page = outputs.get(INDEX_NAME)
        outputs[MANIFEST_NAME] = manifest(
            site,
            scanned.entries,
            list(outputs),
            index_html=digest(page) if isinstance(page, bytes) else None,
            archives=full_archives(site, plans),
            names=scanned.names,
        )
        # Feeds no longer made go; an index.html not written now is someone else's: it stays.
        gone = [n for n in previous_outputs(site) if n not in outputs and n != INDEX_NAME]
        written, unchanged = write_site(
            site, outputs, last, remove=gone, sharing=sharing(plans, store, jobs)
        )
        lap("write")
        note_unannounced(site, written, plans)
        hits = store.hits
        upcoming = upcoming_moments(scanned.entries, drafts=drafts, future=future, now=now)
        store.save_build(
            {
                "key": key,
                "horizon": min(upcoming).isoformat() if upcoming else None,
                "outputs": {name: list(_stat(site.output / name)) for name in sorted(outputs)},
                "media": sorted({f for e in scanned.entries for f in e.media_files}),
                "feeds": keys,
                # What delta_build() starts from: the settings and each feed's entries.
                "settings": settings,
                "plans": [
                    [plan.folder, plan.title, [scanned.names[e.path] for e in plan.entries]]
                    for plan in plans
                ],
                "scanned": len(scanned.entries),
                "published": count,
                "warnings": [w.record() for w in scanned.warnings],
                "checked": kept,
            }
        )
    if store.problem:  # (the cache may also fail after the scan: the build went on without it)
        warnings.append(BuildWarning("FP210", store.problem))
    return BuildResult(
        scanned=len(scanned.entries),
        published=count,
        written=tuple(p for p in written if p.name != MANIFEST_NAME),
        unchanged=tuple(p for p in unchanged if p.name != MANIFEST_NAME),
        warnings=tuple(warnings),
        cache_hits=hits,
        timings=tuple(timings),
    )


def checked_warnings(
    names: list[str],
    carried: list[str],
    fresh: Mapping[str, list[BuildWarning]],
    recorded: Any,
) -> tuple[list[BuildWarning], dict[str, list[list[Any]]]]:
    """The warnings of :func:`feedpub.lint.check_written` for every feed file ``names`` and
    every entry the feeds carry (``carried`` names): ``fresh`` ones for what this build
    checked (what it writes), the last build's (``recorded``, by the same keys) for the
    feeds left as they were and their entries, so that a build says the same whatever it
    rewrites. Returns them (entries' first, in order, then the feeds') and their record."""
    record: dict[str, list[list[Any]]] = {}
    warnings: list[BuildWarning] = []
    recorded = recorded if isinstance(recorded, dict) else {}
    for key in [*(f"entry:{name}" for name in carried), *(f"feed:{name}" for name in names)]:
        if key in fresh:
            found = fresh[key]
        else:
            found = [BuildWarning.from_record(record) for record in recorded.get(key, ())]
        if found:
            warnings += found
            record[key] = [w.record() for w in found]
    return warnings, record


def _worker_start(parent: int) -> None:
    signals.child_start(parent)  # dies with the build; Ctrl-C and SIGTERM are the build's
    # What a worker inherits is never garbage: its collections skip it (gc.freeze). And it
    # collects, even if forked while the build had paused collecting (see _Heap).
    gc.freeze()
    gc.enable()


class _Heap:
    """Python's cycle collector during a build. A build makes objects that live until it ends
    (an entry for every file, read in the scan) and next to no garbage cycles, yet the
    collector went over them again and again: 0.13 s of a cold build of 10,000 entries. So it
    is off during the scan, and what the scan made is then set aside (``gc.freeze``) until
    the build ends, when it becomes collectable again."""

    def __enter__(self) -> _Heap:
        self._collecting = gc.isenabled()
        self._froze = False
        return self

    def pause(self) -> None:
        """The scan begins: no collections until :meth:`settle`."""
        gc.disable()

    def settle(self) -> None:
        """The scan is done: collect again, but not what lives until the build ends."""
        if gc.get_freeze_count() == 0:  # (never unfreeze what someone else froze)
            gc.freeze()
            self._froze = True
        if self._collecting:
            gc.enable()

    def __exit__(self, *exc: object) -> None:
        if self._froze:
            gc.unfreeze()
        if self._collecting:
            gc.enable()


def upcoming_moments(
    entries: Iterable[Entry], *, drafts: bool, future: bool, now: datetime
) -> list[datetime]:
    """The instants after ``now`` at which one of ``entries`` enters or leaves the feeds."""
    return [
        moment
        for e in entries
        if drafts or not e.draft
        for moment in (
            None if future else e.publish_date or e.date,
            e.expiry_date,  # an entry expiring changes the feeds too
        )
        if moment is not None and moment > now
    ]


def note_unannounced(site: Site, written: list[Path], plans: list[FeedPlan]) -> None:
    """For 'feedpub ping': add the feeds among ``written`` to those changed since the hubs
    were last told."""
    if not site.hubs:
        return
    target = site.output.resolve()
    changed = {path.relative_to(target).as_posix() for path in written}
    fresh = changed & set(_subscribable(plans))
    before = unannounced(site)
    if fresh or before is None:
        save_unannounced(site, fresh | set(before or ()))


def _subscribable(plans: list[FeedPlan]) -> list[str]:
    """The files of every feed one can subscribe to (archive documents are not)."""
    return [name for plan in plans if not plan.archive for name in plan.names]


def _discovery(
    site: Site,
    plans: list[FeedPlan],
    outputs: dict[str, Any],
    preview: Callable[[], Iterator[Rendered]],
) -> list[BuildWarning]:
    """Add index.html (the feed list, then the entries ``preview`` gives, as a reader shows
    them) and feeds.opml to ``outputs``; an index.html that feedpub did not write (the
    site's own home page, say) is left alone, with a warning."""
    from .discovery import feed_links, index_html, opml

    links = feed_links(site, [(plan.folder, plan.title) for plan in plans if not plan.archive])
    outputs[OPML_NAME] = opml(site, links)
    if site.browser_view:
        from importlib import resources

        outputs[XSL_NAME] = (resources.files("feedpub") / "data" / XSL_NAME).read_bytes()
    page = site.output / INDEX_NAME
    if page.exists() and not _ours(page, _read_manifest(site).get("index_html")):
        return [
            BuildWarning(
                "FP211",
                "left as it is: it was not written by feedpub, so the feed list page was not "
                "made; 'feedpub links' prints the <link> tags to add to it",
                page,
            )
        ]
    outputs[INDEX_NAME] = index_html(site, links, preview())
    return []


def _ours(page: Path, recorded: object) -> bool:
    """Whether ``page`` holds exactly what the last build wrote (its hash is in the manifest)."""
    try:
        return isinstance(recorded, str) and digest(page.read_bytes()) == recorded
    except OSError:
        return False


#: What builds wrote before the manifest listed its outputs (it then held only the entries).
_LISTED_LATER = (RSS_NAME, ATOM_NAME, JSON_NAME)


def owned_outputs(site: Site, last: Mapping[str, Any] | None) -> tuple[set[str], bool]:
    """The names of the files in the output folder that feedpub wrote, and whether it holds
    a manifest: what the manifest lists (and the manifest itself), and the files that are as
    the ``last`` build (from the cache) left them."""
    data = _read_manifest(site)
    found = "feedpub_manifest" in data
    owned: set[str] = set()
    if found:
        listed = data.get("outputs")
        if isinstance(listed, list):
            owned = {MANIFEST_NAME, *(name for name in listed if isinstance(name, str))}
        else:  # an early manifest: the main feeds were all a build wrote
            owned = {MANIFEST_NAME, *_LISTED_LATER}
    stats = (last or {}).get("outputs")
    if isinstance(stats, dict):
        owned |= {name for name in stats if _same_stat(site, name, stats)}
    return owned, found


class _Owned:
    """:func:`owned_outputs` as a container, asked only about files in a build's way: a file
    as the last build left it is known from the cache, and the manifest (large for a large
    site) is read only for the others."""

    def __init__(self, site: Site, last: Mapping[str, Any] | None) -> None:
        self._site = site
        self._last = last
        self._owned: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        stats = (self._last or {}).get("outputs")
        if (
            isinstance(name, str)
            and isinstance(stats, dict)
            and _same_stat(self._site, name, stats)
        ):
            return True
        if self._owned is None:
            self._owned = owned_outputs(self._site, None)[0]
        return name in self._owned


def write_site(
    site: Site,
    outputs: Mapping[str, Content | None],
    last: Mapping[str, Any] | None,
    remove: Iterable[str] = (),
    sharing: Sharing | None = None,
) -> tuple[list[Path], list[Path]]:
    """:func:`write_outputs` into the output folder, refusing to replace a file feedpub did
    not write (:class:`BuildErrors`, one line per file; then nothing was written)."""
    try:
        return write_outputs(
            site.output, outputs, remove=remove, sharing=sharing, owned=_Owned(site, last)
        )
    except NotOurs as e:
        found = owned_outputs(site, None)[1]
        raise BuildErrors(
            OutputError(_not_ours(site, name, found), site.output / name) for name in e.names
        ) from None


def _not_ours(site: Site, name: str, manifest_found: bool) -> str:
    fix = "move it away, or choose another output folder (--out)"
    if manifest_found:
        return (
            f"not written by feedpub (the last build's {MANIFEST_NAME} does not list it), "
            f"and this build would replace it; {fix}"
        )
    try:
        with open(site.output / name, "rb") as handle:
            like_ours = b"feedpub" in handle.read(1 << 14)
    except OSError:
        like_ours = False
    record = f"the output folder has no {MANIFEST_NAME}, feedpub's record of what it wrote there"
    if like_ours:
        return (
            f"looks like an earlier feedpub build's, but {record} (was it deleted?), so it "
            "cannot be told from a file of yours, and this build would replace it; if feedpub "
            f"wrote it, delete it and build again, else {fix}"
        )
    return f"not written by feedpub ({record}), and this build would replace it; {fix}"


def _read_manifest(site: Site) -> dict[str, Any]:
    try:
        data = json.loads((site.output / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _feed_keys(site: Site, plans: list[FeedPlan], scanned: Scan) -> dict[str, str]:
    """For each feed file, a key that changes whenever its bytes could: the settings, the
    feed's title, and the name and content hash of every entry it carries."""
    newest = max((e.modified for e in scanned.entries), default=None)
    keys = {}
    for plan in plans:
        carried_entries = [(scanned.names[e.path], scanned.digests[e.path]) for e in plan.entries]
        empty = None if plan.entries else str(newest)  # an empty feed takes the newest date
        keys.update(feed_keys(site, plan, carried_entries, empty))
    return keys


def feed_keys(
    site: Site, plan: FeedPlan, carried_entries: list[tuple[str, str]], empty: str | None = None
) -> dict[str, str]:
    """The key of each file of one feed (see :func:`_feed_keys`): ``carried_entries`` are
    the name and content hash of each entry it carries."""
    key = digest(json.dumps([str(site), plan.title, carried_entries, empty, plan.history]).encode())
    return dict.fromkeys(plan.names, key)


def _same_stat(site: Site, name: str, stats: dict[str, Any]) -> bool:
    try:
        return list(_stat(site.output / name)) == stats.get(name)
    except OSError:
        return False


def _stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _still_current(site: Site, last: dict[str, Any], key: str, now: datetime) -> bool:
    """Whether the last build's outputs are still what this build would write: same inputs
    and settings, no future entry come due since, and the outputs untouched."""
    return (
        last.get("key") == key
        and not come_due(last, now)
        and outputs_untouched(site, last)
        and media_untouched(last)
    )


def come_due(last: dict[str, Any], now: datetime) -> bool:
    """Whether an entry's publication or expiry time has come since the ``last`` build."""
    horizon = last.get("horizon")
    if not horizon:
        return False
    try:
        return datetime.fromisoformat(horizon) <= now
    except (TypeError, ValueError):
        return True


def outputs_untouched(site: Site, last: dict[str, Any]) -> bool:
    """Whether every output file of the ``last`` build is as it left it."""
    try:
        return all(
            list(_stat(site.output / name)) == expected
            for name, expected in last["outputs"].items()
        )
    except (OSError, TypeError, ValueError, AttributeError, KeyError):
        return False


def media_untouched(last: dict[str, Any]) -> bool:
    """Whether the local image and enclosure files of the ``last`` build's entries are as
    they were then."""
    try:
        return media_unchanged(tuple(last.get("media", ())))
    except (TypeError, ValueError):
        return False
