"""Which feeds a site has and what each carries: the entries published now, the main feed,
category/tag/author feeds, the term-list feeds of their taxonomies, RFC 5005 archive
documents. Pure: shared by full and delta builds, ``check`` and ``list``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from . import dialects
from .errors import BuildErrors, ConfigError, EntryError, FeedpubError, display_path
from .fields import UNDATED
from .model import (
    ARCHIVE_FOLDER,
    FORMATS,
    INDEX_NAME,
    MANIFEST_NAME,
    OPML_NAME,
    XSL_NAME,
    Entry,
    FeedPlan,
    Site,
    Term,
)


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


class Taxonomy(NamedTuple):
    """A kind of per-name feed: one feed for each category, tag or author."""

    #: The setting that turns these feeds on (an attribute of :class:`Site`).
    setting: str
    #: The ``{taxonomy}`` of ``taxonomy_path`` (``categories``: by default each category's feed
    #: is in ``categories/<slug>/``), and the start of each such feed's :attr:`FeedPlan.folder`.
    folder: str
    #: What one name is, in messages.
    kind: str
    #: The names an entry is listed under.
    names_of: Callable[[Entry], tuple[str, ...]]


#: Per-taxonomy feeds: the setting that turns them on, their folder, and what they group by.
TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("category_feeds", "categories", "category", lambda e: e.categories),
    Taxonomy("tag_feeds", "tags", "tag", lambda e: e.tags),
    Taxonomy("author_feeds", "authors", "author", lambda e: tuple(a.name for a in e.authors)),
)


def taxonomies_of(site: Site) -> list[tuple[Taxonomy, Literal[True] | tuple[str, ...]]]:
    """The taxonomies whose names get feeds on ``site``, each with the names that do (``True``:
    all): categories, tags and authors as their settings say, then each of ``taxonomies``
    (Hugo's others, by front matter key: the entry's :attr:`Entry.terms`)."""
    found: list[tuple[Taxonomy, Literal[True] | tuple[str, ...]]] = [
        (t, only) for t in TAXONOMIES if (only := getattr(site, t.setting))
    ]
    for key in site.taxonomies:
        if key not in (t.folder for t in TAXONOMIES):
            found.append((Taxonomy("taxonomies", key, "term", _terms_in(key)), True))
    return found


def _terms_in(key: str) -> Callable[[Entry], tuple[str, ...]]:
    return lambda e: next((names for k, names in e.terms if k == key), ())


#: The folder (identity) of section feeds: "sections/posts/" is the feed of section "posts".
SECTIONS_FOLDER = "sections"
#: The folder (identity) of term-list feeds: "term-lists/categories/" is the feed whose items
#: are the categories (Hugo's /categories/index.xml).
TERM_LISTS_FOLDER = "term-lists"
#: Files of the output folder that are no feed's.
RESERVED_NAMES = (INDEX_NAME, OPML_NAME, XSL_NAME, MANIFEST_NAME)


def feed_files(site: Site, folder: str) -> tuple[tuple[str, str], ...]:
    """The files, (format, name in the output folder), of the feed ``folder`` names (see
    :attr:`FeedPlan.folder`), as the settings place them: the main feed at ``rss_path``,
    ``atom_path``, ``json_path``; an archive document as ``archive/<n>/<file>`` (RSS and
    Atom); a section's at ``section_path``; a category's, tag's or author's at
    ``taxonomy_path``; a taxonomy's term list at ``term_list_path``. ``<file>`` is the file
    name of the format's main feed."""
    code, folder = _language_split(folder)
    if code:  # another language's: the same files, below its folder
        language = site.language_of(code)
        prefix = language.folder if language else f"{code}/"
        return tuple((f, prefix + name) for f, name in feed_files(site.in_language(code), folder))
    found = []
    kind, _, rest = folder.partition("/")
    for format in FORMATS:
        path = site.feed_path(format)
        if path is None:
            continue
        file = path.rsplit("/", 1)[-1]
        if not folder:
            found.append((format, path))
        elif kind == ARCHIVE_FOLDER:
            if format != "json":
                found.append((format, folder + file))
        elif kind == SECTIONS_FOLDER:
            found.append((format, site.section_path.format(section=rest[:-1], file=file)))
        elif kind == TERM_LISTS_FOLDER:
            found.append((format, site.term_list_path.format(taxonomy=rest[:-1], file=file)))
        else:
            pattern = site.taxonomy_path
            found.append((format, pattern.format(taxonomy=kind, slug=rest[:-1], file=file)))
    return tuple(found)


def feed_plan(
    site: Site,
    folder: str,
    title: str,
    entries: list[Entry],
    archive: int = 0,
    history: tuple[tuple[str, str], ...] = (),
) -> FeedPlan:
    """The :class:`FeedPlan` of the feed ``folder``, with its files where the settings put them."""
    return FeedPlan(folder, title, entries, archive, history, feed_files(site, folder))


def section_of(site: Site, entry: Entry) -> str:
    """The section an entry is in: its top folder in the entries folder (Hugo's section), ""
    for one at the top; with the ``jekyll`` dialect its collection (``_posts/``: "posts";
    drafts are posts)."""
    return _sections(site)(entry)


def _sections(site: Site) -> Callable[[Entry], str]:
    """:func:`section_of` for many entries of ``site``: its dialect looked up once."""
    dialect = dialects.of(site)
    section, folders = dialect.section, dialect.folders
    return lambda entry: section(folders(entry.path, site))


def plan_feeds(
    site: Site,
    entries: tuple[Entry, ...],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[FeedPlan]:
    """The main feed, then one per section, and per category, tag and author where the
    settings ask for them, each taxonomy's term list after its terms' feeds (``term_list_feeds``);
    then the same feeds of each other language whose feeds are written
    (:attr:`Site.language_feeds`), of its own entries, below its folder
    (:func:`language_folder`).

    A name's folder is its slug (:func:`term_slug`; python-slugify: lowercase ASCII, other
    scripts transliterated, so "Business & Economy" → business-economy, "Économie" →
    economie; with the ``hugo`` dialect Hugo's folder, "robots.txt"). Raises
    :class:`BuildErrors` when two names make the same slug, or one makes none."""
    by_language: dict[str, list[Entry]] = {"": list(entries)}
    if site.language_feeds:  # (a site of one language: no look at each entry)
        language = dialects.of(site).language
        by_language = {"": [], **{f.code: [] for f in site.language_feeds}}
        for entry in entries:
            code = language(entry.path, site)
            if code in by_language:
                by_language[code].append(entry)
    plans: list[FeedPlan] = []
    problems: list[FeedpubError] = []
    for code, chosen in by_language.items():
        try:
            found = _language_plans(
                site.in_language(code), tuple(chosen), drafts=drafts, future=future, now=now
            )
        except BuildErrors as e:
            problems += e.errors
            continue
        plans += [_in_language(site, code, plan) for plan in found] if code else found
    if problems:
        raise BuildErrors(problems)
    _check_paths(site, plans)
    return plans


#: Starts the :attr:`FeedPlan.folder` of a feed of a language besides the site's first:
#: "@es/categories/news/" is the feed of the category news of the language "es".
LANGUAGE_MARK = "@"


def language_folder(code: str, folder: str) -> str:
    """The folder (identity) of the feed ``folder`` of the language ``code`` ("": the first)."""
    return f"{LANGUAGE_MARK}{code}/{folder}" if code else folder


def _language_split(folder: str) -> tuple[str, str]:
    """The language of the feed ``folder`` ("": the first) and its folder in that language."""
    if not folder.startswith(LANGUAGE_MARK):
        return "", folder
    code, _, rest = folder[len(LANGUAGE_MARK) :].partition("/")
    return code, rest


def feed_site(site: Site, folder: str) -> Site:
    """The site as the feed ``folder`` sees it: its language's title, description, language
    tag and address (``base_url``) for another language's feed (see :meth:`Site.in_language`)."""
    code = _language_split(folder)[0]
    return site.in_language(code) if code else site


def _in_language(site: Site, code: str, plan: FeedPlan) -> FeedPlan:
    """``plan``, a feed of the language ``code``, as one of ``site``'s feeds: in its folder."""
    return replace(
        plan,
        folder=language_folder(code, plan.folder),
        history=tuple((rel, language_folder(code, to)) for rel, to in plan.history),
        files=feed_files(site, language_folder(code, plan.folder)),
    )


def _language_plans(
    site: Site,
    entries: tuple[Entry, ...],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[FeedPlan]:
    """The feeds of one language's ``entries``, ``site`` as that language sees it."""
    visible = select(entries, limit=0, drafts=drafts, future=future, now=now)
    dialect = dialects.of(site)  # (once: asked for each entry, it took a tenth of planning)
    branch = dialect.branch  # (a Hugo section's _index.md: in term feeds only)
    section_of = _sections(site)
    undated: set[Path] = set()  # (sections' own pages dated by their pages, below)
    own_pages: dict[tuple[str, str], Entry] = {}  # taxonomies' and terms': in no feed
    if dialect.branches:
        visible = _without_taxonomy_pages(site, visible, own_pages)
        undated = {e.path for e in visible if e.date == UNDATED and branch(e.path)}
        visible = dated_branches(site, visible)
    pages = [e for e in visible if not branch(e.path)]
    main = pages
    if site.main_sections:
        main = [e for e in pages if section_of(e) in site.main_sections]
    limit = site.limit if site.main_limit is None else site.main_limit
    plans = [feed_plan(site, "", site.title, main[:limit] if limit else main)]
    if site.section_feeds:
        sections: dict[str, list[Entry]] = {}
        for entry in visible:
            if section := section_of(entry):
                listed = sections.setdefault(section, [])  # (a section of no page has one)
                if not branch(entry.path):
                    listed.append(entry)
        for section in sorted(sections):
            chosen = sections[section][: site.limit] if site.limit else sections[section]
            title = f"{site.title} \u2014 {section}"
            plans.append(feed_plan(site, f"{SECTIONS_FOLDER}/{section}/", title, chosen))
    problems: list[FeedpubError] = []
    same_term = dialect.same_term
    slug_of_term = term_slugs(site)
    for (_, folder, kind, names_of), only in taxonomies_of(site):
        groups: dict[str, list[Entry]] = {}
        spelled: dict[str, tuple[str, Entry]] = {}
        longest_names: dict[str, str] = {}
        for entry in visible:
            for name in names_of(entry):
                if only is not True and not is_listed(name, only):
                    continue
                slug = slug_of_term(name)
                first = spelled.setdefault(slug, (name, entry))
                longest = longest_names.get(slug)
                if longest is None:  # (once a slug: names repeat across many entries)
                    longest = longest_names[slug] = _longest_name(site, f"{folder}/{slug}/")
                if (
                    not slug
                    or len(longest.encode()) > NAME_MAX
                    or (first[0] != name and not same_term(first[0], name))
                ):
                    problems.append(_slug_problem(kind, name, slug, first, entry, longest))
                    continue
                group = groups.setdefault(slug, [])
                if not group or group[-1] is not entry:  # ('Python' and 'python' in one)
                    group.append(entry)
        for slug in sorted(groups):
            chosen = groups[slug][: site.limit] if site.limit else groups[slug]
            title = f"{site.title} \u2014 {spelled[slug][0]}"
            plans.append(feed_plan(site, f"{folder}/{slug}/", title, chosen))
        # A term's own page that no page lists the term of (Hugo's content/tags/x/_index.md):
        # Hugo writes the term's feed all the same, empty, at the address of its folder.
        for (taxonomy, term), page in sorted(own_pages.items()):
            slug = slug_of_term(term) if taxonomy == folder and term else ""
            if slug and slug not in groups and (only is True or is_listed(term, only)):
                title = f"{site.title} \u2014 {page.title or term}"
                plans.append(feed_plan(site, f"{folder}/{slug}/", title, []))
        if site.term_list_feeds:
            plans.append(term_list_plan(site, folder, names_of, groups, undated, own_pages))
    if problems:
        raise BuildErrors(problems)
    if site.archive:
        plans[0], archives = archive_plans(site, plans[0], main)
        plans += archives
    return plans


def term_list_plan(
    site: Site,
    taxonomy: str,
    names_of: Callable[[Entry], tuple[str, ...]],
    groups: dict[str, list[Entry]],
    undated: Collection[Path] = (),
    pages: Mapping[tuple[str, str], Entry] | None = None,
) -> FeedPlan:
    """The term-list feed of ``taxonomy`` (the folder of its terms' feeds, ``categories``,
    whose entries list their terms in ``names_of``): one item per term of ``groups`` (each
    term's entries by its slug, newest first), dated by its newest entry (a section's own
    page in ``undated`` by none: Hugo dates terms before it dates sections), named and
    linked, ordered and titled as the site's dialect does, at most ``limit``. ``pages``: the
    taxonomy's own page and its terms' (by taxonomy and term, see
    :meth:`~feedpub.dialects.Dialect.taxonomy_page`), whose titles and dates win."""
    dialect = dialects.of(site)
    slug_of_term = term_slugs(site)
    pages = pages or {}
    terms = []
    for slug in dict.fromkeys([*groups, *(t for (x, t), _ in pages.items() if x == taxonomy)]):
        if not slug:
            continue  # (the taxonomy's own page)
        group = groups.get(slug, [])
        names = [(n, e) for e in group for n in names_of(e) if slug_of_term(n) == slug]
        found = dialect.term_page(site, taxonomy, slug)
        if found is None:  # no page of its own: its feed (the first of its files)
            link = site.feed_url(feed_files(site, f"{taxonomy}/{slug}/")[0][1])
            found = link, link
        link, term_id = found
        date = max((UNDATED if e.path in undated else e.date for e in group), default=UNDATED)
        page = pages.get((taxonomy, slug))
        title = dialect.term_name(site, names) if names else slug
        if page is not None:
            title, date = page.title, page.date if page.date != UNDATED else date
        terms.append(Term(title, link, term_id, date, slug, page))
    terms.sort(key=dialect.term_order)
    own = pages.get((taxonomy, ""))
    title, description, home = dialect.term_list_head(site, taxonomy, own.title if own else None)
    return replace(
        feed_plan(site, f"{TERM_LISTS_FOLDER}/{taxonomy}/", title, []),
        terms=tuple(terms[: site.limit] if site.limit else terms),
        description=description,
        home=home,
    )


def _without_taxonomy_pages(
    site: Site, visible: list[Entry], pages: dict[tuple[str, str], Entry]
) -> list[Entry]:
    """``visible`` without the taxonomies' and terms' own pages, which go into ``pages`` (by
    taxonomy and term: see :meth:`~feedpub.dialects.Dialect.taxonomy_page`)."""
    kept = []
    taxonomy_page = dialects.of(site).taxonomy_page
    for entry in visible:
        where = taxonomy_page(site, entry.path)
        if where is None:
            kept.append(entry)
        else:
            pages.setdefault(where, entry)
    return kept


def dated_branches(site: Site, visible: list[Entry]) -> list[Entry]:
    """``visible`` (newest first), a section's own page without a date (0001-01-01) dated by
    the newest page below its folder, as Hugo dates it; one with no dated page below it left
    out unless ``undated_pages``."""
    branch = dialects.of(site).branch
    newest: dict[Path, datetime] = {}
    for entry in visible:
        if not branch(entry.path):
            for folder in entry.path.parents:
                if folder in newest or folder == site.entries.parent:
                    break  # (newest first: a folder's first date is its newest)
                newest[folder] = entry.date
    dated = []
    for entry in visible:
        if branch(entry.path) and entry.date == UNDATED:
            date = newest.get(entry.path.parent, UNDATED)
            if date == UNDATED and not site.undated_pages:
                continue
            entry = replace(entry, date=date)
        dated.append(entry)
    return select(tuple(dated), limit=0, drafts=True, future=True)


def term_slug(site: Site, name: str) -> str:
    """The folder of the feed of the category (tag, author) ``name``: its slug as the site's
    dialect makes it (python-slugify's; Hugo's urlize keeps ``robots.txt``)."""
    return dialects.of(site).term_slug(name)


def term_slugs(site: Site) -> Callable[[str], str]:
    """:func:`term_slug` for the many names of one plan: each name's slug made once (10,000
    entries name a few dozen categories and tags, 20,000 times)."""
    made: dict[str, str] = {}
    slug = dialects.of(site).term_slug

    def slug_of(name: str) -> str:
        found = made.get(name)
        if found is None:
            found = made[name] = slug(name)
        return found

    return slug_of


def is_listed(name: str, listed: tuple[str, ...]) -> bool:
    """Whether the category ``name`` is one of ``listed`` (the same, or the same slug)."""
    return name in listed or slug_of(name) in (slug_of(n) for n in listed)


def _check_paths(site: Site, plans: list[FeedPlan]) -> None:
    """Raise :class:`ConfigError` when two feed files of ``plans`` are at one path, or one
    is where the build writes index.html, feeds.opml or feed.xsl."""
    taken: dict[str, tuple[str, str] | None] = dict.fromkeys(RESERVED_NAMES)
    for plan in plans:
        for format, name in plan.files:
            if name not in taken:
                taken[name] = (plan.folder, format)
                continue
            first = taken[name]
            setting = _setting_of(plan.folder, format)
            what = (
                f"the {first[1]} file of {_shown(first[0])}"
                if first
                else "a file feedpub writes itself"
            )
            raise ConfigError(
                f"{setting} puts the {format} file of {_shown(plan.folder)} at "
                f"'{name}', where {what} is: two feeds cannot share an address; change "
                f"{setting}",
                site.config_path,
                dict(site.path_lines).get(setting),
                code="FP011",
            )


def _shown(folder: str) -> str:
    """The feed ``folder`` in a message: 'categories/news/', 'the main feed', and of another
    language: 'categories/news/' of 'es'."""
    code, folder = _language_split(folder)
    shown = f"'{folder or 'the main feed'}'"
    return f"{shown} of '{code}'" if code else shown


def _setting_of(folder: str, format: str) -> str:
    """The setting that places the ``format`` file of the feed ``folder``."""
    code, folder = _language_split(folder)
    if code:
        return "language_feeds"  # (its folder)
    kind = folder.partition("/")[0]
    if not folder or kind == ARCHIVE_FOLDER:
        return f"{format}_path"
    if kind == TERM_LISTS_FOLDER:
        return "term_list_path"
    return "section_path" if kind == SECTIONS_FOLDER else "taxonomy_path"


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
        plans.append(feed_plan(site, folder(number), title, chosen, number, tuple(links)))
    return replace(main, history=(("prev-archive", folder(count - 1)),)), plans


#: The longest name of a file or folder, in UTF-8 bytes, that file systems take (ext4, XFS,
#: Btrfs, APFS; NTFS counts 255 UTF-16 units): a slug names a folder of its feeds
#: (``categories/{slug}/feed.xml``) or a file (jekyll-feed's ``feed/{slug}.xml``).
NAME_MAX = 255


def _longest_name(site: Site, folder: str) -> str:
    """The longest name, in UTF-8 bytes, of a file or folder of the feed ``folder``'s files
    (a slug too long to name them fails the write, naming no entry)."""
    parts = [part for _, name in feed_files(site, folder) for part in name.split("/")]
    return max(parts, key=lambda part: len(part.encode()), default="")


@lru_cache(maxsize=4096)
def slug_of(name: str) -> str:
    """The URL slug of a category, tag or author name (names repeat across many entries)."""
    return dialects.of("feedpub").term_slug(name)


def _slug_problem(
    kind: str, name: str, slug: str, first: tuple[str, Entry], entry: Entry, longest: str
) -> FeedpubError:
    key = {"category": ("categories", "category"), "tag": ("tags",)}.get(
        kind, ("authors", "author")
    )
    if not slug:
        message = f"{kind} '{name}' makes no URL slug for its feed; add a letter or digit to it"
    elif len(longest.encode()) > NAME_MAX:
        shown = name if len(name) <= 60 else name[:59] + "…"
        message = (
            f"{kind} '{shown}' makes a URL slug of {len(slug.encode())} bytes, too long to name "
            f"its feed's file (a name of {len(longest.encode())} bytes; file systems take at "
            f"most {NAME_MAX}); shorten it"
        )
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


def carried(plans: list[FeedPlan]) -> list[Entry]:
    """Every entry some feed carries, once each."""
    seen: dict[Path, Entry] = {}
    for plan in plans:
        for entry in plan.entries:
            seen.setdefault(entry.path, entry)
    return list(seen.values())


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


def subscribable(plans: list[FeedPlan]) -> list[str]:
    """The files of every feed one can subscribe to (archive documents are not)."""
    return [name for plan in plans if not plan.archive for name in plan.names]


def format_at(site: Site, name: str) -> str | None:
    """The feed format of the file ``name`` in the output folder, as the settings place feed
    files (whatever feeds a build made), or ``None`` when no feed goes there."""
    paths = (site.rss_path, site.atom_path, site.json_path)
    for language in site.language_feeds:  # (another language's feeds: below its folder)
        if name.startswith(language.folder):
            name = name[len(language.folder) :]
            break
    patterns = _path_patterns(paths, site.taxonomy_path, site.section_path, site.term_list_path)
    for format, pattern in patterns:
        if pattern.fullmatch(name):
            return format
    return None


@lru_cache(maxsize=16)
def _path_patterns(
    paths: tuple[str | None, ...], taxonomy_path: str, section_path: str, term_list_path: str
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    found = []
    part = "[^/]+"
    for format, path in zip(FORMATS, paths, strict=True):
        if path is None:
            continue
        file = re.escape(path.rsplit("/", 1)[-1])
        found.append((format, re.compile(re.escape(path))))
        if format != "json":
            found.append((format, re.compile(f"{ARCHIVE_FOLDER}/[0-9]+/{file}")))
        for key, values in (
            (taxonomy_path, {"taxonomy": "(?:categories|tags|authors)", "slug": part}),
            (section_path, {"section": part}),
            (term_list_path, {"taxonomy": part}),
        ):
            pattern = re.escape(key).replace(r"\{", "{").replace(r"\}", "}")
            found.append((format, re.compile(pattern.format(file=file, **values))))
    return tuple(found)
