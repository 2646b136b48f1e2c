"""Whose conventions entry files follow: feedpub's own, Jekyll's or Hugo's (setting
``dialect``), so that a Jekyll or Hugo site builds as it is.

The one place a dialect's name decides anything: the rest of feedpub asks the :class:`Dialect`
object :func:`of` gives (which files are entries, how their front matter becomes feedpub's
fields and links, how template syntax in a body is shown). The rules follow Jekyll 4.3
(``lib/jekyll/drops/url_drop.rb``, ``url.rb``, ``document.rb``, ``utils.rb``) and Hugo 0.111
(URL management, front matter dates); the tests compare links and dates with both tools' own
feeds.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from ._base import Dialect
from ._hugo import Hugo, check_hugo_permalink
from ._jekyll import Jekyll, check_jekyll_permalink

if TYPE_CHECKING:
    from ..model import Site

#: Every dialect, by the name the ``dialect`` setting gives.
DIALECTS: dict[str, Dialect] = {d.name: d for d in (Dialect(), Jekyll(), Hugo())}
#: Their names, feedpub's own first.
NAMES = tuple(DIALECTS)


def date_from_name(stem: str, timezone: tzinfo) -> datetime | None:
    """The date at the start of a file name (``2025-05-01-title``): midnight of that day in
    ``timezone``, or ``None`` when it is no real day."""
    from ._dates import date_from_name as read  # (its parsers load in ~30 ms: when needed)

    return read(stem, timezone)


def of(site: Site | str) -> Dialect:
    """The dialect of ``site`` (or of that name, one of :data:`NAMES`)."""
    return DIALECTS[site if isinstance(site, str) else site.dialect]


__all__ = [
    "DIALECTS",
    "NAMES",
    "Dialect",
    "check_hugo_permalink",
    "check_jekyll_permalink",
    "date_from_name",
    "of",
]
