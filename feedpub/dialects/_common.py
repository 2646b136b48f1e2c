"""What the Jekyll and Hugo dialects share: folders left out, index pages, author lists."""

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
