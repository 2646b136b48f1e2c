"""Writing outputs atomically (the *write* stage).

A build's outputs are first written into a staging folder beside the output folder
(``.public.feedpub-stage-*``), which also holds hard links to every file of the output folder
that the build leaves alone. Only when all of them are written is the staging folder swapped
with the output folder in one atomic step (``renameat2(RENAME_EXCHANGE)`` on Linux); elsewhere
each changed file is renamed into place, which is atomic per file. So a build that fails, or is
killed at any moment, leaves the previous outputs readable and as they were, and the next build
removes what a killed one left. A file whose bytes are unchanged keeps its inode and
modification time, so HTTP caches stay valid. After the swap, whatever appeared or was
replaced in the output folder since it was mirrored (someone else's file, written while the
build ran) is moved back from the old tree: only the build's own files are ever replaced.
The old tree is then deleted, the earlier versions of large files in threads while the build
goes on (see :func:`discarding`). Large files are written to disk as they are written
(:data:`EARLY_WRITEBACK`) and synced before the swap.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import pickle
import shutil
import stat
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, NamedTuple, NoReturn, cast

from .. import signals
from ..errors import OutputError

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: An output's content: its bytes, or a function that writes them to a binary file. The
#: function may return what it made of the file (a feed writer: where each item is in it, see
#: feedpub/feeds/_splice.py), handed back by :func:`write_outputs` in ``made``; a result
#: whose ``kept`` is true says the file as it is already holds the output's bytes (nothing
#: was written: the file is kept), one whose ``kept`` is false that it does not.
Content = bytes | Callable[[BinaryIO], Any]

_STAGE_MARK = ".feedpub-stage"
#: What a staging folder's name holds after the output folder's: ``.public.feedpub-stage-*``.
_STAGE_INFIX = ".feedpub-stage-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_CHUNK = 1 << 20
#: Threads of each writing process that sync its files to disk (see :class:`_Syncs`), and how
#: many written files may wait for theirs (each holds a file descriptor open meanwhile).
SYNC_THREADS = 8
SYNCS_PENDING = 64


@dataclass(frozen=True)
class Sharing:
    """How to write large outputs side by side in forked processes (Linux only)."""

    #: Processes to use, this one included.
    jobs: int
    #: The cost of writing each output (e.g. its number of items); unnamed ones cost 1.
    weights: Mapping[str, int]
    #: Run first in each forked process (e.g. to open its own database connection).
    in_child: Callable[[], None] | None = None
    #: Run last in one forked process, alongside the others' writing (e.g. housekeeping).
    aside: Callable[[], None] | None = None


#: Whether large outputs may be written in forked processes: fork() is safe to use on Linux;
#: elsewhere one process writes them all (the same bytes; tests/test_portability.py).
FORK_WRITERS = sys.platform.startswith("linux")
#: Below this total weight (of all outputs) everything is written by one process: forking
#: would cost more than it saves.
SHARING_MIN = 400
#: An earlier output of at least this size that a build replaced is deleted in a thread of its
#: own (see :func:`discarding`): the system frees a large file's blocks and cached pages as it
#: is deleted, tens of milliseconds for a file of 100 MB.
DISCARD_ALONE = 4 << 20
#: Whether byte ranges of an earlier output are copied inside the kernel
#: (``os.copy_file_range``, Linux); elsewhere they are read and written (the same bytes;
#: tests/test_portability.py).
COPY_FILE_RANGE = hasattr(os, "copy_file_range")
#: Whether the system is told to start writing a large output to disk while the rest of it
#: is still being written (``sync_file_range``, Linux), every :data:`WRITEBACK_EVERY` bytes:
#: the sync at its end then waits for less (writing three feed files of 120 MB, copied and
#: synced, took a fifth less time). Elsewhere the sync alone writes it (the same bytes;
#: tests/test_portability.py).
EARLY_WRITEBACK = sys.platform.startswith("linux")
WRITEBACK_EVERY = 8 << 20
_SYNC_FILE_RANGE_WRITE = 2


def write_outputs(
    folder: Path,
    outputs: Mapping[str, Content | None],
    remove: Iterable[str] = (),
    sharing: Sharing | None = None,
    owned: Container[str] | None = None,
    made: dict[str, Any] | None = None,
) -> tuple[list[Path], list[Path]]:
    """Write ``outputs`` (relative name → content; ``None``: keep the file as it is) into
    ``folder`` and delete the files named in ``remove`` (outputs of an earlier build that this
    one no longer makes), atomically as a whole. With ``sharing``, large outputs are written
    by several processes at once.

    With ``owned`` (the names of the files feedpub wrote there), a file in the way of an
    output that is not among them, and does not already hold that output's bytes, is
    someone else's: :class:`NotOurs` is raised, naming every such file, before anything in
    ``folder`` changes.

    Returns the paths written and the paths left alone because their bytes were already
    there; ``made`` (when given) gets what each writing function returned, by name (see
    :data:`Content`). Raises :class:`OutputError` when the folder cannot be written; then
    nothing changed.
    """
    try:
        return _write_outputs(folder, outputs, remove, sharing, owned, made)
    except OSError as e:
        where = Path(e.filename) if e.filename else folder
        if e.errno == errno.EXDEV:  # a mount point: its staging folder is on another disk
            raise OutputError(
                "cannot build into this folder: it is a mount point, and a build is staged "
                "beside it and swapped in on one file system; use a folder inside it",
                folder,
            ) from None
        parts = where.parts  # a file of the staging folder is shown where it was going
        stage = next((i for i, part in enumerate(parts) if _STAGE_INFIX in part), None)
        if stage is not None:
            where = folder.joinpath(*parts[stage + 1 :])
        hint = ""
        if e.errno in (errno.EACCES, errno.EPERM):  # a build mirrors the folders' modes
            hint = "; make the output folder and the folders in it writable (chmod -R u+w)"
        raise OutputError(f"cannot write the output ({e.strerror or e}){hint}", where) from None


class _Targets(NamedTuple):
    """Where the outputs of one :func:`write_outputs` go, and what is there before."""

    #: The output folder (a link to it resolved).
    target: Path
    #: The files to keep as they are (outputs given as ``None``).
    kept: list[Path]
    #: The outputs to write, by name, and where each goes.
    outputs: dict[str, Content]
    names: dict[str, Path]
    #: The files of an earlier build to delete, and what each is now (see :func:`_identity`):
    #: one replaced during the build is someone else's.
    removed: set[Path]
    was: dict[Path, tuple[object, ...]]
    #: Files in the way that feedpub did not write (path → name): refused unless they hold
    #: our bytes.
    theirs: dict[Path, str]
    #: What is at each path the build writes now (relative): anything else found there after
    #: the swap was put there during the build, by someone else.
    found_at: dict[Path, tuple[object, ...] | None]


def _write_outputs(
    folder: Path,
    asked: Mapping[str, Content | None],
    remove: Iterable[str],
    sharing: Sharing | None,
    owned: Container[str] | None = None,
    made: dict[str, Any] | None = None,
) -> tuple[list[Path], list[Path]]:
    job = _targets(folder, asked, remove, owned)
    target = job.target
    target.parent.mkdir(parents=True, exist_ok=True)
    _Discards.finish()  # (an earlier write's old tree, still being deleted, is no stale stage)
    clean_stale_stages(target)
    if not job.outputs and not job.removed and target.is_dir():
        return [], job.kept  # nothing to write: no staging folder to mirror the outputs into
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGE_INFIX}", dir=target.parent))
    remove_stage = True
    try:
        os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes it private; a site is public
        (stage / _STAGE_MARK).touch()
        mirrored = _mirror_all(stage, job, folder)
        written, unchanged = _stage_outputs(stage, job, sharing, made)
        (stage / _STAGE_MARK).unlink()
        if not written and not job.removed:
            return [], unchanged
        signals.point_of_no_return()  # a signal now waits until the build has recorded this
        problem = _swap_in(stage, job, written, mirrored, folder)
        if problem is not None:
            remove_stage = False  # never deleted: the old tree is kept, and the user told where
            raise problem
        remove_stage = False
        _Discards.start(stage, [stage / p.relative_to(target) for p in (*written, *job.removed)])
        return written, unchanged
    finally:
        if remove_stage:
            with signals.deferred():  # (a second Ctrl-C: the folder goes all the same)
                _rmtree(stage)


class _Discards:
    """The old output trees that :func:`write_outputs` swapped out, being deleted in threads
    (see :func:`discarding`)."""

    #: :func:`discarding` blocks open.
    held = 0
    #: The threads deleting, not joined yet.
    threads: ClassVar[list[threading.Thread]] = []

    @classmethod
    def start(cls, tree: Path, replaced: list[Path]) -> None:
        """Delete ``tree`` (an old output folder, swapped out): the earlier versions of the
        ``replaced`` files that are large each in a thread of its own, side by side, in a
        :func:`discarding` block alongside what follows it, else now; the rest now. (The
        rest holds links to the files the build kept: they are unlinked before the build
        records those files' status change time.)"""
        large = set()
        for path in replaced:
            with contextlib.suppress(OSError):
                status = os.lstat(path)
                if stat.S_ISREG(status.st_mode) and status.st_size >= DISCARD_ALONE:
                    large.add(path)
        _remove_tree(tree, but=large)
        if not large:
            return
        # Only the build's own files are left in it now: should the build be killed before
        # they are deleted, the next one deletes them (see clean_stale_stages).
        with contextlib.suppress(OSError):
            (tree / _STAGE_MARK).touch()
        # (one thread started here, which starts the others: starting a thread while the
        # system frees a large file took milliseconds each time)
        thread = threading.Thread(target=_discard, args=(tree, sorted(large)))
        try:
            thread.start()
        except RuntimeError:  # (no thread to be had: the new outputs are in, delete them now)
            _discard(tree, sorted(large))
            return
        cls.threads.append(thread)
        if not cls.held:
            with signals.deferred():
                cls.finish()

    @classmethod
    def finish(cls) -> None:
        """Wait until every old tree is deleted."""
        while cls.threads:
            cls.threads.pop(0).join()


@contextlib.contextmanager
def discarding() -> Iterator[None]:
    """A block in which the old output folder a :func:`write_outputs` swaps out is deleted
    in threads while the block goes on (a build records what it wrote meanwhile), and by
    its end. Outside one, :func:`write_outputs` deletes it before it returns. Deleting a
    large file costs the system time to free its blocks: the earlier versions of the feed
    files a build replaced are deleted side by side."""
    _Discards.held += 1
    try:
        yield
    finally:
        _Discards.held -= 1
        if not _Discards.held:
            with signals.deferred():
                _Discards.finish()


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _discard(tree: Path, large: list[Path]) -> None:
    """Delete the ``large`` files, each in a thread of its own, then ``tree``."""
    alone = []
    for path in large:
        thread = threading.Thread(target=_unlink_quietly, args=(path,))
        try:
            thread.start()
        except RuntimeError:  # (no more threads: this one deletes it)
            _unlink_quietly(path)
            continue
        alone.append(thread)
    for thread in alone:
        thread.join()
    _remove_tree(tree, set())


def _remove_tree(tree: Path, but: set[Path]) -> None:
    """Delete ``tree`` but the files ``but`` (and the folders that hold them)."""
    if not but:
        _rmtree(tree)
        return
    for top, dirs, files in os.walk(tree, topdown=False):
        here = Path(top)
        for name in files:
            if here / name not in but:
                _unlink_quietly(here / name)
        for name in dirs:
            with contextlib.suppress(OSError):
                if (here / name).is_symlink():
                    (here / name).unlink()
                else:
                    (here / name).rmdir()  # (fails, as it should, while it holds a file)


def _targets(
    folder: Path,
    asked: Mapping[str, Content | None],
    remove: Iterable[str],
    owned: Container[str] | None,
) -> _Targets:
    """Where each output goes, and what is there now (see :func:`write_outputs`)."""
    target = folder.resolve()  # a link to the output folder: swap the folder it leads to
    if target.exists() and not target.is_dir():
        raise OutputError(
            "the output folder is a file; remove it, or choose another output folder "
            "(--out, or 'output' in the settings)",
            folder,
        )
    kept = [_inside(target, n, folder) for n, content in asked.items() if content is None]
    outputs = {name: content for name, content in asked.items() if content is not None}
    names = {name: _inside(target, name, folder) for name in outputs}
    removed = {_inside(target, name, folder) for name in remove} - set(names.values())
    removed = {path for path in removed if path.is_file() and not path.is_symlink()}
    was = {path: _identity(path) for path in removed}
    theirs = {
        names[name]: name
        for name in outputs
        if owned is not None and name not in owned and os.path.lexists(names[name])
    }
    found_at = {
        p.relative_to(target): _identity(p) if os.path.lexists(p) else None for p in names.values()
    }
    return _Targets(target, kept, outputs, names, removed, was, theirs, found_at)


def _mirror_all(stage: Path, job: _Targets, folder: Path) -> dict[Path, tuple[object, ...]]:
    """The output folder mirrored into ``stage`` but for the files written or removed (see
    :func:`_mirror`); what it found, the files removed as they were."""
    target = job.target
    mirrored: dict[Path, tuple[object, ...]] = {}
    if target.exists():
        skip = set(job.names.values()) | job.removed
        mirrored = _mirror(target, stage, skip=skip, folder=folder)
        mirrored.update((path.relative_to(target), job.was[path]) for path in job.removed)
        _prune(stage, {stage / p.relative_to(target) for p in job.removed})
    return mirrored


def _stage_outputs(
    stage: Path, job: _Targets, sharing: Sharing | None, made: dict[str, Any] | None = None
) -> tuple[list[Path], list[Path]]:
    """Write the outputs into ``stage``; raise :class:`NotOurs` for files of someone else's
    they would replace with other bytes. Returns the paths (in the output folder) of those
    whose bytes changed, and of those unchanged, which are then linked from there instead."""
    target = job.target
    written: list[Path] = []
    unchanged = list(job.kept)
    staged_files = {name: stage / job.names[name].relative_to(target) for name in job.outputs}
    for staged in staged_files.values():
        staged.parent.mkdir(parents=True, exist_ok=True)
    before = {staged: job.names[name] for name, staged in staged_files.items()}
    results = _write_files(
        {staged_files[n]: c for n, c in job.outputs.items()}, sharing, staged_files, before
    )
    kept = {path: getattr(result, "kept", None) for path, result in results.items()}
    if made is not None:
        made.update((name, results[staged]) for name, staged in staged_files.items())
    refused = [
        job.theirs[current]
        for current in job.theirs
        if kept.get(stage / current.relative_to(target)) is not True
        and not _same_file_bytes(stage / current.relative_to(target), current)
    ]
    if refused:
        raise NotOurs(sorted(refused))
    for staged in staged_files.values():
        current = target / staged.relative_to(stage)
        # A writer that says whether its file is the current one spares reading both.
        same = kept.get(staged)
        if same if same is not None else _same_file_bytes(staged, current):
            staged.unlink()
            _link_or_copy(current, staged)
            unchanged.append(current)
        else:
            written.append(current)
    return written, unchanged


def _swap_in(
    stage: Path,
    job: _Targets,
    written: list[Path],
    mirrored: Mapping[Path, tuple[object, ...]],
    folder: Path,
) -> OutputError | None:
    """Put the staged outputs in place: the staging folder swapped with the output folder,
    else file by file. The error to raise when files someone wrote into the output folder
    during the build are left in the old tree (which is then kept)."""
    target = job.target
    if not target.exists():
        _fsync_dir(stage)
        os.rename(stage, target)
    elif _exchange(stage, target):
        _fsync_dir(target.parent)
        # What changed in the output folder since the mirror was made (a file someone
        # wrote there during the build) is now in the old tree, at the staging path.
        displaced: list[Path] = []
        stuck = _reconcile(stage, target, mirrored, job.found_at, displaced)
        if stuck or displaced:
            return _kept_aside(stage, target, stuck, displaced, folder)
    else:
        for path in written:  # no atomic swap here: replace file by file
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / path.relative_to(target), path)
        gone = {p for p in job.removed if os.path.lexists(p) and _identity(p) == job.was[p]}
        for path in gone:  # (one changed during the build is someone else's now)
            path.unlink()
        _prune(target, gone)
    return None


def _kept_aside(
    stage: Path, target: Path, stuck: list[Path], displaced: list[Path], folder: Path
) -> OutputError:
    """Keep the old tree (``stage`` after the swap) as ``.NAME.feedpub-kept-*``; the error
    that says which files are in it, and where."""
    kept_in = stage  # (if it cannot even be renamed, it stays where it is)
    with contextlib.suppress(OSError):
        name = f".{target.name}.feedpub-kept-"
        candidate = Path(tempfile.mkdtemp(prefix=name, dir=target.parent))
        os.replace(stage, candidate)
        kept_in = candidate
    if displaced:
        return OutputError(
            f"the feeds were written, but {len(displaced)} file(s) someone wrote "
            f"during the build where the build writes ({displaced[0]}...) are not "
            f"in the output folder: they are in {kept_in}",
            folder,
        )
    return OutputError(
        f"the feeds were written, but {len(stuck)} file(s) written into the output "
        f"folder during the build could not be put back ({stuck[0]}...); they are "
        f"in {kept_in}",
        folder,
    )


class NotOurs(Exception):
    """Files that feedpub did not write are where a build would write (relative ``names``)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        #: The outputs' names, relative to the output folder.
        self.names = names


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def stale_stages(target: Path) -> list[Path]:
    """The staging folders beside ``target`` (``.public.feedpub-stage-*``): a killed build's,
    or, unless the caller holds the build lock, a running build's."""
    prefix = f".{target.name}{_STAGE_INFIX}"
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []
    return [path for path in candidates if path.is_dir() and not path.is_symlink()]


def clean_stale_stages(target: Path) -> None:
    """Remove staging folders a killed build left beside ``target``. One that still has its
    mark was never swapped in, or was swapped out and holds only the earlier versions of
    files the build replaced (see :func:`discarding`): only the build's own files and links
    are in it. One without
    was swapped out: the old output folder, killed before what was written into it during
    the build was put back; it is kept, as ``.NAME.feedpub-kept-*``, never deleted.

    Only ever called holding the build lock of ``target`` (feedpub/pipeline/_lock.py): without it,
    they may be a running build's."""
    for path in stale_stages(target):
        if (path / _STAGE_MARK).exists():
            _rmtree(path)
        else:
            kept = path.with_name(path.name.replace(_STAGE_INFIX, ".feedpub-kept-", 1))
            with contextlib.suppress(OSError):
                os.replace(path, kept)


def _rmtree(tree: Path) -> None:
    """``shutil.rmtree(tree)``, quietly, also through folders without write permission: a
    staging folder mirrors the output folder's modes (a read-only ``public/`` was left
    behind as a stage no later build could remove)."""

    top = os.path.abspath(tree)

    def writable_and_again(function: Any, name: str, _: object) -> None:
        # Only a folder inside ``tree`` is made writable: never the folder that holds it
        # (the user's, when ``tree`` itself cannot be removed). What else failed is passed
        # over, quietly.
        parent = os.path.dirname(os.path.abspath(name))
        inside = parent == top or parent.startswith(top + os.sep)
        if function in (os.unlink, os.rmdir) and inside:
            with contextlib.suppress(OSError):
                os.chmod(parent, stat.S_IRWXU)
                function(name)

    if sys.version_info >= (3, 12):
        shutil.rmtree(tree, onexc=writable_and_again)
    else:
        shutil.rmtree(tree, onerror=writable_and_again)


def _inside(root: Path, name: str, folder: Path) -> Path:
    """``root / name``, refusing any name that would land outside ``root``."""
    path = Path(os.path.normpath(root / name))
    if root not in path.parents:
        raise OutputError(f"refusing to write {name!r} outside the output folder", folder)
    return path


def _mirror(
    source: Path, stage: Path, skip: set[Path], folder: Path
) -> dict[Path, tuple[object, ...]]:
    """Recreate ``source`` in ``stage`` with hard links, leaving out ``skip``. Returns what
    it found: each path (relative) with its :func:`_identity`. Refuses (before anything is
    swapped) a folder that must not be swapped away with the output folder: another file
    system mounted inside it, whose files would be copied and the mount moved aside, or a
    git repository."""
    shutil.copystat(source, stage)
    device = _device(source)
    found: dict[Path, tuple[object, ...]] = {}
    for top, dirs, files in os.walk(source):
        here = Path(top)
        into = stage / here.relative_to(source)
        for name in dirs:
            _own_folder(here / name, device, folder)
            found[here.relative_to(source) / name] = _identity(here / name)
            if (here / name).is_symlink():
                _link_or_copy(here / name, into / name)
            else:
                (into / name).mkdir(exist_ok=True)
                shutil.copystat(here / name, into / name)
        for name in files:
            path = here / name
            if path not in skip:
                found[here.relative_to(source) / name] = _identity(path)
                _link_or_copy(path, into / name)
    return found


def _own_folder(path: Path, device: int, folder: Path) -> None:
    """Raise :class:`OutputError` for a folder inside the output folder that a build must
    not swap away: a mount point, or a git repository's ``.git``."""
    if path.is_symlink():
        return  # (a link is mirrored as a link: what it leads to is never moved)
    if path.name == ".git":
        problem = "holds a git repository"
    elif _device(path) != device:
        problem = "has another file system mounted in it"
    else:
        return
    raise OutputError(
        f"the output folder {problem} ({path}); a build replaces the output folder as a "
        "whole, so give the feeds a folder of their own (default 'public')",
        folder,
    )


def _device(path: Path) -> int:
    """The file system ``path`` is on."""
    return os.stat(path).st_dev


def _identity(path: Path) -> tuple[object, ...]:
    """What tells a file apart from one put in its place, or written to in place: its inode,
    size and modification time (a link: its target). (The size and time matter where the
    mirror had to copy a file that it could not link: then the inode stays the same.)"""
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISDIR(status.st_mode):
        return ("folder",)
    return ("file", status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _reconcile(
    old: Path,
    new: Path,
    mirrored: Mapping[Path, tuple[object, ...]],
    ours: Mapping[Path, tuple[object, ...] | None],
    displaced: list[Path],
) -> list[Path]:
    """After the swap: move from ``old`` (the output folder as it was just before) into
    ``new`` (the output folder now) everything that appeared or was replaced after the mirror
    was made, except the files this build writes (``ours``, relative paths, with what was
    there before the build). Someone else's file always wins over what the mirror
    put in its place; one put where the build writes, in place of what was there before, is
    added to ``displaced`` (and stays in ``old``). Returns what could not be moved back
    (relative paths)."""
    stuck: list[Path] = []
    pending = [Path()]
    while pending:
        folder = pending.pop()
        try:
            items = list(os.scandir(old / folder))
        except OSError:
            stuck.append(folder)
            continue
        for item in items:
            name = folder / item.name
            here, there = Path(item.path), new / name
            try:
                if item.is_dir(follow_symlinks=False):
                    if there.is_dir() and not there.is_symlink():
                        pending.append(name)  # in both: look inside
                        continue
                    if not os.path.lexists(there) and mirrored.get(name) == ("folder",):
                        pending.append(name)  # a folder the build emptied: keep what is new
                        continue
                elif name in ours:
                    if _identity(here) != ours[name]:
                        displaced.append(name)  # written there during the build
                    continue  # the build's own file
                elif _identity(here) == mirrored.get(name):
                    continue  # as the mirror found it
                _put_back(here, there)
            except OSError:
                stuck.append(name)
    return stuck


def _put_back(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``, in place of whatever is there."""
    if destination.is_dir() and not destination.is_symlink():
        shutil.rmtree(destination)  # the mirror's copy of a folder someone replaced
    elif source.is_dir() and not source.is_symlink() and os.path.lexists(destination):
        destination.unlink()  # the build's file where someone made a folder: theirs wins
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)


def _prune(stage: Path, removed: set[Path]) -> None:
    """Remove the folders that held only removed files (an old category's feed folder)."""
    for path in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        while path != stage and path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            path = path.parent


def _link_or_copy(source: Path, destination: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _write_files(
    files: dict[Path, Content],
    sharing: Sharing | None,
    names: Mapping[str, Path],
    before: Mapping[Path, Path] | None = None,
) -> dict[Path, Any]:
    """Write ``files``; with ``sharing``, the heaviest in forked processes alongside.
    ``before``: where each file's earlier version is (its writer may copy from it). Returns
    what each writing function returned, by path."""
    groups = _share(files, sharing, names) if sharing else [list(files)]
    children: list[tuple[int, int]] = []  # not reaped yet
    failures: list[BaseException | None] = []
    results: dict[Path, Any] = {}
    before = before or {}
    if EARLY_WRITEBACK and len(groups) > 1:
        _writeback()  # (looked up before forking: dlopen() in a child of a threaded process)
    try:
        for number, group in enumerate(groups[1:], 1):
            read_end, write_end = os.pipe()
            with signals.deferred():  # an interrupt comes once the child is in the list
                try:
                    pid = signals.fork()  # (it dies with this process, and ignores Ctrl-C)
                except OSError:
                    os.close(read_end)
                    os.close(write_end)
                    raise
                if pid == 0:  # the child: write its group, report how it went, and leave
                    try:
                        os.close(read_end)
                        last = number == len(groups) - 1
                        _child(group, files, before, sharing, write_end, last=last)
                    finally:
                        os._exit(1)  # whatever happens, never back into the parent's code
                os.close(write_end)
                children.append((pid, read_end))
        with _Syncs() as syncs:  # (threads only now: never in a process that forks)
            for path in groups[0]:
                results[path] = _write_file(path, files[path], before.get(path), syncs.add)
            syncs.wait()
        while children:  # every one of them
            failure, done = _wait(*children[0], children)
            failures.append(failure)
            results.update(done)
    except BaseException:
        # Failed, or interrupted: the others' work is of no use now, and none is left running.
        with signals.deferred():
            signals.end_children(pid for pid, _ in children)
            for _, read_end in children:
                os.close(read_end)
        raise
    for failure in failures:
        if failure is not None:
            raise failure
    return results


def _share(
    files: dict[Path, Content], sharing: Sharing, names: Mapping[str, Path]
) -> list[list[Path]]:
    """``files`` in groups of about equal weight, one per process, heaviest first; one group
    when sharing does not pay (few or small outputs, or no fork() here)."""
    weight = {path: 1 for path in files}
    for name, path in names.items():
        weight[path] = max(1, sharing.weights.get(name, 1))
    if sharing.jobs < 2 or sum(weight.values()) < SHARING_MIN or not FORK_WRITERS:
        return [list(files)]
    # One group more than processes: three feeds of one size on two cores take 1.5 times
    # one feed's time, not twice (the system shares the cores out).
    count = sharing.jobs + 1
    groups: list[list[Path]] = [[] for _ in range(count)]
    loads = [0] * count
    for path in sorted(files, key=lambda p: -weight[p]):
        lightest = loads.index(min(loads))
        groups[lightest].append(path)
        loads[lightest] += weight[path]
    # Heaviest first: this process takes it; the lightest, last, has time for the aside.
    filled = sorted((g for g in groups if g), key=lambda g: -sum(weight[p] for p in g))
    return filled or [[]]


def _child(
    group: list[Path],
    files: dict[Path, Content],
    before: Mapping[Path, Path],
    sharing: Sharing | None,
    report: int,
    last: bool = False,
) -> NoReturn:
    status = 0
    try:
        if sharing and sharing.in_child:
            sharing.in_child()
        with _Syncs() as syncs:
            results = {
                path: _write_file(path, files[path], before.get(path), syncs.add) for path in group
            }
            if last and sharing and sharing.aside:
                sharing.aside()
            syncs.wait()
        message = pickle.dumps(results)  # what the writers made of their files, for the parent
    except BaseException as e:  # every failure goes back to the parent
        status = 1
        message = _pickled(e)
    try:
        with open(report, "wb") as pipe:
            pipe.write(message)
    finally:
        os._exit(status)  # no cleanup: the parent's open files and database are not ours


def _pickled(error: BaseException) -> bytes:
    """``error`` pickled for the parent, or a stand-in saying what it was."""
    try:
        message = pickle.dumps(error)
        pickle.loads(message)  # some exceptions pickle but cannot be made again
        return message
    except Exception:  # anything: the stand-in below says what failed
        try:
            text = f"{type(error).__name__}: {error}"
        except Exception:  # not even its text can be had
            text = type(error).__name__
        return pickle.dumps(RuntimeError(f"a process writing outputs failed: {text}"))


def _wait(
    pid: int, read_end: int, children: list[tuple[int, int]]
) -> tuple[BaseException | None, dict[Path, Any]]:
    """Wait for a writing child (and take it out of ``children`` once reaped); the exception
    it failed with, if it did, and what its writers returned."""
    with open(read_end, "rb", closefd=False) as pipe:
        message = pipe.read()  # until it ends
    with signals.deferred():
        _, status = os.waitpid(pid, 0)
        os.close(read_end)
        children.remove((pid, read_end))
    code = os.waitstatus_to_exitcode(status)
    try:
        found = pickle.loads(message) if message else None
    except Exception:  # _pickled() checked it; never lose the failure
        found = None
    if isinstance(found, BaseException):
        return found, {}
    if code != 0:  # killed, e.g. by the system when out of memory: an OSError, for the user
        how = f"was killed by signal {-code}" if code < 0 else f"ended with exit code {code}"
        return OSError(f"a process writing outputs {how}"), {}
    if not isinstance(found, dict):
        return RuntimeError("a process writing outputs failed"), {}
    return None, found


def _write_file(
    path: Path,
    content: Content,
    before: Path | None = None,
    sync: Callable[[int], None] | None = None,
) -> Any:
    """Write ``content`` to ``path`` and sync it; what its writing function returned.
    ``before``: where the output's earlier version is, which the writer may copy from.
    ``sync``: given the file's descriptor once it is written, syncs the file to disk
    (:meth:`_Syncs.add`: in a thread, while the next file is written); without it the file
    is synced here."""
    result = None
    with open(path, "wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            guarded = _Guarded(handle, before)
            try:
                result = content(cast(BinaryIO, guarded))  # (it has the methods writers use)
            finally:
                guarded.close()
            if guarded.error is not None:  # a writer (lxml) may swallow a failed write
                raise guarded.error
        handle.flush()
        if sync is None:
            os.fsync(handle.fileno())
        else:
            sync(handle.fileno())
    os.chmod(path, 0o644)
    return result


class _Syncs:
    """The files one process writes, each synced to disk by a thread while the next is
    written: the file system then commits them to its journal together, where syncing them
    one after another waits for one commit per file (43 small feed files on ext4: 0.1 s one
    after another, 0.01-0.02 s side by side). :meth:`wait` returns once every file is on
    disk, or raises the first error: the outputs are swapped in only after that, as
    before. Threads are started only once the files are written, never in a process that
    then forks."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()

    def add(self, fd: int) -> None:
        """Sync the file open at ``fd`` (through a descriptor of its own: the caller may
        close ``fd`` at once)."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="feedpub-sync")
        while len(self._pending) >= SYNCS_PENDING:  # (each holds a descriptor open)
            self._pending.popleft().result()
        own = os.dup(fd)
        try:
            self._pending.append(self._pool.submit(_sync_and_close, own))
        except BaseException:
            os.close(own)
            raise

    def wait(self) -> None:
        """Wait until every file added is synced; raise the first error."""
        while self._pending:
            self._pending.popleft().result()

    def __enter__(self) -> _Syncs:
        return self

    def __exit__(self, *exc: object) -> None:
        """Wait for every sync still running (when something failed: its errors go), so that
        no thread outlives the files it syncs, nor keeps their descriptors open."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pending.clear()


def _sync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_identity(path: Path) -> tuple[int, int, int, int, int]:
    """What tells a file apart from any other, or from itself changed (see
    :meth:`_Guarded.previous`): its device, inode, size, modification time and status change
    time (ns). The last changes with any write, and cannot be set back as the modification
    time can (``touch -d``); it also changes when a link to the file is made or removed, as
    a build's staging folder does for the files it keeps (see :func:`same_file`)."""
    return _identity_of(os.stat(path))


def same_file(identity: tuple[int, ...], now: tuple[int, ...]) -> bool:
    """Whether ``now`` (a file's :func:`file_identity`) is the file ``identity`` describes,
    but for its status change time: the file was not written to, replaced or resized."""
    return len(identity) == len(now) and identity[:4] == now[:4]


def _identity_of(status: os.stat_result) -> tuple[int, int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


class _Guarded:
    """A file that remembers the first error of a write, so none goes unnoticed; and that
    lets its writer copy byte ranges of the output's earlier version (see :meth:`previous`)."""

    def __init__(self, handle: BinaryIO, before: Path | None = None) -> None:
        self._handle = handle
        self._before = before
        self._opened: list[Earlier] = []
        self.error: OSError | None = None
        #: Bytes written, and up to where the system was told to write them to disk.
        self._size = 0
        self._started = 0
        self._writeback = _writeback() if EARLY_WRITEBACK else None

    def write(self, data: bytes) -> int:
        try:
            written = self._handle.write(data)
        except OSError as e:
            self.error = self.error or e
            raise
        self._size += len(data)
        if self._size - self._started >= WRITEBACK_EVERY and self._writeback is not None:
            self._start_writeback()
        return written

    def _start_writeback(self) -> None:
        """Tell the system to start writing what was written since the last time to disk (it
        does so while more is written; the sync at the end waits for the rest)."""
        if self._writeback is None:
            return
        try:
            self._handle.flush()
        except OSError as e:  # (as in write(): a writer such as lxml may swallow it)
            self.error = self.error or e
            raise
        fd = self._handle.fileno()
        if self._writeback(fd, self._started, self._size - self._started, _SYNC_FILE_RANGE_WRITE):
            self._writeback = None  # (not on this file system: the sync alone writes it)
        self._started = self._size

    def previous(self, identity: tuple[int, ...]) -> Earlier | None:
        """The output's earlier version, opened for reading, if it is exactly the file
        ``identity`` (see :func:`file_identity`) describes; else ``None``."""
        if self._before is None:
            return None
        try:
            fd = os.open(self._before, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode) or _identity_of(status) != tuple(identity):
                os.close(fd)
                return None
            found = Earlier(fd, status.st_size)
        except (OSError, ValueError):
            os.close(fd)
            return None
        self._opened.append(found)
        return found

    def copy(self, source: Earlier, offset: int, length: int) -> None:
        """Append ``length`` bytes of ``source`` from ``offset``: inside the kernel where it
        can (:data:`COPY_FILE_RANGE`), else read and written."""
        if offset < 0 or length < 0 or offset + length > source.size:
            raise ValueError("a range outside the earlier file")
        try:
            self._handle.flush()
            target = self._handle.fileno()
            done = 0
            while COPY_FILE_RANGE and done < length:
                # (in steps, the system told to write each to disk as the next is copied)
                step = min(length - done, WRITEBACK_EVERY)
                copied = _copy_in_kernel(source.fd, target, offset + done, step)
                done += copied
                self._size += copied
                if self._writeback is not None:
                    self._start_writeback()
                if copied < step:
                    break
            if done:
                os.lseek(target, 0, os.SEEK_END)  # (a buffered file asks the system where it is)
            while done < length:
                chunk = source.read(offset + done, min(_CHUNK, length - done))
                if not chunk:
                    raise OSError(errno.EIO, "the earlier output file is shorter than recorded")
                self.write(chunk)
                done += len(chunk)
        except OSError as e:
            self.error = self.error or e
            raise

    def close(self) -> None:
        for found in self._opened:
            found.close()
        self._opened = []


@functools.cache
def _writeback() -> Callable[[int, int, int, int], int] | None:
    """The system's ``sync_file_range``, or ``None`` where there is none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return cast(Callable[[int, int, int, int], int], function)


def _copy_in_kernel(source: int, target: int, offset: int, length: int) -> int:
    """Copy with ``os.copy_file_range``; how many bytes it copied (fewer than ``length`` when
    the system cannot: the caller copies the rest itself)."""
    done = 0
    while done < length:
        try:
            copied = os.copy_file_range(source, target, length - done, offset + done)
        except OSError as e:
            if e.errno in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                return done  # not here (another file system, an old kernel): read and write
            raise
        if copied == 0:
            return done
        done += copied
    return done


class Earlier:
    """The earlier version of an output, open for reading while its new one is written."""

    def __init__(self, fd: int, size: int) -> None:
        self.fd = fd
        #: Its size in bytes.
        self.size = size

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes from ``offset`` (fewer at its end). (Not through a memory map:
        the pages of a large file it touched would count as the build's memory.)"""
        if _PREAD is not None:
            return _PREAD(self.fd, length, offset)
        os.lseek(self.fd, offset, os.SEEK_SET)  # (Windows has no pread)
        return os.read(self.fd, length)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


_PREAD = getattr(os, "pread", None)


def _same_file_bytes(new: Path, old: Path) -> bool:
    try:
        if old.is_symlink() or old.stat().st_size != new.stat().st_size:
            return False
        with open(new, "rb") as a, open(old, "rb") as b:
            while True:
                chunk = a.read(_CHUNK)
                if chunk != b.read(_CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.ENOTSUP, errno.EPERM, errno.EBUSY):
        return False
    raise OSError(code, os.strerror(code), str(b))
