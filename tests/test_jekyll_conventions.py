"""Conventions real Jekyll sites use (issue #17, item 3), each in a small site of our own:
the posts collection's own ``permalink`` (jekyll/jekyll's docs), front matter ``defaults`` by
scope (emacsredux, metaredux: ``categories: posts``), ``name`` without ``title`` (jekyll/jekyll),
a ``permalink`` without its first ``/`` (emacsredux), jekyll-feed's smartified titles
(benbalter, emacsredux), a protocol-relative ``image`` (benbalter), and brew.sh's: posts
dated by their file names only, the posts' permalink from ``defaults`` without its first ``/``,
jekyll-feed's ``feed: path`` (no ``/``) and ``posts_limit``, ``{% post_url %}``.

Each site is built by feedpub after ``init --from jekyll`` (no file edited) and checked by
hand; where Jekyll is installed, also built by Jekyll + jekyll-feed and compared item by item
with ``feedpub compare``. Smartified titles are also compared with kramdown's own, on many.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import feedpub
from feedpub.cli import main
from feedpub.dialects._smartify import jekyll_feed_title

from .conftest import SiteDir, required_tool, write_files

# --------------------------------------------------------------------------- the sites

#: The posts collection's own permalink (dict form), which wins over the site's `pretty`;
#: `name` instead of `title`; defaults by path and type; smartified titles; images.
NEWS = {
    "_config.yml": """\
name: 'Harbour "Notes" -- the old pier'
url: "https://harbour.example.org"
timezone: Europe/Berlin
permalink: pretty
collections:
  posts:
    permalink: /news/:year/:month/:day/:title/
    output: true
  guides:
    output: true
defaults:
  - scope:
      path: ""
      type: posts
    values:
      author: Ada Harbour
      image: /assets/og.png
  - scope:
      path: _posts/ferries
    values:
      author: Ferry Desk
  - scope:
      path: ""
      type: pages
    values:
      author: Nobody
  - scope:
      path: _posts/2024-03-04-special
    values:
      permalink: /special/:title/
plugins:
  - jekyll-feed
""",
    "_posts/2024-03-01-welcome.md": """\
---
title: I don't like "quotes" -- or dashes...
date: 2024-03-01 10:00:00 +0100
categories: harbour
---
Welcome.
""",
    "_posts/ferries/2024-03-02-timetable.md": """\
---
title: The '80s ferry --- "Queen" of the <em>bay</em>
date: 2024-03-02 10:00:00 +0100
---
Timetables.
""",
    "_posts/2024-03-03-cdn.md": """\
---
title: Rock 'n' roll on the pier
date: 2024-03-03 10:00:00 +0100
image: //cdn.example.net/pier.png
---
Loud.
""",
    "_posts/2024-03-04-special.md": """\
---
title: "'Special' offers: \\"5'10\\" and up\\""
date: 2024-03-04 10:00:00 +0100
tags: offers
---
Cheap.
""",
    "_posts/2024-03-05-mine.md": """\
---
title: Mine, AT&amp;T's and <<the harbour's>>
date: 2024-03-05 10:00:00 +0100
author: Jane Quay
image:
---
Mine.
""",
    "_guides/ferry-guide.md": "---\ntitle: Not a post\n---\nA guide.\n",
}

#: A permalink without its first '/' (list-form collections); `categories: posts` in defaults,
#: added to a post's own (metaredux's convention), with `:categories` in the permalink.
REDUX = {
    "_config.yml": """\
title: Redux
url: "https://redux.example.org"
permalink: "blog/:categories/:year/:month/:day/:title:output_ext"
collections:
  - notes
defaults:
  - scope:
      path: ""
      type: posts
    values:
      categories: posts
plugins:
  - jekyll-feed
""",
    "_posts/2024-04-01-plain.md": "---\ntitle: Plain\ndate: 2024-04-01 09:00:00 +0000\n---\nA.\n",
    "_posts/2024-04-02-own.md": (
        "---\ntitle: Own\ndate: 2024-04-02 09:00:00 +0000\ncategories: [Emacs, posts]\n---\nB.\n"
    ),
    "_posts/2024-04-03-single.md": (
        "---\ntitle: Single\ndate: 2024-04-03 09:00:00 +0000\ncategory: posts\n---\nC.\n"
    ),
}


#: Homebrew/brew.sh's conventions: no `date:` (each post is dated by its file name, midnight in
#: the site's zone), the posts' permalink from `defaults` by type without its first '/', the
#: site's own `permalink: :title` (for pages), jekyll-feed's `feed: path` without a '/' and its
#: `posts_limit`, titles YAML could read as numbers, a key written twice, `{% post_url %}`.
#: (brew.sh writes `:title` unquoted; Debian's Jekyll reads that as a Ruby Symbol and stops,
#: upstream's safe_yaml as the text ":title": quoted here, see test_brew_site_settings.)
BREW = {
    "_config.yml": """\
title: Brewery
description: The package manager of the pier.
url: https://brewery.example.org
timezone: America/New_York
permalink: ":title"
feed:
  path: atom.xml
  posts_limit: 3
defaults:
  - scope:
      type: posts
    values:
      layout: post
      permalink: ":year/:month/:day/:title/"
  - scope:
      path: ""
    values:
      image: /assets/img/card.png
plugins:
  - jekyll-feed
""",
    "about.md": "---\ntitle: About\n---\nA page: not in the feed.\n",
    **{
        f"_posts/2024-0{n}-1{n}-brewery-{n}.0.0.md": (
            f"---\ntitle: {n}.0.0\nauthor: Mike\n"
            f"redirect_from: /blog/{n}.0.0/\nredirect_from: /{n}/\n---\nRelease {n}.\n"
        )
        for n in (1, 2, 3)
    },
    "_posts/2024-04-14-security-notice.md": "---\ntitle: 4.0\nauthor: Ana\n---\nPatched.\n",
    "_posts/2024-05-15-projects.md": """\
---
title: Maintainer Projects
author: Ana
---
Since version [3.0.0]({% post_url 2024-03-13-brewery-3.0.0 %}), more.
""",
}


def _feedpub(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """``init --from jekyll`` then ``build`` in ``folder``; their outputs."""
    monkeypatch.chdir(folder)
    runner = CliRunner()
    init = runner.invoke(main, ["init", "--from", "jekyll", "."], catch_exceptions=False)
    assert init.exit_code == 0, init.output
    build = runner.invoke(main, ["build"], catch_exceptions=False)
    assert build.exit_code == 0, build.output
    return init.output, build.output


def _items(folder: Path) -> dict[str, dict[str, object]]:
    feed = json.loads((folder / "_feeds" / "feed.json").read_text(encoding="utf-8"))
    return {
        item["url"]: {
            "id": item["id"],
            "title": item["title"],
            "authors": [a["name"] for a in item.get("authors", [])],
            "image": item.get("image"),
            "tags": item.get("tags", []),
        }
        for item in feed["items"]
    }


# --------------------------------------------------------------------------- by hand


def test_news_site_links_authors_titles_and_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "news", NEWS)
    init, build = _feedpub(folder, monkeypatch)
    settings = tomllib.loads((folder / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["title"] == 'Harbour "Notes" -- the old pier'  # from `name`
    assert settings["permalink"] == "/news/:year/:month/:day/:title/"  # the collection's
    assert settings["defaults"] == [  # the sets that can apply to posts, as written
        {
            "scope": {"path": "", "type": "posts"},
            "values": {"author": "Ada Harbour", "image": "/assets/og.png"},
        },
        {"scope": {"path": "_posts/ferries"}, "values": {"author": "Ferry Desk"}},
        {
            "scope": {"path": "_posts/2024-03-04-special"},
            "values": {"permalink": "/special/:title/"},
        },
    ]
    assert "collections: not mapped (guides: only posts are read" in init
    site = feedpub.load_site(folder / "feedpub.toml")
    assert site.title == "Harbour \u201cNotes\u201d \u2013 the old pier"  # smartified
    base, og = "https://harbour.example.org", "https://harbour.example.org/assets/og.png"
    assert _items(folder) == {
        f"{base}/news/2024/03/01/welcome/": {
            "id": f"{base}/news/2024/03/01/welcome",
            "title": "I don\u2019t like \u201cquotes\u201d \u2013 or dashes\u2026",
            "authors": ["Ada Harbour"],
            "image": og,
            "tags": ["harbour"],
        },
        f"{base}/news/2024/03/02/timetable/": {
            "id": f"{base}/news/2024/03/02/timetable",
            "title": "The \u201980s ferry \u2014 \u201cQueen\u201d of the bay",
            "authors": ["Ferry Desk"],  # the longer path wins
            "image": og,
            "tags": [],
        },
        f"{base}/news/2024/03/03/cdn/": {
            "id": f"{base}/news/2024/03/03/cdn",
            "title": "Rock \u2018n\u2019 roll on the pier",  # (an opening quote after a space)
            "authors": ["Ada Harbour"],
            "image": "https://cdn.example.net/pier.png",  # the site's scheme
            "tags": [],
        },
        f"{base}/special/special/": {  # a permalink from defaults, with placeholders
            "id": f"{base}/special/special",
            "title": "\u2018Special\u2019 offers: \u201c5\u201910\u201d and up\u201d",
            "authors": ["Ada Harbour"],
            "image": og,
            "tags": ["offers"],
        },
        f"{base}/news/2024/03/05/mine/": {
            "id": f"{base}/news/2024/03/05/mine",
            "title": "Mine, AT&T\u2019s and \u00abthe harbour\u2019s\u00bb",
            "authors": ["Jane Quay"],  # the post's own wins; its empty image keeps the default
            "image": og,
            "tags": [],
        },
    }
    # jekyll-feed writes the image's address though no such file exists: so does feedpub.
    assert (
        "_posts/2024-03-01-welcome.md: warning FP215: image '/assets/og.png' is not a file"
    ) in build
    # (3 from defaults; 'mine' writes 'image:' empty, which keeps the default, as in Jekyll)
    assert build.count("(from defaults)") == 3 and build.count("FP215") == 4


def test_redux_site_permalink_without_slash_and_categories_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "redux", REDUX)
    init, _ = _feedpub(folder, monkeypatch)
    assert "permalink" not in init  # accepted: Jekyll adds the '/'
    base = "https://redux.example.org/blog"
    assert sorted(_items(folder)) == [
        f"{base}/posts/2024/04/01/plain.html",
        f"{base}/posts/2024/04/03/single.html",
        f"{base}/posts/emacs/2024/04/02/own.html",  # defaults' first, then the post's own
    ]


def test_defaults_setting_is_checked(site: SiteDir) -> None:
    site.config(
        'base_url = "https://example.org/"\ndialect = "jekyll"\n'
        'defaults = [{ scope = { path = "_posts", kind = "posts" }, values = { a = 1 } }]\n'
    )
    done = site.run("build")
    assert done.exit_code == 1
    assert (
        "feedpub.toml:3: defaults (set 1): unknown key 'scope.kind'; a set has scope (path, "
        "type) and values"
    ) in done.stderr
    site.config('base_url = "https://example.org/"\ndefaults = [{ scope = {} }]\n')
    done = site.run("build")
    assert "feedpub.toml:2: defaults (set 1) must be a table with 'values'" in done.stderr


# --------------------------------------------------------------------------- real Jekyll


def _jekyll_compare(
    files: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    address: str = "feed.xml",
) -> dict[str, object]:
    """Build ``files`` with Jekyll and, in a copy, with feedpub; ``feedpub compare``'s report
    of jekyll-feed's feed (at ``address``) against feedpub's (Atom, at the same address)."""
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the jekyll-feed comparison")
    source = write_files(tmp_path / "jekyll", files)
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(source), "-d", str(tmp_path / "built")],
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    _feedpub(write_files(tmp_path / "feedpub", files), monkeypatch)
    assert sorted(p.name for p in (tmp_path / "built").glob("*.xml")) == [address]
    old = str(tmp_path / "built" / address)
    arguments = ["compare", old, "--address", address, "--format", "json"]
    done = CliRunner().invoke(main, arguments, catch_exceptions=False)
    return json.loads(done.stdout)


@pytest.mark.parametrize("files", [NEWS, REDUX], ids=["news", "redux"])
def test_jekyll_feed_and_feedpub_give_the_same_items(
    files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _jekyll_compare(files, tmp_path, monkeypatch)
    posts = sum(name.startswith("_posts/") for name in files)
    assert report["summary"]["same"] == posts, report["findings"]
    assert report["summary"]["changes"] == 0, report["findings"]
    assert {p["matched_by"] for p in report["items"]} == {"id"}
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"FP412", "FP430", "FP431", "FP432"}, report["findings"]  # titles too


def test_brew_site_feed_at_its_path_with_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _jekyll_compare(BREW, tmp_path, monkeypatch, address="atom.xml")
    assert report["summary"]["same"] == 3, report["findings"]  # posts_limit: the 3 newest
    assert report["summary"]["changes"] == 0, report["findings"]
    assert {p["matched_by"] for p in report["items"]} == {"id"}
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"FP412", "FP413", "FP430", "FP431", "FP432"}, report["findings"]
    base = "https://brewery.example.org"
    assert [p["old"]["link"] for p in report["items"]] == [
        f"{base}/2024/05/15/projects/",
        f"{base}/2024/04/14/security-notice/",
        f"{base}/2024/03/13/brewery-3.0.0/",
    ]
    # midnight in the site's zone, from the file name
    assert report["items"][0]["new"]["published"] == "2024-05-15T04:00:00+00:00"
    feed = json.loads((tmp_path / "feedpub" / "_feeds" / "feed.json").read_text("utf-8"))
    projects = feed["items"][0]
    assert projects["url"] == f"{base}/2024/05/15/projects/"
    assert f'href="{base}/2024/03/13/brewery-3.0.0/"' in projects["content_html"]  # post_url


def test_brew_site_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """brew.sh's own `_config.yml` writes the permalinks unquoted: init reads them as text."""
    files = dict(BREW)
    files["_config.yml"] = (
        files["_config.yml"]
        .replace('permalink: ":title"', "permalink: :title")
        .replace('permalink: ":year/:month/:day/:title/"', "permalink: :year/:month/:day/:title/")
    )
    assert ":title\n" in files["_config.yml"] and '":' not in files["_config.yml"]
    folder = write_files(tmp_path / "brew", files)
    _feedpub(folder, monkeypatch)
    settings = tomllib.loads((folder / "feedpub.toml").read_text(encoding="utf-8"))
    assert settings["permalink"] == ":title"
    assert settings["defaults"][0]["values"]["permalink"] == ":year/:month/:day/:title/"
    assert settings["atom_path"] == "atom.xml" and settings["rss_path"] is False
    assert settings["limit"] == 3
    base = "https://brewery.example.org"
    assert sorted(_items(folder)) == [
        f"{base}/2024/03/13/brewery-3.0.0/",
        f"{base}/2024/04/14/security-notice/",
        f"{base}/2024/05/15/projects/",
    ]


#: Titles kramdown's SmartyPants must read as feedpub does: real ones' forms and edge cases.
TITLES = [
    'I don\'t like "quotes"',
    "'80s and the '90s",
    "rock 'n' roll",
    "\"'Quoted' words in a larger quote.\"",
    'He said, "Hello," and left',
    "x--y, a---b, wait... and --- alone",
    "5'10\" tall",
    "O'Reilly's 'tis",
    "<<guillemets>> and << spaced >> and \\<<escaped",
    "AT&amp;T's &copy; &#8220;numbered&#8221; &bogus; & alone",
    '<em>"x"</em>\'s <code>\'raw\'</code> <kbd>"k"</kbd>',
    "a <div>block</div> and </b> stray",  # (a block tag first on the line: not read so)
    "a < b > c",
    '""',
    "''",
    "'",
    "Emacs' \"M-x\" (and 'C-c')",
    "[\"list\"] {'set'} ('tuple')",
    "*'emphasis'* _\"under\"_",
    'it\'s-a "hyphen-ated"-word',
]


def _generated(count: int) -> list[str]:
    """Titles made of the characters SmartyPants looks at, with balanced tags."""
    pieces = [*"ab1 '\"'\"-.<>&;_*()[]!?,:s\\", "--", "...", "&amp;", "80s", " >>", "<<"]
    pieces += ["<em>x</em>", "<code>'y'</code>", "</em>"]
    chance = random.Random(17)
    return [
        "".join(chance.choice(pieces) for _ in range(chance.randint(1, 12))) for _ in range(count)
    ]


_RUBY = """\
require "jekyll"
require "json"
converter = Jekyll::Converters::SmartyPants.new(Jekyll::Configuration::DEFAULTS)
filters = Object.new.extend(Liquid::StandardFilters, Jekyll::Filters)
puts JSON.generate(JSON.parse(STDIN.read).map { |title|
  filters.normalize_whitespace(filters.strip_html(converter.convert(title)))
})
"""


def test_titles_are_smartified_as_kramdown_does() -> None:
    """jekyll-feed's ``title | smartify | strip_html | normalize_whitespace``, read as HTML,
    against :func:`jekyll_feed_title`, on the titles above and 2000 generated ones."""
    import html

    ruby = required_tool("ruby", "ruby jekyll", "the comparison of smartified titles")
    titles = TITLES + _generated(2000)
    done = subprocess.run(
        [ruby, "-e", _RUBY], input=json.dumps(titles), capture_output=True, text=True, check=True
    )
    theirs = [html.unescape(title) for title in json.loads(done.stdout)]
    ours = [jekyll_feed_title(title) for title in titles]
    differ = [(t, a, b) for t, a, b in zip(titles, theirs, ours, strict=True) if a != b]
    assert differ == []
    assert jekyll_feed_title("Plain title") == "Plain title"
