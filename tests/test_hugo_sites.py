"""Hugo sites laid out as real ones are (issue #17): front matter after blank lines, the
configuration directory, languages with their own content folders and translations by file
name, ``url`` front matter, ``uglyURLs``, ``.html`` content files, Hugo's ``.Summary``,
categories differing only in case, every page in the feed. Each fixture is built by the real
Hugo and by feedpub (``init --from hugo`` then ``build``, no file edited), and ``feedpub
compare`` must find every item with the same link and id."""

from __future__ import annotations

import json
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main

from .conftest import HUGO_LAYOUTS, SiteDir, hugo_then_feedpub, write_files

#: Words enough for Hugo's summary to be cut (70 by default) with a sentence after them.
LONG = " ".join(f"w{i}" for i in range(75)) + " end of it. Next sentence here.\n"

#: Layouts: Hugo's own RSS template is the one tested; the HTML pages need only exist.
#: A multilingual site whose default language has its own content folder (gohugo.io's
#: layout), configured in config/_default/ over hugo.toml.
MULTILINGUAL = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Root title"\n',
    "config/_default/hugo.toml": 'timeZone = "Europe/Oslo"\ndefaultContentLanguage = "en"\n',
    "config/_default/params.toml": 'description = "Root description"\n',
    "config/_default/languages.toml": textwrap.dedent(
        """\
        [en]
        contentDir = "content/en"
        title = "Example in English"
        languageCode = "en-gb"
        weight = 1
        [en.params]
        description = "English words"
        [es]
        contentDir = "content/es"
        title = "Ejemplo"
        weight = 2
        """
    ),
    # a blank line, then YAML; categories differing only in case
    "content/en/posts/blank.md": '\n\n---\ntitle: "Blank lines first"\ndate: 2024-01-02\n'
    'categories: ["Open source"]\n---\nOne two three.\n\nA second paragraph.\n',
    "content/en/posts/toml.md": '  +++\ntitle = "Spaces then TOML"\ndate = 2024-01-03\n'
    'categories = ["Open Source"]\n+++\nShort body.\n\n<!--more-->\n\nAfter more.\n',
    "content/en/posts/url.md": '---\ntitle: "Given url"\ndate: 2024-01-04\n'
    "url: /given/place\n---\nA body with *emphasis* and a [link](https://example.com/).\n",
    "content/en/posts/urlhtml.md": '---\ntitle: "Given url html"\ndate: 2024-01-05\n'
    'url: given/page.html\nsummary: "From front matter"\ndescription: "Not the summary"\n'
    "---\nBody.\n",
    "content/en/posts/page.html": '---\ntitle: "HTML page"\ndate: 2024-01-06\n---\n'
    "<p>An <b>HTML</b> body.</p>\n\n    <p>Indented, not code.</p>\n",
    "content/en/posts/trip/index.md": f'---\ntitle: "Trip"\ndate: 2024-01-07\n---\n{LONG}',
    "content/en/posts/trip/index.es.md": '---\ntitle: "Viaje"\ndate: 2024-01-07\n---\nHola.\n',
    "content/en/posts/hola.es.md": '---\ntitle: "Hola"\ndate: 2024-01-09\n---\nHola.\n',
    "content/es/posts/solo.md": '---\ntitle: "Solo es"\ndate: 2024-01-08\n---\nHola.\n',
    **HUGO_LAYOUTS,
}

#: Links as files (uglyURLs), the default language in its folder, translations by file name in
#: one content folder (mattlayman.com's layout), a configuration directory only.
UGLY = {
    "config/_default/hugo.yaml": textwrap.dedent(
        """\
        baseURL: https://example.org/
        title: Ugly
        uglyURLs: true
        defaultContentLanguageInSubdir: true
        summaryLength: 5
        permalinks:
          notes: /n/:year/:slug/
        """
    ),
    "config/_default/languages.json": '{"en": {"weight": 1}, "pt": {"weight": 2}}',
    "content/posts/a.md": '---\ntitle: "A"\ndate: 2024-01-02\n---\nOne two three four five'
    " six seven. Eight nine.\n",
    "content/posts/a.pt.md": '---\ntitle: "A pt"\ndate: 2024-01-02\n---\nUm.\n',
    "content/posts/b.en.md": '---\ntitle: "B"\ndate: 2024-01-03\n---\nB.\n',
    "content/posts/trip/index.md": '---\ntitle: "Trip"\ndate: 2024-01-04\n---\nT.\n',
    "content/notes/n.md": '---\ntitle: "N"\ndate: 2024-01-05\nslug: my-note\n---\nN.\n',
    "content/posts/u.md": '---\ntitle: "U"\ndate: 2024-01-06\nurl: /given/dir\n---\nU.\n',
    **HUGO_LAYOUTS,
}


def _hugo_then_feedpub(
    files: dict[str, str], feed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, object], Path]:
    """Hugo's feed ``feed`` of the site ``files``, compared with feedpub's build of the same
    site after ``init --from hugo``: the report, and the site's folder."""
    source = write_files(tmp_path / "site", files)
    why = "the Hugo site comparisons of issue #17"
    hugo_then_feedpub(source, tmp_path / "public", monkeypatch, why)
    done = CliRunner().invoke(
        main,
        ["compare", str(tmp_path / "public" / feed), "--address", "index.xml", "--format", "json"],
        catch_exceptions=False,
    )
    return json.loads(done.stdout), source


#: Pages Hugo lists in no feed: ``_build`` with ``list: never`` or ``list: false`` (the older
#: spelling, read by Hugo 0.111 and 0.168 alike), and a headless bundle. (``build``, Hugo 0.145's
#: name for ``_build``, is a page parameter to Hugo 0.111, which lists such a page.)
UNLISTED = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Unlisted"\n',
    "content/posts/shown.md": '---\ntitle: "Shown"\ndate: 2024-01-01\n---\nA.\n',
    "content/posts/never.md": '---\ntitle: "Never"\ndate: 2024-01-02\n'
    "_build:\n  list: never\n---\nB.\n",
    "content/posts/false.md": '---\ntitle: "False"\ndate: 2024-01-03\n'
    "_build:\n  list: false\n---\nC.\n",
    "content/posts/gone/index.md": '---\ntitle: "Headless"\ndate: 2024-01-05\n'
    "headless: true\n---\nE.\n",
    **HUGO_LAYOUTS,
}


def test_pages_hugo_lists_in_no_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, source = _hugo_then_feedpub(UNLISTED, "index.xml", tmp_path, monkeypatch)
    summary = report["summary"]
    assert (summary["same"], summary["added"], summary["changes"]) == (1, 0, 0), report["findings"]
    titles = etree.parse(str(source / "feeds" / "posts" / "index.xml")).xpath("//item/title/text()")
    assert titles == ["Shown"]


#: ``[permalinks]`` with ``:filename`` and ``:slugorfilename``: a page, a bundle, a slug (which
#: ``:filename`` passes over), a name in capitals with an underscore.
FILENAMES = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Names"\n[permalinks]\n'
    'posts = "/:year/:filename/"\nnotes = "/n/:slugorfilename/"\n',
    "content/posts/a-file.md": '---\ntitle: "A"\ndate: 2020-01-02\n---\nA.\n',
    "content/posts/trip/index.md": '---\ntitle: "Trip"\ndate: 2020-01-03\n---\nB.\n',
    "content/posts/s.md": '---\ntitle: "S"\nslug: My Slug\ndate: 2020-01-04\n---\nC.\n',
    "content/notes/My-Note.md": '---\ntitle: "N"\nslug: Note Slug\ndate: 2020-01-05\n---\nD.\n',
    "content/notes/Other_Note.md": '---\ntitle: "O"\ndate: 2020-01-06\n---\nE.\n',
    **HUGO_LAYOUTS,
}


def test_permalinks_by_content_base_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hugo 0.144 renamed ``:filename`` and ``:slugorfilename`` ``:contentbasename`` and
    ``:slugorcontentbasename`` (Hugo 0.168 makes the same links of either; Hugo 0.111 stops at
    the new names): the site built by the real Hugo with the old names, then by feedpub after
    ``init --from hugo`` with the new ones, has every link and id the same."""
    report, source = _hugo_then_feedpub(FILENAMES, "index.xml", tmp_path, monkeypatch)
    assert report["summary"]["same"] == 5, report["findings"]
    (tmp_path / "site" / "feedpub.toml").unlink()
    config = source / "hugo.toml"
    text = config.read_text(encoding="utf-8").replace(":filename", ":contentbasename")
    config.write_text(text.replace(":slugorfilename", ":slugorcontentbasename"), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert "permalinks" not in done.output, done.output  # (no note: every token is known)
    assert runner.invoke(main, ["build"], catch_exceptions=False).exit_code == 0
    done = runner.invoke(
        main,
        ["compare", str(tmp_path / "public" / "index.xml"), "--format", "json"],
        catch_exceptions=False,
    )
    summary = json.loads(done.stdout)["summary"]
    assert (summary["same"], summary["changes"]) == (5, 0), done.stdout


def test_multilingual_site_with_a_config_directory_keeps_every_link_and_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, source = _hugo_then_feedpub(MULTILINGUAL, "index.xml", tmp_path, monkeypatch)
    summary = report["summary"]
    assert summary["same"] == 6 and summary["changes"] == 0, report["findings"]
    # the summaries too: Hugo's .Summary rules (summary, <!--more-->, 70 words to a sentence)
    assert [f for f in report["findings"] if f["code"] == "FP434"] == []
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["title"] == "Example in English"  # the language's, over hugo.toml's
    assert settings["description"] == "English words"
    assert (settings["language"], settings["timezone"]) == ("en-gb", "Europe/Oslo")
    assert settings["entries"] == "content" and settings["limit"] == 0
    assert settings["language_entries"] == {"en": "en", "es": "es"}  # contentDir of each
    assert settings["languages"] == ["en", "es"]
    es = {"title": "Ejemplo", "description": "Root description", "language": ""}
    assert settings["language_feeds"] == {"es": es}
    # 'Open source' and 'Open Source' are one term, as in Hugo
    merged = etree.parse(str(source / "feeds" / "categories" / "open-source" / "index.xml"))
    assert len(merged.findall(".//item")) == 2


def test_ugly_urls_and_translations_by_file_name_keep_every_link_and_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, source = _hugo_then_feedpub(UGLY, "en/index.xml", tmp_path, monkeypatch)
    summary = report["summary"]
    assert summary["same"] == 5 and summary["changes"] == 0, report["findings"]
    assert [f for f in report["findings"] if f["code"] == "FP434"] == []
    links = {item["old"]["link"] for item in report["items"]}
    assert "https://example.org/en/posts/a.html" in links
    assert "https://example.org/given/dir/" in links  # url: from the root, no .html
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["base_url"] == "https://example.org/en/"  # defaultContentLanguageInSubdir
    assert (settings["ugly_urls"], settings["summary_words"]) == (True, 5)
    assert settings["languages"] == ["en", "pt"]


def test_init_names_the_languages_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, UGLY)  # (the default language in its folder: base_url's)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."])
    assert done.exit_code == 0, done.output
    assert (
        "languages: only the default language ('en') is read (with "
        "defaultContentLanguageInSubdir, base_url is the default language's folder); the "
        "pages and feeds of 'pt' (/pt/index.xml…) are not written"
    ) in done.output


def test_config_directory_alone_and_the_production_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(
        tmp_path,
        {
            "config/_default/config.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n'
            "[params]\nauthor = \"Ann\"\ndescription = 'Default'\n",
            "config/_default/params.toml": 'description = "From params.toml"\n',
            "config/production/params.toml": 'description = "In production"\n',
            "config/development/params.toml": 'description = "In development"\n',
            "config/stray.toml": 'title = "Not read: not in an environment folder"\n',
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nA.\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."])
    assert done.exit_code == 0, done.output
    settings = tomllib.loads((tmp_path / "feedpub.toml").read_text(encoding="utf-8"))
    assert (settings["title"], settings["description"]) == ("T", "In production")
    assert settings["author"] == "Ann"  # params merged key by key, not replaced


# --------------------------------------------------------------------------- front matter


@pytest.mark.parametrize("dialect", ["feedpub", "hugo"])
@pytest.mark.parametrize(
    "text",
    [
        "\n\n---\ntitle: T\ndate: 2024-01-02\n---\nBody.\n",
        "\r\n  \t\r\n---\r\ntitle: T\r\ndate: 2024-01-02\r\n---\r\nBody.\r\n",
        "   ---\ntitle: T\ndate: 2024-01-02\n---\nBody.\n",
        "\n+++\ntitle = 'T'\ndate = 2024-01-02\n+++\nBody.\n",
        '\n\n{"title": "T", "date": "2024-01-02"}\nBody.\n',
        "\ufeff\n---\ntitle: T\ndate: 2024-01-02\n---\nBody.\n",
    ],
)
def test_front_matter_after_blank_lines_spaces_or_a_bom(
    site: SiteDir, dialect: str, text: str
) -> None:
    site.config(f'base_url = "https://example.org/"\ndialect = "{dialect}"\n')
    site.entry("a.md", text.encode("utf-8"))
    done = site.run("build")
    assert done.exit_code == 0, done.output
    feed = (site.root / "public" / "feed.xml").read_text(encoding="utf-8")
    assert "<title>T</title>" in feed and "Body." in feed


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("\n\n---\ntitle: T\ndate: [\n---\nBody.\n", 6, "not valid YAML"),  # as 4 without
        ("\n\n---\ntitle: T\ndate: 2024-01-02\nBody.\n", 3, "not closed"),
        ("\n\n+++\ntitle = \n+++\n", 4, "TOML"),
        ("\n\n\nJust text.\n", 4, "no front matter"),
        ("\n\n---\ntitle: T\ndate: someday\n---\nBody.\n", 5, "date"),
    ],
)
def test_messages_after_blank_lines_name_the_files_own_lines(
    site: SiteDir, text: str, line: int, words: str
) -> None:
    site.config('base_url = "https://example.org/"\n')
    site.entry("a.md", text)
    done = site.run("build")
    assert done.exit_code == 1
    assert f"a.md:{line}: " in done.stderr and words in done.stderr, done.stderr


def test_body_lines_after_blank_lines_are_the_files_own(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "hugo"\n')
    site.entry("a.md", "\n\n---\ntitle: T\ndate: 2024-01-02\n---\nBody {{< mastodon x >}}\n")
    done = site.run("check", "--format", "json")
    (finding,) = [f for f in json.loads(done.stdout) if f["code"] == "FP220"]
    assert finding["line"] == 7


def test_jekyll_still_wants_front_matter_at_the_very_start(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    site.entry("_posts/2024-01-02-a.md", "\n---\ntitle: T\n---\nBody.\n")
    done = site.run("build")
    assert done.exit_code == 1 and "no front matter" in done.stderr


# --------------------------------------------------------------------------- summaries


@pytest.mark.parametrize(
    ("body", "words", "expected"),
    [
        ("One two three. Four five six.\n", 2, "One two three."),
        ("One two three four\n\nFive six. Seven.\n", 2, "One two three four"),
        ('One "two" three four. Five.\n', 1, 'One "two" three four.'),  # '"' is &quot;
        ("Short.\n\n<!--more-->\n\nLater words here.\n", 1, "Short."),
        ("No end in sight at all\n", 3, "No end in sight at all"),
        ("A &amp; b. c d e.\n", 2, "A & b."),
    ],
)
def test_hugo_summary_rules(body: str, words: int, expected: str) -> None:
    from feedpub.render._text import hugo_summary

    assert hugo_summary(body, False, words) == expected


def test_html_body_summary_is_its_text() -> None:
    from feedpub.render._text import hugo_summary

    assert hugo_summary("<p>An <b>HTML</b> body.</p>\n", True, 70) == "An HTML body."


@pytest.mark.parametrize(
    "line", ["lastmod: 0001-01-01T00:00:00Z", "lastmod: 0001-01-01", 'modified: "0001-01-01"']
)
def test_a_lastmod_of_gos_zero_time_is_none(site: SiteDir, line: str) -> None:
    """Hugo reads a lastmod of 0001-01-01 (Go's zero time) as none given, the page's date
    taking its place: it built, until f959d4a made every date of the year 1 but the undated
    page's date out of range (FP105)."""
    site.config('base_url = "https://example.org/"\ndialect = "hugo"\n')
    site.entry("a.md", f"---\ntitle: T\ndate: 2024-01-02\n{line}\n---\nBody.\n")
    done = site.run("build")
    assert done.exit_code == 0, done.output
    feed = (site.root / "public" / "feed.xml").read_text(encoding="utf-8")
    assert "<pubDate>Tue, 02 Jan 2024 00:00:00 +0000</pubDate>" in feed
    atom = (site.root / "public" / "atom.xml").read_text(encoding="utf-8")
    assert "<published>2024-01-02T00:00:00+00:00</published>" in atom and "0001" not in atom
