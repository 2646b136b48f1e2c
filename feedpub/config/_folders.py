"""Where a site is: its settings file (``feedpub.toml``, or ``[tool.feedpub]`` in
``pyproject.toml``), found here or in a parent folder, and the folders a build may not write
into (the site's own, the entries folder, a ``.git``...: FP006).
"""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path

from .. import dialects
from ..errors import ConfigError, display_path
from ..model import Site

CONFIG_NAME = "feedpub.toml"
PYPROJECT_NAME = "pyproject.toml"


def is_link_loop(path: Path) -> bool:
    """Whether ``path`` (or a folder on the way to it) is a loop of symbolic links."""
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def find_config(folder: Path) -> Path | None:
    """``feedpub.toml`` in ``folder``, else a ``pyproject.toml`` there with ``[tool.feedpub]``."""
    candidate = folder / CONFIG_NAME
    if candidate.is_file():
        return candidate
    candidate = folder / PYPROJECT_NAME
    if candidate.is_file():
        try:
            data = candidate.read_bytes()
        except OSError:
            return candidate  # let load_site report what is wrong with it
        try:
            tool = tomllib.loads(data.decode("utf-8-sig")).get("tool")
            if isinstance(tool, dict) and "feedpub" in tool:  # (``tool = 5``: not ours)
                return candidate
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            # Some other project's broken file is none of ours; one naming feedpub may be
            # the site's, and load_site says what is wrong with it.
            return candidate if b"feedpub" in data else None
    return None


def find_site_config(start: Path) -> Path | None:
    """The settings of the site ``start`` lies in: :func:`find_config` in ``start``, else in
    the nearest parent folder that has them, as git looks for ``.git``. The search ends at
    the user's home folder (looked in, not above) and where a parent folder lies on another
    file system (as git's does), so settings of some unrelated folder above are not taken."""
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, OSError):  # no HOME and no entry in the password database
        home = None
    folder = start.resolve()
    while True:
        found = find_config(folder)
        if found is not None or folder == home or folder.parent == folder:
            return found
        try:
            if folder.parent.stat().st_dev != folder.stat().st_dev:
                return None
        except OSError:
            return None
        folder = folder.parent


def folder_overlap(
    output: Path, entries: Path, folder: Path, config: Path | None = None, dialect: str = "feedpub"
) -> str | None:
    """Why ``output`` cannot be the output folder of a site in ``folder`` (the settings
    file's) whose entries are in ``entries``, or ``None`` when it can.

    A build replaces its output folder as a whole (and keeps its cache and staging folders
    beside it), so the output folder must hold nothing but outputs: it may not be the site
    folder or contain it, contain the entries folder, the settings file or a ``.git``, lie
    inside the entries folder (for Jekyll, which reads only ``_posts`` and ``_drafts``: inside
    those), or be or lie in a ``.git`` folder or feedpub's cache folder.
    """
    from ..model import CACHE_DIR

    try:
        out, site, into = output.resolve(), folder.resolve(), entries.resolve()
        settings = config.resolve() if config is not None else None
        git = os.path.lexists(out / ".git")
        special = dialects.of(dialect).entry_folders  # (Jekyll: _posts and _drafts)
        holds_posts = any(os.path.lexists(out / n) for n in special)
    except (OSError, RuntimeError):  # a loop of links: the build itself says what is wrong
        return None
    where = "the folder of the settings file" if config else "no settings file: the current one"
    inside_entries = into in out.parents
    if special:
        # A Jekyll site's entries folder is the site itself, and an output folder such as
        # _site or _feeds inside it is normal: only _posts and _drafts are read.
        inside_entries = inside_entries and any(
            part in special for part in out.relative_to(into).parts
        )
    if out == site:
        why = f"is the site folder ({where})"
    elif out in site.parents:
        why = f"contains the site folder '{display_path(site)}' ({where})"
    elif out == into:
        why = "is the entries folder"
    elif out in into.parents:
        why = f"contains the entries folder '{display_path(entries)}'"
    elif inside_entries:
        why = f"is inside the entries folder '{display_path(entries)}'"
    elif settings is not None and out in settings.parents:
        why = f"contains the settings file '{display_path(settings)}'"
    elif git:
        why = "holds a .git (a repository, not a folder of feeds)"
    elif ".git" in out.parts:
        why = "is a repository's .git folder or inside one"
    elif holds_posts:
        why = f"holds a {' or '.join(special)} folder of entries"
    elif CACHE_DIR in out.parts:
        why = f"is feedpub's cache folder ({CACHE_DIR}) or inside it"
    elif ".feedpub-stage-" in out.name:
        why = "is named like the staging folder of a build"
    elif ".feedpub-lock" in out.name:
        why = "is named like the lock file of a build"
    else:
        return None
    return (
        f"the output folder '{display_path(output)}' {why}; a build replaces the output "
        "folder as a whole, so give the feeds a folder of their own (default 'public')"
    )


def check_folders(site: Site) -> None:
    """Raise :class:`ConfigError` (FP006) when ``site``'s output folder overlaps the site,
    its entries, its settings or a repository (see :func:`folder_overlap`)."""
    overlap = folder_overlap(site.output, site.entries, site.folder, site.config_path, site.dialect)
    if overlap is not None:
        raise ConfigError(overlap, site.config_path, code="FP006")
