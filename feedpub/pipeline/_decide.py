"""What a delta build does, decided without reading or writing anything (the *decide* half of
feedpub/pipeline/_delta.py, which reads what this needs and then does what it decides).

:func:`decide` takes the last build's record and the entry files changed since, as read, and
says which feeds are written again and which feeds each new entry joins, or ``None`` when only
the full path can tell; :func:`place` then puts the new entries among the recorded ones of the
feeds they join, and :func:`new_ids_unique` checks a new entry's id and link against the
manifest's.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from .. import dialects
from ..errors import BuildWarning
from ..model import Entry, LocalFile, Site
from ..plan import SECTIONS_FOLDER, is_listed, section_of, select, taxonomies_of, term_slug
from ._record import BuildRecord, RecordedFeed


class Changes(NamedTuple):
    """The entry files changed since the last build, read: edits and new entries."""

    #: Each edited entry as it is now, by file name in the entries folder ...
    edited: Mapping[str, Entry]
    #: ... and as the cache holds it from the last build (``None``: not readable there).
    before: Mapping[str, Entry | None]
    #: Each new entry, by file name.
    added: Mapping[str, Entry]


class Decision(NamedTuple):
    """What a delta build does, as :func:`decide` found it."""

    #: The recorded feeds an edited entry is in: written again (indexes in ``plans``).
    redone: frozenset[int]
    #: The new entries (file names) that join each feed, by index in ``plans``.
    joining: Mapping[int, tuple[str, ...]]
    #: Entries published after this build.
    published: int
    #: The local image and enclosure files of every entry after this build, sorted.
    media: tuple[LocalFile, ...]

    def wanted(self, plans: tuple[RecordedFeed, ...], edited: Mapping[str, Entry]) -> set[str]:
        """The entries to read from the cache: those of every feed written again or joined,
        but the edited ones (read from their files)."""
        feeds = self.redone | self.joining.keys()
        return {rel for i in feeds for rel in plans[i].entries} - edited.keys()


def recorded_warnings(
    recorded: tuple[BuildWarning, ...], known: set[str]
) -> dict[str, list[BuildWarning]] | None:
    """The last build's warnings about each entry file, by path; ``None`` when some warning
    is about no file the listing has (so they could not be put back in order)."""
    by_path: dict[str, list[BuildWarning]] = {}
    for warning in recorded:
        path = str(warning.path) if warning.path else None
        if path not in known:
            return None
        by_path.setdefault(path, []).append(warning)
    return by_path


def decide(
    last: BuildRecord,
    site: Site,
    changes: Changes,
    *,
    drafts: bool,
    future: bool,
    now: datetime,
) -> Decision | None:
    """What to do for ``changes`` since the ``last`` build (made with the same settings and
    flags): the feeds whose edited entries must be written again, and the feeds each new entry
    joins. ``None`` when an edit may move its entry (another date, draft state, category, tag,
    author, id, link or slug: see :func:`_placement`) or changes its media files or a term's
    own page, or when a new entry would make a feed the last build did not have or is listed
    under a term of a term-list feed: then only the full path can tell."""
    for rel, entry in changes.edited.items():
        before = changes.before[rel]
        if before is None or _placement(before) != _placement(entry):
            return None
        if site.term_list_feeds and dialects.of(site).taxonomy_page(site, entry.path):
            return None  # a term's own page: the full path makes its term-list feed again
        if before.media_files != entry.media_files:
            return None  # the media files the build depends on changed
    plans = last.plans
    where = {plan.folder: i for i, plan in enumerate(plans)}
    joining: dict[int, list[str]] = {}
    published = last.published  # entries published, in the feeds or beyond limit
    for rel, entry in changes.added.items():
        if not select((entry,), limit=0, drafts=drafts, future=future, now=now):
            continue  # a draft or future entry: in no feed (yet)
        published += 1
        targets = _feeds_of(site, entry, plans, where)
        if targets is None:
            return None
        for i in targets:
            joining.setdefault(i, []).append(rel)
    edited = changes.edited.keys()
    media = {*last.media, *(f for e in changes.added.values() for f in e.media_files)}
    return Decision(
        redone=frozenset(i for i, plan in enumerate(plans) if not edited.isdisjoint(plan.entries)),
        joining={i: tuple(rels) for i, rels in joining.items()},
        published=published,
        media=tuple(sorted(media)),
    )


def _feeds_of(
    site: Site, entry: Entry, plans: tuple[RecordedFeed, ...], where: Mapping[str, int]
) -> list[int] | None:
    """The feeds (indexes in ``plans``, the main feed's first) a new published entry is for;
    ``None`` when one of them is not among ``plans`` (``where``: index by folder)."""
    if dialects.of(site).branches:
        return None  # a section's own page, or its date, which a new page may change
    section = section_of(site, entry)
    targets = [0] if not site.main_sections or section in site.main_sections else []
    if site.section_feeds and section:
        i = where.get(f"{SECTIONS_FOLDER}/{section}/")
        if i is None:
            return None  # a new section
        targets.append(i)
    for (_, folder, _, names_of), only in taxonomies_of(site):
        names = names_of(entry)
        if len(set(names)) != len(names):
            return None
        if names and site.term_list_feeds:
            return None  # a term's date, or a new term, in a term-list feed: the full path
        for name in names:
            if only is not True and not is_listed(name, only):
                continue
            i = where.get(f"{folder}/{term_slug(site, name)}/")
            if i is None or plans[i].title != f"{site.title} \u2014 {name}":
                return None  # a new feed, or a name spelled another way
            targets.append(i)
    return targets


def place(
    plans: tuple[RecordedFeed, ...],
    decision: Decision,
    entries: Mapping[str, Entry],
    limit: int,
    main_limit: int | None = None,
) -> tuple[tuple[RecordedFeed, ...], frozenset[int]]:
    """The feeds after the new entries joined them, and those to write again: the ones
    redone, and each one the new entries came into (newest first, at most ``limit``: each
    recorded list was the newest of all entries that qualify, so nothing else can come in;
    the main feed, the first, at most ``main_limit`` when set).
    ``entries``: every entry of the feeds joined, by file name."""
    placed = list(plans)
    redone = set(decision.redone)

    def order(rel: str) -> tuple[float, str]:
        return -entries[rel].date.timestamp(), str(entries[rel].path)

    for i, rels in decision.joining.items():
        had = plans[i].entries
        # Each recorded list is in this order already: a new entry goes to its place, found
        # by looking at a few of them (``entries`` may read them only when asked).
        newest = list(had)
        for rel in sorted(rels, key=order):
            bisect.insort(newest, rel, key=order)
        most = limit if i or main_limit is None else main_limit
        newest = newest[:most] if most else newest
        if tuple(newest) != had:
            placed[i] = plans[i]._replace(entries=tuple(newest))
            redone.add(i)
    return tuple(placed), frozenset(redone)


def new_ids_unique(records: Mapping[str, Any], added: Mapping[str, Entry]) -> bool:
    """Whether each new entry's id and link are unlike every other's, ``records`` being the
    manifest's entries (name → id and link); ``False`` too for records that are not such."""
    try:
        ids = {record["id"] for record in records.values()}
        links = {record["link"] for record in records.values()}
    except (KeyError, TypeError):
        return False
    for entry in added.values():
        if entry.id in ids or entry.link in links:
            return False  # the full path says which entries share it
        ids.add(entry.id)
        links.add(entry.link)
    return True


def _placement(entry: Entry) -> tuple[Any, ...]:
    """Everything that decides which feeds carry an entry, where, and under which id."""
    dates = (entry.date, entry.updated, entry.publish_date, entry.expiry_date)
    return (
        *(d.isoformat() if d else None for d in dates),
        entry.draft,
        entry.categories,
        entry.tags,
        entry.authors,
        entry.terms,
        entry.id,
        entry.link,
        entry.slug,
    )
