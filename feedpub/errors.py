"""The errors a user can cause, each carrying the file (and line) it is about.

Everything a writer or site owner can get wrong raises a subclass of :class:`FeedpubError`;
the CLI prints ``str(error)`` (``path:line: message``) and exits 1. Anything else that escapes
is a bug in feedpub and may show a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the current folder when it lies below it, else as given. A link
    is shown by its own name, not by where it leads (it may lead nowhere: a loop)."""
    p = Path(path)
    try:
        shown = str((p.parent.resolve() / p.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
        shown = str(p)
    if shown.isascii() and shown.isprintable():
        return shown
    # A name that is not UTF-8 (bytes kept as surrogates): its bytes shown as \xff, as text
    shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    # A line break or other control character in a name, shown as \n: a message stays one line
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], shown)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def located(message: str, path: Path | None, line: int | None) -> str:
    """``path:line: message``, leaving out what is unknown."""
    if path is None:
        return message
    where = display_path(path)
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {message}"


#: Every finding feedpub reports, by stable code: (severity, what it means). docs/error-codes.md
#: lists them all (tests/test_docs.py checks it); codes are never reused for another meaning.
CODES: dict[str, tuple[str, str]] = {
    "FP001": ("error", "the configuration file cannot be read, or is not valid TOML"),
    "FP002": ("error", "unknown setting in the configuration"),
    "FP003": ("error", "a setting has a wrong type or value"),
    "FP004": ("error", "no base URL"),
    "FP005": ("error", "the entries folder is missing or holds no entries"),
    "FP006": ("error", "the output folder cannot be used or written"),
    "FP007": ("error", "feedpub serve cannot listen on the host and port asked for"),
    "FP008": ("error", "feedpub new finds no site settings here or in any parent folder"),
    "FP009": ("error", "another feedpub build held the output folder longer than lock_timeout"),
    "FP010": ("error", "feedpub init or new cannot write the file or folder it makes"),
    "FP011": ("error", "two feeds, or a feed and a file feedpub writes, at one address"),
    "FP101": ("error", "an entry file cannot be read, or is not UTF-8"),
    "FP102": ("error", "no front matter, front matter not closed, or not key: value lines"),
    "FP103": ("error", "front matter is not valid YAML"),
    "FP104": ("error", "no title, or an empty one"),
    "FP105": ("error", "no date, or a date that cannot be read"),
    "FP106": ("error", "a front matter key has a wrong type or value"),
    "FP107": ("error", "a slug, permalink or id cannot be used"),
    "FP108": ("error", "two entries have the same id"),
    "FP109": ("error", "two entries have the same link"),
    "FP110": ("error", "an entry is over a limit (max_entry_size, max_front_matter_size, ...)"),
    "FP111": (
        "error",
        "two categories, tags or authors make the same URL slug, or none, or one too long",
    ),
    "FP112": ("error", "an image or enclosure cannot be used (its form, URL or media type)"),
    "FP113": ("error", "an image or enclosure names a file of the site that does not exist"),
    "FP114": ("error", "a WebSub hub could not be notified"),
    "FP115": ("error", "feedpub ping has no hub, or no build to announce"),
    "FP120": ("error", "front matter is not valid TOML or JSON"),
    "FP201": ("warning", "characters that XML cannot carry were removed"),
    "FP202": ("warning", "an entry has no summary and no text to make one from"),
    "FP203": ("warning", "a front matter key looks like a typo of a known key"),
    "FP204": ("warning", "a category or tag is spelled two ways"),
    "FP205": ("warning", "an entry is dated in the future and is left out until then"),
    "FP206": ("warning", "a relative link points at a Markdown file, which readers cannot open"),
    "FP207": ("warning", "a summary is longer than summary_length"),
    "FP208": ("warning", "an entry's id changed since the last build"),
    "FP209": ("warning", "an entry has no author, and the site has none"),
    "FP210": ("warning", "the cache cannot be used; the build ran without it"),
    "FP211": ("warning", "an index.html that feedpub did not write is in the output folder"),
    "FP212": ("warning", "a full archive document now holds other entries than before"),
    "FP213": ("warning", "an entry still has the placeholder text 'feedpub new' wrote"),
    "FP214": ("warning", "a date was read leniently, as Jekyll or Hugo reads it"),
    "FP215": ("warning", "an image names a file of the site that does not exist (Jekyll)"),
    "FP216": ("warning", "a front matter key is written twice; the last value is used"),
    "FP220": ("warning", "template syntax feedpub cannot render was left out"),
    "FP221": ("warning", "a file is not a post by Jekyll's or Hugo's rules"),
    "FP301": ("error", "a built feed is not well-formed XML"),
    "FP302": ("error", "a built feed lacks an element the format requires"),
    "FP303": ("error", "a built feed has a relative URL"),
    "FP304": ("error", "a built feed has a date in the wrong format"),
    "FP305": ("error", "a built feed has the same id twice"),
    "FP306": ("error", "a built RSS item has a wrong author element"),
    "FP307": (
        "warning",
        "a title, description or category still looks like HTML to feed validators",
    ),
    "FP308": ("warning", "content has scripts or event handlers (sanitize = false)"),
    "FP309": ("error", "a built feed has a wrong enclosure, attachment or Media RSS element"),
    "FP310": ("error", "a built feed has wrong archive (RFC 5005) or hub links"),
    # feedpub compare: "error" stops it; "change" is what a subscriber would see (exit 1),
    # "note" a difference a subscriber would hardly notice (exit 0 when there are only notes).
    "FP401": ("error", "feedpub compare cannot read the old feed (file, URL or server answer)"),
    "FP402": ("error", "the old feed is not an RSS, Atom or JSON feed"),
    "FP403": ("error", "feedpub compare cannot tell the old feed's address below base_url"),
    "FP410": ("change", "feedpub writes no feed at the old feed's address"),
    "FP411": ("change", "the feed's format changes (RSS, Atom, JSON Feed) at its address"),
    "FP412": ("note", "the feed's title changes"),
    "FP413": ("note", "the feed's id (Atom feed id) changes"),
    "FP414": ("note", "items were compared with another feed feedpub writes"),
    "FP420": ("change", "an item's id changes: readers show it again as new"),
    "FP421": ("change", "an item's link changes"),
    "FP422": ("change", "an item of the old feed is not in feedpub's"),
    "FP423": ("change", "an item is only in feedpub's feed: readers show it as new"),
    "FP430": ("note", "an item's title changes"),
    "FP431": ("note", "an item's published or updated date changes"),
    "FP432": ("note", "an item's authors change"),
    "FP433": ("note", "an item's categories change"),
    "FP434": ("note", "the text of an item's summary or content changes"),
}


class FeedpubError(Exception):
    """Root of every error a user can cause."""

    #: The finding code (see :data:`CODES`); subclasses and raise sites refine it.
    code = "FP101"

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        #: What is wrong and how to fix it, in a writer's words.
        self.message = message
        #: The file the problem is in, if any.
        self.path = Path(path) if path is not None else None
        #: The 1-based line in that file, where known.
        self.line = line

    def __str__(self) -> str:
        return located(self.message, self.path, self.line)

    def __reduce__(self) -> tuple[object, ...]:  # keep path and line across processes
        return (type(self), (self.message, self.path, self.line, self.code))


class ConfigError(FeedpubError):
    """A problem in the site configuration (``feedpub.toml``, ``[tool.feedpub]`` or CLI options)."""

    code = "FP003"


class EntryError(FeedpubError):
    """A problem in one entry file."""


class OutputError(FeedpubError):
    """The output folder cannot be written."""

    code = "FP006"


class BuildErrors(FeedpubError):
    """Several problems found in one run; nothing was written."""

    code = ""

    def __init__(
        self, errors: Iterable[FeedpubError], warnings: Iterable[BuildWarning] = ()
    ) -> None:
        #: Every problem, in the order of the files they are in.
        self.errors: tuple[FeedpubError, ...] = tuple(errors)
        #: Warnings found on the way (a typo'd key often explains an error).
        self.warnings: tuple[BuildWarning, ...] = tuple(warnings)
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found; nothing was written")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors, self.warnings))


class NotAnEntry(Exception):
    """A file among the entries that its dialect does not publish (a Hugo page without a date,
    a headless bundle): left out of the feeds, with ``warnings`` (possibly none) to report."""

    def __init__(self, warnings: list[BuildWarning] | None = None) -> None:
        super().__init__("not an entry")
        #: What to tell the user about the file, if anything.
        self.warnings: list[BuildWarning] = list(warnings or [])

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.warnings,))


@dataclass(frozen=True)
class BuildWarning:
    """Not an error: something a build fixed or left out, worth telling the user about."""

    #: The finding code (see :data:`CODES`).
    code: str
    #: What happened and what to do about it.
    message: str
    #: The file it is about, if any.
    path: Path | None = None
    #: The 1-based line in that file, where known.
    line: int | None = None

    def __str__(self) -> str:
        return located(f"warning {self.code}: {self.message}", self.path, self.line)

    def record(self) -> list[Any]:
        """The warning as JSON values, for the build record: ``[code, message, path, line]``."""
        return [self.code, self.message, str(self.path) if self.path else None, self.line]

    @classmethod
    def from_record(cls, record: Sequence[Any]) -> BuildWarning:
        """The warning :meth:`record` made."""
        code, message, path, line = record
        return cls(code, message, Path(path) if path else None, line)
