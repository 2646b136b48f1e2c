"""The errors a user can cause, each carrying the file (and line) it is about.

Everything a writer or site owner can get wrong raises a subclass of :class:`FeedpubError`;
the CLI prints ``str(error)`` (``path:line: message``) and exits 1. Anything else that escapes
is a bug in feedpub and may show a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the current folder when it lies below it, else as given."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def located(message: str, path: Path | None, line: int | None) -> str:
    """``path:line: message``, leaving out what is unknown."""
    if path is None:
        return message
    where = display_path(path)
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {message}"


class FeedpubError(Exception):
    """Root of every error a user can cause."""

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        #: What is wrong and how to fix it, in a writer's words.
        self.message = message
        #: The file the problem is in, if any.
        self.path = Path(path) if path is not None else None
        #: The 1-based line in that file, where known.
        self.line = line

    def __str__(self) -> str:
        return located(self.message, self.path, self.line)


class ConfigError(FeedpubError):
    """A problem in the site configuration (``feedpub.toml``, ``[tool.feedpub]`` or CLI options)."""


class EntryError(FeedpubError):
    """A problem in one entry file."""


class OutputError(FeedpubError):
    """The output folder cannot be written."""


class BuildErrors(FeedpubError):
    """Several problems found in one run; nothing was written."""

    def __init__(self, errors: Iterable[FeedpubError]) -> None:
        #: Every problem, in the order of the files they are in.
        self.errors: tuple[FeedpubError, ...] = tuple(errors)
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found; nothing was written")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


@dataclass(frozen=True)
class BuildWarning:
    """Not an error: something a build fixed or left out, worth telling the user about."""

    #: What happened and what to do about it.
    message: str
    #: The file it is about, if any.
    path: Path | None = None
    #: The 1-based line in that file, where known.
    line: int | None = None

    def __str__(self) -> str:
        return located(f"warning: {self.message}", self.path, self.line)
