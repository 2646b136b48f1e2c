"""The ``feedpub`` command: parses options, calls the library, prints, sets the exit code."""

from __future__ import annotations

import atexit
import gc
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import signals
from ._version import __version__
from .config import load_site
from .errors import BuildErrors, ConfigError, FeedpubError, display_path
from .model import ARCHIVE_FOLDER, BuildResult, Site
from .pipeline import build as run_build

if TYPE_CHECKING:
    import threading

    from .serve import FeedServer


@contextmanager
def _user_errors(outcome: str = "no feed was written") -> Iterator[None]:
    """Print a user's mistakes as ``path:line: message`` lines and exit 1, without a traceback."""
    try:
        yield
    except FeedpubError as e:
        _report(e, outcome)
        raise SystemExit(1) from None


def _report(error: FeedpubError, outcome: str) -> None:
    """Print every problem in ``error``, its warnings, and a last line saying ``outcome``."""
    problems = error.errors if isinstance(error, BuildErrors) else (error,)
    for problem in problems:
        _echo(str(problem), err=True, fg="red")
    _warn(error.warnings if isinstance(error, BuildErrors) else ())
    count = len(problems)
    _echo(
        f"feedpub: {count} problem{'s' if count != 1 else ''}; {outcome}.",
        err=True,
        fg="red",
        bold=True,
    )


def _colour() -> bool:
    """Whether to colour output: never when NO_COLOR is set (https://no-color.org); click
    removes the colours anyway when the output is not a terminal."""
    return not os.environ.get("NO_COLOR")


def _echo(text: str, *, err: bool = False, **style: Any) -> None:
    """Print a line, in ``style`` (click.style's arguments) when colours are wanted."""
    click.echo(click.style(text, **style) if style and _colour() else text, err=err)


def _warn(warnings: Iterable[object]) -> None:
    for warning in warnings:
        _echo(str(warning), err=True, fg="yellow")


def _waiting(line: str) -> None:
    """Say (once per command) that it waits for another feedpub process's lock."""
    _echo(line, err=True, fg="yellow")


def _summary(result: BuildResult, site: Site, started: float) -> None:
    """The line after a build: "12 entries → 6 feeds in public/ (0.21 s)"."""
    count = result.published
    state = "" if result.written else ", unchanged"
    feeds = _feed_files(result, site)
    archive = site.output.resolve() / ARCHIVE_FOLDER
    archived = sum(1 for p in feeds if p.parent.parent == archive)
    more = f" and {archived} archive documents" if archived else ""
    _echo(
        f"{count} entr{'y' if count == 1 else 'ies'} → {len(feeds) - archived} feeds{more} in "
        f"{display_path(site.output)}/ ({time.perf_counter() - started:.2f} s{state})",
        fg="green",
    )


#: The signal that stopped the command, for :func:`run` to end the process with.
_stopped_by: list[int] = []


def _stopped(interrupt: signals.Interrupted, outcome: str | None = None) -> None:
    """End a command that Ctrl-C or SIGTERM interrupted: one line, and exit status 130 or 143
    (128 + the signal's number, as shells report a process the signal ended)."""
    _echo(f"feedpub: stopped by {interrupt.name}{f'; {outcome}' if outcome else ''}.", err=True)
    _stopped_by.append(interrupt.signum)
    raise SystemExit(interrupt.exit_status) from None


def run() -> None:
    """The ``feedpub`` command (and ``python -m feedpub``): :func:`main`, and then, for a
    command that Ctrl-C or SIGTERM stopped, the end by that signal itself, as Python ends
    on an uncaught Ctrl-C: a shell loop around ``feedpub build`` stops at the first Ctrl-C
    only when the shell sees the command was ended by the signal, not by an exit status."""
    try:
        main(prog_name="feedpub")
    except SystemExit:
        if _stopped_by:
            signum = _stopped_by[-1]
            sys.stdout.flush()
            sys.stderr.flush()
            signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
            os.kill(os.getpid(), signum)
        raise


class _Commands(click.Group):
    """feedpub's commands: Ctrl-C or SIGTERM stops one with a line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with signals.handled():
                return super().invoke(ctx)
        except signals.Interrupted as e:
            _stopped(e)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="feedpub")
def main() -> None:
    """Publish a folder of Markdown entries as RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds.

    Write entries/*.md (YAML front matter with at least 'title' and 'date', then Markdown),
    set base_url in feedpub.toml, run 'feedpub build', and publish the output folder.

    Run 'feedpub COMMAND --help' for a command's options.
    """
    _register_at_exit()


@cache  # once, however many commands this process runs (tests run many)
def _register_at_exit() -> None:
    atexit.register(_at_exit)


def _at_exit() -> None:
    """The command is done and the process ends. Python's last cycle collection, at exit,
    would go over everything the command held (an entry for every file) only to free it: 30
    of the 50 ms a build of 10,000 entries took to exit. Frozen (gc.freeze), they are freed
    all the same, without that collection. (Every file feedpub writes is closed, and synced,
    before its command ends; and Python never promised ``__del__`` for what is left at exit.)"""
    gc.freeze()


#: The settings-file option of the commands that need no other site option.
_config_option = click.option(
    "--config",
    "-c",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file, as for 'build'. [default: feedpub.toml, else pyproject.toml]",
)


def _site_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say which site to read, shared by the commands that read one."""
    for option in reversed(_SITE_OPTIONS):
        command = option(command)
    return command


#: The site's address, for the commands that make URLs.
_base_url_option = click.option(
    "--base-url",
    metavar="URL",
    help="The site's address, e.g. https://example.com/ (overrides 'base_url').",
)

_SITE_OPTIONS = [
    click.option(
        "--config",
        "-c",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file: a feedpub.toml, or a pyproject.toml with [tool.feedpub]. "
        "[default: feedpub.toml, else pyproject.toml, in the current folder or the nearest "
        "parent folder that has one]",
    ),
    click.option(
        "--entries",
        type=click.Path(path_type=Path),
        help="Folder of entry files (overrides 'entries'). [default: entries]",
    ),
    click.option(
        "--out",
        "-o",
        type=click.Path(path_type=Path),
        help="Output folder (overrides 'output'). [default: public]",
    ),
    _base_url_option,
    click.option("--drafts", is_flag=True, help="Include entries marked 'draft: true'."),
    click.option("--future", is_flag=True, help="Include entries dated in the future."),
]


#: Fewer steps than this and a stage is over before a progress bar would be any use.
PROGRESS_MIN = 500


class _ProgressBar:
    """Progress bars on stderr for long stages, only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, stage: str, total: int) -> Callable[[int], None]:
        self.close()
        if not self.enabled or total < PROGRESS_MIN:
            return lambda done: None
        self.bar = click.progressbar(length=total, label=f"{stage:<9}", file=sys.stderr)
        self.bar.__enter__()
        return self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# Each command's docstring is its --help text and its page in docs/commands/ (click and
# mkdocs-click make both from it): the help, not the code, makes some of them long.


@main.command()
@_site_options
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but warnings and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print each stage's time and cache use.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read and render every entry again, ignoring the cache in .feedpub-cache/.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes for parsing, rendering and writing large sites. [default: one per core]",
)
def build(
    config: Path | None,
    entries: Path | None,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    future: bool,
    quiet: bool,
    verbose: bool,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Build the feeds: OUTPUT/feed.xml (RSS 2.0), atom.xml (Atom 1.0), feed.json (JSON Feed).

    The same three are written per category under OUTPUT/categories/SLUG/ (and per
    tag and author when tag_feeds / author_feeds are on), and with archive = true the
    whole history as RFC 5005 archive documents under OUTPUT/archive/N/.

    Reads every entry, checks it, and writes the feeds only when every entry is
    correct: on any problem it prints 'file:line: message' for each one, exits
    with status 1 and leaves the previous feeds as they were. Files whose bytes
    did not change are not rewritten.

    Unchanged entries come from a cache in .feedpub-cache/ beside the output
    folder, so a rebuild costs what changed, not the size of the archive.

    One build at a time per output folder: a build started while another runs
    (or 'feedpub serve' rebuilds) waits for it, at most lock_timeout seconds
    (a setting; default 600).

    Example:

    \b
        feedpub build
        feedpub build --base-url https://example.com/blog/ --out site/feeds
        feedpub build --drafts --future --out preview
    """
    started = time.perf_counter()
    bar = _ProgressBar(enabled=not quiet and sys.stderr.isatty())
    with _user_errors():
        site = load_site(config, base_url=base_url, entries=entries, output=out)
        try:
            result = run_build(
                site,
                drafts=drafts,
                future=future,
                cache=not no_cache,
                jobs=jobs,
                progress=bar,
                waiting=_waiting,
            )
        except signals.Interrupted as e:
            bar.close()
            if e.finished:
                _stopped(e, f"the new feeds were in {display_path(site.output)}/ already")
            _stopped(e, f"{display_path(site.output)}/ is as it was")
        finally:
            bar.close()
    _warn(result.warnings)
    if verbose:
        for stage, seconds in result.timings:
            click.echo(f"{stage:<8} {seconds:7.3f} s", err=True)
        click.echo(f"cache    {result.cache_hits} of {result.scanned} entries", err=True)
    if not quiet:
        _summary(result, site, started)


@main.command()
@_site_options
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only this machine can connect to 127.0.0.1; use 0.0.0.0 "
    "to let other machines in (they can then read everything in the output folder).",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    metavar="N",
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--no-watch", is_flag=True, help="Build once and serve; do not rebuild on changes.")
def serve(
    config: Path | None,
    entries: Path | None,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    future: bool,
    host: str,
    port: int,
    no_watch: bool,
) -> None:
    """Build, then serve the output folder at http://127.0.0.1:8000/ to preview it.

    Open the address in a browser: index.html lists the feeds and shows the
    newest entries as a feed reader would; the feeds themselves open as
    readable pages. Point a feed reader at http://127.0.0.1:8000/feed.xml to
    try the real thing. Feeds are sent with their media types, ETag and
    Last-Modified (a reader asking again gets '304 Not Modified'); nothing
    outside the output folder can be reached.

    With --drafts or --future, give --out too: drafts must not land in the
    folder you publish.

    Watches the entries and the settings, and builds again on every change.
    A build that fails prints its 'file:line: message' lines and the last
    good feeds stay served until the entry is fixed. Each build takes the
    output folder's lock, as 'feedpub build' does. Ctrl-C stops.

    Example:

    \b
        feedpub serve
        feedpub serve --drafts --future --out preview --port 8080
        feedpub serve --host 0.0.0.0 --no-watch
    """
    import threading

    from .serve import FeedServer, changes

    def rebuild() -> Site | None:
        started = time.perf_counter()
        try:
            site = load_site(config, base_url=base_url, entries=entries, output=out)
            result = run_build(site, drafts=drafts, future=future, waiting=_waiting)
        except FeedpubError as e:
            _report(e, "still serving the last good feeds")
            return None
        _warn(result.warnings)
        _summary(result, site, started)
        return site

    stop = threading.Event()
    with _user_errors("nothing is served"):
        site = load_site(config, base_url=base_url, entries=entries, output=out)
        if (drafts or future) and out is None:
            flags = " ".join(f for f, on in (("--drafts", drafts), ("--future", future)) if on)
            raise ConfigError(
                f"{flags} would write unpublished entries into {display_path(site.output)}/, "
                f"the folder you publish; preview them elsewhere: "
                f"feedpub serve {flags} --out preview",
                code="FP006",
            )
        watch = None if no_watch else changes(site, stop)
        if watch is not None:
            next(watch)  # the watch is in place before the build: no edit is missed
        # Listen first: a busy port is told before a build writes anything.
        server = FeedServer(
            site.output, host, port, log=lambda line: click.echo(line, err=True), site=site
        )
        site = rebuild() or site
        server.root, server.site = site.output, site
    # Ctrl-C (and a plain kill) stop the server, even where the shell started it with SIGINT
    # ignored, as it does for a background job.
    signals.install(force=True)
    try:
        server.start()
        _echo(f"serving {display_path(site.output)}/ at {server.url} (Ctrl-C to stop)", bold=True)
        _watch_and_rebuild(site, server, watch, stop, rebuild)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()
    click.echo("stopped")


def _watch_and_rebuild(
    site: Site,
    server: FeedServer,
    watch: Iterator[set[Path]] | None,
    stop: threading.Event,
    rebuild: Callable[[], Site | None],
) -> None:
    """Serve until stopped; with a ``watch``, build again on every change it reports (and
    follow the settings to another entries folder)."""
    while watch is None and not stop.wait(3600):
        pass
    while watch is not None:
        click.echo(f"watching {display_path(site.entries)}/ and the settings for changes")
        watched = site.entries.resolve()
        for changed in watch:
            names = sorted(display_path(p) for p in changed if p.exists())
            click.echo(f"changed: {', '.join(names) or 'files removed'}")
            site = rebuild() or site
            server.root, server.site = site.output, site
            if site.entries.resolve() != watched:
                break  # the settings name another entries folder: watch that one
        else:
            break  # stopped
        from .serve import changes

        watch = changes(site, stop)
        next(watch)


def _feed_files(result: BuildResult, site: Site) -> list[Path]:
    """The feed files among a build's outputs (not the index, stylesheet or reading list)."""
    from .plan import format_at

    output = site.output.resolve()
    return [
        p
        for p in result.outputs
        if p.is_relative_to(output) and format_at(site, p.relative_to(output).as_posix())
    ]


@main.command()
@_site_options
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too, not only errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one 'file:line: severity CODE: message' line per finding; "
    "json: a JSON array with one object per finding.",
)
def check(
    config: Path | None,
    entries: Path | None,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    future: bool,
    strict: bool,
    output_format: str,
) -> None:
    """Check the entries and the feeds they make, without writing anything.

    Reports every problem 'feedpub build' would stop on, plus warnings: a key
    that looks like a typo, a category spelled two ways, a future date, a
    summary longer than summary_length, a link to a .md file, an id that changed
    since the last build (read from the manifest in the output folder). Then
    builds the feeds in memory and checks them against the RSS 2.0, Atom 1.0
    and JSON Feed rules. Every finding has a stable code
    (FP105, ...) listed in docs/error-codes.md.

    Exit status: 0 when there is no error (warnings allowed unless --strict),
    1 otherwise.

    Example:

    \b
        feedpub check
        feedpub check --strict
        feedpub check --format json | jq '.[] | select(.severity == "error")'
    """
    from .check import check as run_check
    from .feeds import from_problem

    try:
        site = load_site(config, base_url=base_url, entries=entries, output=out)
    except FeedpubError as e:
        findings = from_problem(e)
    else:
        findings = run_check(site, drafts=drafts, future=future)
    if output_format == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], indent=1, ensure_ascii=False))
    else:
        for item in findings:
            _echo(str(item), fg="red" if item.severity == "error" else "yellow")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if output_format == "text":
        if findings:
            _echo(
                f"feedpub check: {errors} error{'s' if errors != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''}.",
                err=True,
                bold=True,
            )
        else:
            _echo("feedpub check: no problems found.", err=True, fg="green")
    if errors or (strict and warnings):
        raise SystemExit(1)


@main.command()
@click.argument("old_feed", metavar="OLD_FEED")
@click.option(
    "--address",
    metavar="PATH",
    help="The old feed's path below base_url, e.g. feed.xml (or its URL). [default: from "
    "OLD_FEED's URL, else from the feed's own self link]",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one 'severity CODE: message' line per finding; "
    "json: one object with the feeds, the findings and every item.",
)
@_config_option
@_base_url_option
def compare(
    old_feed: str,
    address: str | None,
    output_format: str,
    config: Path | None,
    base_url: str | None,
) -> None:
    """Compare the feed a site publishes today with the one feedpub would write there.

    OLD_FEED is the feed's file, or its http:// or https:// URL. feedpub builds
    the site into a temporary folder (your output folder and cache are not
    touched), reads the feed it writes at the same address, matches the items
    (by id, then link, then title and date) and reports what a subscriber would
    see: an item's id changed (readers show it again as new), its link changed,
    an item missing or added; and the feed's own address, format, title and id.
    Every finding has a stable code (FP410, ...) listed in docs/error-codes.md.

    Exit status: 0 when a subscriber would see no change (notes allowed), 1
    otherwise, or when the old feed cannot be read.

    Example:

    \b
        feedpub compare https://example.com/feed.xml
        feedpub compare _site/feed.xml
        feedpub compare old-feed.xml --address index.xml --format json
    """
    from .compare import compare as run_compare

    with _user_errors("nothing compared"):
        site = load_site(config, base_url=base_url)
        result = run_compare(site, old_feed, address=address)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
    else:
        old, new = result.old, result.new
        click.echo(f"old: {result.url}: {old.version}, '{old.title}', {len(old.items)} items")
        if new is not None:
            at = result.compared_with
            click.echo(f"new: {at}: {new.version}, '{new.title}', {len(new.items)} items")
        for item in result.findings:
            _echo(str(item), fg="red" if item.severity == "change" else None)
    counts = result.counts()
    changes = result.changes
    notes = len(result.findings) - changes
    if output_format == "text":
        items = ", ".join(f"{n} {status}" for status, n in counts.items())
        if result.new is None:
            items = "items not compared"
        _echo(
            f"feedpub compare: {items}; {changes} change{'s' if changes != 1 else ''} a "
            f"subscriber would see, {notes} note{'s' if notes != 1 else ''}.",
            err=True,
            bold=True,
            fg="red" if changes else "green",
        )
    if changes:
        raise SystemExit(1)


def _out_option(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The output-folder option of the commands that read a build's results."""
    return click.option("--out", "-o", type=click.Path(path_type=Path), help=text)


@main.command()
@_config_option
@_out_option("Output folder, as for 'build'; the cache lies beside it. [default: public]")
def clean(config: Path | None, out: Path | None) -> None:
    """Delete the build cache (.feedpub-cache/ beside the output folder).

    The next build reads and renders every entry again. The feeds and your entries
    are not touched. Also removes staging folders a killed build left behind.
    Waits for a build that is running.

    Example:

    \b
        feedpub clean
    """
    from .pipeline import remove_cache

    with _user_errors("nothing was removed"):
        site = load_site(config, output=out, base_url="https://unused.invalid/")
        removed = remove_cache(site, waiting=_waiting)
    click.echo(
        f"removed the cache in {display_path(removed)}/" if removed else "no cache to remove"
    )


@main.command()
@_config_option
@_out_option("Output folder of the build to announce, as for 'build'. [default: public]")
@click.option("--dry-run", "-n", is_flag=True, help="Print what would be sent; send nothing.")
def ping(config: Path | None, out: Path | None, dry_run: bool) -> None:
    """Tell the WebSub hubs ('hub' in the configuration) which feeds changed.

    Sends each hub an HTTP POST with hub.mode=publish and hub.url=FEED_URL
    for every feed whose file a 'feedpub build' changed since the hubs were
    last told (the last build's changes, and any earlier ones a ping missed);
    the hub then fetches the feed and pushes it to its subscribers. Run it
    after publishing the output folder. A hub that cannot be reached or does
    not answer with a 2xx status is an error (exit status 1), and those feeds
    are announced again by the next ping.

    Example:

    \b
        feedpub build && rsync -a public/ host:/var/www/ && feedpub ping
        feedpub ping --dry-run
    """
    from .pipeline import build_lock
    from .websub import announced, changed_feeds
    from .websub import ping as run_ping

    with _user_errors("not every hub was notified"):
        site = load_site(config, output=out)
        feeds = changed_feeds(site)
        if not feeds:
            click.echo("no feed changed since the hubs were last notified; none notified")
            return
        if dry_run:
            for hub in site.hubs:
                for feed in feeds:
                    click.echo(f"would notify {hub} of {feed}")
            return
        result = run_ping(site, feeds)
        with build_lock(site, "ping", _waiting):  # a build may be adding to the list
            announced(site, result)
        for hub in site.hubs:
            count = sum(1 for notified, _ in result.notified if notified == hub)
            if count:
                click.echo(f"notified {hub} of {count} feed{'s' if count != 1 else ''}")
        if result.errors:
            raise BuildErrors(result.errors)


@main.command()
@_config_option
@_base_url_option
@click.option("--all", "every", is_flag=True, help="Also the feeds per category, tag and author.")
def links(config: Path | None, base_url: str | None, every: bool) -> None:
    """Print the HTML link tags (rel="alternate") that announce the feeds.

    Paste them into the head of your site's pages, so browsers and feed
    readers find the feeds from any page. Without --all, only the main feed's
    three formats (RSS, Atom, JSON Feed).

    Example:

    \b
        feedpub links
        feedpub links --all > feed-links.html
    """
    from .feeds.discovery import feed_links, link_block
    from .plan import feed_files, plan_feeds
    from .scan import scan

    with _user_errors("no links printed"):
        site = load_site(config, base_url=base_url)
        feeds = [(feed_files(site, ""), site.title)]
        if every:
            plans = plan_feeds(site, scan(site).entries)
            feeds = [(p.files, p.title) for p in plans if not p.archive]
    click.echo(link_block(feed_links(site, feeds)))


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My feeds", show_default=True, help="The site's title.")
@click.option(
    "--base-url",
    metavar="URL",
    default="https://example.com/",
    show_default=True,
    help="The address the site will be published at.",
)
@click.option(
    "--from",
    "tool",
    type=click.Choice(["jekyll", "hugo"]),  # (the names of importing.IMPORTERS)
    help="FOLDER is a Jekyll or Hugo site: write only feedpub.toml, from its own configuration.",
)
def init(folder: Path, title: str, base_url: str, tool: str | None) -> None:
    """Create a working site in FOLDER: feedpub.toml and entries/hello-feeds.md.

    feedpub.toml lists every setting, the ones you will change first set and
    the others commented with their defaults. Nothing is ever overwritten: if
    either file exists, init names it and stops.

    With --from jekyll or --from hugo, FOLDER is an existing site: feedpub.toml
    is made from its _config.yml (Jekyll) or hugo.toml/config.toml (Hugo),
    reads its posts where they lie, and init prints each setting it could not
    map (--title and --base-url are not used then).

    Example:

    \b
        feedpub init my-site --title "Riverside Gazette" --base-url https://gazette.example.com/
        cd my-site && feedpub build
        feedpub init --from jekyll ~/blog
    """
    from .authoring import init_site
    from .plan import current_time

    notes: list[str] = []
    old_feed = ""
    with _user_errors("nothing was written"):
        if tool is None:
            created = init_site(folder, title=title, base_url=base_url, now=current_time())
        else:
            from .importing import import_site

            config, notes, old_feed = import_site(folder, tool)
            created = [config]
    for path in created:
        click.echo(f"created {display_path(path)}")
    for note in notes:
        click.echo(f"not mapped: {note}", err=True)
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {display_path(folder)} && "
    click.echo(f"next: {where}feedpub build")
    if tool is not None:
        click.echo(
            f"then: feedpub compare {old_feed} (or the feed's URL) shows what subscribers of the "
            f"feed {tool.capitalize()} publishes would see change"
        )


@main.command()
@click.argument("title")
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Author ('Name <email>' or 'Name'); repeatable. [default: the site's 'author']",
)
@click.option("--category", "categories", multiple=True, help="A category; repeatable.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeatable.")
@click.option("--draft", is_flag=True, help="Mark it 'draft: true' (left out of the feeds).")
@click.option(
    "--date",
    "when",
    metavar="DATE",
    help="Publication date, e.g. 2025-05-01 or '2025-05-01 09:30'. [default: now]",
)
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@_config_option
def new(
    title: str,
    authors: tuple[str, ...],
    categories: tuple[str, ...],
    tags: tuple[str, ...],
    draft: bool,
    when: str | None,
    edit: bool,
    config: Path | None,
) -> None:
    """Start a new entry: entries/DATE-SLUG.md with complete front matter.

    The slug is made from the title (any script, transliterated). An existing
    file is never overwritten: a second entry of the same name gets '-2'.
    Prints the new file's path.

    Example:

    \b
        feedpub new "The new bridge opens" --category Local --tag bridges
        feedpub new "Budget 2026" --draft --date 2026-01-15 --edit
    """
    from .authoring import new_entry
    from .fields import parse_date
    from .plan import current_time

    if not title.strip():
        raise click.BadParameter("the title is empty; give the entry a title", param_hint="TITLE")

    with _user_errors("nothing was written"):
        site = _site_for_new(config)
        date = current_time().astimezone(site.timezone).replace(microsecond=0)
        if when is not None:
            try:
                date = parse_date(when, site.timezone)
            except ValueError as e:
                raise FeedpubError(f"--date {e}") from None
        path = new_entry(
            site,
            title,
            date=date,
            authors=authors,
            categories=categories,
            tags=tags,
            draft=draft,
        )
    click.echo(display_path(path))
    if edit:
        try:
            click.edit(filename=str(path))
        except click.ClickException as e:  # no such editor, or it failed
            _echo(
                f"{display_path(path)}: written, but the editor did not run ({e.message}); "
                "set EDITOR or VISUAL to your editor's command",
                err=True,
                fg="red",
            )
            raise SystemExit(1) from None


def _site_for_new(config: Path | None) -> Site:
    """The site's settings for 'new' (a missing base_url does not matter there): ``config``,
    else the settings of the site the current folder lies in. With none, an entry would land
    in whatever folder the command runs in: nothing is written."""
    from .config import find_site_config

    if config is None:
        config = find_site_config(Path.cwd())
    if config is None:
        raise ConfigError(
            "no feedpub.toml (or pyproject.toml with [tool.feedpub]) here or in any parent "
            "folder; run 'feedpub init' to make a site, or pass --config",
            code="FP008",
        )
    return load_site(config, base_url="https://unused.invalid/")


@main.command(name="list")
@click.option("--drafts", is_flag=True, help="Also list drafts.")
@click.option("--future", is_flag=True, help="Also list entries dated in the future.")
@click.option("--category", help="Only entries in this category (exact name).")
@click.option("--author", help="Only entries by this author (exact name).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: one line per entry, fitted to the terminal; json: an array of objects.",
)
@_config_option
@_base_url_option
def list_entries(
    drafts: bool,
    future: bool,
    category: str | None,
    author: str | None,
    output_format: str,
    config: Path | None,
    base_url: str | None,
) -> None:
    """List the entries and what the main feed does with each, newest first.

    Status is 'published' (in the feed), 'beyond limit' (published, but older
    than the feed's newest 'limit' entries), 'draft' or 'future'; a Hugo
    section's own page (_index.md) is a 'section page', in its categories' and
    tags' feeds only. Writes nothing.

    Example:

    \b
        feedpub list
        feedpub list --drafts --future --category "Business & Economy"
        feedpub list --format json | jq -r '.[].file'
    """
    from . import dialects
    from .plan import current_time, dated_branches, select
    from .scan import scan

    with _user_errors("nothing to list"):
        site = load_site(config, base_url=base_url)
        entries = scan(site).entries
    now = current_time()
    listed = select(entries, limit=0, drafts=True, future=True, now=now)
    branch = dialects.of(site).branch
    if dialects.of(site).branches:
        listed = dated_branches(site, listed)  # (dated by their pages, as the feeds)
    pages = tuple(e for e in listed if not branch(e.path))
    in_feed = {e.path for e in select(pages, limit=site.limit, now=now)}
    rows: list[dict[str, Any]] = []
    for entry in listed:
        if entry.draft:
            status = "draft"
        elif branch(entry.path) and (entry.publish_date or entry.date) <= now:
            status = "section page"
        elif entry.expiry_date is not None and entry.expiry_date <= now:
            continue  # expired (Hugo's expiryDate): no longer anywhere
        elif (entry.publish_date or entry.date) > now:
            status = "future"
        else:
            status = "published" if entry.path in in_feed else "beyond limit"
        if (status == "draft" and not drafts) or (status == "future" and not future):
            continue
        names = [a.name for a in entry.authors]
        if category is not None and category not in entry.categories:
            continue
        if author is not None and author not in names:
            continue
        rows.append(
            {
                "date": entry.date.isoformat(),
                "title": entry.title,
                "authors": names,
                "categories": list(entry.categories),
                "status": status,
                "file": display_path(entry.path),
                "link": entry.link,
            }
        )
    if output_format == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    width = shutil.get_terminal_size((100, 24)).columns
    # Columns: date, status, what (title, authors, categories), file; the file column is as
    # wide as the longest name, up to a third of the line (longer names lose their start).
    files = min(max((len(row["file"]) for row in rows), default=0), max(width // 3, 12))
    room = max(width - len("2025-01-01  beyond limit  ") - files - 2, 10)
    for row in rows:
        rest = row["title"]
        if row["authors"]:
            rest += f" \u2014 {', '.join(row['authors'])}"
        if row["categories"]:
            rest += f" [{', '.join(row['categories'])}]"
        if len(rest) > room:
            rest = rest[: room - 1] + "\u2026"
        file = row["file"] if len(row["file"]) <= files else "\u2026" + row["file"][1 - files :]
        click.echo(f"{row['date'][:10]}  {row['status']:<12}  {rest:<{room}}  {file}".rstrip())
