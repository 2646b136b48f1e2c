"""One build at a time per output folder: the lock every command that writes takes.

``feedpub build`` (and each of ``serve``'s builds), ``clean`` and ``ping`` take an operating
system file lock (``flock``; ``LockFileEx`` on Windows, through the filelock library) on
``build.lock`` in the cache folder, ``.feedpub-cache/`` beside the output folder. The kernel
releases it when its holder ends, however it ends (``SIGKILL`` included), so a crashed build
never leaves a lock behind; and the processes a build forks do not keep it (filelock closes
it in them). The lock is the cache folder's, not only the output folder's: output folders
with one parent share that folder's cache database, and ``clean`` empties it.

A command that finds the lock taken says once, on stderr, which process it waits for (the
holder writes its process id and command into ``build.holder.json`` beside the lock: only
words for the waiter, never a lock itself, so a stale one blocks nothing), and gives up with
:class:`LockTimeout` (FP009) after ``lock_timeout`` seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .cache import cache_folder, make_cache_folder
from .config import Site
from .errors import FeedpubError, display_path

#: The lock file, in the cache folder. Never deleted (see :func:`feedpub.cache.remove_cache`):
#: a process waiting on it would go on beside one that made a new one.
LOCK_NAME = "build.lock"
#: Who holds the lock, for the message of a process that waits (JSON: pid, command, output).
HOLDER_NAME = "build.holder.json"
#: Both, for ``clean`` to leave alone.
LOCK_FILES = (LOCK_NAME, HOLDER_NAME)

#: Seconds between two attempts to take the lock while another process holds it.
POLL = 0.05
#: How long a waiting process looks for the holder's note (which its holder writes just after
#: taking the lock) before it says it waits without naming the holder.
NOTE_WAIT = 1.0


class LockTimeout(FeedpubError):
    """Another feedpub process held the lock for longer than ``lock_timeout``."""

    code = "FP009"


@contextlib.contextmanager
def build_lock(
    site: Site, command: str = "build", waiting: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of ``site``'s output folder for the ``with`` block; ``command`` names
    what holds it (for the messages of others). When another process holds it, ``waiting`` is
    called once with a line saying which; after ``site.lock_timeout`` seconds of waiting,
    raises :class:`LockTimeout`.

    Where the cache folder cannot be made (a file in its place, a read-only folder), there is
    nowhere to put the lock: the command goes on without it, as it goes on without the cache.
    """
    from filelock import FileLock, Timeout

    folder = cache_folder(site)
    try:
        make_cache_folder(folder)
        lock: Any = FileLock(folder / LOCK_NAME)
        _take(lock, Timeout, folder, site, waiting)
    except OSError:
        lock = None
    if lock is None:
        yield  # nowhere to lock: on without it (Cache.open says the folder cannot be used)
        return
    try:
        _note_holder(folder, site, command)
        yield
    finally:
        with contextlib.suppress(OSError):
            (folder / HOLDER_NAME).unlink()
        lock.release()


def _take(
    lock: Any,
    timeout_error: type[Exception],
    folder: Path,
    site: Site,
    waiting: Callable[[str], None] | None,
) -> None:
    """Take ``lock``, waiting at most ``site.lock_timeout`` seconds and telling ``waiting``
    once who holds it."""
    started = time.monotonic()
    told = False
    holder: dict[str, Any] | None = None
    while True:
        try:
            lock.acquire(blocking=False)
            return
        except timeout_error:
            pass
        waited = time.monotonic() - started
        if holder is None:
            holder = _holder(folder)
        if waited >= site.lock_timeout:
            holder = _holder(folder) or holder  # (another may hold it by now)
            raise LockTimeout(_timeout_message(holder, folder, site), site.output) from None
        if not told and waiting is not None and (holder is not None or waited >= NOTE_WAIT):
            waiting(f"waiting for {_describe(holder, folder)}\u2026")
            told = True
        time.sleep(POLL)


def _note_holder(folder: Path, site: Site, command: str) -> None:
    """Write who holds the lock, for the others' messages (atomically: a temp file renamed)."""
    output = str(site.output.resolve())
    note = json.dumps({"pid": os.getpid(), "command": command, "output": output})
    temporary = folder / f".{HOLDER_NAME}.{os.getpid()}.tmp"
    try:
        temporary.write_text(note + "\n", encoding="utf-8")
        os.replace(temporary, folder / HOLDER_NAME)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _holder(folder: Path) -> dict[str, Any] | None:
    """What the holder of the lock wrote about itself; ``None`` when that cannot be read, or
    was written by a process that has ended (its lock is gone with it: a stale note)."""
    try:
        note = json.loads((folder / HOLDER_NAME).read_text(encoding="utf-8"))
        pid = note["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or not _running(pid):
        return None
    return note


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (on Windows, assumed: os.kill would end it there)."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: it exists
        return True
    return True


def _describe(holder: dict[str, Any] | None, folder: Path) -> str:
    """ "another feedpub build of public/ (process 1234)", or as much as is known."""
    if holder is None:
        return f"another feedpub process using {display_path(folder)}/"
    command = holder.get("command")
    command = command if isinstance(command, str) and command.isidentifier() else "command"
    output = holder.get("output")
    where = f" of {display_path(output)}/" if isinstance(output, str) and output else ""
    return f"another feedpub {command}{where} (process {holder['pid']})"


def _timeout_message(holder: dict[str, Any] | None, folder: Path, site: Site) -> str:
    if not site.lock_timeout:
        return (
            f"{_describe(holder, folder)} holds the lock of this output folder, and "
            f"lock_timeout is 0 (no waiting); try again when it is done"
        )
    return (
        f"{_describe(holder, folder)} still holds the lock of this output folder after "
        f"{site.lock_timeout:g} s (lock_timeout); if it hangs, stop it, else try again when "
        f"it is done, or raise lock_timeout in the settings"
    )
