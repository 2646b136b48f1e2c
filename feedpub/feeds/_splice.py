"""Splicing: a feed file written again from its earlier version's bytes where its items did
not change (issue #18, docs/performance.md).

Every feed file is ``head + item + sep + item + ... + sep + item + tail``: a format's writer
(RSS and Atom through feedgen and lxml, JSON Feed through the json encoder) writes each item
where the others leave it, the same bytes wherever it stands. While it writes a file, a
:class:`Recorder` notes where each item's bytes begin and end, what the item was made from (its
key: the entry file's name and content hash) and a fingerprint of its bytes; that
:class:`Spans` record is kept in the cache with the file's identity (device, inode, size and
modification time, after the build swapped it in).

The next build of that file (:func:`splice`) trusts the record only for the exact file it
describes: the record is whole (its own hash), made for the same feed head settings (format,
address, title, ...: its ``context``), and the file at the output's place is the one recorded
(identity checked on the open file). Each item whose key is unchanged is then copied from the
earlier file (consecutive ones in one range, inside the kernel where the system can), after
checking that the bytes at its recorded place still begin and end as recorded; every other
item -- edited, new, or found changed -- is serialised again by the same writer, which also
makes the head, the separator and the tail, so that no byte comes from anywhere else.
Anything that does not fit takes the full path: the whole file written by the serialiser.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, NamedTuple, Protocol

from .._version import __version__
from ..model import Rendered

_MAGIC = b"feedpub-spans 1\n"
#: One item: its key's hash, where its bytes begin, how many, their fingerprint, whether it
#: has an image (see :attr:`Spans.updated`).
_ITEM = struct.Struct("<16sQQ8s?")
_LENGTH = struct.Struct("<I")
#: How many bytes at each end of an item its fingerprint covers.
_EDGE = 64
#: The key hash of an item whose entry's hash was not known: it matches none.
_NO_KEY = b"\0" * 16
#: More items to serialise again than this share of the feed: the full path costs no more.
_SPLICE_SHARE = 0.25


class Previous(NamedTuple):
    """What the last build recorded of a feed file: what the file was, and its spans."""

    #: The file's identity when recorded (see ``feedpub.pipeline._output.file_identity``).
    identity: tuple[int, ...]
    #: The :class:`Spans` record, as bytes.
    record: bytes


class Written(NamedTuple):
    """What a feed writer made of its file (returned to the write stage)."""

    #: The :class:`Spans` of the file written, as bytes.
    record: bytes
    #: True: nothing was written, the earlier file holds exactly these bytes (keep it);
    #: False: the file differs from the earlier one; None: not known.
    kept: bool | None = None


class _Source(Protocol):
    """The earlier version of a file (see ``feedpub.pipeline._output.Earlier``)."""

    size: int

    def read(self, offset: int, length: int) -> bytes: ...


class _Item(NamedTuple):
    key: bytes
    start: int
    length: int
    print: bytes
    #: Whether its entry has an image.
    image: bool = False


def item_key(name: str, digest: str) -> str | None:
    """What a feed item is made from: its entry file's name and content hash (``None``
    when the hash is not known: such an item is never taken from an earlier file)."""
    return f"{name}\0{digest}" if digest else None


def _key_hash(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _fingerprint(first: bytes, last: bytes, length: int) -> bytes:
    data = first + last + length.to_bytes(8, "little")
    return hashlib.blake2b(data, digest_size=8).digest()


def context(kind: str, feed: Any, self_url: str) -> str:
    """What every item's bytes in a file depend on besides the item itself: the format,
    the file's address and the feed's head values (the namespaces declared, the depth);
    not the items nor the date of the newest (the head is made again at every splice)."""
    values = [
        kind,
        self_url,
        __version__,
        feed.title,
        feed.description,
        feed.language,
        feed.home_url,
        [[a.name, a.email, a.uri] for a in feed.authors],
        feed.stylesheet,
        feed.media,
        list(feed.hubs),
        [list(link) for link in feed.history],
        feed.archive,
        feed.feed_id,
    ]
    return hashlib.blake2b(json.dumps(values).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Spans:
    """Where each item of a feed file is (see the module's docstring)."""

    #: See :func:`context`.
    context: str
    #: The file's size; where its first item begins and its last ends.
    size: int
    head: int
    tail: int
    items: tuple[_Item, ...]
    #: The feed's date (:attr:`Feed.updated`, ISO 8601): with the items' image flags, what
    #: a later build needs to know of the feed's entries it does not read (see
    #: feedpub/pipeline/_delta.py).
    updated: str = ""

    def to_bytes(self) -> bytes:
        body = b"".join(_ITEM.pack(*item) for item in self.items)
        return _record_bytes(self.context, self.size, self.head, self.tail, self.updated, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Spans | None:
        """The record in ``data``, or ``None`` when it is not one, damaged or inconsistent."""
        try:
            if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 4 + 16:
                return None
            body, check = data[:-16], data[-16:]
            if hashlib.blake2b(body, digest_size=16).digest() != check:
                return None
            (length,) = _LENGTH.unpack_from(body, len(_MAGIC))
            start = len(_MAGIC) + 4
            header = json.loads(body[start : start + length])
            packed = body[start + length :]
            if len(packed) % _ITEM.size:
                return None
            items = tuple(map(_Item._make, _ITEM.iter_unpack(packed)))
            spans = cls(
                _text(header["context"]),
                _count(header["size"]),
                _count(header["head"]),
                _count(header["tail"]),
                items,
                _text(header["updated"]),
            )
        except (ValueError, KeyError, TypeError, struct.error):
            return None
        return spans if spans._consistent() else None

    def _consistent(self) -> bool:
        """Whether the items are in order, apart, and inside the file."""
        if not self.items:
            return False
        end = self.head
        for item in self.items:
            if item.start < end or item.length <= 0:
                return False
            end = item.start + item.length
        return self.items[0].start == self.head and end == self.tail <= self.size


def _record_bytes(
    context: str, size: int, head: int, tail: int, updated: str, body: bytes | bytearray
) -> bytes:
    """A :class:`Spans` record as bytes, its items packed in ``body``."""
    header = json.dumps(
        {"context": context, "size": size, "head": head, "tail": tail, "updated": updated}
    ).encode()
    data = _MAGIC + _LENGTH.pack(len(header)) + header + body
    return data + hashlib.blake2b(data, digest_size=16).digest()


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError(value)
    return value


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise TypeError(value)
    return value


class Recorder:
    """A binary file that notes where each item a writer writes begins and ends (the writer
    calls :meth:`start` and :meth:`end` around each, with everything before it written)."""

    def __init__(
        self,
        handle: BinaryIO,
        keys: Iterable[str | None] = (),
        images: Sequence[bool] = (),
    ) -> None:
        self._handle = handle
        self._keys = iter(keys)
        self._images = images
        self.size = 0
        self._start: int | None = None
        self._first = b""
        self._last = b""
        #: Where each item began and how long it was, with its key's hash and fingerprint,
        #: packed as in the record: as tuples, 100,000 items took 15 MB while written.
        self._packed = bytearray()
        self.count = 0
        self._head = self._tail = 0

    @property
    def items(self) -> list[_Item]:
        """The items written so far."""
        return list(map(_Item._make, _ITEM.iter_unpack(self._packed)))

    def write(self, data: bytes) -> int:
        self._handle.write(data)
        self.size += len(data)
        if self._start is not None and data:
            if len(self._first) < _EDGE:
                self._first += bytes(data[: _EDGE - len(self._first)])
            self._last = (self._last + bytes(data[-_EDGE:]))[-_EDGE:]
        return len(data)

    def start(self) -> None:
        self._start = self.size
        self._first = self._last = b""

    def end(self) -> None:
        start, self._start = self._start, None
        if start is None:
            raise AssertionError("an item ended that did not begin")
        length = self.size - start
        hashed = _hashed(next(self._keys, None))
        print_ = _fingerprint(self._first, self._last, length)
        image = self._images[self.count] if len(self._images) > self.count else False
        self._packed += _ITEM.pack(hashed, start, length, print_, image)
        if not self.count:
            self._head = start
        self._tail = start + length
        self.count += 1

    def record(self, context: str, updated: str) -> bytes | None:
        """The :class:`Spans` record of the file written, as bytes (``None``: no item)."""
        if not self.count:
            return None
        return _record_bytes(context, self.size, self._head, self._tail, updated, self._packed)


#: A format's serialiser: writes ``feed`` (published at the URL) with the items given, to a
#: file, calling the recorder's start() and end() around each item.
Serialise = Callable[[Any, str, Iterable[Rendered], Recorder], None]


def write_feed(
    kind: str,
    serialise: Serialise,
    feed: Any,
    self_url: str,
    handle: BinaryIO,
    previous: Previous | None,
) -> Written | None:
    """Write ``feed`` to ``handle``: spliced from the earlier file when ``previous`` allows
    (see :func:`splice`), else whole; what it made of the file when ``feed`` has item keys
    (else ``None``: nothing is recorded)."""
    where = context(kind, feed, self_url)
    if previous is not None and feed.keys is not None and feed.pick is not None:
        written = splice(serialise, feed, self_url, handle, previous, where)
        if written is not None:
            return written
    if feed.keys is None:
        serialise(feed, self_url, feed.items(), Recorder(handle))
        return None
    images: list[bool] = []
    recorder = Recorder(handle, feed.keys, images)
    serialise(feed, self_url, _noting_images(feed.items(), images), recorder)
    record = recorder.record(where, feed.updated.isoformat())
    return Written(record) if record is not None else None


def _noting_images(items: Iterable[Rendered], images: list[bool]) -> Iterator[Rendered]:
    for item in items:
        images.append(item.entry.image is not None)
        yield item


def splice(
    serialise: Serialise,
    feed: Any,
    self_url: str,
    handle: Any,
    previous: Previous,
    where: str,
) -> Written | None:
    """Write ``feed`` from the earlier file's bytes where its items did not change (see the
    module's docstring); ``None`` (nothing written) when that cannot be done."""
    old = Spans.from_bytes(previous.record)
    keys: Sequence[str | None] = feed.keys
    if old is None or old.context != where or not keys or not hasattr(handle, "previous"):
        return None
    source = handle.previous(previous.identity)
    if source is None or source.size != old.size:
        return None
    mapping = _mapping(old, keys, source)
    if mapping is None:
        return None
    changed = [i for i, j in enumerate(mapping) if j is None]
    if len(changed) > _SPLICE_SHARE * len(keys):
        return None  # mostly new: the full path is as fast, and holds less
    # Head, separator and tail, from the serialiser: with the changed items, or one to copy.
    sample = changed or [0]
    picked = list(feed.pick(sample))
    if len(picked) != len(sample):
        return None
    made, pieces = _serialised(serialise, feed, self_url, picked, len(keys) > 1)
    new = {i: made[n] for n, i in enumerate(changed)}
    if _unchanged(old, source, mapping, new, pieces):
        # The same bytes as the earlier file (an edit that changes no item): it is kept.
        images = {i: picked[n].entry.image is not None for n, i in enumerate(changed)}
        items = tuple(
            item._replace(key=_hashed(key), image=images.get(i, item.image))
            for i, (item, key) in enumerate(zip(old.items, keys, strict=True))
        )
        updated = feed.updated.isoformat()
        return Written(replace(old, items=items, updated=updated).to_bytes(), kept=True)
    images = {i: picked[n].entry.image is not None for n, i in enumerate(changed)}
    spans = _assemble(handle, source, old, mapping, new, keys, images, pieces)
    return Written(
        replace(spans, context=where, updated=feed.updated.isoformat()).to_bytes(), False
    )


def _unchanged(
    old: Spans,
    source: _Source,
    mapping: list[int | None],
    new: dict[int, bytes],
    pieces: tuple[bytes, bytes, bytes],
) -> bool:
    """Whether the new file would be the earlier one, byte for byte."""
    head, _, tail = pieces
    if len(mapping) != len(old.items) or any(j not in (i, None) for i, j in enumerate(mapping)):
        return False
    for i, data in new.items():
        item = old.items[i]
        if len(data) != item.length or source.read(item.start, item.length) != data:
            return False
    return head == source.read(0, old.head) and tail == source.read(old.tail, old.size - old.tail)


def _hashes(keys: Iterable[str | None]) -> list[bytes]:
    """Each key's hash (see :func:`_hashed`), in one pass."""
    blake2b = hashlib.blake2b
    return [
        blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if key is not None
        else _NO_KEY
        for key in keys
    ]


def _twice(old: Spans) -> bool:
    """Whether an item's key (other than :data:`_NO_KEY`) is in the record twice."""
    seen: set[bytes] = set()
    for item in old.items:
        if item.key != _NO_KEY:
            if item.key in seen:
                return True
            seen.add(item.key)
    return False


def _hashed(key: str | None) -> bytes:
    """A key's hash; an item without one (its entry's hash unknown) gets one no item has."""
    return _key_hash(key) if key is not None else _NO_KEY


def _mapping(old: Spans, keys: Sequence[str | None], source: _Source) -> list[int | None] | None:
    """For each item of the new file, the earlier item (index) whose bytes it reuses, or
    ``None`` to serialise it again: no earlier item of that key, or one whose bytes at its
    recorded place do not begin and end as recorded. ``None`` for a record with an item
    twice."""
    where = {item.key: index for index, item in enumerate(old.items)}
    unknown = where.pop(_NO_KEY, None) is not None
    if len(where) + unknown < len(old.items) and _twice(old):
        return None
    mapping = [where.get(hashed) for hashed in _hashes(keys)]
    # Cut only where the bytes are cut: at both ends of each run of earlier items copied at
    # once. (The items inside a run are copied with it, whatever their own recorded place:
    # what they are is the file's identity's and the record's own hash's to vouch for.)
    while True:
        ends = _run_ends(mapping)
        damaged = _damaged(old, sorted(ends), source)
        if not damaged:
            return mapping
        mapping = [None if j in damaged else j for j in mapping]


def _run_ends(mapping: list[int | None]) -> set[int]:
    """The earlier items at the beginning or the end of a run (consecutive earlier items
    that follow each other in the new file)."""
    ends: set[int] = set()
    previous: int | None = None
    for j in mapping:
        if j is not None and (previous is None or j != previous + 1):
            ends.add(j)  # a run begins
            if previous is not None:
                ends.add(previous)  # (and the one before ends)
        elif j is None and previous is not None:
            ends.add(previous)
        previous = j
    if previous is not None:
        ends.add(previous)
    return ends


def _damaged(old: Spans, used: list[int], source: _Source) -> set[int]:
    """The earlier items (of ``used``, in order) whose bytes at their recorded place do not
    begin and end as recorded."""
    found = set()
    for j in used:
        item = old.items[j]
        edge = min(_EDGE, item.length)
        first = source.read(item.start, edge)
        last = source.read(item.start + item.length - edge, edge)
        if _fingerprint(first, last, item.length) != item.print:
            found.add(j)
    return found


def _serialised(
    serialise: Serialise, feed: Any, self_url: str, picked: list[Rendered], several: bool
) -> tuple[list[bytes], tuple[bytes, bytes, bytes]]:
    """The bytes of the ``picked`` items, and the head, separator and tail of ``feed``, made
    by ``serialise`` writing the feed with those items (the last twice, for the separator,
    when there is one item and the feed has ``several``)."""
    items = picked + picked[-1:] if several and len(picked) == 1 else picked
    buffer = io.BytesIO()
    recorder = Recorder(buffer)
    serialise(replace(feed, items=lambda: iter(items)), self_url, items, recorder)
    data = buffer.getvalue()
    spans = recorder.items
    made = [data[s.start : s.start + s.length] for s in spans[: len(picked)]]
    first, last = spans[0], spans[-1]
    separator = b""
    if len(spans) > 1:
        separator = data[first.start + first.length : spans[1].start]
    return made, (data[: first.start], separator, data[last.start + last.length :])


def _assemble(
    handle: Any,
    source: Any,
    old: Spans,
    mapping: list[int | None],
    new: dict[int, bytes],
    keys: Sequence[str | None],
    images: dict[int, bool],
    pieces: tuple[bytes, bytes, bytes],
) -> Spans:
    """Write the new file: the head, then each item (runs of consecutive earlier items
    copied at once, the others' new bytes) with the separator between, then the tail."""
    head, separator, tail = pieces
    items: list[_Item] = []
    handle.write(head)
    size = len(head)
    run: list[int] = []  # earlier items being copied, consecutive, not written yet
    run_start = 0  # where the run begins in the new file

    def copy_run() -> None:
        if run:
            first, last = old.items[run[0]], old.items[run[-1]]
            handle.copy(source, first.start, last.start + last.length - first.start)

    for i, j in enumerate(mapping):
        if j is not None and run and j == run[-1] + 1:
            run.append(j)  # the separator before it is copied with it
            item = old.items[j]
            start = run_start + item.start - old.items[run[0]].start
            items.append(_Item(item.key, start, item.length, item.print, item.image))
            continue
        if run:
            last = old.items[run[-1]]
            size = run_start + last.start + last.length - old.items[run[0]].start
            copy_run()
            run = []
        if i:
            handle.write(separator)
            size += len(separator)
        if j is not None:
            run, run_start = [j], size
            items.append(old.items[j]._replace(start=size))
        else:
            data = new[i]
            handle.write(data)
            hashed = _hashed(keys[i])
            edge = min(_EDGE, len(data))
            print_ = _fingerprint(data[:edge], data[len(data) - edge :], len(data))
            items.append(_Item(hashed, size, len(data), print_, images[i]))
            size += len(data)
    if run:
        last = old.items[run[-1]]
        size = run_start + last.start + last.length - old.items[run[0]].start
        copy_run()
    handle.write(tail)
    size += len(tail)
    end = items[-1].start + items[-1].length
    return Spans(old.context, size, items[0].start, end, tuple(items))


def pick_all(items: Callable[[], Iterator[Rendered]]) -> Callable[[Sequence[int]], list[Rendered]]:
    """A ``pick`` for a feed whose items are all at hand (tests, small feeds)."""

    def pick(positions: Sequence[int]) -> list[Rendered]:
        wanted = set(positions)
        return [item for i, item in enumerate(items()) if i in wanted]

    return pick


def recorded_feed(record: bytes, keys: Sequence[str | None]) -> tuple[str, tuple[bool, ...]] | None:
    """What the file ``record`` describes says of its feed's entries: the feed's date (ISO
    8601) and whether each item's entry has an image; ``None`` unless the record is whole
    and its items are those of ``keys``, in that order (a ``None`` key: any item)."""
    spans = Spans.from_bytes(record)
    if spans is None or not spans.updated or len(spans.items) != len(keys):
        return None
    for item, key, hashed in zip(spans.items, keys, _hashes(keys), strict=True):
        if key is not None and item.key != hashed:
            return None
    return spans.updated, tuple(item.image for item in spans.items)
