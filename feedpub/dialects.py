"""Jekyll's and Hugo's conventions (``dialect = "jekyll"`` / ``"hugo"``), so that their sites
build as they are.

Two jobs, both at scan time: find the files those tools publish as posts
(:func:`dialect_files`), and turn their front matter, file names and folders into feedpub's
vocabulary, with the links those tools would give them (:func:`prepare`). The plain feedpub
dialect never comes here, so it pays nothing for them. The rules follow Jekyll 4.3
(``lib/jekyll/drops/url_drop.rb``, ``url.rb``, ``document.rb``, ``utils.rb``) and Hugo 0.111
(URL management, front matter dates); the tests compare links and dates with both tools' own
feeds.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .entry import (
    KNOWN_KEYS as FEEDPUB_KEYS,
)
from .entry import (
    LinkMaker,
    _first,
    _Problems,
    given_link,
    link_loop,
    link_target,
    name_problem,
    open_folder,
    parse_date,
    relative_name,
    site_url,
)
from .errors import BuildWarning, EntryError, FeedpubError, NotAnEntry

if TYPE_CHECKING:
    from .config import Site

#: Front matter keys each dialect reads or knows, for the typo warning (FP203).
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "jekyll": FEEDPUB_KEYS
    | {"published", "excerpt_separator", "tag", "layout", "lang", "redirect_from", "comments"},
    "hugo": FEEDPUB_KEYS
    | {
        "publishdate",
        "pubdate",
        "published",
        "expirydate",
        "unpublishdate",
        "modified",
        "url",
        "weight",
        "aliases",
        "headless",
        "_build",
        "build",
        "linktitle",
        "keywords",
        "series",
        "type",
        "layout",
        "toc",
        "images",
        "params",
    },
}

# --------------------------------------------------------------------------- finding posts

#: Folders Jekyll never reads (besides those starting with '_' or '.').
_JEKYLL_EXCLUDED = frozenset({"node_modules", "vendor", "gemfiles"})


def dialect_files(
    folder: Path, site: Site, skip: Path | None = None
) -> tuple[list[str], list[FeedpubError]]:
    """The files a Jekyll or Hugo site publishes as posts, below ``folder``.

    Jekyll: files in ``_posts`` and ``_drafts`` folders (also ``news/_posts``), never in other
    folders starting with ``_`` or ``.``. Hugo: every content file, but ``_index`` section
    pages, and of a page bundle (a folder with an ``index`` file) only that file. Both: hidden
    files, editor backups (``~``, ``.swp``, ``#…#``) and other extensions skipped; links that
    lead outside ``folder`` are errors; the output folder ``skip`` is never entered."""
    found: list[str] = []
    problems: list[FeedpubError] = []
    root = folder.resolve()
    suffixes = site.extensions
    jekyll = site.dialect == "jekyll"
    pending = [(str(folder), False)]
    while pending:
        where, publishing = pending.pop()
        # (A folder that holds no posts and cannot be read is passed over, as Jekyll does.)
        opened = open_folder(where, problems if publishing or where == str(folder) else [])
        if opened is None:
            continue
        with opened:
            listing = list(opened)
        names = {item.name.lower() for item in listing}
        if not jekyll and where != str(folder) and any(f"index{s}" in names for s in suffixes):
            # A Hugo leaf bundle: its index is the page, everything else a resource of it.
            listing = [item for item in listing if item.name.lower() in _indexes(suffixes)]
        for item in listing:
            name = item.name
            if name.startswith((".", "#")) or name.endswith(("~", "#", ".swp")):
                continue
            path = Path(item.path)
            post = name.lower().endswith(suffixes) and (publishing or not jekyll)
            if post and (problem := name_problem(folder, item.path)):
                problems.append(problem)
                continue
            target = link_target(item.path) if item.is_symlink() else path
            if target is None:
                if post:
                    problems.append(link_loop(item.path))
                continue
            if item.is_symlink() and not target.is_relative_to(root):
                problems.append(
                    EntryError(
                        f"is a link to {target}, outside the entries folder; feedpub reads "
                        "only files inside it (copy the file in instead)",
                        path,
                        code="FP101",
                    )
                )
                continue
            if target.is_dir():
                if item.is_symlink() or (skip is not None and target.resolve() == skip):
                    continue  # links are followed to files only (no loops); never the output
                if jekyll:
                    special = name in ("_posts", "_drafts")
                    if special or (not name.startswith("_") and name not in _JEKYLL_EXCLUDED):
                        pending.append((item.path, publishing or special))
                else:
                    pending.append((item.path, True))
                continue
            if not name.lower().endswith(suffixes) or not target.is_file():
                continue
            if jekyll and not publishing:
                continue
            if not jekyll and name.lower().rsplit(".", 1)[0] == "_index":
                continue  # a Hugo section page: a list, not a post
            found.append(item.path)
    found.sort()
    problems.sort(key=lambda problem: str(problem.path))
    return found, problems


def _indexes(suffixes: tuple[str, ...]) -> set[str]:
    return {f"index{s}" for s in suffixes}


# --------------------------------------------------------------------------- front matter


def prepare(
    path: Path, meta: dict[str, Any], site: Site, problems: _Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    """The front matter in feedpub's words, the function that makes the entry's link, and the
    extra :class:`~feedpub.entry.Entry` fields the dialect sets. Raises :class:`NotAnEntry`
    for a file that tool would not publish as a post."""
    if site.dialect == "jekyll":
        return _jekyll(path, meta, site, problems)
    return _hugo(path, meta, site, problems)


def _not_a_post(path: Path, message: str) -> NotAnEntry:
    return NotAnEntry([BuildWarning("FP221", message, path, 1)])


def _authors(meta: dict[str, Any], site: Site) -> None:
    """``author: jane`` → the author ``jane`` of ``authors_file`` (Jekyll's _data/authors.yml)."""
    if not site.author_table:
        return
    table = dict(site.author_table)
    for key in ("authors", "author"):
        value = meta.get(key)
        if isinstance(value, str) and value in table:
            meta[key] = [table[value]]
        elif isinstance(value, list) and any(isinstance(v, str) and v in table for v in value):
            meta[key] = [table.get(v, v) if isinstance(v, str) else v for v in value]


def _words(value: Any) -> Any:
    """Jekyll's plural keys: a string is a space-separated list."""
    return value.split() if isinstance(value, str) else value


# --------------------------------------------------------------------------- Jekyll

_POST_NAME = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)$")

#: Jekyll's built-in permalink styles (lib/jekyll/configuration.rb, PERMALINK_STYLES).
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
JEKYLL_PLACEHOLDERS = frozenset(
    {"collection", "name", "title", "slug", "categories", "slugified_categories", "output_ext"}
    | {"path", "year", "month", "day", "hour", "minute", "second", "i_day", "i_month"}
    | {"short_month", "long_month", "short_year", "w_year", "week", "w_day", "short_day"}
    | {"long_day", "y_day"}
)
_PLACEHOLDER = re.compile(r":([a-z_]+)")


def check_jekyll_permalink(pattern: str, problem: Callable[[str], None]) -> None:
    """A Jekyll ``permalink``: a style name or a pattern of known ``:placeholders``."""
    if pattern in JEKYLL_STYLES:
        return
    unknown = [n for n in _PLACEHOLDER.findall(pattern) if n not in JEKYLL_PLACEHOLDERS]
    if unknown:
        problem(
            f"permalink uses :{unknown[0]}, which Jekyll does not know; use a style "
            f"({', '.join(JEKYLL_STYLES)}) or :year, :month, :day, :title, :categories, …"
        )
    elif not pattern.startswith("/"):
        problem(f"permalink {pattern!r} is neither a Jekyll style nor a path starting with '/'")


def jekyll_slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in its ``default`` and ``pretty`` modes."""
    pattern = _PRETTY_RUN if pretty else _DEFAULT_RUN
    slug = re.sub(r"^-|-$", "", pattern.sub("-", text))
    return slug if cased else slug.lower()


_DEFAULT_RUN = re.compile(r"[\W_]+")
_PRETTY_RUN = re.compile(r"[^\w._~!$&'()+,;=@]+")


def _jekyll(
    path: Path, meta: dict[str, Any], site: Site, problems: _Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    parts = relative_name(site.entries, path).split("/")
    drafts = "_drafts" in parts[:-1]
    special = "_drafts" if drafts else "_posts"
    stem = path.name.rsplit(".", 1)[0]
    name = _POST_NAME.match(stem)
    if name is None and not drafts:
        raise _not_a_post(
            path,
            "Jekyll publishes a file in _posts only when its name starts with a date "
            "(YYYY-MM-DD-title.md): left out of the feeds",
        )
    meta = dict(meta)
    file_slug = name.group(4) if name else stem
    if meta.get("date") is None:
        if name is not None:
            try:
                meta["date"] = date(*(int(name.group(i)) for i in (1, 2, 3)))
            except ValueError:
                problems.add(f"file name {path.name!r} has no real date", line=1, code="FP105")
        else:  # a draft: Jekyll dates it by its modification time
            meta["date"] = datetime.fromtimestamp(path.stat().st_mtime, site.timezone)
    if meta.get("published") is False or drafts:
        meta["draft"] = True
    if meta.get("title") is None and file_slug:
        meta["title"] = " ".join(word.capitalize() for word in file_slug.split("-"))
    raw_slug = meta.get("slug")
    raw_slug = str(raw_slug) if isinstance(raw_slug, (str, int, float)) else file_slug
    meta["slug"] = jekyll_slugify(raw_slug) or None
    if meta["slug"] is None:
        problems.identity(f"cannot make a URL slug from {raw_slug!r}; add 'slug: my-story'", "slug")
        meta.pop("slug")
    # Categories: folders above _posts ('news/_posts' → news), then category or categories.
    categories = [p for p in parts[: parts.index(special)] if p]
    given = [meta["category"]] if meta.get("category") is not None else meta.get("categories")
    given = _words(given)
    categories += given if isinstance(given, list) else [] if given is None else [given]
    meta["categories"] = list(dict.fromkeys(str(c) for c in categories if c is not None))
    meta.pop("category", None)
    tags = [meta["tag"]] if meta.get("tag") is not None else _words(meta.get("tags"))
    if tags is not None:
        meta["tags"] = tags
    meta.pop("tag", None)
    _authors(meta, site)
    extra: dict[str, Any] = {}
    separator = meta.get("excerpt_separator")
    if isinstance(separator, str) and separator:
        extra["excerpt_separator"] = separator

    def jekyll_id(url: str) -> None:
        if meta.get("id") is None:
            # jekyll-feed's <id> (Jekyll's Document#id): the post's URL folder joined with its
            # slug as written. The same id, so readers moving over see no post again as new.
            folder = posixpath.dirname(url.rstrip("/")) or "/"
            extra["id"] = site.base_url.rstrip("/") + posixpath.join(folder, raw_slug)

    def link(
        path: Path,
        meta: dict[str, Any],
        site: Site,
        published: datetime,
        slug: str,
        problems: _Problems,
    ) -> str | None:
        given = meta.get("permalink")
        if isinstance(given, str) and (given.startswith(("http:", "https:")) or ":" not in given):
            if not given.startswith(("http:", "https:")):
                jekyll_id("/" + given.lstrip("/"))
            return given_link(given, "permalink", site, problems)
        template = given if isinstance(given, str) else site.permalink
        template = JEKYLL_STYLES.get(template, template)
        local = published.astimezone(site.timezone)
        values = {
            "collection": "posts",
            "name": jekyll_slugify(stem),
            "title": jekyll_slugify(raw_slug, pretty=True, cased=True),
            "slug": slug,
            "categories": "/".join(dict.fromkeys(c.lower() for c in meta["categories"])),
            "slugified_categories": "/".join(
                dict.fromkeys(jekyll_slugify(c) for c in meta["categories"])
            ),
            "output_ext": ".html",
            "path": "/".join([*parts[:-1], stem]),
            **{key: local.strftime(code) for key, code in _JEKYLL_TIME.items()},
            "i_day": str(local.day),
            "i_month": str(local.month),
        }
        url = _PLACEHOLDER.sub(lambda m: _escape(values.get(m.group(1), "")), template)
        # Jekyll's URL#sanitize_url: no '..', no './', no '//'.
        url = re.sub("/+", "/", ("/" + url).replace("..", "/").replace("./", ""))
        jekyll_id(url)
        return site_url(site, url, "permalink" if given else None, problems)

    return meta, link, extra


_JEKYLL_TIME = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "minute": "%M",
    "second": "%S",
    "short_month": "%b",
    "long_month": "%B",
    "short_year": "%y",
    "w_year": "%G",
    "week": "%V",
    "w_day": "%u",
    "short_day": "%a",
    "long_day": "%A",
    "y_day": "%j",
}


def _escape(value: str) -> str:
    """Jekyll's ``URL.escape_path``: percent-encode all but RFC 3986 path characters."""
    return quote(value, safe="/-._~!$&'()*+,;=:@")


# --------------------------------------------------------------------------- Hugo

#: Hugo's default front matter date keys, in order (its [frontmatter] configuration).
_HUGO_DATE = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
_HUGO_PUBLISH = ("publishdate", "pubdate", "published")
_HUGO_EXPIRY = ("expirydate", "unpublishdate")
_HUGO_LASTMOD = ("lastmod", "modified")
HUGO_TOKENS = frozenset(
    {"year", "month", "monthname", "day", "weekday", "weekdayname", "yearday", "section"}
    | {"sections", "title", "slug", "slugorfilename", "filename"}
)


def check_hugo_permalink(pattern: str, problem: Callable[[str], None]) -> None:
    """A Hugo ``[permalinks]`` pattern: a path of known ``:tokens``."""
    unknown = [n for n in re.findall(r":([a-z]+)", pattern) if n not in HUGO_TOKENS]
    if unknown:
        problem(
            f":{unknown[0]} is not a Hugo permalink token; use :year, :month, :day, :section, "
            ":title, :slug, :filename, …"
        )


def hugo_urlize(text: str) -> str:
    """Hugo's ``urlize`` (PathSpec.MakePathSanitized) as Hugo 0.111 does it: letters, digits,
    marks and ``./_#~-@`` kept; ``+`` becomes ``-``; no ``-`` twice in a row; spaces become
    one ``-`` before what follows; everything else dropped; lowercased. ("C++ & Go" → "c-go",
    "C++ Go+" → "c-go-", as Hugo writes them.)"""
    out: list[str] = []
    hyphen = False
    for ch in text:
        if ch == "+":
            ch = "-"
        if ch in "./\\_#~-@" or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            follows_hyphen = bool(out) and out[-1] == "-"
            if ch == "-" and follows_hyphen:
                continue
            if hyphen and not follows_hyphen and ch != "-":
                out.append("-")
            hyphen = False
            out.append(ch)
        elif out and ch.isspace():
            hyphen = True
    return "".join(out).lower()


def _hugo(
    path: Path, meta: dict[str, Any], site: Site, problems: _Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    # Hugo reads front matter keys in any case (publishDate, publishdate, PublishDate).
    meta = {k.lower() if isinstance(k, str) else k: v for k, v in meta.items()}
    for written, line in list(problems.key_lines.items()):
        problems.key_lines.setdefault(written.lower(), line)
    build = meta.get("_build") or meta.get("build")
    if meta.get("headless") is True or (
        isinstance(build, dict) and str(build.get("list", "")).lower() == "never"
    ):
        raise NotAnEntry()
    key, value = _first(meta, *_HUGO_DATE)
    if key is None:
        raise _not_a_post(
            path,
            "has no date, so it is a page, not a post (Hugo dates it 0001-01-01): left out "
            "of the feeds; add 'date' to its front matter to publish it",
        )
    meta["date"] = value
    problems.key_lines.setdefault("date", problems.key_lines.get(key, 1))
    extra: dict[str, Any] = {}
    for field, keys in (("publish_date", _HUGO_PUBLISH), ("expiry_date", _HUGO_EXPIRY)):
        found, value = _first(meta, *keys)
        if found is not None:
            try:
                extra[field] = parse_date(value, site.timezone)
            except ValueError as e:
                problems.add(f"{found} {e}", found, code="FP105")
    found, value = _first(meta, *_HUGO_LASTMOD)
    meta.pop("updated", None)
    if found is not None:
        meta["lastmod"] = value
    for taxonomy in ("categories", "tags", "authors"):
        if isinstance(meta.get(taxonomy), str):  # a string is one term in Hugo
            meta[taxonomy] = [meta[taxonomy]]
    meta.pop("category", None)
    _authors(meta, site)
    parts = relative_name(site.entries, path).split("/")
    stem = path.name.rsplit(".", 1)[0]
    bundle = stem.lower() == "index" and len(parts) > 1
    filename = parts[-2] if bundle else stem
    folders = parts[:-2] if bundle else parts[:-1]
    given_slug = meta.get("slug")
    if isinstance(given_slug, (int, float)) and not isinstance(given_slug, bool):
        given_slug = str(given_slug)
    slug_text = given_slug if isinstance(given_slug, str) and given_slug.strip() else None
    # The entry's own slug (a name, not the link): Hugo keeps '+#@' in URLs, which feedpub's
    # slugs do not hold; the link below keeps them, '#' escaped.
    meta["slug"] = (
        re.sub(r"[^\w.~-]+", "-", hugo_urlize(slug_text or filename)).strip("./-") or None
    )
    if meta["slug"] is None:
        problems.identity(f"cannot make a URL slug from {filename!r}; add 'slug'", "slug")
        meta.pop("slug")
    section = folders[0] if folders else ""
    pattern = dict(site.permalinks).get(section)

    def link(
        path: Path,
        meta: dict[str, Any],
        site: Site,
        published: datetime,
        slug: str,
        problems: _Problems,
    ) -> str | None:
        if meta.get("url") is not None:
            return given_link(meta["url"], "url", site, problems)
        if pattern is None:
            url = "/".join(["", *folders, slug_text or filename, ""])
        else:
            title = str(meta.get("title") or "")
            values = {
                "year": f"{published.year:04d}",
                "month": f"{published.month:02d}",
                "monthname": published.strftime("%B").lower(),
                "day": f"{published.day:02d}",
                "weekday": str(published.isoweekday() % 7),
                "weekdayname": published.strftime("%A").lower(),
                "yearday": str(published.timetuple().tm_yday),
                "section": section,
                "sections": "/".join(folders),
                "title": hugo_urlize(title),
                "slug": slug_text or hugo_urlize(title),
                "slugorfilename": slug_text or filename,
                "filename": filename,
            }
            url = re.sub(r":([a-z]+)", lambda m: values.get(m.group(1), m.group()), pattern)
        url = re.sub("/+", "/", hugo_urlize(url))
        # '#' escaped: Hugo writes it as it is, which makes the rest of the link a fragment.
        return site_url(site, quote(url, safe="/%~:@!$&'()*+,;="), None, problems)

    return meta, link, extra
