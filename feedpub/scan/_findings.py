"""What an entry's body holds that its writer should hear of: the text ``feedpub new`` put
there (FP213), template syntax left out of the feeds (FP220) and links to Markdown files
(FP206). Found while the file is read, so that ``build`` (full, delta, or replayed from the
cache) and ``check`` report the same warnings from this one function."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from .. import dialects
from ..errors import BuildWarning
from ..model import PLACEHOLDER

if TYPE_CHECKING:
    from ..model import Entry, Site


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# In HTML rendered with source positions: a block's first line, or a link's target.
_POSITION_OR_LINK = re.compile(r'data-sourcepos="(\d+):|\bhref="([^"]*)"')
#: ".md" or ".markdown" somewhere in a body: one regex search is twice as fast as the two
#: substring tests (5 against 12 µs in a body of 10 KB, where every entry pays it).
_MARKDOWN_NAME = re.compile(r"\.m(?:d|arkdown)")


def body_warnings(entry: Entry, body: str, site: Site) -> list[BuildWarning]:
    """The warnings about ``entry``'s Markdown ``body`` (the file's text after the front
    matter, from the rest of the closing line on)."""
    found: list[BuildWarning] = []
    conventions = dialects.of(site)
    if conventions.has_templates(body):
        body, dropped = conventions.convert(body, entry, site)
        found += [
            BuildWarning(
                "FP220",
                f"template syntax feedpub cannot render is left out of the feeds: {text}",
                entry.path,
                entry.body_line + line,
            )
            for line, text in dropped
        ]
    found += _markdown_file_links(entry, body)
    if PLACEHOLDER in body and not entry.draft:
        line = next(i for i, text in enumerate(body.split("\n")) if PLACEHOLDER in text)
        found.append(
            BuildWarning(
                "FP213",
                "still has the text 'feedpub new' put there; write the entry, or mark it "
                "'draft: true' until it is ready",
                entry.path,
                entry.body_line + line,
            )
        )
    return found


def _markdown_file_links(entry: Entry, body: str) -> list[BuildWarning]:
    """Links to ``.md`` files: they work in a git forge's preview, never in a feed reader."""
    if _MARKDOWN_NAME.search(body) is None:  # neither ".md" nor ".markdown"
        return []
    from ..render import markdown_to_html

    found = []
    lines = body.split("\n")  # lines[0] is the rest of the closing '---' line
    block = 0
    # Rendered, so that code blocks are not links and reference links are resolved; each
    # block carries its first line, and the link's own line is the first from there that
    # names its target.
    for match in _POSITION_OR_LINK.finditer(markdown_to_html(body, sourcepos=True)):
        if match.group(1):
            block = int(match.group(1)) - 1
            continue
        target = html.unescape(match.group(2))
        path = target.split("#")[0].split("?")[0]
        if not _ABSOLUTE.match(target) and path.lower().endswith((".md", ".markdown")):
            name = path.rsplit("/", 1)[-1]
            index = next((i for i in range(block, len(lines)) if name in lines[i]), block)
            found.append(
                BuildWarning(
                    "FP206",
                    f"links to the Markdown file '{target}', which readers cannot open; "
                    "link to the entry's URL instead",
                    entry.path,
                    entry.body_line + index,
                )
            )
    return found
