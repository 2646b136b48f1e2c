"""The incremental cache: parsed entries and rendered HTML in SQLite, beside the output folder.

Rows are keyed by the entry's path (relative to the entries folder) and checked against the
file's size and modification time, then its content hash, so a build re-reads only files that
changed. The cache remembers the feedpub version and the settings it was made with; a cache
from another version or configuration, or one that SQLite cannot read, is thrown away and
rebuilt, never trusted. Values are stored as JSON, never pickled: a cache file that came from
elsewhere (say, committed by someone else) cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from . import dialects
from ._version import __version__
from .errors import BuildWarning
from .fields import shared
from .model import CACHE_DIR, Author, Entry, Media, Site

_SCHEMA = 10  # 10: where each item is in each feed file (spans), for splicing
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT, record TEXT
);
CREATE TABLE IF NOT EXISTS rendered (
    path TEXT PRIMARY KEY, digest TEXT, title TEXT, summary TEXT, html TEXT
);
CREATE TABLE IF NOT EXISTS spans (path TEXT PRIMARY KEY, identity TEXT, record BLOB);
"""


def _stamp(site: Site) -> str:
    """What the cached values depend on besides the files: version and settings."""
    ignored = {"output", "config_path", "limit", "title", "description", "language"}
    ignored |= {"hubs", "archive", "archive_size"}  # feeds only, not entries
    ignored.add("lock_timeout")  # how long a build waits for another
    settings = {k: str(v) for k, v in asdict(site).items() if k not in ignored}
    settings["entries"] = str(site.entries.resolve())
    settings["templates"] = dialects.of(site).template_inputs(site)  # (_includes/, …)
    return json.dumps([_SCHEMA, __version__, settings], sort_keys=True)


def cache_folder(site: Site) -> Path:
    """The cache folder of ``site``: ``.feedpub-cache/`` beside its output folder (shared by
    the output folders that have one parent folder)."""
    return site.output.resolve().parent / CACHE_DIR


def make_cache_folder(folder: Path) -> None:
    """Create the cache folder, with a ``.gitignore`` so that nothing in it is committed."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.is_file():  # written once: every build touching it would wake watchers
        ignore.write_text("*\n", encoding="utf-8")


def _unannounced_file(site: Site) -> Path:
    """Where the feeds changed since the last ``feedpub ping`` are kept: in the cache folder,
    one file per output folder (a preview built beside the site must not mix in)."""
    output = site.output.resolve()
    return output.parent / CACHE_DIR / f"unannounced-{digest(str(output).encode())[:12]}.json"


def unannounced(site: Site) -> list[str] | None:
    """The feed files (names in the output folder) changed since hubs were last told of them,
    or ``None`` when no build of this output folder with a hub recorded any."""
    try:
        names = json.loads(_unannounced_file(site).read_bytes())
    except (OSError, ValueError):
        return None
    return sorted(n for n in names if isinstance(n, str)) if isinstance(names, list) else None


def save_unannounced(site: Site, names: set[str] | list[str]) -> None:
    """Replace the list of feeds to announce (atomically: a temp file renamed into place)."""
    path = _unannounced_file(site)
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("*\n", encoding="utf-8")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(sorted(set(names))) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def digest(data: bytes) -> str:
    """A hash of ``data`` for keys kept in the manifest (which outlives the cache)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def content_hash(data: bytes) -> str:
    """Content hash of an entry file. SHA-256, which processors compute in hardware: twice
    as fast as BLAKE2 on a 10 KB entry, which matters in a cold build of many entries."""
    return hashlib.sha256(data).hexdigest()[:32]


class EntryRow(NamedTuple):
    """A freshly parsed entry, as :meth:`Cache.store_entries` stores it (a tuple: SQLite
    takes it as the row's values)."""

    #: The file's name in the entries folder.
    path: str
    #: The file's size and modification time (ns) when it was read.
    size: int
    mtime_ns: int
    #: Its content hash.
    digest: str
    #: The entry and its warnings, from :func:`cache_record`.
    record: str


class RenderedRow(NamedTuple):
    """What an entry rendered to, as :meth:`Cache.store_rendered_many` stores it."""

    #: The file's name in the entries folder.
    path: str
    #: What it was rendered from (see :func:`feedpub.scan.entry_digest`).
    digest: str
    #: The plain-text title and summary, and the safe HTML (``None``: summaries only).
    title: str
    summary: str
    html: str | None


@dataclass(frozen=True)
class Cached:
    """A parsed entry as the cache holds it."""

    #: The file's content hash.
    digest: str
    #: The entry.
    entry: Entry
    #: Warnings found when it was parsed.
    warnings: tuple[BuildWarning, ...]


class Cache:
    """Parsed entries and rendered HTML of one site."""

    def __init__(self, connection: sqlite3.Connection, site: Site, folder: Path | None) -> None:
        self._db = connection
        self._site = site
        #: Where the cache lives on disk, or ``None`` for a throw-away cache.
        self.folder = folder
        #: Why the cache on disk could not be used, if it could not.
        self.problem: str | None = None
        #: Entries found in the cache by this build.
        self.hits = 0
        self._rows: dict[str, tuple[Any, ...]] | None = None
        self._build_forgotten = False
        self._pending = 0

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, site: Site, *, enabled: bool = True) -> Cache:
        """The site's cache in ``.feedpub-cache/`` beside the output folder; a throw-away one
        when ``enabled`` is false or the folder cannot be used (see :attr:`problem`)."""
        problem = None
        if enabled:
            folder = cache_folder(site)
            try:
                return cls._open_file(site, folder)
            except (OSError, sqlite3.Error) as e:
                # An OSError's own words ("Permission denied"), not Python's "[Errno 13] …: '…'"
                why = e.strerror if isinstance(e, OSError) and e.strerror else e
                problem = f"cannot use the cache in {folder} ({why}); building without it"
        cache = cls._throw_away(site)
        cache.problem = problem
        return cache

    @classmethod
    def _open_file(cls, site: Site, folder: Path) -> Cache:
        make_cache_folder(folder)
        path = folder / "cache.sqlite"
        for attempt in (1, 2):
            connection = _connect(path, site)
            try:
                cache = cls(connection, site, folder)
                cache._prepare()
                return cache
            except sqlite3.DatabaseError as e:
                connection.close()
                if attempt == 2 or _busy(e):  # in use by another program: not damaged
                    raise
                path.unlink(missing_ok=True)  # corrupt or not a database: start again
        raise AssertionError("unreachable")

    @classmethod
    def _throw_away(cls, site: Site) -> Cache:
        # A temporary file, not ':memory:', so that rendered HTML of a huge feed is not all
        # held in memory.
        fd, name = tempfile.mkstemp(prefix="feedpub-", suffix=".sqlite")
        os.close(fd)
        connection = sqlite3.connect(name, isolation_level=None)
        Path(name).unlink()  # the open connection keeps it until closed
        cache = cls(connection, site, None)
        cache._prepare()
        return cache

    def _prepare(self) -> None:
        db = self._db
        # Pages of 64 KiB (for a new file; one made before keeps its own): an entry's rendered
        # HTML (10 KB) fits in one, where pages of 4 KiB chain three or four; storing 10,000
        # entries took a third of the time.
        db.execute("PRAGMA page_size=65536")
        db.execute("PRAGMA journal_mode=WAL" if self.folder else "PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=NORMAL")
        # One transaction that writes from its start (waiting, up to the busy timeout, for
        # another program's to end): a transaction that first read and then writes fails at
        # once, with "database is locked", when someone else wrote in between.
        db.execute("BEGIN IMMEDIATE")
        stamp = _stamp(self._site)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        except sqlite3.OperationalError as e:  # a new file: no tables yet
            if _busy(e):
                raise
            row = None
        if row is None or row[0] != stamp:
            # Another version's cache may have other tables: start from nothing.
            for table in ("entries", "rendered", "spans", "meta"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('stamp', ?)", (stamp,))
            self._commit()  # a fresh cache is there for the next build, even if this one fails

    def _run(self, sql: str, params: Any = (), *, many: bool = False) -> sqlite3.Cursor:
        """Run a statement; a cache that fails (damaged file, lost journal, full disk) is
        dropped for a fresh throw-away one, and the build goes on without it. One that
        another program kept locked for longer than the busy timeout is not damaged: it is
        left as it is, and the build goes on without it."""
        try:
            return self._db.executemany(sql, params) if many else self._db.execute(sql, params)
        except sqlite3.Error as e:
            self._replace(str(e), damaged=not _busy(e))
            return self._db.executemany(sql, params) if many else self._db.execute(sql, params)

    def _replace(self, reason: str, damaged: bool = True) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        if self.folder is not None and damaged:
            for path in self.folder.glob("cache.sqlite*"):
                path.unlink(missing_ok=True)
            self.problem = f"the cache in {self.folder} was damaged ({reason}); it is rebuilt"
        elif self.folder is not None:
            self.problem = (
                f"cannot use the cache in {self.folder} ({reason}: another program kept it "
                f"locked for more than {self._site.lock_timeout:g} s); building without it"
            )
        fresh = self._throw_away(self._site)
        self._db, self.folder, self._rows = fresh._db, None, {}

    def shared_reads(self) -> tuple[Callable[[], None], Callable[[], None]] | None:
        """Commit what this build stored so far, so that other processes see it; ``None``
        for a throw-away cache. Else two functions for forked processes: one to run first,
        to read the cache through a connection of their own (SQLite connections must not
        cross fork()), and one to run in one of them afterwards, to copy the write-ahead log
        into the database file while the others work.

        That copy (a checkpoint), which SQLite otherwise makes at this commit, took a second
        of a full-history build of 10,000 entries: their rendered HTML, 100 MB."""
        if self.folder is None:
            return None
        try:
            self._db.execute("PRAGMA wal_autocheckpoint=0")  # the commit alone, no copy
            self._commit()
        except sqlite3.Error:
            return None
        path = self.folder / "cache.sqlite"

        def reopen() -> None:
            self._inherited = self._db  # the parent's: never used, nor closed, here
            self._db = _connect(path, self._site)
            self.folder = None  # should reading fail here, never delete the parent's files

        def checkpoint() -> None:
            with contextlib.suppress(sqlite3.Error):  # else the last close makes it
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

        return reopen, checkpoint

    def _commit(self) -> None:
        """Commit what is stored so far and go on in a new transaction."""
        self._db.execute("COMMIT")
        self._db.execute("BEGIN IMMEDIATE" if self.folder else "BEGIN")

    def close(self) -> None:
        """Save what this build added, and close."""
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("COMMIT")
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ entries

    def entry(
        self, path: Path, rel: str, size: int, mtime_ns: int, file_digest: str | None
    ) -> Cached | None:
        """The cached entry for the file ``path`` (``rel`` in the entries folder) if its size
        and mtime (or, when given, its content hash) are unchanged."""
        row = self._all_rows().get(rel)
        if row is None:
            return None
        same_stat = row[0] == size and row[1] == mtime_ns
        if not same_stat and (file_digest is None or file_digest != row[2]):
            return None
        try:
            cached = _from_record(path, row[2], row[3])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # unreadable row: parse the file again
        if not same_stat:
            self.restat(rel, size, mtime_ns)
        self.hits += 1
        return cached

    @property
    def empty(self) -> bool:
        """Whether the cache holds no entry at all."""
        return not self._all_rows()

    def has(self, rel: str) -> bool:
        """Whether the cache holds an entry for this path at all."""
        return rel in self._all_rows()

    def _all_rows(self) -> dict[str, tuple[Any, ...]]:
        if self._rows is None:  # one query for all rows: much faster than one per file
            self._rows = {
                r[0]: r[1:]
                for r in self._run("SELECT path, size, mtime_ns, digest, record FROM entries")
            }
        return self._rows

    def store_entries(self, rows: list[EntryRow]) -> None:
        """Remember freshly parsed entries."""
        if rows:
            self._forget_build()
            self._run("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows, many=True)
            self._pending += len(rows)
            if self._pending >= 5000 and self.folder is not None:
                # Commit now and then: one transaction of 100,000 entries made every insert
                # slower (its pages spill to the write-ahead log again and again); the
                # last build's record is gone already, so no half-done state is trusted.
                self._pending = 0
                with contextlib.suppress(sqlite3.Error):
                    self._commit()

    def restat(self, rel: str, size: int, mtime_ns: int) -> None:
        """Record a new size and mtime for an entry whose content hash is unchanged."""
        self._run("UPDATE entries SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, rel))

    def files(self) -> dict[str, tuple[int, int, str]]:
        """Size, mtime and content hash of every cached entry, by path; records not read."""
        return {r[0]: r[1:] for r in self._run("SELECT path, size, mtime_ns, digest FROM entries")}

    def entries(self, paths: Mapping[str, Path], batch: int = 500) -> dict[str, Cached]:
        """The cached entries of ``paths`` (path in the entries folder → file), whatever the
        file's size and mtime; leaves out those not cached or unreadable."""
        found: dict[str, Cached] = {}
        wanted = list(paths)
        for start in range(0, len(wanted), batch):
            part = wanted[start : start + batch]
            marks = ",".join("?" * len(part))
            for rel, file_digest, record in self._run(
                f"SELECT path, digest, record FROM entries WHERE path IN ({marks})", part
            ):
                with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                    found[rel] = _from_record(paths[rel], file_digest, record)
        return found

    def forget_others(self, kept: set[str]) -> None:
        """Drop rows of files that no longer exist."""
        if self._rows is not None:
            known = set(self._rows)
        else:
            known = {r[0] for r in self._run("SELECT path FROM entries")}
        gone = [(path,) for path in known - kept]
        if gone:
            self._forget_build()
        for table in ("entries", "rendered"):
            self._run(f"DELETE FROM {table} WHERE path = ?", gone, many=True)

    def last_build(self) -> dict[str, Any] | None:
        """What the last successful build recorded (see :meth:`save_build`)."""
        row = self._run("SELECT value FROM meta WHERE key = 'last_build'").fetchone()
        try:
            record = json.loads(row[0]) if row else None
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def _forget_build(self) -> None:
        """Drop the last build's record once the entries it was made from change: a build
        that then fails must not leave a record that the next one takes for the cache's."""
        if not self._build_forgotten:
            self._build_forgotten = True
            self._run("DELETE FROM meta WHERE key = 'last_build'")

    def save_build(self, record: dict[str, Any]) -> None:
        """Remember a successful build: what it depended on and what it wrote."""
        self._run("INSERT OR REPLACE INTO meta VALUES ('last_build', ?)", (json.dumps(record),))

    # ------------------------------------------------------------------ rendered HTML

    def rendered_digests(self, paths: list[str] | None = None) -> dict[str, str]:
        """The content hash each rendered row was made from, by path (of ``paths`` only,
        when given: a warm build that renders a few entries need not read them all)."""
        if paths is None:
            return dict(self._run("SELECT path, digest FROM rendered").fetchall())
        found: dict[str, str] = {}
        for start in range(0, len(paths), 500):
            part = paths[start : start + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT path, digest FROM rendered WHERE path IN ({marks})"
            found.update(self._run(sql, part).fetchall())
        return found

    def rendered_many(
        self, wanted: list[tuple[str, str]], batch: int = 200
    ) -> Iterator[tuple[str, str, str | None] | None]:
        """Title, summary and HTML for each (path, content hash) of ``wanted``, in order
        (``None`` where not cached), fetched a batch at a time: memory stays bounded."""
        for start in range(0, len(wanted), batch):
            part = wanted[start : start + batch]
            marks = ",".join("?" * len(part))
            rows = {
                row[0]: row[1:]
                for row in self._run(
                    f"SELECT path, digest, title, summary, html FROM rendered "
                    f"WHERE path IN ({marks})",
                    [rel for rel, _ in part],
                )
            }
            for rel, file_digest in part:
                row = rows.get(rel)
                yield (row[1], row[2], row[3]) if row and row[0] == file_digest else None

    def store_rendered_many(self, rows: list[RenderedRow]) -> None:
        """Remember what entries rendered to."""
        if rows:
            self._run("INSERT OR REPLACE INTO rendered VALUES (?, ?, ?, ?, ?)", rows, many=True)

    # ------------------------------------------------------------------ spans of feed files

    def spans(self, paths: list[str]) -> dict[str, tuple[tuple[int, ...], bytes]]:
        """For each feed file (absolute path) the last build recorded, what the file was then
        (its identity) and where each item is in it (see feedpub/feeds/_splice.py); a row
        that is not such is left out (the file is then written whole)."""
        found: dict[str, tuple[tuple[int, ...], bytes]] = {}
        for start in range(0, len(paths), 500):
            part = paths[start : start + 500]
            marks = ",".join("?" * len(part))
            for path, identity, record in self._run(
                f"SELECT path, identity, record FROM spans WHERE path IN ({marks})", part
            ):
                with contextlib.suppress(ValueError, TypeError):
                    numbers = json.loads(identity)
                    if (
                        isinstance(record, bytes)
                        and isinstance(numbers, list)
                        and all(type(n) is int for n in numbers)
                    ):
                        found[path] = (tuple(numbers), record)
        return found

    def store_spans(self, rows: list[tuple[str, tuple[int, ...], bytes]]) -> None:
        """Remember where each item is in the feed files just written (absolute path, the
        file's identity, the record)."""
        if rows:
            self._run(
                "INSERT OR REPLACE INTO spans VALUES (?, ?, ?)",
                [(path, json.dumps(list(identity)), record) for path, identity, record in rows],
                many=True,
            )

    def forget_spans(self, paths: list[str]) -> None:
        """Forget the records of these feed files (written again without one)."""
        if paths:
            self._run("DELETE FROM spans WHERE path = ?", [(p,) for p in paths], many=True)


def _connect(path: Path, site: Site) -> sqlite3.Connection:
    """A connection to the cache file that waits for another's lock (a build's writing
    processes open their own) as long as a build waits for another build: SQLite's "database
    is locked" means in use, not damaged."""
    return sqlite3.connect(path, timeout=site.lock_timeout, isolation_level=None)


#: SQLite's result codes for a database that another connection holds (SQLITE_BUSY and
#: SQLITE_LOCKED): the file is in use, not damaged.
_BUSY_CODES = (5, 6)


def _busy(error: sqlite3.Error) -> bool:
    """Whether ``error`` says the database is in use by another connection."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _BUSY_CODES  # (extended codes keep the primary in the low byte)
    return "locked" in str(error) or "busy" in str(error)


def cache_record(entry: Entry, warnings: list[BuildWarning]) -> str:
    """An entry and the warnings found in it, as the cache stores them: a JSON array (no
    keys to parse again for every entry of every warm build), read by :func:`_from_record`.

    Encoded by orjson (a cold build makes one for every entry: a fifth of the time json
    takes); by json where orjson refuses a value (an integer beyond 64 bits, say): both
    read back the same."""
    record = [
        [[w.code, w.message, w.line] for w in warnings],
        entry.title,
        entry.date.isoformat(),
        entry.updated.isoformat() if entry.updated else None,
        [[a.name, a.email, a.uri, a.description] for a in entry.authors],
        entry.categories,
        entry.tags,
        entry.summary,
        entry.draft,
        entry.slug,
        entry.link,
        entry.id,
        entry.key_lines,
        entry.body_line,
        _media_record(entry.image) if entry.image else None,
        [_media_record(m) for m in entry.enclosures],
        entry.media_files,
        entry.publish_date.isoformat() if entry.publish_date else None,
        entry.expiry_date.isoformat() if entry.expiry_date else None,
        entry.excerpt_separator,
        entry.terms,
    ]
    try:
        return orjson.dumps(record).decode("utf-8")
    except TypeError:  # (orjson.JSONEncodeError)
        return json.dumps(record, ensure_ascii=False)


#: Authors as decoded from the cache, by their fields (thousands of entries share a few).
_AUTHORS: dict[tuple[Any, ...], Author] = {}


def _author(fields: list[Any]) -> Author:
    key = tuple(fields)
    author = _AUTHORS.get(key)
    if author is None:
        if len(_AUTHORS) > 10_000:  # names that never repeat: stop collecting them
            _AUTHORS.clear()
        author = _AUTHORS[key] = shared(Author(*fields))
    return author


def _from_record(path: Path, file_digest: str, text: str) -> Cached:
    (
        warnings,
        title,
        date,
        updated,
        authors,
        categories,
        tags,
        summary,
        draft,
        slug,
        link,
        entry_id,
        key_lines,
        body_line,
        image,
        enclosures,
        media_files,
        publish_date,
        expiry_date,
        excerpt_separator,
        terms,
    ) = json.loads(text)
    entry = Entry(
        path=path,
        title=str(title),
        date=datetime.fromisoformat(date),
        updated=_instant(updated),
        authors=tuple(_author(a) for a in authors),
        categories=tuple(shared(term) for term in categories),
        tags=tuple(shared(term) for term in tags),
        summary=summary,
        draft=bool(draft),
        slug=str(slug),
        link=str(link),
        id=str(entry_id),
        key_lines=shared(tuple((str(k), int(n)) for k, n in key_lines)),
        body_line=int(body_line),
        image=Media(*image) if image else None,
        enclosures=tuple(Media(*m) for m in enclosures),
        media_files=tuple((str(n), int(size), int(ns)) for n, size, ns in media_files),
        publish_date=_instant(publish_date),
        expiry_date=_instant(expiry_date),
        excerpt_separator=excerpt_separator,
        terms=tuple((str(k), tuple(shared(t) for t in names)) for k, names in terms),
    )
    found = tuple(BuildWarning(str(c), str(message), path, line) for c, message, line in warnings)
    return Cached(file_digest, entry, found)


def _media_record(media: Media) -> list[Any]:
    return [media.url, media.type, media.length, media.title, media.width, media.height]


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
