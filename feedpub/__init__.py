"""feedpub: publish a folder of Markdown entries as RSS 2.0 and Atom 1.0 feeds.

Use it as a library::

    import feedpub

    site = feedpub.load_site()          # feedpub.toml or [tool.feedpub] in the current folder
    result = feedpub.build(site)        # writes public/feed.xml and public/atom.xml
"""

from importlib.metadata import version as _version

from .build import BuildResult as BuildResult
from .build import build as build
from .build import scan as scan
from .check import Finding as Finding
from .check import check as check
from .config import Site as Site
from .config import load_site as load_site
from .entry import Author as Author
from .entry import Entry as Entry
from .errors import BuildErrors as BuildErrors
from .errors import BuildWarning as BuildWarning
from .errors import FeedpubError as FeedpubError

__version__ = _version("feedpub")
