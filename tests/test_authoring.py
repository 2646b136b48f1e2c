"""`feedpub init` and `feedpub new`: working files, complete front matter, never an overwrite."""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st

import feedpub
from feedpub.cli import main
from feedpub.scan._entry import read_entry

from .conftest import BASIC_CONFIG, SiteDir


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_makes_a_site_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "site", "--title", "Riverside", "--base-url", "https://r.example/")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "created site/feedpub.toml",
        "created site/entries/hello-feeds.md",
        "next: cd site && feedpub build",
    ]
    config = (tmp_path / "site" / "feedpub.toml").read_text(encoding="utf-8")
    for key in feedpub.config.DEFAULTS:  # every setting is there, set or commented
        assert f"{key} =" in config, key
    monkeypatch.chdir(tmp_path / "site")
    built = run("build")
    assert built.exit_code == 0, built.output
    assert b"Hello, feeds" in (tmp_path / "site" / "public" / "feed.xml").read_bytes()
    assert run("check", "--strict").exit_code == 0


def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feedpub.toml").write_text('title = "mine"\n', encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert result.stderr.startswith("feedpub.toml: already exists; init never overwrites a file\n")
    assert (tmp_path / "feedpub.toml").read_text(encoding="utf-8") == 'title = "mine"\n'
    assert not (tmp_path / "entries").exists()  # nothing written at all


def test_new_writes_complete_front_matter(site: SiteDir) -> None:
    result = site.run(
        "new",
        "Ünïcode Bridge: Opens",
        "--category",
        "Local",
        "--category",
        "Roads",
        "--tag",
        "bridges",
        "--author",
        "Ann <ann@example.org>",
        "--date",
        "2025-05-01 09:30",
    )
    assert result.exit_code == 0, result.output
    path = site.root / result.stdout.strip()
    assert path == site.entries / "2025-05-01-unicode-bridge-opens.md"
    entry, warnings = read_entry(path, feedpub.load_site())
    assert [w.code for w in warnings] == ["FP213"]  # only: the body is still to be written
    assert entry.title == "Ünïcode Bridge: Opens"
    assert entry.categories == ("Local", "Roads")
    assert entry.tags == ("bridges",)
    assert entry.authors[0].email == "ann@example.org"
    assert entry.date.isoformat() == "2025-05-01T09:30:00+00:00"
    assert entry.draft is False


def test_new_never_overwrites_and_numbers_the_second(site: SiteDir) -> None:
    first = site.run("new", "Same", "--date", "2025-05-01").stdout.strip()
    second = site.run("new", "Same", "--date", "2025-05-01", "--draft").stdout.strip()
    assert first == "entries/2025-05-01-same.md"
    assert second == "entries/2025-05-01-same-2.md"
    assert "draft: true" in (site.root / second).read_text(encoding="utf-8")
    assert "draft" not in (site.root / first).read_text(encoding="utf-8")


def test_new_with_a_bad_date_is_a_clean_error(site: SiteDir) -> None:
    result = site.run("new", "X", "--date", "next tuesday")
    assert result.exit_code == 1
    assert result.stderr.startswith("--date 'next tuesday' is not a date")
    assert list(site.entries.iterdir()) == []


def test_init_new_build_from_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's own words: init, new "Hello", build gives valid feeds holding "Hello"; and
    running init or new again loses nothing."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "site").exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    first = run("new", "Hello")
    assert first.exit_code == 0, first.output
    built = run("build")
    assert built.exit_code == 0, built.output
    feed = feedparser.parse((tmp_path / "site" / "public" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Hello", "Hello, feeds"]
    # The new entry's placeholder body is published as it is: check says so (FP213) ...
    checked = run("check", "--strict")
    assert checked.exit_code == 1
    new_file = tmp_path / "site" / first.stdout.strip()
    assert checked.stdout == (
        f"{first.stdout.strip()}:10: warning FP213: still has the text 'feedpub new' put there; "
        "write the entry, or mark it 'draft: true' until it is ready\n"
    )
    # ... until the writer writes it.
    text = new_file.read_text(encoding="utf-8")
    new_file.write_text(text.replace("Write the entry here, in Markdown.", "Hi."), "utf-8")
    assert run("check", "--strict").exit_code == 0
    files = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert run("init", ".").exit_code == 1
    again = run("new", "Hello")  # the same title in the same month: another slug
    assert again.exit_code == 0
    assert again.stdout.strip().endswith("-hello-2.md")
    for path, data in files.items():
        assert path.read_bytes() == data, path
    assert run("build").exit_code == 0
    links = {
        e.link
        for e in feedparser.parse((tmp_path / "site" / "public" / "feed.xml").read_bytes()).entries
    }
    assert len(links) == 3


@pytest.mark.parametrize("title", ["", "   "])
def test_new_refuses_an_empty_title(site: SiteDir, title: str) -> None:
    result = site.run("new", title)
    assert result.exit_code == 2
    assert "the title is empty" in result.stderr
    assert list(site.entries.iterdir()) == []


def test_new_edit_with_an_editor_that_cannot_run(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    monkeypatch.delenv("VISUAL", raising=False)
    result = site.run("new", "Story", "--edit")
    assert result.exit_code == 1
    written = result.stdout.strip()
    assert (site.root / written).is_file()  # the entry is kept
    assert result.stderr.startswith(f"{written}: written, but the editor did not run (")
    assert "set EDITOR or VISUAL" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- init: any title

#: Titles a user may type: markup, quotes, backslashes, line breaks, any script, and now and
#: then a control character (which init refuses).
TITLES = st.lists(
    st.one_of(
        st.sampled_from([*"<>&\"'\\\n\r\t ", "Tom & Jerry's <Blog>", "\\u0041", '"""', "\x07"]),
        st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=4),
    ),
    max_size=8,
).map("".join)


def refused_title(title: str) -> bool:
    """Whether init must refuse ``title``: nothing left but spaces, or a control character."""
    folded = " ".join(title.split())
    return (
        not folded
        or any(unicodedata.category(c) == "Cc" for c in folded)
        or bool(re.search("[\ufffe\uffff]", folded))
    )


@settings(max_examples=40, deadline=None, database=None)
@given(title=TITLES)
def test_init_makes_a_site_that_builds_whatever_its_title(title: str) -> None:
    """init then build exits 0, the feeds carrying the title on one line; or init refuses the
    title in one line naming --title and writes nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "site"
        made = run("init", str(folder), "--title", title)
        if refused_title(title):
            event("refused")
            assert made.exit_code == 1, made.output
            assert made.stderr.startswith("--title "), made.stderr
            assert len(made.stderr.splitlines()) == 2  # the message, and "nothing was written"
            assert not folder.exists()
            return
        event("built")
        assert made.exit_code == 0, made.output
        built = run("build", "--config", str(folder / "feedpub.toml"))
        assert built.exit_code == 0, built.output
        feed = json.loads((folder / "public" / "feed.json").read_bytes())
        assert feed["title"] == " ".join(title.split())
        assert feed["authors"] == [{"name": " ".join(title.split())}]


def test_init_with_a_title_like_markup_makes_a_site_that_checks_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's title: it is the site's default author too, as a name and not as
    'Name <email>' (which made every command fail with "'Blog' is not an e-mail address")."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "site", "--title", "Tom & Jerry's <Blog>").exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    site = feedpub.load_site()
    assert site.title == "Tom & Jerry's <Blog>"
    assert site.authors == (feedpub.Author(name="Tom & Jerry's <Blog>"),)
    for command in ("build", "list", "links"):
        result = run(command)
        assert result.exit_code == 0, (command, result.output)
    checked = run("check", "--strict")
    assert checked.exit_code == 0, checked.output
    new = run("new", "First")
    assert new.exit_code == 0, new.output
    entry, _ = read_entry(tmp_path / "site" / new.stdout.strip(), site)
    assert entry.authors == site.authors


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("example.com", "write the scheme too: --base-url https://example.com"),
        ("example.com/blog/", "write the scheme too: --base-url https://example.com/blog/"),
        ("ftp://example.com/", "give an http:// or https:// address"),
        ("https://example.com/my blog/", "a web address has no spaces"),
        ("https://", "write e.g. --base-url https://example.com/"),
        ("https://example.com/?page=feeds", "write e.g. --base-url https://example.com/"),
        ("", "write e.g. --base-url https://example.com/"),
    ],
)
def test_init_refuses_a_base_url_the_build_would_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, hint: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "site", "--base-url", url)
    assert result.exit_code == 1
    message, last = result.stderr.splitlines()
    assert message.startswith(f"--base-url {url!r} is not an absolute web address; ")
    assert hint in message
    assert last == "feedpub: 1 problem; nothing was written."
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url", ["http://example.com", "https://example.com/blog/", " https://x.org/ "]
)
def test_init_takes_any_base_url_the_build_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "site", "--base-url", url).exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    assert feedpub.load_site().base_url.rstrip("/") == url.strip().rstrip("/")


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "--title is empty; give the site a title"),
        (" \n ", "--title is empty; give the site a title"),
        ("Bell\x07", "--title has the control character U+0007; write the title without it"),
        ("Del\x7f", "--title has the control character U+007F; write the title without it"),
        ("x\udcffy", "--title has a byte that is not UTF-8 text; write the title without it"),
    ],
)
def test_init_refuses_a_title_no_feed_can_carry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "site", "--title", title)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_init_puts_a_title_on_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "site", "--title", "  Riverside\n\tGazette \r\n").exit_code == 0
    text = (tmp_path / "site" / "feedpub.toml").read_text(encoding="utf-8")
    assert 'title = "Riverside Gazette"\n' in text
    assert 'author = { name = "Riverside Gazette" }\n' in text


def test_a_setting_with_a_control_character_is_an_error_not_a_traceback(site: SiteDir) -> None:
    site.config(
        'title = "Bell\\u0007"\nbase_url = "https://example.org/"\n'
        'author = { name = "Ann", email = "ann@example.org", uri = "https://a.example/\\u0001" }\n'
    )
    site.entry("a.md", "---\ntitle: A\ndate: 2025-05-01\n---\nBody.\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "feedpub.toml:1: title has the control character U+0007, which feeds cannot carry; "
        "remove it",
        "feedpub.toml:3: author has the control character U+0001, which feeds cannot carry; "
        "remove it",
        "feedpub: 2 problems; no feed was written.",
    ]
    assert not site.public.exists()


# --------------------------------------------------------------------------- new: its author


@pytest.mark.parametrize(
    ("author", "message"),
    [
        ("bad <notanemail>", "--author 'bad <notanemail>': 'notanemail' is not an e-mail address"),
        ("Tom & Jerry's <Blog>", "--author \"Tom & Jerry's <Blog>\": 'Blog' is not an e-mail"),
        ("", "--author is empty"),
        ("  ", "--author is empty"),
        ("Ann\x01", "--author 'Ann\\x01' has the control character U+0001"),
    ],
)
def test_new_refuses_an_author_the_build_would_refuse(
    site: SiteDir, author: str, message: str
) -> None:
    result = site.run("new", "Story", "--author", "Ann <ann@example.org>", "--author", author)
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()
    assert first.startswith(message), first
    assert last == "feedpub: 1 problem; nothing was written."
    assert list(site.entries.iterdir()) == []


@pytest.mark.parametrize(
    ("setting", "written"),
    [
        ('"Newsroom <news@example.org>"', "author: Newsroom <news@example.org>\n"),
        ('"news@example.org"', "author: news@example.org\n"),
        ('{ name = "Newsroom" }', "author: Newsroom\n"),
        ('{ name = "yes" }', "author: 'yes'\n"),
        ('{ name = "Tom <Blog>" }', "author:\n  name: Tom <Blog>\n"),
        (
            '{ name = "Ann", email = "ann@example.org", uri = "https://ann.example/" }',
            "author:\n  name: Ann\n  email: ann@example.org\n  uri: https://ann.example/\n",
        ),
        (
            '["Ann <ann@example.org>", { name = "Bob" }]',
            "author:\n- Ann <ann@example.org>\n- Bob\n",
        ),
    ],
)
def test_new_writes_the_sites_author(site: SiteDir, setting: str, written: str) -> None:
    """docs/commands/new.md's "complete front matter (title, date, author, …)": the site's default
    author, in a form that reads back as the same author."""
    site.config(BASIC_CONFIG + f"author = {setting}\n")
    result = site.run("new", "Story")
    assert result.exit_code == 0, result.output
    path = site.root / result.stdout.strip()
    text = path.read_text(encoding="utf-8")
    assert written in text
    loaded = feedpub.load_site()
    entry, warnings = read_entry(path, loaded)
    assert [w.code for w in warnings] == ["FP213"]  # only: the body is to be written
    assert entry.authors == loaded.authors


def test_new_writes_an_empty_author_line_where_the_site_has_none(site: SiteDir) -> None:
    result = site.run("new", "Story")
    assert result.exit_code == 0, result.output
    text = (site.root / result.stdout.strip()).read_text(encoding="utf-8")
    assert "\nauthor: ''\n" in text
    entry, warnings = read_entry(site.root / result.stdout.strip(), feedpub.load_site())
    assert [w.code for w in warnings] == ["FP213"]  # only: the body is still to be written
    assert entry.authors == ()


def test_new_writes_the_authors_given_instead_of_the_sites(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + 'author = "Newsroom <news@example.org>"\n')
    result = site.run("new", "Story", "--author", "Ann  <ann@example.org>", "--author", "Bob")
    assert result.exit_code == 0, result.output
    text = (site.root / result.stdout.strip()).read_text(encoding="utf-8")
    assert "author:\n- Ann <ann@example.org>\n- Bob\ncategories:" in text
    assert "Newsroom" not in text


def test_init_names_each_file_in_the_way_on_a_line_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feedpub.toml").write_text('title = "mine"\n', encoding="utf-8")
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "hello-feeds.md").write_text("mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "feedpub.toml: already exists; init never overwrites a file",
        "entries/hello-feeds.md: already exists; init never overwrites a file",
        "feedpub: 2 problems; nothing was written.",
    ]


def test_new_with_a_long_title_makes_a_short_file_name(site: SiteDir) -> None:
    """A title of 5,000 characters made a name over the file system's 255 bytes (FP010)."""
    title = "Harbour " * 625
    result = site.run("new", title.strip(), "--date", "2025-05-01")
    assert result.exit_code == 0, result.output
    (path,) = site.entries.iterdir()
    assert path.name == "2025-05-01-" + "-".join(["harbour"] * 10) + ".md"
    assert read_entry(path, feedpub.load_site())[0].title == title.strip()
