"""What the Jekyll and Hugo dialects share: folders left out, index pages, author lists."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildWarning, EntryError, FeedpubError, NotAnEntry
from ..fields import Problems
from ..files import link_loop, link_target, name_problem, open_folder

if TYPE_CHECKING:
    from ..model import Site
    from ._dates import Reading


# --------------------------------------------------------------------------- finding posts

#: Folders Jekyll never reads (besides those starting with '_' or '.').
JEKYLL_EXCLUDED = frozenset({"node_modules", "vendor", "gemfiles"})


def index_names(suffixes: tuple[str, ...]) -> set[str]:
    return {f"index{s}" for s in suffixes}


def not_a_post(path: Path, message: str) -> NotAnEntry:
    return NotAnEntry([BuildWarning("FP221", message, path, 1)])


def dialect_date(
    meta: dict[str, Any],
    key: str,
    read: Callable[[Any, tzinfo], Reading | None],
    site: Site,
    problems: Problems,
) -> None:
    """Front matter ``key`` read as the site's generator reads it (an aware datetime in
    ``meta``), with a warning (FP214) where that reading is lenient. A date the generator
    cannot read is left as written: feedpub's own reading then reports it (FP105)."""
    value = meta.get(key)
    if value is None or isinstance(value, bool | int | float):
        return
    reading = read(value, site.timezone)
    if reading is None:
        return
    meta[key] = reading.when
    if reading.note:
        problems.warn("FP214", f"{key} {str(value)!r}: {reading.note}", key)


def dialect_authors(meta: dict[str, Any], site: Site) -> None:
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


def split_words(value: Any) -> Any:
    """Jekyll's plural keys: a string is a space-separated list."""
    return value.split() if isinstance(value, str) else value


def dialect_files(
    folder: Path, site: Site, skip: Path | None = None
) -> tuple[list[str], list[FeedpubError]]:
    """The files a Jekyll or Hugo site publishes as posts, below ``folder``.

    Jekyll: files in ``_posts`` and ``_drafts`` folders (also ``news/_posts``), never in other
    folders starting with ``_`` or ``.``. Hugo: every content file (``_index`` section pages
    too: the dialect decides), and of a page bundle (a folder with an ``index`` file) only
    that file. Both: hidden
    files, editor backups (``~``, ``.swp``, ``#…#``) and other extensions skipped; links that
    lead outside ``folder`` are errors; the output folder ``skip`` is never entered."""
    walk = _Walk(folder, site, skip)
    pending = [(str(folder), False)]
    while pending:
        where, publishing = pending.pop()
        # (A folder that holds no posts and cannot be read is passed over, as Jekyll does.)
        opened = open_folder(where, walk.problems if publishing or where == str(folder) else [])
        if opened is None:
            continue
        with opened:
            listing = list(opened)
        names = {item.name.lower() for item in listing}
        suffixes = site.extensions
        if not walk.jekyll and where != str(folder) and any(f"index{s}" in names for s in suffixes):
            # A Hugo leaf bundle: its index is the page, everything else a resource of it.
            listing = [item for item in listing if item.name.lower() in index_names(suffixes)]
        for item in listing:
            pending.extend(walk.visit(item, publishing))
    walk.found.sort()
    walk.problems.sort(key=lambda problem: str(problem.path))
    return walk.found, walk.problems


class _Walk:
    """What :func:`dialect_files` has found so far, and how it looks at each folder entry."""

    def __init__(self, folder: Path, site: Site, skip: Path | None) -> None:
        self.folder, self.skip, self.suffixes = folder, skip, site.extensions
        self.root = folder.resolve()
        self.jekyll = site.dialect == "jekyll"
        self.found: list[str] = []
        self.problems: list[FeedpubError] = []

    def visit(self, item: os.DirEntry[str], publishing: bool) -> list[tuple[str, bool]]:
        """Take ``item`` (in a folder whose files are posts if ``publishing``) if it is a post;
        returns the folder to look in next, if it is one."""
        name = item.name
        if name.startswith((".", "#")) or name.endswith(("~", "#", ".swp")):
            return []
        path = Path(item.path)
        jekyll = self.jekyll
        post = name.lower().endswith(self.suffixes) and (publishing or not jekyll)
        if post and (problem := name_problem(self.folder, item.path)):
            self.problems.append(problem)
            return []
        target = link_target(item.path) if item.is_symlink() else path
        if target is None:
            if post:
                self.problems.append(link_loop(item.path))
            return []
        if item.is_symlink() and not target.is_relative_to(self.root):
            self.problems.append(
                EntryError(
                    f"is a link to {target}, outside the entries folder; feedpub reads "
                    "only files inside it (copy the file in instead)",
                    path,
                    code="FP101",
                )
            )
            return []
        if target.is_dir():
            if item.is_symlink() or (self.skip is not None and target.resolve() == self.skip):
                return []  # links are followed to files only (no loops); never the output
            if not jekyll:
                return [(item.path, True)]
            special = name in ("_posts", "_drafts")
            if special or (not name.startswith("_") and name not in JEKYLL_EXCLUDED):
                return [(item.path, publishing or special)]
            return []
        if not name.lower().endswith(self.suffixes) or not target.is_file():
            return []
        if jekyll and not publishing:
            return []
        self.found.append(item.path)
        return []
