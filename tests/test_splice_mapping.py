"""The splice's mapping of new items onto the earlier file's (feedpub/feeds/_splice.py): an
item is reused only by its key's hash; a record naming an item twice is not trusted; items
whose entry's hash was unknown are never reused, however many there are."""

from __future__ import annotations

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
    spans = _splice.Spans("c", len(data), head, tail, tuple(items))
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
    spans = _splice.Spans(spans.context, spans.size, spans.head, spans.tail, spans.items, "u")
    record = spans.to_bytes()
    assert _splice.recorded_feed(record, ["a\x001", None]) == ("u", (False, False))
    assert _splice.recorded_feed(record, ["a\x001", "b\x003"]) is None
