"""The *serialise* stage: one module per format (:mod:`.rss`, :mod:`.atom`,
:mod:`.jsonfeed`), each with its writer and the spec checks ``feedpub check`` applies to what
it writes; :mod:`.discovery` makes index.html, feeds.opml and the ``<link>`` tags. The only
package that imports feedgen (see docs/architecture.md, "feedgen: behaviour feeds/ works
around")."""

from ._common import Feed, ItemMemo
from ._lint import finding, from_problem, item_findings, summary_findings
from ._splice import Previous, Written, item_key, key_hashes, recorded_feed
from .atom import lint_atom, write_atom
from .jsonfeed import lint_json, write_json
from .rss import lint_rss, write_rss

__all__ = [
    "Feed",
    "ItemMemo",
    "Previous",
    "Written",
    "finding",
    "from_problem",
    "item_findings",
    "item_key",
    "key_hashes",
    "lint_atom",
    "lint_json",
    "lint_rss",
    "recorded_feed",
    "summary_findings",
    "write_atom",
    "write_json",
    "write_rss",
]
