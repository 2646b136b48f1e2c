"""CommonMark (GFM) → HTML with cmarkgfm, and the memory cmark allocates freed as it goes."""

from __future__ import annotations

import ctypes
from typing import Any

import cmarkgfm
from cmarkgfm import _cmark, cmark
from cmarkgfm.cmark import Options

#: GitHub-flavoured extensions: tables, ~~strikethrough~~, bare www./https:// links.
MARKDOWN_EXTENSIONS = ("table", "strikethrough", "autolink")

# Raw HTML is let through by cmark and cleaned by nh3 afterwards, so that safe HTML in an
# entry (a <figure>, a <video>) survives and unsafe HTML does not.
_MARKDOWN_OPTIONS = Options.CMARK_OPT_UNSAFE


def markdown_to_html(markdown: str, *, sourcepos: bool = False) -> str:
    """CommonMark with GitHub's table, strikethrough and autolink extensions; raw HTML kept.

    ``sourcepos`` marks each block with ``data-sourcepos="LINE:COL-LINE:COL"``."""
    options = _MARKDOWN_OPTIONS | (Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    if _FREE is None:
        return cmarkgfm.markdown_to_html_with_extensions(
            markdown, options=options, extensions=list(MARKDOWN_EXTENSIONS)
        )
    return _render_freeing(markdown, options)


def _load_free() -> tuple[Any, Any] | None:
    """cmark's node_free and libc's free, from cmarkgfm's own library.

    cmarkgfm's wrapper never frees the syntax tree nor the HTML buffer it renders (about
    60 KiB per entry; theacodes/cmarkgfm#53), so a build of 10,000 entries grew by 600 MiB.
    Its cffi module does not expose the two functions that free them, but the compiled
    library exports them; where it does not, feedpub falls back to the leaking call."""
    try:
        library = ctypes.CDLL(_cmark.__file__)
        node_free = library.cmark_node_free
        free = ctypes.CDLL(None).free
    except (OSError, AttributeError):
        return None
    node_free.argtypes = free.argtypes = [ctypes.c_void_p]
    node_free.restype = free.restype = None
    return node_free, free


def _render_freeing(markdown: str, options: int) -> str:
    assert _FREE is not None
    node_free, free = _FREE
    ffi, lib = _cmark.ffi, _cmark.lib
    data = markdown.encode("utf-8")
    parser = lib.cmark_parser_new(options)
    try:
        for extension in _EXTENSIONS:
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        lib.cmark_parser_feed(parser, data, len(data))
        root = lib.cmark_parser_finish(parser)
        try:
            extensions = lib.cmark_parser_get_syntax_extensions(parser)
            raw = lib.cmark_render_html(root, options, extensions)
            try:
                # cmark writes numeric references like &#xFFFE; as they are: never fail on them
                return ffi.string(raw).decode("utf-8", "replace")
            finally:
                free(int(ffi.cast("uintptr_t", raw)))
        finally:
            node_free(int(ffi.cast("uintptr_t", root)))
    finally:
        lib.cmark_parser_free(parser)


cmark.core_extensions_ensure_registered()
_EXTENSIONS = [cmark.find_syntax_extension(name) for name in MARKDOWN_EXTENSIONS]
_FREE = _load_free()
