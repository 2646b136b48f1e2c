"""A multilingual Hugo site's feeds per language (issue #17): for every enabled language
besides the default, Hugo writes the same feeds again below ``/<lang>/`` (home, sections,
terms, term lists), each of that language's pages, their links below ``/<lang>/``, with the
language's title and language code. Each fixture is built by the real Hugo and by feedpub
(``init --from hugo`` then ``build``, no file edited), and ``feedpub compare`` must find every
feed Hugo wrote at the same address with every item's link and id the same."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main

from .conftest import HUGO_LAYOUTS, SiteDir, hugo_then_feedpub, write_files

#: The taxonomies of the fixtures (Hugo's default ones).
TAXONOMIES = ("categories", "tags")


def _page(title: str, date: str, *lines: str, body: str = "Words.") -> str:
    return "\n".join(["---", f'title: "{title}"', f"date: {date}", *lines, "---", body, ""])


#: Translations by file name, in one content folder (mattlayman.com's layout): dates and slugs
#: from file names, a translation with a slug of its own, a page only in Spanish, a section's
#: own page per language, Spanish permalinks of its own, `url` front matter (from the root
#: in every language), disabled languages (both ways) whose pages are in no feed.
BY_NAME = {
    "hugo.toml": textwrap.dedent(
        """\
        baseURL = "https://example.org/"
        title = "Example"
        languageCode = "en-us"
        defaultContentLanguage = "en"
        disableLanguages = ["it"]
        [frontmatter]
        date = [":filename", ":default"]
        [permalinks]
        blog = "/blog/:year/:slug/"
        [languages.en]
        weight = 1
        [languages.es]
        weight = 2
        title = "Ejemplo"
        languageCode = "es-es"
        [languages.es.permalinks]
        blog = "/bitacora/:slug/"
        [languages.pt]
        weight = 3
        [languages.fr]
        weight = 4
        disabled = true
        [languages.it]
        weight = 5
        """
    ),
    "content/blog/2024-01-02-first.md": _page("First", "2024-01-02", "tags: [python]"),
    "content/blog/2024-01-02-first.es.md": _page(
        "Primero", "2024-01-02", 'slug: "primero"', "tags: [python, vistas]"
    ),
    "content/blog/2024-01-02-first.pt.md": _page("Primeiro", "2024-01-02", "tags: [python]"),
    "content/blog/2024-01-02-first.fr.md": _page("Premier", "2024-01-02", "tags: [python]"),
    "content/blog/2024-01-02-first.it.md": _page("Primo", "2024-01-02", "tags: [python]"),
    "content/blog/2024-02-03-second.md": _page("Second", "2024-02-03", "categories: [News]"),
    "content/blog/2024-03-04-solo.es.md": _page(
        "Solo", "2024-03-04", "categories: [Noticias]", "url: /es/dado/"
    ),
    "content/blog/2024-06-07-refs.es.md": _page(
        "Enlaces",
        "2024-06-07",
        body='Ver [uno]({{< ref "/blog/2024-01-02-first.md" >}}) y [dos]({{< relref '
        '"2024-01-02-first" >}}).',
    ),
    "content/guide/_index.md": _page("Guide", "2024-01-01"),
    "content/guide/_index.es.md": _page("Guía", "2024-01-01", "tags: [python]"),
    "content/guide/step.md": _page("Step", "2024-04-05"),
    "content/guide/step.es.md": _page("Paso", "2024-04-06"),
    "content/about.pt.md": _page("Sobre", "2024-05-06"),
    **HUGO_LAYOUTS,
}

#: Each language's own content folder (contentDir), in a configuration directory (a language's
#: own file too: languages.es.toml): a page whose name names another language is that one's
#: (in the section of the folder it is in), even in a disabled language's folder, whose other
#: pages are in no feed; a page in no language's folder is not read.
BY_FOLDER = {
    "config/_default/hugo.toml": textwrap.dedent(
        """\
        baseURL = "https://example.org/"
        title = "Root"
        defaultContentLanguage = "en"
        """
    ),
    "config/_default/languages.toml": textwrap.dedent(
        """\
        [en]
        contentDir = "content/en"
        title = "English"
        languageCode = "en-gb"
        weight = 1
        [es]
        contentDir = "content/es"
        weight = 2
        [de]
        contentDir = "content/de"
        weight = 3
        disabled = true
        """
    ),
    "config/_default/languages.es.toml": 'title = "Raíz"\n',
    "config/_default/params.es.toml": 'description = "Descripción"\n',
    "content/en/posts/a.md": _page("A", "2024-01-02", "tags: [x]"),
    "content/en/posts/b.es.md": _page("B es", "2024-01-03", "tags: [x]"),
    "content/es/posts/c.md": _page("C", "2024-01-04", "tags: [x, w]"),
    "content/es/posts/d.en.md": _page("D en", "2024-01-05", "tags: [w]"),
    "content/es/notes/e.md": _page("E", "2024-01-06"),
    "content/de/posts/f.md": _page("F", "2024-01-07", "tags: [x]"),
    "content/de/posts/g.es.md": _page("G es", "2024-01-08", "tags: [x]"),
    "content/h.es.md": _page("H es", "2024-01-09", "tags: [x]"),
    **HUGO_LAYOUTS,
}


def _built(files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site ``files`` built by Hugo (into ``tmp_path/public``) and by feedpub after
    ``init --from hugo``; returns the site's folder."""
    source = write_files(tmp_path / "site", files)
    why = "the Hugo language comparisons of issue #17"
    hugo_then_feedpub(source, tmp_path / "public", monkeypatch, why)
    return source


def _hugo_feeds(public: Path) -> list[str]:
    """Every feed Hugo wrote, by address."""
    return sorted(path.relative_to(public).as_posix() for path in public.rglob("index.xml"))


def _term_lists(*languages: str) -> tuple[str, ...]:
    """The term-list feeds Hugo writes for each of ``languages`` (an empty one too)."""
    return tuple(f"{lang}/{taxonomy}/index.xml" for lang in languages for taxonomy in TAXONOMIES)


def _compare(public: Path, address: str) -> dict[str, object]:
    done = CliRunner().invoke(
        main,
        ["compare", str(public / address), "--address", address, "--format", "json"],
        catch_exceptions=False,
    )
    report: dict[str, object] = json.loads(done.stdout)
    return report


def _check_every_feed(public: Path) -> dict[str, dict[str, int]]:
    """``feedpub compare`` of every feed Hugo wrote: each with no change; their summaries."""
    summaries = {}
    for address in _hugo_feeds(public):
        report = _compare(public, address)
        summary: dict[str, int] = report["summary"]  # type: ignore[assignment]
        assert summary["changes"] == 0, (address, report["findings"])
        summaries[address] = summary
    return summaries


def test_translations_by_file_name_get_their_own_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _built(BY_NAME, tmp_path, monkeypatch)
    public = tmp_path / "public"
    summaries = _check_every_feed(public)
    # every feed of every enabled language, none of the disabled one's
    assert {a for a in summaries if a.startswith(("es/", "pt/"))} == {
        "es/index.xml",
        "es/blog/index.xml",
        "es/guide/index.xml",
        "es/categories/noticias/index.xml",
        "es/tags/python/index.xml",
        "es/tags/vistas/index.xml",
        "pt/index.xml",
        "pt/blog/index.xml",
        "pt/tags/python/index.xml",
        *_term_lists("es", "pt"),
    }
    assert (
        summaries["es/index.xml"]["same"] == 4
        and summaries["es/tags/python/index.xml"]["same"] == 2
    )
    for off in ("fr", "it"):  # (disabled = true, disableLanguages)
        assert not (source / "feeds" / off).exists() and not (public / off).exists()
    es = etree.parse(str(source / "feeds" / "es" / "index.xml"))
    assert es.findtext("channel/title") == "Ejemplo"
    assert es.findtext("channel/language") == "es-es"
    assert es.findtext("channel/link") == "https://example.org/es/"
    links = es.xpath("//item/link/text()")
    assert "https://example.org/es/bitacora/primero/" in links  # its slug, es's permalinks
    assert "https://example.org/es/dado/" in links  # url: from the root
    # a ref from a Spanish page is to the Spanish page, as Hugo's page has it
    html = (public / "es" / "bitacora" / "refs" / "index.html").read_text(encoding="utf-8")
    hugo_links = re.findall(r'href="([^"]+)"', html)
    assert hugo_links[0] == "https://example.org/es/bitacora/primero/"
    content = es.xpath("//item[title='Enlaces']/*[local-name()='encoded']/text()")[0]
    assert (
        re.findall(r'href="([^"]+)"', content) == ["https://example.org/es/bitacora/primero/"] * 2
    )
    assert hugo_links[1] == "/es/bitacora/primero/"  # (relref: the same page, from the root)
    pt = etree.parse(str(source / "feeds" / "pt" / "index.xml"))
    assert pt.findtext("channel/language") == "en-us"  # the site's, as Hugo's
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["languages"] == ["en", "es", "pt", "fr", "it"]
    assert settings["language_feeds"] == {
        "es": {"title": "Ejemplo", "language": "es-es", "permalinks": {"blog": "/bitacora/:slug/"}},
        "pt": {},
    }


def test_content_folders_per_language_get_their_own_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _built(BY_FOLDER, tmp_path, monkeypatch)
    public = tmp_path / "public"
    summaries = _check_every_feed(public)
    assert {a for a in summaries if a.startswith("es/")} == {
        "es/index.xml",
        "es/posts/index.xml",
        "es/notes/index.xml",
        "es/tags/x/index.xml",
        "es/tags/w/index.xml",
        *_term_lists("es"),
    }
    # c, b.es.md from en's folder, g.es.md from the disabled de's (h.es.md is in none: unread)
    assert summaries["es/posts/index.xml"]["same"] == 3
    assert summaries["posts/index.xml"]["same"] == 2  # a, and d.en.md from es's folder
    assert not (source / "feeds" / "de").exists()
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["entries"] == "content"
    assert settings["language_entries"] == {"en": "en", "es": "es", "de": "de"}
    es = etree.parse(str(source / "feeds" / "es" / "index.xml"))
    hugo = etree.parse(str(public / "es" / "index.xml"))
    assert es.findtext("channel/title") == hugo.findtext("channel/title") == "Raíz"
    assert es.findtext("channel/language") is hugo.findtext("channel/language") is None
    assert es.findtext("channel/description") == "Descripción"


#: Hugo 0.158's name for a language's code, ``locale``, beside the older ``languageCode``:
#: Hugo 0.168 writes ``<language>en-gb</language>`` in the English feeds (``locale`` before
#: ``languageCode``) and ``es-es`` in the Spanish ones; Hugo 0.111 does not know the key (it
#: writes ``en-us``, the ``languageCode``, in both).
LOCALE = {
    "hugo.toml": textwrap.dedent(
        """\
        baseURL = "https://example.org/"
        title = "Site"
        languageCode = "en-us"
        locale = "en-gb"
        [languages.en]
        weight = 1
        [languages.es]
        weight = 2
        locale = "es-es"
        """
    ),
    "content/posts/a.md": _page("One", "2024-01-02"),
    "content/posts/a.es.md": _page("Uno", "2024-01-02"),
    **HUGO_LAYOUTS,
}


def test_a_language_code_given_as_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``locale`` is the language code of the feeds, as newer Hugo writes it, and the items
    are those of the Hugo on PATH all the same."""
    source = _built(LOCALE, tmp_path, monkeypatch)
    summaries = _check_every_feed(tmp_path / "public")
    assert summaries["index.xml"]["same"] == summaries["es/index.xml"]["same"] == 1
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["language"] == "en-gb"
    assert settings["language_feeds"] == {"es": {"language": "es-es"}}
    for folder, code in (("", "en-gb"), ("es/", "es-es")):
        feed = etree.parse(str(source / "feeds" / folder / "index.xml"))
        assert feed.findtext("channel/language") == code


def test_an_edited_translation_takes_the_delta_path_into_its_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Spanish entry edited: the delta path writes the Spanish feeds again, as a full
    build writes them (feedpub alone: no Hugo needed)."""
    import feedpub.pipeline._full as full

    source = write_files(tmp_path / "site", BY_NAME)
    monkeypatch.chdir(source)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--from", "hugo", "."]).exit_code == 0
    assert runner.invoke(main, ["build"]).exit_code == 0
    scans = []
    scan_all = full.scan_all
    monkeypatch.setattr(full, "scan_all", lambda *a, **k: scans.append(1) or scan_all(*a, **k))
    page = source / "content" / "blog" / "2024-01-02-first.es.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Words.", "Palabras nuevas."))
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert scans == []  # the delta path: no full scan
    for feed in ("es/index.xml", "es/blog/index.xml", "es/tags/python/index.xml"):
        assert "Palabras nuevas." in (source / "feeds" / feed).read_text(encoding="utf-8")
    assert "Palabras" not in (source / "feeds" / "index.xml").read_text(encoding="utf-8")
    twin = tmp_path / "twin"
    shutil.copytree(source, twin, ignore=shutil.ignore_patterns("feeds", ".feedpub-cache"))
    monkeypatch.chdir(twin)
    assert runner.invoke(main, ["build", "--no-cache"]).exit_code == 0
    made = sorted(p.relative_to(source / "feeds") for p in (source / "feeds").rglob("*.*"))
    assert made == sorted(p.relative_to(twin / "feeds") for p in (twin / "feeds").rglob("*.*"))
    for name in made:
        assert (source / "feeds" / name).read_bytes() == (twin / "feeds" / name).read_bytes()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "language_feeds = { fr = {} }",
            "feedpub.toml:4: language_feeds.fr: 'fr' is not one of languages but the first (es)",
        ),
        (
            "language_feeds = { en = {} }",
            "feedpub.toml:4: language_feeds.en: 'en' is not one of languages but the first (es)",
        ),
        (
            'language_feeds = { es = { titel = "x" } }',
            "feedpub.toml:4: language_feeds.es: unknown key 'titel'; known: title, description, "
            "language, folder, permalinks",
        ),
        (
            'language_feeds = { es = { folder = "../es" } }',
            "feedpub.toml:4: language_feeds.es.folder '../es' must stay below the output folder",
        ),
        (
            'language_feeds = { es = { language = "spanish!" } }',
            "feedpub.toml:4: language_feeds.es.language 'spanish!' is not a language tag",
        ),
        (
            'language_feeds = { es = { permalinks = { blog = "/:nope/" } } }',
            "feedpub.toml:4: language_feeds.es.permalinks.blog: :nope is not a Hugo permalink",
        ),
        (
            'language_entries = { fr = "fr" }',
            "feedpub.toml:4: language_entries.fr: 'fr' is not one of languages",
        ),
    ],
)
def test_language_settings_are_checked(site: SiteDir, setting: str, message: str) -> None:
    head = 'base_url = "https://example.org/"\ndialect = "hugo"\nlanguages = ["en", "es"]\n'
    site.config(f"{head}{setting}\n")
    site.entry("a.md", "---\ntitle: A\ndate: 2024-01-02\n---\nA.\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert message in done.output


def test_a_language_folder_of_its_own(site: SiteDir) -> None:
    """``folder`` places a language's feeds (and its links) below another folder than its
    code; a language left out of language_feeds has its pages in no feed."""
    site.config(
        'base_url = "https://example.org/"\ndialect = "hugo"\nlanguages = ["en", "es", "pt"]\n'
        'language_feeds = { es = { folder = "espanol", title = "Hola" } }\n'
    )
    for name, title in (("a.md", "A"), ("a.es.md", "A es"), ("a.pt.md", "A pt")):
        site.entry(f"posts/{name}", f"---\ntitle: {title}\ndate: 2024-01-02\n---\nText.\n")
    assert site.run("build").exit_code == 0
    es = etree.parse(str(site.public / "espanol" / "feed.xml"))
    assert es.findtext("channel/title") == "Hola"
    assert es.xpath("//item/link/text()") == ["https://example.org/espanol/posts/a/"]
    assert (site.public / "espanol" / "categories").exists() is False
    main = etree.parse(str(site.public / "feed.xml"))
    assert main.xpath("//item/title/text()") == ["A"]
    assert not (site.public / "pt").exists() and not (site.public / "es").exists()


def test_a_language_folder_taken_by_a_section_is_refused(site: SiteDir) -> None:
    """A section named as a language's folder would have its feed where that language's main
    feed is: FP011, naming the setting that places the language's feeds."""
    site.config(
        'base_url = "https://example.org/"\ndialect = "hugo"\nlanguages = ["en", "es"]\n'
        "language_feeds = { es = {} }\nsection_feeds = true\n"
    )
    site.entry("es/a.md", "---\ntitle: A\ndate: 2024-01-02\n---\nText.\n")
    site.entry("b.es.md", "---\ntitle: B\ndate: 2024-01-02\n---\nText.\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert (
        "language_feeds puts the rss file of 'the main feed' of 'es' at 'es/feed.xml', where "
        "the rss file of 'sections/es/' is: two feeds cannot share an address"
    ) in done.output


def test_feeds_of_one_title_are_told_apart_on_the_feed_list(site: SiteDir) -> None:
    """A language without a title of its own has its feeds titled as the site's (as Hugo
    writes them); index.html, feeds.opml and ``feedpub links --all`` tell them apart by their
    folder, and keep the first one's title as it is. The feeds keep Hugo's title."""
    site.config(
        'title = "Tide Log"\nbase_url = "https://example.org/"\ndialect = "hugo"\n'
        'languages = ["en", "es"]\nlanguage_feeds = { es = {} }\ncategory_feeds = false\n'
    )
    for name, title in (("a.md", "A"), ("a.es.md", "A es")):
        site.entry(f"posts/{name}", f"---\ntitle: {title}\ndate: 2024-01-02\n---\nText.\n")
    assert site.run("build").exit_code == 0
    es = etree.parse(str(site.public / "es" / "feed.xml"))
    assert es.findtext("channel/title") == "Tide Log"
    page = etree.parse(str(site.public / "index.html"), etree.HTMLParser())
    titles = page.xpath("//link[@rel='alternate']/@title")
    assert titles[:3] == ["Tide Log (RSS)", "Tide Log (Atom)", "Tide Log (JSON Feed)"]
    assert titles[3:6] == [f"Tide Log (/es/) ({f})" for f in ("RSS", "Atom", "JSON Feed")]
    outlines = etree.parse(str(site.public / "feeds.opml")).xpath("//outline/@text")
    assert len(outlines) == len(set(outlines)), outlines
    listed = site.run("links", "--all").output
    assert 'title="Tide Log (/es/) (RSS)"' in listed, listed
