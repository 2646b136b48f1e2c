"""Worker processes for reading and rendering entries, and the cycle collector during a build."""

from __future__ import annotations

import gc
import importlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from . import signals
from .model import Site

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """Worker processes for reading and rendering entries, kept for the stages of a build.

    They start on first use, which is before the build holds its entries: rendering in them
    after the scan does not copy every entry into each. ``close()`` (or ``with``) stops them."""

    def __init__(self, jobs: int | None, preload: tuple[str, ...] = ()) -> None:
        #: Processes to use (default: one per core).
        self.jobs = job_count(jobs)
        self._pool: ProcessPoolExecutor | None = None
        #: Modules the workers need, imported before they are forked.
        self.preload = preload

    @property
    def started(self) -> bool:
        """Whether the worker processes are running."""
        return self._pool is not None

    def map(
        self, work: Callable[[Site, list[T]], list[R]], site: Site, items: list[T], least: int
    ) -> Iterator[R]:
        """``work(site, chunk)`` over chunks of ``items``, results in order; in the worker
        processes when there are at least ``least`` items and several cores. Only a few chunks
        are under way at a time, so results (rendered HTML) never pile up in memory."""
        chunks = _chunks(items, self.jobs)
        if self.jobs <= 1 or len(items) < least:
            for chunk in chunks:
                yield from work(site, chunk)
            return
        pool = self._start()
        pending: deque[Future[list[R]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(work, site, chunk))
            if len(pending) > self.jobs * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def start_early(self, items: int, least: int) -> None:
        """Start the workers now, for ``items`` items of which :meth:`map` uses them from
        ``least`` on: while this process has more to do before it needs them (finish the
        listing of the files), they start. (Loading :attr:`preload` in each of them instead, in
        parallel with that, cost more CPU time than it saved, measured on 2 cores.)"""
        if self._pool is None and self.jobs > 1 and items >= least:
            self._start()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing  # only for large sites: starting workers pays off there
            from concurrent.futures import ProcessPoolExecutor

            for module in self.preload:  # loaded once here, not in every worker
                importlib.import_module(module)

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(
                self.jobs, context, initializer=_worker_start, initargs=(os.getpid(),)
            )
            # With fork, the first task starts every worker: with the signals held back
            # until each has set itself up (a Ctrl-C is the build's, never theirs).
            with signals.blocked():
                self._pool.submit(int)
        return self._pool

    def close(self, now: bool = False) -> None:
        """Stop the worker processes, if started: when their work is done, or ``now``
        (the build failed or was interrupted): ended at once, and reaped."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not now:
            try:
                pool.shutdown()
            except BaseException:  # interrupted while waiting for them
                _end_pool(pool)
                raise
            return
        _end_pool(pool)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(now=kind is not None)


def _chunks(items: list[T], jobs: int) -> list[list[T]]:
    """``items`` in chunks for ``jobs`` processes: of up to 256 items (at least 16), and
    smaller towards the end (each at most an ``2 * jobs``-th of what is left), so that the
    processes finish at about the same time: with chunks of one size, one of them ran the
    last chunk alone (a cold build of 10,000 entries: up to 25 ms, 256 entries, with the
    other core idle), where now its last is of 16 entries."""
    size = max(16, min(256, len(items) // (jobs * 8)))
    chunks = []
    start = 0
    while start < len(items):
        step = min(size, max(16, (len(items) - start) // (2 * jobs)))
        chunks.append(items[start : start + step])
        start += step
    return chunks


def _end_pool(pool: ProcessPoolExecutor) -> None:
    """End the workers now, and the pool's thread with them."""
    with signals.deferred():  # a second Ctrl-C must not leave them running
        processes = list((pool._processes or {}).values())  # (terminate_workers(), 3.14)
        results, thread = pool._result_queue, pool._executor_manager_thread
        pool.shutdown(wait=False, cancel_futures=True)
        signals.end_processes(processes)
        # A worker ended while it sent a result leaves the pool's thread waiting for the rest
        # of it, for ever, and Python waits for that thread before it exits. With no process
        # left that could write to the pipe, the end of it ends that wait (the pool closes
        # this end only after the thread has ended).
        if results is not None:
            results._writer.close()  # type: ignore[attr-defined]
        if thread is not None:
            thread.join(1)  # type: ignore[attr-defined]


def job_count(jobs: int | None) -> int:
    """``jobs``, or by default one per core this process may use."""
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return jobs


def _worker_start(parent: int) -> None:
    signals.child_start(parent)  # dies with the build; Ctrl-C and SIGTERM are the build's
    # What a worker inherits is never garbage: its collections skip it (gc.freeze). And it
    # collects, even if forked while the build had paused collecting (see Heap).
    gc.freeze()
    gc.enable()


class Heap:
    """Python's cycle collector during a build. A build makes objects that live until it ends
    (an entry for every file, read in the scan) and next to no garbage cycles, yet the
    collector went over them again and again: 0.13 s of a cold build of 10,000 entries. So it
    is off during the scan, and what the scan made is then set aside (``gc.freeze``) until
    the build ends, when it becomes collectable again."""

    def __enter__(self) -> Heap:
        self._collecting = gc.isenabled()
        self._froze = False
        return self

    def pause(self) -> None:
        """The scan begins: no collections until :meth:`settle`."""
        gc.disable()

    def settle(self) -> None:
        """The scan is done: collect again, but not what lives until the build ends."""
        if gc.get_freeze_count() == 0:  # (never unfreeze what someone else froze)
            gc.freeze()
            self._froze = True
        if self._collecting:
            gc.enable()

    def __exit__(self, *exc: object) -> None:
        if self._froze:
            gc.unfreeze()
        if self._collecting:
            gc.enable()
