"""feedpub: publish a folder of Markdown entries as RSS 2.0 and Atom 1.0 feeds.

Use it as a library::

    import feedpub

    site = feedpub.load_site()  # feedpub.toml or [tool.feedpub] here, or in a parent folder
    result = feedpub.build(site)  # writes public/feed.xml and public/atom.xml
    findings = feedpub.check(site)  # what `feedpub check` reports
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .build import BuildResult as BuildResult
from .build import build as build
from .build import scan as scan
from .config import Site as Site
from .config import load_site as load_site
from .entry import Author as Author
from .entry import Entry as Entry
from .errors import BuildErrors as BuildErrors
from .errors import BuildWarning as BuildWarning
from .errors import FeedpubError as FeedpubError

if TYPE_CHECKING:
    from .lint import Finding as Finding
    from .lint import check as check


def __getattr__(name: str) -> Any:
    """``check`` and ``Finding`` are imported on first use: they need lxml, which a build
    with nothing to do never loads."""
    if name in ("check", "Finding"):
        from . import lint

        return getattr(lint, name)
    raise AttributeError(f"module 'feedpub' has no attribute {name!r}")
