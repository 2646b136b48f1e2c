"""``feedpub serve``: the output folder over HTTP on this machine, and the changes to watch.

A small static server for previewing: the feed media types, ``ETag``/``Last-Modified`` with
``304`` answers, ``HEAD``, and nothing outside the output folder (no ``..``, encoded or not, no
hidden files, no symlink leading elsewhere). Rebuilding is the CLI's job; this module only says
when the entries or the settings changed.
"""

from __future__ import annotations

import email.utils
import mimetypes
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from ._version import __version__
from .config import CONFIG_NAME, PYPROJECT_NAME, Site
from .discovery import FORMATS
from .errors import ConfigError, FeedpubError, display_path

#: Media types by file name (the feed formats'), then by suffix; text is always UTF-8.
NAMED_TYPES = {name: f"{media_type}; charset=utf-8" for name, media_type, _ in FORMATS}
SUFFIX_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


#: The XML feeds' type for a browser: Chromium shows ``application/rss+xml`` and
#: ``application/atom+xml`` as plain text, without running the feed's XSL stylesheet.
BROWSER_XML = SUFFIX_TYPES[".xml"]


def media_type(path: Path, accept: str = "") -> str:
    """The ``Content-Type`` to send ``path`` with to a client that sent ``accept``. A browser
    (it asks for ``text/html`` first) gets the XML feeds as ``application/xml``, as most web
    hosts send them, so that it shows the browser view; feed readers get their own types."""
    if path.name in NAMED_TYPES:
        if "text/html" in accept and path.suffix == ".xml":
            return BROWSER_XML
        return NAMED_TYPES[path.name]
    if path.suffix.lower() in SUFFIX_TYPES:
        return SUFFIX_TYPES[path.suffix.lower()]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def inside(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` (percent-encoded, as requested) names, or
    ``None`` when it names none or anything outside ``root``: ``..`` and ``.`` segments (also
    encoded, ``%2e%2e``), hidden names, backslashes, NUL, and symlinks that lead out of ``root``
    all give ``None``. A folder stands for its ``index.html``."""
    if not url_path.startswith("/"):
        return None
    segments = [unquote(part, errors="strict") for part in url_path.split("/")[1:]]
    if any(
        part.startswith(".") or "\\" in part or "\0" in part or "/" in part for part in segments
    ):
        return None  # "/" inside a segment: an encoded slash, %2f
    real_root = root.resolve()
    try:
        target = real_root.joinpath(*[s for s in segments if s]).resolve(strict=True)
        if target.is_dir():
            target = (target / "index.html").resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not target.is_relative_to(real_root) or not target.is_file():
        return None
    return target


def entity_tag(stat: os.stat_result) -> str:
    """A strong validator of a file's content: outputs whose bytes did not change keep their
    size and mtime (the build does not rewrite them), so size and mtime identify the bytes."""
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def not_modified(headers: Message, etag: str, mtime: float) -> bool:
    """Whether a GET/HEAD with ``headers`` may be answered ``304`` (RFC 9110, 13.2.2):
    ``If-None-Match`` decides when present; otherwise ``If-Modified-Since``."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags  # weak comparison, as GET and HEAD use
    since = headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        return False
    return int(mtime) <= when.timestamp()


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return f"feedpub/{__version__}"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        url_path = urlsplit(self.path).path
        try:
            found = inside(self.server.root, url_path)
        except UnicodeDecodeError:
            found = None
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if found.name == "index.html" and not url_path.endswith(("/", ".html")):
            # A folder asked for without its slash: relative links in its page need the slash.
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            # One leading slash: "//host/x/" would send the browser to another host.
            self.send_header("Location", "/" + url_path.lstrip("/") + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            handle = found.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())  # of the file as opened: a rebuild may swap it
            etag = entity_tag(stat)
            fresh = not_modified(self.headers, etag, stat.st_mtime)
            self.send_response(HTTPStatus.NOT_MODIFIED if fresh else HTTPStatus.OK)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
            self.send_header("Cache-Control", "no-cache")
            if found.name in NAMED_TYPES:
                self.send_header("Vary", "Accept")
            if not fresh:
                self.send_header("Content-Type", media_type(found, self.headers.get("Accept", "")))
                self.send_header("Content-Length", str(stat.st_size))
            self.end_headers()
            if with_body and not fresh:
                self._copy(handle)

    def _copy(self, handle: BinaryIO) -> None:
        try:
            shutil.copyfileobj(handle, self.wfile)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if isinstance(code, int) else code
        self.server.log(f"{self.command} {self.path} {status}")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: every answer, errors too, is logged once by :meth:`log_request`."""


class FeedServer(ThreadingHTTPServer):
    """Serves ``root`` (which may be replaced while serving) on ``host``:``port``."""

    daemon_threads = True

    def __init__(
        self, root: Path, host: str, port: int, log: Callable[[str], None] = lambda line: None
    ) -> None:
        #: The folder served.
        self.root = root
        #: Where each request's one-line summary goes.
        self.log = log
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), _Handler)
        except OSError as e:
            raise FeedpubError(
                f"cannot serve on {host}:{port}: {e.strerror or e}; "
                "choose another with --port (or --host)",
                code="FP007",
            ) from None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        """Serve in a background thread; :meth:`stop` ends it."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="feedpub-serve", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (if started) and close the socket."""
        if getattr(self, "_thread", None) is not None:
            self.shutdown()
            self._thread = None
        self.server_close()


def watched_settings(site: Site) -> list[Path]:
    """The settings files whose change means a rebuild: the site's, or where one may appear."""
    if site.config_path is not None:
        return [site.config_path]
    return [Path.cwd() / CONFIG_NAME, Path.cwd() / PYPROJECT_NAME]


def changes(site: Site, stop: threading.Event, poll_ms: int = 300) -> Iterator[set[Path]]:
    """Yield the changed paths each time entries or settings change, until ``stop`` is set.

    The first value (maybe empty) comes as soon as the watch is in place: build after taking
    it, and no change is missed. Entries are watched with watchfiles (inotify); the settings
    files are compared by ``stat`` every ``poll_ms``, because editors replace a saved file,
    which a watch on the file itself would miss, and watching its whole folder would also
    watch the output. Raises :class:`ConfigError` when the entries folder is missing."""
    import watchfiles

    if not site.entries.is_dir():
        raise ConfigError(f"no entries folder {display_path(site.entries)}/ to watch", code="FP005")
    settings = watched_settings(site)

    def signature() -> list[tuple[int, int, int] | None]:
        result: list[tuple[int, int, int] | None] = []
        for path in settings:
            try:
                st = path.stat()
                result.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:
                result.append(None)
        return result

    last = signature()
    output = site.output.resolve()
    entries = site.entries.resolve()
    usual = watchfiles.DefaultFilter()  # editors' swap and backup files, .git, ...

    def relevant(change: watchfiles.Change, path: str) -> bool:
        # Not the build's own writes, where the output, cache or staging folders lie among
        # the entries (a Jekyll site's, say): each would start another build.
        found = Path(path)
        if found.is_relative_to(output):
            return False
        inner = found.relative_to(entries).parts if found.is_relative_to(entries) else ()
        return not any(part.startswith(".") for part in inner) and usual(change, path)

    watcher = watchfiles.watch(
        entries,
        watch_filter=relevant,
        stop_event=stop,
        yield_on_timeout=True,
        rust_timeout=poll_ms,
        step=50,
        debounce=400,
    )
    ready = False
    for found in watcher:
        changed = {Path(path) for _, path in found}
        now = signature()
        if now != last:
            last = now
            changed |= set(settings)
        if changed or not ready:
            ready = True
            yield changed
