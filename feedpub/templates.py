"""Template syntax in Jekyll and Hugo bodies: what feedpub can show, and what it leaves out.

feedpub renders Markdown, not Liquid or Hugo templates. Before rendering, for those dialects:
``{% raw %}…{% endraw %}`` (Jekyll) and ``{{</* … */>}}`` (Hugo) become the literal text they
protect; ``{% highlight x %}`` and ``{{< highlight x >}}`` blocks become fenced code blocks;
``{{< figure >}}`` becomes an HTML figure; ``{{ site.url }}``, ``{{ site.baseurl }}`` and the
``relative_url``/``absolute_url`` filters become the site's address; comments go. Anything else
is left out of the feeds (never shown raw to readers) and reported by ``feedpub check`` as
FP220 with its line. Text between an unknown pair (``{{% note %}}…{{% /note %}}``) is kept.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from .config import Site

_LIQUID = re.compile(
    r"""
      \{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}
    | \{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}
    | \{%-?\s*highlight\s+(?P<lang>[\w+\#.-]+)[^%]*?-?%\}\n?(?P<code>.*?)
      \{%-?\s*endhighlight\s*-?%\}
    | \{\{-?\s*(?P<expr>.*?)\s*-?\}\}
    | \{%-?\s*(?P<tag>.*?)\s*-?%\}
    """,
    re.DOTALL | re.VERBOSE,
)
_HUGO = re.compile(
    r"""
      \{\{(?P<eopen>[<%])/\*(?P<escaped>.*?)\*/(?P<eclose>[>%])\}\}
    | \{\{[<%]-?\s*highlight\s+(?P<lang>[\w+\#.-]+)[^>%]*?-?[>%]\}\}\n?(?P<code>.*?)
      \{\{[<%]-?\s*/highlight\s*-?[>%]\}\}
    | \{\{[<%]-?\s*figure\s+(?P<args>.*?)-?[>%]\}\}
    | \{\{[<%]-?\s*(?P<name>/?[\w./-]*)(?P<rest>.*?)-?[>%]\}\}
    """,
    re.DOTALL | re.VERBOSE,
)
_URL_FILTER = re.compile(
    r"""^(["'])(?P<path>[^"']*)\1\s*\|\s*(?P<filter>relative_url|absolute_url)$"""
)
_ARGUMENT = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`|(\S+))""")


def has_templates(body: str) -> bool:
    """Whether ``body`` may hold template syntax at all (a cheap test)."""
    return "{%" in body or "{{" in body


def convert(body: str, site: Site) -> tuple[str, list[tuple[int, str]]]:
    """``body`` with its template syntax handled (see the module's description), and what was
    left out: each as (0-based line in ``body``, the text left out)."""
    if site.dialect == "feedpub" or not has_templates(body):
        return body, []
    dropped: list[tuple[int, str]] = []
    pattern, handle = (_LIQUID, _liquid) if site.dialect == "jekyll" else (_HUGO, _hugo)

    def replace(match: re.Match[str]) -> str:
        result = handle(match, site)
        if result is None:
            dropped.append((body.count("\n", 0, match.start()), " ".join(match.group().split())))
            return ""
        if result.startswith("\n") and match.start() and body[match.start() - 1] != "\n":
            return "\n" + result
        return result.lstrip("\n") if result.startswith("\n") else result

    return pattern.sub(replace, body), dropped


def _fence(language: str, code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"\n{fence}{language}\n{code.rstrip(chr(10))}\n{fence}\n"


def _liquid(match: re.Match[str], site: Site) -> str | None:
    if match.group("raw") is not None:
        return match.group("raw")
    if match.group("code") is not None:
        return _fence(match.group("lang"), match.group("code"))
    expression = match.group("expr")
    if expression is None:
        return "" if match.group("tag") is None else None  # a comment block goes silently
    parts = urlsplit(site.base_url)
    base_path = parts.path.rstrip("/")
    if expression == "site.url":
        return f"{parts.scheme}://{parts.netloc}"
    if expression == "site.baseurl":
        return base_path
    url = _URL_FILTER.match(expression)
    if url:
        path = url.group("path")
        if url.group("filter") == "relative_url":
            return base_path + "/" + path.lstrip("/")
        return urljoin(site.base_url, path.lstrip("/"))
    return None


def _hugo(match: re.Match[str], site: Site) -> str | None:
    if match.group("escaped") is not None:
        return "{{" + match.group("eopen") + match.group("escaped") + match.group("eclose") + "}}"
    if match.group("code") is not None:
        return _fence(match.group("lang"), match.group("code"))
    if match.group("args") is not None:
        return _figure(match.group("args"))
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
    caption = " ".join(v for v in (values.get("title"), values.get("caption")) if v)
    if caption:
        image += f"<figcaption>{attribute(caption)}</figcaption>"
    return f"\n\n<figure>{image}</figure>\n\n"
