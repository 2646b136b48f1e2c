"""Rendering the entries feeds carry (in worker processes for large sites) into the cache,
and the feed files made from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from .. import dialects
from ..cache import Cache, RenderedRow
from ..files import relative_name
from ..model import (
    ATOM_NAME,
    XSL_NAME,
    Author,
    Entry,
    FeedPlan,
    Finding,
    Progress,
    Site,
    Term,
    no_progress,
)
from ..plan import feed_files, feed_site
from ..workers import Workers, job_count
from . import _output as output
from ._output import Content, Sharing

if TYPE_CHECKING:
    from ..model import Rendered

#: The same for rendering when no workers were started for the scan: new ones would be forked
#: from a process that then holds every entry, which costs more than rendering a few hundred
#: saves.
RENDER_PARALLEL_MIN = 1000
#: ... and when the scan's workers are there: they render in parallel from this many on.
RENDER_WORKERS_MIN = 32

#: At most this many entries carried by several feeds have their feed items kept for the
#: next feed (see :class:`feedpub.feeds.ItemMemo`): a typical site has a few hundred.
MEMO_MAX = 1000


def render_into(
    site: Site,
    chosen: list[Entry],
    digests: Mapping[Path, str],
    cache: Cache,
    jobs: int | None,
    progress: Progress = no_progress,
    workers: Workers | None = None,
    links: Mapping[str, str] | None = None,
    checked: ItemChecks | None = None,
) -> int:
    """Render every chosen entry not rendered yet into ``cache``; returns how many. In
    parallel when there are many, in ``workers`` if they were started (by the scan).
    ``links``: every entry's link by its file name, for bodies that link to other entries
    (see :func:`entry_links`). ``checked``: told what check says of the item of each entry
    rendered (see :class:`ItemChecks`)."""
    few = len(chosen) <= 100  # (then only theirs are looked up)
    done = cache.rendered_digests([_rel(site, e) for e in chosen] if few else None)
    missing = [e for e in chosen if done.get(_rel(site, e)) != digests.get(e.path, "")]
    advance = progress("Rendering", len(missing))
    rows: list[RenderedRow] = []
    work = partial(_render_entries, links=links, check=checked is not None)
    with Workers(jobs, preload=("feedpub.render", "feedpub.feeds")) as own:
        if workers is not None and workers.started:
            results = workers.map(work, site, missing, RENDER_WORKERS_MIN)
        else:
            results = own.map(work, site, missing, RENDER_PARALLEL_MIN)
        for entry, (rel, title, summary, html, findings) in zip(missing, results, strict=True):
            advance(1)
            rows.append(RenderedRow(rel, digests.get(site.entries / rel, ""), title, summary, html))
            if findings:
                assert checked is not None
                checked.findings[entry.path] = findings
            if len(rows) >= 200:  # in batches, and never many pages of HTML held at once
                cache.store_rendered_many(rows)
                rows = []
    cache.store_rendered_many(rows)
    if checked is not None:
        checked.every = len(missing) == len(chosen)
    return len(missing)


@dataclass
class ItemChecks:
    """What check says of the items of the entries :func:`render_into` rendered, found in the
    processes that render them, alongside (by :func:`feedpub.feeds.item_findings`, on the
    values the feeds then carry), rather than afterwards in the build's own process alone,
    which read every item back from the cache for it (a tenth of a cold build of every entry
    with full content). Only the findings, of the few entries that have some, are kept."""

    #: The findings of each entry that has some, by its file.
    findings: dict[Path, list[Finding]] = field(default_factory=dict)
    #: Whether every entry asked for was rendered (and so checked).
    every: bool = False


def entry_links(site: Site, links: Callable[[], Mapping[str, str]]) -> Mapping[str, str] | None:
    """``links()`` (each entry's link by its file name) when the site's dialect lets a body
    link to another entry (Jekyll's ``post_url``, Hugo's ``ref``), else ``None`` (and
    ``links`` is not called)."""
    return links() if dialects.of(site).links_in_bodies else None


def _render_entries(
    site: Site, entries: list[Entry], links: Mapping[str, str] | None = None, check: bool = False
) -> list[tuple[str, str, str, str | None, list[Finding] | None]]:
    """Render entries (runs in worker processes when there are many); with ``check``, with
    what check says of each one's item."""
    from ..render import render  # cmark and nh3: loaded only when something is rendered

    if check:
        from ..feeds import item_findings

    results = []
    for entry in entries:
        item = render(entry, site, links)
        findings = item_findings(item) if check else None
        results.append((_rel(site, entry), item.title, item.summary, item.content_html, findings))
    return results


def _rel(site: Site, entry: Entry) -> str:
    return relative_name(site.entries, entry.path)


class ItemKeys(Sequence[str | None]):
    """The keys of a feed's items (:attr:`feedpub.feeds.Feed.keys`), each made when asked: the
    writers go through them once, and kept as strings they took 14 MB at 100,000 entries."""

    def __init__(self, site: Site, entries: Sequence[Entry], digests: Mapping[Path, str]) -> None:
        from .. import feeds

        self._site, self._entries, self._digests = site, entries, digests
        self._item_key = feeds.item_key

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> str | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[str | None]: ...

    def __getitem__(self, index: int | slice) -> str | list[str | None] | None:
        if isinstance(index, slice):
            return [self._key(e) for e in self._entries[index]]
        return self._key(self._entries[index])

    def __iter__(self) -> Iterator[str | None]:
        return map(self._key, self._entries)

    def _key(self, entry: Entry) -> str | None:
        return self._item_key(_rel(self._site, entry), self._digests.get(entry.path, ""))


class FeedFacts(NamedTuple):
    """What a feed's head and its file records need of all its entries, when the caller
    knows it without reading them (a warm build, from the last build's record of the feed:
    see feedpub/pipeline/_delta.py)."""

    #: The newest entry's date (:attr:`feedpub.feeds.Feed.updated`).
    updated: datetime
    #: Whether some entry has an image.
    media: bool
    #: What each item is made from (:attr:`feedpub.feeds.Feed.keys`), and their hashes.
    keys: tuple[str | None, ...]
    hashes: bytes | None = None


def feed_outputs(
    site: Site,
    entries: tuple[Entry, ...],
    plans: list[FeedPlan],
    digests: Mapping[Path, str],
    cache: Cache,
    facts: Mapping[str, FeedFacts] | None = None,
) -> dict[str, Content]:
    """Every feed file, by name in the output folder, streamed from the rendered entries.
    ``facts``: by a feed's folder, what is known of it without going through its entries
    (given for every feed of ``plans`` or for none)."""
    from .. import feeds  # feedgen and lxml: loaded only when feeds are written

    outputs: dict[str, Content] = {}
    memo = feeds.ItemMemo()
    if facts is None:
        # The items of an entry that several feeds carry are made once for all of them;
        # unless there are so many such entries that they could not be kept until their
        # next feed.
        carried_by = Counter(id(e) for plan in plans for e in plan.entries)
        repeated = [key for key, count in carried_by.items() if count > 1]
        memo = feeds.ItemMemo(repeated if len(repeated) <= MEMO_MAX else ())
    # Where each item is in each feed file as the last build wrote it: the items that did not
    # change are copied from there (feedpub/feeds/_splice.py).
    target = site.output.resolve()
    recorded = cache.spans([str(target / path) for plan in plans for _, path in plan.files])
    for plan in plans:
        channel = feed_site(site, plan.folder)  # (another language's: its own)
        known = facts[plan.folder] if facts is not None else None
        feed = feeds.Feed(
            title=plan.title,
            description=plan.description or channel.description,
            language=channel.language,
            home_url=plan.home or channel.base_url,
            authors=site.authors or (Author(name=site.title),),
            items=rendered_items(site, plan.entries, digests, cache)
            if plan.terms is None
            else term_items(site, plan.terms, digests, cache),
            # Feed-level dates come from the entries, never the clock: builds are reproducible.
            updated=known.updated if known else _updated(plan, plans, entries),
            stylesheet=None,
            media=known.media if known else any(e.image for e in plan.entries),
            # Nobody subscribes to an archive document, which never changes once full.
            hubs=() if plan.archive else site.hubs,
            # An archive only once full: until then its entries still change.
            archive=bool(plan.archive) and len(plan.entries) == site.archive_size,
            # One logical feed: archive documents have the main feed's Atom id.
            feed_id=channel.base_url + (site.atom_path or ATOM_NAME) if plan.archive else None,
            # (A term-list feed's items are no entries: it is written whole, every time.)
            keys=known.keys
            if known
            else ItemKeys(site, plan.entries, digests)
            if plan.terms is None
            else None,
            pick=picked_items(site, plan.entries, digests, cache) if plan.terms is None else None,
            hashes=known.hashes if known else None,
        )
        for format, path in plan.files:
            # (JSON Feed has no RFC 5005 links: only the main feed's RSS and Atom use them.)
            history = tuple(
                (rel, site.feed_url(dict(feed_files(site, to)).get(format, to)))
                for rel, to in plan.history
            )
            document = replace(feed, history=history) if history else feed
            if site.browser_view and format != "json":
                # Relative, so the browser view also works where the site is previewed
                # (browsers apply only stylesheets from the feed's own origin).
                document = replace(document, stylesheet="../" * path.count("/") + XSL_NAME)
            url = site.feed_url(path)
            found = recorded.get(str(target / path))
            previous = feeds.Previous(*found) if found else None
            if format == "json":
                outputs[path] = partial(feeds.write_json, document, url, previous=previous)
            else:
                write = feeds.write_rss if format == "rss" else feeds.write_atom
                outputs[path] = partial(write, document, url, memo=memo, previous=previous)
    return outputs


def term_items(
    site: Site, terms: tuple[Term, ...], digests: Mapping[Path, str], cache: Cache
) -> Callable[[], Iterator[Rendered]]:
    """A function giving the items of a term-list feed: one per term, with its title, and the
    summary of its own page (rendered now unless the cache holds it), else none."""
    from ..model import Rendered

    pages = [term.page for term in terms if term.page is not None]

    def items() -> Iterator[Rendered]:
        rendered = rendered_items(site, pages, digests, cache)() if pages else iter(())
        summaries = {page.path: item.summary for page, item in zip(pages, rendered, strict=True)}
        for term in terms:
            summary = summaries[term.page.path] if term.page is not None else ""
            yield Rendered(entry=term, title=term.title, summary=summary, content_html=None)

    return items


def _updated(plan: FeedPlan, plans: list[FeedPlan], entries: tuple[Entry, ...]) -> datetime:
    """A feed's date: its newest entry's. An empty feed (an archive document just begun) is
    as new as the newest entry readers can see: a draft's or a future entry's date must not
    show, nor its edits rewrite it."""
    items = plan.terms if plan.terms is not None else plan.entries
    if items:
        return max(i.modified for i in items)
    shown = max((e.modified for p in plans for e in p.entries), default=None)
    return shown or max(e.modified for e in entries)


def save_spans(
    site: Site, cache: Cache, made: Mapping[str, Any], unchanged: Iterable[Path] = ()
) -> None:
    """Keep, for the next build, where each item is in the feed files just written (what
    their writers returned, ``made``, by name), with what each file is now; the records of
    the other files written are forgotten. The records of the files left as they were
    (``unchanged``) get their new status change time (the build linked and unlinked them):
    those of files written to, replaced or resized meanwhile are forgotten."""
    target = site.output.resolve()
    rows: list[tuple[str, tuple[int, ...], bytes]] = []
    gone: list[str] = []
    for name, result in made.items():
        record = getattr(result, "record", None)
        if isinstance(record, bytes):
            try:
                rows.append((str(target / name), output.file_identity(target / name), record))
                continue
            except OSError:
                pass
        gone.append(str(target / name))
    kept = [str(p) for p in unchanged if p.relative_to(target).as_posix() not in made]
    for text, (identity, record) in cache.spans(kept).items():
        try:
            now: tuple[int, ...] = output.file_identity(Path(text))
        except OSError:
            now = ()
        if now != identity:
            if output.same_file(identity, now):
                rows.append((text, now, record))
            else:
                gone.append(text)
    cache.forget_spans(gone)
    cache.store_spans(rows)


def picked_items(
    site: Site,
    chosen: list[Entry],
    digests: Mapping[Path, str],
    cache: Cache,
    links: Mapping[str, str] | None = None,
) -> Callable[[Sequence[int]], Iterator[Rendered]]:
    """A function giving the entries of ``chosen`` at the positions asked, rendered (see
    :func:`rendered_items`), without reading the others from ``cache``."""

    def pick(positions: Sequence[int]) -> Iterator[Rendered]:
        return rendered_items(site, [chosen[i] for i in positions], digests, cache, links)()

    return pick


def sharing(plans: list[FeedPlan], cache: Cache, jobs: int | None) -> Sharing | None:
    """How to write the feeds of ``plans`` in several processes when they are large (their
    items are read from ``cache`` in each)."""
    jobs = job_count(jobs)
    weights = {name: len(plan.entries) for plan in plans for name in plan.names}
    if jobs < 2 or sum(weights.values()) < output.SHARING_MIN:
        return None  # (checked before the commit shared_reads makes, which it would waste)
    reads = cache.shared_reads()
    return Sharing(jobs, weights, *reads) if reads else None


def rendered_items(
    site: Site,
    chosen: list[Entry],
    digests: Mapping[Path, str],
    cache: Cache,
    links: Mapping[str, str] | None = None,
) -> Callable[[], Iterator[Rendered]]:
    """A function giving ``chosen`` as rendered by :func:`render_into`, read from ``cache``
    one at a time (each feed format iterates them once). An entry the cache no longer holds
    as rendered then (the cache failed and was replaced on the way, or another program
    changed it) is rendered again here: never a feed written from another entry's HTML."""
    from ..model import Rendered
    from ..render import render

    def items() -> Iterator[Rendered]:
        wanted = [(_rel(site, e), digests.get(e.path, "")) for e in chosen]
        for entry, found in zip(chosen, cache.rendered_many(wanted), strict=True):
            if found is None:
                yield render(entry, site, links)
                continue
            title, summary, html = found
            yield Rendered(entry=entry, title=title, summary=summary, content_html=html)

    return items
