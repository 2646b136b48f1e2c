"""``feedpub ping``: tell the site's WebSub hubs which feeds the last build changed.

A hub learns of a new version of a feed from a "publish" request, the form every public hub
takes (Google's, Superfeedr's): an HTTP POST of ``hub.mode=publish`` and ``hub.url=<feed URL>``
as ``application/x-www-form-urlencoded``. The hub then fetches the feed and pushes it to the
subscribers. Which feeds changed comes from the build's record in the cache.
"""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from ._version import __version__
from .cache import save_unannounced, unannounced
from .errors import FeedpubError, display_path
from .model import CACHE_DIR, Site

#: Seconds to wait for a hub's answer.
TIMEOUT = 10.0


class HubError(FeedpubError):
    """A hub could not be notified."""

    code = "FP114"


@dataclass(frozen=True)
class PingResult:
    """What ``feedpub ping`` did."""

    #: (hub, feed URL) of each notification a hub accepted.
    notified: tuple[tuple[str, str], ...]
    #: Why each hub that was not notified was not.
    errors: tuple[HubError, ...]


def changed_feeds(site: Site) -> list[str]:
    """URLs of the feeds whose bytes changed since the hubs were last told (by builds since
    the last ``feedpub ping`` that reached every hub), in a stable order.

    Raises :class:`FeedpubError` (FP115) when the site names no hub, or no build of its
    output folder with a hub is recorded."""
    if not site.hubs:
        raise FeedpubError(
            'no hub to notify; add hub = "https://…/" to the configuration',
            site.config_path,
            code="FP115",
        )
    names = unannounced(site)
    if names is None:
        raise FeedpubError(
            f"no build of {display_path(site.output)}/ with a hub is recorded in {CACHE_DIR}/; "
            "run 'feedpub build' first",
            site.config_path,
            code="FP115",
        )
    return [site.feed_url(name) for name in names]


def announced(site: Site, result: PingResult) -> None:
    """Forget the feeds every hub was told of; the others are announced by the next ping."""
    told = {
        feed
        for feed in {f for _, f in result.notified}
        if all((hub, feed) in result.notified for hub in site.hubs)
    }
    names = unannounced(site) or []
    save_unannounced(site, [n for n in names if site.feed_url(n) not in told])


def ping(site: Site, feeds: list[str], *, timeout: float = TIMEOUT) -> PingResult:
    """Notify every hub of ``site`` of each of ``feeds``. A hub that cannot be reached, does
    not answer as an HTTP server, or answers with a status other than 2xx (a 500, a 429) is
    not asked again for the other feeds (the next ping announces them); the other hubs are."""
    notified: list[tuple[str, str]] = []
    errors: list[HubError] = []
    for hub in site.hubs:
        for number, feed in enumerate(feeds, 1):
            try:
                publish(hub, feed, timeout=timeout)
            except HubError as e:
                errors.append(_not_asked_further(e, len(feeds) - number))
                break  # down, no HTTP server, or refusing: the others would fare no better
            notified.append((hub, feed))
    return PingResult(tuple(notified), tuple(errors))


def _not_asked_further(error: HubError, left: int) -> HubError:
    """``error``, saying also how many feeds its hub was not asked about after it."""
    if not left:
        return error
    feeds = "feed" if left == 1 else "feeds"
    return HubError(
        f"{error.message}; the hub was not asked about the {left} other {feeds}, "
        "which the next ping announces"
    )


def publish(hub: str, feed: str, *, timeout: float = TIMEOUT) -> None:
    """POST ``hub.mode=publish`` and ``hub.url=feed`` to ``hub``; raises :class:`HubError`
    unless the hub answers with a 2xx status."""
    request = Request(
        hub,
        data=urlencode({"hub.mode": "publish", "hub.url": feed}).encode("ascii"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"feedpub/{__version__}",
        },
        method="POST",
    )
    try:
        with urlopen(request, timeout=timeout) as response:
            status, reason = response.status, response.reason
    except HTTPError as e:
        status, reason = e.code, e.reason
    except (http.client.HTTPException, ValueError) as e:  # not HTTP, or a URL urllib refuses
        raise HubError(
            f"hub {hub} did not answer as an HTTP server ({e!r}); {feed} was not announced"
        ) from e
    except (URLError, OSError) as e:
        why = e.reason if isinstance(e, URLError) else e
        if isinstance(why, socket.timeout | TimeoutError):
            why = f"no answer in {timeout:g} s"
        elif isinstance(why, OSError) and why.strerror:
            why = why.strerror
        raise HubError(f"hub {hub} cannot be reached ({why}); {feed} was not announced") from e
    if not 200 <= status < 300:
        raise HubError(f"hub {hub} answered {status} {reason} for {feed}; it was not announced")
