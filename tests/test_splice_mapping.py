"""The splice's mapping of new items onto the earlier file's (feedpub/feeds/_splice.py): an
item is reused only by its key's hash; a record naming an item twice is not trusted; items
whose entry's hash was unknown are never reused, however many there are."""

from __future__ import annotations

from dataclasses import replace

from feedpub.feeds import _splice


class _Source:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]


def _spans(keys: list[str | None]) -> tuple[_splice.Spans, _Source]:
    data = b"<head>"
    items = []
    for n, key in enumerate(keys):
        body = f"<item {n}>".encode() * 3
        edge = min(_splice._EDGE, len(body))
        print_ = _splice._fingerprint(body[:edge], body[len(body) - edge :], len(body))
        items.append(_splice._Item(_splice._hashed(key), len(data), len(body), print_))
        data += body + (b"," if n < len(keys) - 1 else b"")
    tail = len(data)
    data += b"</tail>"
    head = items[0].start
    spans = _splice.Spans.of_items("c", len(data), head, tail, items)
    return spans, _Source(data)


def test_items_are_found_by_their_key_in_any_order() -> None:
    spans, source = _spans(["a\0" + "1", "b\0" + "2", "c\0" + "3"])
    keys = ["c\x003", "new\x009", "a\x001", None]
    assert _splice._mapping(spans, keys, source) == [2, None, 0, None]


def test_a_record_naming_an_item_twice_is_not_trusted() -> None:
    spans, source = _spans(["a\x001", "b\x002", "a\x001"])
    assert _splice._mapping(spans, ["a\x001", "b\x002"], source) is None


def test_items_without_a_key_are_never_reused_however_many() -> None:
    spans, source = _spans([None, "b\x002", None, "d\x004"])
    keys = [None, "b\x002", None, "d\x004"]
    assert _splice._mapping(spans, keys, source) == [None, 1, None, 3]


def test_the_recorded_feed_matches_keys_by_their_hash() -> None:
    spans, _ = _spans(["a\x001", "b\x002"])
    record = spans.to_bytes()
    assert _splice.Spans.from_bytes(record) is not None
    spans = replace(spans, updated="u")
    record = spans.to_bytes()
    assert _splice.recorded_feed(record, ["a\x001", None]) == ("u", (False, False))
    assert _splice.recorded_feed(record, ["a\x001", "b\x003"]) is None


def test_a_record_keeps_its_items_through_its_bytes_and_refuses_what_does_not_add_up() -> None:
    spans, _ = _spans(["a\x001", None, "c\x003"])
    again = _splice.Spans.from_bytes(spans.to_bytes())
    assert again == spans and again.items == spans.items
    assert [item.start for item in spans.items] == [
        6,
        6 + 25,
        6 + 2 * 25,
    ]  # (items of 24 bytes, and a comma)
    # The columns say where items are only as lengths and gaps: a gap or a length that does
    # not add up to the recorded end of the last item makes the record untrusted.
    longer = replace(spans, lengths=(*spans.lengths[:-1], spans.lengths[-1] + 1))
    assert _splice.Spans.from_bytes(longer.to_bytes()) is None
    moved = replace(spans, gaps=(1, *spans.gaps[1:]))
    assert _splice.Spans.from_bytes(moved.to_bytes()) is None
    flagged = replace(spans, images=b"\0\2\0")
    assert _splice.Spans.from_bytes(flagged.to_bytes()) is None


def test_a_splice_copies_runs_and_records_them_as_the_earlier_record_had_them() -> None:
    spans, source = _spans(["a\x001", "b\x002", "c\x003", "d\x004"])
    written: list[tuple[str, int, int] | bytes] = []

    class Handle:
        def write(self, data: bytes) -> None:
            written.append(data)

        def copy(self, earlier: object, offset: int, length: int) -> None:
            written.append(("copy", offset, length))

    new = b"<new item>"
    hashes = [spans.key(0), _splice._hashed("x\x009"), spans.key(2), spans.key(3)]
    made = _splice._assemble(
        Handle(), source, spans, [0, None, 2, 3], {1: new}, hashes, {1: True}, (b"H", b",", b"T")
    )
    item = spans.items
    assert written == [
        b"H",
        ("copy", item[0].start, item[0].length),
        b",",
        new,
        b",",
        ("copy", item[2].start, item[3].start + item[3].length - item[2].start),
        b"T",
    ]
    assert made.keys == b"".join(hashes)
    assert made.lengths == (item[0].length, len(new), item[2].length, item[3].length)
    assert made.gaps == (0, 1, 1, 1)
    assert made.images == b"\0\1\0\0"
    assert made.head == 1 and made.tail == made.size - 1


def _naive(spans: _splice.Spans, keys: list[str | None]) -> list[int | None]:
    """The mapping item by item: each key looked up among the earlier items'."""
    where = {key: j for j, key in enumerate(spans.key_list()) if key != _splice._NO_KEY}
    return [where.get(_splice._hashed(key)) if key is not None else None for key in keys]


def test_the_mapping_of_the_items_both_files_begin_and_end_with_is_the_lookup_s() -> None:
    import random

    chance = random.Random(18)
    earlier = [f"e{n}\x00{n}" for n in range(30)]
    cases: list[list[str | None]] = [
        list(earlier),  # nothing changed
        [*earlier[:10], "new\x000", *earlier[10:]],  # one added
        [*earlier[:10], "e10\x00edited", *earlier[11:]],  # one edited
        ["new\x000", *earlier],  # added first
        [*earlier, "new\x000"],  # added last
        earlier[1:],  # the oldest went out
        earlier[:5] + earlier[6:] + earlier[5:6],  # one moved
        [None, *earlier[1:-1], None],  # unknown keys at both ends
        earlier[:3] + earlier[3:27][::-1] + earlier[27:],  # reordered between
    ]
    for _ in range(20):
        keys: list[str | None] = list(earlier)
        for _ in range(chance.randint(1, 4)):
            spot = chance.randrange(len(keys))
            keys[spot] = chance.choice([None, f"x{spot}\x00{chance.random()}", earlier[spot]])
        cases.append(keys)
    for with_unknown in (False, True):
        recorded: list[str | None] = list(earlier)
        if with_unknown:
            recorded[0] = recorded[-1] = recorded[12] = None
        spans, source = _spans(recorded)
        for keys in cases:
            expected = _naive(spans, keys)
            assert _splice._mapping(spans, keys, source) == expected, keys
            hashes = _splice._hashes(keys)
            assert _splice._mapping(spans, keys, source, hashes) == expected


def test_the_common_prefix_is_found_in_halves() -> None:
    assert _splice._common_prefix(b"abcdef", b"abcxef") == 3
    assert _splice._common_prefix(b"abc", b"abc") == 3
    assert _splice._common_prefix(b"", b"abc") == 0
    assert _splice._common_prefix(b"xbc", b"abc") == 0
    assert _splice._common_prefix(b"a" * 1000 + b"b", b"a" * 1001) == 1000
