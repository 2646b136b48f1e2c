"""Writing a site and its entries: ``feedpub init`` and ``feedpub new``. Never overwrites."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from .config import CONFIG_NAME, DEFAULTS, Site
from .entry import DATE_PREFIX
from .errors import FeedpubError, display_path

CONFIG_TEMPLATE = """\
# feedpub settings: https://pypi.org/project/feedpub/ (README: Configuration)
title = "{title}"
# The address the site is published at; feed URLs and entry links derive from it.
base_url = "{base_url}"
description = "{title}: the latest entries"
# language = "en"
# Default author of entries that name none: "Name", "Name <email>" or {{ name = "…", email = "…" }}
author = "{title}"
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
# max_entry_size = "8 MiB"
# max_front_matter_size = "64 KiB"
# max_categories = 200
# Whose conventions the entries follow: "feedpub", "jekyll" or "hugo" (README: Coming from …).
# dialect = "feedpub"
# File endings read as entries (default: .md and .markdown; with jekyll/hugo also .mdown, .mkd).
# extensions = [".md", ".markdown"]
# Where a derived summary ends. Unset (the default): at a <!--more--> line, else after the
# first paragraph.
# excerpt_separator = "<!--more-->"
# Authors by key, for 'author: jane' in entries (a YAML file like Jekyll's _data/authors.yml).
# authors_file = "_data/authors.yml"
# Hugo only: a URL pattern per content section.
# permalinks = {{ posts = "/:year/:month/:slug/" }}
# WebSub hubs to announce in every feed and notify with 'feedpub ping' (a URL or a list).
# hub = ["https://pubsubhubbub.appspot.com/"]
# Complete history (RFC 5005): archive/<n>/feed.xml and atom.xml, oldest first, each holding
# archive_size entries (default: limit, at most limit); full ones never change.
# archive = false
# archive_size = 20
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
        return json.dumps(text, ensure_ascii=False)[1:-1]

    return CONFIG_TEMPLATE.format(title=escaped(title), base_url=escaped(base_url))


#: The body of a new entry until its writer replaces it; `feedpub check` warns while it is
#: there (FP213), so a forgotten one is not published unnoticed.
PLACEHOLDER = "Write the entry here, in Markdown."


def init_site(folder: Path, *, title: str, base_url: str, now: datetime) -> list[Path]:
    """Create ``feedpub.toml`` and ``entries/hello-feeds.md`` in ``folder``; returns them.

    Raises :class:`FeedpubError` naming every file that already exists (nothing is written)."""
    config = folder / CONFIG_NAME
    example = folder / str(DEFAULTS["entries"]) / "hello-feeds.md"
    existing = [path for path in (config, example) if path.exists()]
    if existing:
        names = " and ".join(display_path(path) for path in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise FeedpubError(f"{names} already {verb}; init never overwrites a file")
    _make_folder(example.parent)
    _create(config, config_template(title, base_url))
    try:
        _create(example, EXAMPLE_ENTRY.format(date=now.strftime("%Y-%m-%d %H:%M")))
    except FeedpubError:
        config.unlink()  # written just now: "nothing was written" stays true
        raise
    return [config, example]


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

    Never overwrites, and never takes a slug an entry file already has (its name without the
    date in front): two entries with one slug in one month would have one link. A second entry
    of the same title gets ``-2`` (then ``-3``, …)."""
    slug = slugify(title) or "entry"
    meta: dict[str, Any] = {"title": title, "date": date.strftime("%Y-%m-%d %H:%M:%S")}
    if authors:
        meta["author"] = authors[0] if len(authors) == 1 else list(authors)
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
            f"cannot read the folder ({e.strerror})", site.entries, code="FP008"
        ) from None
    for number in range(1, 1000):
        name = slug if number == 1 else f"{slug}-{number}"
        if name in taken:
            continue
        path = site.entries / f"{date:%Y-%m-%d}-{name}.md"
        try:
            _create(path, text)
        except FileExistsError:
            continue
        return path
    raise FeedpubError(f"too many entries named {slug}; choose another title", site.entries)


def _create(path: Path, text: str) -> None:
    """Write a new file; raises FileExistsError rather than overwrite one, and
    :class:`FeedpubError` when it cannot be written (a read-only folder, a full disk)."""
    try:
        handle = open(path, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
    except FileExistsError:
        raise
    except OSError as e:
        raise FeedpubError(f"cannot write the file ({e.strerror})", path, code="FP008") from None
    try:
        with handle:
            handle.write(text)
    except BaseException as e:
        path.unlink(missing_ok=True)  # made just now, and half written
        if isinstance(e, OSError):
            raise FeedpubError(
                f"cannot write the file ({e.strerror})", path, code="FP008"
            ) from None
        raise


def _make_folder(folder: Path) -> None:
    """``mkdir -p folder``, or :class:`FeedpubError` saying why not (a file in the way)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        why = "a file is in the way" if isinstance(e, FileExistsError) else e.strerror
        raise FeedpubError(f"cannot make the folder ({why})", folder, code="FP008") from None
