"""Markdown → safe HTML with absolute URLs, and plain-text summaries (the *render* stage).

:func:`render` makes what the feeds need of one entry; cmark (:mod:`._cmark`, which also
handles cmark's memory), nh3 (:mod:`._html`) and the text helpers (:mod:`._text`) do the work.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import dialects
from ..files import read_body
from ..model import Entry, Media, Rendered
from ._cmark import markdown_to_html
from ._html import safe_html, srcset_candidates
from ._text import (
    HTML_SUFFIXES,
    MORE_SEPARATOR,
    TITLE_MARKUP,
    derive_summary,
    hugo_summary,
    plain_text,
    title_text,
    xml_text,
)

if TYPE_CHECKING:
    from ..model import Site


def render(entry: Entry, site: Site, links: Mapping[str, str] | None = None) -> Rendered:
    """Render what the feeds need of ``entry``; Markdown is rendered only when needed.
    ``links``: every entry's link by its file name in the entries folder, for the template
    tags that link to another entry (Jekyll's ``post_url``, Hugo's ``ref``)."""
    content = None
    body = read_body(entry, site) if site.full_content or entry.summary is None else ""
    body = dialects.of(site).convert(body, entry, site, links)[0]
    as_html = entry.path.suffix.lower() in HTML_SUFFIXES  # an HTML content file (Hugo's)
    if site.full_content:
        without_more = MORE_SEPARATOR.sub("", body)
        rendered = without_more if as_html else markdown_to_html(without_more)
        content = safe_html(rendered, entry.link, trusted=not site.sanitize)
    summary = entry.summary
    if summary is None and site.summary_words is not None:
        summary = hugo_summary(body, as_html, site.summary_words)
    elif summary is None:
        separator = entry.excerpt_separator or site.excerpt_separator
        summary = derive_summary(body, content, site.summary_length, separator)
    else:
        summary = plain_text(summary) if TITLE_MARKUP.search(summary) else summary
    if content is not None and entry.image is not None:
        content = image_on_top(entry.image, content)  # after the summary: it is no paragraph
    # Numeric references such as &#7; render to characters XML cannot carry: drop them. The
    # file's text holds none itself (see files.py), so without a "&#" there is nothing to do.
    if content is not None and "&#" in body:
        content = xml_text(content)
    return Rendered(
        entry=entry,
        title=xml_text(title_text(entry.title)),
        summary=xml_text(summary),
        content_html=content,
    )


def image_on_top(image: Media, content: str) -> str:
    """``content`` with the featured image in a paragraph at its top, so that readers without
    Media RSS show it too; unchanged when the content already shows that image."""
    source = html.escape(image.url)
    if f'src="{source}"' in content:
        return content
    size = "".join(
        f' {name}="{value}"'
        for name, value in (("width", image.width), ("height", image.height))
        if value
    )
    tag = f'<p><img src="{source}" alt="{html.escape(image.title or "")}"{size}></p>\n'
    return safe_html(tag, image.url) + content


__all__ = ["derive_summary", "markdown_to_html", "render", "srcset_candidates"]
