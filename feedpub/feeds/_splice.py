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
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from operator import add
from typing import Any, BinaryIO, NamedTuple, Protocol

from .._version import __version__
from ..model import Rendered

_MAGIC = b"feedpub-spans 2\n"
#: An item's key hash, and its fingerprint, in bytes (see :class:`Spans`).
_KEY = 16
_PRINT = 8
_LENGTH = struct.Struct("<I")
#: How many bytes at each end of an item its fingerprint covers.
_EDGE = 64
#: The key hash of an item whose entry's hash was not known: it matches none.
_NO_KEY = b"\0" * _KEY
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
    """One item of a :class:`Spans` record, as a row (the record keeps columns)."""

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
    """Where each item of a feed file is (see the module's docstring).

    Kept as columns, each item's values at its index, and in terms that do not change when a
    run of items moves: its length and the bytes between it and the item before (its
    ``gap``), not where it begins. A run of items copied from the earlier file keeps its
    record's values as they were (slices of the earlier record's columns): a splice of a
    feed of many items handles its runs, not each item."""

    #: See :func:`context`.
    context: str
    #: The file's size; where its first item begins and its last ends.
    size: int
    head: int
    tail: int
    #: Each item's key hash (:data:`_KEY` bytes each, one after the other).
    keys: bytes
    #: Each item's length in bytes.
    lengths: tuple[int, ...]
    #: The bytes between each item and the one before (the first: 0, it begins at ``head``).
    gaps: tuple[int, ...]
    #: Each item's fingerprint (:data:`_PRINT` bytes each).
    prints: bytes
    #: Whether each item's entry has an image (a byte each, 0 or 1): with the feed's date
    #: (:attr:`updated`), what a later build needs to know of the feed's entries it does
    #: not read (see feedpub/pipeline/_delta.py).
    images: bytes
    #: The feed's date (:attr:`Feed.updated`, ISO 8601).
    updated: str = ""

    @classmethod
    def of_items(
        cls,
        context: str,
        size: int,
        head: int,
        tail: int,
        items: Sequence[_Item],
        updated: str = "",
    ) -> Spans:
        """The record of ``items`` (rows, in order; see :attr:`items`)."""
        ends = [head, *(item.start + item.length for item in items[:-1])]
        return cls(
            context,
            size,
            head,
            tail,
            b"".join(item.key for item in items),
            tuple(item.length for item in items),
            tuple(item.start - end for item, end in zip(items, ends, strict=True)),
            b"".join(item.print for item in items),
            bytes(bool(item.image) for item in items),
            updated,
        )

    @property
    def count(self) -> int:
        return len(self.lengths)

    @property
    def items(self) -> tuple[_Item, ...]:
        """The items as rows, with where each begins."""
        return tuple(
            _Item(self.key(i), start, length, self.fingerprint(i), bool(self.images[i]))
            for i, (start, length) in enumerate(zip(self.starts(), self.lengths, strict=True))
        )

    def with_items(self, items: Sequence[_Item]) -> Spans:
        """This record with other ``items`` (rows)."""
        return Spans.of_items(self.context, self.size, self.head, self.tail, items, self.updated)

    def key(self, index: int) -> bytes:
        return self.keys[index * _KEY : (index + 1) * _KEY]

    def fingerprint(self, index: int) -> bytes:
        return self.prints[index * _PRINT : (index + 1) * _PRINT]

    def key_list(self) -> list[bytes]:
        keys = self.keys
        return [keys[i : i + _KEY] for i in range(0, len(keys), _KEY)]

    def starts(self) -> list[int]:
        """Where each item begins."""
        ends = accumulate(map(add, self.gaps, self.lengths), initial=self.head)
        return list(map(add, ends, self.gaps))

    def to_bytes(self) -> bytes:
        return _record_bytes(
            self.context,
            self.size,
            self.head,
            self.tail,
            self.updated,
            (self.keys, struct.pack(f"<{2 * self.count}Q", *self.lengths, *self.gaps)),
            (self.prints, self.images),
        )

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
            count = _count(header["count"])
            at = start + length
            sizes = (_KEY * count, 16 * count, _PRINT * count, count)
            if len(body) != at + sum(sizes):
                return None
            columns = []
            for size in sizes:
                columns.append(body[at : at + size])
                at += size
            keys, numbers, prints, images = columns
            unpacked = struct.unpack(f"<{2 * count}Q", numbers)
            spans = cls(
                _text(header["context"]),
                _count(header["size"]),
                _count(header["head"]),
                _count(header["tail"]),
                keys,
                unpacked[:count],
                unpacked[count:],
                prints,
                images,
                _text(header["updated"]),
            )
        except (ValueError, KeyError, TypeError, struct.error):
            return None
        return spans if spans._consistent() else None

    def _consistent(self) -> bool:
        """Whether the items are in order, apart, and inside the file."""
        count = self.count
        return (
            count > 0
            and len(self.gaps) == count
            and len(self.keys) == _KEY * count
            and len(self.prints) == _PRINT * count
            and len(self.images) == count
            and not self.images.translate(None, b"\0\1")
            and self.gaps[0] == 0
            and min(self.lengths) > 0
            and self.head + sum(self.lengths) + sum(self.gaps) == self.tail <= self.size
        )


def _record_bytes(
    context: str,
    size: int,
    head: int,
    tail: int,
    updated: str,
    keys_and_numbers: tuple[bytes | bytearray, bytes],
    prints_and_images: tuple[bytes | bytearray, bytes | bytearray],
) -> bytes:
    """A :class:`Spans` record as bytes: its columns (keys, lengths and gaps packed, prints,
    image flags) after its header."""
    keys, numbers = keys_and_numbers
    count = len(keys) // _KEY
    header = json.dumps(
        {
            "context": context,
            "size": size,
            "head": head,
            "tail": tail,
            "updated": updated,
            "count": count,
        }
    ).encode()
    parts = (_MAGIC, _LENGTH.pack(len(header)), header, keys, numbers, *prints_and_images)
    data = b"".join(parts)
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
        #: Each item's key hash, length, gap to the one before, fingerprint and image flag,
        #: packed as the record's columns: as tuples, 100,000 items took 15 MB while written.
        self._keys_made = bytearray()
        self._lengths = array("Q")
        self._gaps = array("Q")
        self._prints = bytearray()
        self._flags = bytearray()
        self.count = 0
        self._head = self._tail = 0

    @property
    def items(self) -> tuple[_Item, ...]:
        """The items written so far (see :attr:`Spans.items`)."""
        return Spans(
            "",
            self.size,
            self._head,
            self._tail,
            bytes(self._keys_made),
            tuple(self._lengths),
            tuple(self._gaps),
            bytes(self._prints),
            bytes(self._flags),
        ).items

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
        if not self.count:
            self._head = self._tail = start
        self._keys_made += hashed
        self._lengths.append(length)
        self._gaps.append(start - self._tail)
        self._prints += print_
        self._flags.append(bool(image))
        self._tail = start + length
        self.count += 1

    def record(self, context: str, updated: str) -> bytes | None:
        """The :class:`Spans` record of the file written, as bytes (``None``: no item)."""
        if not self.count:
            return None
        numbers = array("Q", self._lengths)
        numbers.extend(self._gaps)
        if sys.byteorder != "little":
            numbers.byteswap()
        return _record_bytes(
            context,
            self.size,
            self._head,
            self._tail,
            updated,
            (self._keys_made, numbers.tobytes()),
            (self._prints, self._flags),
        )


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
    given = getattr(feed, "hashes", None)
    if given is not None and len(given) == _KEY * len(keys):
        hashes = [given[i : i + _KEY] for i in range(0, len(given), _KEY)]
    else:
        hashes = _hashes(keys)
    mapping = _mapping(old, keys, source, hashes)
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
    images = {i: picked[n].entry.image is not None for n, i in enumerate(changed)}
    updated = feed.updated.isoformat()
    if _unchanged(old, source, mapping, new, pieces):
        # The same bytes as the earlier file (an edit that changes no item): it is kept.
        flags = bytearray(old.images)
        for i, image in images.items():
            flags[i] = image
        kept = replace(old, keys=b"".join(hashes), images=bytes(flags), updated=updated)
        return Written(kept.to_bytes(), kept=True)
    spans = _assemble(handle, source, old, mapping, new, hashes, images, pieces)
    return Written(replace(spans, context=where, updated=updated).to_bytes(), False)


def _unchanged(
    old: Spans,
    source: _Source,
    mapping: list[int | None],
    new: dict[int, bytes],
    pieces: tuple[bytes, bytes, bytes],
) -> bool:
    """Whether the new file would be the earlier one, byte for byte."""
    head, _, tail = pieces
    if len(mapping) != old.count or any(j not in (i, None) for i, j in enumerate(mapping)):
        return False
    starts = old.starts()
    for i, data in new.items():
        if len(data) != old.lengths[i] or source.read(starts[i], old.lengths[i]) != data:
            return False
    return head == source.read(0, old.head) and tail == source.read(old.tail, old.size - old.tail)


def key_hashes(keys: Iterable[str | None]) -> bytes:
    """The hashes of a feed's item keys (see :func:`item_key`), one after the other: what
    its file's record holds of each item's key (:attr:`Spans.keys`)."""
    return b"".join(_hashes(keys))


def _hashes(keys: Iterable[str | None]) -> list[bytes]:
    """Each key's hash (see :func:`_hashed`), in one pass."""
    blake2b = hashlib.blake2b
    return [
        blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if key is not None
        else _NO_KEY
        for key in keys
    ]


def _twice(keys: list[bytes]) -> bool:
    """Whether a key (other than :data:`_NO_KEY`) is in ``keys`` twice."""
    seen: set[bytes] = set()
    for key in keys:
        if key != _NO_KEY:
            if key in seen:
                return True
            seen.add(key)
    return False


def _hashed(key: str | None) -> bytes:
    """A key's hash; an item without one (its entry's hash unknown) gets one no item has."""
    return _key_hash(key) if key is not None else _NO_KEY


def _mapping(
    old: Spans,
    keys: Sequence[str | None],
    source: _Source,
    hashes: list[bytes] | None = None,
) -> list[int | None] | None:
    """For each item of the new file, the earlier item (index) whose bytes it reuses, or
    ``None`` to serialise it again: no earlier item of that key, or one whose bytes at its
    recorded place do not begin and end as recorded. ``None`` for a record with an item
    twice. ``hashes``: the keys' hashes, when made already."""
    old_keys = old.key_list()
    where = dict(zip(old_keys, range(len(old_keys)), strict=True))
    unknown = where.pop(_NO_KEY, None) is not None
    if len(where) + unknown < len(old_keys) and _twice(old_keys):
        return None
    hashes = _hashes(keys) if hashes is None else hashes
    # The items the two files begin and end with alike (a feed with an entry edited or added:
    # all but it) are found at once, the others by their key.
    joined = b"".join(hashes)
    before = _common_prefix(old.keys, joined) // _KEY
    after = _common_prefix(old.keys[::-1], joined[::-1]) // _KEY
    after = min(after, len(old_keys) - before, len(hashes) - before)
    middle = hashes[before : len(hashes) - after]
    mapping: list[int | None] = [
        *range(before),
        *map(where.get, middle),
        *range(len(old_keys) - after, len(old_keys)),
    ]
    if unknown:  # (an item whose key is unknown is never reused)
        mapping = [
            None if hashed == _NO_KEY else j for hashed, j in zip(hashes, mapping, strict=True)
        ]
    # Cut only where the bytes are cut: at both ends of each run of earlier items copied at
    # once. (The items inside a run are copied with it, whatever their own recorded place:
    # what they are is the file's identity's and the record's own hash's to vouch for.)
    starts = old.starts()
    while True:
        ends = _run_ends(mapping)
        damaged = _damaged(old, starts, sorted(ends), source)
        if not damaged:
            return mapping
        mapping = [None if j in damaged else j for j in mapping]


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many bytes ``a`` and ``b`` begin with alike (compared in halves: a few
    comparisons of long runs of memory, not one per byte)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


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


def _damaged(old: Spans, starts: list[int], used: list[int], source: _Source) -> set[int]:
    """The earlier items (of ``used``, in order; ``starts``: where each item of ``old``
    begins) whose bytes at their recorded place do not begin and end as recorded."""
    found = set()
    for j in used:
        start, length = starts[j], old.lengths[j]
        edge = min(_EDGE, length)
        first = source.read(start, edge)
        last = source.read(start + length - edge, edge)
        if _fingerprint(first, last, length) != old.fingerprint(j):
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


def _runs(mapping: list[int | None]) -> Iterator[tuple[int, int, int | None]]:
    """The new file's items in runs: ``(i, n, j)``, the ``n`` items from ``i`` on, the
    earlier items from ``j`` on (consecutive there too), or one new item (``j`` None)."""
    i = 0
    count = len(mapping)
    while i < count:
        j = mapping[i]
        n = 1
        if j is not None:
            while i + n < count and mapping[i + n] == j + n:
                n += 1
        yield i, n, j
        i += n


def _assemble(
    handle: Any,
    source: Any,
    old: Spans,
    mapping: list[int | None],
    new: dict[int, bytes],
    hashes: list[bytes],
    images: dict[int, bool],
    pieces: tuple[bytes, bytes, bytes],
) -> Spans:
    """Write the new file: the head, then each item (runs of consecutive earlier items
    copied at once, the others' new bytes) with the separator between, then the tail.
    Its record: a run's items as the earlier record has them (but the first one's gap),
    the new items' made."""
    head, separator, tail = pieces
    keys: list[bytes] = []
    lengths: list[int] = []
    gaps: list[int] = []
    prints: list[bytes] = []
    flags: list[bytes] = []
    starts = old.starts()
    handle.write(head)
    size = len(head)
    for i, n, j in _runs(mapping):
        gap = 0
        if i:
            handle.write(separator)
            gap = len(separator)
        if j is not None:
            first, last = j, j + n - 1
            length = starts[last] + old.lengths[last] - starts[first]
            handle.copy(source, starts[first], length)
            keys.append(old.keys[first * _KEY : (last + 1) * _KEY])
            lengths += old.lengths[first : last + 1]
            gaps += (gap, *old.gaps[first + 1 : last + 1])
            prints.append(old.prints[first * _PRINT : (last + 1) * _PRINT])
            flags.append(old.images[first : last + 1])
        else:
            data = new[i]
            handle.write(data)
            length = len(data)
            edge = min(_EDGE, length)
            keys.append(hashes[i])
            lengths.append(length)
            gaps.append(gap)
            prints.append(_fingerprint(data[:edge], data[length - edge :], length))
            flags.append(b"\1" if images[i] else b"\0")
        size += gap + length
    end = size
    handle.write(tail)
    size += len(tail)
    return Spans(
        old.context,
        size,
        len(head),
        end,
        b"".join(keys),
        tuple(lengths),
        tuple(gaps),
        b"".join(prints),
        b"".join(flags),
    )


def pick_all(items: Callable[[], Iterator[Rendered]]) -> Callable[[Sequence[int]], list[Rendered]]:
    """A ``pick`` for a feed whose items are all at hand (tests, small feeds)."""

    def pick(positions: Sequence[int]) -> list[Rendered]:
        wanted = set(positions)
        return [item for i, item in enumerate(items()) if i in wanted]

    return pick


def recorded_feed(
    record: bytes, keys: Sequence[str | None], hashes: Sequence[bytes] | None = None
) -> tuple[str, tuple[bool, ...]] | None:
    """What the file ``record`` describes says of its feed's entries: the feed's date (ISO
    8601) and whether each item's entry has an image; ``None`` unless the record is whole
    and its items are those of ``keys``, in that order (a ``None`` key: any item).
    ``hashes``: the keys' hashes, when made already."""
    spans = Spans.from_bytes(record)
    if spans is None or not spans.updated or spans.count != len(keys):
        return None
    recorded = spans.key_list()
    hashes = _hashes(keys) if hashes is None else hashes
    expected = [
        hashed if key is not None else found
        for key, hashed, found in zip(keys, hashes, recorded, strict=True)
    ]
    if expected != recorded:
        return None
    return spans.updated, tuple(map(bool, spans.images))
