"""``feedpub init --from jekyll|hugo``: a ``feedpub.toml`` from a Jekyll or Hugo site's own
configuration, pointing at its content where it lies. Never overwrites; says what it could not
map. The site's files are only read."""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import yaml
from frontmatter.default_handlers import JSONHandler, YAMLHandler

from .authoring import config_template, create_file
from .config import CONFIG_NAME, path_problem
from .dialects import check_hugo_permalink, check_jekyll_permalink
from .errors import FeedpubError

T = TypeVar("T")

#: Configuration files each tool reads, in the order it looks for them.
JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_CONFIGS = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
#: Where feedpub writes the feeds of an imported site: a folder the tool itself leaves alone
#: (Jekyll does not copy folders starting with '_'; Hugo writes to public/).
OUTPUT = {"jekyll": "_feeds", "hugo": "feeds"}


def import_site(folder: Path, tool: str) -> tuple[Path, list[str], str]:
    """Write ``folder/feedpub.toml`` from the ``tool`` (one of :data:`IMPORTERS`) site in
    ``folder``; returns it, a note for each setting of the site that could not be mapped, and
    where the generator writes the site's main feed (relative to ``folder``: what to give
    ``feedpub compare``).

    Raises :class:`FeedpubError` when there is no such site or feedpub.toml already exists."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FeedpubError(f"{what}; give the folder of the {tool.capitalize()} site", folder)
    target = folder / CONFIG_NAME
    if target.exists():
        raise FeedpubError("already exists; init never overwrites a file", target)
    settings, notes, old_feed = IMPORTERS[tool].read(folder)
    create_file(target, config_text(settings))
    return target, notes, old_feed


def _import_jekyll(folder: Path) -> tuple[dict[str, Any], list[str], str]:
    """The settings of the Jekyll site in ``folder`` (its first configuration file)."""
    config = next((folder / n for n in JEKYLL_CONFIGS if (folder / n).is_file()), None)
    if config is None:
        raise _no_configuration(folder, "jekyll", ", ".join(JEKYLL_CONFIGS))
    data = _read(config)
    settings, notes = _from_jekyll(folder, data)
    # jekyll-feed's Atom feed, in the folder Jekyll writes the site to (``destination``)
    old_feed = _written_in(data.get("destination"), "_site", settings.get("atom_path"))
    return settings, [f"{config.name}: {note}" for note in notes], old_feed


def _import_hugo(folder: Path) -> tuple[dict[str, Any], list[str], str]:
    """The settings of the Hugo site in ``folder``: its configuration file and directory."""
    config = next((folder / n for n in HUGO_CONFIGS if (folder / n).is_file()), None)
    data, read = hugo_config(folder, config)
    if not read:
        names = f"{', '.join(HUGO_CONFIGS)}, {HUGO_CONFIG_DIR}/_default/"
        raise _no_configuration(folder, "hugo", names)
    settings, notes = _from_hugo(folder, data)
    # Hugo's home RSS feed, in the folder it writes the site to (``publishDir``), and in the
    # default language's folder with defaultContentLanguageInSubdir
    hugo = {k.lower(): v for k, v in data.items()}
    name = settings.get("rss_path")
    if hugo.get("defaultcontentlanguageinsubdir") is True and isinstance(name, str):
        name = f"{_hugo_language(hugo)[0]}/{name}"
    old_feed = _written_in(hugo.get("publishdir"), "public", name)
    notes = [f"{read[0]}: {note}" for note in notes]
    declared = declared_hugo(folder, hugo)
    if declared is not None and declared[0] > _HUGO_FOLLOWED:
        version, where = ".".join(map(str, declared[0])), declared[1]
        notes.append(
            f"{where}: the site is built with Hugo {version}; feedpub follows Hugo 0.111 where "
            "newer Hugo changed its feeds (the folders of terms with characters other than "
            "letters, digits and spaces, titles Hugo makes up, pubDate, summaries: see "
            "'Which Hugo' in docs/hugo.md); run feedpub compare before you switch"
        )
    return settings, notes, old_feed


#: The Hugo whose feeds feedpub's hugo dialect writes (Debian's, which the tests build with).
_HUGO_FOLLOWED = (0, 111, 3)
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")
#: A GitHub workflow's Hugo: peaceiris/actions-hugo's ``hugo-version``, or ``HUGO_VERSION``.
_WORKFLOW_HUGO = re.compile(
    r"^\s*(?:hugo-version|HUGO_VERSION)\s*:\s*['\"]?(v?\d+\.\d+[.\d]*)", re.M
)


def declared_hugo(folder: Path, hugo: Mapping[str, Any]) -> tuple[tuple[int, ...], str] | None:
    """The Hugo version the site in ``folder`` says it is built with, and where it says so:
    ``HUGO_VERSION`` in netlify.toml, a GitHub workflow's ``hugo-version`` or
    ``HUGO_VERSION``, the hugo-bin or hugo-extended package in package.json, else the least
    version its configuration (``hugo``, keys in lower case) takes, ``module.hugoVersion.min``."""
    found: list[tuple[object, str]] = []
    try:
        netlify = tomllib.loads((folder / "netlify.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        netlify = {}
    production = _of(_of(netlify, "context", dict, {}), "production", dict, {})
    for table in (production, _of(netlify, "build", dict, {})):
        found.append((_of(table, "environment", dict, {}).get("HUGO_VERSION"), "netlify.toml"))
    workflows = folder / ".github" / "workflows"
    for path in sorted(workflows.glob("*.y*ml")) if workflows.is_dir() else ():
        try:
            match = _WORKFLOW_HUGO.search(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        found.append((match and match.group(1), path.relative_to(folder).as_posix()))
    try:
        package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        package = {}
    for key in ("dependencies", "devDependencies"):
        wanted = _of(package, key, dict, {}) if isinstance(package, dict) else {}
        for name in ("hugo-bin", "hugo-extended"):
            found.append((wanted.get(name), "package.json"))
    # (last: the least version the site takes, which says less of the one it is built with)
    module = {str(k).lower(): v for k, v in _of(hugo, "module", dict, {}).items()}
    minimum = {str(k).lower(): v for k, v in _of(module, "hugoversion", dict, {}).items()}
    found.append((minimum.get("min"), "module.hugoVersion.min"))
    for value, where in found:
        match = _VERSION.search(value) if isinstance(value, str) else None
        if match:
            return tuple(int(part or 0) for part in match.groups()), where
    return None


def _written_in(folder: object, default: str, name: object) -> str:
    """Where a generator writes the file ``name`` of the site (a feed's path in its site) when
    it writes the site to ``folder`` (its setting, if text; else ``default``)."""
    where = folder.strip() if isinstance(folder, str) and folder.strip() else default
    return (PurePosixPath(where) / (name if isinstance(name, str) else "feed.xml")).as_posix()


def _no_configuration(folder: Path, tool: str, names: str) -> FeedpubError:
    return FeedpubError(
        f"no {tool.capitalize()} configuration ({names}) in this folder; "
        f"run 'feedpub init --from {tool} PATH' with the site's folder",
        folder,
    )


@dataclass(frozen=True)
class Importer:
    """What ``feedpub init --from`` knows of a generator."""

    #: Reads the settings of the site in a folder, with a note for each one not mapped.
    #: Also where the generator writes the site's main feed, in the site's folder (for
    #: 'feedpub compare').
    read: Callable[[Path], tuple[dict[str, Any], list[str], str]]


#: The generators ``feedpub init --from`` reads, by name.
IMPORTERS = {
    "jekyll": Importer(_import_jekyll),
    "hugo": Importer(_import_hugo),
}


#: Hugo's configuration directory: ``_default/`` then the environment's folder (``hugo``
#: builds for "production") are merged over the configuration file.
HUGO_CONFIG_DIR = "config"
HUGO_ENVIRONMENT = "production"
_HUGO_CONFIG_EXTS = (".toml", ".yaml", ".yml", ".json")


def hugo_config(folder: Path, config: Path | None) -> tuple[dict[str, Any], list[str]]:
    """A Hugo site's settings as Hugo 0.111 merges them, keys lowercased (Hugo's are
    case-insensitive), and the files they came from (relative to ``folder``; none: no
    configuration). The configuration file (``hugo.toml``…) first; then each file of
    ``config/_default/`` and ``config/production/``, in name order, merged over it, table
    into table: ``hugo.toml`` or ``config.toml`` there at the top, any other file under
    its name (``params.toml`` is ``[params]``, ``languages.toml`` ``[languages]``), and
    ``params.en.toml`` or ``menus.en.toml`` under that language (``[languages.en.params]``)."""
    merged: dict[str, Any] = {}
    read: list[str] = []
    if config is not None:
        _merge(merged, _read(config))
        read.append(config.name)
    for environment in ("_default", HUGO_ENVIRONMENT):
        where = folder / HUGO_CONFIG_DIR / environment
        files = sorted(where.iterdir()) if where.is_dir() else []
        for path in files:
            if path.suffix.lower() not in _HUGO_CONFIG_EXTS or not path.is_file():
                continue
            name, _, lang = path.stem.lower().partition(".")
            keys = [] if name in ("hugo", "config") else [name]
            if lang:
                keys = ["languages", lang] + (["menus"] if name in ("menu", "menus") else [])
                keys += ["params"] if name == "params" else []
            data: Any = _read(path)
            for key in reversed(keys):
                data = {key: data}
            _merge(merged, data)
            read.append(path.relative_to(folder).as_posix())
    return merged, read


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    """``data`` merged into ``into``, keys lowercased: a table into a table, key by key;
    any other value replaces what was there (Hugo's ``Params.Set``)."""
    for key, value in data.items():
        key = key.lower() if isinstance(key, str) else key
        if isinstance(value, dict):
            if not isinstance(into.get(key), dict):
                into[key] = {}
            _merge(into[key], value)
        else:
            into[key] = value


def _read(config: Path) -> dict[str, Any]:
    try:
        text = config.read_text(encoding="utf-8-sig")
        if config.suffix == ".toml":
            data = tomllib.loads(text)
        elif config.suffix == ".json":
            data = JSONHandler().load(text)
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # no half surrogate pair
        else:
            data = YAMLHandler().load(text)
    except RecursionError:
        raise FeedpubError(
            "cannot read it (lists or tables nested too deeply)", config, code="FP001"
        ) from None
    except UnicodeEncodeError as e:
        raise FeedpubError(
            f"cannot read it ('\\u{ord(e.object[e.start]):04x}' is half of a UTF-16 surrogate "
            "pair, not a character)",
            config,
            code="FP001",
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FeedpubError(f"cannot read it ({e})", config, code="FP001") from None
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        message = " ".join(str(e).split())
        raise FeedpubError(
            f"cannot read it ({message})", config, line + 1 if line is not None else None, "FP001"
        ) from None
    if not isinstance(data, dict):
        raise FeedpubError("is not a table of settings", config, code="FP001")
    return data


def _author(value: Any) -> Any:
    """A site author (text, or a mapping with name, email and uri/url) in feedpub's form."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict):
        fields = {
            k: value[k] for k in ("name", "email", "uri", "url") if isinstance(value.get(k), str)
        }
        if "url" in fields:
            fields.setdefault("uri", fields.pop("url"))
        return fields if fields.get("name") or fields.get("email") else None
    return None


def _of(data: Mapping[str, Any], key: str, kind: type[T], default: T) -> T:
    """``data[key]`` if it is a ``kind``, else ``default``."""
    value = data.get(key)
    return value if isinstance(value, kind) else default


# _from_jekyll and _from_hugo run longer than 60 lines on purpose: each reads one setting of
# the tool after another, in one place, so that what is mapped can be read top to bottom (and
# against docs/jekyll.md and docs/hugo.md); the larger parts have functions of their own.
def _from_jekyll(folder: Path, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    settings: dict[str, Any] = {"dialect": "jekyll", "entries": ".", "output": OUTPUT["jekyll"]}
    notes: list[str] = []
    url = data.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        baseurl = _of(data, "baseurl", str, "")
        below = baseurl.strip("/") + "/" if baseurl.strip("/") else ""
        settings["base_url"] = url.rstrip("/") + "/" + below  # Jekyll's url + baseurl
    else:
        notes.append("no 'url' (the site's address); set base_url in feedpub.toml")
    for key, target in (("title", "title"), ("description", "description"), ("lang", "language")):
        if isinstance(data.get(key), str) and data[key].strip():
            settings[target] = data[key].strip()
    if "title" not in settings and isinstance(data.get("name"), str) and data["name"].strip():
        settings["title"] = data["name"].strip()  # jekyll-feed: site.title | default: site.name
    if isinstance(data.get("timezone"), str):
        settings["timezone"] = data["timezone"]
    author = _author(data.get("author"))
    if author is not None:
        settings["author"] = author
    elif data.get("author") is not None:
        notes.append("author: not text or a mapping with name and email")
    # Posts are the collection "posts": its own permalink wins over the site's.
    posts = _of(_of(data, "collections", dict, {}), "posts", dict, {})
    key, permalink = "collections.posts.permalink", posts.get("permalink")
    if not isinstance(permalink, str):
        key, permalink = "permalink", data.get("permalink")
    if isinstance(permalink, str):
        problems: list[str] = []
        check_jekyll_permalink(permalink, problems.append)
        if problems:
            notes.append(f"{key}: {problems[0]}; Jekyll's default 'date' is used")
        else:
            settings["permalink"] = permalink
    defaults, skipped = _jekyll_defaults(data.get("defaults"))
    if defaults:
        settings["defaults"] = defaults
    notes += skipped
    if isinstance(data.get("excerpt_separator"), str) and data["excerpt_separator"].strip():
        settings["excerpt_separator"] = data["excerpt_separator"]
    markdown_ext = data.get("markdown_ext")
    if isinstance(markdown_ext, str):
        settings["extensions"] = ["." + e.strip() for e in markdown_ext.split(",") if e.strip()]
    data_dir = _of(data, "data_dir", str, "_data")
    for name in ("authors.yml", "authors.yaml"):
        if (folder / data_dir / name).is_file():
            settings["authors_file"] = f"{data_dir}/{name}"
            break
    feed = _of(data, "feed", dict, {})
    if isinstance(feed.get("posts_limit"), int):
        settings["limit"] = feed["posts_limit"]
    else:
        settings["limit"] = 10  # jekyll-feed's default
    if feed.get("excerpt_only") is True:
        settings["full_content"] = False
    settings.update(_jekyll_feed_addresses(feed, notes))
    notes += _jekyll_feed_templates(folder, settings)
    for key, why in (
        ("future", "use 'feedpub build --future' to include future posts"),
        ("show_drafts", "use 'feedpub build --drafts' to include drafts"),
        ("unpublished", "use 'feedpub build --drafts' to include posts with published: false"),
    ):
        if data.get(key):
            notes.append(f"{key}: not mapped ({why})")
    others = [c for c in _of(data, "collections", dict, {}) if c != "posts"]
    others += [c for c in _of(data, "collections", list, []) if c != "posts"]
    if others:
        notes.append(
            f"collections: not mapped ({', '.join(map(str, others))}: only posts are read, "
            "from _posts and _drafts)"
        )
    for key, why in (
        ("tags", "jekyll-feed's feed/by_tag/<tag>.xml feeds are not written"),
        ("collections", "only posts are read"),
    ):
        if feed.get(key):
            notes.append(f"feed.{key}: not mapped ({why})")
    return settings, notes


def _jekyll_feed_addresses(feed: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """jekyll-feed's addresses: Atom at ``feed: path`` (default ``/feed.xml``, so no RSS,
    which feedpub writes there by default), and a feed per category named in ``feed:
    categories`` at ``/feed/<category>.xml``, no other (then no JSON Feed either: one file per
    category there). JSON Feed stays at ``feed.json``, where jekyll-feed writes nothing."""
    settings: dict[str, Any] = {"rss_path": False, "atom_path": "feed.xml"}
    path = feed.get("path")
    if isinstance(path, str) and path.strip("/"):
        if path_problem(path.lstrip("/")) is None:
            settings["atom_path"] = path.lstrip("/")
        else:
            notes.append(f"feed.path: not mapped ({path!r} is no file path below the site)")
    categories = feed.get("categories")
    if isinstance(categories, list) and categories:
        names = [str(c) for c in categories if isinstance(c, str | int) and str(c).strip()]
        settings["category_feeds"] = names
        settings["taxonomy_path"] = "feed/{slug}.xml"
        settings["json_path"] = False
    else:
        settings["category_feeds"] = False
    return settings


#: The start of a feed: an Atom ``<feed`` or an RSS ``<rss`` element.
_FEED_START = re.compile(r"<(?:feed|rss)[\s>]")


def _jekyll_feed_templates(folder: Path, settings: Mapping[str, Any]) -> list[str]:
    """A note for each feed the site makes with a template of its own: a page (front matter
    first) of the site's folders whose output ends in ``.xml`` and holds ``<feed`` or ``<rss``
    (``/feed/index.xml``, ``/press/feed/index.xml`` by ``permalink``): feedpub writes only the
    feeds of its settings, so such an address stops working unless it is one of them."""
    ours = {settings.get(k) for k in ("rss_path", "atom_path") if isinstance(settings.get(k), str)}
    notes = []
    for path in sorted(_site_files(folder)):
        if path.suffix.lower() not in (".xml", ".atom", ".rss"):
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as file:
                text = file.read(65536)
        except OSError:
            continue
        if not text.startswith("---") or not _FEED_START.search(text):
            continue
        name = path.relative_to(folder).as_posix()
        front = re.match(r"---\s*\n(.*?)\n---", text, re.DOTALL)
        permalink = re.search(
            r"(?m)^permalink:\s*['\"]?(\S+?)['\"]?\s*$", front[1] if front else ""
        )
        address = permalink[1].lstrip("/") if permalink else name
        if address.endswith("/"):
            address += "index.html"
        if address in ours:
            notes.append(
                f"{name}: a feed made by your own template: feedpub writes its own feed at "
                f"/{address}; check the two with feedpub compare"
            )
        else:
            notes.append(
                f"{name}: a feed made by your own template: feedpub does not produce it "
                f"(/{address})"
            )
    return notes


def _site_files(folder: Path) -> list[Path]:
    """The files Jekyll makes pages of: not in a folder starting ``_`` or ``.`` (``_site``,
    ``_posts``, ``.git``), ``node_modules`` or ``vendor``."""
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [
            f
            for f in folders
            if not f.startswith(("_", ".")) and f not in ("node_modules", "vendor")
        ]
        found += [Path(top) / f for f in files if not f.startswith(("_", "."))]
    return found


def _jekyll_defaults(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Jekyll's front matter ``defaults`` as the ``defaults`` setting: the sets that can apply
    to posts (scope type ``posts`` or none), and a note for each set left out."""
    if not isinstance(value, list):
        return [], ["defaults: not mapped (not a list of scopes and values)"] if value else []
    found: list[dict[str, Any]] = []
    notes: list[str] = []
    for number, item in enumerate(value, 1):
        scope = item.get("scope", {}) if isinstance(item, dict) else None
        values = item.get("values") if isinstance(item, dict) else None
        if not isinstance(scope, dict) or not isinstance(values, dict):
            notes.append(f"defaults (set {number}): not mapped (Jekyll ignores it too: no values)")
            continue
        kind = scope.get("type")
        if kind is not None and str(kind) not in ("posts", "post"):
            continue  # pages, other collections: not posts
        mapped_scope = {"path": scope["path"]} if isinstance(scope.get("path"), str) else {}
        if kind is not None:
            mapped_scope["type"] = "posts"
        kept = {str(k): v for k, v in values.items() if _tomlable(v)}
        if len(kept) < len(values):
            left = ", ".join(str(k) for k in values if str(k) not in kept)
            notes.append(f"defaults (set {number}): {left} not mapped (no value)")
        if kept:
            found.append(
                {"scope": mapped_scope, "values": kept} if mapped_scope else {"values": kept}
            )
    return found, notes


def _tomlable(value: Any) -> bool:
    """Whether TOML can write ``value`` (it has no null)."""
    if isinstance(value, dict):
        return all(_tomlable(v) for v in value.values())
    if isinstance(value, list):
        return all(_tomlable(v) for v in value)
    return value is not None


def _from_hugo(folder: Path, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    data = {k.lower(): v for k, v in data.items()}  # Hugo's settings are case-insensitive
    notes: list[str] = []
    language, lang = _hugo_language(data)
    params = {**_of(data, "params", dict, {}), **_of(lang, "params", dict, {})}
    content = _of(lang, "contentdir", str, _of(data, "contentdir", str, "content"))
    content = _mounted_content(data, content)
    settings: dict[str, Any] = {"dialect": "hugo", "entries": content, "output": OUTPUT["hugo"]}
    settings.update(_hugo_languages(data, language, content, notes))
    url = data.get("baseurl")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        settings["base_url"] = url if url.endswith("/") else url + "/"
        if data.get("defaultcontentlanguageinsubdir") is True:
            settings["base_url"] += f"{language}/"  # the default language's pages and feeds
    else:
        notes.append("no absolute 'baseURL' (the site's address); set base_url in feedpub.toml")
    title = lang.get("title", data.get("title"))
    if isinstance(title, str) and title.strip():
        settings["title"] = title.strip()
    description = lang.get("description", params.get("description"))
    if isinstance(description, str) and description.strip():
        settings["description"] = description.strip()
    code = _locale(lang, _locale(data, None))
    if isinstance(code, str) and code:
        settings["language"] = code
    if data.get("uglyurls") is True:
        settings["ugly_urls"] = True
    elif data.get("uglyurls"):
        notes.append("uglyURLs: not mapped (per section: links are written as /section/name/)")
    settings["undated_pages"] = True  # Hugo's feeds list them, dated 0001-01-01
    words = data.get("summarylength", 70)
    settings["summary_words"] = words if isinstance(words, int) and words > 0 else 70
    if isinstance(data.get("timezone"), str) and data["timezone"]:
        settings["timezone"] = data["timezone"]
    author = _author(params.get("author")) or _author(data.get("author"))
    if author is not None:
        settings["author"] = author
    permalinks = data.get("permalinks")
    if isinstance(permalinks, dict):
        patterns = _of(permalinks, "page", dict, permalinks)
        mapped = {}
        for section, pattern in patterns.items():
            problems: list[str] = []
            if isinstance(pattern, str):
                check_hugo_permalink(pattern, problems.append)
            if isinstance(pattern, str) and not problems:
                mapped[str(section)] = pattern
            elif not isinstance(pattern, dict):
                notes.append(
                    f"permalinks.{section}: not mapped ({problems[0] if problems else pattern!r})"
                )
        if mapped:
            settings["permalinks"] = mapped
    frontmatter = {str(k).lower(): v for k, v in _of(data, "frontmatter", dict, {}).items()}
    dates = frontmatter.pop("date", None)
    if isinstance(dates, list) and dates and all(isinstance(d, str) and d for d in dates):
        settings["frontmatter_date"] = dates
        if ":git" in (d.lower() for d in dates):
            notes.append("frontmatter.date: ':git' is not read (dates from git)")
    elif dates is not None:
        frontmatter["date"] = dates
    for key in frontmatter:
        notes.append(f"frontmatter.{key}: not mapped (Hugo's default keys are used)")
    services = _of(data, "services", dict, {})
    rss = _of(services, "rss", dict, {})
    limit = rss.get("limit", data.get("rsslimit"))
    # Hugo's default (-1, or 0): every page (unless the site's RSS template says: below)
    settings["limit"] = limit if isinstance(limit, int) and limit > 0 else 0
    settings.update(_hugo_feed_addresses(folder, data, params, content, notes))
    for key, why in (
        ("disablepathtolower", "links are lowercased, as Hugo does by default"),
        ("enablegitinfo", "lastmod comes from front matter, not from git"),
        ("builddrafts", "use 'feedpub build --drafts'"),
        ("buildfuture", "use 'feedpub build --future'"),
        ("buildexpired", "expired pages are always left out"),
    ):
        if data.get(key):
            notes.append(f"{key}: not mapped ({why})")
    if not re.match(r"^[A-Za-z]", content) or not (folder / content).is_dir():
        notes.append(f"contentDir: no folder {content!r}; set entries in feedpub.toml")
    return settings, notes


#: Where Hugo looks for the home page's RSS template, in the site's layouts (then a theme's).
_HOME_RSS = ("index.rss.xml", "home.rss.xml", "_default/rss.xml", "_default/list.rss.xml")
#: ``where .Site.RegularPages "Type" "in" (slice "news" "showcase")`` in a home RSS template.
_HOME_WHERE = re.compile(
    r"""where\s+\(?\s*\$?\.?Site\.RegularPages\s*\)?\s+"\.?(?:Type|Section)"\s+"in"\s+"""
    r"""\(\s*slice((?:\s+"[^"]+")+)\s*\)""",
    re.IGNORECASE,
)


def _hugo_feed_addresses(
    folder: Path,
    data: dict[str, Any],
    params: dict[str, Any],
    content: str,
    notes: list[str],
) -> dict[str, Any]:
    """Hugo's feed addresses: RSS at ``index.xml``: the home page's, one per section
    (``posts/index.xml``), one per taxonomy term (``categories/news/index.xml``) and one of
    each taxonomy's terms (``categories/index.xml``); Atom and JSON Feed beside them
    (``atom.xml``, ``feed.json``), where Hugo writes nothing. The home
    feed carries every regular page (Hugo's own RSS template), unless the site's home RSS
    template picks sections: by ``mainSections`` (the setting, else Hugo's default: the
    section with the most pages) or by a ``where … "Section" "in" (slice …)``."""
    rss = {
        str(k).lower(): v
        for k, v in _of(_of(data, "outputformats", dict, {}), "rss", dict, {}).items()
    }
    base_name = rss.get("basename")
    name = f"{base_name}.xml" if isinstance(base_name, str) and base_name.strip() else "index.xml"
    settings: dict[str, Any] = {"rss_path": name}
    disabled = {str(k).lower() for k in _of(data, "disablekinds", list, [])}
    if "rss" in disabled:
        notes.append("disableKinds: RSS is off, so the site has no feed; feedpub writes one")
    taxonomies = _of(data, "taxonomies", dict, {"category": "categories", "tag": "tags"})
    plurals = {str(v).lower() for v in taxonomies.values() if isinstance(v, str)}
    if "term" in disabled or "taxonomy" in disabled:
        plurals = set()
    settings["category_feeds"] = "categories" in plurals
    settings["tag_feeds"] = "tags" in plurals
    settings["author_feeds"] = "authors" in plurals
    others = sorted(plurals - {"categories", "tags", "authors"})
    if others:
        settings["taxonomies"] = others
    outputs = {str(k).lower(): v for k, v in _of(data, "outputs", dict, {}).items()}
    # each taxonomy's own page (/categories/) has a feed of its terms (/categories/index.xml)
    list_outputs = outputs.get("taxonomy", ["html", "rss"])
    settings["term_list_feeds"] = (
        bool(plurals)
        and isinstance(list_outputs, list)
        and "rss" in (str(o).lower() for o in list_outputs)
    )
    section_outputs = outputs.get("section", ["html", "rss"])
    settings["section_feeds"] = (
        "section" not in disabled
        and isinstance(section_outputs, list)
        and "rss" in (str(o).lower() for o in section_outputs)
        and not _sections_without_rss(folder / content)
    )
    layouts = folder / "layouts"
    for path in sorted(layouts.rglob("*.rss.xml")) if layouts.is_dir() else ():
        if (name := path.relative_to(layouts).as_posix()) not in _HOME_RSS:
            notes.append(
                f"layouts/{name}: a feed made by your own template: feedpub writes Hugo's "
                "own items at its address; check the two with feedpub compare"
            )
    used, template = next(
        (
            (name, text)
            for name in _HOME_RSS
            if (path := layouts / name).is_file()
            and (text := path.read_text(encoding="utf-8", errors="replace"))
        ),
        ("", None),
    )
    if template is None:
        return settings
    if first := re.search(r"\bfirst\s+(\d+)", template):
        # the home feed's own limit; _default/rss.xml makes every list page's feed
        limit_key = "limit" if used.startswith("_default/") else "main_limit"
        settings[limit_key] = int(first.group(1))
    picked = _HOME_WHERE.search(template)
    if picked is not None:
        settings["main_sections"] = re.findall(r'"([^"]+)"', picked.group(1))
    elif "mainsections" in template.lower():
        main = params.get("mainsections", data.get("mainsections"))
        if isinstance(main, str):
            main = [main]
        if isinstance(main, list) and all(isinstance(m, str) for m in main):
            settings["main_sections"] = main
        elif (biggest := _biggest_section(folder / content)) is not None:
            settings["main_sections"] = [biggest]
    else:
        notes.append(
            "layouts: the home page's RSS template is the site's own; its items may not be "
            "every page, as feedpub's main feed has them (set main_sections)"
        )
    return settings


def _sections_without_rss(content: Path) -> bool:
    """Whether every section of ``content`` has an ``_index.md`` whose ``outputs`` front
    matter leaves RSS out (then Hugo writes no section feed)."""
    sections = [p for p in content.iterdir() if p.is_dir()] if content.is_dir() else []
    if not sections:
        return False
    for section in sections:
        index = section / "_index.md"
        text = index.read_text(encoding="utf-8", errors="replace") if index.is_file() else ""
        found = re.search(r"(?m)^outputs\s*[:=]\s*((?:\[[^\]]*\])|(?:\n\s*-\s*\S+)+)", text)
        if found is None or "rss" in found.group(1).lower():
            return False
    return True


def _biggest_section(content: Path) -> str | None:
    """Hugo's default ``mainSections``: the section (top folder of ``content``) with the most
    pages."""
    counts: dict[str, int] = {}
    if not content.is_dir():
        return None
    for section in sorted(p for p in content.iterdir() if p.is_dir()):
        pages = [
            p
            for p in section.rglob("*")
            if p.suffix.lower() in (".md", ".markdown", ".html") and not p.name.startswith("_")
        ]
        counts[section.name] = len(pages)
    return max(counts, key=lambda name: counts[name]) if counts else None


def _locale(table: dict[str, Any], fallback: Any) -> Any:
    """The language code of a Hugo language's (or the site's) settings ``table``: ``locale``
    (Hugo 0.158 and newer, which write it in the feeds before ``languageCode``), else
    ``languageCode``, else ``fallback``."""
    return table.get("locale", table.get("languagecode", fallback))


def _hugo_language(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The code of the site's default language (``defaultContentLanguage``, "en") and its
    settings in ``[languages]`` (title, params, contentDir…)."""
    language = str(data.get("defaultcontentlanguage") or "en").lower()
    languages = _of(data, "languages", dict, {})
    return language, _of(languages, language, dict, {})


def _hugo_languages(
    data: dict[str, Any], language: str, content: str, notes: list[str]
) -> dict[str, Any]:
    """Hugo's languages: ``languages`` (the default first, then the others, the disabled
    ones too, by ``disabled`` or ``disableLanguages``: their pages are in no feed),
    ``language_feeds`` for each other enabled one (its title, description and language code
    where they differ from the default's, its ``permalinks``), and ``entries`` and
    ``language_entries`` where they have content folders of their own (``contentDir``); a
    note when their feeds cannot be written."""
    languages = {str(k).lower(): v for k, v in _of(data, "languages", dict, {}).items()}
    if len(languages) < 2:
        return {}
    settings: dict[str, Any] = {"languages": [language, *(k for k in languages if k != language)]}
    disabled = {str(k).lower() for k in _of(data, "disablelanguages", list, [])}
    others = [
        k for k, v in languages.items() if k != language and not _off(v) and k not in disabled
    ]
    if not others:
        return settings
    folders = {  # (a disabled language's too: Hugo reads its pages named for another)
        k: _of(_of(languages, k, dict, {}), "contentdir", str, "")
        or _mounted_content(data, _of(data, "contentdir", str, "content"))
        for k in languages
    }
    folders[language] = content
    why = None
    if data.get("defaultcontentlanguageinsubdir") is True:
        why = "with defaultContentLanguageInSubdir, base_url is the default language's folder"
    elif len(set(folders.values())) > 1:
        parent = os.path.commonpath([PurePosixPath(f).as_posix() for f in folders.values()])
        below = {k: PurePosixPath(f).relative_to(parent).as_posix() for k, f in folders.items()}
        if parent in ("", ".") or "." in below.values():
            why = f"their content folders ({', '.join(sorted(set(folders.values())))}) are not "
            why += "beside each other in one folder"
        else:
            settings["entries"] = parent
            settings["language_entries"] = below
    if why is not None:
        notes.append(
            f"languages: only the default language ({language!r}) is read ({why}); the pages "
            f"and feeds of {', '.join(repr(o) for o in others)} (/{others[0]}/index.xml…) are "
            "not written"
        )
        return settings
    feeds: dict[str, dict[str, Any]] = {}
    title, code = data.get("title"), _locale(data, None)
    default = _of(languages, language, dict, {})
    for other in others:
        table = _of(languages, other, dict, {})
        params = {**_of(data, "params", dict, {}), **_of(table, "params", dict, {})}
        found = {
            "title": table.get("title", title),
            "description": table.get("description", params.get("description")),
            "language": _locale(table, code) or "",  # ("": none)
        }
        mine = {
            "title": default.get("title", title),
            "description": default.get(
                "description",
                {**_of(data, "params", dict, {}), **_of(default, "params", dict, {})}.get(
                    "description"
                ),
            ),
            "language": _locale(default, code) or "",
        }
        feeds[other] = {
            k: v.strip() for k, v in found.items() if isinstance(v, str) and v != mine[k]
        }
        if isinstance(permalinks := table.get("permalinks"), dict):
            patterns = _of(permalinks, "page", dict, permalinks)
            feeds[other]["permalinks"] = {
                str(k): v for k, v in patterns.items() if isinstance(v, str)
            }
    settings["language_feeds"] = feeds
    return settings


def _off(language: Any) -> bool:
    return isinstance(language, dict) and language.get("disabled") is True


def _mounted_content(data: dict[str, Any], content: str) -> str:
    """The content folder as ``module.mounts`` mounts it (its first mount with the target
    ``content``: with any, Hugo mounts no ``contentDir``), else ``content``."""
    mounts = _of(_of(data, "module", dict, {}), "mounts", list, [])
    for mount in mounts:
        if not isinstance(mount, dict):
            continue
        mount = {str(k).lower(): v for k, v in mount.items()}
        if mount.get("target") == "content" and isinstance(mount.get("source"), str):
            return str(mount["source"])
    return content


def config_text(settings: dict[str, Any]) -> str:
    """feedpub init's commented configuration with ``settings`` set and the rest commented."""
    text = config_template(
        str(settings.get("title", "My feeds")),
        str(settings.get("base_url", "https://example.com/")),
    )
    lines = []
    done = {"title", "base_url"}
    for line in text.splitlines():
        match = re.match(r"^(# )?([a-z_]+) = ", line)
        key = match.group(2) if match else None
        if key in settings and key not in done:
            line = f"{key} = {_toml(settings[key], lines=key == 'defaults')}"
            done.add(key)
        elif key in ("description", "author") and key not in settings:
            line = "# " + line
        lines.append(line)
    return "\n".join(lines) + "\n"


def _toml(value: Any, *, lines: bool = False) -> str:
    """A TOML value: strings, numbers, booleans, dates, lists and (inline) tables; a list of
    tables one a line when ``lines``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if value != value else "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is JSON's
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list) and lines and value:
        return "[\n" + "".join(f"  {_toml(v)},\n" for v in value) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    pairs = (f"{_toml_key(str(k))} = {_toml(v)}" for k, v in value.items())
    return "{ " + ", ".join(pairs) + " }"


def _toml_key(key: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)
