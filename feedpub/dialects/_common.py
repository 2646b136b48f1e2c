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

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildWarning, NotAnEntry

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
