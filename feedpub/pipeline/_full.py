"""A full build of every feed (:func:`build`), and what it hands to the delta path."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import signals
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
    Site,
    no_progress,
)
from ..plan import carried, current_time, plan_feeds, published_entries, upcoming_moments
from ..scan import check_entries_folder, list_entries, scan_all
from ..workers import Heap, Workers
from ._lock import build_lock
from ._output import Content
from ._record import (
    all_feed_keys,
    archive_changes,
    file_stat,
    full_archives,
    id_changes,
    is_ours,
    manifest,
    note_unannounced,
    previous_outputs,
    read_manifest,
    same_stat,
    still_current,
    write_site,
)
from ._render import feed_outputs, render_into, rendered_items, sharing

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
        Heap() as heap,
    ):
        now = now or current_time()  # (after waiting for another build)
        listing = list_entries(site)
        key = digest(json.dumps([str(site), drafts, future, listing.fingerprint()]).encode())
        last = store.last_build()
        if last and still_current(site, last, key, now):
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
            from ._delta import delta_build

            # A few entries edited or added: redo only the feeds they are in.
            result = delta_build(site, store, listing, last, key, now, drafts, future, lap)
            if result is not None:
                return replace(result, timings=tuple(timings))
        with Workers(
            jobs, preload=("feedpub.render",)
        ) as workers:  # for the scan, and then for rendering
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
        keys = all_feed_keys(site, plans, scanned)
        made_before = (last or {}).get("feeds", {})
        stats_before = (last or {}).get("outputs", {})
        for name in outputs:
            # A feed whose entries and settings are as last time, and whose file is as that
            # build left it, is kept without being made again.
            if made_before.get(name) == keys[name] and same_stat(site, name, stats_before):
                outputs[name] = None
        from ._verify import check_written  # what check says of the feeds, before writing

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
                "outputs": {name: list(file_stat(site.output / name)) for name in sorted(outputs)},
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
    """The warnings of :func:`._verify.check_written` for every feed file ``names`` and
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

    links = feed_links(site, [(plan.folder, plan.title) for plan in plans if not plan.archive])
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
