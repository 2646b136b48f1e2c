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
import re
import shutil
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from ._version import __version__
from .config import CONFIG_NAME, PYPROJECT_NAME
from .errors import ConfigError, FeedpubError, display_path
from .feeds.discovery import FORMATS
from .model import ATOM_NAME, JSON_NAME, RSS_NAME, Site
from .plan import format_at

#: Media types by format, then by suffix; text is always UTF-8.
FORMAT_TYPES = {
    format: f"{media_type}; charset=utf-8" for format, (media_type, _) in FORMATS.items()
}
#: The formats of the feed files by name, where no site says where its feeds are.
NAMED_FORMATS = {RSS_NAME: "rss", ATOM_NAME: "atom", JSON_NAME: "json"}
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


def media_type(path: Path, accept: str = "", format: str | None = "") -> str:
    """The ``Content-Type`` to send ``path`` with to a client that sent ``accept``; ``format``
    is the feed format of the file, ``None`` when it is no feed, ``""`` when its name says
    (feed.xml, atom.xml, feed.json). A browser (it asks for ``text/html`` first) gets the
    XML feeds as ``application/xml``, as most web hosts send them, so that it shows the
    browser view; feed readers get their own types."""
    if format == "":
        format = NAMED_FORMATS.get(path.name)
    if format is not None:
        if "text/html" in accept and format != "json":
            return BROWSER_XML
        return FORMAT_TYPES[format]
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


#: RFC 9110, 5.6.2: a method, a header field name.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
#: RFC 9112, 3: method SP request-target SP HTTP-version, one space each, no control characters.
_REQUEST_LINE = re.compile(rf"{_TOKEN} [\x21-\x7e]+ HTTP/[0-9]\.[0-9]")
_FIELD_NAME = re.compile(_TOKEN)
#: RFC 9110, 7.2 and RFC 3986, 3.2.2: uri-host [ ":" port ] (empty when there is no authority).
_HOST = re.compile(r"(\[[0-9A-Za-z:.\-_~!$&'()*+,;=]+\]|[0-9A-Za-z\-._~%!$&'()*+,;=]*)(:[0-9]*)?")
#: What a log line shows of a request line or path, at most.
_SHOWN = 200


def _shown(text: str) -> str:
    """``text`` for a one-line log: control and non-ASCII characters escaped, cut short."""
    text = re.sub(r"[^\x20-\x7e]", lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def request_problem(request_line: str, version: str, headers: Message) -> str | None:
    """Why a request that the standard library parsed is still malformed (RFC 9112), or
    ``None``: a request line not of three parts with single spaces, or with control
    characters; a header field name that is not a token, a value holding CR, LF or NUL (also
    obsolete line folding); an HTTP/1.1 request with no ``Host``, several, or an invalid one;
    an invalid ``Content-Length``."""
    if not _REQUEST_LINE.fullmatch(request_line):
        return "malformed request line"
    if headers.defects or headers.get_payload():
        return "malformed header section"
    for name, value in headers.raw_items():
        if not _FIELD_NAME.fullmatch(name):
            return "malformed header field name"
        if any(c in value for c in "\r\n\0"):
            return f"malformed {name} header field"
    hosts = headers.get_all("Host") or []
    if len(hosts) > 1 or (not hosts and version != "HTTP/1.0"):
        return "no Host header field, or several"
    if hosts and not _HOST.fullmatch(hosts[0].strip(" \t")):
        return "invalid Host header field"
    lengths = {v.strip(" \t") for v in headers.get_all("Content-Length") or []}
    if lengths and (len(lengths) > 1 or not next(iter(lengths)).isdigit()):
        return "invalid Content-Length header field"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"
    #: Seconds a connection may stay silent (an idle keep-alive one, a client that stalls).
    timeout = 60
    #: Why the last error answer was sent, for the log line.
    _why: str | None = None

    def version_string(self) -> str:
        return f"feedpub/{__version__}"

    def parse_request(self) -> bool:
        """The standard library's parsing (400, 414, 431 or 505 for what it refuses), then
        RFC 9112's rules it leaves out: 400 for those, never a traceback."""
        if not super().parse_request():
            if self.requestline and not self.requestline.split():
                self.send_error(HTTPStatus.BAD_REQUEST, "malformed request line")  # only spaces
            return False
        problem = request_problem(self.requestline, self.request_version, self.headers)
        if problem is not None:
            self.send_error(HTTPStatus.BAD_REQUEST, problem)
            return False
        if "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # its body is not read: the next request cannot be
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard answer, with the standard reason phrase: the library's own messages
        quote the request line, which may be 64 KiB of anything. The reason is logged."""
        self._why = message
        if self.request_version == "HTTP/0.9":  # not known yet: answer with a status line
            self.request_version = self.protocol_version  # (HTTP/0.9 has none)
        super().send_error(code)

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
            format = self.server.format_of(found)
            if format is not None:
                self.send_header("Vary", "Accept")
            if not fresh:
                accept = self.headers.get("Accept", "")
                self.send_header("Content-Type", media_type(found, accept, format))
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
        # A request refused while parsing may have no command or path yet (or a 414: no line)
        command, path = getattr(self, "command", None), getattr(self, "path", None)
        what = f"{command} {path}" if command and path else getattr(self, "requestline", "")
        why = self._why if isinstance(code, int) and code >= 400 else None
        if not what and code == HTTPStatus.REQUEST_URI_TOO_LONG:
            why = "request line over 64 KiB"
        why = f" ({_shown(why)})" if why else ""
        self.server.log(f"{_shown(what) or '-'} {status}{why}")
        self._why = None

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: every answer, errors too, is logged once by :meth:`log_request`."""


class FeedServer(ThreadingHTTPServer):
    """Serves ``root`` (which may be replaced while serving) on ``host``:``port``."""

    daemon_threads = True

    def __init__(
        self,
        root: Path,
        host: str,
        port: int,
        log: Callable[[str], None] = lambda line: None,
        site: Site | None = None,
    ) -> None:
        #: The folder served.
        self.root = root
        #: The site whose feeds it holds: its settings say where each format's files are.
        self.site = site
        #: Where each request's one-line summary goes.
        self.log = log
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), _Handler)
        except (OSError, UnicodeError, TypeError) as e:  # TypeError: a host name with bad bytes
            host = host.encode("utf-8", "backslashreplace").decode("utf-8")
            raise FeedpubError(
                f"cannot serve on {host}:{port}: {getattr(e, 'strerror', None) or e}; "
                "choose another with --port (or --host)",
                code="FP007",
            ) from None

    def format_of(self, path: Path) -> str | None:
        """The feed format of the file ``path`` served, or ``None`` when it is no feed."""
        if self.site is None:
            return NAMED_FORMATS.get(path.name)
        try:
            name = path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        return format_at(self.site, name)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke (reset by the client, timed out) is one log line; only
        what would be a bug in feedpub gets the standard library's traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            self.log(f"connection from {client_address[0]} ended: {error.strerror or error}")
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host, port = self.server_address[:2]
        shown = f"[{host!s}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{int(port)}/"

    #: The thread that serves, once started.
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve in a background thread; :meth:`stop` ends it."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="feedpub-serve", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (if started) and close the socket."""
        if self._thread is not None:
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
