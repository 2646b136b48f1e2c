"""Liquid in Jekyll posts, rendered as Jekyll renders it before Markdown (with python-liquid,
loaded only for a post that holds ``{{`` or ``{%``).

What a post sees, as in Jekyll 4.3: ``site.*`` (the site's ``_config.yml``, read here, with
``site.url`` and ``site.baseurl`` from feedpub's ``base_url`` so links agree with the feeds),
``page.*`` (the post's front matter, and ``page.url``, ``page.date``, ``page.title``, …),
``include`` from ``_includes/`` with parameters (``include.name``), ``include_relative``,
``raw``, ``highlight`` (a fenced code block, for the Markdown renderer to colour), ``post_url``
and ``link`` (the post's feedpub link), and Jekyll's filters besides Liquid's own
(``relative_url``, ``absolute_url``, ``xml_escape``, ``date_to_string``, ``slugify``,
``markdownify``, ``where``, …). A tag, filter or variable it cannot render is left out (its
output is empty) and reported as FP220 with its line; so is a syntax error: the post builds.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, quote_plus, urljoin, urlsplit

from liquid import Environment, Mode, Undefined
from liquid.ast import BlockNode, Node
from liquid.builtin import CachingFileSystemLoader
from liquid.builtin.expressions import parse_primitive
from liquid.builtin.expressions._tokenize import tokenize
from liquid.exceptions import LiquidError
from liquid.filter import with_context
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_OUTPUT, TOKEN_TAG, Token

from ._smartify import smartify

if TYPE_CHECKING:
    from liquid import RenderContext

    from ..model import Site

#: What a post's Liquid was rendered with (set for one render at a time).
Links = Mapping[str, str]


class _Render:
    """The state of one post's rendering: its source, what was left out, the links."""

    def __init__(self, body: str, site: Site, links: Links | None, folder: Path) -> None:
        #: The post's text, less the tags cut out because they could not be parsed.
        self.body = body
        self.site, self.links, self.folder = site, links, folder
        self._at = (0, 0)  # the place and line of the last problem reported
        #: The included file being rendered, and the tag in the post that includes it.
        self.including: tuple[str, Token] | None = None
        #: The files included so far (or why one could not be), by name.
        self.included: dict[str, Any] = {}
        self.dropped: list[tuple[int, str]] = []

    def drop(self, token: Token | None, reason: str) -> None:
        if self.including is not None and (token is None or token.source is not self.body):
            name, token = self.including  # (in an included file: its include tag's place)
            reason = f"in {name}: {reason}"
        if token is not None and token.source is self.body and token.start_index >= 0:
            index = token.start_index
            text = _snippet(self.body, index)
            # (counted on from the last problem's place: a body of many costs one pass)
            at, line = self._at if index >= self._at[0] else (0, 0)
            line += self.body.count("\n", at, index)
            self._at = (index, line)
        else:  # (its place is not known)
            line, text = 0, ""
        self.dropped.append((line, f"{text} ({reason})" if text else reason))


_current: _Render | None = None


def _snippet(source: str, index: int) -> str:
    """The ``{{ … }}`` or ``{% … %}`` around ``index`` in ``source``, on one line."""
    near = max(0, index - 200)
    start = max(source.rfind("{{", near, index + 2), source.rfind("{%", near, index + 2), near)
    end = source.find("}", max(index, start))
    end = len(source) if end < 0 else end + 1
    if source.startswith("}", end):
        end += 1
    return " ".join(source[start:end].split())[:200]


#: The names Jekyll gives a post that feedpub does not compute: shown empty, reported.
_PAGE_COMPUTED = frozenset(
    {"content", "output", "next", "previous", "collection", "relative_path", "excerpt"}
)


class _Missing(Undefined):
    """An undefined variable: empty, as in Jekyll; reported when it is one Jekyll would have
    filled in (``site.posts``, ``site.data``, ``page.next``…), not a key the post lacks."""

    def __str__(self) -> str:
        if _current is None or self.token is None or self.token.start_index < 0:
            return ""
        path = _PATH.match(_snippet(self.token.source, self.token.start_index))
        parts = (path.group(1) if path else self.name).split(".")
        known = parts[0] == "page" and len(parts) > 1 and parts[1] not in _PAGE_COMPUTED
        if parts[0] in ("site", "page", "paginator") and not known:
            _current.drop(self.token, "a value feedpub does not know")
        return ""


_PATH = re.compile(r"\{[{%]-?\s*([\w.]+)")


class _Environment(Environment):
    """Liquid as Jekyll configures it (lax), each problem reported instead of raised."""

    keyword_assignment = True

    def error(
        self,
        exc: type[LiquidError] | LiquidError,
        msg: str | None = None,
        token: Token | None = None,
    ) -> None:
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        if self.mode == Mode.STRICT:  # (while parsing: :func:`_parse` cuts the tag out)
            raise exc
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        if _current is not None:
            _current.drop(exc.token or token, reason)


def render_liquid(
    body: str, page: dict[str, Any], site: Site, links: Links | None, folder: Path
) -> tuple[str, list[tuple[int, str]]]:
    """``body`` rendered as Jekyll renders a post's Liquid, and what was left out: each as
    (0-based line in ``body``, what and why). ``page`` is the post's ``page`` variable,
    ``folder`` the post's own (for ``include_relative``); ``links`` the link of each entry by
    its file name in the site (``None`` when not known yet: a scan only checks that the
    files ``post_url`` and ``link`` name exist)."""
    global _current
    env = _environment(str(site.entries.resolve()))
    _current = state = _Render(body, site, links, folder)
    try:
        _cut_unclosed_raw(state)
        template = _parse(env, state)
        if template is None:  # broken beyond repair: every template token left out
            return _strip(state.body), state.dropped
        env.mode = Mode.LAX  # (problems while rendering: reported, the rest rendered)
        text = template.render(site=_site_variable(site), page=page)
        return text, sorted(state.dropped, key=lambda found: found[0])
    except Exception as e:  # (a filter given what it cannot take: never a failed build)
        state.drop(getattr(e, "token", None), str(e.args[0]) if e.args else type(e).__name__)
        return _strip(state.body), state.dropped
    finally:
        _current = None


_RAW_OPEN = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_CLOSE = re.compile(r"\{%-?\s*endraw\s*-?%\}")


def _cut_unclosed_raw(state: _Render) -> None:
    """Cut out each ``{% raw %}`` no ``{% endraw %}`` follows (Liquid's lexer would look for
    one from each of them to the end: a body of many took minutes)."""
    after = 0
    for after_match in _RAW_CLOSE.finditer(state.body):
        after = after_match.end()
    body = state.body
    parts = [body[:after]]
    done = after
    for found in _RAW_OPEN.finditer(body, after):
        state.dropped.append((body.count("\n", 0, found.start()), f"{found.group()} (no endraw)"))
        parts.append(body[done : found.start()])
        done = found.end()
    if done != after:
        state.body = "".join([*parts, body[done:]])
        state._at = (0, 0)


#: How many syntax errors in one post are cut out before all its template tokens are.
_REPAIRS = 8


def _parse(env: _Environment, state: _Render) -> Any:
    """``state.body`` parsed, each tag Liquid cannot parse (an unknown tag, a syntax error)
    cut out and reported; ``None`` when that does not make it parse."""
    env.mode = Mode.STRICT
    for _ in range(_REPAIRS):
        source = state.body
        try:
            return env.from_string(source)
        except LiquidError as e:
            token = e.token
            if token is None or token.source is not source or token.start_index < 0:
                # (an error at the end of an expression, or of the post: which tag?)
                index = _culprit(env, source)
                token = None if index is None else Token("tag", "", index, source)
            if token is None:
                state.drop(None, str(e.args[0]) if e.args else type(e).__name__)
                return None
            state.drop(token, str(e.args[0]) if e.args else type(e).__name__)
            start, end = _token_span(source, token.start_index)
            # (its lines kept, so that the lines of later problems stay the file's)
            state.body = source[:start] + "\n" * source.count("\n", start, end) + source[end:]
            state._at = (0, 0)
    state.drop(None, "more syntax errors: every template tag of the post is left out")
    return None


def _culprit(env: _Environment, source: str) -> int | None:
    """Where the tag or output is that makes ``source`` fail to parse: the first that fails
    alone, else the innermost block never closed."""
    opened: list[tuple[str, int]] = []
    tokens = list(env.tokenizer()(source))
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        expression = following.value if following and following.kind == TOKEN_EXPRESSION else ""
        if token.kind == TOKEN_OUTPUT:
            alone = "{{ " + expression + " }}"
        elif token.kind == TOKEN_TAG:
            if opened and token.value == opened[-1][0]:
                opened.pop()
                continue
            tag = env.tags.get(token.value)
            end = getattr(tag, "end", "") if tag is not None and tag.block else ""
            alone = f"{{% {token.value} {expression} %}}" + (f"{{% {end} %}}" if end else "")
            if end:
                opened.append((end, token.start_index))
        else:
            continue
        try:
            env.from_string(alone)
        except LiquidError:
            return token.start_index
    return opened[-1][1] if opened else None


def _token_span(source: str, index: int) -> tuple[int, int]:
    """Where the ``{{ … }}`` or ``{% … %}`` around ``index`` starts and ends (its line's end
    when it is not closed)."""
    start = max(source.rfind("{{", 0, index + 2), source.rfind("{%", 0, index + 2))
    if start < 0:
        start = index
    closing = "}}" if source.startswith("{{", start) else "%}"
    end = source.find(closing, start + 2)
    line_end = source.find("\n", start)
    line_end = len(source) if line_end < 0 else line_end
    return start, line_end if end < 0 else end + 2


_TOKEN = re.compile(r"\{\{[^{}]*\}\}|\{%[^{}]*%\}|\{[{%]|[}%]\}")


def _strip(body: str) -> str:
    """``body`` without any template token (for a body Liquid cannot parse)."""
    return _TOKEN.sub("", body)


@lru_cache(maxsize=4)
def _environment(root: str) -> _Environment:
    env = _Environment(
        tolerance=Mode.LAX,
        loader=CachingFileSystemLoader(Path(root) / "_includes"),
        undefined=_Missing,
        strict_filters=True,
    )
    for tag in (_Include, _IncludeRelative, _Highlight, _PostUrl, _Link):
        env.add_tag(tag)
    env.tags = _Tags(env.tags)
    env.tags.unknown = _Unknown(env)
    for name, function in _FILTERS.items():
        env.add_filter(name, function)
    return env


# --------------------------------------------------------------------------- site


def _site_variable(site: Site) -> dict[str, Any]:
    """``site``: the ``_config.yml`` Jekyll reads, with feedpub's address (``url``,
    ``baseurl``) and its title and description where the file has none."""
    parts = urlsplit(site.base_url)
    path = site.entries / "_config.yml"
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        changed = 0
    values = dict(_config(str(path), changed))
    values.setdefault("title", site.title)
    values.setdefault("description", site.description)
    values["url"] = f"{parts.scheme}://{parts.netloc}"
    values["baseurl"] = parts.path.rstrip("/")
    return values


@lru_cache(maxsize=4)
def _config(path: str, changed: int) -> dict[str, Any]:
    """The values of a Jekyll ``_config.yml`` (none when it is missing or unreadable), as
    of its modification time ``changed`` (``feedpub serve`` builds again after an edit)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            values = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return values if isinstance(values, dict) else {}


# --------------------------------------------------------------------------- tags


def _expression(stream: TokenStream) -> tuple[Token, str]:
    """The tag token, and its expression as written ('' when none); the stream is left on
    the tag's last token, as the parser expects."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        return token, next(stream) and stream.current.value.strip()
    return token, ""


_PARAMETER = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"']+)""")


class _UnknownNode(Node):
    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if _current is not None:
            _current.drop(self.token, "a tag feedpub does not know")
        return 0


class _Unknown(Tag):
    """A tag feedpub does not know (a plugin's ``{% youtube %}``, a stray ``{% endif %}``):
    left out where it is, reported; what a pair of them encloses is kept."""

    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, _ = _expression(stream)
        return _UnknownNode(token)


class _Tags(dict[str, Tag]):
    """The tags by name; any other name is :class:`_Unknown`."""

    unknown: Tag

    def get(self, name: str, default: Any = None) -> Any:
        found = super().get(name)
        return found if found is not None else self.unknown


class _IncludeNode(Node):
    __slots__ = ("name", "parameters", "relative")

    def __init__(self, token: Token, name: str, parameters: list[tuple[str, Any]], relative: bool):
        super().__init__(token)
        self.name, self.parameters, self.relative = name, parameters, relative
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        values = {
            name: value if isinstance(value, str) else value.evaluate(context)
            for name, value in self.parameters
        }
        if _current is None:
            return 0
        key = ("./" if self.relative else "") + self.name
        template = _current.included.get(key)
        if template is None:
            try:
                if self.relative:
                    template = _relative_template(context.env, _current.folder, self.name)
                else:
                    template = context.env.get_template(self.name, context=context, tag="include")
            except LiquidError as e:
                template = e
            _current.included[key] = template
        if isinstance(template, LiquidError):
            template.token = self.token
            raise template
        outer, _current.including = _current.including, _outer_or(_current.including, self)
        try:
            with context.extend({"include": values}, template=template):
                template.render_with_context(context, buffer, partial=True)
        finally:
            _current.including = outer
        return 1


def _outer_or(including: tuple[str, Token] | None, node: _IncludeNode) -> tuple[str, Token]:
    """What a problem inside an included file is reported at: the outermost include tag."""
    return including if including is not None else (node.name, node.token)


def _relative_template(env: Environment, folder: Path, name: str) -> Any:
    """The file ``include_relative`` names, in the post's folder (never above the site)."""
    from liquid.exceptions import TemplateNotFoundError

    assert _current is not None
    root = _current.site.entries.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(root) or not path.is_file() or ".." in Path(name).parts:
        raise TemplateNotFoundError(name, token=None)
    return env.from_string(path.read_text(encoding="utf-8"), name=name)


class _Include(Tag):
    """Jekyll's ``{% include file.html key="value" other=page.title %}``."""

    name = "include"
    block = False
    relative = False

    def parse(self, stream: TokenStream) -> Node:
        token, expression = _expression(stream)
        name, _, rest = expression.partition(" ")
        if not name or "{{" in name:
            raise LiquidError(f"{self.name}: a file name given by a variable", token=token)
        parameters: list[tuple[str, Any]] = []
        for match in _PARAMETER.finditer(rest):
            value = match.group(2)
            if value[0] in "\"'":
                parameters.append((match.group(1), value[1:-1]))
            else:
                tokens = TokenStream(tokenize(value, parent_token=token))
                parameters.append((match.group(1), parse_primitive(self.env, tokens)))
        return _IncludeNode(token, name, parameters, self.relative)


class _IncludeRelative(_Include):
    name = "include_relative"
    relative = True


class _HighlightNode(Node):
    __slots__ = ("block", "language")

    def __init__(self, token: Token, language: str, block: BlockNode):
        super().__init__(token)
        self.language, self.block = language, block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        from io import StringIO

        inner = StringIO()
        self.block.render(context, inner)
        code = inner.getvalue().removeprefix("\n").rstrip("\n")
        fence = "```"
        while fence in code:
            fence += "`"
        return buffer.write(f"\n{fence}{self.language}\n{code}\n{fence}\n")


class _Highlight(Tag):
    """``{% highlight ruby linenos %}…{% endhighlight %}``: a fenced code block."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token, expression = _expression(stream)
        language = expression.split()[0] if expression else ""
        if not re.fullmatch(r"[\w+#.-]+", language):
            raise LiquidError("highlight needs a language", token=token)
        next(stream)
        block = get_parser(self.env).parse_block(stream, ("endhighlight",))
        stream.expect(TOKEN_TAG, value="endhighlight")
        return _HighlightNode(token, language, block)


class _LinkNode(Node):
    __slots__ = ("find", "target")

    def __init__(self, token: Token, target: str, find: Callable[[_Render, str], str | None]):
        super().__init__(token)
        self.target, self.find = target, find
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        if _current is None:
            return 0
        found = self.find(_current, self.target)
        if found is None:
            _current.drop(self.token, f"no post {self.target}")
            return 0
        return buffer.write(found)


class _PostUrl(Tag):
    """``{% post_url 2010-07-21-name %}``: that post's link."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, expression = _expression(stream)
        return _LinkNode(token, expression, _post_url)


class _Link(Tag):
    """``{% link _posts/2010-07-21-name.md %}``: that file's link (posts only)."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, expression = _expression(stream)
        return _LinkNode(token, expression.lstrip("/"), _file_link)


def _file_link(state: _Render, name: str) -> str | None:
    if state.links is None:  # (while scanning: the links are not known yet)
        return "" if (state.site.entries / name).is_file() else None
    return state.links.get(name)


def _post_url(state: _Render, name: str) -> str | None:
    stems = _post_names(state.site.entries.resolve(), state.links)
    rel = stems.get(name.strip("/"))
    if rel is None:
        return None
    return "" if state.links is None else state.links.get(rel)


#: The last site's post names: for the links it was made from (kept, so never another's
#: of the same id), or for the _posts folder as last modified (while scanning).
_posts_cache: list[tuple[Path, object, dict[str, str]]] = []


def _post_names(root: Path, links: Links | None) -> dict[str, str]:
    """Each post's file name as ``post_url`` writes it (``2010-07-21-name``, or with the
    folders between ``_posts`` and it) → its file name in the site."""
    if links is not None:
        key: object = links
    else:
        try:  # (feedpub serve scans again after a change: a new post changes _posts)
            key = (root / "_posts").stat().st_mtime_ns
        except OSError:
            key = 0
    if (
        _posts_cache
        and _posts_cache[0][0] == root
        and (_posts_cache[0][1] is key or (_posts_cache[0][1] == key and links is None))
    ):
        return _posts_cache[0][2]
    if links is not None:
        names = list(links)
    else:
        names = [str(p.relative_to(root)) for p in (root / "_posts").rglob("*") if p.is_file()]
    found: dict[str, str] = {}
    for rel in names:
        parts = rel.split("/")
        if "_posts" in parts:
            after = parts[parts.index("_posts") + 1 :]
            if after:
                after[-1] = after[-1].rsplit(".", 1)[0]
                found.setdefault("/".join(after), rel)
                found.setdefault(after[-1], rel)
    _posts_cache[:] = [(root, key, found)]
    return found


# --------------------------------------------------------------------------- filters


def _state() -> _Render:
    assert _current is not None
    return _current


def _relative_url(value: object) -> str:
    text = str(value)
    if urlsplit(text).scheme:
        return text
    base = urlsplit(_state().site.base_url).path.rstrip("/")
    return quote(base + "/" + text.lstrip("/"), safe="/%:@!$&'()*+,;=~#?")


def _absolute_url(value: object) -> str:
    text = str(value)
    if urlsplit(text).scheme:
        return text
    return urljoin(_state().site.base_url, _relative_url(text))


def _time(value: object) -> datetime | date | None:
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date_filter(pattern: str, ordinal: bool = False) -> Callable[[object], object]:
    def apply(value: object) -> object:
        when = _time(value)
        if when is None:
            return value
        text = when.strftime(pattern)
        return text.replace("{day}", str(when.day))

    return apply


def _date_xmlschema(value: object) -> object:
    when = _time(value)
    return when.isoformat() if when is not None else value


def _date_rfc822(value: object) -> object:
    when = _time(value)
    if not isinstance(when, datetime):
        return value
    from email.utils import format_datetime

    return format_datetime(when)


def _slugify(value: object, mode: str = "default") -> str:
    from ._jekyll import jekyll_slugify

    return jekyll_slugify(str(value), pretty=mode == "pretty")


def _markdownify(value: object) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return str(
        cmarkgfm.github_flavored_markdown_to_html(str(value), options=Options.CMARK_OPT_UNSAFE)
    )


def _where(value: object, key: str, wanted: object) -> list[Any]:
    if isinstance(value, Mapping):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        return []
    return [
        item
        for item in value
        if isinstance(item, Mapping)
        and (
            str(item.get(key)) == str(wanted)
            or (isinstance(item.get(key), list) and wanted in item.get(key, []))
        )
    ]


def _sentence(value: object, connector: str = "and") -> str:
    words = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    if len(words) <= 2:
        return f" {connector} ".join(words)
    return ", ".join(words[:-1]) + f", {connector} " + words[-1]


def _jsonify(value: object) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


@with_context
def _inspect(value: object, *, context: RenderContext) -> str:
    return repr(value)


_FILTERS: dict[str, Callable[..., Any]] = {
    "relative_url": _relative_url,
    "absolute_url": _absolute_url,
    "xml_escape": lambda v: html.escape(str(v), quote=True) if v is not None else "",
    "cgi_escape": lambda v: quote_plus(str(v)),
    "uri_escape": lambda v: quote(str(v), safe="/%:@!$&'()*+,;=~#?[]"),
    "date_to_string": _date_filter("%d %b %Y"),
    "date_to_long_string": _date_filter("%d %B %Y"),
    "date_to_xmlschema": _date_xmlschema,
    "date_to_rfc822": _date_rfc822,
    "slugify": _slugify,
    "markdownify": _markdownify,
    "smartify": lambda v: smartify(str(v)),
    "normalize_whitespace": lambda v: " ".join(str(v).split()),
    "number_of_words": lambda v: len(str(v).split()),
    "array_to_sentence_string": _sentence,
    "jsonify": _jsonify,
    "where": _where,
    "to_integer": lambda v: int(v) if str(v).strip().lstrip("-").isdigit() else 0,
    "inspect": _inspect,
}
