"""Hostile input, generated: whatever the front matter values and Markdown bodies, a build ends
in one of the two endings of the product rule, never anything else.

- exit 0: both feeds parse with feedparser (bozo == 0), one item per entry (drafts and future
  entries included with --drafts --future), every title present as non-empty plain text, and no
  script, event handler or javascript: URL in any content;
- exit 1: every stderr line but the last is `path[:line]: message`, and the public/ of the
  previous good build is unchanged (bytes and mtimes).

Each example copies a site built once (one good entry; copies keep modification times) into a
fresh temporary folder, adds its entries there and runs the CLI in-process.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from feedpub.cli import main

from ..conftest import BASIC_CONFIG
from .test_catalogue import FEEDS, GOOD, html_of, unsafe_parts

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,  # keep no example database in the repository
    # A failing run shrinks one failure (not each kind) and skips the slow "explain" phase.
    report_multiple_bugs=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LOCATED = re.compile(r"^[^:]+(:\d+)?: ")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ABSENT = object()

# --------------------------------------------------------------------------- strategies

_FRAGMENTS = (
    "]]>",
    "<![CDATA[",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
    "<!--more-->",
    "<!--",
    "-->",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href=' jav&#x09;ascript:alert(1)'>y</a>",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "&",
    "&amp;",
    "&#0;",
    "&#xFFFE;",
    "<",
    ">",
    '"',
    "'",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x0c",
    "\x7f",
    "\x85",
    "\ufffe",
    "\uffff",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\n---\n",
    "---",
    "*",
    "_",
    "`",
    "```\n",
    "# ",
    "    ",
    "- ",
    "1. ",
    "> ",
    "|a|b|\n|-|-|\n",
    "{slug}",
    "%s",
    ": ",
    " #",
    "&a ",
    "*a ",
    "!!python/object/apply:os.system ['echo pwned']",
    "![i](x.png)",
    "[rel](../x.md)",
    "\\",
    "\t",
)
# Drawn by index: a strategy's repr holding all of them is long enough to draw a warning.
FRAGMENTS = st.sampled_from(range(len(_FRAGMENTS))).map(_FRAGMENTS.__getitem__)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
TEXT = st.lists(st.one_of(ANY_TEXT, FRAGMENTS), max_size=4).map("".join)
PLAIN_WORDS = st.text(
    st.characters(categories=("Lu", "Ll", "Lo", "Nd"), exclude_characters="\ufffe\uffff"),
    min_size=1,
    max_size=12,
)
TITLE_TEXT = st.lists(PLAIN_WORDS, min_size=1, max_size=4).map(" ".join)
SCALARS = st.one_of(
    TEXT,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
ZONES = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=11))]
)
GOOD_DATES = st.one_of(
    st.dates(min_value=date(1000, 1, 2), max_value=date(9998, 12, 30)),
    st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=ZONES),
    st.sampled_from(
        ["2025-05-01 09:30", "2025-05-01T09:30:00+02:00", "Thu, 01 May 2025 09:30:00 +0200"]
    ),
)
AUTHORS = st.one_of(
    st.fixed_dictionaries({"name": TEXT}, optional={"email": TEXT, "uri": TEXT}),
    st.lists(TEXT, max_size=3),
    VALUES,
)
GOOD_AUTHORS = st.sampled_from(
    ["Jane Doe <jane@example.com>", "jane@example.com (Jane)", "Jane", "Ünïcödé Ñame"]
)
TERMS = st.one_of(TEXT, VALUES)
SLUGS = st.one_of(TEXT, VALUES)
GOOD_SLUGS = st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True)


def weighted(*choices: tuple[int, Any]) -> st.SearchStrategy[Any]:
    """One of the strategies (or ABSENT: the key left out), each ``weight`` times as likely.
    (st.one_of would drop repeated strategies, so the choice is drawn as an index.)"""
    options = [st.just(s) if s is ABSENT else s for weight, s in choices for _ in range(weight)]
    return st.integers(0, len(options) - 1).flatmap(options.__getitem__)


# Mostly values that are fine, so that builds often succeed and their feeds get checked.
FRONT_MATTER = st.fixed_dictionaries(
    {
        "title": weighted((6, TITLE_TEXT), (1, TEXT), (1, VALUES)),
        "date": weighted((8, GOOD_DATES), (1, TEXT), (1, VALUES)),
        "author": weighted((3, ABSENT), (2, GOOD_AUTHORS), (1, AUTHORS)),
        "categories": weighted((3, ABSENT), (2, st.lists(TEXT, max_size=4)), (1, TERMS)),
        "tags": weighted((3, ABSENT), (2, st.lists(TEXT, max_size=4)), (1, TERMS)),
        "summary": weighted((3, ABSENT), (2, TEXT), (1, VALUES)),
        "slug": weighted((6, ABSENT), (2, GOOD_SLUGS), (1, SLUGS)),
        "draft": weighted((6, ABSENT), (2, st.booleans()), (1, VALUES)),
    }
).map(lambda meta: {k: v for k, v in meta.items() if v is not ABSENT})
BODY = st.lists(st.one_of(ANY_TEXT, FRAGMENTS), max_size=10).map("".join)


@st.composite
def entry_files(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """An entry file, and the title a reader must show when it is unambiguous plain text."""
    meta = draw(FRONT_MATTER)
    dumped = draw(st.booleans())
    if dumped:  # YAML written by a dumper: valid YAML, any value types
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    else:  # written by hand: whatever text the values make, valid YAML or not
        front = "".join(f"{key}: {value}\n" for key, value in meta.items())
    text = f"---\n{front}---\n{draw(BODY)}"
    title = meta.get("title")
    expected = None
    if dumped and isinstance(title, str):
        plain = " ".join(XML_ILLEGAL.sub("", title).split())
        if plain and all(c.isalnum() or c == " " for c in plain):
            expected = plain
    return text.encode("utf-8", "surrogatepass"), expected


SITES = st.lists(entry_files(), min_size=1, max_size=3)


# --------------------------------------------------------------------------- the property


def snapshot(public: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(public)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(public.rglob("*"))
        if p.is_file()
    }


def build(*args: str) -> Any:
    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"exception escaped: {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with one good entry, built once: each example starts from a copy of it."""
    root = tmp_path_factory.mktemp("template")
    (root / "feedpub.toml").write_text(BASIC_CONFIG, encoding="utf-8")
    (root / "entries").mkdir()
    (root / "entries" / "good.md").write_text(GOOD, encoding="utf-8")
    with contextlib.chdir(root):
        assert build().exit_code == 0
    return root


@SETTINGS
@given(files=SITES)
def test_any_front_matter_and_body_ends_cleanly(
    template: Path, files: list[tuple[bytes, str | None]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        # copy2 keeps modification times; the cache is left behind so each example starts cold
        shutil.copytree(template, root, ignore=shutil.ignore_patterns(".feedpub-cache"))
        entries = root / "entries"
        public = root / "public"
        before = snapshot(public)
        for number, (data, _) in enumerate(files):
            (entries / f"e{number}.md").write_bytes(data)

        with contextlib.chdir(root):
            result = build("--drafts", "--future")

        assert [p.name for p in Path(tmp).iterdir()] == ["site"], "a file written beside site/"
        assert sorted(p.name for p in root.iterdir()) in (
            ["entries", "feedpub.toml", "public"],
            [".feedpub-cache", "entries", "feedpub.toml", "public"],
        ), "a file was written outside the output folder"
        assert sorted(p.name for p in entries.iterdir()) == sorted(
            ["good.md", *(f"e{number}.md" for number in range(len(files)))]
        ), "a file was written into entries/"
        event(f"exit {result.exit_code}")  # shown by --hypothesis-show-statistics
        if result.exit_code == 1:
            lines = result.stderr.splitlines()
            assert lines, "exit 1 without a message"
            for line in lines[:-1]:
                assert LOCATED.match(line), f"not 'path[:line]: message': {line!r}"
            assert snapshot(public) == before, "a failed build changed public/"
            return
        titles = [expected for _, expected in files if expected is not None]
        for name in FEEDS:
            parsed = feedparser.parse((public / name).read_bytes(), sanitize_html=False)
            assert parsed.bozo == 0, f"{name}: {parsed.get('bozo_exception')!r}"
            assert len(parsed.entries) == len(files) + 1, name
            shown = [item.get("title", "") for item in parsed.entries]
            assert all(title.strip() for title in shown), (name, shown)
            for title in [*titles, "Good"]:
                assert title in shown, (name, title, shown)
            for item in parsed.entries:
                for html in html_of(item):
                    assert not unsafe_parts(html), (name, unsafe_parts(html))
