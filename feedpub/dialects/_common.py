"""What the Jekyll and Hugo dialects share: folders left out, index pages, author lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildWarning, EntryError, FeedpubError, NotAnEntry
from ..files import link_loop, link_target, name_problem, open_folder

if TYPE_CHECKING:
    from ..model import Site


# --------------------------------------------------------------------------- finding posts

#: Folders Jekyll never reads (besides those starting with '_' or '.').
JEKYLL_EXCLUDED = frozenset({"node_modules", "vendor", "gemfiles"})


def index_names(suffixes: tuple[str, ...]) -> set[str]:
    return {f"index{s}" for s in suffixes}


def not_a_post(path: Path, message: str) -> NotAnEntry:
    return NotAnEntry([BuildWarning("FP221", message, path, 1)])


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
            listing = [item for item in listing if item.name.lower() in index_names(suffixes)]
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
                    if special or (not name.startswith("_") and name not in JEKYLL_EXCLUDED):
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
