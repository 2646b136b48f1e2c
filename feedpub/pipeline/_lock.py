"""One build at a time per output folder: the lock every command that writes takes.

``feedpub build`` (and each of ``serve``'s builds), ``clean`` and ``ping`` take an operating
system file lock (``flock``; ``LockFileEx`` on Windows, through the filelock library) on
``build.lock`` in the cache folder, ``.feedpub-cache/`` beside the output folder. The kernel
releases it when its holder ends, however it ends (``SIGKILL`` included), so a crashed build
never leaves a lock behind; and the processes a build forks do not keep it (filelock closes
it in them). The lock is the cache folder's, not only the output folder's: output folders
with one parent share that folder's cache database, and ``clean`` empties it.

Where the cache folder cannot be made (a file named ``.feedpub-cache`` in its place) or its
lock file cannot be opened, the lock goes beside the output folder instead:
``.<output name>.feedpub-lock`` in the output folder's parent (which must be writable anyway,
for the staging folder), waited for in the same way. Where that cannot be made either, the
command stops with :class:`~feedpub.errors.OutputError` (FP006): never does it go on unlocked.

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

from ..cache import cache_folder, make_cache_folder
from ..errors import FeedpubError, OutputError, display_path
from ..model import Site

#: The lock file, in the cache folder. Never deleted (see :func:`feedpub.pipeline.remove_cache`):
#: a process waiting on it would go on beside one that made a new one.
LOCK_NAME = "build.lock"
#: Who holds the lock, for the message of a process that waits (JSON: pid, command, output).
HOLDER_NAME = "build.holder.json"
#: Both, for ``clean`` to leave alone.
LOCK_FILES = (LOCK_NAME, HOLDER_NAME)
#: What the fallback lock beside the output folder (and its holder's note) is named after:
#: ``.public.feedpub-lock``. Never a staging folder's name (``.public.feedpub-stage-…``), and
#: feedpub/config/ refuses output folders named so; never deleted either.
FALLBACK_MARK = ".feedpub-lock"

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

    Where the cache folder cannot be made (a file in its place) or its lock cannot be
    opened, the lock is ``.<output name>.feedpub-lock`` beside the output folder
    (:func:`fallback_lock`); where neither can be, raises
    :class:`~feedpub.errors.OutputError` (FP006) rather than go on unlocked.
    """
    from filelock import FileLock, Timeout

    folder = cache_folder(site)
    fallback = fallback_lock(site)
    places = [
        (folder / LOCK_NAME, folder / HOLDER_NAME, folder),
        (fallback, fallback.with_name(f"{fallback.name}-holder.json"), site.output),
    ]
    lock: Any = None
    note = places[0][1]
    failures: list[str] = []
    # One try from before the lock is taken: an interrupt (Ctrl-C) that comes just after it is
    # taken still releases it, which matters in 'serve', whose process goes on.
    try:
        for path, note, where in places:
            lock = FileLock(path)  # (touches no file yet)
            try:
                if path.parent == folder:
                    make_cache_folder(folder)
                _take(lock, Timeout, note, where, site, waiting)
                break
            except OSError as e:  # (a folder that cannot be made, a lock that cannot be opened)
                why = e.strerror or str(e)
                if e.filename and Path(e.filename) != path:  # (the folder it is in)
                    why = f"{display_path(e.filename)}: {why}"
                failures.append(f"{display_path(path)} ({why})")
        else:
            raise OutputError(
                "the output folder cannot be used: no build lock can be made, neither "
                + " nor ".join(failures),
                site.output,
            )
        _note_holder(note, site, command)
        yield
    finally:
        if lock is not None and lock.is_locked:
            with contextlib.suppress(OSError):
                note.unlink()
            lock.release()


def fallback_lock(site: Site) -> Path:
    """The lock file used where the cache folder cannot hold one: beside the output folder,
    ``.<output name>.feedpub-lock`` (the output folder's parent must be writable anyway: a
    build stages its outputs there)."""
    output = site.output.resolve()
    return output.parent / f".{output.name}{FALLBACK_MARK}"


def _take(
    lock: Any,
    timeout_error: type[Exception],
    note: Path,
    where: Path,
    site: Site,
    waiting: Callable[[str], None] | None,
) -> None:
    """Take ``lock``, waiting at most ``site.lock_timeout`` seconds and telling ``waiting``
    once who holds it (from its ``note``; else as "another feedpub process using ``where``")."""
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
            holder = _holder(note)
        if waited >= site.lock_timeout:
            holder = _holder(note) or holder  # (another may hold it by now)
            raise LockTimeout(_timeout_message(holder, where, site), site.output) from None
        if not told and waiting is not None and (holder is not None or waited >= NOTE_WAIT):
            waiting(f"waiting for {_describe(holder, where)}\u2026")
            told = True
        time.sleep(POLL)


def _note_holder(note: Path, site: Site, command: str) -> None:
    """Write who holds the lock into ``note``, for the others' messages (atomically: a temp
    file renamed)."""
    output = str(site.output.resolve())
    words = json.dumps({"pid": os.getpid(), "command": command, "output": output})
    temporary = note.with_name(f".{note.name.lstrip('.')}.{os.getpid()}.tmp")
    try:
        temporary.write_text(words + "\n", encoding="utf-8")
        os.replace(temporary, note)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _holder(note_path: Path) -> dict[str, Any] | None:
    """What the holder of the lock wrote about itself; ``None`` when that cannot be read, or
    was written by a process that has ended (its lock is gone with it: a stale note)."""
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
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
