"""The quick front matter path gives exactly what PyYAML's loader gives, or declines."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
import yaml

from feedpub.scan import _yaml as yamlevents

sys_random = random.Random(20261125)

# Pieces a writer puts in front matter, with YAML's traps among them: values that resolve to
# booleans, numbers, nulls and dates (YAML 1.1, as PyYAML reads it), quotes, escapes, colons,
# comments, anchors and aliases, tags, merge keys, nested mappings and block scalars.
KEYS = ["title", "date", "author", "tags", "yes", "on", "1", "~", "<<", "=", "'quoted key'", "a b"]
SCALARS = [
    "Hello",
    "Hello world",
    '"Quoted: with colon"',
    "'single ''quoted'''",
    '"escape \\t and \\u00e9"',
    "yes",
    "No",
    "on",
    "off",
    "true",
    "False",
    "~",
    "null",
    "",
    "12",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "3.5",
    ".inf",
    "-.Inf",
    ".nan",
    "1e3",
    "190:20:30",
    "2025-05-01",
    "2025-05-01 10:00:00",
    "2025-05-01T10:00:00+02:00",
    "2025-05-01T10:00:00",
    "2025-05-01t10:00:00",
    "2025-5-1 1:00:00",
    "2025-05-01  10:00:00",
    "2025-05-01 10:00:00.25",
    "2025-05-01 10:00:00Z",
    "2025-02-30 10:00:00",
    "2025-02-30",
    "2025-05-01 24:00:00",
    "12025-05-01 10:00:00",
    "2025-13-45",
    "0000-01-01",
    "=",
    "<<",
    "- not a list",
    "a # comment",
    "a#b",
    "Tom & Jerry",
    "Ünïcode ✓",
    "&anchor value",
    "*alias",
    "!!str 12",
    "!custom x",
    "! x",
    "[a, b, 'c d', 2]",
    "[]",
    "{name: X, email: x@example.org}",
    "{}",
    "|\n  block\n  text",
    ">-\n  folded\n  text",
    "multi\n  line plain",
    "[unclosed",
    '"unclosed',
    "a: b",
]
ITEMS = ["a", "2", "yes", '"q"', "{name: A}", "[x]", "&x y", "*x", "- nested", ""]


def random_document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 6)):
        key = rng.choice(KEYS)
        if rng.random() < 0.25:
            indent = rng.choice(["", "  "])
            items = [f"{indent}- {rng.choice(ITEMS)}" for _ in range(rng.randint(0, 3))]
            lines.append(f"{key}:")
            lines += items
        elif rng.random() < 0.1:
            lines.append(f"{key}:\n  name: {rng.choice(SCALARS[:4])}\n  email: a@b.c")
        else:
            lines.append(f"{key}: {rng.choice(SCALARS)}")
        if rng.random() < 0.05:
            lines.append(rng.choice(["# comment", "---", "...", "%YAML 1.1", "  indented: x"]))
    return "\n".join(lines)


def full_load(text: str, text_keys: frozenset[str] = frozenset()):
    """What PyYAML's loader gives, or the error type it raises."""
    try:
        if text_keys:
            return yaml.load(text, Loader=yamlevents.loader(text_keys))
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except Exception as e:  # any failure: the quick path must decline
        return type(e)


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == True == 1.0 in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(k, j) and same(a[k], b[j]) for k, j in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    if isinstance(a, datetime):
        return a == b and a.tzinfo == b.tzinfo
    return a == b


def test_random_documents_load_as_pyyaml_loads_them_or_are_declined():
    taken = 0
    for _ in range(20_000):
        text = random_document(sys_random)
        quick = yamlevents.load(text)
        if quick is None:
            continue
        taken += 1
        expected = full_load(text)
        assert same(quick, expected), text
    # Most documents use only the simple shapes: the quick path must take them.
    assert taken > 3_000


#: Keys read as text in the tests below ("Title" too: keys are compared in lower case).
TEXT_KEYS = frozenset({"title", "author", "tags"})


def test_with_text_keys_random_documents_load_as_the_text_keys_loader_loads_them():
    """Both paths read a text key's plain scalars as their text, and nothing else."""
    taken = 0
    for _ in range(20_000):
        text = random_document(sys_random)
        quick = yamlevents.load(text, TEXT_KEYS)
        if quick is None:
            continue
        taken += 1
        assert same(quick, full_load(text, TEXT_KEYS)), text
    assert taken > 3_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: 3.10\nTags: [010, NO, 2025-05-01, ~, x]\nother: 010\n",
            # "other" is no text key: YAML's number
            {"title": "3.10", "Tags": ["010", "NO", "2025-05-01", None, "x"], "other": 8},
        ),
        (
            "author:\n  name: 1984\n  email: a@b.c\ntags:\n  - 1e3\n  - [0x1F]\n",
            {"author": {"name": "1984", "email": "a@b.c"}, "tags": ["1e3", ["0x1F"]]},
        ),
        ("title: 2025-02-30\n", {"title": "2025-02-30"}),  # no date: nothing impossible
    ],
)
def test_text_keys_keep_the_text_as_written(text, expected):
    quick = yamlevents.load(text, TEXT_KEYS)
    assert same(quick, expected)
    assert same(full_load(text, TEXT_KEYS), expected)


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {name: 007}\nauthor:\n  <<: *b\n",  # merged in: still the author's name
        "x: &x 010\ntitle: *x\n",  # an alias: the title is text, x still a number
        "title: !!int 010\n",
        "tags: &t [1, *t]\n",  # a list holding itself
    ],
)
def test_the_full_loader_keeps_the_text_of_text_keys_where_the_quick_path_declines(text):
    assert yamlevents.load(text, TEXT_KEYS) is None
    loaded = full_load(text, TEXT_KEYS)
    if "author" in loaded:
        assert loaded["author"] == {"name": "007"}
    if "title" in loaded:
        assert loaded["title"] == "010"
        assert loaded.get("x", 8) == 8
    if "tags" in loaded:
        assert loaded["tags"][0] == "1"
        assert loaded["tags"][1] is loaded["tags"]


@pytest.mark.parametrize(
    "text",
    [
        "title: Hello\ndate: 2025-05-01 10:00:00\ntags: [a, b]\ncategories:\n  - Business\n",
        'title: "Quoted: title"\nauthor: Jane <jane@example.org>\ndraft: yes\n',
        "title: T\nauthors:\n  - name: A\n    email: a@example.org\n  - B\n",
        "title: T\ndate: 2025-05-01\nweight: 3\nscore: 1.5\nsummary: ~\n",
    ],
)
def test_usual_front_matter_takes_the_quick_path(text):
    quick = yamlevents.load(text)
    assert quick is not None
    assert same(quick, full_load(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "base: &b {x: 1}\nother:\n  <<: *b\n",  # merge keys
        "title: !!str 12\n",  # tags
        "? [complex]\n: key\n",  # a list as a key
        "title: x\n---\ntitle: y\n",  # two documents: the loader's error
        "- a\n- b\n",  # a list, not a mapping
        "title: [unclosed\n",  # invalid: the loader gives the message
        "a:\n  b:\n    c:\n      d: 1\n",  # deeper than front matter nests
        "",  # empty: the loader says None
    ],
)
def test_other_documents_are_left_to_the_full_loader(text):
    assert yamlevents.load(text) is None


def test_dates_and_times_are_pyyaml_s():
    loaded = yamlevents.load("a: 2025-05-01\nb: 2025-05-01 10:00:00 +02:00\n")
    assert loaded == full_load("a: 2025-05-01\nb: 2025-05-01 10:00:00 +02:00\n")
    assert type(loaded["a"]) is date
    assert loaded["b"].utcoffset().total_seconds() == 7200


@pytest.mark.parametrize(
    "value",
    [
        "2025-05-01",
        "2025-12-31 23:59:59",
        "2025-05-01T10:00:00",
        "2025-05-01t00:00:00",
        "0001-01-01 00:00:00",
        "2024-02-29 12:00:00",
    ],
)
def test_plain_dates_built_directly_are_pyyaml_s(value):
    # The quick path for the usual dates: the same value, type and (no) time zone.
    loaded = yamlevents.load(f"d: {value}\n")["d"]
    expected = full_load(f"d: {value}\n")["d"]
    assert (loaded, type(loaded)) == (expected, type(expected))
    assert getattr(loaded, "tzinfo", None) is None


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01 10:00:00", "2025-05-01 24:00:00"])
def test_impossible_dates_go_to_the_full_loader_for_its_message(value):
    assert yamlevents.load(f"d: {value}\n") is None
    assert full_load(f"d: {value}\n") is ValueError


@pytest.mark.parametrize(
    "text",
    [
        "title: Hello\ndate: 2025-05-01\ntags:\n  - a\n  - b\n# a comment\nsummary: S\n",
        "\"quoted\": 1\n'single': 2\nplain key: 3\ntitle: a\ntitle: again\n",
        "author:\n  name: A\n  email: a@example.org\ndraft: yes\n",
    ],
)
def test_key_lines_are_those_the_line_scan_finds(text):
    """Messages name the line of a key; the quick path reads it from the parser."""
    from feedpub.scan._frontmatter import front_matter_lines as _key_lines

    loaded = yamlevents.load_with_lines(text)
    assert loaded is not None
    assert loaded[1] == _key_lines(text, 0)


def test_key_lines_count_file_lines_when_yaml_sees_other_line_breaks(tmp_path):
    """libyaml also breaks lines at U+2028, U+2029, NEL and a lone CR: messages must still
    name the file's line."""
    from feedpub.config import load_site
    from feedpub.scan._entry import read_entry

    (tmp_path / "entries").mkdir()
    (tmp_path / "feedpub.toml").write_text(
        'title = "T"\nbase_url = "https://example.org/"\ndescription = "d"\n', encoding="utf-8"
    )
    path = tmp_path / "entries" / "post.md"
    path.write_text(
        '---\ntitle: "a\u2028b"\ndate: 2025-05-01\ntitel: typo\n---\nBody\n', encoding="utf-8"
    )
    _, warnings = read_entry(path, load_site(tmp_path / "feedpub.toml"))
    typo = [w for w in warnings if w.code == "FP203"]
    assert typo and typo[0].line == 4
