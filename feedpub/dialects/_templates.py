"""Hugo shortcodes in bodies: what feedpub can show, and what it leaves out (Jekyll's Liquid
is rendered by :mod:`._liquid`).

Before Markdown is rendered, as Hugo 0.111's built-in shortcodes make them:
``{{</* … */>}}`` becomes the literal shortcode it protects; ``{{< highlight x >}}`` blocks
become fenced code blocks; ``{{< figure >}}`` an HTML figure; ``{{< ref >}}`` and
``{{< relref >}}`` the referenced entry's feedpub link; ``youtube``, ``vimeo``, ``tweet``,
``x``, ``gist`` and ``instagram`` a link to what they embed (feed readers drop iframes and
scripts). ``{{% %}}`` and ``{{< >}}`` make the same here: what these shortcodes give is read as
Markdown either way. Anything else is left out of the feeds (never shown raw to readers) and
reported by ``build`` and ``check`` as FP220 with its line. Text between an unknown pair
(``{{% note %}}…{{% /note %}}``) is kept.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from ..model import Site


#: Where a shortcode starts: {{< and {{%.
_HUGO_OPEN = re.compile(r"\{\{[<%]")
#: Where one ends (Hugo allows '-' to trim the whitespace around it).
_HUGO_END = re.compile(r"-?[>%]\}\}")
_HUGO_ESCAPED_END = re.compile(r"\*/[>%]\}\}")
_HUGO_HIGHLIGHT_END = re.compile(r"\{\{[<%]-?\s*/highlight\s*-?[>%]\}\}")
_HUGO_TAG = re.compile(r"-?\s*(/?[\w./-]*)(.*?)-?$", re.DOTALL)
_LANGUAGE = re.compile(r"\s+([\w+#.-]+)")
#: Escapes that show template syntax as text inside a highlighted block.
_HUGO_ESCAPE = re.compile(r"\{\{([<%])/\*")
_ARGUMENT = re.compile(r"""(?:(\w+)\s*=\s*)?(?:"([^"]*)"|'([^']*)'|`([^`]*)`|([^\s"'`]+))""")
#: Links the shortcodes that embed a page of another site stand for (positional or named
#: arguments, as Hugo 0.111's own templates read them).
_EMBEDS = {
    "youtube": (("id",), "https://www.youtube.com/watch?v={id}"),
    "vimeo": (("id",), "https://vimeo.com/{id}"),
    "tweet": (("user", "id"), "https://twitter.com/{user}/status/{id}"),
    "x": (("user", "id"), "https://x.com/{user}/status/{id}"),
    "gist": (("user", "id"), "https://gist.github.com/{user}/{id}"),
    "instagram": (("id",), "https://www.instagram.com/p/{id}/"),
}


def has_templates(body: str) -> bool:
    """Whether ``body`` may hold template syntax at all (a cheap test)."""
    return "{%" in body or "{{" in body


def convert(
    body: str, site: Site, path: Path | None = None, links: Mapping[str, str] | None = None
) -> tuple[str, list[tuple[int, str]]]:
    """``body`` (of the entry file ``path``) with its shortcodes handled (see the module's
    description), and what was left out: each as (0-based line in ``body``, the text left
    out). ``links``: each entry's link by its file name in the content folder, for ``ref``
    (``None`` while scanning: then only that the file exists is checked).

    One pass from left to right: each token's end is looked for once, and where an end is
    missing it is remembered, so a body of a thousand unclosed ``{{<`` costs one scan, not a
    thousand."""
    if not has_templates(body):
        return body, []
    scan = _Scanner(body)
    page = _Page(site, path, links)
    parts: list[str] = []
    dropped: list[tuple[int, str]] = []
    done = line_at = line = 0
    position = 0
    while (found := _HUGO_OPEN.search(body, position)) is not None:
        start = found.start()
        handled = _hugo_token(scan, start, page)
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


def _hugo_token(scan: _Scanner, start: int, page: _Page) -> _Token | None:
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
    if name in ("ref", "relref"):
        return close.end(), page.ref(arguments)
    if name in _EMBEDS:
        return close.end(), _embed(name, arguments)
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


def _arguments(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named arguments."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for m in _ARGUMENT.finditer(text):
        value = next(g for g in m.groups()[1:] if g is not None)
        if m.group(1):
            named[m.group(1)] = value
        else:
            positional.append(value)
    return positional, named


def _embed(name: str, arguments: str) -> str | None:
    """A link to what ``youtube``, ``tweet``… embed, named by its ``title`` if given."""
    keys, pattern = _EMBEDS[name]
    positional, named = _arguments(arguments)
    values = dict(zip(keys, positional, strict=False)) | named
    if name == "gist" and len(positional) == 1:  # {{< gist id >}} in Hugo's older form
        return None
    if not all(values.get(key) for key in keys):
        return None
    url = pattern.format(**{key: quote(values[key], safe="") for key in keys})
    title = values.get("title")
    if not title:
        return f"<{url}>"  # (a Markdown autolink: inside <a>, GFM would link the text again)
    return "[" + re.sub(r"([\\`*_\[\]<>])", r"\\\1", title) + f"](<{url}>)"


class _Page:
    """The entry whose body is converted, and where its ``ref`` targets are."""

    def __init__(self, site: Site, path: Path | None, links: Mapping[str, str] | None) -> None:
        self.site, self.path, self.links = site, path, links

    def ref(self, arguments: str) -> str | None:
        """``{{< ref "other.md#part" >}}``: the other entry's link (Hugo's ``ref`` is
        absolute, ``relref`` relative to the site: the same to a reader)."""
        positional, named = _arguments(arguments)
        target = named.get("path") or (positional[0] if positional else "")
        target, hash_, anchor = target.partition("#")
        fragment = hash_ + anchor
        if not target:
            return fragment or None
        root = self.site.entries
        folder = top = ""
        if self.path is not None:
            rel = self.path.relative_to(root).as_posix() if self.path.is_relative_to(root) else ""
            folder = posixpath.dirname(rel)
            top = _language_top(self.path, self.site, rel)
        candidates = [top + target.lstrip("/")]
        if not target.startswith("/"):
            candidates.insert(0, posixpath.normpath(posixpath.join(folder, target)))
        code = _language(self.path, self.site)
        if code:  # Hugo finds the page in the page's own language first: a.md is a.es.md
            candidates = [n for c in candidates for n in (_translated(c, code), c)]
        if self.links is None:  # while scanning: the file must exist
            return fragment if any(_page_file(root, c) for c in candidates) else None
        index = _ref_index(self.links)
        for candidate in candidates:
            for key in (candidate, candidate.rsplit(".", 1)[0] if "." in candidate else None):
                if key is not None and key in index:
                    return index[key] + fragment
        name = posixpath.basename(target).rsplit(".", 1)[0]
        by_name = (code and index.get(f"\0{name}.{code}")) or index.get("\0" + name)
        if by_name:
            return by_name + fragment
        found = next((c for c in candidates if _page_file(root, c)), None)
        if found is None:
            return None
        # A page that is no entry (about.md): its link as Hugo makes it by default.
        stem = found.rsplit(".", 1)[0] if found.endswith((".md", ".markdown")) else found
        stem = stem.removesuffix("/_index").removesuffix("/index").removesuffix("_index")
        return self.site.base_url + (stem.strip("/") + "/" if stem.strip("/") else "") + fragment


def _language(path: Path | None, site: Site) -> str | None:
    """The language of the page ``path`` whose feeds are written besides the first's."""
    if path is None or not site.languages:
        return None
    from ._hugo import hugo_language  # (it imports this module)

    return hugo_language(path, site)


def _language_top(path: Path, site: Site, rel: str) -> str:
    """The folder of the entries folder whose pages a ``ref`` from the root names: the
    language's folder holding ``path`` (``language_entries``: ``es/``), else none."""
    from ._hugo import content_name

    return rel[: len(rel) - len(content_name(path, site))] if site.language_entries else ""


def _translated(name: str, code: str) -> str:
    """``name`` (``blog/a.md``, ``blog/a``) in the language ``code`` (``blog/a.es.md``)."""
    head, _, last = name.rpartition("/")
    stem, dot, extension = last.rpartition(".") if "." in last else (last, "", "")
    return f"{head}/{stem}.{code}{dot}{extension}".lstrip("/")


def _page_file(root: Path, name: str) -> bool:
    if ".." in name.split("/"):
        return False
    base = root / name
    return base.is_file() or any(
        (root / (name + ext)).is_file() for ext in (".md", ".markdown", "/index.md", "/_index.md")
    )


_index_cache: dict[int, tuple[Mapping[str, str], dict[str, str]]] = {}


def _ref_index(links: Mapping[str, str]) -> dict[str, str]:
    """Each entry's link by the names ``ref`` may give it: its file name with and without
    its ending, a bundle's folder, and (after a NUL) its base name when no other has it."""
    cached = _index_cache.get(id(links))
    if cached is not None and cached[0] is links:
        return cached[1]
    index: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for rel, link in links.items():
        stem = rel.rsplit(".", 1)[0]
        index.setdefault(rel, link)
        index.setdefault(stem, link)
        bundle = re.sub(r"/index(\.[\w-]+)?$", r"\1", stem)  # (a translation's: trip.es)
        if bundle != stem:
            stem = bundle
            index.setdefault(stem, link)
        names.setdefault(posixpath.basename(stem), []).append(link)
    for name, found in names.items():
        if len(found) == 1:
            index["\0" + name] = found[0]
    _index_cache.clear()
    _index_cache[id(links)] = (links, index)
    return index


def _figure(arguments: str) -> str | None:
    """Hugo's ``figure`` shortcode as the HTML it makes (src, alt, title, caption, link)."""
    values = _arguments(arguments)[1]
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
