"""Same inputs, same bytes: feed dates come from entries, never the clock."""

from __future__ import annotations

import os
import time

from .conftest import SiteDir

ENTRIES = {
    "one.md": "---\ntitle: One\ndate: 2024-03-01T10:00:00+01:00\ntags: [a, b]\n---\nFirst.\n",
    "two.md": "---\ntitle: Two\ndate: 2024-03-02\nupdated: 2024-04-01\n---\nSecond *post*.\n",
    "same-time.md": "---\ntitle: Same\ndate: 2024-03-02\n---\nTie on date.\n",
}


def _site(site: SiteDir) -> None:
    for name, text in ENTRIES.items():
        site.entry(name, text)


def test_two_builds_are_byte_identical_and_untouched(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    first = site.snapshot()
    time.sleep(0.01)
    assert site.run("build").exit_code == 0
    assert site.snapshot() == first  # same bytes and same mtimes: nothing rewritten


def test_builds_in_fresh_folders_match(site: SiteDir, tmp_path) -> None:
    _site(site)
    assert site.run("build", "--out", str(tmp_path / "a")).exit_code == 0
    os.environ["TZ"] = "Asia/Tokyo"  # the machine's zone must not leak into the feeds
    try:
        time.tzset()
        assert site.run("build", "--out", str(tmp_path / "b")).exit_code == 0
    finally:
        del os.environ["TZ"]
        time.tzset()
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_feed_date_is_the_newest_entry_change(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    rss = (site.public / "feed.xml").read_text(encoding="utf-8")
    atom = (site.public / "atom.xml").read_text(encoding="utf-8")
    # two.md was updated on 2024-04-01 (midnight UTC, the site's zone): the newest change.
    assert "<lastBuildDate>Mon, 01 Apr 2024 00:00:00 +0000</lastBuildDate>" in rss
    assert "<updated>2024-04-01T00:00:00+00:00</updated>" in atom.split("<entry>")[0]


def test_order_is_newest_first_with_a_stable_tie_break(site: SiteDir) -> None:
    _site(site)
    assert site.run("build").exit_code == 0
    rss = (site.public / "feed.xml").read_text(encoding="utf-8")
    titles = [part.split("</title>")[0] for part in rss.split("<item>\n      <title>")[1:]]
    # two and same-time share a date: the file path breaks the tie (entries/same… < entries/two…)
    assert titles == ["Same", "Two", "One"]
