"""Template syntax in Jekyll and Hugo bodies (issue #17): Liquid rendered with python-liquid,
Hugo's built-in shortcodes rendered, what cannot be rendered left out with FP220; compared
with what the real jekyll + jekyll-feed and hugo put in their feeds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

import feedpub
from feedpub.cli import main

from .conftest import REPO, SiteDir, required_tool
from .test_dialects import _copy, _init_and_build, convert


def _shown(content: str, base: str) -> tuple[str, list[str]]:
    """What a reader shows of ``content``: its text (without white space, which renderers
    place differently) and its links and images (absolute); an embedded video or gist (an
    iframe or script, which readers drop) as the page it shows."""
    root = lxml_html.fragment_fromstring(content, create_parent="div")
    links = []
    for element in root.iter("a", "img", "iframe", "script"):
        url = element.get("href") or element.get("src")
        if url:
            url = urljoin(base, url)
            url = url.replace("https://www.youtube.com/embed/", "https://www.youtube.com/watch?v=")
            url = url.replace("https://player.vimeo.com/video/", "https://vimeo.com/")
            links.append(url.removesuffix(".js") if "gist.github.com" in url else url)
    for element in root.iter("iframe", "script"):
        element.drop_tree()
    return "".join(root.text_content().split()), sorted(links)


def _entries(feed: Path) -> dict[str, str]:
    """Each item's content (or summary: Hugo's RSS) by link."""
    parsed = feedparser.parse(feed.read_bytes(), sanitize_html=False)
    return {e.link: (e.content[0].value if e.get("content") else e.summary) for e in parsed.entries}


# --------------------------------------------------------------------------- Jekyll


def test_liquid_renders_what_jekyll_renders(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/b/"\ndialect = "jekyll"\nentries = "."\n')
    (site.root / "_config.yml").write_text("title: Quay\nowner:\n  name: Pat\n")
    (site.root / "_includes").mkdir()
    (site.root / "_includes" / "note.html").write_text(
        "<aside>{{ include.text | upcase }} ({{ page.title }})</aside>"
    )
    jekyll = feedpub.load_site()
    links = {
        "_posts/2024-01-01-old.md": "https://example.org/b/2024/01/01/old.html",
        "_posts/news/2024-01-02-new.md": "https://example.org/b/news/2024/01/02/new.html",
    }
    body = textwrap.dedent(
        """\
        {{ site.title }} by {{ site.owner.name }}: {{ page.title }}, {{ page.url }}
        {% include note.html text="mind the gap" %}
        [a]({% post_url 2024-01-01-old %}) [b]({% post_url news/2024-01-02-new %}) \
        [c]({% link _posts/2024-01-01-old.md %}) {{ site.url }}{{ site.baseurl }}
        {{ "x y" | slugify }} {{ "<b>" | xml_escape }} {{ page.date | date_to_xmlschema }} \
        {{ "/i.png" | absolute_url }} {{ page.date | date: "%Y" }} {{ "a,b" | split: "," | last }}
        {{ "it's" | smartify }}
        """
    )
    text, dropped = convert(body, jekyll, links)
    assert dropped == []
    assert text.split("\n")[:2] == [
        "Quay by Pat: T, /2024/01/02/x.html",
        "<aside>MIND THE GAP (T)</aside>",
    ]
    assert text.split()[9:] == [
        "[a](https://example.org/b/2024/01/01/old.html)",
        "[b](https://example.org/b/news/2024/01/02/new.html)",
        "[c](https://example.org/b/2024/01/01/old.html)",
        "https://example.org/b",
        "x-y",
        "&lt;b&gt;",
        "2024-01-02T10:00:00+00:00",
        "https://example.org/b/i.png",
        "2024",
        "b",
        "it\u2019s",
    ]


def test_what_liquid_cannot_render_is_left_out_and_reported(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    jekyll = feedpub.load_site()
    body = (
        "a {% post_url 1999-01-01-gone %} b {% include missing.html %} c {{ site.posts }}\n"
        "d {% tweet 123 %} e {{ 1 | sparkle }} f {{ page.nope }} {% include ../_config.yml %}\n"
        "g {% for x in %}{{ x }}{% endfor %} h\n"
    )
    text, dropped = convert(body, jekyll, {})
    assert "{" not in text and "}" not in text and "%" not in text
    assert text.split() == ["a", "b", "c", "d", "e", "f", "g", "h"]
    assert [line for line, _ in dropped] == [0, 0, 0, 1, 1, 1, 2, 2]  # (not page.nope)
    assert dropped[0] == (0, "{% post_url 1999-01-01-gone %} (no post 1999-01-01-gone)")


def test_a_post_liquid_cannot_parse_still_builds_with_a_warning(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    (site.root / "_posts").mkdir()
    (site.root / "_posts" / "2024-01-01-broken.md").write_text(
        "---\ntitle: Broken\n---\nBefore.\n\n{% if page.title %}Never closed.\n\nAfter {{ x\n"
    )
    done = site.run("build")
    assert done.exit_code == 0, done.output
    assert "_posts/2024-01-01-broken.md:8: warning FP220" in done.output  # {{ x: its line
    content = next(iter(_entries(site.root / "public" / "feed.xml").values()))
    assert "Before." in content and "After" in content and "{" not in content


def test_include_edits_reach_the_feeds(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    (site.root / "_posts").mkdir()
    (site.root / "_includes").mkdir()
    note = site.root / "_includes" / "note.html"
    note.write_text("<aside>First note.</aside>")
    (site.root / "_posts" / "2024-01-01-a.md").write_text(
        "---\ntitle: A\n---\nText.\n\n{% include note.html %}\n"
    )
    assert site.run("build").exit_code == 0
    feed = site.root / "public" / "feed.xml"
    assert "First note." in feed.read_text()
    note.write_text("<aside>Second note, longer.</aside>")
    assert site.run("build").exit_code == 0  # (the cache's stamp holds _includes/)
    assert "Second note, longer." in feed.read_text()


def test_sites_without_liquid_never_import_python_liquid(site: SiteDir) -> None:
    """feedpub's own dialect, and a Jekyll post without Liquid, pay nothing for it."""
    site.entry("2024-01-01-a.md", "---\ntitle: A\n---\nNo {{ templates }} in feedpub's own.\n")
    jekyll = site.root / "j"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_posts" / "2024-01-01-a.md").write_text("---\ntitle: A\n---\nPlain text.\n")
    (jekyll / "feedpub.toml").write_text(
        'base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n'
    )
    program = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from feedpub.cli import main\n"
        "done = CliRunner().invoke(main, ['build'], catch_exceptions=False)\n"
        "assert done.exit_code == 0, done.output\n"
        "print('liquid' in sys.modules)\n"
    )
    for folder in (site.root, jekyll):
        done = subprocess.run(
            [sys.executable, "-c", program],
            cwd=folder,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.stdout.strip() == "False", done.stderr


def test_jekyll_feed_shows_what_feedpub_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the Liquid comparison")
    source = _copy("jekyll-liquid", tmp_path / "jekyll")
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(source), "-d", str(tmp_path / "site")],
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    theirs = _entries(tmp_path / "site" / "feed.xml")
    output = _init_and_build(_copy("jekyll-liquid", tmp_path / "feedpub"), "jekyll", monkeypatch)
    ours = _entries(output / "feed.xml")  # (Atom, at jekyll-feed's address)
    assert ours.keys() == theirs.keys()
    for link, content in theirs.items():
        assert _shown(ours[link], link) == _shown(content, link), link
    done = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert "FP220" not in done.stdout


# --------------------------------------------------------------------------- Hugo


def test_hugo_shortcodes_as_hugo_makes_them(site: SiteDir) -> None:
    site.config('base_url = "https://example.net/"\ndialect = "hugo"\nentries = "content"\n')
    (site.root / "content" / "posts" / "trip").mkdir(parents=True)
    (site.root / "content" / "posts" / "trip" / "index.md").write_text("x")
    (site.root / "content" / "posts" / "dive.md").write_text("x")
    hugo = feedpub.load_site()
    links = {
        "posts/dive.md": "https://example.net/posts/dive/",
        "posts/trip/index.md": "https://example.net/2024/trip/",
    }
    body = textwrap.dedent(
        """\
        [a]({{< ref "dive.md" >}}) [b]({{< relref "/posts/dive" >}}) [c]({{< ref "trip" >}})
        [d]({{< ref path="posts/trip/index.md#top" >}}) [e]({{% relref "dive" %}})
        {{< youtube w7Ft2ymGmfc >}} {{< youtube id="abc" title="A [tide] film" >}}
        {{< vimeo 146022717 >}} {{< tweet user="reef" id="123" >}} {{< x user="reef" id="9" >}}
        {{< gist spf13 7896402 >}} {{< instagram BWNjjyYFxVx >}}
        """
    )
    entry = hugo.entries / "posts" / "dive.md"
    text, dropped = feedpub.dialects.of(hugo).convert(body, _hugo_entry(hugo, entry), hugo, links)
    assert dropped == []
    assert text.split() == [
        "[a](https://example.net/posts/dive/)",
        "[b](https://example.net/posts/dive/)",
        "[c](https://example.net/2024/trip/)",
        "[d](https://example.net/2024/trip/#top)",
        "[e](https://example.net/posts/dive/)",
        "<https://www.youtube.com/watch?v=w7Ft2ymGmfc>",
        *["[A", "\\[tide\\]", "film](<https://www.youtube.com/watch?v=abc>)"],
        "<https://vimeo.com/146022717>",
        "<https://twitter.com/reef/status/123>",
        "<https://x.com/reef/status/9>",
        "<https://gist.github.com/spf13/7896402>",
        "<https://www.instagram.com/p/BWNjjyYFxVx/>",
    ]
    text, dropped = feedpub.dialects.of(hugo).convert(
        '{{< ref "nowhere.md" >}} {{< youtube >}} {{< mastodon 1 >}}',
        _hugo_entry(hugo, entry),
        hugo,
        None,  # while scanning: the file named must exist
    )
    assert text == "  "
    assert [t for _, t in dropped] == [
        '{{< ref "nowhere.md" >}}',
        "{{< youtube >}}",
        "{{< mastodon 1 >}}",
    ]


def _hugo_entry(site: feedpub.Site, path: Path) -> feedpub.Entry:
    from .test_dialects import _entry

    return _entry(site, str(path.relative_to(site.entries)))


def test_hugo_feed_shows_what_feedpub_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hugo = required_tool("hugo", "hugo", "the shortcode comparison")
    source = _copy("hugo-shortcodes", tmp_path / "hugo")
    subprocess.run(
        [hugo, "--quiet", "-s", str(source), "-d", str(tmp_path / "site")],
        check=True,
        capture_output=True,
    )
    theirs = _entries(tmp_path / "site" / "index.xml")  # (its <!--more-->: the whole post)
    output = _init_and_build(_copy("hugo-shortcodes", tmp_path / "feedpub"), "hugo", monkeypatch)
    ours = _entries(output / "index.xml")  # (RSS, at Hugo's address)
    assert ours.keys() == theirs.keys()
    for link, content in theirs.items():
        their_text, their_links = _shown(content, link)
        our_text, our_links = _shown(ours[link], link)
        # Hugo gives {{% highlight %}} (HTML, in Markdown) to goldmark, which leaves raw
        # HTML out by default ("unsafe = false"); feedpub shows the code. And the embedded
        # video and gist are links in feedpub's (readers drop iframes), named by their URL.
        for shown in ("print(2)", *their_links):
            our_text = our_text.replace(shown, "")
        assert our_text == their_text, link
        # The video and gist links, which readers show where they drop Hugo's iframes.
        assert our_links == their_links, link


def test_post_url_in_a_new_post_of_a_warm_build(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm build (a new post: the delta path) links to posts it did not read again."""
    from feedpub.pipeline import _delta

    asked = []
    links = _delta._links
    monkeypatch.setattr(_delta, "_links", lambda *a: asked.append(1) or links(*a))
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    posts = site.root / "_posts"
    posts.mkdir()
    (posts / "2024-01-01-old.md").write_text("---\ntitle: Old\n---\nOld text.\n")
    (posts / "2024-01-02-middle.md").write_text("---\ntitle: Middle\n---\nMiddle text.\n")
    assert site.run("build").exit_code == 0
    (posts / "2024-01-03-new.md").write_text(
        "---\ntitle: New\n---\nSee [the old one]({% post_url 2024-01-01-old %}).\n"
    )
    done = site.run("build")
    assert done.exit_code == 0 and "FP220" not in done.output, done.output
    new = _entries(site.root / "public" / "feed.xml")["https://example.org/2024/01/03/new.html"]
    assert 'href="https://example.org/2024/01/01/old.html"' in new
    assert asked  # (the links came from the last build's manifest)


def test_problems_in_an_included_file_are_reported_at_the_include(site: SiteDir) -> None:
    site.config('base_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n')
    (site.root / "_includes").mkdir()
    (site.root / "_includes" / "bad.html").write_text("ok {{ 1 | nope }} {% gist 1 %}\n")
    text, dropped = convert("line 0\n{% include bad.html %}\n{{ page.title }}", feedpub.load_site())
    assert text == "line 0\nok  \n\nT"
    assert dropped == [
        (1, "{% include bad.html %} (in bad.html: unknown filter 'nope')"),
        (1, "{% include bad.html %} (in bad.html: a tag feedpub does not know)"),
    ]
