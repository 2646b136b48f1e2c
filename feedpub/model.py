"""The data that flows through the pipeline, as frozen dataclasses: :class:`Site` (the
settings), :class:`Author`, :class:`Entry`, :class:`Media`, :class:`Scan`, :class:`FeedPlan`,
:class:`Term`, :class:`Rendered`, :class:`BuildResult`, :class:`Finding`, and the names of the
output files.

A leaf: it imports nothing of the pipeline (an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .errors import BuildWarning, FeedpubError, display_path, located

#: The main feed's files in the output folder by default (the ``rss_path``, ``atom_path`` and
#: ``json_path`` settings); URLs are ``base_url`` + name.
RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"
JSON_NAME = "feed.json"


@dataclass(frozen=True)
class Site:
    """Everything a build needs to know about a site, validated."""

    #: The site's address, absolute, ending in ``/``; feed URLs and links derive from it.
    base_url: str
    #: Feed title.
    title: str
    #: Feed description (RSS ``description``, Atom ``subtitle``).
    description: str
    #: Language tag (RSS ``language``, Atom ``xml:lang``), or ``None``.
    language: str | None
    #: Default authors for entries that name none; also the feed-level author.
    authors: tuple[Author, ...]
    #: Time zone for dates written without one.
    timezone: ZoneInfo
    #: Items per feed; 0 means every entry.
    limit: int
    #: Folder holding the entry files.
    entries: Path
    #: Folder the feeds are written to.
    output: Path
    #: Pattern for entry URLs below ``base_url``, using {year}, {month}, {day} and {slug}.
    permalink: str = "/{year}/{month}/{slug}/"
    #: Put the whole rendered entry in the feeds (``content:encoded``, Atom ``content``).
    full_content: bool = True
    #: Longest derived summary, in characters.
    summary_length: int = 300
    #: Remove unsafe HTML from entries; ``False`` only for sites whose writers are all trusted.
    sanitize: bool = True
    #: Point the RSS and Atom files at feed.xsl, so a browser shows a readable page.
    browser_view: bool = True
    #: Write a feed per category (every one, or those named), per tag, per author (at
    #: ``taxonomy_path``).
    category_feeds: bool | tuple[str, ...] = True
    tag_feeds: bool = False
    author_feeds: bool = False
    #: Largest entry file, in bytes.
    max_entry_size: int = 8 << 20
    #: Largest front matter, in characters.
    max_front_matter_size: int = 64 << 10
    #: Most categories plus tags in one entry.
    max_categories: int = 200
    #: WebSub hubs announced in every feed (``rel="hub"``) and notified by ``feedpub ping``.
    hubs: tuple[str, ...] = ()
    #: Write RFC 5005 archive documents (``archive/<n>/``) beside the main feed.
    archive: bool = False
    #: Entries per archive document; at most ``limit``.
    archive_size: int = 20
    #: The site's folder (the settings file's, else the current one): a path given as an
    #: entry's ``image`` or ``enclosure`` is a file in it, or in the output folder.
    folder: Path = Path()
    #: Where such a path is looked for as a file of the output folder, when not in ``output``
    #: itself (``feedpub compare`` builds into a temporary folder, the files stay in yours).
    media_output: Path | None = None
    #: The file the settings came from, if any.
    config_path: Path | None = None
    #: Whose conventions entries follow: "feedpub", "jekyll" or "hugo" (feedpub/dialects/).
    dialect: str = "feedpub"
    #: File name endings read as entries, lowercase, each with its dot.
    extensions: tuple[str, ...] = (".md", ".markdown")
    #: Where a derived summary ends (default: a ``<!--more-->`` line, else the first paragraph).
    excerpt_separator: str | None = None
    #: Authors by key (Jekyll's ``_data/authors.yml``), read from ``authors_file``.
    author_table: tuple[tuple[str, Author], ...] = ()
    #: Jekyll: front matter values by scope (its ``defaults``), in the order written.
    defaults: tuple[FrontMatterDefaults, ...] = ()
    #: Hugo: URL pattern per content section, e.g. ``(("posts", "/:year/:month/:slug/"),)``.
    permalinks: tuple[tuple[str, str], ...] = ()
    #: Hugo: where a page's date comes from, in order (Hugo's ``[frontmatter] date``):
    #: front matter keys, ``:filename``, ``:fileModTime``, ``:default``; () for Hugo's default.
    frontmatter_date: tuple[str, ...] = ()
    #: Hugo: the site's languages, the one read first; a page named ``x.es.md`` for any other
    #: is that language's, in its feeds (:attr:`language_feeds`) or else left out; ``x.en.md``
    #: is the page ``x``. () for one language.
    languages: tuple[str, ...] = ()
    #: Hugo: the languages besides the first whose feeds are written, each below its folder.
    language_feeds: tuple[LanguageFeeds, ...] = ()
    #: Hugo: each language's own folder of entries below ``entries`` (its ``contentDir``), by
    #: code; () when the languages share ``entries``.
    language_entries: tuple[tuple[str, str], ...] = ()
    #: Hugo's ``uglyURLs``: links end in ``.html`` instead of ``/``.
    ugly_urls: bool = False
    #: Hugo: a page without a date is in the feeds, dated 0001-01-01 (UTC) as Hugo dates it,
    #: instead of left out as a page that is no post (FP221).
    undated_pages: bool = False
    #: Hugo's ``summaryLength``: summaries derived as Hugo's ``.Summary`` (``None``: feedpub's).
    summary_words: int | None = None
    #: Seconds a build waits for another build of the same output folder (or one sharing its
    #: cache folder) before it gives up (see feedpub/pipeline/_lock.py); 0: it does not wait.
    lock_timeout: float = 600
    #: The main feed's file for each format (in :data:`FORMATS` order), below the output
    #: folder and ``base_url``; ``None``: that format is not written.
    rss_path: str | None = RSS_NAME
    atom_path: str | None = ATOM_NAME
    json_path: str | None = JSON_NAME
    #: Where category, tag and author feeds go: ``{taxonomy}`` (categories, tags, authors),
    #: ``{slug}`` (the name's slug), ``{file}`` (the file name of the format's main feed).
    taxonomy_path: str = "{taxonomy}/{slug}/{file}"
    #: Write a feed per section (a Hugo section, a Jekyll collection), at ``section_path``
    #: (``{section}``, ``{file}``).
    section_feeds: bool = False
    section_path: str = "{section}/{file}"
    #: The sections whose entries the main feed carries; () for every entry.
    main_sections: tuple[str, ...] = ()
    #: The main feed's own limit (Hugo's ``first 50`` in a home RSS template); ``None``:
    #: ``limit``.
    main_limit: int | None = None
    #: Hugo: taxonomies beyond categories, tags and authors (``[taxonomies] arquitecte =
    #: "arquitectes"``): the front matter key of each, whose terms get a feed each, at
    #: ``taxonomy_path``.
    taxonomies: tuple[str, ...] = ()
    #: Write a term-list feed per taxonomy with feeds (Hugo's ``/categories/index.xml``: one
    #: item per term, not per entry), at ``term_list_path`` (``{taxonomy}``, ``{file}``).
    term_list_feeds: bool = False
    term_list_path: str = "{taxonomy}/{file}"
    #: The settings file's line of each of the settings above that it sets, for messages.
    path_lines: tuple[tuple[str, int], ...] = ()

    def feed_url(self, name: str) -> str:
        """The URL of the file ``name`` of the output folder: a term's folder may hold ``#``
        or letters outside ASCII (Hugo's ``tags/c#/``, ``tags/veà/``), escaped here."""
        return self.base_url + quote(name, safe="/%~:@!$&'()*+,;=")

    def feed_path(self, format: str) -> str | None:
        """The main feed's file for ``format`` (one of :data:`FORMATS`), or ``None`` (off)."""
        path: str | None = getattr(self, f"{format}_path")
        return path

    def language_of(self, code: str) -> LanguageFeeds | None:
        """The feeds of the language ``code`` (not the first), if they are written."""
        return next((found for found in self.language_feeds if found.code == code), None)

    def in_language(self, code: str) -> Site:
        """The site as the feeds of its language ``code`` see it ("": the first language's,
        the site itself): its address (``base_url`` and the language's folder), title,
        description, language tag and permalinks. Feed files keep their names in the whole
        site's output folder."""
        found = self.language_of(code) if code else None
        if found is None:
            return self
        return dataclasses.replace(
            self,
            base_url=self.base_url + found.folder,
            title=found.title or self.title,
            description=found.description or self.description,
            language=self.language if found.language is None else found.language or None,
            permalinks=self.permalinks if found.permalinks is None else found.permalinks,
        )


@dataclass(frozen=True)
class LanguageFeeds:
    """Hugo: the feeds of one of a site's languages besides the first (its home, sections and
    terms), written below ``folder``, as Hugo writes them below ``/es/``."""

    #: The language's code, as in :attr:`Site.languages` (``es``).
    code: str
    #: Its feeds' folder below the output folder and ``base_url`` (``es/``).
    folder: str
    #: Its feeds' title, description and language tag; ``None``: the site's.
    title: str | None = None
    description: str | None = None
    language: str | None = None
    #: Its own URL patterns by section (Hugo's ``[languages.es.permalinks]``); ``None``: the
    #: site's.
    permalinks: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class FrontMatterDefaults:
    """One set of Jekyll's front matter ``defaults``: values for the files in its scope."""

    #: The folder or file (relative to the site, a prefix; may hold ``*`` globs) the set
    #: applies to; ``""``: every file.
    path: str
    #: The kind of document it applies to (``"posts"``); ``None``: every kind.
    type: str | None
    #: The front matter values, as a post would write them.
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Author:
    """A person credited with an entry or a site."""

    #: The name readers see.
    name: str
    #: E-mail address (Atom `email`; RSS names authors in dc:creator, with no e-mail).
    email: str | None = None
    #: Home page of the person (Atom ``uri``).
    uri: str | None = None
    #: A role or short bio ("Business & Economy Reporter"); kept for pages, not in RSS/Atom.
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One article, as its front matter describes it. Markdown is not rendered yet."""

    #: The file it was read from.
    path: Path
    #: Plain-text title.
    title: str
    #: First publication, timezone-aware.
    date: datetime
    #: Last significant change, timezone-aware; ``None`` when never updated.
    updated: datetime | None
    #: Who wrote it (the site author when the entry names none).
    authors: tuple[Author, ...]
    #: Categories, in the order written, without duplicates.
    categories: tuple[str, ...]
    #: Tags, in the order written, without duplicates.
    tags: tuple[str, ...]
    #: The summary the front matter gives (plain text), or ``None`` to derive one.
    summary: str | None
    #: True for drafts, which feeds leave out unless asked.
    draft: bool
    #: URL-safe name used in the permalink.
    slug: str
    #: Absolute URL of the entry's page.
    link: str
    #: Stable feed id (Atom ``id``, RSS ``guid``): ``id`` from front matter, else the link.
    id: str
    #: File line of each top-level front matter key, for messages about them.
    key_lines: tuple[tuple[str, int], ...] = ()
    #: File line on which the Markdown body starts.
    body_line: int = 1
    #: Not shown before this instant, when later than ``date`` (Hugo's ``publishDate``).
    publish_date: datetime | None = None
    #: Left out of the feeds from this instant on (Hugo's ``expiryDate``).
    expiry_date: datetime | None = None
    #: Where this entry's derived summary ends (Jekyll's ``excerpt_separator``), if set.
    excerpt_separator: str | None = None
    #: The featured image, if any.
    image: Media | None = None
    #: Enclosures (podcast episodes, attachments), in the order written.
    enclosures: tuple[Media, ...] = ()
    #: Local files the image and enclosures name, with their size and mtime when read: an
    #: entry is read again when one of them changes.
    media_files: tuple[LocalFile, ...] = ()
    #: The terms of the site's other taxonomies (:attr:`Site.taxonomies`), by taxonomy.
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def line_of(self, *keys: str) -> int | None:
        """The line of the first of ``keys`` present in the front matter."""
        lines = dict(self.key_lines)
        return next((lines[k] for k in keys if k in lines), None)

    @property
    def modified(self) -> datetime:
        """When the entry last changed: ``updated``, else ``date``."""
        return self.updated or self.date

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # Pickled (to and from worker processes) as its fields in order: the dataclass's own
        # way sets them one by one in a generic loop, which costs a third more.
        return (Entry, _entry_fields(self))


_entry_fields = attrgetter(*(field.name for field in dataclasses.fields(Entry)))


@dataclass(frozen=True, slots=True)
class Media:
    """A file an entry points at: its featured image, or an enclosure (a podcast episode, a PDF)."""

    #: Absolute URL.
    url: str
    #: Media type, e.g. ``audio/mpeg``; ``None`` when unknown (images only).
    type: str | None = None
    #: Size in bytes; ``None`` when unknown (a URL not on this site, with no ``length``).
    length: int | None = None
    #: The alt text of an image, or the title of an enclosure.
    title: str | None = None
    #: Width and height of an image in pixels, when given.
    width: int | None = None
    height: int | None = None


#: A local file an entry uses, and its size and modification time (ns) when it was read.
LocalFile = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a taxonomy (a category, tag, author, or a Hugo taxonomy's term) as an item
    of its taxonomy's term-list feed (Hugo's ``/categories/index.xml``): not an entry. It has
    the fields the feed writers read of an item's entry; those a term has not are empty."""

    #: The name readers see (Hugo: the term as first written).
    title: str
    #: Absolute URL of the term's page (Hugo's ``/categories/news/``), else of its feed.
    link: str
    #: Feed id (Atom ``id``, RSS ``guid``): the link.
    id: str
    #: The date of the newest entry listed under the term.
    date: datetime
    #: The term's folder (its slug), as in its own feed's address.
    slug: str
    #: The term's own page (Hugo's ``content/categories/news/_index.md``), if it has one: its
    #: summary is the item's.
    page: Entry | None = None
    #: What an entry has and a term has not: no update, authors, terms, image, enclosures.
    updated: None = None
    authors: tuple[Author, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: None = None
    enclosures: tuple[Media, ...] = ()

    @property
    def modified(self) -> datetime:
        """When the term last changed: its newest entry's date."""
        return self.date


@dataclass(frozen=True)
class Rendered:
    """What the feeds carry of one entry (or of one term, in a term-list feed)."""

    #: The entry itself; in a term-list feed, the term.
    entry: Entry | Term
    #: The title as plain text: Markdown and HTML stripped, entities decoded once.
    title: str
    #: Plain-text summary (given or derived); may be empty for an empty body.
    summary: str
    #: Safe HTML of the whole body with absolute URLs, or ``None`` when feeds carry summaries only.
    content_html: str | None


#: The feed formats, in the order each feed's files are written and listed.
FORMATS = ("rss", "atom", "json")
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

#: Reports progress: called with a stage's name and its number of steps, it returns a
#: function to call with the number of steps done since the last call.
Progress = Callable[[str, int], Callable[[int], None]]


def no_progress(stage: str, total: int) -> Callable[[int], None]:
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


@dataclass(frozen=True)
class FeedPlan:
    """One feed of a site (in each format the settings write), or one archive document of the
    main feed (RSS and Atom): where it goes and what it carries."""

    #: What the feed is, "" for the main feed, e.g. "categories/business-economy/",
    #: "sections/posts/", "archive/3/", "term-lists/categories/"; its files are where the
    #: settings put such a feed (:func:`feedpub.plan.feed_files`).
    folder: str
    #: Feed title.
    title: str
    #: Its entries, newest first, at most ``limit``.
    entries: list[Entry]
    #: The number of an RFC 5005 archive document (1: the oldest entries); 0 for a feed.
    archive: int = 0
    #: RFC 5005 links, (relation, folder of the document it points to).
    history: tuple[tuple[str, str], ...] = ()
    #: Its files in the output folder, (format, name), in :data:`FORMATS` order; no JSON Feed
    #: for archive documents.
    files: tuple[tuple[str, str], ...] = ()
    #: A term-list feed's items (``entries`` is empty then): the terms of one taxonomy, in
    #: the order the feed lists them, at most ``limit``; ``None`` for a feed of entries.
    terms: tuple[Term, ...] | None = None
    #: The feed's own description and page (RSS channel ``link``), when not the site's.
    description: str | None = None
    home: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Its files in the output folder."""
        return tuple(name for _, name in self.files)


#: The body of a new entry until its writer replaces it; `feedpub build` and `feedpub check`
#: warn while it is there (FP213), so a forgotten one is not published unnoticed.
PLACEHOLDER = "Write the entry here, in Markdown."

#: Folder name of the cache, created beside the output folder.
CACHE_DIR = ".feedpub-cache"


@dataclass(frozen=True)
class Finding:
    """One thing ``feedpub check`` reports."""

    #: Stable code, e.g. ``FP105`` (see :data:`feedpub.errors.CODES`).
    code: str
    #: ``error`` or ``warning``.
    severity: str
    #: What is wrong and how to fix it.
    message: str
    #: The file it is about, if any.
    path: Path | None = None
    #: The 1-based line in that file, where known.
    line: int | None = None

    def __str__(self) -> str:
        return located(f"{self.severity} {self.code}: {self.message}", self.path, self.line)

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready object."""
        return {
            "code": self.code,
            "severity": self.severity,
            "path": display_path(self.path) if self.path is not None else None,
            "line": self.line,
            "message": self.message,
        }
