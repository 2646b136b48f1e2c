"""One entry file → an :class:`Entry`: its front matter read, its dialect's conventions
applied, every field checked. Every problem in a file is collected and raised together, each
naming the file and the line of the key it is about.
"""

from __future__ import annotations

import difflib
import functools
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dialects
from ..errors import BuildErrors, BuildWarning, EntryError, NotAnEntry
from ..fields import (
    DATE_HINT,
    DATE_PREFIX,
    SUMMARY_KEYS,
    TEXT_KEYS,
    LinkMaker,
    Problems,
    date_value,
    first_of,
    make_id,
    make_slug,
    parse_authors,
    shared,
    term_list,
    text_value,
)
from ..files import (
    FrontMatter,
    file_text,
    format_size,
    handlers,
    read_file,
    split_front_matter,
)
from ..media import MediaError, parse_enclosures, parse_image
from ..model import Author, Entry, LocalFile, Media
from . import _yaml as yamlevents
from ._findings import body_warnings
from ._frontmatter import OTHER_BREAKS, front_matter_lines, load_other, load_yaml, scrub

if TYPE_CHECKING:
    from ..model import Site

#: The handler of YAML front matter (this module is loaded only to read entries).
YAML_HANDLER = handlers().yaml


def read_entry(path: Path, site: Site) -> tuple[Entry, list[BuildWarning]]:
    """Read one entry file into an :class:`Entry`.

    Raises :class:`EntryError` for a file that cannot be read at all, or :class:`BuildErrors`
    with every problem found in its front matter.
    """
    return parse_entry(path, read_file(path, site), site)


def parse_entry(path: Path, data: bytes, site: Site) -> tuple[Entry, list[BuildWarning]]:
    """An :class:`Entry` from the bytes of its file (see :func:`read_entry`)."""
    warnings: list[BuildWarning] = []
    text = file_text(path, data, warnings)
    conventions = dialects.of(site)
    front = split_front_matter(path, text, conventions.front_matter_after_space)
    meta, key_lines, repeated = _load_front_matter(path, front, site)
    warnings += _scrub_escapes(path, meta, front.text, key_lines)
    warnings += [
        BuildWarning(
            "FP216",
            f"{key} is written twice (first on line {key_lines[key]}); the last value is used",
            path,
            line,
        )
        for key, line in repeated
    ]
    problems = Problems(path, key_lines)
    try:
        meta, link, extra = conventions.prepare(path, meta, site, problems)
    except NotAnEntry as e:
        e.warnings = [*warnings, *e.warnings]
        raise
    known = conventions.known_keys
    extra.update(key_lines=shared(tuple(key_lines.items())), body_line=front.body_line)
    entry = _entry_from_meta(path, meta, site, problems, link, extra)
    warnings.extend(problems.warnings)
    warnings.extend(_likely_typos(path, meta, key_lines, known))
    if problems.errors:
        raise BuildErrors(problems.errors, warnings)
    assert entry is not None
    warnings += _summary_length(path, entry, meta, key_lines, site)
    warnings.extend(body_warnings(entry, text[front.body_start :], site))
    return entry, warnings


def _load_front_matter(
    path: Path, front: FrontMatter, site: Site
) -> tuple[dict[str, Any], dict[str, int], list[tuple[str, int]]]:
    """The front matter's keys and values, the file line of each key, and each key written
    again, with the file line it is written again on.

    Raises :class:`EntryError` when it is too large, not valid, or not 'key: value' lines."""
    fm, first_line, handler = front.text, front.first_line, front.handler
    if len(fm) > site.max_front_matter_size:
        raise EntryError(
            f"front matter is larger than max_front_matter_size "
            f"({format_size(site.max_front_matter_size)}); move long text into the body",
            path,
            first_line,
            "FP110",
        )
    key_lines = None
    repeated: list[tuple[str, int]] = []
    quick = yamlevents.load_with_lines(fm, TEXT_KEYS, repeated) if handler is YAML_HANDLER else None
    if quick is not None:  # the usual flat front matter, built faster
        meta, lines = quick
        if not OTHER_BREAKS.search(fm):  # YAML counts those as line breaks too
            key_lines = {key: first_line + line for key, line in lines.items()}
            repeated = [(key, first_line + line) for key, line in repeated]
    elif handler is YAML_HANDLER:
        meta = load_yaml(path, fm, first_line)
    else:
        meta = load_other(path, fm, first_line, handler)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else "a single value"
        raise EntryError(
            f"front matter is {kind}, not 'key: value' lines; write e.g. 'title: My story'",
            path,
            first_line + 1,
            "FP102",
        )
    if key_lines is None:
        repeated = []
        key_lines = front_matter_lines(fm, first_line, handler, repeated)
    return meta, key_lines, repeated


def _scrub_escapes(
    path: Path, meta: dict[str, Any], fm: str, key_lines: dict[str, int]
) -> list[BuildWarning]:
    """Remove from the values of ``meta`` the characters XML cannot carry; an FP201 warning
    for each value changed."""
    warnings: list[BuildWarning] = []
    # The text holds no such characters (see file_text): only an escape can make one, and
    # YAML, TOML and JSON escapes all start with a backslash.
    for key in list(meta) if "\\" in fm else ():
        value, changed = scrub(meta[key])
        if changed:  # e.g. title: "\a" — a YAML escape makes what the file could not hold
            meta[key] = value
            warnings.append(
                BuildWarning(
                    "FP201",
                    f"removed control characters from {key}, which feeds cannot carry",
                    path,
                    key_lines.get(key) if isinstance(key, str) else None,
                )
            )
    return warnings


def _summary_length(
    path: Path, entry: Entry, meta: dict[str, Any], key_lines: dict[str, int], site: Site
) -> list[BuildWarning]:
    """FP207 for a summary longer than ``summary_length``."""
    if not entry.summary or len(entry.summary) <= site.summary_length:
        return []
    return [
        BuildWarning(
            "FP207",
            f"summary is {len(entry.summary)} characters, longer than summary_length "
            f"({site.summary_length}); readers may cut it",
            path,
            key_lines.get(first_of(meta, *SUMMARY_KEYS)[0] or "summary"),
        )
    ]


def _likely_typos(
    path: Path, meta: dict[str, Any], key_lines: dict[str, int], known: frozenset[str]
) -> list[BuildWarning]:
    found = []
    for key in meta:
        if key in known or not isinstance(key, str):
            continue
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
        if close:
            found.append(
                BuildWarning(
                    "FP203",
                    f"unknown key '{key}' is ignored; did you mean '{close[0]}'?",
                    path,
                    key_lines.get(key),
                )
            )
    return found


def _entry_from_meta(
    path: Path,
    meta: dict[str, Any],
    site: Site,
    problems: Problems,
    make_link: LinkMaker,
    fields: dict[str, Any],
) -> Entry | None:
    """The entry ``meta`` describes, with ``fields`` for the rest of :class:`Entry` (read
    when it is made: ``make_link`` may add to them), or ``None`` when it has problems, which
    are added to ``problems`` (in the order the fields are checked here)."""
    title = _title(meta, problems)
    published, updated = _dates(path, meta, site, problems)
    authors = _authors(meta, site, problems)
    categories, tags = _terms(meta, site, problems)
    summary = None
    key, _ = first_of(meta, *SUMMARY_KEYS)
    if key:
        summary = text_value(meta, key, problems) or None
    draft = _draft(meta, problems)
    image, enclosures, media_files = _media(meta, site, problems)

    slug = make_slug(path, meta, problems)
    link = None
    if published is not None and slug is not None:
        link = make_link(path, meta, site, published, slug, problems)
    entry_id = None
    if link is not None and published is not None:
        entry_id = make_id(meta, site, published, link, problems)

    if problems.errors:
        return None
    assert title and published and slug and link and entry_id
    return Entry(
        path=path,
        title=title,
        date=published,
        updated=updated,
        authors=authors,
        categories=categories,
        tags=tags,
        summary=summary,
        draft=draft,
        slug=slug,
        link=link,
        image=image,
        enclosures=enclosures,
        media_files=tuple(media_files),
        **{"id": entry_id, **fields},  # a dialect may set the id its generator gives
    )


def _title(meta: dict[str, Any], problems: Problems) -> str | None:
    """The title, required and not empty."""
    title = text_value(meta, "title", problems, required=True)
    if title is not None and not title:
        problems.add("title is empty; give the entry a title", "title", code="FP104")
        return None
    return title


def _dates(
    path: Path, meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[datetime | None, datetime | None]:
    """The date of publication (required, or given by the file name) and of the last update
    (``None`` unless later)."""
    key, value = first_of(meta, "date")
    published = None
    if key is None and DATE_PREFIX.match(path.stem):
        # 2025-05-01-title.md: midnight of that day, as Jekyll and Zola date posts.
        published = dialects.date_from_name(path.stem, site.timezone)
    if key is not None:
        published = date_value(value, key, site.timezone, problems)
    elif published is None:
        problems.add(
            f"no date; add a line 'date: ...' to the front matter ({DATE_HINT})",
            line=1,
            code="FP105",
        )
    key, value = first_of(meta, "updated", "lastmod", "last_modified_at")
    updated = date_value(value, key, site.timezone, problems) if key else None
    if published and updated and updated < published:
        updated = None  # an "update" before publication says nothing new
    return published, updated


def _authors(meta: dict[str, Any], site: Site, problems: Problems) -> tuple[Author, ...]:
    """The entry's authors, or else the site's."""
    key, value = first_of(meta, "authors", "author")
    authors: tuple[Author, ...] = site.authors
    if key is not None:
        try:
            authors = parse_authors(value) or site.authors
        except ValueError as e:
            problems.add(f"{key}: {e}", key)
    return authors


def _terms(
    meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The categories and the tags, at most ``max_categories`` of them together."""
    categories = term_list(meta, ("categories", "category"), problems)
    tags = term_list(meta, ("tags",), problems)
    if len(categories) + len(tags) > site.max_categories:
        problems.add(
            f"has {len(categories) + len(tags)} categories and tags, more than max_categories "
            f"({site.max_categories}); keep the ones readers filter by",
            "categories" if "categories" in meta else "tags",
            code="FP110",
        )
    return categories, tags


def _draft(meta: dict[str, Any], problems: Problems) -> bool:
    """Whether the entry is a draft: ``draft`` is true or false when given."""
    draft = meta.get("draft")
    if draft is None:
        return False
    if isinstance(draft, bool):
        return draft
    problems.add(f"draft must be true or false, not {draft!r}; write 'draft: true'", "draft")
    return False


def _media(
    meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[Media | None, tuple[Media, ...], list[LocalFile]]:
    """The featured image and the enclosures, and the local files they name."""
    image: Media | None = None
    enclosures: tuple[Media, ...] = ()
    files: list[LocalFile] = []
    if "image" not in meta and "enclosure" not in meta:
        return image, enclosures, files
    try:
        image, found = parse_image(meta.get("image"), site, functools.partial(_missing, problems))
        files += found
    except MediaError as e:
        problems.add(str(e), "image", code=e.code)
    try:
        enclosures, found = parse_enclosures(meta.get("enclosure"), site)
        files += found
    except MediaError as e:
        problems.add(str(e), "enclosure", code=e.code)
    return image, enclosures, files


def _missing(problems: Problems, message: str) -> None:
    """An image file that does not exist, where the dialect's tool writes its address (FP215);
    one the entry does not give itself comes from the ``defaults`` setting."""
    given = "image" in problems.key_lines
    problems.warn("FP215", message if given else f"{message} (from defaults)", "image")
