"""The least it costs to write the feed files of a folder again, durably.

    python benchmarks/sync_floor.py SITE/public [--repeat 3]

feedpub syncs (fsync) every file it writes before it swaps the new outputs in, so that a
crash or a power cut never leaves a feed half written. When one entry of a feed of every
entry changes, the whole file must be written again: its bytes change. This measures the
cheapest way that could be done: each feed file copied inside the kernel
(``os.copy_file_range``, no Python in the way) and synced, the files side by side, as
feedpub writes them; on Linux, the system told to start writing each 8 MiB to disk while the
rest is copied (``sync_file_range``), as feedpub does, which takes less time than one sync of
the whole file at the end (``--plain`` measures that way). It prints the best of ``--repeat``
runs.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

FEEDS = ("feed.xml", "atom.xml", "feed.json")


#: How much is copied before the system is told to start writing it to disk.
STEP = 8 << 20


def _sync_file_range() -> object | None:
    """The system's ``sync_file_range`` (Linux), or ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return function


def copy_and_sync(source: Path, target: Path, writeback: bool = True) -> None:
    start_writing = _sync_file_range() if writeback else None
    with open(source, "rb") as src, open(target, "wb") as dst:
        left = os.fstat(src.fileno()).st_size
        copied = 0
        while left > 0:
            done = os.copy_file_range(src.fileno(), dst.fileno(), min(left, STEP))
            if done == 0:
                break
            if start_writing is not None:
                start_writing(dst.fileno(), copied, done, 2)  # SYNC_FILE_RANGE_WRITE
            copied += done
            left -= done
        os.fsync(dst.fileno())


def once(folder: Path, into: Path, writeback: bool = True) -> float:
    threads = [
        threading.Thread(target=copy_and_sync, args=(folder / name, into / name, writeback))
        for name in FEEDS
        if (folder / name).is_file()
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an output folder with feed files")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--plain", action="store_true", help="one sync of each file at the end, no early writeback"
    )
    args = parser.parse_args()
    size = sum((args.folder / n).stat().st_size for n in FEEDS if (args.folder / n).is_file())
    # Beside the folder: on the same file system, as feedpub's staging folder is.
    with tempfile.TemporaryDirectory(dir=args.folder.resolve().parent) as temp:
        best = min(
            once(args.folder, Path(temp), not args.plain) for _ in range(max(1, args.repeat))
        )
    mib = size / 2**20
    print(f"{mib:.0f} MiB of feeds copied and synced in {best:.2f} s (best of {args.repeat})")


if __name__ == "__main__":
    main()
