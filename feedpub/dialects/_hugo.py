"""Hugo's rules: content sections, ``url``/``slug`` front matter, ``[permalinks]`` tokens,
publish and expiry dates, drafts and headless bundles (Hugo 0.111's URL management).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import FeedpubError, NotAnEntry
from ..fields import (
    KNOWN_KEYS,
    UNDATED,
    LinkMaker,
    Problems,
    first_of,
    given_link,
    parse_date,
    site_url,
)
from ..files import relative_name
from ._base import Dialect
from ._common import dialect_authors, dialect_date, dialect_files, not_a_post
from ._templates import convert, has_templates

if TYPE_CHECKING:
    from ..model import Entry, Site, Term


# --------------------------------------------------------------------------- Hugo

#: Hugo's default front matter date keys, in order (its [frontmatter] configuration).
_HUGO_DATE = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
_HUGO_PUBLISH = ("publishdate", "pubdate", "published")
_HUGO_EXPIRY = ("expirydate", "unpublishdate")
_HUGO_LASTMOD = ("lastmod", "modified")
HUGO_TOKENS = frozenset(
    {"year", "month", "monthname", "day", "weekday", "weekdayname", "yearday", "section"}
    | {"sections", "title", "slug", "slugorfilename", "filename"}
    # Hugo 0.144's names for :filename and :slugorfilename (the same for a regular page)
    | {"contentbasename", "slugorcontentbasename"}
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


def _other_terms(
    meta: dict[str, Any], taxonomies: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The terms of each of ``taxonomies`` (front matter keys) a page lists, as Hugo reads
    them: a list's names (numbers as text) or one name; others are passed over, as Hugo does."""
    found = []
    for key in taxonomies:
        value = meta.get(key.lower())
        if not isinstance(value, list):
            continue
        kept = [v for v in value if isinstance(v, str | int | float) and not isinstance(v, bool)]
        if terms := tuple(dict.fromkeys(n for v in kept if (n := str(v).strip()))):
            found.append((key, terms))
    return tuple(found)


def hugo_term_path(name: str) -> str:
    """The folder of a taxonomy term's pages and feed as Hugo 0.111 names it (PathSpec's
    UnicodeSanitize, lowercased): letters, digits, marks and ``./\\_#+~-@`` kept (and ``%``
    before two hex digits); a space, or ``-``, after dropped characters makes one ``-``.
    ("C++ Go+" → "c++-go+", "x & y" → "x-y", "robots.txt" as it is.)"""
    out: list[str] = []
    hyphen = False
    for i, ch in enumerate(name):
        allowed = ch in "./\\_#+~-@" or ch.isalnum() or unicodedata.category(ch).startswith("M")
        if ch == "%":
            allowed = all(c in string.hexdigits for c in name[i + 1 : i + 3]) and i + 2 < len(name)
        if allowed:
            if hyphen and ch != "-" and not (out and out[-1] == "-"):
                out.append("-")
            hyphen = False
            out.append(ch)
        elif out and (ch == "-" or ch.isspace()):
            hyphen = True
    return "".join(out).lower()


def prepare_hugo(
    path: Path, meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    language = hugo_language(path, site)
    if language is None:
        raise NotAnEntry()  # a page of a language whose feeds are not written
    branch = is_branch(path, site)
    # Hugo reads front matter keys in any case (publishDate, publishdate, PublishDate).
    meta = {k.lower() if isinstance(k, str) else k: v for k, v in meta.items()}
    for written, line in list(problems.key_lines.items()):
        problems.key_lines.setdefault(written.lower(), line)
    build = meta.get("_build") or meta.get("build")
    # list: never, or false (Hugo's older spelling of never, which 0.111 and 0.168 still read)
    listed = build.get("list", "") if isinstance(build, dict) else ""
    if meta.get("headless") is True or listed is False or str(listed).lower() == "never":
        raise NotAnEntry()
    # a section's page without a date: Hugo dates it by its newest page (the plan does)
    extra = _dates(path, meta, site if not branch else replace(site, undated_pages=True), problems)
    if site.summary_words is not None:
        # Hugo's .Summary (what its RSS shows): 'summary', never 'description'
        meta.pop("description", None)
        meta.pop("excerpt", None)
    for taxonomy in ("categories", "tags", "authors", *site.taxonomies):
        if isinstance(meta.get(taxonomy), str):  # a string is one term in Hugo
            meta[taxonomy] = [meta[taxonomy]]
    if site.taxonomies:
        extra["terms"] = _other_terms(meta, site.taxonomies)
    meta.pop("category", None)
    dialect_authors(meta, site)
    site = site.in_language(language)  # (its links and permalinks its language's)
    folders, filename = page_names(path, site)
    if not meta.get("title") and (own := taxonomy_page(path, site)) is not None:
        # a term's page without a title (Hugo's title is empty then): the term's folder
        meta["title"] = own[1] or hugo_title_case(own[0])
    home = branch and not folders and filename.lower().startswith("_index")
    if home:  # the home page's own (an item of its terms' feeds): the site's address
        folders, filename = [], ""
    given_slug = meta.get("slug")
    if isinstance(given_slug, (int, float)) and not isinstance(given_slug, bool):
        given_slug = str(given_slug)
    slug_text = given_slug if isinstance(given_slug, str) and given_slug.strip() else None
    # The entry's own slug (a name, not the link): Hugo keeps '+#@' in URLs, which feedpub's
    # slugs do not hold; the link below keeps them, '#' escaped.
    meta["slug"] = re.sub(r"[^\w.~-]+", "-", hugo_urlize(slug_text or filename)).strip("./-") or (
        "index" if home else None
    )
    if meta["slug"] is None:
        problems.identity(f"cannot make a URL slug from {filename!r}; add 'slug'", "slug")
        meta.pop("slug")
    # [permalinks] are for a section's regular pages: its own page is at /section/
    permalinks = {} if branch else dict(site.permalinks)
    return meta, _Link(folders, filename, slug_text, permalinks, language), extra


def _stem(path: Path, site: Site) -> str:
    """The file's name without its extension, nor a language's code (``post.en.md`` and
    ``post.es.md`` are the page ``post`` in English and in Spanish)."""
    stem = path.name.rsplit(".", 1)[0]
    code = _named_language(stem, site)
    return stem if code is None else stem[: -len(code) - 1]


def _named_language(stem: str, site: Site) -> str | None:
    """The language a file's name (without its extension) ends in, one of ``languages``."""
    code = stem.rsplit(".", 1)[1].lower() if "." in stem else None
    return code if code in site.languages else None


def content_key(path: Path, site: Site) -> str:
    """Where Hugo 0.111's content tree keeps the page of ``path`` (it reads pages in this
    order): a section's own page at its folder (``/blog/``, the home page's at ``/``),
    another page after its section's folder (only top folders are counted as sections
    here) and ``__hb_`` (``/blog/__hb_2020/post__hl_``), lowercased."""
    folders, name = page_names(path, site)
    parts = [part.lower() for part in (*folders, name)]
    if is_branch(path, site):
        return "/" if not folders and name.lower().startswith("_index") else f"/{'/'.join(parts)}/"
    section = f"/{parts[0]}/" if len(parts) > 1 else "/"
    return f"{section}__hb_{'/'.join(parts[1:] if len(parts) > 1 else parts)}__hl_"


def collation_key(text: str) -> tuple[str, str, str]:
    """A sort key near Go's collator (Unicode's collation, as Hugo sorts titles): letters
    without their accents and case first, then the accents, then lowercase before
    uppercase."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold(), decomposed.casefold(), text.swapcase()


def hugo_title_case(text: str) -> str:
    """A list page's title as Hugo 0.111 makes it from its folder's name (its titleFunc,
    ``titleCaseStyle`` "AP"): each word capitalised ("categories" → "Categories")."""
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


def _list_page(site: Site, path: str) -> str:
    """The address, below ``base_url``, of Hugo's list page of the folder ``path``
    (``categories/news/``; ``categories/news.html`` with ``uglyURLs``)."""
    return f"{path}.html" if site.ugly_urls else f"{path}/"


def taxonomy_page(path: Path, site: Site) -> tuple[str, str] | None:
    """The taxonomy and term of a taxonomy's own page (``content/categories/_index.md``: term
    "") or a term's (``content/categories/news/_index.md``: "news"), of the taxonomies with
    feeds; ``None`` for any other page. Hugo keeps them apart from sections."""
    if not is_branch(path, site):
        return None
    folders, name = page_names(path, site)
    parts = [part.lower() for part in (*folders, name)]
    taxonomies = (
        *(t for t, on in _TAXONOMY_SETTINGS if getattr(site, on)),
        *(t.lower() for t in site.taxonomies),
    )
    if not 1 <= len(parts) <= 2 or parts[0] not in taxonomies:
        return None
    return parts[0], parts[1] if len(parts) == 2 else ""


#: The taxonomies of Hugo's front matter keys with a setting of their own.
_TAXONOMY_SETTINGS = (
    ("categories", "category_feeds"),
    ("tags", "tag_feeds"),
    ("authors", "author_feeds"),
)


def is_branch(path: Path, site: Site) -> bool:
    """Whether ``path`` is a section's own page (``_index.md``, ``_index.en.md``)."""
    return _stem(path, site).lower() == "_index"


def hugo_language(path: Path, site: Site) -> str | None:
    """The language of a page, as Hugo 0.111 tells it: the one its name ends in
    (``post.es.md``, one of ``languages``), else the one whose entries folder holds it
    (``language_entries``, Hugo's ``contentDir``), else the first. "" for the first
    language, the code of another whose feeds are written (``language_feeds``), ``None``
    for a page of another language, or in no language's folder: in no feed."""
    if not site.languages:
        return ""
    code = _named_language(path.name.rsplit(".", 1)[0], site)
    if site.language_entries:  # (a folder of no language's is not read, whatever its names)
        name = relative_name(site.entries, path)
        folder = next((c for c, f in site.language_entries if name.startswith(f + "/")), None)
        if folder is None:
            return None
        code = code or folder
    if code is None or code == site.languages[0]:
        return ""
    return code if site.language_of(code) is not None else None


def content_name(path: Path, site: Site) -> str:
    """The name of the entry file ``path`` below its content folder: the entries folder,
    or the language's folder there holding it (``language_entries``: ``posts/a.md`` for
    ``en/posts/a.md``), whatever the page's language (``en/posts/a.es.md`` is in the
    Spanish section ``posts``, as in Hugo)."""
    name = relative_name(site.entries, path)
    for _, folder in site.language_entries:
        if name.startswith(folder + "/"):
            return name[len(folder) + 1 :]
    return name


def page_names(path: Path, site: Site) -> tuple[list[str], str]:
    """The folders of a page below the content folder, and its name: the file's, or its
    bundle folder's for a bundle's ``index.md`` (a section's for its ``_index.md``)."""
    parts = content_name(path, site).split("/")
    stem = _stem(path, site)
    bundle = stem.lower() in ("index", "_index") and len(parts) > 1
    return (parts[:-2], parts[-2]) if bundle else (parts[:-1], stem)


def _dates(path: Path, meta: dict[str, Any], site: Site, problems: Problems) -> dict[str, Any]:
    """Hugo's dates in feedpub's keys (``date``, ``lastmod`` in ``meta``; the publish and
    expiry dates as the extra :class:`~feedpub.model.Entry` fields it returns). Raises
    :class:`NotAnEntry` for a page without a date: Hugo lists it, but it is no post."""
    from ._dates import hugo_value  # (its parsers load in ~30 ms: only for Hugo sites)

    key, value = _hugo_date(path, meta, site, problems)
    meta["date"] = UNDATED if value == UNDATED else value  # (Go's zero time: the one object)
    problems.key_lines.setdefault("date", problems.key_lines.get(key, 1))
    extra: dict[str, Any] = {}
    for field, keys in (("publish_date", _HUGO_PUBLISH), ("expiry_date", _HUGO_EXPIRY)):
        found, value = first_of(meta, *keys)
        if found is not None:
            reading = hugo_value(value, site.timezone)
            try:
                extra[field] = reading.when if reading else parse_date(value, site.timezone)
            except ValueError as e:
                problems.add(f"{found} {e}", found, code="FP105")
    found, value = first_of(meta, *_HUGO_LASTMOD)
    meta.pop("updated", None)
    if found is not None:
        meta["lastmod"] = value
        problems.key_lines.setdefault("lastmod", problems.key_lines.get(found, 1))
        _lastmod(meta, found, value, site, problems)
    return extra


def _lastmod(meta: dict[str, Any], key: str, value: Any, site: Site, problems: Problems) -> None:
    """``lastmod`` read as Hugo reads it; one Hugo cannot read is ignored, as Hugo does, or
    read leniently, with a warning (FP214)."""
    from ._dates import hugo_value

    dialect_date(meta, "lastmod", hugo_value, site, problems)
    if meta["lastmod"] == UNDATED:  # Go's zero time: Hugo takes the page's date instead
        meta.pop("lastmod")
        return
    if not isinstance(meta["lastmod"], datetime):
        lenient = _lenient(meta["lastmod"], site)
        if lenient is None:  # Hugo ignores a lastmod it cannot read: so does feedpub
            meta.pop("lastmod")
        else:
            meta["lastmod"] = lenient
        problems.warn("FP214", _hugo_cannot(key, value, lenient), "lastmod")


def _hugo_date(
    path: Path, meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[str, datetime]:
    """The key and the date of a Hugo page, as Hugo's ``[frontmatter] date`` list finds it
    (``frontmatter_date``; by default the keys of ``:default``): the first readable one. A
    date Hugo cannot read is passed over, as Hugo does; when it is the only one, feedpub
    takes its nearest reading, with a warning (Hugo dates the page 0001-01-01). Raises
    :class:`NotAnEntry` for a page without a date: Hugo's feeds list it as of the year 1."""
    unreadable: list[tuple[str, Any]] = []
    for handler in site.frontmatter_date or (":default",):
        found = _handled_date(handler.lower(), path, meta, site, problems, unreadable)
        if found is not None:
            return found
    for key, value in unreadable:
        lenient = _lenient(value, site)
        if lenient is not None:
            problems.warn("FP214", _hugo_cannot(key, value, lenient), key)
            return key, lenient
    if site.undated_pages:
        return (unreadable[0][0] if unreadable else "date"), UNDATED
    if unreadable:
        key, value = unreadable[0]
        raise not_a_post(
            path,
            f"{_hugo_cannot(key, value, None)}, so it is a page, not a post: left out of the "
            "feeds; write the date as 2025-05-01 to publish it",
        )
    raise not_a_post(
        path,
        "has no date, so it is a page, not a post (Hugo dates it 0001-01-01): left out "
        "of the feeds; add 'date' to its front matter to publish it (or set "
        "undated_pages = true to list it as Hugo does)",
    )


def _handled_date(
    handler: str,
    path: Path,
    meta: dict[str, Any],
    site: Site,
    problems: Problems,
    unreadable: list[tuple[str, Any]],
) -> tuple[str, datetime] | None:
    """The date one entry of Hugo's ``[frontmatter] date`` list gives, if any; the dates
    Hugo cannot read are added to ``unreadable``."""
    from ._dates import hugo_name_date, hugo_value

    if handler == ":git":
        return None  # (git dates are not read; init says so)
    if handler == ":filename":
        named = hugo_name_date(page_names(path, site)[1], site.timezone)
        if named is None:
            return None
        if "slug" not in meta and named[1]:
            meta["slug"] = named[1]  # Hugo takes the rest of the name as the slug
        return "date", named[0]
    if handler == ":filemodtime":
        return "date", datetime.fromtimestamp(path.stat().st_mtime, site.timezone)
    for key in _HUGO_DATE if handler == ":default" else (handler,):
        value = meta.get(key)
        if value is None:
            continue
        reading = hugo_value(value, site.timezone)
        if reading is not None:
            if reading.note:
                problems.warn("FP214", f"{key} {str(value)!r}: {reading.note}", key)
            return key, reading.when
        unreadable.append((key, value))
    return None


def _lenient(value: Any, site: Site) -> datetime | None:
    """The nearest reading of a date Hugo cannot read: feedpub's own, else Ruby's."""
    from ._dates import jekyll_time

    try:
        return parse_date(value, site.timezone)
    except ValueError:
        reading = jekyll_time(value, site.timezone) if isinstance(value, str) else None
        return reading.when if reading else None


def _hugo_cannot(key: str, value: Any, lenient: datetime | None) -> str:
    message = f"Hugo cannot read {key} {str(value)!r} (it dates the page 0001-01-01)"
    if lenient is None:
        return message
    return f"{message}; read as {lenient.isoformat(sep=' ')}"


def hugo_url(value: Any) -> Any:
    """A page's ``url`` as Hugo makes its link: from the site's root, and a folder (ending in
    ``/``) unless its last part names a file (``/notes/page.html``, ``/v1.2``); the rest as
    written (``uglyURLs`` does not change it). An http(s) URL is left for
    :func:`given_link` to take as it is."""
    if not isinstance(value, str) or not value.strip() or "://" in value:
        return value
    url = "/" + value.strip().lstrip("/")
    if "." not in url.rsplit("/", 1)[1]:
        url = url.rstrip("/") + "/"
    return url


def _url_root(site: Site) -> Site:
    """``site`` with the address ``url`` front matter starts from: Hugo's ``baseURL``, without
    the default language's folder that ``defaultContentLanguageInSubdir`` adds to
    ``base_url`` (``https://example.org/en/`` → ``https://example.org/``)."""
    folder = f"/{site.languages[0]}/" if site.languages else None
    if folder is None or not site.base_url.endswith(folder):
        return site
    return replace(site, base_url=site.base_url[: -len(folder) + 1])


class _Link:
    """The link of a Hugo page (a :data:`LinkMaker`): its ``url``, else its section's
    ``[permalinks]`` pattern filled in, else its folders and slug or file name."""

    def __init__(
        self,
        folders: list[str],
        filename: str,
        slug_text: str | None,
        permalinks: dict[str, str],
        language: str = "",
    ) -> None:
        self.folders, self.filename, self.slug_text = folders, filename, slug_text
        self.language = language  # ("": the first's)
        self.section = folders[0] if folders else ""
        self.pattern = permalinks.get(self.section)

    def __call__(
        self,
        path: Path,
        meta: dict[str, Any],
        site: Site,
        published: datetime,
        slug: str,
        problems: Problems,
    ) -> str | None:
        if meta.get("url") is not None:  # (from the root, in every language)
            return given_link(hugo_url(meta["url"]), "url", _url_root(site), problems)
        site = site.in_language(self.language)  # its links below the language's folder
        if self.pattern is None:
            url = "/".join(["", *self.folders, self.slug_text or self.filename, ""])
        else:
            values = self._values(str(meta.get("title") or ""), published)
            url = re.sub(r":([a-z]+)", lambda m: values.get(m.group(1), m.group()), self.pattern)
        url = re.sub("/+", "/", hugo_urlize(url))
        if site.ugly_urls and url.endswith("/") and url != "/":
            url = url[:-1] + ".html"  # Hugo's uglyURLs: /posts/name.html
        # '#' escaped: Hugo writes it as it is, which makes the rest of the link a fragment.
        return site_url(site, quote(url, safe="/%~:@!$&'()*+,;="), None, problems)

    def _values(self, title: str, published: datetime) -> dict[str, str]:
        """What each token of a ``[permalinks]`` pattern stands for."""
        return {
            "year": f"{published.year:04d}",
            "month": f"{published.month:02d}",
            "monthname": published.strftime("%B").lower(),
            "day": f"{published.day:02d}",
            "weekday": str(published.isoweekday() % 7),
            "weekdayname": published.strftime("%A").lower(),
            "yearday": str(published.timetuple().tm_yday),
            "section": self.section,
            "sections": "/".join(self.folders),
            "title": hugo_urlize(title),
            "slug": self.slug_text or hugo_urlize(title),
            "slugorfilename": self.slug_text or self.filename,
            "filename": self.filename,
            "slugorcontentbasename": self.slug_text or self.filename,
            "contentbasename": self.filename,
        }


class Hugo(Dialect):
    """Hugo's conventions (``dialect = "hugo"``): content sections and page bundles, ``url``
    and ``[permalinks]``, publish and expiry dates, ``static/``, shortcodes in bodies."""

    name = "hugo"
    extensions = (".md", ".markdown", ".mdown", ".mkd", ".html", ".htm")
    links_in_bodies = True
    branches = True
    known_keys = KNOWN_KEYS | {
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
    }
    static_folders = ("static",)

    def entry_files(self, site: Site) -> tuple[list[str], list[FeedpubError]]:
        return dialect_files(site.entries, site, site.output.resolve())

    def prepare(
        self, path: Path, meta: dict[str, Any], site: Site, problems: Problems
    ) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
        return prepare_hugo(path, meta, site, problems)

    def check_permalink(self, pattern: str, problem: Callable[[str], None]) -> None:
        check_hugo_permalink(pattern, problem)

    def branch(self, path: Path) -> bool:
        return path.name.lower().startswith("_index.")

    def language(self, path: Path, site: Site) -> str | None:
        return hugo_language(path, site)

    def folders(self, path: Path, site: Site) -> tuple[str, ...]:
        return tuple(content_name(path, site).split("/")[:-1])

    def same_term(self, first: str, other: str) -> bool:
        # Hugo keys a term by its folder: 'Open source' and 'Open Source' are one, so are
        # 'x & y' and 'x y'.
        return self.term_slug(first) == self.term_slug(other)

    def term_slug(self, name: str) -> str:
        # Hugo's term folder: 'robots.txt' → tags/robots.txt/, 'C++' → c++/, 'Veà' → veà/
        # (a '/' or '\\' would make folders, Hugo fails on them; a name of dots makes none).
        slug = re.sub(r"[/\\]+", "-", hugo_term_path(name))
        return "" if not slug.strip(".") else slug

    def taxonomy_page(self, site: Site, path: Path) -> tuple[str, str] | None:
        return taxonomy_page(path, site)

    def term_name(self, site: Site, names: Sequence[tuple[str, Entry]]) -> str:
        # Hugo names a term's page as the page it reads first writes it (mattlayman.com's
        # 'Open source', first in 2008, 'Open Source' in 2020): in its content tree's order.
        return min(names, key=lambda named: content_key(named[1].path, site))[0]

    def term_page(self, site: Site, taxonomy: str, slug: str) -> tuple[str, str] | None:
        # A term's own folder is at the address Hugo makes of its name, as a term's name is
        # (guiesbarcelona's 'a&eb/' at /arquitectes/aeb/, 'oab-(carlos-ferrater)/' at
        # /arquitectes/oab-carlos-ferrater/), while Hugo keeps it a term of its own.
        link = site.feed_url(_list_page(site, f"{taxonomy}/{self.term_slug(slug)}"))
        # The id as Hugo writes it: a '#' (tags/c#/) as it is, so readers do not show the item
        # again; the link escaped, where Hugo's would end at the '#'.
        return link, link.replace("%23", "#")

    def term_order(self, term: Term) -> tuple[Any, ...]:
        # Hugo's default page order (a term's page has no weight): date (whole seconds),
        # newest first, then the title in collation order.
        return (-int(term.date.timestamp()), *collation_key(term.title))

    def term_list_head(
        self, site: Site, taxonomy: str, title: str | None = None
    ) -> tuple[str, str, str | None]:
        # Hugo's RSS template for the taxonomy's page, titled as Hugo titles it ("Categories")
        title = title or hugo_title_case(taxonomy)
        of = f"{title} on " if title != site.title else ""
        page = site.feed_url(_list_page(site, taxonomy))
        return f"{of}{site.title}", f"Recent content in {of}{site.title}", page

    def has_templates(self, body: str) -> bool:
        return has_templates(body)

    def convert(
        self, body: str, entry: Entry, site: Site, links: Mapping[str, str] | None = None
    ) -> tuple[str, list[tuple[int, str]]]:
        return convert(body, site, entry.path, links)
