"""WebSub (issue 7, item 5): rel="hub" links in every feed, and `feedpub ping` against a hub
stub (http.server on 127.0.0.1, a free port) that records what it is sent.

What a publisher sends is the publish request public hubs take: POST,
application/x-www-form-urlencoded, hub.mode=publish and hub.url=<feed URL>."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import feedparser
import pytest
from lxml import etree

from .conftest import BASIC_CONFIG, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"


class Hub:
    """A WebSub hub stub: answers every POST with ``status`` and records it."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode("ascii")
                hub.requests.append((self.headers["Content-Type"], parse_qs(body)))
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def announced(self) -> list[str]:
        """The hub.url of each request, after checking that it is a well-formed publish."""
        urls = []
        for content_type, form in self.requests:
            assert content_type == "application/x-www-form-urlencoded"
            assert form["hub.mode"] == ["publish"]
            (url,) = form["hub.url"]
            urls.append(url)
        return urls

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hubs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Hub]]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # never through a proxy of the environment
    made: list[Hub] = []
    yield made
    for hub in made:
        hub.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _site(site: SiteDir, *urls: str) -> None:
    site.config(
        BASIC_CONFIG + 'author = "N <n@example.org>"\n' + f"hub = {json.dumps(list(urls))}\n"
    )
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [Red]\n---\nA.\n")
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\ncategories: [Blue]\n---\nB.\n")


MAIN = ["https://example.org/feed.xml", "https://example.org/atom.xml"]
ALL_FEEDS = sorted(
    f"https://example.org/{folder}{name}"
    for folder in ("", "categories/blue/", "categories/red/")
    for name in ("feed.xml", "atom.xml", "feed.json")
)


def test_every_feed_names_the_hubs(site: SiteDir) -> None:
    _site(site, "https://hub.example.com/", "https://pubsubhubbub.appspot.com/")
    assert site.run("build").exit_code == 0
    expected = ["https://hub.example.com/", "https://pubsubhubbub.appspot.com/"]
    for folder in ("", "categories/red/"):
        rss = etree.parse(str(site.public / folder / "feed.xml")).find("channel")
        assert [x.get("href") for x in rss.findall(f"{ATOM}link[@rel='hub']")] == expected
        atom = etree.parse(str(site.public / folder / "atom.xml")).getroot()
        assert [x.get("href") for x in atom.findall(f"{ATOM}link[@rel='hub']")] == expected
        document = json.loads((site.public / folder / "feed.json").read_bytes())
        assert document["hubs"] == [{"type": "WebSub", "url": url} for url in expected]
        for name in ("feed.xml", "atom.xml"):
            parsed = feedparser.parse(site.public / folder / name)
            assert parsed.bozo == 0
            assert [x.href for x in parsed.feed.links if x.rel == "hub"] == expected
    assert site.run("check", "--strict").exit_code == 0


def test_ping_announces_every_feed_the_first_build_wrote(site: SiteDir, hubs) -> None:
    hubs += [Hub(), Hub(status=200)]
    _site(site, hubs[0].url, hubs[1].url)
    assert site.run("build").exit_code == 0
    result = site.run("ping")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"notified {hubs[0].url} of 9 feeds",
        f"notified {hubs[1].url} of 9 feeds",
    ]
    assert sorted(hubs[0].announced()) == sorted(hubs[1].announced()) == ALL_FEEDS


def test_ping_announces_what_changed_since_the_hubs_were_last_told(site: SiteDir, hubs) -> None:
    hubs.append(Hub())
    _site(site, hubs[0].url)
    assert site.run("build").exit_code == 0
    assert site.run("ping").exit_code == 0
    assert sorted(hubs[0].announced()) == ALL_FEEDS
    hubs[0].requests.clear()
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\ncategories: [Red]\n---\nA, edited.\n")
    assert site.run("build").exit_code == 0
    assert site.run("build").exit_code == 0  # a build that changes nothing loses nothing
    assert site.run("build", "--drafts", "--out", "preview").exit_code == 0  # nor a preview
    assert site.run("ping", "--dry-run").exit_code == 0  # nor a dry run
    assert hubs[0].requests == []
    assert site.run("ping").exit_code == 0
    red = [f"https://example.org/categories/red/{n}" for n in ("feed.xml", "atom.xml")]
    json_feeds = ["https://example.org/feed.json", "https://example.org/categories/red/feed.json"]
    assert sorted(hubs[0].announced()) == sorted([*MAIN, *red, *json_feeds])
    hubs[0].requests.clear()
    result = site.run("ping")  # told already
    assert result.exit_code == 0
    assert result.stdout == "no feed changed since the hubs were last notified; none notified\n"
    assert hubs[0].requests == []


def test_a_failed_ping_is_sent_again_by_the_next(site: SiteDir, hubs) -> None:
    hubs += [Hub(), Hub(status=503)]
    _site(site, hubs[0].url, hubs[1].url)
    assert site.run("build").exit_code == 0
    assert site.run("ping").exit_code == 1
    hubs[1].status = 204
    for hub in hubs:
        hub.requests.clear()
    assert site.run("ping").exit_code == 0  # every feed again: the second hub was not told
    assert sorted(hubs[1].announced()) == ALL_FEEDS
    assert site.run("ping").stdout.startswith("no feed changed")


def test_dry_run_sends_nothing(site: SiteDir, hubs) -> None:
    hubs.append(Hub())
    _site(site, hubs[0].url)
    assert site.run("build").exit_code == 0
    result = site.run("ping", "--dry-run")
    assert result.exit_code == 0
    assert f"would notify {hubs[0].url} of https://example.org/feed.xml\n" in result.stdout
    assert hubs[0].requests == []


@pytest.mark.parametrize(
    ("status", "reason"), [(500, "Internal Server Error"), (429, "Too Many Requests")]
)
def test_a_hub_answering_an_error_is_one_line_and_exit_1(
    site: SiteDir, hubs, status: int, reason: str
) -> None:
    """As docs/commands/ping.md says: a hub that refuses is not tried again for the other feeds (it
    gets one request, not nine); the other hubs still are; the next ping sends them all."""
    hubs += [Hub(status=status), Hub()]
    _site(site, hubs[0].url, hubs[1].url)
    assert site.run("build").exit_code == 0
    result = site.run("ping")
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()
    assert first.startswith(f"hub {hubs[0].url} answered {status} {reason} for https:")
    assert first.endswith(
        "; it was not announced; the hub was not asked about the 8 other feeds, "
        "which the next ping announces"
    )
    assert last == "feedpub: 1 problem; not every hub was notified."
    assert "Traceback" not in result.output
    assert len(hubs[0].requests) == 1
    assert len(hubs[1].announced()) == 9  # the other hub is still told
    hubs[0].status = 204
    for hub in hubs:
        hub.requests.clear()
    assert site.run("ping").exit_code == 0
    assert sorted(hubs[0].announced()) == ALL_FEEDS  # every feed, the one refused included


def test_a_hub_that_is_down_is_one_line_and_exit_1(site: SiteDir, hubs) -> None:
    down = f"http://127.0.0.1:{_free_port()}/"
    _site(site, down)
    assert site.run("build").exit_code == 0
    result = site.run("ping")
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()  # not asked again for the other eight feeds
    assert first.startswith(f"hub {down} cannot be reached (Connection refused); https://")
    assert first.endswith(
        "; the hub was not asked about the 8 other feeds, which the next ping announces"
    )
    assert last == "feedpub: 1 problem; not every hub was notified."
    assert "Traceback" not in result.output


def test_ping_without_hub_or_without_a_build(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nA.\n")
    result = site.run("ping")
    assert result.exit_code == 1
    assert result.stderr.startswith("feedpub.toml: no hub to notify; add hub = ")
    site.config(BASIC_CONFIG + 'hub = "https://hub.example.com/"\n')
    result = site.run("ping")
    assert result.exit_code == 1
    assert "no build of public/ with a hub is recorded in .feedpub-cache/" in result.stderr
    assert site.run("build", "--no-cache").exit_code == 0
    assert site.run("ping", "--dry-run").exit_code == 0  # a build without the cache counts


def test_a_hub_setting_that_is_no_url(site: SiteDir) -> None:
    site.config(BASIC_CONFIG + 'hub = ["https://hub.example.com/", "hub.example.com"]\n')
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nA.\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert result.stderr.startswith("feedpub.toml:5: hub must be a URL or a list of URLs")


@pytest.mark.parametrize(
    "url", ["http://[::1/", "http://hub.example.com:port/", "http://hüb.example/"]
)
def test_hub_urls_urllib_cannot_send_to_are_setting_errors(site: SiteDir, url: str) -> None:
    site.config(BASIC_CONFIG + f"hub = {json.dumps(url)}\n")
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nA.\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert result.stderr.startswith("feedpub.toml:5: hub must be a URL or a list of URLs")


def test_a_hub_that_does_not_speak_http_is_one_line_and_exit_1(site: SiteDir, hubs) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"

        def answer_garbage() -> None:
            connection, _ = server.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"HELLO garbage\r\n\r\n")

        _site(site, url)
        assert site.run("build").exit_code == 0
        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        result = site.run("ping")
        thread.join(timeout=10)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"hub {url} did not answer as an HTTP server (")
    assert result.stderr.splitlines()[-1] == "feedpub: 1 problem; not every hub was notified."
    assert "Traceback" not in result.output
