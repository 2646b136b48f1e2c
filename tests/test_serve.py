"""`feedpub serve`: a real server process on 127.0.0.1, asked over HTTP like a browser or reader.

Each test starts `python -m feedpub serve` in a copy of the sample site (port 0: the system
picks a free one, and the server prints its address), talks to it with http.client (which
sends a path exactly as given, `..` included), and stops it with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from feedpub.serve import inside, not_modified

from .conftest import REPO

SAMPLE = REPO / "entries" / "2025-11-14-ford-xiaomi-ev-partnership-talks.md"
TITLE = "Ford Explores EV Manufacturing Partnerships"


class Served:
    """A `feedpub serve` process and the lines it prints."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feedpub", "serve", *args],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.port = 0

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """The first line (from now on) containing ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {timeout} s; output: {self.seen}")

    def started(self) -> Served:
        line = self.wait_for("serving ")
        self.port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        return self

    def request(
        self, path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, Message, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "entries", root / "entries")
    return root


@pytest.fixture
def served(sample_site: Path) -> Iterator[Served]:
    server = Served(sample_site, "--port", "0")
    try:
        yield server.started()
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/categories/business-economy/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/feed.xsl", "text/xsl; charset=utf-8"),
    ],
)
def test_files_are_served_with_their_media_type(served: Served, path: str, media_type: str) -> None:
    status, headers, body = served.request(path)
    assert status == 200
    assert headers["Content-Type"] == media_type
    name = "index.html" if path == "/" else path.lstrip("/")
    assert body == (served.root / "public" / name).read_bytes()
    assert headers["Content-Length"] == str(len(body))


def test_a_browser_gets_the_xml_feeds_as_xml_so_it_shows_the_browser_view(served: Served) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for name in ("feed.xml", "atom.xml"):
        status, headers, body = served.request(f"/{name}", headers={"Accept": browser})
        assert status == 200
        assert headers["Content-Type"] == "application/xml; charset=utf-8"
        assert headers["Vary"] == "Accept"
        assert body == (served.root / "public" / name).read_bytes()
    reader = "application/atom+xml, application/rss+xml;q=0.9, */*;q=0.1"
    _, headers, _ = served.request("/atom.xml", headers={"Accept": reader})
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    _, headers, _ = served.request("/feed.json", headers={"Accept": browser})
    assert headers["Content-Type"] == "application/feed+json; charset=utf-8"


def test_conditional_requests_get_304(served: Served) -> None:
    status, headers, _ = served.request("/feed.xml")
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and last_modified.endswith(" GMT")

    status, again, body = served.request("/feed.xml", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert again["ETag"] == etag
    status, _, body = served.request("/feed.xml", headers={"If-None-Match": f'W/{etag}, "x"'})
    assert (status, body) == (304, b"")
    status, _, _ = served.request("/feed.xml", headers={"If-None-Match": '"other"'})
    assert status == 200
    status, _, body = served.request("/feed.xml", headers={"If-Modified-Since": last_modified})
    assert (status, body) == (304, b"")
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert served.request("/feed.xml", headers={"If-Modified-Since": old})[0] == 200
    # If-None-Match decides when both are sent (RFC 9110, 13.2.2).
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert served.request("/feed.xml", headers=both)[0] == 200


def test_head_sends_the_headers_of_get_without_a_body(served: Served) -> None:
    _, get_headers, body = served.request("/atom.xml")
    status, headers, head_body = served.request("/atom.xml", method="HEAD")
    assert (status, head_body) == (200, b"")
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert headers[name] == get_headers[name]
    assert headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/",
        "/%2e%2e/pyproject.toml",
        "/%2E%2E/pyproject.toml",
        "/categories/../../pyproject.toml",
        "/categories/%2e%2e/%2e%2e/pyproject.toml",
        "/..%2fpyproject.toml",
        "/%2e%2e%2fpyproject.toml",
        "/..\\pyproject.toml",
        "/.feedpub-manifest.json",
        "/outside.toml",  # a symlink in public/ to a file outside it
        "/outside-dir/pyproject.toml",  # a symlink to a folder outside
        "/no-such-file.xml",
        "/feed.xml%00.html",
    ],
)
def test_nothing_outside_the_output_folder_can_be_reached(served: Served, path: str) -> None:
    public = served.root / "public"
    (public / "outside.toml").symlink_to(served.root / "pyproject.toml")
    (public / "outside-dir").symlink_to(served.root)
    status, _, body = served.request(path)
    assert status == 404
    assert b"tool.feedpub" not in body


def test_a_symlink_within_the_output_folder_is_served(served: Served) -> None:
    public = served.root / "public"
    (public / "latest.xml").symlink_to(public / "feed.xml")
    status, headers, body = served.request("/latest.xml")
    assert status == 200 and body == (public / "feed.xml").read_bytes()
    # The type is the target's: the link leads to the RSS feed.
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"


def test_an_edited_entry_is_served_within_two_seconds(served: Served) -> None:
    entry = served.root / "entries" / SAMPLE.name
    entry.write_text(entry.read_text().replace(TITLE, "Ford Denies Xiaomi Talks"))
    edited = time.monotonic()
    while True:
        _, _, body = served.request("/feed.xml")
        if b"Ford Denies Xiaomi Talks" in body:
            break
        assert time.monotonic() - edited < 2, "the edit was not served within two seconds"
        time.sleep(0.05)
    assert TITLE.encode() not in body
    served.wait_for("changed: entries/")


def test_a_broken_entry_keeps_the_last_good_feeds(served: Served) -> None:
    good = {name: served.request(f"/{name}")[2] for name in ("feed.xml", "atom.xml")}
    broken = served.root / "entries" / "2025-12-01-broken.md"
    broken.write_text("---\ntitle: Broken\ndate: not a date\n---\nBody.\n")
    line = served.wait_for("entries/2025-12-01-broken.md:3:")
    assert "date" in line
    served.wait_for("still serving the last good feeds")
    for name, body in good.items():
        status, _, now = served.request(f"/{name}")
        assert (status, now) == (200, body)
    # Fixing the entry brings it in.
    broken.write_text("---\ntitle: Mended\ndate: 2025-12-01\n---\nBody.\n")
    served.wait_for(" feeds in public/")
    assert b"Mended" in served.request("/feed.xml")[2]


def test_settings_changes_rebuild(served: Served) -> None:
    config = served.root / "pyproject.toml"
    text = config.read_text()
    assert 'title = "feedpub sample newsroom"' in text
    # Written as editors do: a new file renamed over the old one.
    new = served.root / "pyproject.toml.new"
    new.write_text(text.replace('title = "feedpub sample newsroom"', 'title = "Renamed Desk"'))
    new.replace(config)
    served.wait_for("changed: pyproject.toml")
    served.wait_for(" feeds in public/")
    assert b"<title>Renamed Desk</title>" in served.request("/feed.xml")[2]


def test_ctrl_c_stops_cleanly(sample_site: Path) -> None:
    server = Served(sample_site, "--port", "0").started()
    assert server.request("/feed.xml")[0] == 200
    assert server.stop() == 0
    server.wait_for("stopped")
    assert not any("Traceback" in line for line in server.seen)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)


def test_default_host_is_this_machine_only_and_a_busy_port_is_a_clear_error(
    sample_site: Path,
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = Served(sample_site, "--port", str(port), "--no-watch")
        assert server.process.wait(timeout=30) == 1
        line = server.wait_for("cannot serve")
        assert line.startswith(f"cannot serve on 127.0.0.1:{port}: ")
        assert "--port" in line
        assert server.wait_for("feedpub: ") == "feedpub: 1 problem; nothing is served."
        assert not any("Traceback" in line for line in server.seen)
        assert not (sample_site / "public").exists()  # told before anything was built

    free = _free_port()
    server = Served(sample_site, "--port", str(free), "--no-watch")
    try:
        line = server.wait_for("serving ")
        assert f"http://127.0.0.1:{free}/" in line
    finally:
        assert server.stop() == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------ the pieces, without a server


def test_inside_refuses_every_way_out(tmp_path: Path) -> None:
    root = tmp_path / "public"
    (root / "sub").mkdir(parents=True)
    (root / "feed.xml").write_text("x")
    (root / "sub" / "index.html").write_text("x")
    (tmp_path / "secret").write_text("x")
    (root / "link").symlink_to(tmp_path / "secret")
    (root / "loop").symlink_to(root / "loop")
    assert inside(root, "/feed.xml") == (root / "feed.xml").resolve()
    assert inside(root, "/sub/") == (root / "sub" / "index.html").resolve()
    assert inside(root, "/%66eed.xml") == (root / "feed.xml").resolve()  # %66 is "f"
    for way_out in ("/../secret", "/%2e%2e/secret", "/sub/%2E%2E/../secret", "/link", "/loop"):
        assert inside(root, way_out) is None, way_out
    assert inside(root, "feed.xml") is None  # not an absolute path
    with pytest.raises(UnicodeDecodeError):
        inside(root, "/%ff")


def test_not_modified_follows_rfc_9110() -> None:
    def headers(**values: str) -> Message:
        message = Message()
        for name, value in values.items():
            message[name.replace("_", "-")] = value
        return message

    etag, mtime = '"a-1"', 1_700_000_000.5
    assert not_modified(headers(If_None_Match='"a-1"'), etag, mtime)
    assert not_modified(headers(If_None_Match="*"), etag, mtime)
    assert not not_modified(headers(If_None_Match='"b"'), etag, mtime)
    # Last-Modified has whole seconds: the same second counts as not modified.
    assert not_modified(headers(If_Modified_Since="Tue, 14 Nov 2023 22:13:20 GMT"), etag, mtime)
    assert not not_modified(headers(If_Modified_Since="Tue, 14 Nov 2023 22:13:19 GMT"), etag, mtime)
    assert not not_modified(headers(If_Modified_Since="yesterday"), etag, mtime)
    assert not not_modified(headers(), etag, mtime)


def test_builds_into_the_watched_folder_do_not_start_more_builds(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    (root / "_posts").mkdir(parents=True)
    (root / "feedpub.toml").write_text(
        'title = "Blog"\nbase_url = "https://blog.example/"\ntimezone = "UTC"\n'
        'dialect = "jekyll"\nentries = "."\noutput = "_feeds"\n'
    )
    post = root / "_posts" / "2025-01-01-hello.md"
    post.write_text("---\ntitle: Hello\n---\nHi.\n")
    server = Served(root, "--port", "0").started()
    try:
        server.wait_for("watching")
        time.sleep(1.5)
        post.write_text("---\ntitle: Hello again\n---\nHi.\n")
        server.wait_for("changed: _posts/2025-01-01-hello.md")
        server.wait_for(" feeds in _feeds/")
        assert b"Hello again" in server.request("/feed.xml")[2]
        time.sleep(1.5)  # the build wrote _feeds/ and .feedpub-cache/, inside the watched folder
    finally:
        server.stop()
    while not server.lines.empty():
        server.seen.append(server.lines.get())
    assert sum(line.startswith("changed:") for line in server.seen) == 1, server.seen


def test_drafts_are_previewed_only_outside_the_published_folder(sample_site: Path) -> None:
    server = Served(sample_site, "--drafts", "--port", "0")
    assert server.process.wait(timeout=30) == 1
    line = server.wait_for("--drafts would write")
    assert "feedpub serve --drafts --out preview" in line
    assert not (sample_site / "public").exists()  # nothing built, nothing served
    (sample_site / "entries" / "2025-12-01-draft.md").write_text(
        "---\ntitle: Draft story\ndate: 2025-12-01\ndraft: true\n---\nNot yet.\n"
    )
    server = Served(sample_site, "--drafts", "--out", "preview", "--port", "0").started()
    try:
        assert b"Draft story" in server.request("/feed.xml")[2]
    finally:
        assert server.stop() == 0
    assert not (sample_site / "public").exists()


def test_settings_naming_another_entries_folder_are_followed(served: Served) -> None:
    stories = served.root / "stories"
    shutil.copytree(served.root / "entries", stories)
    config = served.root / "pyproject.toml"
    text = config.read_text()
    new = served.root / "pyproject.toml.new"
    new.write_text(text.replace("[tool.feedpub]\n", '[tool.feedpub]\nentries = "stories"\n'))
    new.replace(config)
    served.wait_for("watching stories/")
    story = stories / SAMPLE.name
    story.write_text(story.read_text().replace(TITLE, "Stories Folder Title"))
    served.wait_for("changed: stories/")
    served.wait_for(" feeds in public/")
    assert b"Stories Folder Title" in served.request("/feed.xml")[2]


def test_a_folder_without_its_slash_is_redirected_on_this_site(served: Served) -> None:
    sub = served.root / "public" / "blog"
    sub.mkdir()
    (sub / "index.html").write_text("<p>blog</p>")
    for path in ("/blog", "//blog", "///blog"):
        status, headers, _ = served.request(path)
        assert status == 301
        assert headers["Location"] == "/blog/"  # never //blog/: another host to a browser
    assert served.request("/blog/")[2] == b"<p>blog</p>"


#: Malformed requests and the answer RFC 9110/9112 give them: 400 for a request line or
#: header section that does not parse (or a missing, doubled or invalid Host in HTTP/1.1,
#: RFC 9112 3.2), 414 for a request line longer than the server reads (64 KiB), 431 (RFC 6585,
#: the "appropriate 4xx" of RFC 9110 5.4) for header fields too long or too many, 505 for an
#: HTTP version other than 1.x.
MALFORMED = [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/9.9\r\nHost: x\r\n\r\n", 505),
    (b"GET /feed.xml HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n" + b"X-Many: a\r\n" * 200 + b"\r\n", 431),
    (b"GET /feed.xml HTTP/1.1\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x/y\r\n\r\n", 400),
    (b"GET /feed.xml\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /feed.xml\x00.html HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n", 400),
    (b"GET  /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400),
    (b"GET /feed.xml HTTP/1.x\r\nHost: x\r\n\r\n", 400),
    (b"GET /\r\n\r\n", 400),
    (b"   \r\n\r\n", 400),
    (b"\xff\xfe GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
]


def _raw(port: int, request: bytes) -> bytes:
    """What the server sends back to ``request``, up to its closing the connection (or
    5 s of silence: a connection kept open)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
        return answer


def test_malformed_requests_get_400_414_431_or_505_and_serving_goes_on(served: Served) -> None:
    """Each malformed request gets its status line (never an empty reply), one log line, no
    traceback; a client that resets its connection mid-request is one line too; then a
    normal request is answered as ever."""
    wrong = []
    for request, status in MALFORMED:
        answer = _raw(served.port, request)
        first = answer.split(b"\r\n", 1)[0]
        if not first.startswith(b"HTTP/1.1 %d " % status):
            wrong.append(f"{request[:60]!r}: {first[:80]!r}, not {status}")
    assert not wrong, "\n".join(wrong)
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as reset:
        reset.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n")
        reset.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    status, _, body = served.request("/atom.xml")
    assert status == 200 and b"<feed" in body
    served.wait_for("GET /atom.xml 200")
    log = [line for line in served.seen if not line.startswith(("serving ", "watching "))]
    assert not any("Traceback" in line or "Error:" in line for line in log), "\n".join(log)
    statuses = [line for line in log if re.search(r" (400|414|431|505)( |$)", line)]
    assert len(statuses) == len(MALFORMED), "\n".join(log)
    assert all(len(line) < 400 and line.isprintable() for line in log), "\n".join(log)
    assert any("ended" in line for line in log), "\n".join(log)


def test_a_request_with_a_body_it_does_not_read_closes_the_connection(served: Served) -> None:
    """The body of a GET is not read, so it cannot be taken for the next request: the
    connection is closed after the answer (RFC 9112 9.6), the next request is not answered
    from the body's bytes."""
    smuggled = b"GET /feed.json HTTP/1.1\r\nHost: x\r\n\r\n"
    request = b"GET /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    answer = _raw(served.port, request + smuggled)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.count(b"HTTP/1.1 ") == 1, answer[:500]


def test_a_host_name_that_is_not_text_is_a_clear_error(sample_site: Path) -> None:
    """A --host with bytes that are not UTF-8 (as a shell passes them): FP007, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "feedpub", "serve", "--no-watch", "--port", "0", "--host", b"\xff"],
        cwd=sample_site,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("cannot serve on \\udcff:0: "), done.stderr
