""":func:`load_site`: the settings file found and read, every row of the settings table
applied to it, then what each value means and the rules that tie settings together.

Problems are gathered, not raised one by one, and reported in the order they are found:
unknown keys, control characters, each value's type (in the order of
:data:`~feedpub.config._settings.CHECKS`), what the values mean (in the order of
:func:`_meanings`), and last the folders.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dialects
from ..errors import BuildErrors, ConfigError, FeedpubError, display_path
from ..model import Site
from . import _settings, _values
from ._folders import find_site_config, folder_overlap, is_link_loop
from ._settings import CHECKS, DEFAULTS, SETTINGS
from ._source import Source, read_source

#: The settings checked as numbers or flags: the :class:`Site` field of the same name holds the
#: checked value as it is. (Text and folder settings mean more: see :func:`_meanings`.)
_AS_CHECKED = tuple(
    s.name for s in SETTINGS if s.check not in (None, _settings.text, _settings.folder)
)


def load_site(
    config: Path | None = None,
    *,
    folder: Path | None = None,
    base_url: str | None = None,
    entries: Path | None = None,
    output: Path | None = None,
) -> Site:
    """Read and check the site settings.

    ``config`` is a ``feedpub.toml`` or ``pyproject.toml`` file; without it, one is looked for in
    ``folder`` (default: the current folder) and then in its parents (:func:`find_site_config`),
    and the defaults apply when there is none. Folders in the file are relative to the file's
    folder. ``base_url``, ``entries`` and ``output`` override the file (command-line options).
    Raises :class:`ConfigError` or :class:`BuildErrors` with every problem found.
    """
    folder = Path.cwd() if folder is None else folder
    if config is None:
        config = find_site_config(folder)
    source = Source() if config is None else read_source(config)
    site_folder = folder if config is None else config.parent
    report = _Report(source, _Options(base_url, entries, output))
    values = _checked(source.settings, report)
    meant = _meanings(values, source, site_folder, report)
    entries_dir = entries if entries is not None else site_folder / values["entries"]
    output_dir = output if output is not None else site_folder / values["output"]
    _check_folders(entries_dir, output_dir, site_folder, meant["dialect"], report)
    report.raise_any()
    url = meant["base_url"]
    title = dialects.of(meant["dialect"]).title(_given(values["title"]) or url.split("/")[2])
    return Site(
        **{name: values[name] for name in _AS_CHECKED},
        **meant,
        title=title,
        description=_given(values["description"]) or title,
        entries=entries_dir,
        output=output_dir,
        folder=site_folder,
        config_path=config,
    )


def _given(text: str | None) -> str | None:
    """A text setting, or ``None`` when it is empty or only spaces: its default applies
    (a title of spaces made a feed without a title, which the build's own check refused)."""
    return text if text and text.strip() else None


@dataclass(frozen=True)
class _Options:
    """What the command line gives instead of the settings file."""

    base_url: str | None = None
    entries: Path | None = None
    output: Path | None = None


@dataclass
class _Report:
    """The problems found, each a :class:`ConfigError` naming the settings file and the line
    of the key, or the command-line option the value came from."""

    source: Source
    options: _Options
    problems: list[FeedpubError] = field(default_factory=list)

    def __call__(self, key: str, message: str, code: str = "FP003") -> None:
        """A problem with the setting ``key``."""
        self.problems.append(ConfigError(message, self.source.path, self.source.line(key), code))

    def on(self, key: str) -> Callable[[str], None]:
        """Reports a message about the setting ``key``."""
        return functools.partial(self, key)

    def given(self, option: str, value: object, key: str, message: str, code: str) -> None:
        """A problem with a value that the command line's ``option`` gives when ``value`` is
        not ``None``, else the settings file's ``key``."""
        if value is None:
            self(key, message, code)
        else:
            self.problems.append(ConfigError(f"{option}: {message}", code=code))

    def base_url(self, message: str, code: str) -> None:
        """A problem with the base URL, from ``--base-url`` or the settings file."""
        self.given("--base-url", self.options.base_url, "base_url", message, code)

    def raise_any(self) -> None:
        """Raise the problem found, or :class:`BuildErrors` with every one found."""
        if self.problems:
            raise self.problems[0] if len(self.problems) == 1 else BuildErrors(self.problems)


def _checked(settings: dict[str, Any], report: _Report) -> dict[str, Any]:
    """Every setting's value: the file's (``base_url``: the command line's first), else its
    default; each checked for its type, a bad one reported and replaced by the default."""
    for key in settings:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(DEFAULTS)}"
            report(key, f"unknown setting '{key}'; {hint}", "FP002")
    values = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    for key, value in settings.items():
        bad = _values.xml_illegal(value)
        if bad is not None:
            report(
                key,
                f"{key} has the control character U+{ord(bad):04X}, which feeds cannot carry; "
                "remove it",
            )
    if report.options.base_url is not None:
        values["base_url"] = report.options.base_url
    for check in CHECKS:
        for setting in SETTINGS:
            if setting.check is check:
                try:
                    values[setting.name] = check(values[setting.name])
                except ValueError as e:
                    report(setting.name, f"{setting.name} {e}")
                    values[setting.name] = check(setting.default)
    return values


def _meanings(
    values: dict[str, Any], source: Source, folder: Path, report: _Report
) -> dict[str, Any]:
    """The :class:`Site`'s fields that the checked ``values`` mean, by name. Each is checked in
    turn, in the order its problems are reported in (this one)."""
    on = report.on
    dialect = _values.dialect_name(values["dialect"], on("dialect"))
    return {
        "dialect": dialect,
        "extensions": _values.extensions(values["extensions"], dialect, on("extensions")),
        "excerpt_separator": _values.excerpt_separator(
            values["excerpt_separator"], on("excerpt_separator")
        ),
        "author_table": _values.author_table(values["authors_file"], folder, on("authors_file")),
        "defaults": _values.front_matter_defaults(values["defaults"], on("defaults")),
        "permalinks": _values.permalinks(values["permalinks"], on("permalinks")),
        "frontmatter_date": _values.frontmatter_date(
            values["frontmatter_date"], on("frontmatter_date")
        ),
        **_languages(values, report),
        "summary_words": _values.summary_words(values["summary_words"], on("summary_words")),
        "base_url": _values.base_url(values["base_url"], report.base_url, source.path),
        "hubs": _values.hubs(values["hub"], on("hub")),
        "archive_size": _archive_size(values, report),
        "timezone": _values.timezone(values["timezone"], on("timezone")),
        "language": _values.language(values["language"], on("language")),
        "authors": _values.authors(values["author"], on("author")),
        "permalink": _values.permalink(
            values["permalink"], dialect, "permalink" in source.settings, on("permalink")
        ),
        **_feed_addresses(values, source, report),
    }


def _languages(values: dict[str, Any], report: _Report) -> dict[str, Any]:
    """Hugo's languages: which there are, which have feeds of their own, and the folders of
    their entries."""
    on = report.on
    codes = _values.languages(values["languages"], on("languages"))
    return {
        "languages": codes,
        "language_feeds": _values.language_feeds(
            values["language_feeds"], codes, on("language_feeds")
        ),
        "language_entries": _values.language_entries(
            values["language_entries"], codes, on("language_entries")
        ),
    }


def _feed_addresses(values: dict[str, Any], source: Source, report: _Report) -> dict[str, Any]:
    """Where the feed files go (the :class:`Site` fields of the same names), checked: each a
    path below the output folder, at least one format written, and no two feeds at one
    path (FP011) whatever the categories, tags and sections."""
    on = report.on
    found: dict[str, Any] = {
        key: _values.feed_path(key, values[key], on(key)) for key in _values.FEED_PATHS
    }
    for key in _values.PATTERNS:
        found[key] = _values.feed_pattern(key, values[key], on(key)) or DEFAULTS[key]
    found["category_feeds"] = _values.category_feeds(values["category_feeds"], on("category_feeds"))
    found["main_sections"] = _values.names(
        "main_sections", values["main_sections"], on("main_sections")
    )
    found["taxonomies"] = _values.names("taxonomies", values["taxonomies"], on("taxonomies"))
    found["main_limit"] = None
    if values["main_limit"] is not None:
        try:
            found["main_limit"] = _settings.count(values["main_limit"])
        except ValueError as e:
            report("main_limit", f"main_limit {e}")
        if values["archive"] is True:
            report("main_limit", "main_limit cannot be set with archive = true (set limit)")
    formats = [key for key in _values.FEED_PATHS if found[key] is not None]
    if not formats:
        report("rss_path", "rss_path, atom_path and json_path are all false: no feed is written")
    seen: dict[str, str] = {}
    for key in formats:
        first = seen.setdefault(found[key], key)
        if first != key:
            report(
                key,
                f"{key} '{found[key]}' is {first}'s too: two feeds cannot share an address",
                "FP011",
            )
    taxonomies = [
        k for k in ("category_feeds", "tag_feeds", "author_feeds") if found.get(k, values[k])
    ]
    taxonomies += found["taxonomies"]
    for key, on_at_all in (
        ("taxonomy_path", bool(taxonomies)),
        ("section_path", values["section_feeds"] is True),
        ("term_list_path", values["term_list_feeds"] is True and bool(taxonomies)),
    ):
        pattern = found[key]
        if not on_at_all:
            continue
        if len(formats) > 1 and "{file}" not in pattern:
            report(
                key,
                f"{key} '{pattern}' has no {{file}}, so the {formats[0][:-5]} and "
                f"{formats[1][:-5]} files of each feed would be at one address; add {{file}}, "
                "or turn a format off (e.g. rss_path = false)",
                "FP011",
            )
        if key == "taxonomy_path" and len(taxonomies) > 1 and "{taxonomy}" not in pattern:
            report(
                key,
                f"{key} '{pattern}' has no {{taxonomy}}, so a {taxonomies[0].split('_')[0]} and "
                f"a {taxonomies[1].split('_')[0]} of the same name would have one address; add "
                "{taxonomy}, or write only one kind of feed",
                "FP011",
            )
    keys = (*_values.FEED_PATHS, *_values.PATTERNS)
    lines = ((key, source.line(key)) for key in keys if key in source.settings)
    found["path_lines"] = tuple((key, line) for key, line in lines if line is not None)
    return found


def _archive_size(values: dict[str, Any], report: _Report) -> int:
    """The ``archive_size`` setting (default: ``limit``), which ``archive`` needs to be at most
    ``limit``, and ``limit`` to be 1 or more."""
    size = limit = values["limit"]
    if values["archive_size"] is not None:
        try:
            size = _settings.positive(values["archive_size"])
        except ValueError as e:
            report("archive_size", f"archive_size {e}")
    if values["archive"] is True:
        if limit == 0:
            report(
                "archive",
                "archive = true needs a limit of 1 or more: with limit = 0 the main feed "
                "already carries every entry",
            )
        elif size > limit:
            report(
                "archive_size",
                f"archive_size ({size}) must be at most limit ({limit}): "
                "until the first archive document is full, the main feed carries the history",
            )
    return size or 1


def _check_folders(
    entries: Path, output: Path, folder: Path, dialect: str, report: _Report
) -> None:
    """Report an entries or output folder that is a loop of links (FP005, FP006), and an
    output folder a build may not replace (FP006, see :func:`folder_overlap`)."""
    options = report.options
    named = True
    for key, where, option, given in (
        ("entries", entries, "--entries", options.entries),
        ("output", output, "--out", options.output),
    ):
        if "\x00" in str(where):  # no file name holds it (the settings' check names it)
            if given is not None:
                message = f"the {key} folder's name has the character U+0000; remove it"
                report.given(option, given, key, message, "FP005" if key == "entries" else "FP006")
            named = False
            continue
        if is_link_loop(where):  # every later look at the folder would fail
            message = (
                f"the {key} folder '{display_path(where)}' is a link that leads back to itself "
                "(a loop of links); remove the link, or choose another folder"
            )
            report.given(option, given, key, message, "FP005" if key == "entries" else "FP006")
    overlap = named and folder_overlap(output, entries, folder, report.source.path, dialect)
    if overlap:
        report.given("--out", options.output, "output", overlap, "FP006")
