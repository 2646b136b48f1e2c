"""Every mistake a user can make, through the CLI: exit 1, `path:line: message` with the right
line, plain words (no exception class names), and the previous feeds left untouched."""

from __future__ import annotations

import random
import re
import shutil

import pytest
from lxml import etree

from .conftest import PUBLIC_FILES, SiteDir

GOOD = "---\ntitle: Good\ndate: 2025-01-01\n---\nFine.\n"
JARGON = re.compile(
    r"Traceback|[A-Z]\w*(Error|Exception)\b|\bscalar\b|\btoken\b|end of stream|\bNone\b"
)
CONFIG = [
    'title = "Test Site"',
    'base_url = "https://example.org/"',
    'description = "Entries for tests"',
    'timezone = "UTC"',
]


@pytest.fixture
def built(site: SiteDir):
    """A site with one good entry, built once: the snapshot of public/ a failed build keeps."""
    site.entry("good.md", GOOD)
    result = site.run("build")
    assert result.exit_code == 0, result.output
    before = site.snapshot()
    assert set(before) == PUBLIC_FILES
    return before


def fails(site: SiteDir, before, *args: str) -> str:
    """Run a build that must fail cleanly; return what it printed."""
    result = site.run("build", *args)
    assert result.exit_code == 1, result.output
    assert not JARGON.search(result.output), result.output
    assert site.snapshot() == before
    return result.output


def reported(output: str, where: str) -> str:
    """The one printed problem that starts with ``where`` (``path:line: ``)."""
    found = [line for line in output.splitlines() if line.startswith(where)]
    assert len(found) == 1, f"expected one line starting {where!r} in:\n{output}"
    return found[0]


def post(*lines: str) -> str:
    return "\n".join(["---", *lines, "---", "Body.\n"])


# --------------------------------------------------------------------------- entry files


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        # line 1 is the opening '---', so the first key is on line 2
        (post('title: "Hello', "date: 2025-05-01"), 2, ["quote"]),
        (post("title: Hello", " date: 2025-05-01"), 3, ["indent"]),
        (post("title: Hello", "tags:", "  - a", " - b", "date: 2025-05-01"), 5, ["indent"]),
        (post("title: Hello", "tags:", "\t- a", "date: 2025-05-01"), 4, ["tab"]),
        (post("date: 2025-05-01"), 1, ["title"]),
        (post("title: Hello"), 1, ["date"]),
        (post("title: Hello", "date: next tuesday"), 3, ["date", "next tuesday"]),
        (post("title: Hello", "date: 20250501"), 3, ["date", "number"]),
        (post("title: Hello", "date: 2025-05-01", "categories: {a: 1}"), 4, ["categories"]),
        (post("title: Hello", "date: 2025-05-01", 'draft: "no"'), 4, ["draft", "true or false"]),
        (post("title: [a, b]", "date: 2025-05-01"), 2, ["title", "text"]),
        (post("- title", "- date"), 2, ["list"]),
        (post("just some words"), 2, ["key: value"]),
        ("Just a body, no front matter.\n", 1, ["front matter"]),
        ("---\ntitle: Hello\ndate: 2025-05-01\n\nBody.\n", 1, ["front matter", "---"]),
        ("", 1, ["front matter"]),
        (post("title: Café", "date: 2025-05-01").encode("latin-1"), 2, ["UTF-8"]),
        (post("title: Café", "date: 2025-05-01").encode("utf-16"), 1, ["UTF-8"]),
        (post("title: Hello", "date: 2025-05-01").encode("utf-16-le"), 1, ["UTF-8"]),
        (post("title: Hello", "date: next tuesday").replace("\n", "\r\n").encode(), 3, ["date"]),
        (b"\xef\xbb\xbf" + post("title: Hello", "date: next tuesday").encode(), 3, ["date"]),
        # after a byte order mark, the line and the byte that cannot be read are the file's
        (
            b"\xef\xbb\xbf" + post("title: Caf\xe9", "date: 2025-05-01").encode("latin-1"),
            2,
            ["0xe9"],
        ),
    ],
    ids=[
        "unclosed-quote",
        "indented-key",
        "misaligned-list",
        "tab-indent",
        "missing-title",
        "missing-date",
        "unparseable-date",
        "date-number",
        "categories-mapping",
        "draft-string",
        "title-list",
        "front-matter-list",
        "front-matter-scalar",
        "no-front-matter",
        "unclosed-front-matter",
        "empty-file",
        "latin-1",
        "utf-16",
        "utf-16-le-no-bom",
        "crlf-bad-date",
        "bom-bad-date",
        "bom-latin-1",
    ],
)
def test_entry_mistake(site, built, text, line, words):
    site.entry("bad.md", text)
    message = reported(fails(site, built), f"entries/bad.md:{line}: ")
    for word in words:
        assert word in message


def test_problems_in_several_files_are_all_reported(site, built):
    site.entry("a.md", post("date: 2025-05-01"))
    site.entry("b.md", post("title: B", "date: next tuesday"))
    site.entry("c.md", post("title: Café", "date: 2025-05-01").encode("latin-1"))
    site.entry("d.md", post("title: [x]", "date: 2025-05-01", 'draft: "no"'))
    output = fails(site, built)
    assert "title" in reported(output, "entries/a.md:1: ")
    assert "next tuesday" in reported(output, "entries/b.md:3: ")
    assert "UTF-8" in reported(output, "entries/c.md:2: ")
    assert "title" in reported(output, "entries/d.md:2: ")  # every problem of one file, too
    assert "draft" in reported(output, "entries/d.md:4: ")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("[Good, {a: b}, Fine]", "item 2 is a mapping ({a: b})"),
        ("[[x, 010], [y]]", "item 1 is a list ([x, 010]) and item 2 is a list ([y])"),
        ("\n  - Good\n  -\n  - [3.10]", "item 2 is empty and item 3 is a list ([3.10])"),
        # (a line break in a key stays in the one line of the message, escaped)
        ('\n  - "a\\rb": c', "item 1 is a mapping ({'a\\rb': c})"),
    ],
    ids=["mapping", "nested-lists", "block-list", "line-break"],
)
def test_a_bad_item_of_a_list_is_named_once(site, built, value, what):
    site.entry("bad.md", post("title: Hello", "date: 2025-05-01", f"categories: {value}"))
    output = fails(site, built)
    assert reported(output, "entries/bad.md:").startswith(
        f"entries/bad.md:4: categories: {what}, not text; write each item as text, e.g. "
    )


def _png() -> bytes:
    """A real PNG (16 by 16, grey), as a picture saved with a .md name would be."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * 16 for _ in range(16))
    header = struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (_png(), "a PNG image"),
        (bytes(random.Random(15).randbytes(4096)), "binary data"),
        (bytes(random.Random(16).randbytes(4096)).replace(b"\x00", b"\x01"), "binary data"),
        (b"\x00" * 64, "binary data"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    ],
    ids=["png", "random", "random-without-nul", "nul-bytes", "pdf"],
)
def test_a_binary_file_is_called_binary_not_text(site, built, data, kind):
    site.entry("bad.md", data)
    message = reported(fails(site, built), "entries/bad.md:1: ")
    assert message.startswith(f"entries/bad.md:1: file is {kind}, not text; ")
    assert "UTF-16" not in message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_still_called_utf16(site, built, codec):
    site.entry("bad.md", post("title: Ça va", "date: 2025-05-01").encode(codec))
    message = reported(fails(site, built), "entries/bad.md:1: ")
    assert message == "entries/bad.md:1: file is UTF-16 text; save it as UTF-8"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2025-01-01T25:00:00", "hour must be in 0..23"),
        ("2025-01-01 10:61:00", "minute must be in 0..59"),
        ("2025-01-01T10:00:00+25:00", "its time zone offset is 24 hours or more"),
        ("2025-13-01", "month must be in 1..12"),  # as before: the others now match it
    ],
)
def test_a_time_that_cannot_exist_is_a_date_problem_with_the_hint(site, built, value, why):
    site.entry("bad.md", post("title: Hello", f"updated: {value}", "date: 2025-01-01"))
    message = reported(fails(site, built), "entries/bad.md:3: ")
    assert message == (
        f"entries/bad.md:3: updated '{value}' is not a real date ({why}); "
        "write 2025-05-01 or 2025-05-01T09:30:00+02:00"
    )
    findings = site.run("check", "--format", "json").stdout
    assert '"code": "FP105"' in findings and "FP106" not in findings


def test_duplicate_id(site, built):
    # Same slug and date: the same link and id, so readers would see one story.
    site.entry("a.md", post("title: A", "date: 2025-05-01", "slug: same"))
    site.entry("b.md", post("title: B", "date: 2025-05-01", "slug: same"))
    output = fails(site, built)
    found = [line for line in output.splitlines() if re.match(r"entries/[ab]\.md:4: ", line)]
    assert len(found) == 1, output  # one mistake, one message
    assert re.search(r"\b[ab]\.md\b", found[0][len("entries/a.md:4: ") :])  # names the other


def test_empty_entries_folder(site, built):
    (site.entries / "good.md").unlink()
    output = fails(site, built)
    assert "entries" in output
    assert "no entries" in output


def test_missing_entries_folder(site, built):
    shutil.rmtree(site.entries)
    output = fails(site, built)
    assert "entries" in output
    assert "does not exist" in output


# --------------------------------------------------------------------------- configuration


def test_missing_base_url(site, built):
    (site.root / "feedpub.toml").unlink()
    output = fails(site, built)
    assert "base_url" in output
    assert "--base-url" in output
    result = site.run("build", "--base-url", "https://x.org/")
    assert result.exit_code == 0, result.output
    channel = etree.fromstring((site.public / "feed.xml").read_bytes()).find("channel")
    assert channel.findtext("link") == "https://x.org/"


def test_unknown_config_key(site, built):
    site.config("\n".join([*CONFIG[:2], 'descripton = "Oops"', *CONFIG[3:]]))
    message = reported(fails(site, built), "feedpub.toml:3: ")
    assert "descripton" in message
    assert "'description'" in message


@pytest.mark.parametrize(
    ("setting", "line", "words"),
    [
        ('timezone = "Mars/Base"', 4, ["Mars/Base", "time zone"]),
        ('timezone = "Europe"', 4, ["'Europe' is not an IANA time zone name"]),
        ("limit = -1", 5, ["limit", "-1"]),
        ('base_url = "example.com"', 2, ["example.com", "https://"]),
        ('base_url = "https://example.org/blog/?utm=1"', 2, ["query", "https://example.org/blog/"]),
        ('base_url = "https://example.org/#top"', 2, ["fragment", "alone: https://example.org/"]),
        ('base_url = "https://example.org:99999/"', 2, [":99999", "not an absolute web address"]),
        ('base_url = "https://example.org:http/"', 2, [":http", "not an absolute web address"]),
        ('base_url = "https://[::1/"', 2, ["[::1", "not an absolute web address"]),
        ('language = "english!"', 5, ["english!", "language"]),
        ('permalink = "/{year}/{month}/"', 5, ["{slug}"]),
    ],
    ids=[
        "timezone",
        "timezone-a-folder-of-zones",
        "limit",
        "base-url",
        "base-url-query",
        "base-url-fragment",
        "base-url-port-out-of-range",
        "base-url-port-not-a-number",
        "base-url-ipv6-unclosed",
        "language",
        "permalink",
    ],
)
def test_bad_config_value(site, built, setting, line, words):
    key = setting.split(" =")[0]
    lines = [setting if text.startswith(key + " ") else text for text in CONFIG]
    site.config("\n".join(lines if setting in lines else [*lines, setting]))
    message = reported(fails(site, built), f"feedpub.toml:{line}: ")
    for word in words:
        assert word in message


def test_pyproject_bad_key(site, built):
    (site.root / "feedpub.toml").unlink()
    site.config(
        "\n".join(["[project]", 'name = "my-site"', "", "[tool.feedpub]", *CONFIG, "limt = 5"]),
        name="pyproject.toml",
    )
    message = reported(fails(site, built), "pyproject.toml:9: ")
    assert "limt" in message
    assert "'limit'" in message


def test_output_folder_is_the_entries_folder(site, built):
    site.config("\n".join([*CONFIG, 'output = "entries"']))
    message = reported(fails(site, built), "feedpub.toml:5: ")
    assert "output" in message
    assert sorted(p.name for p in site.entries.iterdir()) == ["good.md"]


def test_out_option_equal_to_entries_is_refused(site, built):
    output = fails(site, built, "--out", "entries")
    assert "output" in output
    assert not output.startswith("feedpub.toml")  # the option is at fault, not the file
    assert sorted(p.name for p in site.entries.iterdir()) == ["good.md"]


@pytest.mark.parametrize("setting", ["title", "description"])
def test_a_title_or_description_of_spaces_is_the_default(site: SiteDir, setting: str) -> None:
    """As with "": the default applies. (Was: a feed without a title or description, which
    the build's own check refused naming public/feed.xml, not the settings file.)"""
    lines = [line for line in CONFIG if not line.startswith(setting)]
    site.config("\n".join([*lines, f'{setting} = "  \\n "']) + "\n")
    site.entry("good.md", GOOD)
    result = site.run("build")
    assert result.exit_code == 0, result.output
    channel = etree.parse(str(site.public / "feed.xml")).find("channel")
    title = "example.org" if setting == "title" else "Test Site"
    assert channel.findtext("title") == title
    description = title if setting == "description" else "Entries for tests"
    assert channel.findtext("description") == description


@pytest.mark.parametrize("tool", ["5", '"feedpub"', '["feedpub"]'])
def test_a_pyproject_whose_tool_is_no_table_is_not_the_sites(site: SiteDir, tool: str) -> None:
    """`tool = 5` in some other project's pyproject.toml: passed over (was: TypeError or
    AttributeError, a traceback); named with --config, FP001."""
    (site.root / "feedpub.toml").unlink()
    site.config(f"tool = {tool}\n", name="pyproject.toml")
    site.entry("good.md", GOOD)
    result = site.run("build", "--base-url", "https://example.org/")
    assert result.exit_code == 0, result.output
    result = site.run("build", "--config", "pyproject.toml")
    assert result.exit_code == 1
    assert result.output.startswith("pyproject.toml: has no [tool.feedpub] table;")
