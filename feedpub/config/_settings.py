"""The settings table: one row per key of ``feedpub.toml``, with its default, the check of its
value's type and the words docs/configuration.md shows for it.

A row's check looks at the value alone. What a value means beyond its type (a time zone's
name, a permalink's placeholders) and what ties settings together (``archive_size`` at most
``limit``, the dialect's defaults, the folders) is checked after every row, in
:mod:`feedpub.config._load`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: A check of a value's type: returns the value as :func:`~feedpub.config.load_site` uses it,
#: or raises :class:`ValueError` with the message that follows the key's name in the problem
#: reported ("must be text (in quotes), not 3").
Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Setting:
    """One key of the settings."""

    #: The key, as written in ``feedpub.toml``.
    name: str
    #: The value when the file does not set the key; ``None``: derived (see ``shown``).
    default: Any
    #: The check of the value's type (one of :data:`CHECKS`), or ``None`` when any value gets
    #: as far as the checks of what it means. A value that fails is reported, and the default
    #: stands in for it, so later checks see a value of the right type.
    check: Check | None
    #: The default as docs/configuration.md shows it.
    shown: str
    #: What the setting does: its line on docs/configuration.md.
    meaning: str


def text(value: Any) -> str | None:
    """Text, or ``None`` (not set, where the default is derived)."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"must be text (in quotes), not {value!r}")
    return value


def folder(value: Any) -> str:
    """A folder's name (relative to the settings file's folder): text."""
    if not isinstance(value, str):
        raise ValueError(f"must be text (in quotes), not {value!r}")
    return value


def count(value: Any) -> int:
    """A whole number of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"must be a whole number of 0 or more, not {value!r}")
    return value


def length(value: Any) -> int:
    """A length in characters: a whole number of 1 or more."""
    if (number := count(value)) == 0:
        raise ValueError("must be 1 or more")
    return number


_UNITS = {"": 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2}
_UNITS |= {"gb": 1000**3, "gib": 1024**3}


def parse_size(value: Any) -> int:
    """A size from the configuration: a whole number of bytes, or text like "8 MiB"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = re.match(r"^\s*(\d+)\s*([A-Za-z]*)\s*$", value) if isinstance(value, str) else None
    if match and match.group(2).lower() in _UNITS and int(match.group(1)) > 0:
        return int(match.group(1)) * _UNITS[match.group(2).lower()]
    raise ValueError(f'must be a size like 8388608, "512 KiB" or "8 MiB", not {value!r}')


def positive(value: Any) -> int:
    """A whole number of 1 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of 1 or more, not {value!r}")
    return value


def seconds(value: Any) -> float:
    """A number of seconds from 0 to a week."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 86400 * 7:
        raise ValueError(f"must be a number of seconds from 0 to 604800 (a week), not {value!r}")
    return value


def flag(value: Any) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


#: Every check of a value's type, in the order they run: all text first, then the folders,
#: then each kind of number, then the flags; each over the rows in :data:`SETTINGS` order.
#: This is the order their problems are reported in.
CHECKS: tuple[Check, ...] = (text, folder, count, length, parse_size, positive, seconds, flag)

#: Every setting, in the order "unknown setting" messages list them.
SETTINGS: tuple[Setting, ...] = (
    Setting("title", None, text, "the host of `base_url`", "feed title"),
    Setting(
        "base_url",
        None,
        text,
        "*(required)*",
        "the site's address, e.g. `https://example.com/` or `https://example.com/blog/`; "
        "feed URLs and entry links derive from it",
    ),
    Setting("description", None, text, "the title", "RSS `description`, Atom `subtitle`"),
    Setting(
        "language",
        "en",
        text,
        '`"en"`',
        'language tag (`en`, `pt-BR`): RSS `language`, Atom `xml:lang`; `""` leaves it out',
    ),
    Setting(
        "author",
        None,
        None,
        "none",
        "the default author of entries that name none, and the feed's own author; same forms "
        "as in front matter",
    ),
    Setting(
        "timezone",
        "UTC",
        text,
        '`"UTC"`',
        "IANA time zone name; dates written without a zone are in this zone",
    ),
    Setting("limit", 20, count, "`20`", "most items per feed, newest first; `0` means every entry"),
    Setting(
        "entries",
        "entries",
        folder,
        '`"entries"`',
        "folder of entry files (read recursively: see `extensions`; hidden files and editor "
        "backups skipped)",
    ),
    Setting(
        "output",
        "public",
        folder,
        '`"public"`',
        "folder the feeds are written to; a folder of their own (see [Safety](safety.md): not "
        "the site folder, nor one holding it, the entries or a `.git`)",
    ),
    Setting(
        "permalink",
        "/{year}/{month}/{slug}/",
        text,
        '`"/{year}/{month}/{slug}/"`',
        "pattern for entry links below `base_url`; placeholders `{year}`, `{month}`, `{day}`, "
        "`{slug}` (required)",
    ),
    Setting(
        "full_content",
        True,
        flag,
        "`true`",
        "put the whole entry in the feeds (`content:encoded`, Atom `content`); `false` gives "
        "summaries only",
    ),
    Setting(
        "summary_length",
        300,
        length,
        "`300`",
        "longest derived summary, in characters; `check` warns about a longer given summary",
    ),
    Setting(
        "sanitize",
        True,
        flag,
        "`true`",
        "remove unsafe HTML from entries (see [Content](front-matter.md)); `false` keeps "
        "scripts, styles and iframes, for sites whose writers are all trusted",
    ),
    Setting(
        "browser_view",
        True,
        flag,
        "`true`",
        "write `feed.xsl` and point the RSS and Atom files at it, so browsers show a readable page",
    ),
    Setting(
        "rss_path",
        "feed.xml",
        None,
        '`"feed.xml"`',
        'the main feed\'s RSS file, below the output folder and `base_url` (`"index.xml"`, '
        '`"feeds/all.xml"`); `false`: no RSS files (see [Feed addresses](feeds.md#feed-'
        "addresses))",
    ),
    Setting(
        "atom_path",
        "atom.xml",
        None,
        '`"atom.xml"`',
        "the main feed's Atom file (`\"feed.xml\"` is jekyll-feed's); `false`: no Atom files",
    ),
    Setting(
        "json_path",
        "feed.json",
        None,
        '`"feed.json"`',
        "the main feed's JSON Feed file; `false`: no JSON Feed files",
    ),
    Setting(
        "category_feeds",
        True,
        None,
        "`true`",
        "write a feed per category, at `taxonomy_path` (see [Feeds per category, tag "
        "and author](feeds.md#feeds-per-category-tag-and-author)); or a list of the "
        'categories that get one (`["release"]`, as jekyll-feed\'s `feed: categories`)',
    ),
    Setting("tag_feeds", False, flag, "`false`", "write a feed per tag, at `taxonomy_path`"),
    Setting("author_feeds", False, flag, "`false`", "write a feed per author, at `taxonomy_path`"),
    Setting(
        "taxonomy_path",
        "{taxonomy}/{slug}/{file}",
        None,
        '`"{taxonomy}/{slug}/{file}"`',
        "where category, tag and author feeds go: `{taxonomy}` is `categories`, `tags` or "
        "`authors`, `{slug}` the name's slug, `{file}` the file name of the format's main feed "
        '(`categories/news/feed.xml`); jekyll-feed\'s is `"feed/{slug}.xml"`',
    ),
    Setting(
        "section_feeds",
        False,
        flag,
        "`false`",
        "write a feed per section (the entries folder's top folders, Hugo's sections; with "
        "the `jekyll` dialect, collections), at `section_path`",
    ),
    Setting(
        "section_path",
        "{section}/{file}",
        None,
        '`"{section}/{file}"`',
        "where section feeds go: `{section}` is the section's folder name, `{file}` as in "
        "`taxonomy_path` (Hugo's `posts/index.xml`)",
    ),
    Setting(
        "main_sections",
        [],
        None,
        "`[]`",
        'the sections whose entries the main feed carries (`["posts"]`, Hugo\'s '
        "`mainSections`); `[]`: every entry",
    ),
    Setting(
        "main_limit",
        None,
        None,
        "the value of `limit`",
        "most items of the main feed alone (a Hugo home RSS template's `first 50`); the "
        "other feeds keep `limit`; `0` means every entry",
    ),
    Setting(
        "taxonomies",
        [],
        None,
        "`[]`",
        '`hugo` dialect: further taxonomies, by their front matter key (`["series"]`, Hugo\'s '
        '`[taxonomies] serie = "series"`): a feed per term, at `taxonomy_path` with '
        "`{taxonomy}` the key (`series/<term>/index.xml`)",
    ),
    Setting(
        "term_list_feeds",
        False,
        flag,
        "`false`",
        "write a feed of each taxonomy's terms, at `term_list_path`: one item per category (tag, "
        "author, term of `taxonomies`) that has a feed, linking to its page (Hugo's "
        "`/categories/news/`; otherwise its feed), dated by its newest entry, as Hugo's "
        "`/categories/index.xml` (see [Coming from Hugo](hugo.md#term-list-feeds))",
    ),
    Setting(
        "term_list_path",
        "{taxonomy}/{file}",
        None,
        '`"{taxonomy}/{file}"`',
        "where term-list feeds go: `{taxonomy}` as in `taxonomy_path`, `{file}` the file name "
        "of the format's main feed (Hugo's `categories/index.xml`)",
    ),
    Setting(
        "max_entry_size",
        "8 MiB",
        parse_size,
        '`"8 MiB"`',
        "largest entry file (bytes, or text with `KiB`/`MiB`/`KB`/`MB`); a larger one is an error",
    ),
    Setting(
        "max_front_matter_size",
        "64 KiB",
        parse_size,
        '`"64 KiB"`',
        "largest front matter; a larger one is an error, before any YAML is parsed",
    ),
    Setting("max_categories", 200, positive, "`200`", "most categories plus tags in one entry"),
    Setting(
        "hub",
        [],
        None,
        "none",
        'a WebSub hub URL, or a list of them: every feed names them (`rel="hub"`), and '
        "`feedpub ping` notifies them (see [WebSub](feeds.md#websub))",
    ),
    Setting(
        "archive",
        False,
        flag,
        "`false`",
        "also write the complete history as RFC 5005 archive documents (see [Complete "
        "history](feeds.md#complete-history-archives)); needs `limit` of 1 or more",
    ),
    Setting(
        "archive_size",
        None,
        None,
        "the value of `limit`",
        "entries per archive document; at most `limit`",
    ),
    Setting(
        "dialect",
        "feedpub",
        text,
        '`"feedpub"`',
        'whose conventions the entries follow: `"feedpub"`, `"jekyll"` or `"hugo"` (see '
        "[Coming from Jekyll](jekyll.md) and [Coming from Hugo](hugo.md))",
    ),
    Setting(
        "extensions",
        None,
        None,
        '`[".md", ".markdown"]`',
        "file endings read as entries; with the `jekyll` and `hugo` dialects also `.mdown` "
        "and `.mkd`; with `hugo` also `.html` and `.htm` (HTML bodies, as Hugo reads them)",
    ),
    Setting(
        "excerpt_separator",
        None,
        None,
        "none",
        "where a derived summary ends (Jekyll's setting); without it, a `<!--more-->` line, "
        "else the first paragraph",
    ),
    Setting(
        "authors_file",
        None,
        None,
        "none",
        "a YAML file of authors by key (Jekyll's `_data/authors.yml`): `author: jane` in an "
        "entry is the `jane` of that file (name, email, uri)",
    ),
    Setting(
        "defaults",
        None,
        None,
        "none",
        "`jekyll` dialect: front matter values by scope, as Jekyll's `defaults` (a list of "
        '`{ scope = { path = "_posts", type = "posts" }, values = { author = "Jane" } }`): '
        'a post takes the values of every set whose `path` starts its file\'s path (`""`: '
        "all) and whose `type` is `posts` (or none); the longer path wins, and the post's "
        "own front matter wins over all (its `categories` are added to theirs)",
    ),
    Setting(
        "permalinks",
        None,
        None,
        "none",
        "`hugo` dialect: a URL pattern per content section, as Hugo's `[permalinks]` "
        '(`{ posts = "/:year/:month/:slug/" }`)',
    ),
    Setting(
        "frontmatter_date",
        None,
        None,
        "Hugo's default",
        "`hugo` dialect: where a page's date comes from, in order, as Hugo's `[frontmatter] "
        'date`: front matter keys (`"date"`, `"publishdate"`…), `":default"` (Hugo\'s date '
        'keys), `":filename"` (a name starting `2025-05-01-`: its date, and the rest of the '
        'name as the slug unless the page has a `slug`), `":fileModTime"`; `":git"` is '
        "passed over (see [Coming from Hugo](hugo.md))",
    ),
    Setting(
        "languages",
        None,
        None,
        "none",
        '`hugo` dialect: the site\'s languages, the one read first (`["en", "es"]`): a page '
        "named `post.es.md` is Spanish, in the Spanish feeds (`language_feeds`) or else left "
        "out; `post.en.md` is `post`; with `base_url` ending in the first one's folder "
        "(`…/en/`, Hugo's `defaultContentLanguageInSubdir`), `url` front matter starts above it",
    ),
    Setting(
        "language_feeds",
        None,
        None,
        "none",
        "`hugo` dialect: the other languages whose feeds are written, as Hugo writes them "
        "(see [Languages](hugo.md#languages)): a table by code (one of `languages`), e.g. "
        '`{ es = { title = "Mi sitio", description = "…", language = "es" } }`; each gets '
        "every feed the first one has (main, sections, terms) of its own pages, below "
        "`folder` (default: its code, `es/index.xml`), their links below it too; `permalinks` "
        "its own (default: the site's); title, description, language: the site's when unset",
    ),
    Setting(
        "language_entries",
        None,
        None,
        "none",
        "`hugo` dialect: each language's own folder of entries below `entries` (Hugo's "
        'per-language `contentDir`), e.g. `{ en = "en", es = "es" }`: a page in it is of '
        "that language unless its name says another (`post.en.md`); a page in no language's "
        "folder is left out",
    ),
    Setting(
        "ugly_urls",
        False,
        flag,
        "`false`",
        "`hugo` dialect: links end in `.html` (`/posts/name.html`), as Hugo's `uglyURLs`",
    ),
    Setting(
        "undated_pages",
        False,
        flag,
        "`false`",
        "`hugo` dialect: a page without a date is in the feeds, dated 0001-01-01 (UTC), last, "
        "as Hugo's feeds list it; `false`: it is a page, not a post, left out (FP221)",
    ),
    Setting(
        "summary_words",
        None,
        None,
        "none",
        "`hugo` dialect: summaries as Hugo's `.Summary`: `summary` (never `description`), "
        "else the text before `<!--more-->`, else the first that many words (Hugo's "
        "`summaryLength`, 70) to the end of their sentence",
    ),
    Setting(
        "lock_timeout",
        600,
        seconds,
        "`600`",
        "seconds a build (or `serve`'s rebuild, `clean`, `ping`) waits for another one of the "
        "same output folder before it gives up with FP009 (see [Safety](safety.md)); `0`: do "
        "not wait",
    ),
)

#: Every setting, with its default. ``None`` means "derived" (see :func:`load_site`).
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}
