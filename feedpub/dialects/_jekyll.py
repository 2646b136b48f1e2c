"""Jekyll's rules: which files are posts, their dates and slugs from file names, permalink
styles and placeholders (``lib/jekyll/drops/url_drop.rb``, ``url.rb``, ``utils.rb``).
"""

from __future__ import annotations

import glob
import posixpath
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ..errors import FeedpubError
from ..fields import KNOWN_KEYS, LinkMaker, Problems, given_link, site_url
from ..files import relative_name
from ._base import Dialect
from ._common import dialect_authors, dialect_date, dialect_files, not_a_post, split_words
from ._smartify import jekyll_feed_title
from ._templates import has_templates

if TYPE_CHECKING:
    from ..model import Entry, FrontMatterDefaults, Site


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
    elif not _PLACEHOLDER.search(pattern):
        problem(
            f"permalink {pattern!r} is neither a Jekyll style nor a pattern with :placeholders "
            "(every post would get the same link)"
        )
    # (A pattern without a leading '/' is fine: Jekyll's URL#sanitize_url adds one.)


def jekyll_slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in its ``default`` and ``pretty`` modes."""
    pattern = _PRETTY_RUN if pretty else _DEFAULT_RUN
    slug = re.sub(r"^-|-$", "", pattern.sub("-", text))
    return slug if cased else slug.lower()


_DEFAULT_RUN = re.compile(r"[\W_]+")
_PRETTY_RUN = re.compile(r"[^\w._~!$&'()+,;=@]+")


def prepare_jekyll(
    path: Path, meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    relative = relative_name(site.entries, path)
    parts = relative.split("/")
    drafts = "_drafts" in parts[:-1]
    special = "_drafts" if drafts else "_posts"
    stem = path.name.rsplit(".", 1)[0]
    name = _POST_NAME.match(stem)
    if name is None and not drafts:
        raise not_a_post(
            path,
            "Jekyll publishes a file in _posts only when its name starts with a date "
            "(YYYY-MM-DD-title.md): left out of the feeds",
        )
    defaults = front_matter_defaults(relative, site) if site.defaults else {}
    own_categories = meta.get("categories")
    meta = _deep_merged(defaults, meta) if defaults else dict(meta)
    file_slug = name.group(4) if name else stem
    if meta.get("date") is None:
        meta.update(_file_date(path, name, site, problems))
    from ._dates import jekyll_value  # (its parsers load in ~30 ms: only for Jekyll sites)

    for key in ("date", "last_modified_at", "updated", "lastmod"):
        dialect_date(meta, key, jekyll_value, site, problems)
    if meta.get("published") is False or drafts:
        meta["draft"] = True
    if meta.get("title") is None and file_slug:
        meta["title"] = " ".join(word.capitalize() for word in file_slug.split("-"))
    if isinstance(meta.get("title"), str):
        meta["title"] = jekyll_feed_title(meta["title"])  # (jekyll-feed's `smartify`)
    raw_slug = meta.get("slug")
    raw_slug = str(raw_slug) if isinstance(raw_slug, (str, int, float)) else file_slug
    meta["slug"] = jekyll_slugify(raw_slug) or None
    if meta["slug"] is None:
        problems.identity(f"cannot make a URL slug from {raw_slug!r}; add 'slug: my-story'", "slug")
        meta.pop("slug")
    _terms(meta, parts[: parts.index(special)], (defaults.get("categories"), own_categories))
    dialect_authors(meta, site)
    extra: dict[str, Any] = {}
    separator = meta.get("excerpt_separator")
    if isinstance(separator, str) and separator:
        extra["excerpt_separator"] = separator
    return meta, _Link(stem, raw_slug, parts, extra), extra


def front_matter_defaults(relative: str, site: Site) -> dict[str, Any]:
    """The values of the site's front matter ``defaults`` for the post at ``relative`` (its
    path in the site), as Jekyll's ``FrontmatterDefaults#all`` gathers them for a post: every
    set whose scope's ``type`` is ``posts`` (or none) and whose ``path`` starts the post's path
    (``""``: every file; with ``*``: a glob of the site's files), merged in order, a set with a
    longer path (or, as long, one with a ``type``) winning over the sets before it."""
    merged: dict[str, Any] = {}
    winner: FrontMatterDefaults | None = None
    for scope in site.defaults:
        if scope.type is not None and scope.type not in ("posts", "post"):
            continue
        if scope.path and not _in_scope(relative, scope.path, site):
            continue
        if winner is None or _precedes(scope, winner):
            merged, winner = _deep_merged(merged, scope.values), scope
        else:
            merged = _deep_merged(dict(scope.values), merged)
    return merged


def _in_scope(relative: str, scope: str, site: Site) -> bool:
    """Whether a scope's ``path`` covers the file at ``relative`` (a prefix, as Jekyll's)."""
    if "*" not in scope:
        return relative.startswith(scope)
    root = site.entries.resolve()
    for match in glob.glob(str(root / scope), recursive=True):
        if relative.startswith(Path(match).relative_to(root).as_posix()):
            return True
    return False


def _precedes(new: FrontMatterDefaults, old: FrontMatterDefaults) -> bool:
    """Jekyll's ``has_precedence?``: the longer path, else the one with a type."""
    new_path, old_path = new.path.removeprefix("/"), old.path.removeprefix("/")
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return new.type is not None or old.type is None


def _deep_merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's ``Utils.deep_merge_hashes``: ``over``'s values win, but ``None``; tables are
    merged key by key."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if value is None and key in merged:
            continue
        merged[key] = (
            _deep_merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


def _file_date(
    path: Path, name: re.Match[str] | None, site: Site, problems: Problems
) -> dict[str, Any]:
    """The ``date`` of a post that gives none: its file name's, or a draft's modification
    time (as Jekyll dates them)."""
    if name is None:  # a draft: Jekyll dates it by its modification time
        return {"date": datetime.fromtimestamp(path.stat().st_mtime, site.timezone)}
    try:
        return {"date": date(*(int(name.group(i)) for i in (1, 2, 3)))}
    except ValueError:
        problems.add(f"file name {path.name!r} has no real date", line=1, code="FP105")
        return {}


def _terms(meta: dict[str, Any], folders: list[str], lists: tuple[Any, Any]) -> None:
    """Categories as Jekyll's Document gathers them: the ``folders`` above _posts
    ('news/_posts' → news), joined by the ``lists`` of categories of the front matter
    defaults and of the post's own (Jekyll adds them up, it does not replace them), then
    ``category``; tags: ``tag`` or ``tags`` (Jekyll's spellings, words split as it does)."""
    categories: list[Any] = [p for p in folders if p]
    for given in lists:
        given = split_words(given)
        categories += given if isinstance(given, list) else [] if given is None else [given]
    single = meta.get("category")
    categories += [] if single is None else single if isinstance(single, list) else [single]
    meta["categories"] = list(dict.fromkeys(str(c) for c in categories if c is not None))
    meta.pop("category", None)
    tags = [meta["tag"]] if meta.get("tag") is not None else split_words(meta.get("tags"))
    if tags is not None:
        meta["tags"] = tags
    meta.pop("tag", None)


class _Link:
    """The link of a Jekyll post (a :data:`LinkMaker`): its ``permalink``, else the site's
    pattern or style filled in; it also sets the post's jekyll-feed id in ``extra``."""

    def __init__(self, stem: str, raw_slug: str, parts: list[str], extra: dict[str, Any]):
        self.stem, self.raw_slug, self.parts, self.extra = stem, raw_slug, parts, extra

    def __call__(
        self,
        path: Path,
        meta: dict[str, Any],
        site: Site,
        published: datetime,
        slug: str,
        problems: Problems,
    ) -> str | None:
        given = meta.get("permalink")
        if isinstance(given, str) and (given.startswith(("http:", "https:")) or ":" not in given):
            if not given.startswith(("http:", "https:")):
                self._id("/" + given.lstrip("/"), meta, site)
            return given_link(given, "permalink", site, problems)
        template = given if isinstance(given, str) else site.permalink
        template = JEKYLL_STYLES.get(template, template)
        values = self._values(meta, published.astimezone(site.timezone), slug)
        url = _PLACEHOLDER.sub(lambda m: _escape(values.get(m.group(1), "")), template)
        # Jekyll's URL#sanitize_url: no '..', no './', no '//'.
        url = re.sub("/+", "/", ("/" + url).replace("..", "/").replace("./", ""))
        self._id(url, meta, site)
        return site_url(site, url, "permalink" if given else None, problems)

    def _values(self, meta: dict[str, Any], local: datetime, slug: str) -> dict[str, str]:
        """What each placeholder of a permalink pattern stands for."""
        return {
            "collection": "posts",
            "name": jekyll_slugify(self.stem),
            "title": jekyll_slugify(self.raw_slug, pretty=True, cased=True),
            "slug": slug,
            "categories": "/".join(dict.fromkeys(c.lower() for c in meta["categories"])),
            "slugified_categories": "/".join(
                dict.fromkeys(jekyll_slugify(c) for c in meta["categories"])
            ),
            "output_ext": ".html",
            "path": "/".join([*self.parts[:-1], self.stem]),
            **{key: local.strftime(code) for key, code in _JEKYLL_TIME.items()},
            "i_day": str(local.day),
            "i_month": str(local.month),
        }

    def _id(self, url: str, meta: dict[str, Any], site: Site) -> None:
        if meta.get("id") is None:
            # jekyll-feed's <id> (Jekyll's Document#id): the post's URL folder joined with its
            # slug as written. The same id, so readers moving over see no post again as new.
            folder = posixpath.dirname(url.rstrip("/")) or "/"
            self.extra["id"] = site.base_url.rstrip("/") + posixpath.join(folder, self.raw_slug)


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


class Jekyll(Dialect):
    """Jekyll's conventions (``dialect = "jekyll"``): posts in ``_posts`` and ``_drafts``, dates
    and slugs from file names, permalink styles, Liquid in bodies."""

    name = "jekyll"
    extensions = (".md", ".markdown", ".mdown", ".mkd")
    #: Jekyll reads front matter only when "---" is the very start of the file.
    front_matter_after_space = False
    links_in_bodies = True
    known_keys = KNOWN_KEYS | {
        "published",
        "excerpt_separator",
        "tag",
        "layout",
        "lang",
        "redirect_from",
        "comments",
    }
    default_permalink = "date"  # Jekyll's default style
    images_need_files = False  # jekyll-feed writes `image | absolute_url`, file or not
    entry_folders = ("_posts", "_drafts")

    def entry_files(self, site: Site) -> tuple[list[str], list[FeedpubError]]:
        return dialect_files(site.entries, site, site.output.resolve())

    def section(self, folders: tuple[str, ...]) -> str:
        """A post's collection: the folder starting with '_' it is in (``_posts``: "posts";
        drafts are posts)."""
        folder = next((p for p in folders if p.startswith("_")), "")
        return "posts" if folder == "_drafts" else folder[1:]

    def prepare(
        self, path: Path, meta: dict[str, Any], site: Site, problems: Problems
    ) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
        return prepare_jekyll(path, meta, site, problems)

    def title(self, text: str) -> str:
        """jekyll-feed's title: ``title | smartify | strip_html | normalize_whitespace``."""
        return jekyll_feed_title(text)

    def check_permalink(self, pattern: str, problem: Callable[[str], None]) -> None:
        check_jekyll_permalink(pattern, problem)

    def has_templates(self, body: str) -> bool:
        return has_templates(body)

    def template_inputs(self, site: Site) -> str:
        # The files Liquid reads besides the post: _config.yml (site.*) and _includes/.
        found = []
        for path in [site.entries / "_config.yml", *_files(site.entries / "_includes")]:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append(f"{relative_name(site.entries, path)}:{stat.st_size}:{stat.st_mtime_ns}")
        return " ".join(found)

    def convert(
        self, body: str, entry: Entry, site: Site, links: Mapping[str, str] | None = None
    ) -> tuple[str, list[tuple[int, str]]]:
        if not has_templates(body):
            return body, []
        from ._liquid import render_liquid  # (python-liquid: only for a post that uses it)

        return render_liquid(body, page_variable(entry, site), site, links, entry.path.parent)


def _files(folder: Path) -> list[Path]:
    """The files in ``folder`` and below, in a stable order (none when it is missing)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def page_variable(entry: Entry, site: Site) -> dict[str, Any]:
    """Liquid's ``page`` for a post: its front matter, and what Jekyll adds (``url``,
    ``date``, ``id``, ``path``, ``slug``, ``categories``, ``tags``)."""
    import frontmatter

    try:
        values = dict(frontmatter.load(str(entry.path)).metadata)
    except Exception:  # (the scan has read it: reading it again fails only if it changed)
        values = {}
    base = urlsplit(site.base_url).path.rstrip("/")
    path = urlsplit(entry.link).path
    url = path[len(base) :] if base and path.startswith(base + "/") else path
    values.update(
        title=entry.title,
        date=entry.date,
        url=url,
        id=posixpath.splitext(url)[0] if url.endswith(".html") else url.rstrip("/"),
        path=relative_name(site.entries, entry.path),
        slug=entry.slug,
        categories=list(entry.categories),
        tags=list(entry.tags),
    )
    if entry.summary is not None:
        values.setdefault("excerpt", entry.summary)
    return values
