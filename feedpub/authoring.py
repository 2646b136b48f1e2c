"""Writing a site and its entries: ``feedpub init`` and ``feedpub new``. Never overwrites."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from . import dialects
from .config import CONFIG_NAME, DEFAULTS, is_base_url
from .errors import BuildErrors, ConfigError, FeedpubError
from .fields import DATE_PREFIX, XML_ILLEGAL, parse_authors
from .model import PLACEHOLDER, Author, Site

CONFIG_TEMPLATE = """\
# feedpub settings: https://pypi.org/project/feedpub/ (docs/configuration.md)
title = "{title}"
# The address the site is published at; feed URLs and entry links derive from it.
base_url = "{base_url}"
description = "{title}: the latest entries"
# language = "en"
# Default author of entries that name none: "Name", "Name <email>" or {{ name = "…", email = "…" }}
author = {{ name = "{title}" }}
# Time zone for dates written without one (IANA name).
# timezone = "UTC"
# Items per feed (0: every entry).
# limit = 20
# entries = "entries"
# output = "public"
# permalink = "/{{year}}/{{month}}/{{slug}}/"
# full_content = true
# summary_length = 300
# sanitize = true
# browser_view = true
# category_feeds = true
# tag_feeds = false
# author_feeds = false
# Where the main feed's files go, below the output folder and base_url (false: not written).
# rss_path = "feed.xml"
# atom_path = "atom.xml"
# json_path = "feed.json"
# Where category, tag and author feeds go ({{taxonomy}}: categories, tags or authors).
# taxonomy_path = "{{taxonomy}}/{{slug}}/{{file}}"
# A feed per section (the entries folder's top folders: Hugo's sections), and where it goes.
# section_feeds = false
# section_path = "{{section}}/{{file}}"
# A feed of each taxonomy's terms (one item per category, tag…: Hugo's categories/index.xml).
# term_list_feeds = false
# term_list_path = "{{taxonomy}}/{{file}}"
# The sections whose entries the main feed carries ([]: every entry).
# main_sections = []
# The main feed's own limit (default: limit; 0: every entry).
# main_limit = 20
# max_entry_size = "8 MiB"
# max_front_matter_size = "64 KiB"
# max_categories = 200
# Whose conventions the entries follow: "feedpub", "jekyll" or "hugo" (docs/jekyll.md, hugo.md).
# dialect = "feedpub"
# File endings read as entries (default: .md and .markdown; with jekyll/hugo also .mdown, .mkd).
# extensions = [".md", ".markdown"]
# Where a derived summary ends. Unset (the default): at a <!--more--> line, else after the
# first paragraph.
# excerpt_separator = "<!--more-->"
# Authors by key, for 'author: jane' in entries (a YAML file like Jekyll's _data/authors.yml).
# authors_file = "_data/authors.yml"
# Jekyll only: front matter values by scope (Jekyll's defaults), the post's own winning.
# defaults = [{{ scope = {{ path = "_posts", type = "posts" }}, values = {{ author = "Jane" }} }}]
# Hugo only: a URL pattern per content section.
# permalinks = {{ posts = "/:year/:month/:slug/" }}
# Hugo only: where a page's date comes from, in order (Hugo's [frontmatter] date).
# frontmatter_date = [":filename", ":default"]
# Hugo only: the site's languages, the one read first; pages named x.es.md are Spanish.
# languages = ["en", "es"]
# Hugo only: the other languages whose feeds are written (es/index.xml...), and their titles.
# language_feeds = {{ es = {{ title = "Mi sitio", language = "es" }} }}
# Hugo only: each language's own folder of entries below entries (Hugo's contentDir).
# language_entries = {{ en = "en", es = "es" }}
# Hugo only: links end in .html (Hugo's uglyURLs).
# ugly_urls = false
# Hugo only: further taxonomies, by front matter key: a feed per term (series/<term>/).
# taxonomies = ["series"]
# Hugo only: pages without a date are in the feeds, dated 0001-01-01, as Hugo lists them.
# undated_pages = false
# Hugo only: summaries as Hugo's .Summary, of that many words (Hugo's summaryLength).
# summary_words = 70
# WebSub hubs to announce in every feed and notify with 'feedpub ping' (a URL or a list).
# hub = ["https://pubsubhubbub.appspot.com/"]
# Complete history (RFC 5005): archive/<n>/feed.xml and atom.xml, oldest first, each holding
# archive_size entries (default: limit, at most limit); full ones never change.
# archive = false
# archive_size = 20
# Seconds a build waits for another build of the same output folder before it gives up.
# lock_timeout = 600
"""

EXAMPLE_ENTRY = """\
---
title: Hello, feeds
date: {date}
categories: [News]
summary: The first entry of this site, written by feedpub init.
---

This is an entry. Write it in **Markdown**; the text before the first blank line is its
summary when the front matter gives none.

Run `feedpub new "My story"` to start the next one.
"""


def config_template(title: str, base_url: str) -> str:
    """:data:`CONFIG_TEMPLATE` for a site: the values escaped as in a TOML basic string (JSON's
    escapes are TOML's), so that any title gives a file TOML reads back as written."""

    def escaped(text: str) -> str:
        # (TOML also forbids DEL, which JSON leaves as it is.)
        return json.dumps(text, ensure_ascii=False)[1:-1].replace("\x7f", "\\u007f")

    return CONFIG_TEMPLATE.format(title=escaped(title), base_url=escaped(base_url))


def site_title(text: str) -> str:
    """``--title`` as a site title: on one line, without characters a feed cannot carry.
    Raises :class:`ConfigError` for an empty title or one with control characters."""
    title = " ".join(text.split())
    if not title:
        raise ConfigError("--title is empty; give the site a title, e.g. --title 'My feeds'")
    for char in title:
        if XML_ILLEGAL.match(char) or unicodedata.category(char) in ("Cc", "Cs"):
            what = (
                "a byte that is not UTF-8 text"
                if unicodedata.category(char) == "Cs"
                else f"the control character U+{ord(char):04X}"
            )
            raise ConfigError(f"--title has {what}; write the title without it")
    return title


def site_base_url(text: str) -> str:
    """``--base-url`` as a site's ``base_url``, by the rule the settings follow. Raises
    :class:`ConfigError` saying how to write it."""
    url = text.strip()
    if is_base_url(url):
        return url
    if "://" not in url and is_base_url(f"https://{url}"):
        hint = f"write the scheme too: --base-url https://{url}"
    elif "://" in url and not url.lower().startswith(("http://", "https://")):
        hint = "feeds are read over the web: give an http:// or https:// address"
    elif any(char.isspace() for char in url):
        hint = "a web address has no spaces (write %20 for one in a path)"
    else:
        hint = "write e.g. --base-url https://example.com/ or https://example.com/blog/"
    raise ConfigError(f"--base-url {url!r} is not an absolute web address; {hint}")


def init_site(folder: Path, *, title: str, base_url: str, now: datetime) -> list[Path]:
    """Create ``feedpub.toml`` and ``entries/hello-feeds.md`` in ``folder``; returns them.

    The title is one line: runs of spaces, tabs and line breaks in it become one space. It is
    also the site's default author (a name alone, whatever it holds). Raises
    :class:`FeedpubError` for a title or base URL a build would refuse, for a folder among
    another site's entries, or naming every file that already exists; nothing is written then."""
    title = site_title(title)
    base_url = site_base_url(base_url)
    _refuse_inside_entries(folder)
    config = folder / CONFIG_NAME
    example = folder / str(DEFAULTS["entries"]) / "hello-feeds.md"
    existing = [path for path in (config, example) if path.exists()]
    if existing:  # one 'path: message' line for each
        found = [FeedpubError("already exists; init never overwrites a file", p) for p in existing]
        raise found[0] if len(found) == 1 else BuildErrors(found)
    _make_folder(example.parent)
    create_file(config, config_template(title, base_url))
    try:
        create_file(example, EXAMPLE_ENTRY.format(date=now.strftime("%Y-%m-%d %H:%M")))
    except FeedpubError:
        config.unlink()  # written just now: "nothing was written" stays true
        raise
    return [config, example]


def _refuse_inside_entries(folder: Path) -> None:
    """Raise :class:`ConfigError` when ``folder`` is (or lies in) the entries folder of the
    site around it: that site would publish the new one's example entry, and commands run in
    the new site's folders would take its settings for theirs."""
    from .config import find_site_config, load_site

    start = folder.resolve()
    config = find_site_config(next(p for p in (start, *start.parents) if p.is_dir()))
    if config is None or config.parent == start:
        return
    try:
        site = load_site(config, base_url="https://unused.invalid/")
    except FeedpubError:
        return  # not a site that builds; nothing of it to publish
    entries = site.entries.resolve()
    if not dialects.of(site).entry_folders and (start == entries or entries in start.parents):
        # (A Jekyll site's entries folder is the site itself; only _posts and _drafts are read.)
        raise ConfigError(
            f"'{folder}' is in {entries}/, the entries folder of the site of {config}, "
            "whose build would publish the new site's files as entries; make the new site "
            "in a folder outside it"
        )


def new_entry(
    site: Site,
    title: str,
    *,
    date: datetime,
    authors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    draft: bool = False,
) -> Path:
    """Write ``entries/<date>-<slug>.md`` with complete front matter; returns its path.

    ``authors`` are ``--author`` values ("Name <email>"), checked by the front matter's rules;
    without them the entry names the site's default authors (``author: ""`` when it has none,
    a line to fill in). Raises :class:`FeedpubError` for an author a build would refuse.

    Never overwrites, and never takes a slug an entry file already has (its name without the
    date in front): two entries with one slug in one month would have one link. A second entry
    of the same title gets ``-2`` (then ``-3``, …)."""
    # At most 80 characters, cut at a word: a long title made a name no file system takes.
    slug = slugify(title, max_length=80, word_boundary=True) or "entry"
    meta: dict[str, Any] = {"title": title, "date": date.strftime("%Y-%m-%d %H:%M:%S")}
    written: list[Any] = [_checked_author(text) for text in authors]
    written = written or [_author_value(author) for author in site.authors] or [""]
    meta["author"] = written[0] if len(written) == 1 else written
    meta["categories"] = list(categories)
    meta["tags"] = list(tags)
    meta["summary"] = ""
    if draft:
        meta["draft"] = True
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    text = f"---\n{front}---\n\n{PLACEHOLDER}\n"
    _make_folder(site.entries)
    try:
        taken = {DATE_PREFIX.sub("", path.stem) for path in site.entries.iterdir()}
    except OSError as e:
        raise FeedpubError(
            f"cannot read the folder ({e.strerror})", site.entries, code="FP010"
        ) from None
    for number in range(1, 1000):
        name = slug if number == 1 else f"{slug}-{number}"
        if name in taken:
            continue
        path = site.entries / f"{date:%Y-%m-%d}-{name}.md"
        try:
            create_file(path, text)
        except FileExistsError:
            continue
        return path
    raise FeedpubError(f"too many entries named {slug}; choose another title", site.entries)


def _checked_author(text: str) -> str:
    """An ``--author`` value as it goes into the front matter, checked as the build will."""
    folded = " ".join(text.split())
    if not folded:
        raise FeedpubError(
            "--author is empty; write 'Name' or 'Name <name@example.com>'", code="FP106"
        )
    try:
        parse_authors(folded)
    except ValueError as e:
        raise FeedpubError(
            f"--author {text!r}: {e}; write 'Name' or 'Name <name@example.com>'", code="FP106"
        ) from None
    bad = XML_ILLEGAL.search(folded)
    if bad:
        raise FeedpubError(
            f"--author {text!r} has the control character U+{ord(bad.group()):04X}; "
            "write the author without it",
            code="FP106",
        )
    return folded


def _author_value(author: Author) -> str | dict[str, str]:
    """How front matter names ``author``: "Name" or "Name <email>" when that reads back as the
    same author, else a mapping (a name like 'Tom <Blog>' is not a name and an e-mail)."""
    text = author.name
    if author.email is not None:
        text = author.email if author.name == author.email else f"{author.name} <{author.email}>"
    try:
        same = parse_authors(text) == (author,)
    except ValueError:
        same = False
    if same and author.uri is None and author.description is None:
        return text
    fields = {"name": author.name, "email": author.email, "uri": author.uri}
    fields["description"] = author.description
    return {key: value for key, value in fields.items() if value is not None}


def create_file(path: Path, text: str) -> None:
    """Write a new file; raises FileExistsError rather than overwrite one, and
    :class:`FeedpubError` when it cannot be written (a read-only folder, a full disk)."""
    try:
        handle = open(path, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
    except FileExistsError:
        raise
    except OSError as e:
        raise FeedpubError(f"cannot write the file ({e.strerror})", path, code="FP010") from None
    try:
        with handle:
            handle.write(text)
    except BaseException as e:
        path.unlink(missing_ok=True)  # made just now, and half written
        if isinstance(e, OSError):
            raise FeedpubError(
                f"cannot write the file ({e.strerror})", path, code="FP010"
            ) from None
        raise


def _make_folder(folder: Path) -> None:
    """``mkdir -p folder``, or :class:`FeedpubError` saying why not (a file in the way)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        why = "a file is in the way" if isinstance(e, FileExistsError) else e.strerror
        raise FeedpubError(f"cannot make the folder ({why})", folder, code="FP010") from None
