"""``feedpub clean``: removing the cache folder, under the build lock."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from ..cache import cache_folder
from ..config import check_folders
from ..errors import OutputError
from ..model import Site


def remove_cache(site: Site, waiting: Callable[[str], None] | None = None) -> Path | None:
    """Delete what the site's cache folder holds (and staging folders a killed build left),
    holding the build lock (``waiting`` is told, once, if it waits for another build); returns
    the cache folder if it held a cache. The lock file itself stays: a build waiting on it
    would otherwise go on beside one that made a new one."""
    from ._lock import LOCK_FILES, build_lock
    from ._output import clean_stale_stages, stale_stages

    check_folders(site)  # never remove anything beside a folder that is not an output
    folder = cache_folder(site)
    if not folder.is_dir() and not stale_stages(site.output.resolve()):
        return None  # nothing to remove, nor a lock to take (a build makes the folder first)
    # Always under the lock (the fallback beside the output folder where a file is in the cache
    # folder's place): a running build's staging folder looks like a killed build's.
    with build_lock(site, "clean", waiting):
        clean_stale_stages(site.output.resolve())
        if not folder.is_dir():  # (a file in its place: the user's, left alone)
            return None
        kept = {*LOCK_FILES, ".gitignore"}
        try:
            gone = [path for path in folder.iterdir() if path.name not in kept]
            for path in gone:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        except OSError as e:
            raise OutputError(f"cannot remove the cache ({e.strerror})", folder) from None
        if not gone:
            return None
        return folder
