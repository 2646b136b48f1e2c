"""Hostile input and failure: a catalogue of bad inputs, each with the one ending it must get.

The product rule: whatever is in entries/, a build ends in exactly one of two ways.

- "feeds": exit 0, both feeds parse with feedparser (bozo == 0), every entry is an item with its
  title, and no script can run in a reader;
- "error": exit 1, one `path:line: message` line per problem (then a summary line), and the
  previous public/ untouched (same bytes and mtimes).

Never a traceback, a hang, a half-written feed, a file written outside the output folder, or a
change to anything else. Each case below first builds a good site, then adds its input, runs the
build and checks its ending plus "nothing else changed": every file in the site folder and its
parent (entries, config, files outside) keeps its bytes, and the only new paths are public/'s
three files and a `.feedpub-cache` folder beside public/. Expected endings, codes and limits come
from the manual (docs/) and the issue, not from what feedpub prints.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

import feedpub
import feedpub.pipeline._output
from feedpub.cli import main

from ..conftest import BASIC_CONFIG, PUBLIC_FILES, SiteDir

GOOD = "---\ntitle: Good\ndate: 2025-01-01\n---\nFine.\n"
FEEDS = ("feed.xml", "atom.xml")
# Category feeds (on by default): categories/, categories/<slug>/ and their three files.
CATEGORY_FEED = re.compile(r"^categories(/[a-z0-9-]+(/(feed\.xml|atom\.xml|feed\.json))?)?$")
CACHE = ".feedpub-cache"
TIMEOUT = 20  # seconds: an alias bomb must not hang the build
BAD = r"entries/bad\.md"
#: A path may be shown relative to the site folder (as docs/ does) or absolute.
ANYWHERE = r"(?:/[^:]*/)?"
LOCATED = re.compile(r"^[^:\s][^:]*(:\d+)?: ")
WARNING = re.compile(r"^(?:[^:\s][^:]*(?::\d+)?: )?warning FP\d{3}: ")
SUMMARY = re.compile(r"^feedpub: (\d+) problems?; ")
MIB = 1 << 20


def post(*lines: str, body: str = "Body.\n") -> str:
    """An entry file: '---', the front matter lines, '---', then the body (line 2 = 1st key)."""
    return "\n".join(["---", *lines, "---", body])


def alias_bomb(key: str) -> str:
    """'Billion laughs' under ``key``: a base list, then 9 levels of lists of 9 aliases each
    (9**10 strings once expanded), all inside the value of ``key``."""
    lines = [f"{key}:", "  - &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines)


def huge_markdown() -> bytes:
    """An entry with 30 MiB of ordinary Markdown paragraphs."""
    paragraph = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 16).strip()
    head = post("title: Huge", "date: 2025-02-01").encode()
    count = (30 * MIB) // (len(paragraph) + 2) + 1
    return head + ((paragraph + "\n\n") * count).encode()


def categories(count: int, tags: int = 0) -> str:
    lines = [
        "title: Many",
        "date: 2025-02-01",
        f"categories: [{', '.join(map(str, range(count)))}]",
    ]
    if tags:
        lines.append(f"tags: [{', '.join(f't{i}' for i in range(tags))}]")
    return post(*lines)


# --------------------------------------------------------------------------- set-ups


def _symlink_to_file(site: SiteDir) -> None:
    outside = site.root.parent / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(post("title: Secret", "date: 2025-02-01"))
    (site.entries / "linked.md").symlink_to(outside / "secret.md")


def _symlink_to_folder(site: SiteDir) -> None:
    outside = site.root.parent / "outside-dir"
    outside.mkdir()
    (outside / "post.md").write_text(post("title: Outside", "date: 2025-02-01"))
    (site.entries / "more").symlink_to(outside, target_is_directory=True)


def _blocker(site: SiteDir) -> None:
    (site.root / "blocker").write_bytes(b"a regular file, not a folder\n")


def _alias_to_entries(site: SiteDir) -> None:
    (site.root / "alias").symlink_to(site.entries, target_is_directory=True)


def _cache_is_a_file(site: SiteDir) -> None:
    cache = site.root / CACHE
    if cache.is_dir():
        shutil.rmtree(cache)
    cache.write_bytes(b"not a folder\n")


def _link_loop(site: SiteDir) -> None:
    (site.entries / "a.md").symlink_to("b.md")
    (site.entries / "b.md").symlink_to("a.md")


def _link_to_itself(site: SiteDir) -> None:
    (site.entries / "self.md").symlink_to("self.md")


def _folder_link_loop(site: SiteDir) -> None:
    (site.entries / "d1").symlink_to("d2", target_is_directory=True)
    (site.entries / "d2").symlink_to("d1", target_is_directory=True)


def _fifo(site: SiteDir) -> None:
    os.mkfifo(site.entries / "bad.md")  # reading it would wait for a writer forever


def _link_to_fifo(site: SiteDir) -> None:
    os.mkfifo(site.entries / "pipe")
    (site.entries / "bad.md").symlink_to("pipe")


def _not_utf8_name(site: SiteDir) -> None:
    (site.entries / os.fsdecode(b"bad\xff\xfe.md")).write_text(post("title: B", "date: 2025-05-01"))


def _not_utf8_folder(site: SiteDir) -> None:
    folder = site.entries / os.fsdecode(b"\xe9t\xe9")
    folder.mkdir()
    (folder / "bad.md").write_text(post("title: B", "date: 2025-05-01"))


def _entries_link_loop(site: SiteDir) -> None:
    shutil.rmtree(site.entries)
    site.entries.symlink_to("entries", target_is_directory=True)


def _loop_named_lp(site: SiteDir) -> None:
    (site.root / "lp").symlink_to("lp", target_is_directory=True)


@dataclass(frozen=True)
class Case:
    id: str
    #: "feeds", "error", or "either" (a clean ending of either kind, where the manual leaves
    #: the choice open: alias bombs, character references to characters XML cannot carry).
    ending: str
    #: Entry files to add (name below entries/ → text, bytes, or a function making bytes).
    files: dict[str, str | bytes | Callable[[], bytes]] = field(default_factory=dict)
    #: Error: regex of the path that a `path:line: message` line must name (None: any path).
    path: str | None = BAD
    #: Error: the line that must be named (None: any or none).
    line: int | None = None
    #: Error: words the message must contain.
    words: tuple[str, ...] = ()
    #: Error: the finding code `feedpub check --format json` must give (None: not checked).
    code: str | None = None
    #: Feeds: titles of the added entries, as readers must show them.
    titles: tuple[str, ...] = ()
    #: Feeds: links some item must have.
    links: tuple[str, ...] = ()
    #: Feeds: a warning code stderr must show, about `path`.
    warning: str | None = None
    #: Lines added to feedpub.toml (line 5 onwards).
    config: tuple[str, ...] = ()
    #: Extra command-line arguments to `feedpub build`.
    args: tuple[str, ...] = ()
    #: Prepares the file system after the first good build.
    setup: Callable[[SiteDir], None] | None = None
    #: Run feedpub in a subprocess with a timeout (for inputs that could hang it).
    subprocess: bool = False


# fmt: off
CASES = [
    # ---- malformed YAML
    Case("yaml-unclosed-quote", "error", {"bad.md": post('title: "Hello', "date: 2025-05-01")},
         line=2, code="FP103"),
    # a Windows path in double quotes: YAML reads '\U' as an escape (the quote is closed)
    Case("yaml-backslash-in-double-quotes", "error",
         {"bad.md": post('title: "Notes from C:\\Users\\me"', "date: 2025-05-01")},
         line=2, words=("backslash", "single quotes"), code="FP103"),
    Case("yaml-bad-indent", "error",
         {"bad.md": post("title: Hello", "tags:", "  - a", " - b", "date: 2025-05-01")},
         code="FP103"),
    Case("yaml-tab-indent", "error",
         {"bad.md": post("title: Hello", "tags:", "\t- a", "date: 2025-05-01")},
         line=4, words=("tab",), code="FP103"),
    # ---- YAML tags that would run code in a full loader: an error, nothing executed
    Case("python-object-tag", "error",
         {"bad.md": post("title: !!python/object:os.system {}", "date: 2025-05-01")},
         line=2, code="FP103"),
    Case("python-apply-echo", "error",
         {"bad.md": post('title: !!python/object/apply:os.system ["echo pwned"]',
                         "date: 2025-05-01")},
         line=2, code="FP103"),
    Case("python-apply-marker", "error",
         {"bad.md": post('title: !!python/object/apply:os.system ["echo pwned > ../pwned"]',
                         "date: 2025-05-01")},
         line=2, code="FP103"),
    # ---- alias bombs: fast, and a clean ending either way
    Case("alias-bomb-title", "error",
         {"bad.md": "---\n" + alias_bomb("title") + "\ndate: 2025-05-01\n---\nBody.\n"},
         subprocess=True),
    Case("alias-bomb-tags", "error",
         {"bad.md": "---\ntitle: Bomb\ndate: 2025-05-01\n" + alias_bomb("tags") + "\n---\nB.\n"},
         subprocess=True),
    Case("alias-bomb-unknown-key", "either",
         {"bad.md": "---\ntitle: Bomb\ndate: 2025-05-01\n" + alias_bomb("payload") + "\n---\n"},
         titles=("Bomb",), subprocess=True),
    # ---- front matter of the wrong shape, or none
    Case("front-matter-list", "error", {"bad.md": post("- title", "- date")}, code="FP102"),
    Case("front-matter-scalar", "error", {"bad.md": post("just words")}, code="FP102"),
    Case("no-front-matter", "error", {"bad.md": "Just a body.\n"}, line=1, code="FP102"),
    Case("empty-file", "error", {"bad.md": ""}, code="FP102"),
    # ---- encodings
    Case("latin-1", "error",
         {"bad.md": post("title: Café", "date: 2025-05-01").encode("latin-1")},
         line=2, words=("UTF-8",), code="FP101"),
    Case("utf-16-bom", "error",
         {"bad.md": post("title: Café", "date: 2025-05-01").encode("utf-16")},
         words=("UTF-8",), code="FP101"),
    Case("utf-16-le-no-bom", "error",
         {"bad.md": post("title: Hello", "date: 2025-05-01").encode("utf-16-le")},
         words=("UTF-8",), code="FP101"),
    Case("utf-16-be-no-bom", "error",
         {"bad.md": post("title: Hello", "date: 2025-05-01").encode("utf-16-be")},
         words=("UTF-8",), code="FP101"),
    Case("binary-garbage", "error", {"bad.md": bytes(range(256)) * 4}, code="FP101"),
    Case("cr-line-ends", "error",
         {"bad.md": post("title: Mac", "date: 2025-03-01").replace("\n", "\r")},
         line=1, words=("carriage return alone", "LF"), code="FP102"),
    Case("bom-crlf", "feeds",
         {"win.md": b"\xef\xbb\xbf"
          + post("title: Windows", "date: 2025-03-01").replace("\n", "\r\n").encode()},
         titles=("Windows",)),
    # ---- characters XML cannot carry: removed, with a warning
    Case("control-chars-raw", "feeds",
         {"ctrl.md": post("title: Bell\x07Ring\x00Nul\x1bEsc\x0cFF", "date: 2025-03-01",
                          body="Body \x00nul \x07bell \x1besc \x0cff.\n")},
         titles=("BellRingNulEscFF",), warning="FP201", path=r"entries/ctrl\.md"),
    Case("control-chars-yaml-escaped-title", "feeds",
         {"ctrl.md": post(r'title: "Esc\aaped\0Title\e"', "date: 2025-03-01")},
         titles=("EscapedTitle",), warning="FP201", path=r"entries/ctrl\.md"),
    Case("control-chars-yaml-escaped-fields", "feeds",
         {"ctrl.md": post("title: Fields", "date: 2025-03-01", r'summary: "Sum\amary"',
                          r'tags: ["t\ag"]', r'author: "Jane\e Doe"')},
         titles=("Fields",), warning="FP201", path=r"entries/ctrl\.md"),
    # ---- a DEL, which YAML refuses: an error, reported on one line
    Case("yaml-del-character", "error", {"bad.md": post("title: A\x7fB", "date: 2025-05-01")},
         code="FP103"),
    # ---- character references to what XML cannot carry: either ending, but a clean one
    Case("body-char-ref-control", "either",
         {"refs.md": post("title: Refs", "date: 2025-05-01", body="Bell &#7; esc &#x1b; end.\n")},
         titles=("Refs",), path=r"entries/refs\.md"),
    Case("body-char-ref-noncharacter", "either",
         {"refs.md": post("title: Refs", "date: 2025-05-01", body="Not &#xFFFE; &#xFFFF;.\n")},
         titles=("Refs",), path=r"entries/refs\.md"),
    # ---- values that are wrong
    Case("title-only-whitespace", "error", {"bad.md": post('title: "   "', "date: 2025-05-01")},
         line=2, words=("title",), code="FP104"),
    Case("title-only-unicode-spaces", "error",
         {"bad.md": post('title: "\u00a0\u2003\u3000"', "date: 2025-05-01")},
         line=2, words=("title",), code="FP104"),
    Case("date-year-0", "error", {"bad.md": post("title: Zero", "date: 0000-01-01")},
         line=3, words=("date", "'0000-01-01' is not a real date"), code="FP105"),
    # 0001-01-01 is Hugo's date of an undated page, not a date feedpub's own dialect takes
    Case("date-year-1", "error", {"bad.md": post("title: One", "date: 0001-01-01")},
         line=3, words=("out of range", "1000 to 9998"), code="FP105"),
    Case("date-boolean", "error", {"bad.md": post("title: Yes", "date: yes")},
         line=3, words=("date is true (yes/no), not a date",), code="FP105"),
    Case("toml-date-time-of-day", "error",
         {"bad.md": "+++\ntitle = 'T'\ndate = 07:32:00\n+++\nB.\n"},
         line=3, words=("date is a time of day (07:32:00), not a date",), code="FP105"),
    Case("yaml-set-of-tags", "error",
         {"bad.md": post("title: S", "date: 2025-05-01", "tags: !!set {a, b}")},
         line=4, words=("tags must be a list", "not a set"), code="FP106"),
    Case("date-month-13", "error", {"bad.md": post("title: M", "date: 2025-13-45")},
         line=3, words=("date '2025-13-45' is not a real date", "month"), code="FP105"),
    Case("date-year-99999", "error", {"bad.md": post("title: Far", "date: 99999-01-01")},
         line=3, words=("date",), code="FP105"),
    Case("date-integer", "error", {"bad.md": post("title: Int", "date: 20250101")},
         line=3, words=("date",), code="FP105"),
    Case("date-words", "error", {"bad.md": post("title: Words", "date: last tuesday")},
         line=3, words=("last tuesday",), code="FP105"),
    Case("draft-string", "error",
         {"bad.md": post("title: Draft", "date: 2025-05-01", 'draft: "no"')},
         line=4, words=("draft",), code="FP106"),
    Case("author-mixed-key-types", "error",
         {"bad.md": post("title: A", "date: 2025-05-01", "author: {name: Jane, 1: x, b: y}")},
         line=4, words=("author",), code="FP106"),
    # ---- limits
    Case("huge-entry", "error", {"bad.md": huge_markdown}, words=("8 MiB",)),
    Case("huge-entry-allowed", "feeds", {"huge.md": huge_markdown}, titles=("Huge",),
         config=('max_entry_size = "64 MiB"',)),
    Case("huge-front-matter", "error",
         {"bad.md": post("title: Big", "date: 2025-05-01", f'notes: "{"x" * (70 * 1024)}"')},
         words=("64 KiB",)),
    Case("categories-5000", "error", {"bad.md": categories(5000)}, words=("200",)),
    Case("categories-and-tags-201", "error", {"bad.md": categories(150, tags=51)},
         words=("200",)),
    Case("categories-and-tags-200", "feeds", {"many.md": categories(150, tags=50)},
         titles=("Many",)),
    # a category of 300 letters: its feed's folder name would be too long for the file system
    Case("category-slug-too-long", "error",
         {"bad.md": post("title: Long", "date: 2025-05-01", f"categories: [{'x' * 300}]")},
         line=4, words=("300 bytes", "shorten it"), code="FP111"),
    # ---- identity and paths
    Case("duplicate-id", "error",
         {"a.md": post("title: A", "date: 2025-05-01", "slug: a", "id: same-story"),
          "b.md": post("title: B", "date: 2025-05-01", "slug: b", "id: same-story")},
         path=r"entries/[ab]\.md", line=5, code="FP108"),
    Case("slug-dotdot", "error", {"bad.md": post("title: S", "date: 2025-05-01", "slug: ..")},
         line=4, words=("slug",), code="FP107"),
    Case("slug-slash", "error", {"bad.md": post("title: S", "date: 2025-05-01", "slug: a/b")},
         line=4, words=("slug",), code="FP107"),
    Case("slug-backslash", "error",
         {"bad.md": post("title: S", "date: 2025-05-01", "slug: a\\b")},
         line=4, words=("slug",), code="FP107"),
    Case("permalink-traversal", "error",
         {"bad.md": post("title: P", "date: 2025-05-01", "permalink: ../../../etc/passwd")},
         line=4, words=("permalink",), code="FP107"),
    Case("permalink-url-with-space", "error",
         {"bad.md": post("title: P", "date: 2025-05-01", "permalink: https://example.org/a b/")},
         line=4, words=("spaces", "%20"), code="FP107"),
    # an IRI is written as a URL: RSS readers and validators take no other
    Case("permalink-url-in-other-scripts", "feeds",
         {"iri.md": post("title: Iri", "date: 2025-05-01", "permalink: https://exämple.org/café/")},
         titles=("Iri",), links=("https://xn--exmple-cua.org/caf%C3%A9/",)),
    Case("permalink-absolute-path", "feeds",
         {"passwd.md": post("title: Passwd", "date: 2025-05-01", "permalink: /etc/passwd")},
         titles=("Passwd",), links=("https://example.org/etc/passwd",)),
    # ---- feedpub never reads outside the entries folder
    Case("symlink-to-outside-file", "error", setup=_symlink_to_file,
         path=r"entries/linked\.md"),
    Case("symlink-to-outside-folder", "error", setup=_symlink_to_folder,
         path=r"entries/more(/post\.md)?"),
    # ---- links that lead nowhere, and entries that are not files
    Case("symlink-loop", "error", setup=_link_loop, path=r"entries/[ab]\.md",
         words=("loop",), code="FP101"),
    # a link to an entry that was moved or deleted: named, not passed over in silence
    Case("symlink-to-nothing", "error",
         setup=lambda site: (site.entries / "bad.md").symlink_to("moved-away.md"),
         words=("does not exist",), code="FP101"),
    Case("symlink-to-itself", "error", setup=_link_to_itself, path=r"entries/self\.md",
         words=("loop",), code="FP101"),
    Case("symlink-folder-loop", "error", setup=_folder_link_loop, path=r"entries/d[12]",
         words=("loop",), code="FP101"),
    Case("entries-folder-link-loop", "error", setup=_entries_link_loop, path=r"feedpub\.toml",
         words=("loop",), code="FP005"),
    Case("entries-option-link-loop", "error", setup=_loop_named_lp, args=("--entries", "lp"),
         path="--entries", words=("loop",)),
    Case("out-option-link-loop", "error", setup=_loop_named_lp, args=("--out", "lp"),
         path="--out", words=("loop",)),
    Case("entry-is-a-named-pipe", "error", setup=_fifo, words=("not a regular file",),
         code="FP101", subprocess=True),
    Case("entry-links-to-a-named-pipe", "error", setup=_link_to_fifo,
         words=("not a regular file",), code="FP101", subprocess=True),
    Case("entry-name-not-utf8", "error", setup=_not_utf8_name, path=r"entries/bad.*\.md",
         words=("UTF-8",), code="FP101"),
    # a line break in a file name is shown as \n: the message stays one line
    Case("entry-name-with-line-break", "error", {"bad\nname.md": "---\ntitle: B\n"},
         path=r"entries/bad\\nname\.md", line=1, words=("not closed",), code="FP102"),
    Case("entry-folder-name-not-utf8", "error", setup=_not_utf8_folder,
         path=r"entries/.*/bad\.md", words=("UTF-8",), code="FP101"),
    # ---- front matter nested past what a parser's recursion can take, or not text
    Case("json-nested-deep", "error",
         {"bad.md": '{\n"title": "J", "date": "2025-05-01", "x": ' + "[" * 5000 + "]" * 5000
          + "\n}\nBody.\n"}, line=1, words=("nested",), code="FP120"),
    Case("toml-nested-deep", "error",
         {"bad.md": "+++\ntitle = 'T'\ndate = 2025-05-01\nx = " + "[" * 5000 + "]" * 5000
          + "\n+++\nBody.\n"}, line=1, words=("nested",), code="FP120"),
    # a number of 5,000 digits: more than Python reads (a traceback in JSON, TOML, settings)
    Case("json-number-too-long", "error",
         {"bad.md": '{\n"title": "J", "date": "2025-05-01",\n"x": ' + "9" * 5000 + "\n}\nB.\n"},
         line=3, words=("4,300 digits", "quotes"), code="FP120"),
    Case("toml-number-too-long", "error",
         {"bad.md": "+++\ntitle = 'T'\ndate = 2025-05-01\nx = " + "9" * 5000 + "\n+++\nB.\n"},
         line=4, words=("4,300 digits", "quotes"), code="FP120"),
    Case("yaml-number-too-long", "error",
         {"bad.md": post("title: Y", "date: 2025-05-01", "x: " + "9" * 5000)},
         line=4, words=("x: a number of more than 4,300 digits",), code="FP106"),
    Case("settings-number-too-long", "error", config=("limit = " + "9" * 5000,),
         path=r"feedpub\.toml", line=5, words=("4,300 digits",), code="FP001"),
    Case("json-lone-surrogate", "error",
         {"bad.md": '{\n"title": "\\ud800 half", "date": "2025-05-01"\n}\nBody.\n'}, line=1,
         words=("\\ud800",), code="FP120"),
    # ---- settings and options that would make no URL, or one of any length
    Case("permalink-format-spec", "error", config=('permalink = "/{slug:>99999999999}/"',),
         path=r"feedpub\.toml", line=5, words=("permalink",), code="FP003"),
    Case("settings-nested-deep", "error", config=("x = " + "[" * 3000 + "]" * 3000,),
         path=r"feedpub\.toml", words=("nested",), code="FP001"),
    Case("authors-file-named-pipe", "error", config=('authors_file = "a.yml"',),
         setup=lambda site: os.mkfifo(site.root / "a.yml"), path=r"feedpub\.toml", line=5,
         words=("a.yml", "not a file"), subprocess=True),
    # a folder setting with U+0000, which no file name can hold: named, not a traceback
    Case("entries-setting-nul", "error", config=(r'entries = "ent\u0000ries"',),
         path=r"feedpub\.toml", line=5, words=("entries", "U+0000"), code="FP003"),
    Case("output-setting-nul", "error", config=(r'output = "pub\u0000lic"',),
         path=r"feedpub\.toml", line=5, words=("output", "U+0000"), code="FP003"),
    Case("base-url-not-utf8", "error", args=("--base-url", "https://" + os.fsdecode(b"\xff") + "/"),
         path="--base-url", words=("base_url",)),
    # ---- output folder
    Case("output-inside-entries", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         config=('output = "entries/public"',), path=r"feedpub\.toml", line=5,
         words=("output",), code="FP006"),
    Case("out-inside-entries", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         args=("--out", "entries/sub"), path=r"--out", words=("entries/sub",)),
    Case("output-link-to-entries", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         config=('output = "alias"',), setup=_alias_to_entries, path=r"feedpub\.toml", line=5,
         words=("output",), code="FP006"),
    Case("output-is-a-file", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         config=('output = "blocker"',), setup=_blocker, path="blocker",
         words=("is a file", "'output' in the settings")),
    Case("output-parent-is-file", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         config=('output = "blocker/public"',), setup=_blocker, path=None, words=("blocker",)),
    Case("out-parent-is-file", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         args=("--out", "blocker/public"), setup=_blocker, path=None, words=("blocker",)),
    Case("out-is-a-file", "error", {"new.md": post("title: New", "date: 2025-05-01")},
         args=("--out", "blocker"), setup=_blocker, path=None, words=("blocker",)),
    # ---- Hugo: every page undated, so none is a post and no feed can be dated (was a traceback)
    Case("hugo-no-posts", "error", config=('dialect = "hugo"',),
         setup=lambda site: (site.entries / "good.md").write_text("---\ntitle: Page\n---\nP.\n"),
         path="entries", words=("no posts", "FP221"), code="FP005"),
    # ---- a cache that cannot be written does not stop a build
    Case("cache-is-a-file", "feeds", {"new.md": post("title: Cached", "date: 2025-05-01")},
         titles=("Cached",), setup=_cache_is_a_file),
]
# fmt: on


# --------------------------------------------------------------------------- running feedpub


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run(site: SiteDir, *args: str, in_subprocess: bool = False) -> Run:
    """Run the CLI in the site folder; fail on a traceback, an escaped exception or a hang."""
    if in_subprocess:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "feedpub", *args],
                cwd=site.root,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"feedpub {' '.join(args)} did not finish in {TIMEOUT} s")
        outcome = Run(done.returncode, done.stdout, done.stderr)
    else:
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            pytest.fail(f"exception escaped: {result.exception!r}\n{result.output}")
        outcome = Run(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
    return outcome


def tree_state(top: Path, site: SiteDir) -> dict[str, str]:
    """Every path below ``top`` → its kind and content hash, leaving out public/ and a cache
    folder beside it (the only places a build may write), and the empty lock file a build
    makes beside public/ when the cache folder cannot hold its lock."""
    skip = {site.public, site.root / CACHE}
    state = {}
    fallback_lock = site.public.parent / f".{site.public.name}.feedpub-lock"
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        for name in [*dirs, *files]:
            path = here / name
            if path.is_symlink():
                state[str(path.relative_to(top))] = "link " + os.readlink(path)
            elif (path in skip and path.is_dir()) or (
                path == fallback_lock and path.is_file() and path.stat().st_size == 0
            ):
                continue
            elif path.is_dir():
                state[str(path.relative_to(top))] = "dir"
            elif not path.is_file():  # a named pipe: reading it would wait forever
                state[str(path.relative_to(top))] = f"mode {path.stat().st_mode:o}"
            else:
                state[str(path.relative_to(top))] = hashlib.sha256(path.read_bytes()).hexdigest()
        dirs[:] = [d for d in dirs if here / d not in skip and not (here / d).is_symlink()]
    return state


def public_names(site: SiteDir) -> set[str]:
    return {str(p.relative_to(site.public)) for p in site.public.rglob("*")}


class _Unsafe(HTMLParser):
    """Finds what could run in a reader: script elements, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found.append("<script>")
        for name, value in attrs:
            plain = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or plain.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")


def unsafe_parts(html: str) -> list[str]:
    parser = _Unsafe()
    parser.feed(html)
    parser.close()
    found = parser.found
    if "<script" in html.lower():
        found.append("'<script' in the HTML")
    return found


def html_of(item: Any) -> list[str]:
    """The parts of a parsed feed item that a reader renders as HTML (content, and a summary
    that is HTML, as RSS descriptions are; an Atom text summary is shown as text)."""
    details = [*item.get("content", []), item.get("summary_detail")]
    return [d.value for d in details if d and "html" in (d.get("type") or "")]


def assert_feeds(site: SiteDir, titles: list[str], links: tuple[str, ...] = ()) -> None:
    """Both feeds parse cleanly and carry exactly ``titles``; nothing in them can run."""
    names = {n for n in public_names(site) if not CATEGORY_FEED.match(n)}
    assert names == PUBLIC_FILES, "stray files in public/"
    for name in FEEDS:
        parsed = feedparser.parse((site.public / name).read_bytes(), sanitize_html=False)
        assert parsed.bozo == 0, f"{name}: {parsed.get('bozo_exception')!r}"
        got = [item.get("title", "") for item in parsed.entries]
        assert sorted(got) == sorted(titles), name
        for link in links:
            assert link in [item.get("link") for item in parsed.entries], (name, link)
        for item in parsed.entries:
            for html in html_of(item):
                assert not unsafe_parts(html), (name, item.get("title"), unsafe_parts(html))


def assert_error(outcome: Run, case: Case) -> None:
    """Exit 1; one located line per problem, a summary last; the case's problem among them."""
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    lines = outcome.stderr.splitlines()
    assert lines, "no message"
    summary = SUMMARY.match(lines[-1])
    assert summary, f"last line is not the summary: {lines[-1]!r}"
    for line in lines[:-1]:
        assert LOCATED.match(line), f"not a 'path:line: message' line: {line!r}"
    problems = [line for line in lines[:-1] if not WARNING.match(line)]
    assert len(problems) == int(summary.group(1)), outcome.stderr
    line_part = f":{case.line}" if case.line else r"(:\d+)?"
    where = f"{ANYWHERE}{case.path or '[^:]+'}{line_part}: "
    matching = [
        line
        for line in problems
        if re.match(where, line) and all(word in line for word in case.words)
    ]
    assert matching, f"no problem line matching {where!r} with {case.words}:\n{outcome.stderr}"


def assert_code(site: SiteDir, case: Case) -> None:
    """`feedpub check --format json` reports the case's code at its path (and line)."""
    outcome = run(site, "check", "--format", "json", *case.args, in_subprocess=case.subprocess)
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    findings = json.loads(outcome.stdout)
    assert any(
        f["code"] == case.code
        and f["severity"] == "error"
        and re.fullmatch(ANYWHERE + (case.path or ".*"), f["path"] or "")
        and (case.line is None or f["line"] == case.line)
        for f in findings
    ), findings


# --------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_catalogue(site: SiteDir, case: Case, capfd: pytest.CaptureFixture[str]) -> None:
    site.entry("good.md", GOOD)
    assert run(site, "build").exit_code == 0
    before = site.snapshot()
    assert set(before) == PUBLIC_FILES
    if case.config:
        site.config(BASIC_CONFIG + "\n".join(case.config) + "\n")
    for name, content in case.files.items():
        site.entry(name, content() if callable(content) else content)
    if case.setup:
        case.setup(site)
    top = site.root.parent
    tree = tree_state(top, site)

    outcome = run(site, "build", *case.args, in_subprocess=case.subprocess)

    assert tree_state(top, site) == tree, "something outside public/ changed"
    assert not (top / "pwned").exists()
    captured = capfd.readouterr()
    assert "pwned" not in captured.out + captured.err + outcome.stdout + outcome.stderr
    ending = case.ending
    if ending == "either":
        assert outcome.exit_code in (0, 1), outcome.stderr
        ending = "feeds" if outcome.exit_code == 0 else "error"
    if ending == "feeds":
        assert outcome.exit_code == 0, outcome.stderr
        for line in outcome.stderr.splitlines():
            assert WARNING.match(line), f"not a warning: {line!r}"
        assert_feeds(site, ["Good", *case.titles], case.links)
        if case.warning:
            assert re.search(
                rf"^{case.path}:\d+: warning {case.warning}: ", outcome.stderr, re.MULTILINE
            ), outcome.stderr
    else:
        assert_error(outcome, case)
        assert site.snapshot() == before, "public/ changed"
        if case.code:
            assert_code(site, case)
            assert site.snapshot() == before
            assert tree_state(top, site) == tree


# --------------------------------------------------------------------------- unreadable entries

UNREADABLE = {
    "symlink-loop": (_link_loop, r"entries/[ab]\.md"),
    "symlink-to-itself": (_link_to_itself, r"entries/self\.md"),
    "symlink-folder-loop": (_folder_link_loop, r"entries/d[12]"),
    "entry-is-a-named-pipe": (_fifo, BAD),
    "entry-name-not-utf8": (_not_utf8_name, r"entries/bad\\xff\\xfe\.md"),
}


def assert_named(outcome: Run, command: str, path: str) -> None:
    """Exit 1, and a `path: message` line (`path: error FP101: message` from check)."""
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    code = " error FP101:" if command == "check" else ""
    shown = re.compile(rf"^{ANYWHERE}{path}:{code} ", re.MULTILINE)
    assert shown.search(outcome.stdout + outcome.stderr), outcome.stdout + outcome.stderr


@pytest.mark.parametrize("command", ["build", "check", "list"])
@pytest.mark.parametrize("name", list(UNREADABLE))
def test_every_command_names_an_entry_it_cannot_read(
    site: SiteDir, command: str, name: str
) -> None:
    """Not only `build`: `check` and `list` read the entries too, and end the same way."""
    site.entry("good.md", GOOD)
    setup, path = UNREADABLE[name]
    setup(site)
    assert_named(run(site, command, in_subprocess=True), command, path)


@pytest.mark.parametrize("command", ["build", "check", "list"])
def test_a_folder_that_cannot_be_read_is_named(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """EACCES on a folder among the entries (tests run as root, where chmod 000 stops
    nothing: os.scandir is made to fail as it does for another user)."""
    site.entry("good.md", GOOD)
    site.entry("locked/bad.md", GOOD)
    scandir = os.scandir

    def denied(path: Any = ".") -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    outcome = run(site, command)
    assert_named(outcome, command, "entries/locked")
    assert "Permission denied" in outcome.stdout + outcome.stderr


@pytest.mark.parametrize("command", ["build", "check", "list"])
def test_an_entry_replaced_by_a_named_pipe_after_listing_is_named(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A file replaced by a named pipe between listing and reading: an error, not a read that
    waits for a writer forever."""
    site.entry("good.md", GOOD)
    bad = site.entry("bad.md", post("title: Bad", "date: 2025-05-01"))
    list_entries = sys.modules["feedpub.scan"].list_entries

    def listing_then_swap(*args: Any, **keywords: Any) -> Any:
        listing = list_entries(*args, **keywords)
        bad.unlink()
        os.mkfifo(bad)
        return listing

    for module in ("feedpub.scan", "feedpub.pipeline._full"):  # where check, list, build look
        monkeypatch.setattr(sys.modules[module], "list_entries", listing_then_swap)
    done: list[Run] = []
    worker = threading.Thread(target=lambda: done.append(run(site, command)), daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive():
        os.close(os.open(bad, os.O_WRONLY | os.O_NONBLOCK))  # let the stuck read end
        worker.join(TIMEOUT)
        pytest.fail(f"feedpub {command} waited for a writer of the named pipe")
    assert_named(done[0], command, BAD)


def test_new_output_folder_can_be_served(site: SiteDir) -> None:
    """A first build makes public/ as `mkdir` would (mode 0o777 minus the umask), so a web
    server running as another user can read the feeds that are published from it."""
    site.entry("good.md", GOOD)
    umask = os.umask(0o022)
    try:
        assert run(site, "build").exit_code == 0
    finally:
        os.umask(umask)
    mode = stat.S_IMODE(site.public.stat().st_mode)
    assert mode == 0o755, f"public/ was made with mode {mode:#o}"
    for name in PUBLIC_FILES:
        assert stat.S_IMODE((site.public / name).stat().st_mode) == 0o644, name


# --------------------------------------------------------------------------- a full disk


class _Fault:
    """Raises ENOSPC from the ``nth`` file written (or fsync, or rename) in
    feedpub.pipeline._output on; a full disk stays full, so every later call of that kind
    fails too, unless ``once``."""

    def __init__(self, kind: str, nth: int, once: bool = False) -> None:
        self.kind, self.nth, self.once = kind, nth, once
        self.seen: list[object] = []
        self.fired = False

    def hit(self, kind: str, key: object = None) -> None:
        if kind != self.kind or (self.fired and self.once):
            return
        key = len(self.seen) if key is None else key
        if key not in self.seen:
            self.seen.append(key)
        if len(self.seen) >= self.nth:
            self.fired = True
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _Proxy:
    """A module whose named functions are replaced; everything else is the real module's."""

    def __init__(self, module: Any, **overrides: Any) -> None:
        self._module, self._overrides = module, overrides

    def __getattr__(self, name: str) -> Any:
        return self._overrides.get(name) or getattr(self._module, name)


class _FailingFile:
    """A writable file whose writes go through the fault first."""

    def __init__(self, handle: Any, fault: _Fault) -> None:
        self._handle, self._fault = handle, fault

    def write(self, data: Any) -> int:
        self._fault.hit("write", id(self))
        return self._handle.write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self) -> _FailingFile:
        self._handle.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _inject(monkeypatch: pytest.MonkeyPatch, fault: _Fault) -> None:
    """Route feedpub.pipeline._output's writes, fsyncs and renames through ``fault``."""

    def writable(mode: str) -> bool:
        return any(c in mode for c in "wax+")

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = open(file, mode, *args, **kwargs)  # noqa: SIM115
        return _FailingFile(handle, fault) if writable(mode) else handle

    def fake_fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = os.fdopen(fd, mode, *args, **kwargs)
        return _FailingFile(handle, fault) if writable(mode) else handle

    def fake_write(fd: int, data: bytes) -> int:
        fault.hit("write", ("fd", fd))
        return os.write(fd, data)

    def fake_fsync(fd: Any) -> None:
        fault.hit("fsync")
        os.fsync(fd)

    def renaming(real: Callable[..., Any]) -> Callable[..., Any]:
        def fake(*args: Any, **kwargs: Any) -> Any:
            fault.hit("rename")
            return real(*args, **kwargs)

        return fake

    def fake_named_temporary_file(*args: Any, **kwargs: Any) -> Any:
        return _FailingFile(tempfile.NamedTemporaryFile(*args, **kwargs), fault)

    class _Library:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._real = ctypes.CDLL(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            real = getattr(self._real, name)
            if name not in ("rename", "renameat", "renameat2"):
                return real

            def fake(*args: Any) -> int:
                try:
                    fault.hit("rename")
                except OSError:
                    ctypes.set_errno(errno.ENOSPC)
                    return -1
                return real(*args)

            return fake

    fake_os = _Proxy(
        os,
        write=fake_write,
        fdopen=fake_fdopen,
        fsync=fake_fsync,
        replace=renaming(os.replace),
        rename=renaming(os.rename),
    )
    monkeypatch.setattr(feedpub.pipeline._output, "os", fake_os)
    monkeypatch.setattr(feedpub.pipeline._output, "open", fake_open, raising=False)
    for name, module, overrides in (
        ("tempfile", tempfile, {"NamedTemporaryFile": fake_named_temporary_file}),
        ("ctypes", ctypes, {"CDLL": _Library}),
    ):
        if hasattr(feedpub.pipeline._output, name):
            monkeypatch.setattr(feedpub.pipeline._output, name, _Proxy(module, **overrides))


@pytest.mark.parametrize(
    ("kind", "nth", "once"),
    [
        ("write", 1, False),
        ("write", 2, False),
        ("write", 1, True),
        ("fsync", 1, False),
        ("fsync", 2, False),
        ("rename", 1, False),
        ("rename", 2, False),
    ],
    ids=[
        "write-1st",
        "write-2nd",
        "one-write-fails",
        "fsync-1st",
        "fsync-2nd",
        "rename-1st",
        "rename-2nd",
    ],
)
def test_full_disk(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch, kind: str, nth: int, once: bool
) -> None:
    """ENOSPC at a write, fsync or rename of a build: FeedpubError, public/ as it was, no
    temporary file left. `one-write-fails`: a single failed write (the disk frees up at once)
    must not be lost either, or a truncated feed goes out. A 2nd fault that never comes means
    the build made only one such call; then the build must simply succeed."""
    site.entry("good.md", GOOD)
    assert run(site, "build").exit_code == 0
    before = site.snapshot()
    site.entry("new.md", post("title: New", "date: 2025-05-01"))
    tree = tree_state(site.root.parent, site)
    fault = _Fault(kind, nth, once)
    with monkeypatch.context() as patch:
        _inject(patch, fault)
        try:
            feedpub.build(feedpub.load_site())
        except feedpub.FeedpubError as e:
            error: feedpub.FeedpubError | None = e
        else:
            error = None
    assert tree_state(site.root.parent, site) == tree, "a temporary file was left behind"
    if fault.fired or nth == 1:
        assert fault.fired, f"feedpub.pipeline._output made no {kind} call that could fail"
        assert error is not None, (
            f"ENOSPC was lost: no FeedpubError, and public/ now holds "
            f"{ {name: len(data) for name, (data, _) in site.snapshot().items()} } (bytes)"
        )
        assert "\n" not in str(error) and LOCATED.match(str(error)), str(error)
        assert site.snapshot() == before, "public/ changed"
    else:
        assert error is None, str(error)
        assert_feeds(site, ["Good", "New"])


# --------------------------------------------------------------------------- other commands


def _read_only(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """Make ``open`` in ``module`` fail as on a read-only file system, for files called
    ``name`` (root passes every permission check, and a read-only mount needs privileges)."""

    def refusing(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if Path(file).name == name and any(c in mode for c in "wax+"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return open(file, mode, *args, **kwargs)

    monkeypatch.setattr(module, "open", refusing, raising=False)


def test_new_and_init_where_a_file_is_in_the_way(site: SiteDir) -> None:
    """A file named `entries` where `new` and `init` make the entries folder: FP008 naming
    it, exit 1, nothing written (init's feedpub.toml is not left half-done)."""
    shutil.rmtree(site.entries)
    site.entries.write_text("a file, not a folder\n")
    outcome = run(site, "new", "Hello")
    assert outcome.exit_code == 1, outcome.stderr
    assert re.match(rf"{ANYWHERE}entries: cannot make the folder", outcome.stderr), outcome.stderr
    other = site.root / "other"
    other.mkdir()
    (other / "entries").write_text("a file\n")
    outcome = run(site, "init", "other")
    assert outcome.exit_code == 1, outcome.stderr
    assert "other/entries: cannot make the folder" in outcome.stderr, outcome.stderr
    assert sorted(p.name for p in other.iterdir()) == ["entries"]


def test_new_and_init_on_a_read_only_file_system(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EROFS writing the new entry, or init's example entry after its feedpub.toml: FP008,
    exit 1, and no file left behind."""
    import feedpub.authoring

    _read_only(monkeypatch, feedpub.authoring, "2025-05-01-hello.md")
    outcome = run(site, "new", "Hello", "--date", "2025-05-01")
    assert outcome.exit_code == 1, outcome.stderr
    assert "cannot write the file (Read-only file system)" in outcome.stderr, outcome.stderr
    assert list(site.entries.iterdir()) == []
    _read_only(monkeypatch, feedpub.authoring, "hello-feeds.md")
    outcome = run(site, "init", "fresh")
    assert outcome.exit_code == 1, outcome.stderr
    assert "hello-feeds.md: cannot write the file" in outcome.stderr, outcome.stderr
    assert not (site.root / "fresh" / "feedpub.toml").exists(), "init left half a site"


def test_clean_on_a_read_only_file_system(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache that cannot be removed: FP006 naming it, exit 1, no traceback."""
    site.entry("good.md", GOOD)
    assert run(site, "build").exit_code == 0
    unlink = Path.unlink

    def refusing(path: Path, *args: Any, **kwargs: Any) -> None:
        if CACHE in path.parts:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", refusing)
    monkeypatch.setattr(shutil, "rmtree", refusing)
    outcome = run(site, "clean")
    assert outcome.exit_code == 1, outcome.stderr
    assert re.match(rf"{ANYWHERE}\.feedpub-cache: cannot remove the cache", outcome.stderr)


def test_an_output_folder_that_is_a_mount_point_is_named(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """public/ as a mount point (a container volume): the files staged beside it cannot be
    linked or renamed across file systems (EXDEV, made here without privileges). The error
    names the output folder and says what to do, not a staging folder's file."""
    site.entry("good.md", GOOD)
    assert run(site, "build").exit_code == 0
    before = site.snapshot()
    site.entry("new.md", post("title: New", "date: 2025-05-01"))

    def cross_device(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(args[0]), str(args[1]))

    # No atomic swap across file systems, then each file's rename fails: as on a real mount
    monkeypatch.setattr(feedpub.pipeline._output, "_exchange", lambda a, b: False)
    monkeypatch.setattr(
        feedpub.pipeline._output, "os", _Proxy(os, link=cross_device, replace=cross_device)
    )
    outcome = run(site, "build")
    assert outcome.exit_code == 1, outcome.stderr
    assert re.match(rf"{ANYWHERE}public: .*mount point.*a folder inside it", outcome.stderr)
    assert site.snapshot() == before


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("hugo.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("hugo.json", '{"x": ' + "[" * 5000 + "]" * 5000 + "}\n"),
        ("hugo.json", '{"title": "\\ud800 half", "baseURL": "https://example.org/"}\n'),
    ],
    ids=["toml-nested-deep", "json-nested-deep", "json-lone-surrogate"],
)
def test_init_from_a_hugo_config_it_cannot_read(site: SiteDir, name: str, text: str) -> None:
    """`init --from hugo` on a configuration no parser can take: FP001 naming it, no file."""
    other = site.root / "hugo-site"
    other.mkdir()
    (other / name).write_text(text)
    outcome = run(site, "init", "--from", "hugo", "hugo-site")
    assert outcome.exit_code == 1, outcome.stderr
    assert f"hugo-site/{name}: cannot read it" in outcome.stderr, outcome.stderr
    assert not (other / "feedpub.toml").exists()
