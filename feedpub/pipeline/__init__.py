"""The build: scan → plan → render → serialise → write, full or for a few changed entries.

:func:`build` is the library's entry point (``feedpub.build``). A build takes the output
folder's lock (:mod:`._lock`), reads what changed (the scan), plans the feeds, renders what is
not in the cache (:mod:`._render`), checks what it is about to write (:mod:`._verify`), and
swaps the outputs in atomically (:mod:`._output`); :mod:`._record` keeps what a later build
needs to know of this one (a :class:`._record.BuildRecord`), and :mod:`._delta` is the short way
for a few edited or added entries: :mod:`._decide` decides what to do, reading and writing
nothing, and :mod:`._delta` reads what that needs and does it.
"""

from ._clean import remove_cache
from ._full import build
from ._lock import LockTimeout, build_lock
from ._output import Content
from ._record import archive_changes, id_changes, manifest
from ._render import entry_links, feed_outputs, render_into

__all__ = [
    "Content",
    "LockTimeout",
    "archive_changes",
    "build",
    "build_lock",
    "entry_links",
    "feed_outputs",
    "id_changes",
    "manifest",
    "remove_cache",
    "render_into",
]
