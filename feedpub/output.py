"""Writing outputs atomically (the *write* stage).

Each file is written to a temporary file in the same folder, flushed to disk, then renamed over
the old one, so a reader (or a web server) sees either the old feed or the new one, never half
of one. A file whose bytes are unchanged is not touched, so it keeps its modification time and
HTTP caches stay valid.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError


def write_outputs(folder: Path, outputs: Mapping[str, bytes]) -> tuple[list[Path], list[Path]]:
    """Write ``outputs`` (relative name → bytes) below ``folder``.

    Returns the paths written and the paths left alone because their bytes were already
    there. Raises :class:`OutputError` when the folder cannot be written.
    """
    root = folder.resolve()
    targets = {}
    for name, data in outputs.items():
        target = (root / name).resolve()
        if root not in target.parents:  # guard: every output stays inside the output folder
            raise OutputError(f"refusing to write {name!r} outside the output folder", folder)
        targets[target] = data
    written, unchanged = [], []
    for target, data in targets.items():
        if _same_bytes(target, data):
            unchanged.append(target)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
        except OSError as e:
            raise OutputError(
                f"cannot write {target.name} ({e.strerror or e})", target.parent
            ) from None
        written.append(target)
    return written, unchanged


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: temp file in the same folder, fsync, rename."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
