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

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

from ._base import Dialect

if TYPE_CHECKING:
    from ..model import Site

#: Every dialect, by the name the ``dialect`` setting gives: its module and class. Jekyll's
#: and Hugo's are imported only for a site that follows them (a feedpub site, the usual
#: case, does not load their rules: a build with nothing to do is that much quicker).
DIALECTS: dict[str, tuple[str, str]] = {
    "feedpub": ("._base", "Dialect"),
    "jekyll": ("._jekyll", "Jekyll"),
    "hugo": ("._hugo", "Hugo"),
}
#: Their names, feedpub's own first.
NAMES = tuple(DIALECTS)


def date_from_name(stem: str, timezone: tzinfo) -> datetime | None:
    """The date at the start of a file name (``2025-05-01-title``): midnight of that day in
    ``timezone``, or ``None`` when it is no real day."""
    from ._dates import date_from_name as read  # (its parsers load in ~30 ms: when needed)

    return read(stem, timezone)


def of(site: Site | str) -> Dialect:
    """The dialect of ``site`` (or of that name, one of :data:`NAMES`)."""
    return _dialect(site if isinstance(site, str) else site.dialect)


@cache
def _dialect(name: str) -> Dialect:
    module, kind = DIALECTS[name]
    made: Dialect = getattr(import_module(module, __name__), kind)()
    return made


def check_jekyll_permalink(pattern: str, problem: Callable[[str], None]) -> None:
    """Call ``problem`` with what is wrong with ``pattern`` as a Jekyll permalink."""
    of("jekyll").check_permalink(pattern, problem)


def check_hugo_permalink(pattern: str, problem: Callable[[str], None]) -> None:
    """Call ``problem`` with what is wrong with ``pattern`` as a Hugo ``[permalinks]`` one."""
    from ._hugo import check_hugo_permalink as check

    check(pattern, problem)


__all__ = [
    "DIALECTS",
    "NAMES",
    "Dialect",
    "check_hugo_permalink",
    "check_jekyll_permalink",
    "date_from_name",
    "of",
]
