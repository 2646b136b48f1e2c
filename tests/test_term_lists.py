"""Term-list feeds (issue #17): Hugo writes, for each taxonomy, a feed at
``/<taxonomy>/index.xml`` whose items are the taxonomy's terms, not pages (gohugo.io's
``/categories/index.xml``, mattlayman.com's ``/tags/index.xml``). feedpub writes them with
``term_list_feeds`` (set by ``init --from hugo``): a fixture built by the real Hugo is compared
item by item, then the rules one at a time (order, dates, limit, the empty description, the
spelling, a term's own page), and the delta path, which must never leave a list stale."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main
from feedpub.config import load_site
from feedpub.plan import plan_feeds
from feedpub.scan import scan

from .conftest import (
    BASIC_CONFIG,
    HUGO_LAYOUTS,
    SiteDir,
    hugo_then_feedpub,
    write_files,
)
from .test_delta import Site as GeneratedSite
from .test_delta import append, new_entry, replace_line

#: A site with what decides Hugo's term lists: a term spelled two ways (the first file's
#: spelling wins, not the newest's), terms of one date (ordered by name, lowercase first),
#: a term whose only page is a section's own undated page (dated 0001-01-01), a term's own
#: page with a title and text, one with its own date and no title, the taxonomy's own page
#: with a title, a taxonomy without terms, and letters outside ASCII.
HUGO_SITE = {
    "hugo.toml": (
        'baseURL = "https://example.org/"\ntitle = "Play"\nlanguageCode = "en"\n'
        '[taxonomies]\ncategory = "categories"\ntag = "tags"\nserie = "series"\n'
    ),
    "content/posts/a.md": "---\ntitle: A\ndate: 2020-01-01\n"
    'categories: [Open source, zeta]\ntags: ["Veà", "b", "B2", "apple", "Banana"]\n---\nA.\n',
    "content/posts/b.md": "---\ntitle: B\ndate: 2021-01-01\n"
    "categories: [Open Source, News]\ntags: [Apple, banana, b]\n---\nB.\n",
    "content/guide/_index.md": "---\ntitle: Guide\ncategories: [Guides]\n---\nThe guide.\n",
    "content/guide/one.md": "---\ntitle: One\ndate: 2023-05-01\ncategories: [Other]\n---\nOne.\n",
    "content/categories/news/_index.md": '---\ntitle: "News and more"\n---\n'
    "All the news that is fit to print. More text here.\n",
    "content/categories/zeta/_index.md": "---\ntitle: Zeta\ndate: 2019-06-01\n---\nZeta text.\n",
    "content/tags/_index.md": '---\ntitle: "Topics"\n---\n',
    **HUGO_LAYOUTS,
}

LISTS = ("categories/index.xml", "tags/index.xml", "series/index.xml")


def _rss(path: Path) -> tuple[list[str | None], list[tuple[str | None, ...]]]:
    """An RSS file's head (title, link, description) and items (title, link, guid, date,
    description), in order."""
    channel = etree.parse(str(path)).getroot().find("channel")
    head = [channel.findtext(tag) for tag in ("title", "link", "description")]
    items = [
        tuple(
            item.findtext(tag) or "" for tag in ("title", "link", "guid", "pubDate", "description")
        )
        for item in channel.findall("item")
    ]
    return head, items


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The fixture built by Hugo (its output folder), and by feedpub after ``init --from
    hugo`` (the site's folder)."""
    source = write_files(tmp_path / "site", HUGO_SITE)
    public = tmp_path / "public"
    hugo_then_feedpub(source, public, monkeypatch, "the Hugo term-list comparisons of issue #17")
    return public, source


def test_hugos_term_lists_are_written_as_hugo_writes_them(built: tuple[Path, Path]) -> None:
    public, source = built
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["term_list_feeds"] is True
    for address in LISTS:
        done = CliRunner().invoke(
            main,
            ["compare", str(public / address), "--address", address, "--format", "json"],
            catch_exceptions=False,
        )
        report = json.loads(done.stdout)
        assert report["compared_with"] == address, report
        assert report["summary"]["changes"] == 0, (address, report)
        assert done.exit_code == 0
        assert _rss(source / "feeds" / address) == _rss(public / address), address
    items = _rss(public / "categories/index.xml")[1]
    assert [i[0] for i in items] == ["Other", "News and more", "Open source", "Zeta", "Guides"]
    assert items[-1][3] == "Mon, 01 Jan 0001 00:00:00 +0000"  # (a section's page: undated)
    assert items[1][4] == "All the news that is fit to print. More text here."
    assert [i[0] for i in _rss(public / "tags/index.xml")[1]] == [
        "apple",
        "b",
        "Banana",
        "B2",
        "Veà",
    ]
    assert _rss(public / "series/index.xml")[1] == []
    # in every format the site writes, and checked as every other feed
    for name in ("categories/atom.xml", "categories/feed.json", "tags/atom.xml"):
        assert (source / "feeds" / name).is_file()
    done = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert "error" not in done.output.replace("0 errors", ""), done.output


# --------------------------------------------------------------------------- the rules


def _hugo_site(site: SiteDir, extra: str = "") -> None:
    site.config(
        BASIC_CONFIG
        + 'dialect = "hugo"\nundated_pages = true\nlimit = 0\ntag_feeds = true\n'
        + 'rss_path = "index.xml"\nterm_list_feeds = true\n'
        + extra
    )


def _post(site: SiteDir, name: str, date: str, tags: str, title: str = "T") -> None:
    site.entry(name, f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n---\nText.\n")


def _terms(site: SiteDir, taxonomy: str = "tags") -> list[tuple[str, str, str, datetime]]:
    plans = plan_feeds(load_site(), scan(load_site()).entries)
    plan = next(p for p in plans if p.folder == f"term-lists/{taxonomy}/")
    assert plan.terms is not None and plan.entries == []
    return [(t.title, t.link, t.id, t.date) for t in plan.terms]


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_terms_are_dated_by_their_newest_entry_and_ordered_newest_first(site: SiteDir) -> None:
    _hugo_site(site)
    _post(site, "posts/a-old.md", "2020-01-01", "[Go, Rust]")
    _post(site, "posts/b-new.md", "2022-03-04 05:06:07", "[Rust, Zig, ant]")
    _post(site, "posts/c-mid.md", "2021-01-01", "[Go]")
    newest = _day("2022-03-04 05:06:07")
    # of one date: by name, lowercase before uppercase (Go's collation), not A-Z before a-z
    assert [(t[0], t[3]) for t in _terms(site)] == [
        ("ant", newest),
        ("Rust", newest),
        ("Zig", newest),
        ("Go", _day("2021-01-01")),
    ]
    link = "https://example.org/tags/ant/"
    assert _terms(site)[0][1:3] == (link, link)  # the term's page, as link and id


def test_a_term_is_named_as_the_first_file_spells_it_in_hugo(site: SiteDir) -> None:
    """mattlayman.com: 'Open source' in 2008's post, 'Open Source' in 2020's: Hugo's list
    says 'Open source' (the first page it reads), not the newest page's spelling."""
    _hugo_site(site)
    _post(site, "blog/2008-a.md", "2008-01-01", "[Open source]")
    _post(site, "blog/2020-b.md", "2020-01-01", "[Open Source]")
    assert [t[0] for t in _terms(site)] == ["Open source"]
    (site.entries / "blog" / "2008-a.md").rename(site.entries / "blog" / "2030-a.md")
    assert [t[0] for t in _terms(site)] == ["Open Source"]


def test_the_limit_keeps_the_newest_terms(site: SiteDir) -> None:
    _hugo_site(site, "")
    site.config((site.root / "feedpub.toml").read_text().replace("limit = 0", "limit = 2"))
    for day in range(1, 5):
        _post(site, f"p{day}.md", f"2024-01-0{day}", f"[t{day}]")
    assert [t[0] for t in _terms(site)] == ["t4", "t3"]
    assert site.run("build").exit_code == 0
    assert len(_rss(site.public / "tags/index.xml")[1]) == 2


def test_an_item_has_no_description_without_a_page_of_its_own(site: SiteDir) -> None:
    _hugo_site(site)
    site.entry("p.md", "---\ntitle: P\ndate: 2024-01-01\nsummary: Long\ntags: [a, b]\n---\nBody.\n")
    site.entry("tags/b/_index.md", "---\ntitle: Bee\n---\nAll about *b*.\n")
    assert site.run("build").exit_code == 0
    head, items = _rss(site.public / "tags/index.xml")
    assert head == [
        "Tags on Test Site",
        "https://example.org/tags/",
        "Recent content in Tags on Test Site",
    ]
    assert [(i[0], i[4]) for i in items] == [("a", ""), ("Bee", "All about b.")]
    feed = json.loads((site.public / "tags/feed.json").read_text(encoding="utf-8"))
    assert [(i["title"], i["content_text"], "summary" in i) for i in feed["items"]] == [
        ("a", "", False),
        ("Bee", "All about b.", True),
    ]
    atom = etree.parse(str(site.public / "tags/atom.xml")).getroot()
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.find("{http://www.w3.org/2005/Atom}summary") is None for e in entries] == [
        True,
        False,
    ]
    # the term's own page is in no feed, and makes no section
    assert "Bee" not in (site.public / "index.xml").read_text(encoding="utf-8")
    assert not (site.public / "tags" / "b" / "index.xml").read_text().count("<title>Bee")


def test_a_feedpub_site_lists_its_categories_linking_to_their_feeds(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "term_list_feeds = true\nlimit = 0\n")
    site.entry("a.md", "---\ntitle: A\ndate: 2024-01-01\ncategories: [News, Go]\n---\nA.\n")
    site.entry("b.md", "---\ntitle: B\ndate: 2024-02-01\ncategories: [Go]\n---\nB.\n")
    assert site.run("build").exit_code == 0
    head, items = _rss(site.public / "categories/feed.xml")
    assert head[0] == "Test Site \u2014 Categories"
    assert [i[:2] for i in items] == [
        ("Go", "https://example.org/categories/go/feed.xml"),
        ("News", "https://example.org/categories/news/feed.xml"),
    ]
    assert site.run("check").exit_code == 0
    index = (site.public / "index.html").read_text(encoding="utf-8")
    assert "https://example.org/categories/feed.xml" in index  # announced with the others


def test_term_list_path_places_them(site: SiteDir) -> None:
    site.config(
        BASIC_CONFIG + 'term_list_feeds = true\nterm_list_path = "lists/{taxonomy}-{file}"\n'
    )
    site.entry("a.md", "---\ntitle: A\ndate: 2024-01-01\ncategories: [News]\n---\nA.\n")
    assert site.run("build").exit_code == 0
    assert (site.public / "lists" / "categories-feed.xml").is_file()
    assert (site.public / "lists" / "categories-feed.json").is_file()
    site.config(BASIC_CONFIG + 'term_list_feeds = true\nterm_list_path = "lists/{file}"\n')
    done = site.run("build")
    assert done.exit_code == 1
    assert "term_list_path 'lists/{file}' must hold {taxonomy}" in done.output


def test_a_term_list_cannot_share_a_sections_address(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + "term_list_feeds = true\nsection_feeds = true\n")
    site.entry("categories/a.md", "---\ntitle: A\ndate: 2024-01-01\ncategories: [N]\n---\nA.\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert "term_list_path puts the rss file of 'term-lists/categories/'" in done.output


# --------------------------------------------------------------------------- delta builds


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GeneratedSite:
    """test_delta's generated site (categories and authors, five items a feed), built with
    the term lists of its categories and authors."""
    site = GeneratedSite(tmp_path, monkeypatch)
    _with_lists(site.root)
    assert site.run(site.root)[0] == 0
    return site


def _with_lists(root: Path) -> Path:
    config = root / "feedpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + "term_list_feeds = true\n")
    return root


def _listed(site: GeneratedSite, taxonomy: str = "categories") -> list[tuple[str, str]]:
    return [(i[0], i[3]) for i in _rss(site.root / "public" / taxonomy / "feed.xml")[1]]


def test_a_new_entry_dates_its_terms_again(generated: GeneratedSite) -> None:
    before = _listed(generated)
    new_entry(generated, "zz-new.md", "2025-06-01", f"categories: [{before[-1][0]}]")
    assert not generated.build_both_ways()  # (the full path: the list is made again)
    after = _listed(generated)
    assert after[0][0] == before[-1][0]
    assert after[0][1].startswith("Sun, 01 Jun 2025 00:00:00")
    assert _listed(generated, "authors")[0][0] == "Jun Park"


def test_a_new_entry_with_a_new_term_adds_it(generated: GeneratedSite) -> None:
    new_entry(generated, "zz-new.md", "2025-06-01", "categories: [Brand new]")
    assert not generated.build_both_ways()
    assert _listed(generated)[0][0] == "Brand new"


def test_an_edit_that_changes_a_terms_newest_date(generated: GeneratedSite) -> None:
    newest = generated.files()[-1]
    replace_line(newest, "date:", "date: 2014-01-01")
    assert not generated.build_both_ways()


def test_removing_a_terms_last_entry_removes_it(generated: GeneratedSite) -> None:
    new_entry(generated, "zz-new.md", "2025-06-01", "categories: [Brand new]")
    generated.build_both_ways()
    (generated.entries / "zz-new.md").unlink()
    assert not generated.build_both_ways()
    assert "Brand new" not in [name for name, _ in _listed(generated)]


def test_an_edit_that_moves_no_term_keeps_the_lists(generated: GeneratedSite) -> None:
    before = (generated.root / "public" / "categories" / "feed.xml").read_bytes()
    append(generated.files()[-1])
    assert generated.build_both_ways()  # the delta path, which leaves the lists as they are
    assert (generated.root / "public" / "categories" / "feed.xml").read_bytes() == before


def test_an_edit_of_a_terms_own_page_changes_its_description(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hugo_site(site)
    _post(site, "posts/a.md", "2024-01-01", "[go]")
    site.entry("tags/go/_index.md", "---\ntitle: Go\n---\nThe Go language.\n")
    assert site.run("build").exit_code == 0
    site.entry("tags/go/_index.md", "---\ntitle: Go\n---\nThe Go programming language.\n")
    assert site.run("build").exit_code == 0
    items = _rss(site.public / "tags/index.xml")[1]
    assert [(i[0], i[4]) for i in items] == [("Go", "The Go programming language.")]


# --------------------------------------------------------------------------- init, other sites


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", True),
        ('disableKinds = ["taxonomy"]\n', False),  # (blog.getbootstrap.com's)
        ('disableKinds = ["term"]\n', False),
        ('[outputs]\ntaxonomy = ["html"]\n', False),
        ('[outputs]\ntaxonomy = ["HTML", "RSS"]\n', True),
        ("[taxonomies]\n", False),  # no taxonomy at all
    ],
)
def test_init_from_hugo_sets_term_list_feeds_where_hugo_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, expected: bool
) -> None:
    source = write_files(
        tmp_path / "site",
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n' + config,
            "content/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nA.\n",
        },
    )
    monkeypatch.chdir(source)
    done = CliRunner().invoke(main, ["init", "--from", "hugo", "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    settings = tomllib.loads((source / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["term_list_feeds"] is expected


def test_ugly_urls_and_a_language_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``uglyURLs`` a term's page is ``/en/categories/news.html``; with
    ``defaultContentLanguageInSubdir`` the lists are in the language's folder."""
    source = write_files(
        tmp_path / "site",
        {
            "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "U"\nuglyURLs = true\n'
            'defaultContentLanguage = "en"\ndefaultContentLanguageInSubdir = true\n'
            "[languages.en]\nweight = 1\n[languages.es]\nweight = 2\n",
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\ncategories: [News]\n---\nA.\n",
            "content/posts/a.es.md": "---\ntitle: A\ndate: 2024-01-02\n"
            "categories: [Noticias]\n---\nA.\n",
            **HUGO_LAYOUTS,
        },
    )
    public = tmp_path / "public"
    hugo_then_feedpub(source, public, monkeypatch, "the Hugo term-list comparisons of issue #17")
    old = public / "en" / "categories" / "index.xml"
    assert _rss(source / "feeds" / "categories" / "index.xml") == _rss(old)
    assert _rss(old)[1][0][1] == "https://example.org/en/categories/news.html"


#: Term folders whose names Hugo cleans into their addresses (as on guiesbarcelona's site:
#: 'a&eb/', 'oab-(carlos-ferrater)/', 'sv60-cordón-&-liñán-arquitectos/').
HUGO_TERM_FOLDERS = {
    "hugo.toml": (
        'baseURL = "https://example.org/"\ntitle = "Play"\nlanguageCode = "en"\n'
        '[taxonomies]\ncategory = "categories"\n'
    ),
    "content/posts/a.md": "---\ntitle: A\ndate: 2020-01-01\n"
    'categories: ["A&EB", "OAB (Carlos Ferrater)"]\n---\nA.\n',
    "content/posts/b.md": "---\ntitle: B\ndate: 2021-01-01\n"
    'categories: ["SV60 Cordón & Liñán Arquitectos"]\n---\nB.\n',
    "content/categories/a&eb/_index.md": '---\ntitle: "A&EB"\n---\nA studio.\n',
    "content/categories/oab-(carlos-ferrater)/_index.md": "---\ntitle: OAB\n---\nAnother.\n",
    "content/categories/sv60-cordón-&-liñán-arquitectos/_index.md": "---\ntitle: SV60\n---\n",
    **HUGO_LAYOUTS,
}


def test_term_folders_are_at_the_addresses_hugo_makes_of_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_files(tmp_path / "site", HUGO_TERM_FOLDERS)
    public = tmp_path / "public"
    hugo_then_feedpub(source, public, monkeypatch, "the Hugo term folder comparison of issue #17")
    address = "categories/index.xml"
    done = CliRunner().invoke(
        main,
        ["compare", str(public / address), "--address", address, "--format", "json"],
        catch_exceptions=False,
    )
    report = json.loads(done.stdout)
    assert report["summary"]["changes"] == 0, report
    links = [item[1] for item in _rss(public / address)[1]]
    assert "https://example.org/categories/aeb/" in links
    assert "https://example.org/categories/oab-carlos-ferrater/" in links
    assert _rss(source / "feeds" / address) == _rss(public / address)
    # A term folder no page lists the term of: Hugo writes its feed, empty; so does feedpub.
    empty = "categories/sv60-cordón--liñán-arquitectos/index.xml"
    assert (public / empty).is_file() and not _rss(public / empty)[1]
    done = CliRunner().invoke(
        main,
        ["compare", str(public / empty), "--address", empty, "--format", "json"],
        catch_exceptions=False,
    )
    assert json.loads(done.stdout)["summary"]["changes"] == 0, done.stdout
