"""`feedpub check`: every build error plus warnings, each with a stable code and `path:line`,
the feed linter on hand-written broken feeds, and nothing ever written.

Expected codes, files and lines are worked out by hand from the inputs: line 1 of an entry is
its opening `---`, so the first front matter key is on line 2.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedpub.cli import main
from feedpub.errors import CODES
from feedpub.feeds.atom import lint_atom
from feedpub.feeds.rss import lint_rss

from .conftest import BASIC_CONFIG, PUBLIC_FILES, REPO, SiteDir

AUTHORED = BASIC_CONFIG + 'author = "Newsroom <news@example.org>"\n'
FINDING_LINE = re.compile(r"^(?P<where>\S+?:\d+): (?P<severity>error|warning) (?P<code>FP\d{3}): ")
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def post(*lines: str, body: str = "Body.\n") -> str:
    """An entry file: '---', the front matter lines, '---', then the body."""
    return "\n".join(["---", *lines, "---", body])


def json_findings(site: SiteDir, *args: str) -> tuple[int, list[dict]]:
    """Exit status and the findings of `check --format json`."""
    result = site.run("check", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def brief(findings: list[dict]) -> list[tuple[str, str, str, int]]:
    return [(f["code"], f["severity"], f["path"], f["line"]) for f in findings]


def only_warning(site: SiteDir, code: str, where: str, *args: str) -> dict:
    """`check` finds exactly one finding, warning ``code`` at ``where`` (``path:line``), in
    both formats; exits 0, and 1 with --strict. Returns the JSON finding."""
    path, line = where.rsplit(":", 1)
    status, found = json_findings(site, *args)
    assert brief(found) == [(code, "warning", path, int(line))], found
    assert status == 0
    text = site.run("check", *args)
    assert text.stdout.startswith(f"{where}: warning {code}: "), text.output
    assert len(text.stdout.splitlines()) == 1, text.output
    assert site.run("check", "--strict", *args).exit_code == 1
    return found[0]


def no_findings(site: SiteDir, *args: str) -> None:
    status, found = json_findings(site, "--strict", *args)
    assert found == []
    assert status == 0


# --------------------------------------------------------------------------- the issue's site


def write_issue_site(site: SiteDir) -> None:
    site.entry("typo.md", post("title: Good entry", "date: 2025-05-01", "catgories: [News]"))
    site.entry("dup-a.md", post("title: A", "date: 2025-05-02", "slug: same"))
    site.entry("dup-b.md", post("title: B", "date: 2025-05-02", "slug: same"))
    site.entry("bad-date.md", post("title: Soon", "date: next tuesday"))


def assert_issue_findings(output: str) -> None:
    lines = output.splitlines()
    assert len(lines) == 3, output
    by_code = {FINDING_LINE.match(line)["code"]: line for line in lines}
    assert set(by_code) == {"FP203", "FP108", "FP105"}, output
    assert by_code["FP203"] == (
        "entries/typo.md:4: warning FP203: unknown key 'catgories' is ignored; "
        "did you mean 'categories'?"
    )
    assert by_code["FP105"].startswith("entries/bad-date.md:3: error FP105: ")
    assert "next tuesday" in by_code["FP105"]
    # One of the pair is reported, on its slug line, naming the other.
    match = re.match(r"entries/dup-([ab])\.md:4: error FP108: ", by_code["FP108"])
    assert match, by_code["FP108"]
    other = "dup-b.md" if match[1] == "a" else "dup-a.md"
    assert other in by_code["FP108"][match.end() :]


def test_issue_site_reports_all_three_and_writes_nothing(site):
    site.config(AUTHORED)
    write_issue_site(site)
    result = site.run("check")
    assert result.exit_code == 1, result.output
    assert_issue_findings(result.stdout)
    assert not site.public.exists()


def test_issue_site_as_json(site):
    site.config(AUTHORED)
    write_issue_site(site)
    status, found = json_findings(site)
    assert status == 1
    by_code = {f["code"]: f for f in found}
    assert len(found) == 3
    assert sorted(by_code) == ["FP105", "FP108", "FP203"]
    assert brief([by_code["FP105"]]) == [("FP105", "error", "entries/bad-date.md", 3)]
    assert brief([by_code["FP203"]]) == [("FP203", "warning", "entries/typo.md", 4)]
    duplicate = by_code["FP108"]
    assert (duplicate["severity"], duplicate["line"]) == ("error", 4)
    assert duplicate["path"] in {"entries/dup-a.md", "entries/dup-b.md"}
    for item in found:
        assert set(item) == {"code", "severity", "path", "line", "message"}
        assert item["message"]
    assert not site.public.exists()


def test_issue_site_leaves_an_earlier_build_untouched(site):
    site.config(AUTHORED)
    site.entry("good.md", post("title: Good", "date: 2025-04-01"))
    assert site.run("build").exit_code == 0
    before = site.snapshot()
    assert set(before) == PUBLIC_FILES
    write_issue_site(site)
    result = site.run("check")
    assert result.exit_code == 1
    assert_issue_findings(result.stdout)
    assert site.snapshot() == before


def test_check_of_a_good_site_writes_no_manifest(site):
    site.config(AUTHORED)
    site.entry("good.md", post("title: Good", "date: 2025-04-01"))
    no_findings(site)
    result = site.run("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert not site.public.exists()


def test_config_error_is_a_finding(site):
    site.config(AUTHORED + 'titel = "Oops"\n')
    site.entry("good.md", post("title: Good", "date: 2025-04-01"))
    status, found = json_findings(site)
    assert status == 1
    # BASIC_CONFIG has 4 lines, the author a 5th: the typo is on line 6.
    assert brief(found) == [("FP002", "error", "feedpub.toml", 6)]
    assert "'title'" in found[0]["message"]


# --------------------------------------------------------------------------- one warning each


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (post("title: Bell \x07 here", "date: 2025-05-01").encode(), 2),
        (post("title: A", "date: 2025-05-01", body="\nFirst line.\nEsc\x1b here.\n").encode(), 7),
    ],
    ids=["bell-in-title", "escape-in-body"],
)
def test_fp201_control_character(site, text, line):
    site.config(AUTHORED)
    site.entry("a.md", text)
    only_warning(site, "FP201", f"entries/a.md:{line}")


def test_fp201_names_every_line_with_control_characters(site):
    """Several control characters: each line is named (with how many, and which), never
    only the first; past ten lines, one more warning names the rest."""
    site.config(AUTHORED)
    body = "Bell \x07 here.\n\nNul \x00 and \x00 and esc \x1b.\n" + "Ok.\n" * 3
    body += "".join(f"Line {n} \x07\n" for n in range(12))
    site.entry("a.md", post("title: A\x0c", "date: 2025-05-01", body=body))
    status, found = json_findings(site)
    assert status == 0
    lines = [2, 5, 7, *range(11, 19)]  # ten lines named, then the first of the rest
    assert [(f["code"], f["line"]) for f in found] == [("FP201", n) for n in lines]
    messages = [f["message"] for f in found]
    assert messages[0] == "removed control character U+000C, which feeds cannot carry"
    assert messages[1] == "removed control character U+0007, which feeds cannot carry"
    assert messages[2] == (
        "removed 3 control characters (U+0000, U+001B), which feeds cannot carry"
    )
    assert messages[-1] == (
        "removed 5 more control characters on 5 more lines (18, 19, 20, 21, 22), "
        "which feeds cannot carry"
    )
    build = site.run("build")  # build says it too, as it reads the file
    assert build.exit_code == 0
    assert build.stderr.count("warning FP201") == 11
    assert "entries/a.md:7: warning FP201: removed 3 control characters" in build.stderr


@pytest.mark.parametrize("body", ["", "\n\n", "![](photo.jpg)\n"], ids=["empty", "blank", "image"])
def test_fp202_nothing_to_summarise(site, body):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", body=body))
    only_warning(site, "FP202", "entries/a.md:1")


def test_fp202_not_when_a_summary_is_given(site):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", "summary: A picture.", body=""))
    no_findings(site)


def test_a_post_opening_with_a_picture_is_summarised_by_the_words_after_it(site):
    site.config(AUTHORED)
    body = "![](photo.jpg)\n\nThe *harbour* reopened today.\n\nMore later.\n"
    site.entry("a.md", post("title: A", "date: 2025-05-01", body=body))
    no_findings(site)
    built = site.run("build")
    assert built.exit_code == 0, built.output
    feed = json.loads((site.public / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["summary"] == "The harbour reopened today."


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("catgories: [News]", "categories"), ("sumary: Short.", "summary"), ("draf: true", "draft")],
)
def test_fp203_typo_key(site, typo, meant):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", typo))
    found = only_warning(site, "FP203", "entries/a.md:4")
    assert f"'{typo.split(':')[0]}'" in found["message"]
    assert f"'{meant}'" in found["message"]


def test_unknown_key_that_is_no_typo_is_quietly_kept(site):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", "layout: post"))
    no_findings(site)


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        (["categories: [business]"], 4),
        (["category: business"], 4),
        (["tags: [business]"], 4),
        (["categories: [BUSINESS]"], 4),
        (["categories: [Tech]", "tags: [business]"], 5),  # the tag is the second spelling
    ],
    ids=["categories", "category", "tags", "upper", "tag-after-categories"],
)
def test_fp204_category_spelled_two_ways(site, lines, line):
    # With category feeds on (the default), two spellings are an error (FP111: one feed
    # folder for both); without them, a warning.
    site.config(AUTHORED + "category_feeds = false\n")
    site.entry("a.md", post("title: A", "date: 2025-05-01", "categories: [Business]"))
    site.entry("b.md", post("title: B", "date: 2025-05-02", *lines))
    found = only_warning(site, "FP204", f"entries/b.md:{line}")
    assert "'Business'" in found["message"]


def test_fp205_future_date(site):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2999-01-01"))
    only_warning(site, "FP205", "entries/a.md:3")
    no_findings(site, "--future")


def test_fp205_uses_source_date_epoch_as_now(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01"))
    only_warning(site, "FP205", "entries/a.md:3")


@pytest.mark.parametrize(
    ("front", "body", "line"),
    [
        # front matter is lines 1-4, so the body's first line is 5
        ([], "See [the other post](other.md).\n", 5),
        ([], "Intro.\n\nMore text.\nAnd [x](../notes/other.markdown#part) here.\n", 8),
        ([], "\nSee [x](<other.md>).\n", 6),
        ([], "See [x][1].\n\n[1]: other.md\n", 7),
        ([], '<p>See <a href="other.md">x</a>.</p>\n', 5),
        (["summary: >-", "  Two lines", "  of summary."], "See [x](other.md).\n", 8),
    ],
    ids=["first-line", "later-line", "blank-line-first", "reference", "raw-html", "long-front"],
)
def test_fp206_link_to_markdown_file(site, front, body, line):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", *front, body=body))
    found = only_warning(site, "FP206", f"entries/a.md:{line}")
    assert "other." in found["message"]


@pytest.mark.parametrize(
    "body",
    [
        "See [x](https://example.org/other.md).\n",
        "See [x](other.html).\n",
        "Write links like this:\n\n```\n[x](other.md)\n```\n",
    ],
    ids=["absolute", "html", "code-block"],
)
def test_fp206_not_for_other_links(site, body):
    site.config(AUTHORED)
    site.entry("a.md", post("title: A", "date: 2025-05-01", body=body))
    no_findings(site)


TWENTY = "Exactly twenty chars"
TWENTY_ONE = "Exactly twenty-one ch"


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        ([f"summary: {TWENTY_ONE}"], 4),
        ([f"description: {TWENTY_ONE}"], 4),
        (["categories: [News]", f"excerpt: {TWENTY_ONE}"], 5),
    ],
    ids=["summary", "description", "excerpt"],
)
def test_fp207_summary_too_long(site, lines, line):
    assert len(TWENTY_ONE) == 21
    site.config(AUTHORED + "summary_length = 20\n")
    site.entry("a.md", post("title: A", "date: 2025-05-01", *lines))
    found = only_warning(site, "FP207", f"entries/a.md:{line}")
    assert "21" in found["message"]
    assert "20" in found["message"]


def test_fp207_not_at_exactly_summary_length(site):
    assert len(TWENTY) == 20
    site.config(AUTHORED + "summary_length = 20\n")
    site.entry("a.md", post("title: A", "date: 2025-05-01", f"summary: {TWENTY}"))
    no_findings(site)


@pytest.mark.parametrize(
    ("change", "new_lines", "line", "new_id"),
    [
        ("slug", ["date: 2025-05-01", "slug: renamed"], 4, "https://example.org/2025/05/renamed/"),
        ("date", ["date: 2025-06-01"], 3, "https://example.org/2025/06/first/"),
    ],
)
def test_fp208_id_changed_since_last_build(site, change, new_lines, line, new_id):
    old_id = "https://example.org/2025/05/first/"
    site.config(AUTHORED)
    site.entry("first.md", post("title: First", "date: 2025-05-01"))
    assert site.run("build").exit_code == 0
    site.entry("first.md", post("title: First", *new_lines))
    before = site.snapshot()

    for _ in range(2):  # check writes no manifest, so it warns every time
        found = only_warning(site, "FP208", f"entries/first.md:{line}")
        assert old_id in found["message"]
        assert new_id in found["message"]
    assert site.snapshot() == before

    built = site.run("build")
    assert built.exit_code == 0, built.output
    warned = [x for x in built.stderr.splitlines() if x.startswith(f"entries/first.md:{line}: ")]
    assert len(warned) == 1, built.stderr
    assert "warning" in warned[0]
    assert old_id in warned[0]
    assert new_id in warned[0]
    no_findings(site)  # the new build's manifest has the new id


def test_fp208_a_renamed_entry_file(site):
    site.config(AUTHORED)
    site.entry("2025-05-01-new-bridge.md", post("title: Bridge", "date: 2025-05-01"))
    site.entry("other.md", post("title: Other", "date: 2025-04-01"))
    assert site.run("build").exit_code == 0
    (site.entries / "2025-05-01-new-bridge.md").rename(site.entries / "2025-05-01-bridge.md")
    found = only_warning(site, "FP208", "entries/2025-05-01-bridge.md:2")  # title's line
    assert found["message"].startswith("2025-05-01-new-bridge.md is gone and this entry is new")
    assert (
        "(https://example.org/2025/05/new-bridge/ → https://example.org/2025/05/bridge/)"
        in (found["message"])
    )
    assert "'id: https://example.org/2025/05/new-bridge/'" in found["message"]
    # Keeping the old id is the fix the message gives: then nothing to warn about.
    site.entry(
        "2025-05-01-bridge.md",
        post("title: Bridge", "date: 2025-05-01", "id: https://example.org/2025/05/new-bridge/"),
    )
    no_findings(site)


def test_fp208_several_renamed_or_removed_files_are_each_named(site):
    site.config(AUTHORED)
    for name in ("a", "b", "c"):
        site.entry(f"{name}.md", post(f"title: {name}", "date: 2025-05-01"))
    assert site.run("build").exit_code == 0
    for name in ("a", "b"):
        (site.entries / f"{name}.md").rename(site.entries / f"{name}-renamed.md")
    status, found = json_findings(site)
    assert status == 0
    assert brief(found) == [
        ("FP208", "warning", "entries/a.md", None),
        ("FP208", "warning", "entries/b.md", None),
    ]
    assert "add 'id: https://example.org/2025/05/a/'" in found[0]["message"]
    # A removal alone (no new file) is no rename: nothing to say.
    (site.entries / "a-renamed.md").unlink()
    (site.entries / "b-renamed.md").unlink()
    assert site.run("build").exit_code == 0
    (site.entries / "c.md").unlink()
    site.entry("d.md", post("title: d", "date: 2025-05-01"))
    assert site.run("build").exit_code == 0
    (site.entries / "d.md").unlink()
    site.entry("e.md", post("title: e", "date: 2025-05-01", "draft: true"))
    assert "FP208" not in site.run("build").output  # a draft is not seen by readers yet


@pytest.mark.parametrize(
    ("config", "author", "expected"),
    [
        (BASIC_CONFIG, [], ["FP209"]),
        (BASIC_CONFIG, ["author: Jane Doe <jane@example.org>"], []),
        (AUTHORED, [], []),
    ],
    ids=["none", "in-entry", "in-config"],
)
def test_fp209_no_author(site, config, author, expected):
    site.config(config)
    site.entry("a.md", post("title: A", "date: 2025-05-01", *author))
    if expected:
        only_warning(site, "FP209", "entries/a.md:1")
    else:
        no_findings(site)


def test_several_warnings_exit_0_and_1_with_strict(site):
    site.entry("a.md", post("title: A", "date: 2025-05-01", "catgories: [News]"))  # + no author
    status, found = json_findings(site)
    assert status == 0
    assert sorted(brief(found)) == [
        ("FP203", "warning", "entries/a.md", 4),
        ("FP209", "warning", "entries/a.md", 1),
    ]
    assert site.run("check").exit_code == 0
    assert site.run("check", "--strict").exit_code == 1
    assert site.run("check", "--strict", "--format", "json").exit_code == 1


# --------------------------------------------------------------------------- the feed linter

RSS_SELF = "https://example.org/feed.xml"
ATOM_SELF = "https://example.org/atom.xml"

MINIMAL_RSS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Test Site</title>
    <link>https://example.org/</link>
    <description>Entries for tests</description>
    <atom:link href="https://example.org/feed.xml" rel="self" type="application/rss+xml"/>
  </channel>
</rss>
"""

GOOD_RSS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Test Site</title>
    <link>https://example.org/</link>
    <description>Entries for tests</description>
    <atom:link href="https://example.org/feed.xml" rel="self" type="application/rss+xml"/>
    <lastBuildDate>Fri, 02 May 2025 10:00:00 +0000</lastBuildDate>
    <item>
      <title>Second post</title>
      <link>https://example.org/2025/05/second/</link>
      <guid isPermaLink="true">https://example.org/2025/05/second/</guid>
      <pubDate>Fri, 02 May 2025 10:00:00 +0000</pubDate>
      <dc:creator>Kim Park</dc:creator>
      <description>The second summary.</description>
      <content:encoded><![CDATA[<p>Hello <a href="https://example.org/about/">there</a>
<img src="https://example.org/a.png" alt=""></p>]]></content:encoded>
    </item>
    <item>
      <title>First post</title>
      <link>https://example.org/2025/05/first/</link>
      <guid isPermaLink="true">https://example.org/2025/05/first/</guid>
      <pubDate>Thu, 01 May 2025 09:30:00 GMT</pubDate>
      <author>jane@example.org (Jane Doe)</author>
      <description>The first summary.</description>
    </item>
  </channel>
</rss>
"""

MINIMAL_ATOM = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://example.org/atom.xml</id>
  <title>Test Site</title>
  <updated>2025-05-01T09:30:00Z</updated>
  <author><name>Newsroom</name></author>
  <link href="https://example.org/atom.xml" rel="self"/>
  <entry>
    <id>https://example.org/2025/05/first/</id>
    <title>First post</title>
    <updated>2025-05-01T09:30:00Z</updated>
    <link href="https://example.org/2025/05/first/"/>
  </entry>
</feed>
"""

GOOD_ATOM = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>https://example.org/atom.xml</id>
  <title>Test Site</title>
  <updated>2025-05-02T10:00:00Z</updated>
  <author><name>Newsroom</name></author>
  <link href="https://example.org/atom.xml" rel="self"/>
  <link href="https://example.org/" rel="alternate"/>
  <entry>
    <id>https://example.org/2025/05/second/</id>
    <title>Second post</title>
    <updated>2025-05-02T10:00:00Z</updated>
    <published>2025-05-02T12:00:00+02:00</published>
    <link href="https://example.org/2025/05/second/" rel="alternate"/>
    <author><name>Kim Park</name><uri>https://kim.example.org/</uri></author>
    <content type="html"><![CDATA[<p>Hello <a href="https://example.org/about/">there</a>
<img src="https://example.org/a.png" alt=""></p>]]></content>
  </entry>
  <entry>
    <id>https://example.org/2025/05/first/</id>
    <title>First post</title>
    <updated>2025-05-01T09:30:00.5+00:00</updated>
    <link href="https://example.org/2025/05/first/" rel="alternate"/>
    <summary>The first summary.</summary>
  </entry>
</feed>
"""

FIRST_GUID = '<guid isPermaLink="true">https://example.org/2025/05/first/</guid>'
SECOND_GUID = '<guid isPermaLink="true">https://example.org/2025/05/second/</guid>'
CONTENT_LINK = '<a href="https://example.org/about/">'
CONTENT_IMG = '<img src="https://example.org/a.png" alt="">'


def mutate(document: str, old: str, new: str) -> bytes:
    assert document.count(old) >= 1, f"{old!r} is not in the document"
    return document.replace(old, new, 1).encode()


def codes_of(findings) -> set[str]:
    return {f.code for f in findings}


@pytest.mark.parametrize(
    ("lint", "document", "self_url", "path"),
    [
        (lint_rss, MINIMAL_RSS, RSS_SELF, "feed.xml"),
        (lint_rss, GOOD_RSS, RSS_SELF, "feed.xml"),
        (lint_atom, MINIMAL_ATOM, ATOM_SELF, "atom.xml"),
        (lint_atom, GOOD_ATOM, ATOM_SELF, "atom.xml"),
    ],
    ids=["rss-minimal", "rss-full", "atom-minimal", "atom-full"],
)
def test_correct_feeds_have_no_findings(lint, document, self_url, path):
    etree.fromstring(document.encode())  # well-formed, as written
    assert lint(document.encode(), Path(path), self_url) == []


# fmt: off
RSS_CASES = [
    pytest.param("<title>Test Site</title>", "<title>Test & Site</title>", "FP301",
                 id="bare-ampersand"),
    pytest.param("  </channel>\n", "", "FP301", id="unclosed-channel"),
    pytest.param("<description>Entries for tests</description>", "", "FP302",
                 id="no-description"),
    pytest.param('<atom:link href="https://example.org/feed.xml" rel="self" '
                 'type="application/rss+xml"/>', "", "FP302", id="no-self-link"),
    pytest.param('href="https://example.org/feed.xml"', 'href="https://example.org/rss.xml"',
                 "FP302", id="wrong-self-link"),
    pytest.param("<link>https://example.org/2025/05/first/</link>",
                 "<link>/2025/05/first/</link>", "FP303", id="relative-item-link"),
    pytest.param(FIRST_GUID, '<guid isPermaLink="true">first</guid>', "FP303",
                 id="relative-permalink-guid"),
    pytest.param(CONTENT_LINK, '<a href="/about/">', "FP303", id="relative-href"),
    pytest.param(CONTENT_IMG, '<img src="a.png" alt="">', "FP303", id="relative-src"),
    pytest.param(CONTENT_IMG, '<img srcset="a.png 1x, https://example.org/b.png 2x" alt="">',
                 "FP303", id="relative-srcset"),
    pytest.param("<pubDate>Thu, 01 May 2025 09:30:00 GMT</pubDate>",
                 "<pubDate>2025-05-01T09:30:00Z</pubDate>", "FP304", id="iso-pubdate"),
    pytest.param("<lastBuildDate>Fri, 02 May 2025 10:00:00 +0000</lastBuildDate>",
                 "<lastBuildDate>2025-05-02 10:00</lastBuildDate>", "FP304",
                 id="bad-lastbuilddate"),
    pytest.param(SECOND_GUID, FIRST_GUID, "FP305", id="duplicate-guid"),
    pytest.param("<author>jane@example.org (Jane Doe)</author>", "<author>Jane Doe</author>",
                 "FP306", id="author-bare-name"),
    pytest.param("<author>jane@example.org (Jane Doe)</author>",
                 "<author>jane@example.org (Jane Doe)</author><dc:creator>Jane Doe</dc:creator>",
                 "FP306", id="author-and-creator"),
    pytest.param("<title>First post</title>", "<title>a &lt;b&gt;bold&lt;/b&gt; title</title>",
                 "FP307", id="html-title"),
    pytest.param("<title>First post</title>", "<title>caf&amp;#x41; post</title>", "FP307",
                 id="char-ref-title"),
    pytest.param("<p>Hello", "<p onclick=\"alert('x')\">Hello", "FP308", id="onclick"),
    pytest.param("<p>Hello", "<script>alert('x')</script><p>Hello", "FP308", id="script"),
]

ATOM_CASES = [
    pytest.param("<title>Test Site</title>", "<title>Test <Site</title>", "FP301",
                 id="bare-less-than"),
    pytest.param("</feed>", "", "FP301", id="unclosed-feed"),
    pytest.param("<id>https://example.org/atom.xml</id>", "", "FP302", id="no-feed-id"),
    pytest.param('<link href="https://example.org/atom.xml" rel="self"/>', "", "FP302",
                 id="no-self-link"),
    pytest.param('href="https://example.org/atom.xml"', 'href="https://example.org/feed.atom"',
                 "FP302", id="wrong-self-link"),
    # without the feed's author, the first entry (which has none) has no author at all
    pytest.param("<author><name>Newsroom</name></author>", "", "FP302",
                 id="entry-without-author"),
    pytest.param('<link href="https://example.org/2025/05/first/" rel="alternate"/>',
                 '<link href="2025/05/first/" rel="alternate"/>', "FP303",
                 id="relative-entry-link"),
    pytest.param("<id>https://example.org/2025/05/first/</id>", "<id>first</id>", "FP303",
                 id="relative-entry-id"),
    pytest.param(CONTENT_LINK, '<a href="../about/">', "FP303", id="relative-href"),
    pytest.param(CONTENT_IMG, '<img src="a.png" alt="">', "FP303", id="relative-src"),
    pytest.param("<updated>2025-05-02T10:00:00Z</updated>\n  <author>",
                 "<updated>Fri, 02 May 2025 10:00:00 +0000</updated>\n  <author>", "FP304",
                 id="rfc822-feed-updated"),
    pytest.param("<updated>2025-05-01T09:30:00.5+00:00</updated>",
                 "<updated>2025-05-01 09:30:00</updated>", "FP304", id="space-updated"),
    pytest.param("<published>2025-05-02T12:00:00+02:00</published>",
                 "<published>2025-05-02</published>", "FP304", id="date-only-published"),
    pytest.param("<id>https://example.org/2025/05/first/</id>",
                 "<id>https://example.org/2025/05/second/</id>", "FP305", id="duplicate-id"),
    pytest.param("<title>First post</title>", "<title>a &lt;b&gt;bold&lt;/b&gt; title</title>",
                 "FP307", id="html-title"),
    pytest.param("<title>First post</title>", "<title>caf&amp;#x41; post</title>", "FP307",
                 id="char-ref-title"),
    pytest.param("<p>Hello", "<p onclick=\"alert('x')\">Hello", "FP308", id="onclick"),
    pytest.param("<p>Hello", "<script>alert('x')</script><p>Hello", "FP308", id="script"),
]
# fmt: on


@pytest.mark.parametrize(("old", "new", "code"), RSS_CASES)
def test_lint_rss_rule(old, new, code):
    found = lint_rss(mutate(GOOD_RSS, old, new), Path("feed.xml"), RSS_SELF)
    assert codes_of(found) == {code}, found
    assert all(f.path == Path("feed.xml") for f in found)
    assert all(f.severity == CODES[code][0] for f in found)


@pytest.mark.parametrize(("old", "new", "code"), ATOM_CASES)
def test_lint_atom_rule(old, new, code):
    found = lint_atom(mutate(GOOD_ATOM, old, new), Path("atom.xml"), ATOM_SELF)
    assert codes_of(found) == {code}, found
    assert all(f.path == Path("atom.xml") for f in found)
    assert all(f.severity == CODES[code][0] for f in found)


# --------------------------------------------------------------------------- the sample site


def test_repository_sample_site_is_clean(tmp_path, monkeypatch):
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "entries", tmp_path / "entries")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    text = runner.invoke(main, ["check", "--strict"], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert text.stdout == ""
    as_json = runner.invoke(main, ["check", "--strict", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == []
    assert not (tmp_path / "public").exists()


# --------------------------------------------------------------------------- stable ids


def feed_ids(site: SiteDir) -> tuple[dict[str, str], dict[str, str]]:
    """title → RSS guid and title → Atom id, read from the built files."""
    rss = etree.parse(site.public / "feed.xml").getroot()
    atom = etree.parse(site.public / "atom.xml").getroot()
    return (
        {item.findtext("title"): item.findtext("guid") for item in rss.iter("item")},
        {
            entry.findtext(f"{ATOM_NS}title"): entry.findtext(f"{ATOM_NS}id")
            for entry in atom.iter(f"{ATOM_NS}entry")
        },
    )


@pytest.mark.parametrize(
    ("extra", "later", "expected_id"),
    [
        ([], [], "https://example.org/2025/05/first/"),
        (["id: first-story"], ["slug: moved"], "tag:example.org,2025:first-story"),
    ],
    ids=["from-link", "explicit-id-survives-a-new-slug"],
)
def test_editing_an_entry_keeps_its_id(site, extra, later, expected_id):
    site.config(AUTHORED)
    site.entry(
        "first.md",
        post(
            "title: Old title",
            "date: 2025-05-01",
            "tags: [one]",
            "summary: Old summary.",
            *extra,
            body="Old body.\n",
        ),
    )
    assert site.run("build").exit_code == 0
    assert feed_ids(site) == ({"Old title": expected_id}, {"Old title": expected_id})

    site.entry(
        "first.md",
        post(
            "title: New title",
            "date: 2025-05-01",
            "tags: [two, three]",
            "summary: New summary.",
            *extra,
            *later,
            body="A new body.\n\nWith two paragraphs.\n",
        ),
    )
    no_findings(site)  # no FP208 against the first build's manifest
    built = site.run("build")
    assert built.exit_code == 0, built.output
    assert "FP208" not in built.output
    assert "id changed" not in built.output
    assert feed_ids(site) == ({"New title": expected_id}, {"New title": expected_id})


@pytest.mark.parametrize(
    ("front", "first", "where"),
    [
        # the quick YAML path (a flat mapping), the full loader's (an anchor), and JSON
        (("title: First", "date: 2025-05-01", "title: Second"), 2, 4),
        (("title: &t First", "date: 2025-05-01", "title: Second", "summary: *t"), 2, 4),
        (('{"title": "First", "date": "2025-05-01",', '"title": "Second"}'), 1, 2),
    ],
    ids=["yaml", "yaml-full-loader", "json"],
)
def test_a_key_written_twice_is_a_warning_at_its_second_line(
    site: SiteDir, front: tuple[str, ...], first: int, where: int
) -> None:
    """A front matter key written twice: the last value is used (as YAML and JSON loaders
    give it), with FP216 at the line it is written again on, naming the first."""
    site.config(AUTHORED)
    if front[0].startswith("{"):
        site.entry("twice.md", "\n".join([*front, "", "Body.", ""]))
    else:
        site.entry("twice.md", post(*front))
    found = only_warning(site, "FP216", f"entries/twice.md:{where}")
    assert f"title is written twice (first on line {first})" in found["message"], found
    assert site.run("build").exit_code == 0
    feed = json.loads((site.public / "feed.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in feed["items"]] == ["Second"]


def test_keys_written_once_each_are_no_warning(site: SiteDir) -> None:
    """Keys alike but for case, or nested keys of the same name, are not written twice."""
    site.config(AUTHORED)
    site.entry(
        "once.md",
        post("title: A", "Title: B", "date: 2025-05-01", "author:", "  name: N", "  title: T"),
    )
    _, found = json_findings(site)  # (FP203 for Title, FP106 for the author's title)
    assert [f["code"] for f in found if f["code"] == "FP216"] == [], found
