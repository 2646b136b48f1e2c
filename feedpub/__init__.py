"""feedpub: publish a folder of Markdown entries as RSS 2.0, Atom 1.0 and JSON Feed files.

Use it as a library::

    import feedpub

    site = feedpub.load_site()  # feedpub.toml or [tool.feedpub] here, or in a parent folder
    result = feedpub.build(site)  # writes public/feed.xml, public/atom.xml, public/feed.json
    findings = feedpub.check(site)  # what `feedpub check` reports

How the package is laid out: docs/architecture.md.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .config import load_site as load_site
from .errors import BuildErrors as BuildErrors
from .errors import BuildWarning as BuildWarning
from .errors import FeedpubError as FeedpubError
from .model import Author as Author
from .model import BuildResult as BuildResult
from .model import Entry as Entry
from .model import Finding as Finding
from .model import Site as Site
from .pipeline import build as build
from .scan import scan as scan

if TYPE_CHECKING:
    from .check import check as check


def __getattr__(name: str) -> Any:
    """``check`` is imported on first use: it needs lxml, which a build with nothing to do
    never loads."""
    if name == "check":
        from .check import check

        # (importing it makes the module feedpub.check this package's attribute ``check``:
        # the module is callable as the function, see feedpub/check.py)
        return check
    raise AttributeError(f"module 'feedpub' has no attribute {name!r}")
