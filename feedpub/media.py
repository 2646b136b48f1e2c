"""Front matter ``image`` and ``enclosure`` → :class:`Media` values (part of the *scan* stage).

A URL is used as written; a path is a file of the site: its URL is ``base_url`` + the path, and
its size (and, unless the front matter gives one, its media type) come from the file, which
must exist. Files are only looked up (``stat``), never read.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from . import dialects
from .errors import display_path
from .fields import web_url
from .model import LocalFile, Media

if TYPE_CHECKING:
    from .model import Site


#: Fields each front matter key takes in its mapping form (``url`` is also spelled ``path``).
IMAGE_FIELDS = ("url", "path", "alt", "type", "width", "height")
ENCLOSURE_FIELDS = ("url", "path", "type", "length", "title")

_MIME = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@functools.cache
def _types() -> mimetypes.MimeTypes:
    """Python's own table, never the system's /etc/mime.types: the same file gets the same type
    on every machine. Types common in feeds that older Pythons lack are added. Made when first
    needed: most builds have no media to look up."""
    types = mimetypes.MimeTypes()
    for extension, kind in {
        ".m4a": "audio/mp4",
        ".m4b": "audio/mp4",
        ".m4v": "video/mp4",
        ".ogg": "audio/ogg",
        ".oga": "audio/ogg",
        ".ogv": "video/ogg",
        ".opus": "audio/opus",
        ".flac": "audio/flac",
        ".aac": "audio/aac",
        ".webm": "video/webm",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".epub": "application/epub+zip",
    }.items():
        types.add_type(kind, extension)
    return types


class MediaError(ValueError):
    """A front matter ``image`` or ``enclosure`` that cannot be used; ``code`` says why. A
    path naming no file (FP113) carries the ``url`` the file would have."""

    def __init__(self, message: str, code: str = "FP112", url: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.url = url


def parse_image(
    value: Any, site: Site, warn: Callable[[str], None] | None = None
) -> tuple[Media | None, list[LocalFile]]:
    """The featured image: a URL or path, or a mapping with ``url`` (or ``path``), ``alt``,
    ``type``, ``width`` and ``height``. Raises :class:`MediaError`; where the site's dialect
    writes the address of an image file that does not exist (Jekyll's feeds do), tells
    ``warn`` instead, and uses that address."""
    if value is None or value == "":
        return None, []
    fields = _fields(value, "image", IMAGE_FIELDS)
    try:
        url, local = _locate(fields["url"], "image", site)
    except MediaError as e:
        if e.url is None or warn is None or dialects.of(site).images_need_files:
            raise
        warn(f"{e}; its address is written all the same, as Jekyll's feed writes it")
        url, local = e.url, None
    files = [local] if local else []
    kind = fields["type"] or _types().guess_type(urlsplit(url).path)[0]
    if kind is not None and not str(kind).startswith("image/"):
        raise MediaError(
            f"image {fields['url']!r} is {kind}, not an image; a sound or video file goes "
            "in 'enclosure'"
        )
    size = local[1] if local else None
    return Media(
        url=url,
        type=kind,
        length=size,
        title=fields["alt"],
        width=_pixels(fields, "width"),
        height=_pixels(fields, "height"),
    ), files


def parse_enclosures(value: Any, site: Site) -> tuple[tuple[Media, ...], list[LocalFile]]:
    """Enclosures: one or a list of URLs or paths, or mappings with ``url`` (or ``path``),
    ``type``, ``length`` and ``title``. Raises :class:`MediaError`."""
    items = value if isinstance(value, list) else [value]
    found: list[Media] = []
    files: list[LocalFile] = []
    for item in items:
        if item is None or item == "":
            continue
        fields = _fields(item, "enclosure", ENCLOSURE_FIELDS)
        url, local = _locate(fields["url"], "enclosure", site)
        kind = fields["type"] or _types().guess_type(urlsplit(url).path)[0]
        if kind is None:
            raise MediaError(
                f"enclosure: cannot tell the media type of {fields['url']!r} from its name; "
                "write it as a mapping with 'type', e.g. type: audio/mpeg"
            )
        length = fields["length"]
        if local:
            files.append(local)
            length = local[1]  # the file itself, never a stale number in the front matter
        elif length is not None and (
            isinstance(length, bool) or not isinstance(length, int) or length < 0
        ):
            raise MediaError(f"enclosure length must be a whole number of bytes, not {length!r}")
        found.append(Media(url=url, type=kind, length=length, title=fields["title"]))
    return tuple(found), files


def _fields(value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    """A mapping of ``allowed`` fields (missing ones ``None``) from a string or a mapping."""
    if isinstance(value, str):
        return {name: value if name == "url" else None for name in allowed}
    if not isinstance(value, dict):
        what = "a list" if isinstance(value, list) else repr(value)
        raise MediaError(
            f"{key} must be a URL, a path on the site, or a mapping with url, not {what}"
        )
    unknown = sorted(str(name) for name in value if name not in allowed)
    if unknown:
        names = ", ".join(name for name in allowed if name != "path")
        raise MediaError(f"unknown {key} field {unknown[0]!r}; {key} takes {names}")
    fields = {name: value.get(name) for name in allowed}
    if fields.get("path") is not None:
        if fields["url"] is not None:
            raise MediaError(f"{key} has both url and path; give one")
        fields["url"] = fields["path"]
    for name in ("url", "alt", "type", "title"):
        if name in fields and fields[name] is not None and not isinstance(fields[name], str):
            raise MediaError(f"{key} {name} must be text, not {fields[name]!r}")
    if not fields["url"]:
        raise MediaError(f"{key} has no url; write e.g. '{key}: media/file.mp3'")
    kind = fields["type"]
    if kind is not None and not _MIME.match(kind.strip()):
        raise MediaError(f"{key} type {kind!r} is not a media type; write e.g. audio/mpeg")
    fields["type"] = kind.strip() if kind else None
    for name in ("alt", "title"):
        text = fields.get(name)
        if text is not None:
            fields[name] = " ".join(text.split()) or None
    return fields


def _pixels(fields: dict[str, Any], name: str) -> int | None:
    value = fields[name]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MediaError(f"image {name} must be a whole number of pixels, not {value!r}")
    return value


def _locate(text: str, key: str, site: Site) -> tuple[str, LocalFile | None]:
    """The absolute URL of ``text``, and the local file it names (when it is a path)."""
    text = text.strip()
    parts = urlsplit(text) if _SCHEME.match(text) else None
    if parts is not None:
        url = web_url(text)
        if url is not None:
            return url, None
        raise MediaError(f"{key} {text!r} must be an http(s) URL or the path of a file of the site")
    if text.startswith("//"):  # a network-path reference: the site's scheme, as a browser's
        url = web_url(urlsplit(site.base_url).scheme + ":" + text)
        if url is not None and urlsplit(url).hostname:
            return url, None
        raise MediaError(f"{key} {text!r} must be an http(s) URL or the path of a file of the site")
    name = text.lstrip("/")
    if ".." in name.split("/") or "\\" in name or not name:
        raise MediaError(f"{key} {text!r} may not contain '..' or '\\'")
    # Folders published at the site's root: the output folder, and Hugo's static/.
    output = site.media_output or site.output
    roots = [output] + [site.folder / name for name in dialects.of(site).static_folders]
    folders = [site.folder, *roots]
    for folder in folders:
        path = folder / name
        try:
            real = path.resolve()
            inside = real.is_relative_to(folder.resolve())
            stat = path.stat() if inside and path.is_file() else None
        except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
            stat = None
        if stat is not None:
            # Named through a root (static/img/a.png): its URL is below the root (img/a.png).
            for root in roots:
                if folder == site.folder and real.is_relative_to(root.resolve()):
                    name = real.relative_to(root.resolve()).as_posix()
            url = site.base_url + quote(name, safe="/~!$&'()*+,;=:@")
            return url, (str(path), stat.st_size, stat.st_mtime_ns)
    places = [_shown(folder) for folder in folders]
    raise MediaError(
        f"{key} {text!r} is not a file in {', '.join(places[:-1])} or {places[-1]}; "
        "check the name, or give an absolute https:// URL",
        code="FP113",
        url=site.base_url + quote(name, safe="/~!$&'()*+,;=:@"),
    )


def _shown(folder: Path) -> str:
    shown = display_path(folder)
    return "the site folder" if shown in ("", ".") else shown.rstrip(os.sep) + "/"


def unchanged(files: tuple[LocalFile, ...]) -> bool:
    """Whether every local file still has the size and modification time it had."""
    for name, size, mtime_ns in files:
        try:
            stat = os.stat(name)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
            return False
    return True
