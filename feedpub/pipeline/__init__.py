"""FIXME pipeline."""

from ._clean import remove_cache
from ._full import build
from ._lock import build_lock
from ._output import Content
from ._record import archive_changes, id_changes, manifest
from ._render import feed_outputs, render_into

__all__ = [
    "Content",
    "archive_changes",
    "build",
    "build_lock",
    "feed_outputs",
    "id_changes",
    "manifest",
    "remove_cache",
    "render_into",
]
