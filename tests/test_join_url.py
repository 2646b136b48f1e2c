"""render.join_url computes the usual relative links itself: it must give urljoin's answer."""

from __future__ import annotations

import random
from urllib.parse import urljoin

import pytest

from feedpub.render._html import _SIMPLE_PATH, _base_parts, join_url

BASES = [
    "https://example.org/",
    "https://example.org/2025/05/story/",
    "http://h.example:8080/a/b/c.html",
    "https://x.org/a//b/",
    "https://x.org",
    "https://x.org/a/b",
    "https://x.org/%7Euser/",
    "https://x.org/ü/ß/",
    # folders named "." and "..": "../" from them is not the folder above
    "https://x.org/a/../b/",
    "https://x.org/a/b/../",
    "https://x.org/a/./",
    "https://x.org/../",
    # not simple: urljoin's own answer
    "HTTPS://x.org/a/",
    "https://x.org/a/?q",
    "https://x.org/a;p/b/",
    "https://user@x.org/a/",
    "https://[::1]/a/",
    "ftp://x.org/a/",
    "https://x.org/a/b#f",
]
SIMPLE = ["..", ".", "", "a", "b.png", "%20", "ü", "~", "...", "x-y_z"]
ODD = ["x y", "a:b", "?q", "#f", ";p", "//", "\\", "http:", "\t", "\x01", " ", "\x1f"]


def test_join_url_agrees_with_urljoin():
    rng = random.Random(20261125)
    fast = 0
    for _ in range(100_000):
        base = rng.choice(BASES)
        pieces = SIMPLE if rng.random() < 0.7 else SIMPLE + ODD
        url = "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.05:
            url = "/" + url
        try:
            expected = urljoin(base, url)
        except ValueError:
            with pytest.raises(ValueError):
                join_url(base, url)
            continue
        assert join_url(base, url) == expected, (base, url)
        fast += bool(_base_parts(base) and _SIMPLE_PATH.match(url))
    assert fast > 25_000  # the computed path is taken for the usual links


@pytest.mark.parametrize(
    "base, url, expected",
    [
        ("https://example.org/2025/05/story/", "../other/", "https://example.org/2025/05/other/"),
        (
            "https://example.org/2025/05/story/",
            "img.png",
            "https://example.org/2025/05/story/img.png",
        ),
        ("https://example.org/a/", "../../../x", "https://example.org/x"),
        ("https://example.org/a/page.html", ".", "https://example.org/a/"),
        # urljoin strips leading control characters and spaces (a "&#1;" in an href)
        ("https://ex.org/a/b/", "\x01..", "https://ex.org/a/"),
        ("https://ex.org/a/b/", " x", "https://ex.org/a/b/x"),
    ],
)
def test_relative_links(base, url, expected):
    assert join_url(base, url) == expected
