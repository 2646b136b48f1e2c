"""Whose conventions entry files follow: feedpub's own, Jekyll's or Hugo's (setting
``dialect``), so that a Jekyll or Hugo site builds as it is.

The one place a dialect's name decides anything: the rest of feedpub asks the :class:`Dialect`
object :func:`of` gives (which files are entries, how their front matter becomes feedpub's
fields and links, how template syntax in a body is shown). The rules follow Jekyll 4.3
(``lib/jekyll/drops/url_drop.rb``, ``url.rb``, ``document.rb``, ``utils.rb``) and Hugo 0.111
(URL management, front matter dates); the tests compare links and dates with both tools' own
feeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EntryError, FeedpubError
from ..fields import KNOWN_KEYS as FEEDPUB_KEYS
from ..fields import LinkMaker, Problems
from ..files import link_loop, link_target, name_problem, open_folder
from ._common import JEKYLL_EXCLUDED, index_names
from ._hugo import check_hugo_permalink, prepare_hugo
from ._jekyll import check_jekyll_permalink, prepare_jekyll
from ._templates import convert, has_templates

if TYPE_CHECKING:
    from ..model import Site


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


# --------------------------------------------------------------------------- front matter


def prepare(
    path: Path, meta: dict[str, Any], site: Site, problems: Problems
) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
    """The front matter in feedpub's words, the function that makes the entry's link, and the
    extra :class:`~feedpub.model.Entry` fields the dialect sets. Raises :class:`NotAnEntry`
    for a file that tool would not publish as a post."""
    if site.dialect == "jekyll":
        return prepare_jekyll(path, meta, site, problems)
    return prepare_hugo(path, meta, site, problems)


#: The conventions entry files may follow (see docs/architecture.md).
DIALECTS = ("feedpub", "jekyll", "hugo")
#: Entry file endings read by default, per dialect.
DEFAULT_EXTENSIONS = {
    "feedpub": (".md", ".markdown"),
    "jekyll": (".md", ".markdown", ".mdown", ".mkd"),
    "hugo": (".md", ".markdown", ".mdown", ".mkd"),
}


__all__ = [
    "DEFAULT_EXTENSIONS",
    "DIALECTS",
    "check_hugo_permalink",
    "check_jekyll_permalink",
    "convert",
    "dialect_files",
    "has_templates",
]
