"""`build` says what `check` says about an entry's content and the feeds it writes.

The warnings about an entry's body (FP206, FP213, FP220) come from one function
(feedpub/scan/_findings.py), called while the file is read: a full build, a delta build and a build
that finds nothing changed (its warnings replayed from the build record) print the same lines
as `check`. A feed `check` calls invalid is never written with exit status 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub.cli import main
from feedpub.model import PLACEHOLDER

from .conftest import REPO, SiteDir

CONFIG = """\
title = "Test Site"
base_url = "https://example.org/"
description = "Entries for tests"
author = "Ann <ann@example.org>"
timezone = "UTC"
"""
OTHER = "---\ntitle: Other\ndate: 2025-01-01\nsummary: Other.\n---\nOther body.\n"


def lines_with(output: str, *codes: str) -> list[str]:
    return sorted(line for line in output.splitlines() if any(c in line for c in codes))


def build_and_check(site: SiteDir, *codes: str) -> tuple[list[str], list[str], list[str]]:
    """The lines with ``codes`` of a full build, of a build with nothing changed, and of an
    edit of another entry (a delta build); each asserted equal to what check prints."""
    checked = site.run("check")
    expected = lines_with(checked.output, *codes)
    found = []
    for step in ("full", "unchanged", "delta"):
        if step == "delta":
            site.entry("other.md", OTHER.replace("Other body.", "Other body, edited."))
        result = site.run("build")
        assert result.exit_code == 0, result.output
        assert ("unchanged" in result.output) == (step == "unchanged"), result.output
        found.append(lines_with(result.output, *codes))
    assert found == [expected] * 3
    return expected, found[1], found[2]


def test_build_warns_about_the_placeholder_text_new_wrote(site: SiteDir) -> None:
    site.config(CONFIG)
    site.entry("other.md", OTHER)
    made = site.run("new", "Not written yet")
    assert made.exit_code == 0, made.output
    (path,) = [p for p in site.entries.iterdir() if p.name != "other.md"]
    line = path.read_text().split("\n").index(PLACEHOLDER) + 1
    expected, _, _ = build_and_check(site, "FP213")
    assert expected == [
        f"entries/{path.name}:{line}: warning FP213: still has the text 'feedpub new' put "
        "there; write the entry, or mark it 'draft: true' until it is ready"
    ]


def test_a_draft_keeps_its_placeholder_quietly(site: SiteDir) -> None:
    """The warning's own advice: marked 'draft: true', the entry is not reported."""
    site.config(CONFIG)
    site.entry("other.md", OTHER)
    assert site.run("new", "--draft", "Not written yet").exit_code == 0
    assert "FP213" not in site.run("check").output
    assert "FP213" not in site.run("build", "--drafts").output


def test_build_warns_about_links_to_markdown_files(site: SiteDir) -> None:
    site.config(CONFIG)
    site.entry("other.md", OTHER)
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\n---\nFirst.\n\nSee [the other](other.md).\n",
    )
    expected, _, _ = build_and_check(site, "FP206")
    assert expected == [
        "entries/a.md:7: warning FP206: links to the Markdown file 'other.md', which readers "
        "cannot open; link to the entry's URL instead"
    ]


def test_build_warns_about_hugo_shortcodes_it_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "hugo-site"
    shutil.copytree(REPO / "tests" / "data" / "hugo-site", folder)
    with (folder / "content/posts/my-trip/index.md").open("a") as f:
        f.write("\n{{< mastodon 1234 >}}\n")  # a theme's shortcode
    monkeypatch.chdir(folder)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--from", "hugo", "."]).exit_code == 0
    checked = runner.invoke(main, ["check"], catch_exceptions=False)
    expected = lines_with(checked.output, "FP220")
    assert (
        "content/posts/my-trip/index.md:21: warning FP220: template syntax feedpub cannot "
        "render is left out of the feeds: {{< mastodon 1234 >}}"
    ) in expected
    for _ in range(2):  # full, then replayed from the build record
        built = runner.invoke(main, ["build"], catch_exceptions=False)
        assert built.exit_code == 0, built.output
        assert lines_with(built.output, "FP220") == expected


# --------------------------------------------------------------------------- FP303


CODE_SAMPLE = """\
---
title: Showing HTML
date: 2025-01-02
---
How to show an image:

```html
<img src="logo.png" alt="">
<a href='about.html'>about</a>
```

The attribute is written href="page.html", and javascript: URLs are removed.
"""


def test_html_shown_as_text_is_no_relative_url(site: SiteDir) -> None:
    """A code block showing HTML made check fail (FP303) on the feeds build wrote."""
    site.config(CONFIG)
    site.entry("a.md", CODE_SAMPLE)
    assert site.run("build").exit_code == 0
    checked = site.run("check", "--strict")
    assert checked.exit_code == 0, checked.output
    assert "FP303" not in checked.output and "FP308" not in checked.output


def test_srcset_with_a_data_url_first_is_made_absolute(site: SiteDir) -> None:
    """A data: URL's commas are no srcset separators: the URLs after it are made absolute."""
    site.config(CONFIG)
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\n---\n"
        '<img srcset="data:image/gif;base64,R0lGODlhAQABAAAAACw= 1x, big.png 2x" alt="">\n',
    )
    assert site.run("build").exit_code == 0
    checked = site.run("check")
    assert checked.exit_code == 0, checked.output
    rss = (site.public / "feed.xml").read_text()
    assert "https://example.org/2025/01/a/big.png 2x" in rss


def test_srcset_with_a_javascript_url_loses_that_candidate(site: SiteDir) -> None:
    """nh3 checks the schemes of href and src, not srcset's: a javascript: candidate went
    into every feed (and the build's own check warned FP308 about it)."""
    site.config(CONFIG)
    site.entry(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02\n---\nText.\n\n"
        '<img srcset="a.png 1x, javascript:alert(1) 2x" alt="">\n'
        '<picture><source srcset="JavaScript:alert(2) 1x"></picture>\n',
    )
    result = site.run("build")
    assert result.exit_code == 0
    assert "FP308" not in result.output
    for name in ("feed.xml", "atom.xml", "feed.json"):
        text = (site.public / name).read_text().lower()
        assert "javascript" not in text, name
        assert "https://example.org/2025/01/a/a.png 1x" in text, name


def test_build_never_writes_a_feed_check_calls_invalid(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were a link in content left relative (a feedpub bug; check's FP303), build fails with
    one line per problem and writes nothing, instead of writing the feed with exit 0."""
    from feedpub.render import _html as render

    site.config(CONFIG)
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-02\n---\nSee ![chart](chart.png).\n")
    monkeypatch.setattr(render, "join_url", lambda base, url: url)  # the simulated bug
    result = site.run("build")
    assert result.exit_code == 1, result.output
    assert "entries/a.md: relative URL 'chart.png' in content" in result.output
    assert not site.public.exists()


def test_build_warns_about_titles_validators_take_for_html(site: SiteDir) -> None:
    """FP307 in build as in check: about each feed file for the site's title (its channel
    title), and about the entry's file for an item's title (check names each feed it is in)."""
    site.config(CONFIG.replace('"Test Site"', '"Use </b> here"'))
    site.entry("other.md", OTHER)
    site.entry("a.md", "---\ntitle: A &lt;/b&gt; title\ndate: 2025-01-02\n---\nA.\n")
    checked = lines_with(site.run("check").output, "FP307")
    heads = [line for line in checked if "'Use </b> here'" in line]
    assert len(heads) == 3  # feed.xml, atom.xml, feed.json
    item = "warning FP307: title 'A </b> title' looks like HTML to feed validators; reword it"
    assert {line.split(": ", 1)[1] for line in checked if line not in heads} == {item}
    for step in ("full", "unchanged", "delta"):
        if step == "delta":
            site.entry("other.md", OTHER.replace("Other body.", "Other body, edited."))
        built = site.run("build")
        assert built.exit_code == 0, built.output
        assert lines_with(built.output, "FP307") == sorted([*heads, f"entries/a.md:2: {item}"])


def test_build_warns_about_an_entry_with_no_summary_to_show(site: SiteDir) -> None:
    site.config(CONFIG)
    site.entry("other.md", OTHER)
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-02\n---\n![](https://example.org/a.png)\n")
    expected, _, _ = build_and_check(site, "FP202")
    assert expected == [
        "entries/a.md:1: warning FP202: no summary, and the body has no text to make one "
        "from; add 'summary: ...'"
    ]


def test_a_cold_build_checks_each_item_where_it_is_rendered(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build checks each item where it renders the entry (in its worker processes, for
    a large site), not by reading every item back from the cache afterwards; it says the
    same as check. A build that renders only some entries reads the others back."""
    from feedpub.pipeline import _verify

    site.config(CONFIG + "limit = 0\n")  # (every entry in the feeds)
    for number in range(300):  # enough for the worker processes
        title = f"A {number} &lt;/b&gt; title" if number % 100 == 0 else f"E {number}"
        site.entry(f"e{number:03}.md", f"---\ntitle: {title}\ndate: 2025-01-02\n---\nA.\n")
    said = {line.split(": ", 1)[1] for line in lines_with(site.run("check").output, "FP307")}
    assert len(said) == 3
    expected = sorted(
        f"entries/e{n:03}.md:2: warning FP307: title 'A {n} </b> title' looks like HTML to feed "
        "validators; reword it"
        for n in (0, 100, 200)
    )
    assert {line.split(": ", 1)[1] for line in expected} == said
    real = _verify.rendered_items
    read: list[int] = []

    def reading(site, chosen, *args):  # type: ignore[no-untyped-def]
        read.append(len(chosen))
        return real(site, chosen, *args)

    monkeypatch.setattr(_verify, "rendered_items", reading)
    built = site.run("build")
    assert built.exit_code == 0, built.output
    assert lines_with(built.output, "FP307") == expected
    assert read == []
    # Other settings (the full path), one entry edited: only it is rendered, and the items
    # of the others are read back for the check.
    site.config(CONFIG.replace('"Entries for tests"', '"Other entries"') + "limit = 0\n")
    site.entry("e001.md", "---\ntitle: E 1\ndate: 2025-01-02\n---\nA, edited.\n")
    built = site.run("build")
    assert built.exit_code == 0, built.output
    assert lines_with(built.output, "FP307") == expected
    assert read == [300]
