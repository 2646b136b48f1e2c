"""Jekyll's ``smartify`` filter, which jekyll-feed applies to every title: kramdown's
SmartyPants parser (``jekyll/converters/smartypants.rb``; kramdown 2.4
``parser/kramdown/smart_quotes.rb``, ``typographic_symbol.rb``, ``html_entity.rb``,
``html.rb``), which turns straight quotes into curly ones, ``--``/``---`` into dashes, ``...``
into an ellipsis and ``<<``/``>>`` into guillemets, and leaves HTML tags and entities alone.

The result is the title as written with those characters replaced: entities and span tags stay
as they were (the feeds decode and strip them, as jekyll-feed's ``strip_html`` does), and what
kramdown shows as text (a block tag, a closing tag without its opening one) is escaped.
"""

from __future__ import annotations

import html
import re

# kramdown's SQ_PUNCT and SQ_CLOSE, and its SQ_RULES in order: (pattern, substitutions), a
# substitution being a group to copy or a quote to write. Ruby's \w, \s, \d and \b are ASCII
# and its '$' ends a line: hence re.ASCII and re.MULTILINE.
_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
_CLOSE = r"[^ \\\t\r\n\[{(-]"
_FLAGS = re.ASCII | re.MULTILINE
_RULES: tuple[tuple[re.Pattern[str], tuple[int | str, ...]], ...] = tuple(
    (re.compile(pattern, _FLAGS | extra), substitutions)
    for pattern, substitutions, extra in (
        (r"""("|')(?=[_*]{1,2}\S)""", ("lquote1",), 0),
        (rf"""("|')(?={_PUNCT}(?!\.\.)\B)""", ("rquote1",), 0),
        (r"""(\s?)"'(?=\w)""", (1, "ldquo", "lsquo"), 0),
        (r"""(\s?)'"(?=\w)""", (1, "lsquo", "ldquo"), 0),
        (r"""(\s?)'(?=\d\ds)""", (1, "rsquo"), 0),
        (r"""(\s)('|")(?=\w)""", (1, "lquote2"), 0),
        (rf"""({_CLOSE})('|")""", (1, "rquote2"), 0),
        (r"""("|')(?=\s|s\b|$)""", ("rquote1",), 0),
        (r"""(.?)'""", (1, "lsquo"), re.DOTALL),
        (r"""(.?)\"""", (1, "ldquo"), re.DOTALL),
    )
)
_QUOTES = {"lsquo": "\u2018", "rsquo": "\u2019", "ldquo": "\u201c", "rdquo": "\u201d"}
#: kramdown's TYPOGRAPHIC_SYMS, in the order it tries them.
_SYMBOLS = {
    "---": "\u2014",
    "--": "\u2013",
    "...": "\u2026",
    "\\<<": "&lt;&lt;",
    "\\>>": "&gt;&gt;",
    "<< ": "\u00ab\u00a0",
    " >>": "\u00a0\u00bb",
    "<<": "\u00ab",
    ">>": "\u00bb",
}
_SYMBOL = re.compile("|".join(re.escape(s) for s in _SYMBOLS))
_ENTITY = re.compile(r"&([\w:][\-\w.:]*);|&#(\d+);|&\#x([0-9a-fA-F]+);", re.ASCII)
_NAME = r"(?:(?:[A-Za-z_][-\w.]*:)?[A-Za-z_][-\w.]*)"  # REXML's UNAME_STR
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_TAG = re.compile(
    rf"<({_NAME})\s*((?:\s+{_NAME}(?:\s*=\s*(?:\w+|(\"|').*?\3))?)*)\s*(/)?>", re.DOTALL
)
_REFERENCE_OR_SPECIAL = re.compile(r"&(?:[A-Za-z_:][-\w.:]*|#\d+|#x[0-9a-fA-F]+);|[<>&]")
_CLOSING = re.compile(rf"</({_NAME})\s*>", re.DOTALL)
#: Where kramdown's span parsers start: a quote (with the character before it), an entity,
#: a typographic symbol, an HTML tag.
_ANY_TAG = re.compile(rf"(<!--.*?-->|</{_NAME}\s*>|<{_NAME}\b[^<>]*>)", re.DOTALL)
_START = re.compile(
    rf"""(?=[^\\]?["']|&|--|\.\.\.|(?:\\| )?(?:<<|>>)|<(?:{_NAME}|!--|/))""", re.ASCII
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLOCK_TAGS = _words(
    "address article aside applet body blockquote caption col colgroup dd div dl dt "
    "fieldset figcaption footer form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe "
    "legend menu li main map nav ol optgroup p pre section summary table tbody td th "
    "thead tfoot tr ul"
)
#: Elements whose content kramdown parses as text with spans (the others' is left raw).
_SPAN_CONTENT = _words(
    "a abbr acronym b bdo big button cite caption del dfn dt em h1 h2 h3 h4 h5 h6 i ins "
    "label legend optgroup p q rb rbc rp rt rtc ruby select small span strong sub sup th "
    "tt"
)
_NO_BODY = _words(
    "area base br col command embed hr img input keygen link meta param source track wbr"
)


def smartify(text: str) -> str:
    """``text`` as Jekyll's ``smartify`` filter makes it (see the module's docstring)."""
    if not _ANY.search(text):
        return text
    source = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"
    out: list[str] = []
    open_tags: list[str] = []  # the span elements the text is in, innermost last
    position = 0
    while position < len(source):
        found = _START.search(source, position)
        if found is None:
            out.append(_escape(source[position:]))
            break
        out.append(_escape(source[position : found.start()]))
        position = _span(source, found.start(), out, open_tags)
    return "".join(out).rstrip("\n")


def _escape(text: str) -> str:
    """Text as kramdown writes it in HTML."""
    return html.escape(text, quote=False)


def _keep_references(text: str) -> str:
    """Text as kramdown writes raw text in HTML: tags (see :data:`_ANY_TAG`) as they are,
    '<', '>' and '&' escaped but for the '&' of a character reference (REXML's)."""
    if _ANY_TAG.fullmatch(text):
        return text
    return _REFERENCE_OR_SPECIAL.sub(
        lambda m: m.group() if len(m.group()) > 1 else _escape(m.group()), text
    )


def jekyll_feed_title(text: str) -> str:
    """The title jekyll-feed writes, as plain text: ``title | smartify | strip_html |
    normalize_whitespace``, its HTML read (entities decoded)."""
    if not _ANY.search(text):
        return _normalize(text)
    stripped = smartify(text)
    for pattern in _STRIP:  # Liquid's strip_html, step by step
        stripped = pattern.sub("", stripped)
    return html.unescape(_normalize(stripped))


_STRIP = tuple(
    re.compile(p, re.DOTALL)
    for p in (r"<script.*?</script>", r"<!--.*?-->", r"<style.*?</style>", r"<.*?>")
)
_RUBY_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def _normalize(text: str) -> str:
    """Liquid's ``normalize_whitespace``: runs of (ASCII) spaces made one, ends trimmed."""
    return _RUBY_SPACE.sub(" ", text).strip(" \t\r\n\f\v")


_ANY = re.compile(r"""["'&<>]|--|\.\.\.""")
_QUOTE_START = re.compile(r"""[^\\]?["']""")


def _span(source: str, at: int, out: list[str], open_tags: list[str]) -> int:
    """Parse the span starting at ``at`` as kramdown's parsers do, in their order; returns
    where the next one may start."""
    if _QUOTE_START.match(source, at):
        return _quote(source, at, out)
    if entity := _ENTITY.match(source, at):
        out.append(entity.group())
        return entity.end()
    if symbol := _SYMBOL.match(source, at):
        out.append(_SYMBOLS[symbol.group()])
        return symbol.end()
    if source.startswith("<", at) and (end := _html(source, at, out, open_tags)) is not None:
        return end
    out.append(_escape(source[at]))
    return at + 1


def _quote(source: str, at: int, out: list[str]) -> int:
    """kramdown's ``parse_smart_quotes``: the first rule matching at ``at``."""
    for rule, substitutions in _RULES:
        match = rule.match(source, at)
        if match is None:
            continue
        for item in substitutions:
            if isinstance(item, int):
                out.append(_escape(match.group(item)))
            elif item.startswith(("lquote", "rquote")):  # by the quote in that group
                double = match.group(int(item[-1])) == '"'
                out.append(_QUOTES[item[0] + ("dquo" if double else "squo")])
            else:
                out.append(_QUOTES[item])
        return match.end()
    raise AssertionError("the last rules match any quote")  # pragma: no cover


def _html(source: str, at: int, out: list[str], open_tags: list[str]) -> int | None:
    """kramdown's ``parse_span_html``: a comment or a span element kept as written (its
    content smartified unless kramdown keeps it raw); a block tag or a closing tag of no open
    element shown as text. ``None`` when no tag starts at ``at``."""
    if comment := _COMMENT.match(source, at):
        out.append(comment.group())
        return comment.end()
    if closing := _CLOSING.match(source, at):
        name = closing.group(1).lower() if closing.group(1).lower() in _KNOWN else closing.group(1)
        if open_tags and open_tags[-1] == name:
            open_tags.pop()
            out.append(closing.group())
        else:
            out.append(_escape(closing.group()))
        return closing.end()
    tag = _TAG.match(source, at)
    if tag is None:
        return None
    name = tag.group(1).lower() if tag.group(1).lower() in _KNOWN else tag.group(1)
    if name in _BLOCK_TAGS:
        out.append(_escape(tag.group()))
        return tag.end()
    out.append(tag.group())
    if tag.group(4) or name in _NO_BODY:
        return tag.end()
    if name in _SPAN_CONTENT:
        open_tags.append(name)
        return tag.end()
    # Raw content: kept as written, to the end tag (or, with none, to the end).
    end = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE if name in _KNOWN else 0)
    stop = end.search(source, tag.end())
    finish = len(source) if stop is None else stop.end()
    raw = source[tag.end() : finish]
    out.append("".join(_keep_references(part) for part in _ANY_TAG.split(raw)))
    return finish


_KNOWN = (
    _BLOCK_TAGS
    | _SPAN_CONTENT
    | _NO_BODY
    | frozenset(
        "abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
        "option q rb rbc rp rt rtc ruby samp select small span strong sub sup tt u var script "
        "style math textarea"
    )
)
