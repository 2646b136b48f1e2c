"""Stopping on Ctrl-C (SIGINT) and SIGTERM, and the processes a build starts.

The command line turns both signals into :class:`Interrupted` (a ``KeyboardInterrupt``),
raised in the main thread wherever the build is. As it passes, each stage ends the processes
it started (:func:`end_processes`, :func:`end_children`: SIGTERM, then SIGKILL, and reaped),
and the staging folder goes; the output folder is left as it was. From the moment the new
outputs are swapped in (:func:`point_of_no_return`) to the end of the build's bookkeeping
(:func:`finishing`), a signal waits: the build then ends as a whole, never half recorded.

The processes feedpub starts (worker processes, forked writers) call :func:`child_start`:
they leave both signals to the build (Ctrl-C, sent to the whole process group, is ignored
there; SIGTERM ends them at once, without a traceback) and die with it, even when it is
killed with SIGKILL (Linux: ``PR_SET_PDEATHSIG``; elsewhere a thread notices the parent is
gone).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess


#: The signals that stop a build.
SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long a process that was sent SIGTERM has to end before it gets SIGKILL.
GRACE = 0.3
_PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The process was sent SIGINT (Ctrl-C) or SIGTERM."""

    def __init__(self, signum: int, *, finished: bool = False) -> None:
        super().__init__(signum)
        #: The signal's number.
        self.signum = signum
        #: Whether the signal came once the outputs were in place (the build then finished).
        self.finished = finished

    @property
    def name(self) -> str:
        """ "Ctrl-C" or "SIGTERM"."""
        return "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        """What shells report for a process ended by the signal: 128 + its number (130, 143)."""
        return 128 + self.signum


class _State:
    #: deferred() blocks open (main thread).
    held = 0
    #: finishing() blocks open: each True once past its point of no return.
    sections: ClassVar[list[bool]] = []
    #: A signal that came while deferred, to raise when the deferral ends.
    pending: int | None = None


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _handler(signum: int, frame: object) -> None:
    if _State.held or any(_State.sections):
        if _State.pending is None:
            _State.pending = signum
        return
    _State.pending = None  # (one that waited comes now)
    raise Interrupted(signum)


def install(*, force: bool = False) -> dict[int, Any]:
    """Make SIGINT and SIGTERM raise :class:`Interrupted` in the main thread; returns the
    handlers they had. A signal ignored (``SIG_IGN``, as a shell does for background jobs) stays
    ignored unless ``force``. Nothing is changed outside the main thread."""
    before: dict[int, Any] = {}
    if not _main_thread():
        return before
    for signum in SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN and not force:
            continue
        before[signum] = current
        signal.signal(signum, _handler)
    return before


@contextlib.contextmanager
def handled(*, force: bool = False) -> Iterator[None]:
    """:func:`install` for the duration of the block, then the handlers from before."""
    before = install(force=force)
    hook = sys.unraisablehook
    if before:
        sys.unraisablehook = _again(hook)
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _again(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """``hook`` for exceptions Python cannot raise (in a finaliser, a weakref callback), but
    for :class:`Interrupted`: the signal is sent again, to come where it stops the command."""

    def unraisable(info: Any) -> object:
        if not isinstance(info.exc_value, Interrupted):
            return hook(info)
        _State.held += 1  # (a signal that comes meanwhile only waits: this one comes again)
        try:
            timer = threading.Timer(0.01, os.kill, (os.getpid(), info.exc_value.signum))
            timer.daemon = True
            timer.start()
        finally:
            _State.held -= 1
        return None

    return unraisable


def _raise_pending(finished: bool = False) -> None:
    """Raise the signal that waited, unless something still defers it."""
    if _State.pending is not None and not _State.held and not any(_State.sections):
        signum, _State.pending = _State.pending, None
        raise Interrupted(signum, finished=finished)


def _drop_pending() -> None:
    """An exception already ends the block: it goes on (an error's message, say where the
    files it kept are, must not be lost), and a signal that waited is not raised as well."""
    if not _State.held and not any(_State.sections):
        _State.pending = None


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A block no signal interrupts (cleaning up, starting a process and noting it): one that
    comes meanwhile is raised at its end."""
    if not _main_thread():
        yield
        return
    _State.held += 1
    try:
        yield
    except BaseException:
        _State.held -= 1
        _drop_pending()
        raise
    _State.held -= 1
    _raise_pending()


@contextlib.contextmanager
def finishing() -> Iterator[None]:
    """A build: past its :func:`point_of_no_return`, a signal waits for the end of the block."""
    if not _main_thread():
        yield
        return
    _State.sections.append(False)
    try:
        yield
    except BaseException:
        _State.sections.pop()
        _drop_pending()
        raise
    _raise_pending(finished=_State.sections.pop())


def point_of_no_return() -> None:
    """The outputs are about to be swapped in: signals wait until the build has recorded them
    (the end of the innermost :func:`finishing` block; no effect outside one)."""
    if _main_thread() and _State.sections:
        _State.sections[-1] = True


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back by the system in this thread (and in processes forked
    here, until :func:`child_start`): a child never runs the parent's handlers."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def fork() -> int:
    """``os.fork()``; the child is set up by :func:`child_start` before any signal reaches it."""
    parent = os.getpid()
    with blocked():
        pid = os.fork()
        if pid == 0:
            child_start(parent)
    return pid


def child_start(parent: int) -> None:
    """First thing in a process the build started (``parent`` is the build's pid): Ctrl-C is
    the build's to handle, SIGTERM ends this process quietly, and it dies with the build."""
    with contextlib.suppress(ValueError, OSError):  # (not the main thread: nothing to undo)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _State.held, _State.sections, _State.pending = 0, [], None
    _die_with(parent)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
            done = prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (AttributeError, OSError):
            done = False
        if done:
            if os.getppid() != parent:  # it died before the call
                os._exit(1)
            return
    if os.name == "posix":  # (on Windows, a worker's queue ends when the parent does)
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    """A parent that dies leaves its children to another process: leave too."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def end_processes(processes: Iterable[BaseProcess], grace: float = GRACE) -> None:
    """End worker processes: SIGTERM, SIGKILL after ``grace`` seconds, and reap them."""
    processes = list(processes)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            if process.exitcode is None:
                process.kill()
                process.join(1)


def end_children(pids: Iterable[int], grace: float = GRACE) -> None:
    """End forked children (not reaped yet): SIGTERM, SIGKILL after ``grace`` seconds, and
    reap them."""
    remaining = set(pids)
    for pid in remaining:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while remaining and time.monotonic() < deadline:
        for pid in list(remaining):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                remaining.discard(pid)
        if remaining:
            time.sleep(0.01)
    for pid in remaining:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
