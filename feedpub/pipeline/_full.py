"""A build (:func:`build`): nothing to do when nothing changed since the last build, the
delta path (feedpub/pipeline/_delta.py) when a few entries were edited or added, else the full
path: scan, plan, render, make the outputs, check them, write them, and record the build."""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import dialects, signals
from ..cache import Cache, digest
from ..config import check_folders
from ..errors import BuildErrors, BuildWarning
from ..model import (
    INDEX_NAME,
    MANIFEST_NAME,
    OPML_NAME,
    PREVIEW_MAX,
    XSL_NAME,
    BuildResult,
    FeedPlan,
    Progress,
    Scan,
    Site,
    no_progress,
)
from ..plan import (
    carried,
    current_time,
    plan_feeds,
    published_entries,
    taxonomies_of,
    upcoming_moments,
)
from ..scan import PARALLEL_MIN, Listing, check_entries_folder, list_entries, scan_all
from ..workers import Heap, Workers
from ._lock import build_lock
from ._output import Content, discarding
from ._record import (
    BuildRecord,
    RecordedFeed,
    all_feed_keys,
    archive_changes,
    checked_warnings,
    file_stat,
    flat,
    full_archives,
    id_changes,
    is_ours,
    manifest,
    note_unannounced,
    previous_outputs,
    read_manifest,
    read_record,
    same_stat,
    save_record,
    still_current,
    write_site,
)
from ._render import (
    ItemChecks,
    entry_links,
    feed_outputs,
    render_into,
    rendered_items,
    save_spans,
    sharing,
)

if TYPE_CHECKING:
    from ..model import Rendered


def build(
    site: Site,
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
    cache: bool = True,
    jobs: int | None = None,
    progress: Progress = no_progress,
    waiting: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build every feed of ``site`` into its output folder.

    Everything is checked first, and the outputs are swapped in only when all are written: a
    build that fails raises :class:`FeedpubError` (often :class:`BuildErrors` listing every
    problem) and changes no output file. ``drafts`` and ``future`` include draft and
    future-dated entries; ``cache=False`` ignores the cache in ``.feedpub-cache/``; ``jobs`` is
    the number of processes for large sites (default: one per core); ``progress`` is told
    how far reading and rendering have come.

    One build at a time per output folder: another one's lock (see feedpub/pipeline/_lock.py) is
    waited for, ``waiting`` told once which process holds it, at most ``site.lock_timeout``
    seconds, then :class:`feedpub.pipeline.LockTimeout` is raised.
    """
    clock = _Clock()
    check_folders(site)  # before anything is read or written
    check_entries_folder(site)  # (no entries: no site here; nothing made, not even the lock)
    # Workers for the scan, and then for rendering: what both need is loaded before they are
    # forked, once, not in each of them. A cold build starts them as soon as the listing has
    # found enough files for them (they come up while it goes on), not after it.
    preload = ("feedpub.scan._entry", "feedpub.render", "feedpub.feeds")
    with (
        build_lock(site, "build", waiting),
        signals.finishing(),
        discarding(),  # (the feed files a build replaced are deleted while it records them)
        Cache.open(site, enabled=cache) as store,
        Heap() as heap,
        Workers(jobs, preload=preload) as workers,
    ):
        now = now or current_time()  # (after waiting for another build)
        asked = _Asked(site, drafts, future, now, jobs, progress)
        last = read_record(store)
        # No last build (a cold one, or no cache): the full path, whose scan reads every file;
        # with nothing cached, without asking each its size and time first (it reads them).
        found = (lambda files: workers.start_early(files, PARALLEL_MIN)) if last is None else None
        listing = list_entries(site, found, stat=last is not None or not store.empty)
        key = _key(asked, listing)
        if last and still_current(site, last, key, now):
            # Nothing that a feed depends on changed since the last build: done.
            clock.lap("scan")
            return _as_last_time(site, last, len(listing.paths), clock)
        if last and last.settings == asked.settings:
            from ._delta import delta_build

            # A few entries edited or added: redo only the feeds they are in.
            result = delta_build(site, store, listing, last, key, now, drafts, future, clock.lap)
            if result is not None:
                return replace(result, timings=clock.timings)
        heap.pause()
        with _loading_ahead(site, workers):
            scanned = scan_all(site, store, jobs, listing, progress, workers)
        if listing.unstated:  # (the scan filled in the sizes and times)
            key = _key(asked, listing)
        del listing  # what it holds for each file is not needed any more
        heap.settle()
        planned = _plan_and_render(asked, store, scanned, workers, clock)
        workers.close()  # (their work is done)
        clock.lap("render")
        result = _write_and_record(asked, store, planned, last, key, clock)
    if store.problem:  # (the cache may also fail after the scan: the build went on without it)
        result = replace(result, warnings=(*result.warnings, BuildWarning("FP210", store.problem)))
    return replace(result, timings=clock.timings)


#: What the rest of a full build loads (feedgen and lxml, unless the workers' preload has
#: already brought them; the feed list page; the checks of the feeds before they are
#: written): see :func:`_loading_ahead`.
_LATER = ("feedpub.feeds", "feedpub.feeds.discovery", "feedpub.pipeline._verify")


@contextlib.contextmanager
def _loading_ahead(site: Site, workers: Workers) -> Iterator[None]:
    """While the ``workers`` read the entries, a thread of this process (which mostly waits
    for them then) loads what the rest of the build needs: the modules of :data:`_LATER`,
    and what the site's dialect makes category slugs with (python-slugify). Loaded after
    the scan, they held up every stage after it, with a core idle: 60-70 ms of a cold
    build of 10,000 entries with feedgen and lxml among them, ~15 ms without (on two busy
    cores, now, about half of that). Only when the
    workers run: otherwise nothing runs beside it. Its end is waited for before anything
    else goes on (a module is then never half loaded)."""
    if not workers.started:
        yield
        return
    thread = threading.Thread(target=_load_later, args=(site,), name="feedpub-load", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _load_later(site: Site) -> None:
    with contextlib.suppress(Exception):  # (a module that fails to load fails where it is used)
        for module in _LATER:
            importlib.import_module(module)
        if taxonomies_of(site):
            dialects.of(site).term_slug(site.title)


class _Clock:
    """The time each stage of a build takes (:attr:`BuildResult.timings`)."""

    def __init__(self) -> None:
        self._timings: list[tuple[str, float]] = []
        self._clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        """The time since the last lap (or since the build began) went to ``stage``."""
        self._timings.append((stage, time.perf_counter() - self._clock))
        self._clock = time.perf_counter()

    @property
    def timings(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._timings)


def _key(asked: _Asked, listing: Listing) -> str:
    """What a build is known by: its settings and flags, and every file's name, size and
    modification time."""
    site, drafts, future = asked.site, asked.drafts, asked.future
    return digest(json.dumps([str(site), drafts, future, listing.fingerprint()]).encode())


class _Asked(NamedTuple):
    """What a build was asked for."""

    site: Site
    drafts: bool
    future: bool
    now: datetime
    jobs: int | None
    progress: Progress

    @property
    def settings(self) -> str:
        """What the build's record is known by for the delta path: settings and flags."""
        return digest(json.dumps([str(self.site), self.drafts, self.future]).encode())


class _Planned(NamedTuple):
    """The full path's entries, read, and its feeds, planned and rendered."""

    scanned: Scan
    plans: list[FeedPlan]
    #: The warnings so far: the scan's, and ids changed since the last build.
    warnings: list[BuildWarning]
    #: Entries published.
    published: int
    #: What check says of the items of the entries rendered (see :class:`ItemChecks`).
    checked: ItemChecks


def _as_last_time(site: Site, last: BuildRecord, files: int, clock: _Clock) -> BuildResult:
    """What a build says when nothing changed since the ``last`` (of ``files`` entry files):
    what that one said, with every output as it left it."""
    return BuildResult(
        scanned=last.scanned,
        published=last.published,
        written=(),
        unchanged=tuple(site.output / n for n in last.outputs if n != MANIFEST_NAME),
        warnings=(*last.warnings, *flat(last.checked)),
        cache_hits=files,
        timings=clock.timings,
    )


def _plan_and_render(
    asked: _Asked, store: Cache, scanned: Scan, workers: Workers, clock: _Clock
) -> _Planned:
    """The feeds of the ``scanned`` entries, their entries rendered into ``store`` (in the
    scan's ``workers``); raises :class:`BuildErrors` for the problems the scan found."""
    site, now = asked.site, asked.now
    if scanned.problems:
        raise BuildErrors(scanned.problems, scanned.warnings)
    warnings = list(scanned.warnings) + id_changes(site, scanned.entries, scanned.names)
    clock.lap("scan")
    plans = plan_feeds(site, scanned.entries, drafts=asked.drafts, future=asked.future, now=now)
    published = published_entries(
        scanned.entries, drafts=asked.drafts, future=asked.future, now=now
    )
    links = entry_links(site, lambda: {scanned.names[e.path]: e.link for e in scanned.entries})
    checked = ItemChecks()
    render_into(
        site,
        carried(plans),
        scanned.digests,
        store,
        asked.jobs,
        asked.progress,
        workers,
        links,
        checked,
    )
    return _Planned(scanned, plans, warnings, len(published), checked)


def _write_and_record(
    asked: _Asked,
    store: Cache,
    planned: _Planned,
    last: BuildRecord | None,
    key: str,
    clock: _Clock,
) -> BuildResult:
    """Make every output, check it, write those that changed, and record the build."""
    site, scanned, plans = asked.site, planned.scanned, planned.plans
    outputs, keys = _outputs(site, store, planned, last)
    checked = _checked(site, store, planned, outputs, keys, last)
    warnings = planned.warnings + flat(checked)
    preview = rendered_items(site, plans[0].entries[:PREVIEW_MAX], scanned.digests, store)
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
    made: dict[str, Any] = {}
    written, unchanged = write_site(
        site, outputs, last, remove=gone, sharing=sharing(plans, store, asked.jobs), made=made
    )
    save_spans(site, store, made, unchanged)
    clock.lap("write")
    note_unannounced(site, written, plans)
    hits = store.hits
    save_record(store, _record(asked, planned, sorted(outputs), keys, key, checked))
    return BuildResult(
        scanned=len(scanned.entries),
        published=planned.published,
        written=tuple(p for p in written if p.name != MANIFEST_NAME),
        unchanged=tuple(p for p in unchanged if p.name != MANIFEST_NAME),
        warnings=tuple(warnings),
        cache_hits=hits,
    )


def _outputs(
    site: Site, store: Cache, planned: _Planned, last: BuildRecord | None
) -> tuple[dict[str, Content | None], dict[str, str]]:
    """Every feed file, by name (``None``: kept as it is), and the key of each."""
    scanned = planned.scanned
    outputs: dict[str, Content | None] = dict(
        feed_outputs(site, scanned.entries, planned.plans, scanned.digests, store)
    )
    keys = all_feed_keys(site, planned.plans, scanned)
    made_before = last.feeds if last else {}
    stats_before = last.outputs if last else {}
    for name in outputs:
        # A feed whose entries and settings are as last time, and whose file is as that
        # build left it, is kept without being made again.
        if made_before.get(name) == keys[name] and same_stat(site, name, stats_before):
            outputs[name] = None
    return outputs, keys


def _checked(
    site: Site,
    store: Cache,
    planned: _Planned,
    outputs: dict[str, Content | None],
    keys: dict[str, str],
    last: BuildRecord | None,
) -> dict[str, tuple[BuildWarning, ...]]:
    """What check says of the feeds, before writing (see :func:`checked_warnings`)."""
    from ._verify import check_written

    scanned, plans = planned.scanned, planned.plans
    made_before = last.feeds if last else {}
    # The last build checked the items of each feed it made: those of a feed made of the
    # same entries (and settings) as then need no second look.
    verified = {
        e.path
        for plan in plans
        if made_before.get(plan.names[0]) == keys[plan.names[0]]
        for e in plan.entries
    }
    fresh = check_written(
        site, plans, outputs, scanned.digests, store, scanned.names, verified, known=planned.checked
    )
    return checked_warnings(
        [name for plan in plans for name in plan.names],
        [scanned.names[e.path] for e in carried(plans)],
        fresh,
        last.checked if last else {},
    )


def _record(
    asked: _Asked,
    planned: _Planned,
    outputs: list[str],
    keys: dict[str, str],
    key: str,
    checked: dict[str, tuple[BuildWarning, ...]],
) -> BuildRecord:
    """What this build leaves for the next: ``outputs`` are the names of the files written
    (as they are now), ``keys`` each feed's, ``key`` the build's."""
    site, scanned, names = asked.site, planned.scanned, planned.scanned.names
    upcoming = upcoming_moments(
        scanned.entries, drafts=asked.drafts, future=asked.future, now=asked.now
    )
    return BuildRecord(
        key=key,
        horizon=min(upcoming) if upcoming else None,
        outputs={name: file_stat(site.output / name) for name in outputs},
        media=tuple(sorted({f for e in scanned.entries for f in e.media_files})),
        feeds=keys,
        # What delta_build() starts from: the settings and each feed's entries.
        settings=asked.settings,
        plans=tuple(
            RecordedFeed(plan.folder, plan.title, tuple(names[e.path] for e in plan.entries))
            for plan in planned.plans
        ),
        scanned=len(scanned.entries),
        published=planned.published,
        warnings=scanned.warnings,
        checked=checked,
    )


def _discovery(
    site: Site,
    plans: list[FeedPlan],
    outputs: dict[str, Any],
    preview: Callable[[], Iterator[Rendered]],
) -> list[BuildWarning]:
    """Add index.html (the feed list, then the entries ``preview`` gives, as a reader shows
    them) and feeds.opml to ``outputs``; an index.html that feedpub did not write (the
    site's own home page, say) is left alone, with a warning."""
    from ..feeds.discovery import feed_links, index_html, opml

    links = feed_links(site, [(plan.files, plan.title) for plan in plans if not plan.archive])
    outputs[OPML_NAME] = opml(site, links)
    if site.browser_view:
        from importlib import resources

        outputs[XSL_NAME] = (resources.files("feedpub") / "data" / XSL_NAME).read_bytes()
    page = site.output / INDEX_NAME
    if page.exists() and not is_ours(page, read_manifest(site).get("index_html")):
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
