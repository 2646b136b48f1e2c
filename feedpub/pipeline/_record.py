"""What a build leaves for the next: the manifest in the output folder (each entry's id and
link, the files feedpub wrote), the build record in the cache, which output files are feedpub's,
and whether the last build's outputs are still current.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import orjson

from ..cache import digest, save_unannounced, unannounced
from ..errors import BuildErrors, BuildWarning, OutputError
from ..files import relative_name
from ..media import unchanged as media_unchanged
from ..model import (
    ATOM_NAME,
    JSON_NAME,
    MANIFEST_NAME,
    RSS_NAME,
    Entry,
    FeedPlan,
    LocalFile,
    Scan,
    Site,
)
from ..plan import current_time, subscribable
from ._output import Content, NotOurs, Sharing, write_outputs

if TYPE_CHECKING:
    from ..cache import Cache


def manifest(
    site: Site,
    entries: tuple[Entry, ...],
    outputs: list[str],
    index_html: str | None = None,
    archives: dict[str, str] | None = None,
    names: Mapping[Path, str] | None = None,
) -> Content:
    """The manifest of this build: each entry file (relative to the entries folder, as in
    ``names`` when given) → id and link, and the output files it wrote (so a feed no longer
    made is removed next time). Written as it is encoded (see :func:`manifest_chunks`)."""
    name = names.__getitem__ if names else partial(relative_name, site.entries)
    data = {
        "feedpub_manifest": 1,
        "entries": sorted((name(e.path), e) for e in entries),
        "outputs": sorted(outputs),
        # The hash of the index.html written, so that a page someone else put in its place
        # is recognised and never overwritten.
        "index_html": index_html,
        # The entries of each full archive document (a hash of their ids), see archive_changes.
        "archives": archives or {},
    }

    def write(handle: BinaryIO) -> None:
        for chunk in manifest_chunks(data):
            handle.write(chunk.encode())

    return write


def manifest_bytes(data: dict[str, Any]) -> bytes:
    """The manifest file's bytes for ``data`` (see :func:`manifest_chunks`)."""
    return "".join(manifest_chunks(data)).encode()


def manifest_chunks(data: dict[str, Any]) -> Iterator[str]:
    """The manifest file's text for ``data``, a thousand entries at a time; its ``entries``
    a mapping (name → record, as read from the file) or (name, :class:`Entry`) pairs.

    A site of 100,000 entries never holds the whole text, nor a record for each entry, at
    once (they took 60 MB). No indent: the C encoder is much faster, and nobody needs to
    read this file."""
    entries = data.get("entries", {})
    if isinstance(entries, Mapping):
        pairs = iter(entries.items())
    else:
        pairs = ((rel, {"id": e.id, "link": e.link}) for rel, e in entries)
    yield '{"entries": {'
    separator = ""
    while batch := dict(islice(pairs, 1000)):
        yield separator + json.dumps(batch, ensure_ascii=False)[1:-1]  # without its braces
        separator = ", "
    rest = json.dumps({k: v for k, v in data.items() if k != "entries"}, ensure_ascii=False)
    yield "}" + (", " + rest[1:] if rest != "{}" else "}") + "\n"


class RawManifest(NamedTuple):
    """The manifest as :func:`manifest_chunks` wrote it, its entries left as text (see
    :func:`raw_manifest`): a warm build that changes one value of it, or adds an entry or
    two, need not read and write again a record for every entry (2.4 MB at 10,000)."""

    #: The text of the entries' records, between ``{"entries": {`` and the ``}`` that
    #: closes them (UTF-8).
    entries: bytes
    #: The manifest's other values, in their order.
    rest: dict[str, Any]
    #: How many entries it holds.
    held: int


_ENTRIES_OPEN = b'{"entries": {'
_REST = b'}, "feedpub_manifest": '
_RECORD = b'{"id": '
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def raw_manifest(site: Site) -> RawManifest | None:
    """The manifest in the output folder as :func:`manifest_chunks` writes it, or ``None``
    when it is not such (missing, another layout: read it with :func:`read_manifest`).

    Only a manifest the last build left as it was is read so (its size and time are in the
    build's record): its entries' text is made by the JSON encoder, in which a ``"`` inside a
    string is always escaped, so the markers looked for below are never inside a string."""
    try:
        data = (site.output / MANIFEST_NAME).read_bytes()
    except OSError:
        return None
    end = data.rfind(_REST)
    if not data.startswith(_ENTRIES_OPEN) or end < len(_ENTRIES_OPEN) or not data.endswith(b"}\n"):
        return None
    try:
        rest = json.loads(b"{" + data[end + 3 :])
    except ValueError:
        return None
    if not isinstance(rest, dict) or list(rest) != [*_REST_KEYS]:
        return None
    entries = data[len(_ENTRIES_OPEN) : end]
    return RawManifest(entries, rest, entries.count(_RECORD))


_REST_KEYS = ("feedpub_manifest", "outputs", "index_html", "archives")


def raw_ids_unique(raw: RawManifest, added: Mapping[str, tuple[str, str]]) -> bool:
    """Whether each new entry's id and link (``added``: name → id and link) are unlike every
    other's (as :func:`feedpub.pipeline._decide.new_ids_unique` says of a manifest read)."""
    ids: set[str] = set()
    links: set[str] = set()
    for entry_id, link in added.values():
        if entry_id in ids or link in links:
            return False
        ids.add(entry_id)
        links.add(link)
        if _RECORD + _json(entry_id) + b', "link": ' in raw.entries:
            return False
        if b', "link": ' + _json(link) + b"}" in raw.entries:
            return False
    return True


def raw_with_entries(
    raw: RawManifest, names: list[str], added: Mapping[str, tuple[str, str]]
) -> RawManifest | None:
    """``raw`` with the records of the ``added`` entries (name → id and link) in their
    places among the entries named ``names`` (sorted: those ``raw`` holds); ``None`` when a
    place cannot be found."""
    text = raw.entries
    names = list(names)
    for name in sorted(added):
        entry_id, link = added[name]
        record = _json(name) + b": " + _RECORD + _json(entry_id) + b', "link": ' + _json(link)
        record += b"}"
        place = bisect.bisect_left(names, name)
        if place < len(names) and names[place] == name:
            return None
        if place == 0:
            text = record + (b", " + text if text else b"")
        else:
            before = (b", " if place > 1 else b"") + _json(names[place - 1]) + b": " + _RECORD
            at = text.find(before) if place > 1 else (0 if text.startswith(before) else -1)
            end = _record_end(text, at + len(before) - len(_RECORD)) if at >= 0 else None
            if end is None:
                return None
            text = text[:end] + b", " + record + text[end:]
        names.insert(place, name)
    return raw._replace(entries=text, held=raw.held + len(added))


def _record_end(text: bytes, start: int) -> int | None:
    """Where the record ``{"id": "...", "link": "..."}`` that begins at ``start`` ends."""
    at = start + len(_RECORD)
    found = _STRING.match(text, at)
    if found is None or not text.startswith(b', "link": ', found.end()):
        return None
    found = _STRING.match(text, found.end() + len(b', "link": '))
    if found is None or text[found.end() : found.end() + 1] != b"}":
        return None
    return found.end() + 1


def raw_manifest_bytes(raw: RawManifest) -> bytes:
    """The manifest file's bytes (those :func:`manifest_chunks` makes of the same values)."""
    rest = json.dumps(raw.rest, ensure_ascii=False).encode()
    return _ENTRIES_OPEN + raw.entries + b"}, " + rest[1:] + b"\n"


def _json(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode()


def full_archives(site: Site, plans: list[FeedPlan]) -> dict[str, str]:
    """Each full archive document's folder → a hash of the ids of its entries."""
    return {
        plan.folder: digest(json.dumps([e.id for e in plan.entries]).encode())
        for plan in plans
        if plan.archive and len(plan.entries) == site.archive_size
    }


def archive_changes(site: Site, plans: list[FeedPlan]) -> list[BuildWarning]:
    """Archive documents that were full at the last build and now hold other entries: readers
    and caches take a full one never to change, so they may miss what did."""
    before = read_manifest(site).get("archives")
    if not isinstance(before, dict):
        return []
    now = full_archives(site, plans)
    return [
        BuildWarning(
            "FP212",
            f"archive document {folder.split('/')[1]} now holds other entries than the last "
            "build's (an entry dated before its newest was added or removed, or had its date "
            "changed); readers that fetched it before may not see that. Date new entries "
            "after the archived ones",
            site.output / folder,
        )
        for folder, hashed in sorted(before.items())
        if now.get(folder) != hashed
    ]


def previous_outputs(site: Site) -> list[str]:
    """The output files the last build wrote, from its manifest."""
    try:
        names = json.loads((site.output / MANIFEST_NAME).read_bytes())["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def id_changes(
    site: Site, entries: tuple[Entry, ...], names: Mapping[Path, str] | None = None
) -> list[BuildWarning]:
    """Entries whose id differs from the last build's manifest (readers would see them as new);
    ``names``: each entry file's name in the entries folder, when known."""
    try:
        old = json.loads((site.output / MANIFEST_NAME).read_bytes())["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest yet, or one we cannot read: nothing to compare with
    if not isinstance(old, dict):
        return []
    warnings = []
    now = current_time()
    name = names.__getitem__ if names else partial(relative_name, site.entries)
    named = {e.path: name(e.path) for e in entries}
    arrived = []
    for e in entries:
        if e.draft or e.date > now:  # readers have not seen it: its id may change freely
            continue
        record = old.get(named[e.path])
        if record is None:
            arrived.append(e)
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
    return warnings + _renamed(site, old, entries, set(named.values()), arrived)


def _renamed(
    site: Site, old: dict[str, Any], entries: tuple[Entry, ...], now: set[str], arrived: list[Entry]
) -> list[BuildWarning]:
    """Entry files that are gone while new ones came: a renamed file (another slug) gets a new
    id, which readers show again as new, unless it keeps the old one with 'id:'."""
    ids = {e.id for e in entries}
    gone = [
        (name, record["id"])
        for name, record in old.items()
        if name not in now and isinstance(record, dict) and record.get("id") not in (None, *ids)
    ]
    if not gone or not arrived:
        return []
    if len(gone) == 1 and len(arrived) == 1:
        (name, old_id), entry = gone[0], arrived[0]
        return [
            BuildWarning(
                "FP208",
                f"{name} is gone and this entry is new: if it was renamed, its id changed "
                f"({old_id} → {entry.id}) and feed readers will show it again as new. To keep "
                f"the old id, add 'id: {old_id}' to its front matter",
                entry.path,
                entry.line_of("id", "slug", "title"),
            )
        ]
    return [
        BuildWarning(
            "FP208",
            f"is gone while new entry files appeared; if it was renamed, its id changed and "
            f"feed readers will show it again as new: add 'id: {old_id}' to the renamed file",
            site.entries / name,
        )
        for name, old_id in gone
    ]


def note_unannounced(site: Site, written: list[Path], plans: list[FeedPlan]) -> None:
    """For 'feedpub ping': add the feeds among ``written`` to those changed since the hubs
    were last told."""
    if not site.hubs:
        return
    target = site.output.resolve()
    changed = {path.relative_to(target).as_posix() for path in written}
    fresh = changed & set(subscribable(plans))
    before = unannounced(site)
    if fresh or before is None:
        save_unannounced(site, fresh | set(before or ()))


def is_ours(page: Path, recorded: object) -> bool:
    """Whether ``page`` holds exactly what the last build wrote (its hash is in the manifest)."""
    try:
        return isinstance(recorded, str) and digest(page.read_bytes()) == recorded
    except OSError:
        return False


#: What builds wrote before the manifest listed its outputs (it then held only the entries).
_LISTED_LATER = (RSS_NAME, ATOM_NAME, JSON_NAME)


def owned_outputs(site: Site, last: BuildRecord | None) -> tuple[set[str], bool]:
    """The names of the files in the output folder that feedpub wrote, and whether it holds
    a manifest: what the manifest lists (and the manifest itself), and the files that are as
    the ``last`` build (from the cache) left them."""
    data = read_manifest(site)
    found = "feedpub_manifest" in data
    owned: set[str] = set()
    if found:
        listed = data.get("outputs")
        if isinstance(listed, list):
            owned = {MANIFEST_NAME, *(name for name in listed if isinstance(name, str))}
        else:  # an early manifest: the main feeds were all a build wrote
            owned = {MANIFEST_NAME, *_LISTED_LATER}
    if last is not None:
        owned |= {name for name in last.outputs if same_stat(site, name, last.outputs)}
    return owned, found


class _Owned:
    """:func:`owned_outputs` as a container, asked only about files in a build's way: a file
    as the last build left it is known from the cache, and the manifest (large for a large
    site) is read only for the others."""

    def __init__(self, site: Site, last: BuildRecord | None) -> None:
        self._site = site
        self._last = last
        self._owned: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        last = self._last
        if isinstance(name, str) and last is not None and same_stat(self._site, name, last.outputs):
            return True
        if self._owned is None:
            self._owned = owned_outputs(self._site, None)[0]
        return name in self._owned


def write_site(
    site: Site,
    outputs: Mapping[str, Content | None],
    last: BuildRecord | None,
    remove: Iterable[str] = (),
    sharing: Sharing | None = None,
    made: dict[str, Any] | None = None,
) -> tuple[list[Path], list[Path]]:
    """:func:`write_outputs` into the output folder, refusing to replace a file feedpub did
    not write (:class:`BuildErrors`, one line per file; then nothing was written)."""
    try:
        return write_outputs(
            site.output,
            outputs,
            remove=remove,
            sharing=sharing,
            owned=_Owned(site, last),
            made=made,
        )
    except NotOurs as e:
        found = owned_outputs(site, None)[1]
        raise BuildErrors(
            OutputError(_not_ours(site, name, found), site.output / name) for name in e.names
        ) from None


def _not_ours(site: Site, name: str, manifest_found: bool) -> str:
    fix = "move it away, or choose another output folder (--out)"
    if manifest_found:
        return (
            f"not written by feedpub (the last build's {MANIFEST_NAME} does not list it), "
            f"and this build would replace it; {fix}"
        )
    try:
        with open(site.output / name, "rb") as handle:
            like_ours = b"feedpub" in handle.read(1 << 14)
    except OSError:
        like_ours = False
    record = f"the output folder has no {MANIFEST_NAME}, feedpub's record of what it wrote there"
    if like_ours:
        return (
            f"looks like an earlier feedpub build's, but {record} (was it deleted?), so it "
            "cannot be told from a file of yours, and this build would replace it; if feedpub "
            f"wrote it, delete it and build again, else {fix}"
        )
    return f"not written by feedpub ({record}), and this build would replace it; {fix}"


def read_manifest(site: Site) -> dict[str, Any]:
    try:
        data = json.loads((site.output / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def all_feed_keys(site: Site, plans: list[FeedPlan], scanned: Scan) -> dict[str, str]:
    """For each feed file, a key that changes whenever its bytes could: the settings, the
    feed's title, and the name and content hash of every entry it carries."""
    newest = max((e.modified for e in scanned.entries), default=None)
    keys = {}
    for plan in plans:
        carried = [*plan.entries, *(t.page for t in plan.terms or () if t.page is not None)]
        carried_entries = [(scanned.names[e.path], scanned.digests[e.path]) for e in carried]
        empty = None if plan.entries else str(newest)  # an empty feed takes the newest date
        keys.update(feed_keys(site, plan, carried_entries, empty))
    return keys


def feed_keys(
    site: Site, plan: FeedPlan, carried_entries: list[tuple[str, str]], empty: str | None = None
) -> dict[str, str]:
    """The key of each file of one feed (see :func:`all_feed_keys`): ``carried_entries`` are
    the name and content hash of each entry it carries."""
    parts: list[Any] = [str(site), plan.title, carried_entries, empty, plan.history]
    if plan.terms is not None:  # a term-list feed: its items
        parts += [[t.title, t.link, t.id, t.date.isoformat()] for t in plan.terms], plan.description
    try:
        # (orjson: a feed of every entry lists 10,000 of them here; json took 10 ms of every
        # warm build that writes the feed again)
        encoded = orjson.dumps(parts)
    except TypeError:  # (a value orjson refuses: a path that is no valid UTF-8, say)
        encoded = json.dumps(parts).encode()
    key = digest(encoded)
    return dict.fromkeys(plan.names, key)


def same_stat(site: Site, name: str, stats: Mapping[str, tuple[int, int]]) -> bool:
    try:
        return file_stat(site.output / name) == stats.get(name)
    except OSError:
        return False


def file_stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


# --------------------------------------------------------------------------- the build record


class RecordedFeed(NamedTuple):
    """One feed (or archive document) as a build made it: what a delta build starts from."""

    #: Its folder in the output folder, "" for the main feed.
    folder: str
    #: Its title.
    title: str
    #: The entries it carries, newest first, by file name in the entries folder.
    entries: tuple[str, ...]


@dataclass(frozen=True)
class BuildRecord:
    """What a successful build leaves in the cache for the next one (see :func:`read_record`
    and :func:`save_record`): what it depended on, what it wrote, and what it said."""

    #: A hash of the settings, the flags and every entry file's name, size and time: the same
    #: key and untouched outputs mean nothing changed.
    key: str
    #: The first moment an entry comes due or expires after the build, if any.
    horizon: datetime | None
    #: Each output file written (name in the output folder) → its size and time (ns) then.
    outputs: Mapping[str, tuple[int, int]]
    #: The local image and enclosure files of the entries, with their size and time then.
    media: tuple[LocalFile, ...]
    #: Each feed file → the key of what it was made from (see :func:`all_feed_keys`).
    feeds: Mapping[str, str]
    #: A hash of the settings and the flags alone.
    settings: str
    #: Every feed and archive document, in the order they were planned.
    plans: tuple[RecordedFeed, ...]
    #: Entry files read.
    scanned: int
    #: Entries published (see :attr:`feedpub.model.BuildResult.published`).
    published: int
    #: The warnings about entry files found reading them, in the listing's order.
    warnings: tuple[BuildWarning, ...]
    #: What :func:`feedpub.pipeline._verify.check_written` said, by ``entry:`` or ``feed:`` and
    #: a name; only the keys that had warnings.
    checked: Mapping[str, tuple[BuildWarning, ...]]


def read_record(store: Cache) -> BuildRecord | None:
    """The last successful build's record, checked field by field; ``None`` when there is
    none, or it is damaged or another version's: then nothing of it is trusted."""
    data = store.last_build()
    if data is None:
        return None
    try:
        return _decoded(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def save_record(store: Cache, record: BuildRecord) -> None:
    """Keep ``record`` in the cache for the next build, as the JSON :func:`read_record` reads
    (its keys and values in this order: earlier caches are read as they are)."""
    store.save_build(
        {
            "key": record.key,
            "horizon": record.horizon.isoformat() if record.horizon else None,
            "outputs": {name: list(stat) for name, stat in record.outputs.items()},
            "media": [list(file) for file in record.media],
            "feeds": dict(record.feeds),
            "settings": record.settings,
            "plans": [[p.folder, p.title, list(p.entries)] for p in record.plans],
            "scanned": record.scanned,
            "published": record.published,
            "warnings": [w.record() for w in record.warnings],
            "checked": {key: [w.record() for w in found] for key, found in record.checked.items()},
        }
    )


def _decoded(data: dict[str, Any]) -> BuildRecord:
    """The record in ``data`` (as :func:`save_record` wrote it); raises ``KeyError``,
    ``TypeError`` or ``ValueError`` for anything else."""
    if data.keys() != _RECORD_KEYS:
        raise KeyError("not a build record of this version")
    horizon = data["horizon"]
    return BuildRecord(
        key=_text(data["key"]),
        horizon=None if horizon is None else datetime.fromisoformat(_text(horizon)),
        outputs={_text(name): _stat(stat) for name, stat in _mapping(data["outputs"]).items()},
        media=tuple((_text(n), _number(s), _number(t)) for n, s, t in _list(data["media"])),
        feeds={_text(name): _text(key) for name, key in _mapping(data["feeds"]).items()},
        settings=_text(data["settings"]),
        plans=tuple(
            RecordedFeed(_text(folder), _text(title), tuple(_text(n) for n in _list(names)))
            for folder, title, names in _list(data["plans"])
        ),
        scanned=_number(data["scanned"]),
        published=_number(data["published"]),
        warnings=_warnings(data["warnings"]),
        checked={_text(key): _warnings(found) for key, found in _mapping(data["checked"]).items()},
    )


_RECORD_KEYS = {
    *("key", "horizon", "outputs", "media", "feeds", "settings", "plans"),
    *("scanned", "published", "warnings", "checked"),
}


def _warnings(records: object) -> tuple[BuildWarning, ...]:
    found = []
    for code, message, path, line in _list(records):
        if line is not None:
            _number(line)
        found.append(
            BuildWarning(_text(code), _text(message), Path(_text(path)) if path else None, line)
        )
    return tuple(found)


def _stat(value: object) -> tuple[int, int]:
    size, mtime_ns = _list(value)
    return _number(size), _number(mtime_ns)


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError(value)
    return value


def _number(value: object) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise TypeError(value)
    return value


def _mapping(value: object) -> dict[Any, Any]:
    if type(value) is not dict:
        raise TypeError(value)
    return value


def checked_warnings(
    names: list[str],
    carried: list[str],
    fresh: Mapping[str, Sequence[BuildWarning]],
    recorded: Mapping[str, tuple[BuildWarning, ...]],
) -> dict[str, tuple[BuildWarning, ...]]:
    """The warnings of :func:`._verify.check_written` for every feed file ``names`` and
    every entry the feeds carry (``carried`` names): ``fresh`` ones for what this build
    checked (what it writes), the last build's (``recorded``, by the same keys) for the
    feeds left as they were and their entries, so that a build says the same whatever it
    rewrites. By key, entries' first, in order, then the feeds'; only keys with warnings
    (what :attr:`BuildRecord.checked` keeps; :func:`flat` gives them in order)."""
    found: dict[str, tuple[BuildWarning, ...]] = {}
    for key in [*(f"entry:{name}" for name in carried), *(f"feed:{name}" for name in names)]:
        warnings = tuple(fresh[key]) if key in fresh else recorded.get(key, ())
        if warnings:
            found[key] = warnings
    return found


def flat(checked: Mapping[str, tuple[BuildWarning, ...]]) -> list[BuildWarning]:
    """The warnings of :func:`checked_warnings`, in order."""
    return [w for found in checked.values() for w in found]


def still_current(site: Site, last: BuildRecord, key: str, now: datetime) -> bool:
    """Whether the last build's outputs are still what this build would write: same inputs
    and settings, no future entry come due since, and the outputs untouched."""
    return (
        last.key == key
        and not come_due(last, now)
        and outputs_untouched(site, last)
        and media_untouched(last)
    )


def come_due(last: BuildRecord, now: datetime) -> bool:
    """Whether an entry's publication or expiry time has come since the ``last`` build."""
    try:
        return last.horizon is not None and last.horizon <= now
    except TypeError:  # (a horizon without a time zone, compared with one with)
        return True


def outputs_untouched(site: Site, last: BuildRecord) -> bool:
    """Whether every output file of the ``last`` build is as it left it."""
    try:
        return all(
            file_stat(site.output / name) == expected for name, expected in last.outputs.items()
        )
    except OSError:
        return False


def media_untouched(last: BuildRecord) -> bool:
    """Whether the local image and enclosure files of the ``last`` build's entries are as
    they were then."""
    return media_unchanged(last.media)
