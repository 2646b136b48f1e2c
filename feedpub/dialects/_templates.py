"""Template syntax in Jekyll and Hugo bodies: what feedpub can show, and what it leaves out.

feedpub renders Markdown, not Liquid or Hugo templates. Before rendering, for those dialects:
``{% raw %}…{% endraw %}`` (Jekyll) and ``{{</* … */>}}`` (Hugo) become the literal text they
protect; ``{% highlight x %}`` and ``{{< highlight x >}}`` blocks become fenced code blocks;
``{{< figure >}}`` becomes an HTML figure; ``{{ site.url }}``, ``{{ site.baseurl }}`` and the
``relative_url``/``absolute_url`` filters become the site's address; comments go. Anything else
is left out of the feeds (never shown raw to readers) and reported by ``build`` and ``check`` as
FP220 with its line. Text between an unknown pair (``{{% note %}}…{{% /note %}}``) is kept.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from ..model import Site


#: Where a template token starts: Liquid's {{ and {%, Hugo's {{< and {{%.
_LIQUID_OPEN = re.compile(r"\{[{%]")
_HUGO_OPEN = re.compile(r"\{\{[<%]")
#: Where one ends (Liquid and Hugo allow '-' to trim the whitespace around it).
_LIQUID_TAG_END = re.compile(r"-?%\}")
_LIQUID_EXPR_END = re.compile(r"-?\}\}")
_HUGO_END = re.compile(r"-?[>%]\}\}")
_HUGO_ESCAPED_END = re.compile(r"\*/[>%]\}\}")
#: The tag that closes each Liquid block, and Hugo's highlight.
_LIQUID_BLOCK_END = {
    name: re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}")
    for name in ("raw", "comment", "highlight")
}
_HUGO_HIGHLIGHT_END = re.compile(r"\{\{[<%]-?\s*/highlight\s*-?[>%]\}\}")
_LIQUID_TAG = re.compile(r"-?\s*(\w*)(.*?)\s*-?$", re.DOTALL)
_HUGO_TAG = re.compile(r"-?\s*(/?[\w./-]*)(.*?)-?$", re.DOTALL)
_LANGUAGE = re.compile(r"\s+([\w+#.-]+)")
#: Escapes that show template syntax as text inside a highlighted block.
_LIQUID_RAW_TAG = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_HUGO_ESCAPE = re.compile(r"\{\{([<%])/\*")
_URL_FILTER = re.compile(
    r"""^(["'])(?P<path>[^"']*)\1\s*\|\s*(?P<filter>relative_url|absolute_url)$"""
)
_ARGUMENT = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`|(\S+))""")


def has_templates(body: str) -> bool:
    """Whether ``body`` may hold template syntax at all (a cheap test)."""
    return "{%" in body or "{{" in body


def convert(body: str, site: Site) -> tuple[str, list[tuple[int, str]]]:
    """``body`` with its template syntax handled (see the module's description), and what was
    left out: each as (0-based line in ``body``, the text left out).

    One pass from left to right: each token's end is looked for once, and where an end is
    missing it is remembered, so a body of a thousand unclosed ``{{`` costs one scan, not a
    thousand."""
    if site.dialect == "feedpub" or not has_templates(body):
        return body, []
    scan = _Scanner(body)
    opener, token = (
        (_LIQUID_OPEN, _liquid_token) if site.dialect == "jekyll" else (_HUGO_OPEN, _hugo_token)
    )
    parts: list[str] = []
    dropped: list[tuple[int, str]] = []
    done = line_at = line = 0
    position = 0
    while (found := opener.search(body, position)) is not None:
        start = found.start()
        handled = token(scan, start, site)
        if handled is None:  # no end: text, but another token may start inside it ({{%…%})
            position = start + 1
            continue
        end, result = handled
        parts.append(body[done:start])
        if result is None:
            line += body.count("\n", line_at, start)
            line_at = start
            dropped.append((line, " ".join(body[start:end].split())))
        elif result.startswith("\n") and start and body[start - 1] != "\n":
            parts.append("\n" + result)
        else:
            parts.append(result.lstrip("\n") if result.startswith("\n") else result)
        done = position = end
    parts.append(body[done:])
    return "".join(parts), dropped


class _Scanner:
    """Searches ``body`` for the end of a token, remembering from where an end is missing."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.missing: dict[re.Pattern[str], int] = {}

    def find(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        if start >= self.missing.get(pattern, len(self.body) + 1):
            return None
        found = pattern.search(self.body, start)
        if found is None:
            self.missing[pattern] = min(start, self.missing.get(pattern, start))
        return found


#: A token handled: where it ends, and its replacement (``None``: left out, reported).
_Token = tuple[int, str | None]


def _liquid_token(scan: _Scanner, start: int, site: Site) -> _Token | None:
    body = scan.body
    if body.startswith("{{", start):
        close = scan.find(_LIQUID_EXPR_END, start + 2)
        if close is None:
            return None
        expression = body[start + 2 : close.start()].removeprefix("-").strip()
        return close.end(), _liquid_expression(expression, site)
    close = scan.find(_LIQUID_TAG_END, start + 2)
    if close is None:
        return None
    tag = _LIQUID_TAG.match(body[start + 2 : close.start()])
    name, arguments = (tag.group(1), tag.group(2)) if tag else ("", "")
    block_end = _LIQUID_BLOCK_END.get(name)
    language = _LANGUAGE.match(arguments) if name == "highlight" else None
    if block_end is None or (name == "highlight" and language is None):
        return close.end(), None  # any other tag: left out
    end = scan.find(block_end, close.end())
    if end is None:
        return close.end(), None
    inner = body[close.end() : end.start()]
    if name == "raw":
        return end.end(), inner
    if name == "comment":
        return end.end(), ""
    assert language is not None
    code = _LIQUID_RAW_TAG.sub("", inner.removeprefix("\n"))  # {% raw %} shows code as text
    return end.end(), _fence(language.group(1), code)


def _hugo_token(scan: _Scanner, start: int, site: Site) -> _Token | None:
    body = scan.body
    if body.startswith("/*", start + 3):  # {{</* x */>}}: the shortcode as text
        close = scan.find(_HUGO_ESCAPED_END, start + 5)
        if close is None:
            return None
        text = body[start + 5 : close.start()]
        return close.end(), "{{" + body[start + 2] + text + close.group()[2] + "}}"
    close = scan.find(_HUGO_END, start + 3)
    if close is None:
        return None
    tag = _HUGO_TAG.match(body[start + 3 : close.start()])
    name, arguments = (tag.group(1), tag.group(2)) if tag else ("", "")
    if name == "figure":
        return close.end(), _figure(arguments)
    language = _LANGUAGE.match(arguments) if name == "highlight" else None
    if language is None:
        return close.end(), None  # any other shortcode: left out (text between a pair stays)
    end = scan.find(_HUGO_HIGHLIGHT_END, close.end())
    if end is None:
        return close.end(), None
    code = _shortcodes_as_text(body[close.end() : end.start()].removeprefix("\n"))
    return end.end(), _fence(language.group(1), code)


def _shortcodes_as_text(code: str) -> str:
    """``{{</* x */>}}`` in a highlighted block as Hugo shows it: ``{{< x >}}``."""
    scan = _Scanner(code)
    parts: list[str] = []
    done = position = 0
    while (found := _HUGO_ESCAPE.search(code, position)) is not None:
        close = scan.find(_HUGO_ESCAPED_END, found.end())
        if close is None:
            break
        parts += [
            code[done : found.start()],
            "{{" + found.group(1),
            code[found.end() : close.start()],
        ]
        parts.append(close.group()[2] + "}}")
        done = position = close.end()
    parts.append(code[done:])
    return "".join(parts)


def _fence(language: str, code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"\n{fence}{language}\n{code.rstrip(chr(10))}\n{fence}\n"


def _liquid_expression(expression: str, site: Site) -> str | None:
    """A Liquid ``{{ … }}`` feedpub can fill in (the site's address), else ``None``."""
    parts = urlsplit(site.base_url)
    base_path = parts.path.rstrip("/")
    if expression == "site.url":
        return f"{parts.scheme}://{parts.netloc}"
    if expression == "site.baseurl":
        return base_path
    url = _URL_FILTER.match(expression)
    if url:
        path: str = url.group("path")
        if url.group("filter") == "relative_url":
            return base_path + "/" + path.lstrip("/")
        return urljoin(site.base_url, path.lstrip("/"))
    return None


def _figure(arguments: str) -> str | None:
    """Hugo's ``figure`` shortcode as the HTML it makes (src, alt, title, caption, link)."""
    values = {
        m.group(1): next(g for g in m.groups()[1:] if g is not None)
        for m in _ARGUMENT.finditer(arguments)
    }
    if not values.get("src"):
        return None
    attribute = html.escape
    image = f'<img src="{attribute(values["src"])}" alt="{attribute(values.get("alt", ""))}">'
    if values.get("link"):
        image = f'<a href="{attribute(values["link"])}">{image}</a>'
    # As Hugo's own figure template: the title a heading, the caption a paragraph.
    caption = "".join(
        f"<{tag}>{attribute(values[key])}</{tag}>"
        for key, tag in (("title", "h4"), ("caption", "p"))
        if values.get(key)
    )
    if caption:
        image += f"<figcaption>{caption}</figcaption>"
    return f"\n\n<figure>{image}</figure>\n\n"
