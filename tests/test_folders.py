"""Folders that overlap, and files that appear in the output folder during a build.

- An output folder that is the site folder, contains it, contains the entries folder, the
  settings file or a .git, or lies inside the entries folder (a .git or the cache) is refused
  with one `path: message` line and exit 1, before anything is read or written, by every
  command that takes an output folder and by the library's build().
- Whatever the output folder, no file outside it (and its .feedpub-cache beside it) changes:
  a tree around the site is snapshotted (paths, bytes, mtimes, link targets) before and after.
- A file someone creates or replaces in the output folder while a build runs is still there,
  with their bytes, afterwards (the atomic swap and the file-by-file fallback alike).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import feedpub
import feedpub.pipeline._output
from feedpub.cli import main

from .conftest import BASIC_CONFIG, SiteDir

ENTRY = "---\ntitle: {title}\ndate: 2025-05-0{day}\ncategories: [{category}]\n---\nBody.\n"
LOCATED = r"^(error FP006: )?(--out|feedpub\.toml:\d+): the output folder "

# --------------------------------------------------------------------------- the sandbox


def _sandbox(root: Path) -> Path:
    """A site among other folders; returns the site folder.

    root/ top.txt, repo/.git/HEAD, elsewhere/existing.txt, and site/ with feedpub.toml,
    .git/, notes.txt, entries/ (one entry in a subfolder), public/ holding a file of the
    user's, and `up`, a link to root/."""
    (root / "top.txt").write_text("top\n")
    (root / "repo" / ".git").mkdir(parents=True)
    (root / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "repo" / "readme.txt").write_text("a repository\n")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "existing.txt").write_text("someone's\n")
    site = root / "site"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (site / "notes.txt").write_text("notes\n")
    (site / "entries" / "sub").mkdir(parents=True)
    (site / "entries" / "a.md").write_text(ENTRY.format(title="A", day=1, category="News"))
    (site / "entries" / "sub" / "b.md").write_text(ENTRY.format(title="B", day=2, category="X"))
    (site / "public").mkdir()
    (site / "public" / "robots.txt").write_text("User-agent: *\n")
    (site / "feedpub.toml").write_text(BASIC_CONFIG)
    (site / "up").symlink_to("..")
    return site


def _snapshot(root: Path) -> dict[Path, tuple[object, ...]]:
    """Every file (bytes, mtime), link (target) and folder under ``root``, by real path."""
    found: dict[Path, tuple[object, ...]] = {}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(top) / name
            if path.is_symlink():
                found[path] = ("link", os.readlink(path))
            elif path.is_dir():
                found[path] = ("folder",)
            else:
                found[path] = ("file", path.read_bytes(), path.stat().st_mtime_ns)
    return found


def _refused(out: Path, site: Path) -> bool:
    """The folder rule, written out independently of feedpub's code."""
    entries = site / "entries"
    return (
        out in (site, entries)
        or out in site.parents
        or out in entries.parents
        or entries in out.parents
        or os.path.lexists(out / ".git")
        or ".git" in out.parts
        or ".feedpub-cache" in out.parts
    )


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)  # exceptions caught: a traceback fails the test


def _assert_refused(result: Result, where: str = "") -> None:
    """Exit 1 with one `path: message` line about the output folder (`check` puts its finding
    code in front), a last line saying what was not done, and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: {result.exception!r}"
    )
    assert result.exit_code == 1, f"{where}: exit {result.exit_code}\n{result.output}"
    lines = result.output.splitlines()
    assert len(lines) == 2, f"{where}: {result.output}"
    assert re.match(LOCATED, lines[0]), f"{where}: {lines[0]}"
    assert lines[1].startswith("feedpub"), f"{where}: {lines[1]}"
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- (a) any folder

_PLACES = [
    ".",
    "./",
    "..",
    "../..",
    "../site",
    "up",
    "up/site",
    "entries",
    "entries/",
    "entries/sub",
    "entries/new/deep",
    "../site/entries/sub",
    ".git",
    ".git/feeds",
    "../repo",
    "up/repo",
    "public",
    "public/",
    "feeds/new",
    "../elsewhere",
    "up/elsewhere",
    "../fresh/deep",
    ".feedpub-cache",
    ".feedpub-cache/out",
]
_NAMED = st.tuples(
    st.sampled_from(["", "../", "entries/", "public/", "../elsewhere/", "up/", "../repo/"]),
    st.from_regex(r"\A[a-z][a-z.]{0,6}\Z"),
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    place=st.one_of(st.sampled_from(_PLACES), _NAMED),
    absolute=st.booleans(),
    via_setting=st.booleans(),
)
def test_no_file_outside_the_output_folder_changes(
    place: str, absolute: bool, via_setting: bool
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        top = Path(temporary).resolve()  # what `../..` leads to: nothing above it is reached
        root = top / "root"
        root.mkdir()
        site = _sandbox(root)
        argument = str(site / place) if absolute else place
        args = ["build"]
        if via_setting:
            with (site / "feedpub.toml").open("a") as config:
                config.write(f"output = {json.dumps(argument)}\n")
        else:
            args += ["--out", argument]
        out = (site / place).resolve()
        cache = out.parent / ".feedpub-cache"
        before = _snapshot(top)
        with contextlib.chdir(site):
            result = _invoke(args)
        after = _snapshot(top)
        where = f"{'output =' if via_setting else '--out'} {argument!r}"
        event("refused" if _refused(out, site) else "accepted")
        if _refused(out, site):
            _assert_refused(result, where)
            assert after == before, f"{where}: refused, yet files changed"
            return
        assert result.exit_code == 0, f"{where}: {result.output}{result.exception!r}"
        assert (out / "feed.xml").is_file()

        def ours(path: Path) -> bool:
            return path in (out, cache) or out in path.parents or cache in path.parents

        changed = {
            path
            for path in before.keys() | after.keys()
            if before.get(path) != after.get(path) and not ours(path)
        }
        made_parents = {p for p in changed if p in out.parents and after.get(p) == ("folder",)}
        assert changed == made_parents, f"{where}: changed outside the output folder: {changed}"


def test_refused_for_folders_around_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root folder and the site's parents, absolute: refused by load_site() already (no
    build is run here, so the code before the fix cannot touch anything)."""
    site = _sandbox(tmp_path)
    monkeypatch.chdir(site)
    for out in (Path("/"), site.parent, site.parent.parent, Path(".."), site, site / "up"):
        with pytest.raises(feedpub.FeedpubError) as caught:
            feedpub.load_site(output=out)
        assert caught.value.code == "FP006", out
        assert "contains the site folder" in str(caught.value) or "is the site folder" in str(
            caught.value
        )


def test_a_settings_file_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --config naming a file in another folder, that folder is the site folder: the
    output may not be it, nor hold it; the entries' folder stays as well guarded."""
    site = _sandbox(tmp_path)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "feedpub.toml").write_text(BASIC_CONFIG + 'entries = "../site/entries"\n')
    monkeypatch.chdir(site)
    config = ["--config", str(conf / "feedpub.toml")]
    before = _snapshot(tmp_path)
    for out in ("../conf", str(conf), "..", "../site/entries/sub"):
        _assert_refused(_invoke(["build", *config, "--out", out]), f"--config --out {out}")
    assert _snapshot(tmp_path) == before
    result = _invoke(["build", *config, "--out", "public"])
    assert result.exit_code == 0, result.output
    assert (site / "public" / "feed.xml").is_file()


# --------------------------------------------------------------------------- (b) `.`


def test_out_dot_is_refused(site: SiteDir) -> None:
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    before = _snapshot(site.root.parent)
    result = _invoke(["build", "-o", "."])
    _assert_refused(result, "-o .")
    assert "is the site folder" in result.stderr
    assert _snapshot(site.root.parent) == before


def test_output_dot_in_the_settings_is_refused(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + 'output = "."\n')
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    before = _snapshot(site.root.parent)
    result = _invoke(["build"])
    _assert_refused(result, 'output = "."')
    assert result.stderr.startswith("feedpub.toml:5: ")
    assert "no feed was written" in result.stderr
    assert _snapshot(site.root.parent) == before


def test_every_command_refuses_an_overlapping_output(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build, check, clean, ping and serve (which must not get as far as serving)."""
    site.config(BASIC_CONFIG + 'hub = "https://hub.example/"\n')
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))

    class NoServer:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("serve got as far as serving an overlapping folder")

    monkeypatch.setattr("feedpub.serve.FeedServer", NoServer)
    before = _snapshot(site.root.parent)
    for command in (["build"], ["check"], ["clean"], ["ping", "--dry-run"], ["serve"]):
        for out in ("..", "."):
            extra = ["--no-watch"] if command == ["serve"] else []
            _assert_refused(_invoke([*command, *extra, "--out", out]), f"{command} --out {out}")
    assert _snapshot(site.root.parent) == before


def test_the_library_build_refuses_an_overlapping_output(site: SiteDir) -> None:
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    loaded = feedpub.load_site()
    before = _snapshot(site.root.parent)
    for out in (site.root, site.root.parent, site.entries, site.entries / "x"):
        with pytest.raises(feedpub.FeedpubError) as caught:
            feedpub.build(replace(loaded, output=out))
        assert caught.value.code == "FP006", out
        assert "output folder" in str(caught.value)
    assert _snapshot(site.root.parent) == before


def test_jekyll_output_inside_the_site_but_not_among_posts(
    site: SiteDir,
) -> None:
    """A Jekyll site's entries folder is the site itself: _site, _feeds or public inside it
    are normal; the site itself, its parent and _posts/_drafts folders are not."""
    site.config(BASIC_CONFIG + 'dialect = "jekyll"\nentries = "."\n')
    (site.root / "_posts").mkdir()
    (site.root / "_posts" / "2025-05-01-a.md").write_text("---\ntitle: A\n---\nBody.\n")
    (site.root / "news" / "_posts").mkdir(parents=True)
    for out in ("_feeds", "_site", "public"):
        result = _invoke(["build", "--out", out])
        assert result.exit_code == 0, f"{out}: {result.output}"
        assert (site.root / out / "feed.xml").is_file()
    for out in (".", "..", "_posts", "_posts/feeds", "_drafts/x", "news", "news/_posts/x"):
        before = _snapshot(site.root.parent)
        _assert_refused(_invoke(["build", "--out", out]), f"jekyll --out {out}")
        assert _snapshot(site.root.parent) == before, out


# --------------------------------------------------------------------------- (c) during a build


@contextlib.contextmanager
def _during_write(monkeypatch: pytest.MonkeyPatch, act: Callable[[], None]) -> Iterator[None]:
    """Run ``act`` once, right after the build has written its files into the staging folder
    (so after the output folder was mirrored, before the swap)."""
    real = feedpub.pipeline._output._write_files

    def write_then_act(*args: object, **kwargs: object) -> object:
        written = real(*args, **kwargs)  # type: ignore[arg-type]
        act()
        return written

    monkeypatch.setattr(feedpub.pipeline._output, "_write_files", write_then_act)
    yield
    monkeypatch.setattr(feedpub.pipeline._output, "_write_files", real)


def _someone_writes(public: Path) -> Callable[[], None]:
    def act() -> None:
        (public / "new.txt").write_text("made during the build\n")
        replacement = public / ".robots.txt.tmp"
        replacement.write_text("User-agent: *\nDisallow: /new\n")
        os.replace(replacement, public / "robots.txt")  # a new file (inode) in its place
        (public / "theirs" / "deep").mkdir(parents=True)
        (public / "theirs" / "deep" / "f.txt").write_text("theirs\n")
        # A file in the folder of a category feed that this very build removes.
        (public / "categories" / "news" / "note.txt").write_text("kept\n")

    return act


def _check_theirs(public: Path) -> None:
    assert (public / "new.txt").read_text() == "made during the build\n"
    assert (public / "robots.txt").read_text() == "User-agent: *\nDisallow: /new\n"
    assert (public / "theirs" / "deep" / "f.txt").read_text() == "theirs\n"
    assert (public / "categories" / "news" / "note.txt").read_text() == "kept\n"
    # ...and the build did its own work: the new category's feed is in, the old one's out.
    assert (public / "categories" / "sport" / "feed.xml").is_file()
    assert not (public / "categories" / "news" / "feed.xml").exists()
    assert "Sport" in (public / "feed.xml").read_text()


def _first_build(site: SiteDir) -> None:
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    assert _invoke(["build"]).exit_code == 0
    (site.public / "robots.txt").write_text("User-agent: *\n")
    assert (site.public / "categories" / "news" / "feed.xml").is_file()
    # The entry moves to another category: the next build writes a new feed folder and
    # removes the old category's feeds.
    site.entry("a.md", ENTRY.format(title="Sport", day=1, category="Sport"))


def test_files_written_during_a_build_are_kept(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    _first_build(site)
    with _during_write(monkeypatch, _someone_writes(site.public)):
        result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    _check_theirs(site.public)
    assert not [
        p.name for p in site.root.iterdir() if ".feedpub-stage-" in p.name or "-kept-" in p.name
    ]


def test_files_written_during_a_build_are_kept_without_an_atomic_swap(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot swap two folders, files are replaced one by one: new feed
    folders are made, dropped feeds removed, and nobody else's file touched."""
    _first_build(site)
    monkeypatch.setattr(feedpub.pipeline._output, "_exchange", lambda a, b: False)
    with _during_write(monkeypatch, _someone_writes(site.public)):
        result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    _check_theirs(site.public)


def test_a_folder_replaced_by_a_file_during_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's change wins over the mirror's copy, whatever its kind: a folder of
    theirs replaced by a file, a file of theirs by a folder, a link retargeted."""
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1"})
    (public / "assets").mkdir()
    (public / "assets" / "a.css").write_text("a")
    (public / "page.html").write_text("page")
    (public / "latest").symlink_to("feed.xml")

    def act() -> None:
        shutil.rmtree(public / "assets")
        (public / "assets").write_text("now a file")
        (public / "page.html").unlink()
        (public / "page.html").mkdir()
        (public / "page.html" / "index.html").write_text("now a folder")
        (public / "latest").unlink()
        (public / "latest").symlink_to("elsewhere.xml")

    with _during_write(monkeypatch, act):
        feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"})
    assert (public / "feed.xml").read_bytes() == b"2"
    assert (public / "assets").read_text() == "now a file"
    assert (public / "page.html" / "index.html").read_text() == "now a folder"
    assert os.readlink(public / "latest") == "elsewhere.xml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_the_safety_page_states_the_folder_rule() -> None:
    safety = (Path(__file__).resolve().parent.parent / "docs" / "safety.md").read_text()
    rule = " ".join(safety.split())
    assert "output folder may not be the site folder" in rule
    assert "never removed or replaced, even one written there while the build runs" in rule
    assert "may not be the entries folder or inside it" not in rule  # the old, partial rule


def test_a_file_that_cannot_be_put_back_is_kept_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should moving a file back fail, the old folder is kept (never deleted) and the error
    says where the file is."""
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1"})

    def act() -> None:
        (public / "new.txt").write_text("made during the build\n")

    def cannot(source: Path, destination: Path) -> None:
        raise PermissionError(13, "Permission denied", str(destination))

    monkeypatch.setattr(feedpub.pipeline._output, "_put_back", cannot)
    with _during_write(monkeypatch, act), pytest.raises(feedpub.FeedpubError) as caught:
        feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"})
    (kept,) = tmp_path.glob(".public.feedpub-kept-*")
    assert (kept / "new.txt").read_text() == "made during the build\n"
    assert str(kept) in str(caught.value) and "new.txt" in str(caught.value)
    assert (public / "feed.xml").read_bytes() == b"2"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"3"})  # a later build leaves it be
    assert (kept / "new.txt").is_file()


# ------------------------------------------------- (d) what a build must never swap away


@pytest.mark.parametrize("what", ["mount", "git"])
def test_a_mount_point_or_a_repository_inside_the_output_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """The swap would move them aside with the old folder, and the staging folder's removal
    would then empty the mounted disk (found by a review): refused before anything moves."""
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1"})
    inner = public / "uploads" / ("disk" if what == "mount" else ".git")
    inner.mkdir(parents=True)
    (inner / "photo.jpg").write_bytes(b"theirs")
    if what == "mount":
        real = feedpub.pipeline._output._device
        monkeypatch.setattr(
            feedpub.pipeline._output, "_device", lambda path: real(path) + (Path(path) == inner)
        )
    with pytest.raises(feedpub.FeedpubError) as caught:
        feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"})
    assert str(inner) in str(caught.value)
    assert (public / "feed.xml").read_bytes() == b"1"
    assert (inner / "photo.jpg").read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_a_file_edited_in_place_during_a_build_is_kept_where_the_mirror_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where hard links cannot be made (FAT, some network shares), the mirror copies: the
    file in the old folder keeps its inode, and an edit in place must still win."""
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1"})
    (public / "notes.txt").write_text("v1\n")

    def cannot_link(source: object, destination: object) -> None:
        raise OSError(1, "Operation not permitted")

    def act() -> None:
        with open(public / "notes.txt", "a") as handle:
            handle.write("edited in place\n")

    monkeypatch.setattr(feedpub.pipeline._output.os, "link", cannot_link)
    with _during_write(monkeypatch, act):
        feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"})
    assert (public / "notes.txt").read_text() == "v1\nedited in place\n"
    assert (public / "feed.xml").read_bytes() == b"2"


@pytest.mark.parametrize("swap", [True, False], ids=["swap", "file-by-file"])
def test_a_file_written_where_a_dropped_feed_was_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1", "old/feed.xml": b"old"})
    if not swap:
        monkeypatch.setattr(feedpub.pipeline._output, "_exchange", lambda a, b: False)

    def act() -> None:
        (public / "old" / "feed.xml").write_bytes(b"theirs now")  # (same inode, new bytes)

    with _during_write(monkeypatch, act):
        feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"}, remove=["old/feed.xml"])
    assert (public / "old" / "feed.xml").read_bytes() == b"theirs now"
    # ...while a dropped feed nobody touched goes, as before.
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1", "gone/feed.xml": b"x"})
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"}, remove=["gone/feed.xml"])
    assert not (public / "gone").exists()


def test_a_staging_folder_that_was_swapped_out_is_kept_not_deleted(tmp_path: Path) -> None:
    """A build killed after the swap but before it put back what was written into the output
    folder meanwhile leaves the old folder at the staging path, without the staging mark:
    the next build keeps it (renamed -kept-); a staging folder with its mark goes."""
    public = tmp_path / "public"
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"1"})
    swapped = tmp_path / ".public.feedpub-stage-aaaa"
    (swapped / "uploads").mkdir(parents=True)
    (swapped / "uploads" / "new.txt").write_text("written during the killed build\n")
    unswapped = tmp_path / ".public.feedpub-stage-bbbb"
    unswapped.mkdir()
    (unswapped / ".feedpub-stage").touch()
    (unswapped / "feed.xml").write_bytes(b"half")
    feedpub.pipeline._output.write_outputs(public, {"feed.xml": b"2"})
    assert not unswapped.exists() and not swapped.exists()
    kept = tmp_path / ".public.feedpub-kept-aaaa"
    assert (kept / "uploads" / "new.txt").read_text() == "written during the killed build\n"


def test_the_readme_states_the_folder_rule_and_the_one_build_rule() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    safety = readme.split("\n## Safety\n", 1)[1].split("\n## ", 1)[0]
    rules = " ".join(safety.split())
    assert "The output folder may not be the site folder or contain it" in rules
    assert "**One build at a time** per output folder" in rules
    assert "(docs/safety.md)" in rules


# --------------------------------------------------------------------------- (e) files of theirs

_THEIRS = (
    "feed.xml",
    "atom.xml",
    "feed.json",
    "feed.xsl",
    "feeds.opml",
    "categories/news/feed.xml",
)


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_files_of_a_hand_made_site_in_the_way_stop_the_build(site: SiteDir) -> None:
    """`build -o www` into a hand-made site holding its own feed.xml, feeds.opml, ...: one
    line per such file naming it and saying what to do, exit 1, and nothing written."""
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    www = site.root / "www"
    for name in (*_THEIRS, "index.html", "about.html"):
        (www / name).parent.mkdir(parents=True, exist_ok=True)
        (www / name).write_text(f"my own {name}\n")
    before = _files(www)
    result = _invoke(["build", "-o", "www"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert sorted(line.split(": ")[0] for line in lines[:-1]) == sorted(f"www/{n}" for n in _THEIRS)
    for line in lines[:-1]:
        assert "not written by feedpub" in line and "move it away" in line, line
        assert "--out" in line and MANIFEST in line, line
    assert lines[-1].startswith("feedpub: 6 problems")
    assert _files(www) == before  # nothing written: no feed, no manifest, no index.html
    assert sorted(p.name for p in site.root.iterdir() if "feedpub-stage" in p.name) == []
    # The library's build() says the same, with FP006.
    with pytest.raises(feedpub.FeedpubError) as caught:
        feedpub.build(feedpub.load_site(output=www))
    assert {e.code for e in caught.value.errors} == {"FP006"}  # type: ignore[attr-defined]
    assert _files(www) == before
    # Moved away, the build goes ahead, and keeps the other files.
    for name in _THEIRS:
        (www / name).unlink()
    assert _invoke(["build", "-o", "www"]).exit_code == 0
    assert (www / "about.html").read_text() == "my own about.html\n"
    assert (www / "index.html").read_text() == "my own index.html\n"  # (FP211)
    assert "<rss" in (www / "feed.xml").read_text()


MANIFEST = ".feedpub-manifest.json"


def test_what_feedpub_wrote_is_still_replaced(site: SiteDir) -> None:
    """No false alarm: files an earlier build wrote are replaced as before, whatever is left
    of its records (manifest, cache), and a file holding exactly what the build writes is
    harmless."""
    public = site.public
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    assert _invoke(["build"]).exit_code == 0
    # An edit (the delta path), then a feed that moves to another category's folder.
    site.entry("a.md", ENTRY.format(title="A2", day=1, category="News"))
    assert _invoke(["build"]).exit_code == 0, _invoke(["build"]).output
    site.entry("a.md", ENTRY.format(title="A3", day=1, category="Sport"))
    assert _invoke(["build"]).exit_code == 0
    assert not (public / "categories" / "news").exists()
    # After `feedpub clean` (the cache gone, the manifest kept), with an edit.
    assert _invoke(["clean"]).exit_code == 0
    site.entry("a.md", ENTRY.format(title="A4", day=1, category="Sport"))
    result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    assert "A4" in (public / "feed.xml").read_text()
    # The manifest deleted, the cache kept: the cache knows the files it wrote.
    (public / MANIFEST).unlink()
    site.entry("a.md", ENTRY.format(title="A5", day=1, category="Sport"))
    result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    assert "A5" in (public / "feed.xml").read_text() and (public / MANIFEST).is_file()
    # The manifest of an early feedpub, which listed no outputs (it wrote the main feeds).
    data = json.loads((public / MANIFEST).read_text())
    (public / MANIFEST).write_text(json.dumps({"feedpub_manifest": 1, "entries": data["entries"]}))
    for name in os.listdir(public):
        if name not in ("feed.xml", "atom.xml", "feed.json", MANIFEST):
            path = public / name
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert _invoke(["clean"]).exit_code == 0
    site.entry("a.md", ENTRY.format(title="A6", day=1, category="Sport"))
    result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    assert "A6" in (public / "feed.json").read_text()
    assert "feed.xml" in json.loads((public / MANIFEST).read_text())["outputs"]
    # No manifest and no cache, but every file holds what the build writes: harmless.
    (public / MANIFEST).unlink()
    assert _invoke(["clean"]).exit_code == 0
    result = _invoke(["build"])
    assert result.exit_code == 0, result.output
    assert (public / MANIFEST).is_file()


def test_feeds_of_a_build_whose_manifest_was_deleted(site: SiteDir) -> None:
    """With neither manifest nor cache, feedpub cannot tell its old feeds from someone's:
    it stops, and says the manifest is missing and what to do."""
    site.entry("a.md", ENTRY.format(title="A", day=1, category="News"))
    assert _invoke(["build"]).exit_code == 0
    (site.public / MANIFEST).unlink()
    assert _invoke(["clean"]).exit_code == 0
    site.entry("a.md", ENTRY.format(title="B", day=1, category="News"))
    before = _files(site.public)
    result = _invoke(["build"])
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("public/feed.xml: "))
    assert f"the output folder has no {MANIFEST}" in line
    assert "earlier feedpub build" in line and "delete it and build again" in line
    assert _files(site.public) == before


def test_a_file_written_during_a_build_where_the_build_writes_is_kept(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone's file put during the build where the build writes (a feed.xml of theirs, a
    new category's feed) is never deleted with the old folder: it is kept beside the output
    folder, and the build says where (exit 1)."""
    _first_build(site)

    def act() -> None:
        replacement = site.public / ".feed.xml.tmp"
        replacement.write_text("their feed\n")
        os.replace(replacement, site.public / "feed.xml")
        (site.public / "categories" / "sport").mkdir(parents=True)
        (site.public / "categories" / "sport" / "feed.json").write_text("{}\n")

    with _during_write(monkeypatch, act):
        result = _invoke(["build"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (kept,) = site.root.glob(".public.feedpub-kept-*")
    assert (kept / "feed.xml").read_text() == "their feed\n"
    assert (kept / "categories" / "sport" / "feed.json").read_text() == "{}\n"
    assert str(kept) in result.output and "during the build" in result.output


@pytest.mark.parametrize("option", ["entries", "output"])
def test_a_folder_given_to_the_library_with_nul_is_named(site: SiteDir, option: str) -> None:
    """No file name holds U+0000: os.stat raised ValueError (a traceback) before it was named."""
    with pytest.raises(feedpub.FeedpubError) as caught:
        feedpub.load_site(**{option: site.root / "a\x00b"})
    assert "U+0000" in str(caught.value)
    assert caught.value.code == ("FP005" if option == "entries" else "FP006")
