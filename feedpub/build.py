"""The pipeline: scan → select → render → serialise → write."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import feeds
from .config import Site
from .entry import Author, Entry, entry_files, read_entry
from .errors import (
    BuildErrors,
    BuildWarning,
    ConfigError,
    EntryError,
    FeedpubError,
    display_path,
)
from .output import write_outputs
from .render import render

#: Output file names in the output folder; URLs are ``base_url`` + name.
RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"
#: Hidden file in the output folder remembering each entry's id and link from the last build.
MANIFEST_NAME = ".feedpub-manifest.json"


@dataclass(frozen=True)
class Scan:
    """Every entry of a site, read and checked."""

    #: Entries in file order.
    entries: tuple[Entry, ...]
    #: Things fixed or ignored while reading.
    warnings: tuple[BuildWarning, ...]


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    #: Entry files read.
    scanned: int
    #: Entries in the main feeds.
    published: int
    #: Output files whose bytes changed.
    written: tuple[Path, ...]
    #: Output files already up to date (left untouched).
    unchanged: tuple[Path, ...]
    #: Things fixed or ignored, worth telling the user.
    warnings: tuple[BuildWarning, ...]

    @property
    def outputs(self) -> tuple[Path, ...]:
        """Every output file of the build, written or not."""
        return tuple(sorted(self.written + self.unchanged))


def scan(site: Site) -> Scan:
    """Read every entry file; raises :class:`BuildErrors` with every problem in every file."""
    entries, warnings, problems = scan_all(site)
    if problems:
        raise BuildErrors(problems, warnings)
    return Scan(entries=tuple(entries), warnings=tuple(warnings))


def scan_all(site: Site) -> tuple[list[Entry], list[BuildWarning], list[FeedpubError]]:
    """Read every entry file: the good entries, the warnings, and every problem found.

    Raises :class:`ConfigError` when there is no entries folder or no entry in it.
    """
    folder = site.entries
    if not folder.is_dir():
        raise ConfigError(
            "the entries folder does not exist; create it, or set 'entries' in the configuration",
            folder,
            code="FP005",
        )
    paths, link_problems = entry_files(folder)
    if not paths and not link_problems:
        raise ConfigError(
            "no entries found (*.md, *.markdown); write one, e.g. "
            f"{Path(folder.name) / 'hello.md'} with 'title:' and 'date:' front matter",
            folder,
            code="FP005",
        )
    entries: list[Entry] = []
    warnings: list[BuildWarning] = []
    problems: list[FeedpubError] = list(link_problems)
    for path in paths:
        try:
            entry, found = read_entry(path, site)
        except BuildErrors as e:
            problems.extend(e.errors)
            warnings.extend(e.warnings)
            continue
        except FeedpubError as e:
            problems.append(e)
            continue
        entries.append(entry)
        warnings.extend(found)
    problems.extend(_duplicates(entries))
    return entries, warnings, problems


def _duplicates(entries: list[Entry]) -> list[FeedpubError]:
    """Two entries with one id (or one link) would be one story to every feed reader."""
    problems: list[FeedpubError] = []
    reported: set[Path] = set()
    for field in ("id", "link"):
        seen: dict[str, Entry] = {}
        for entry in entries:
            value = getattr(entry, field)
            first = seen.setdefault(value, entry)
            if first is not entry and entry.path not in reported:
                reported.add(entry.path)  # one message per entry: a same id is often a same link
                problems.append(
                    EntryError(
                        f"has the same {field} as {display_path(first.path)} ({value}); "
                        "give one of them another slug, permalink or id",
                        entry.path,
                        entry.line_of("id", "slug", "permalink", "link", "date"),
                        code="FP108" if field == "id" else "FP109",
                    )
                )
    return problems


def select(
    entries: tuple[Entry, ...],
    *,
    limit: int,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> list[Entry]:
    """Entries a feed carries: drafts and future entries left out unless asked, newest first
    (ties broken by file path, so the order is total), at most ``limit`` (0: all)."""
    now = now or current_time()
    chosen = [e for e in entries if (drafts or not e.draft) and (future or e.date <= now)]
    chosen.sort(key=lambda e: (-e.date.timestamp(), str(e.path)))
    return chosen[:limit] if limit else chosen


def current_time() -> datetime:
    """The current time, or ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def render_feeds(site: Site, entries: tuple[Entry, ...], chosen: list[Entry]) -> dict[str, bytes]:
    """The bytes of every output file, by name in the output folder."""
    items = tuple(render(e, site) for e in chosen)
    # Feed-level dates come from the entries, never the clock, so builds are reproducible.
    newest = max(e.modified for e in (chosen or entries))
    feed = feeds.Feed(
        title=site.title,
        description=site.description,
        language=site.language,
        home_url=site.base_url,
        authors=site.authors or (Author(name=site.title),),
        items=items,
        updated=newest,
    )
    return {
        RSS_NAME: feeds.rss(feed, site.base_url + RSS_NAME),
        ATOM_NAME: feeds.atom(feed, site.base_url + ATOM_NAME),
    }


def manifest(site: Site, entries: tuple[Entry, ...]) -> bytes:
    """The manifest of this build: each entry file (relative to the entries folder) → id, link."""
    records = {
        e.path.relative_to(site.entries).as_posix(): {"id": e.id, "link": e.link} for e in entries
    }
    data = {"feedpub_manifest": 1, "entries": dict(sorted(records.items()))}
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()


def id_changes(site: Site, entries: tuple[Entry, ...]) -> list[BuildWarning]:
    """Entries whose id differs from the last build's manifest (readers would see them as new)."""
    try:
        old = json.loads((site.output / MANIFEST_NAME).read_bytes())["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest yet, or one we cannot read: nothing to compare with
    warnings = []
    for e in entries:
        record = old.get(e.path.relative_to(site.entries).as_posix())
        if isinstance(record, dict) and record.get("id") not in (None, e.id):
            warnings.append(
                BuildWarning(
                    "FP208",
                    f"id changed since the last build ({record['id']} → {e.id}); feed readers "
                    f"will show this entry again as new. To keep the old id, add "
                    f"'id: {record['id']}' to its front matter",
                    e.path,
                    e.line_of("id", "slug", "permalink", "link", "date"),
                )
            )
    return warnings


def build(
    site: Site, *, drafts: bool = False, future: bool = False, now: datetime | None = None
) -> BuildResult:
    """Build every feed of ``site`` into its output folder.

    Everything is checked and produced in memory first; a build that fails raises
    :class:`FeedpubError` (often :class:`BuildErrors` listing every problem) and changes no
    file. ``drafts`` and ``future`` include draft and future-dated entries.
    """
    scanned = scan(site)
    chosen = select(scanned.entries, limit=site.limit, drafts=drafts, future=future, now=now)
    outputs = render_feeds(site, scanned.entries, chosen)
    warnings = (*scanned.warnings, *id_changes(site, scanned.entries))
    outputs[MANIFEST_NAME] = manifest(site, scanned.entries)
    written, unchanged = write_outputs(site.output, outputs)
    return BuildResult(
        scanned=len(scanned.entries),
        published=len(chosen),
        written=tuple(p for p in written if p.name != MANIFEST_NAME),
        unchanged=tuple(p for p in unchanged if p.name != MANIFEST_NAME),
        warnings=warnings,
    )
