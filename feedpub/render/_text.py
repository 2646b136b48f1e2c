"""Plain text from HTML: titles, derived summaries and their length."""

from __future__ import annotations

import html
import re

import nh3

from ..fields import XML_ILLEGAL
from ._cmark import markdown_to_html

MORE_SEPARATOR = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)

# Characters that may make a title Markdown or HTML; titles without them are used as they are.
TITLE_MARKUP = re.compile(r"[*_`\[\]<>&\\~!]")
_TITLE_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")
_TITLE_BLOCK_START = re.compile(r"^(?:>|#{1,6}(?:\s|$)|[-+*](?:\s|$))")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text


def title_text(title: str) -> str:
    """A title as plain text: ``*emphasis*``, `` `code` ``, links and HTML tags are reduced to
    their text and entities decoded once. Underscores and leading ``#``, ``-``, ``1.`` are kept
    as written (a title is never a heading or a list)."""
    if not TITLE_MARKUP.search(title) and not title[:1].isdigit():
        return title
    source = title.replace("_", "\\_")
    number = _TITLE_LIST_NUMBER.match(source)
    if number:
        source = f"{number.group(1)}\\{number.group(2)}{source[number.end() :]}"
    elif _TITLE_BLOCK_START.match(source):
        source = "\\" + source
    text = plain_text(markdown_to_html(source))
    return text or title


#: Where an image was, in the text of a fragment: U+FFFE, which no entry's text holds (it is
#: removed when the file is read, and &#xFFFE; decodes to nothing).
_DROPPED = "\ufffe"
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
#: The space before images that punctuation follows: "the chart and ![](c.png)." reads
#: "the chart and.", not "the chart and ." (an image between words leaves one space).
_SPACE_BEFORE_DROPPED = re.compile(
    r"\s*(?:\ufffe\s*)*\ufffe(?=[.,;:!?\u2026)\]}\u00bb\u201d\u2019])"  # …, », closing quotes
)


#: nh3 keeping no tag: built once (``nh3.clean(fragment, tags=set())`` builds one each time,
#: which took two thirds of its time on a paragraph).
_NO_TAGS = nh3.Cleaner(tags=set())


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded once, whitespace collapsed."""
    if _IMAGE.search(fragment) is None:
        return " ".join(html.unescape(_NO_TAGS.clean(fragment)).split())
    text = html.unescape(_NO_TAGS.clean(_IMAGE.sub(_DROPPED, fragment)))
    text = _SPACE_BEFORE_DROPPED.sub("", text).replace(_DROPPED, "")
    return " ".join(text.split())


def derive_summary(
    markdown: str, content_html: str | None, length: int, separator: str | None = None
) -> str:
    """The text before ``separator`` (default ``<!--more-->``), else the first paragraph with
    text in it, as plain text of at most ``length`` characters, cut at a word boundary."""
    if separator is not None:
        cut = markdown.find(separator)
        match = None
        if cut > 0:
            return shorten(plain_text(markdown_to_html(markdown[:cut])), length)
    else:
        match = MORE_SEPARATOR.search(markdown)
    if match:
        text = plain_text(markdown_to_html(markdown[: match.start()]))
    else:
        rendered = content_html if content_html is not None else markdown_to_html(markdown)
        text = _first_paragraph_text(rendered)
    return shorten(text, length)


def _first_paragraph_text(rendered: str) -> str:
    """The plain text of the first paragraph that has any (a paragraph of nothing but an image,
    as a post often opens with, has none), else of the whole of ``rendered``."""
    for paragraph in _FIRST_PARAGRAPH.finditer(rendered):
        text = plain_text(paragraph.group(1))
        if text:
            return text
    return plain_text(rendered)


#: File endings of content written in HTML, not Markdown (Hugo reads them so).
HTML_SUFFIXES = (".html", ".htm")
#: Where Hugo ends a sentence, for its summaries (``isEndOfSentence``).
_SENTENCE_END = re.compile(r'[.?!"\n]')
_TAG = re.compile(r"<[^>]*>")


def hugo_summary(body: str, as_html: bool, words: int) -> str:
    """Hugo 0.111's ``.Summary``, as plain text: the text before ``<!--more-->``; else the
    plain text of the page (paragraphs and ``<br>`` as line ends, tags dropped) cut after
    ``words`` words at the end of that sentence (``TruncateWordsToWholeSentence``: a word
    ends at each white space; a sentence at ``.``, ``?``, ``!``, ``"`` or a line end)."""
    render = (lambda text: text) if as_html else markdown_to_html
    more = MORE_SEPARATOR.search(body)
    if more is not None:
        return plain_text(render(body[: more.start()]))
    text = render(body).replace("\n", " ")
    for tag in ("</p>", "<br>", "<br />"):
        text = text.replace(tag, "\n")
    # Tags dropped, entities kept, as Hugo's StripHTML: a '"' in the text is '&quot;' there,
    # no sentence end (and Hugo's typographer makes the others curly quotes).
    text = _TAG.sub("", text)
    spaces = [i for i, ch in enumerate(text) if ch.isspace()][:words]
    if spaces:
        end = _SENTENCE_END.search(text, spaces[-1])
        if end is not None:
            text = text[: end.end()]
    return " ".join(html.unescape(text).split())


def shorten(text: str, length: int) -> str:
    """``text`` cut to at most ``length`` characters at a word boundary, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text[: max(length - 1, 1)]
    if text[len(cut)] != " " and " " in cut:  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"
