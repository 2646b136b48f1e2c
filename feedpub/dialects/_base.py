"""The :class:`Dialect` protocol, and feedpub's own conventions (the base every dialect
starts from)."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FeedpubError
from ..fields import KNOWN_KEYS, PERMALINK_FIELDS, LinkMaker, Problems, entry_link, permalink_fields
from ..files import entry_files

if TYPE_CHECKING:
    from ..model import Entry, Site, Term


class Dialect:
    """Whose conventions a site's entry files follow, and everything that depends on it.

    This base class is feedpub's own dialect; :class:`~._jekyll.Jekyll` and
    :class:`~._hugo.Hugo` override what their tools do otherwise. The rest of feedpub asks the
    object :func:`feedpub.dialects.of` gives, and never compares a dialect's name."""

    #: The name of the ``dialect`` setting.
    name = "feedpub"
    #: Entry file endings read when the ``extensions`` setting is not given.
    extensions: tuple[str, ...] = (".md", ".markdown")
    #: Front matter keys it reads or knows, for the typo warning (FP203).
    known_keys: frozenset[str] = KNOWN_KEYS
    #: The ``permalink`` setting when the site sets none (``None``: feedpub's default).
    default_permalink: str | None = None
    #: The folders of the entries folder entries are read from, when not all of it: Jekyll's
    #: entries folder is the site itself, of which only ``_posts`` and ``_drafts`` are read.
    entry_folders: tuple[str, ...] = ()
    #: Folders of the site published at the site's root besides the output folder, where an
    #: ``image`` or ``enclosure`` path may name a file (Hugo's ``static/``).
    static_folders: tuple[str, ...] = ()
    #: Whether front matter may follow blank lines or spaces (Hugo's page parser skips them;
    #: an editor hides them, so feedpub's own dialect does too; Jekyll does not).
    front_matter_after_space = True
    #: Whether an ``image`` path must name a file of the site (an error, FP113, if not);
    #: ``False``: its address is used with a warning (FP215), as Jekyll's feeds write it.
    images_need_files = True
    #: Whether some entries may be sections' own pages (:meth:`branch`), dated by the pages
    #: of their section when undated: a new entry may change another's date.
    branches = False
    #: Whether a body may link to another entry by its file (Jekyll's ``post_url``, Hugo's
    #: ``ref``): then rendering needs every entry's link.
    links_in_bodies = False

    def entry_files(self, site: Site) -> tuple[list[str], list[FeedpubError]]:
        """The entry files of ``site`` (strings, in a stable order), and the links among them
        that cannot be followed."""
        return entry_files(site.entries, site.extensions)

    def prepare(
        self, path: Path, meta: dict[str, Any], site: Site, problems: Problems
    ) -> tuple[dict[str, Any], LinkMaker, dict[str, Any]]:
        """The front matter in feedpub's words, the function that makes the entry's link, and
        the extra :class:`~feedpub.model.Entry` fields the dialect sets. Raises
        :class:`~feedpub.errors.NotAnEntry` for a file the dialect's tool would not publish."""
        return meta, entry_link, {}

    def branch(self, path: Path) -> bool:
        """Whether the entry file ``path`` is a section's own page (Hugo's ``_index.md``):
        listed in the category, tag and author feeds only, as Hugo's term feeds list it; it
        gives its section a feed, but is in neither that one nor the main feed."""
        return False

    def language(self, path: Path, site: Site) -> str | None:
        """The language of the entry file ``path`` whose feeds carry it: "" for the site's
        first (its main feeds), the code of another whose feeds are written (below
        :attr:`~feedpub.model.LanguageFeeds.folder`; see :meth:`~feedpub.model.Site.in_language`),
        ``None`` for one in no feed. feedpub's own sites have one language."""
        return ""

    def same_term(self, first: str, other: str) -> bool:
        """Whether two category (tag, author) names that make the same feed slug are one
        term, whose feeds merge; otherwise the build stops (FP111)."""
        return False

    def term_slug(self, name: str) -> str:
        """The folder of a category's (tag's, author's) feed: its slug (python-slugify:
        lowercase ASCII, "Business & Economy" → business-economy); "" when it makes none."""
        return _slugify(name)

    def taxonomy_page(self, site: Site, path: Path) -> tuple[str, str] | None:
        """The taxonomy and term whose own page the entry file ``path`` is (Hugo's
        ``content/categories/news/_index.md``: "categories", "news"; the term is "" for the
        taxonomy's page), which gives the term's item in the term-list feed its title, date
        and summary, and is in no feed itself; ``None`` for an entry."""
        return None

    def term_name(self, site: Site, names: Sequence[tuple[str, Entry]]) -> str:
        """The name a term-list feed shows for a term, of the ways its entries write it
        (``names``: each with its entry, newest entry first): the newest entry's."""
        return names[0][0]

    def term_page(self, site: Site, taxonomy: str, slug: str) -> tuple[str, str] | None:
        """The address of the page of the term ``slug`` (its feed's folder) of ``taxonomy``
        (``categories``), which the term's item in a term-list feed links to, and the item's
        id; ``None`` when the dialect's tool makes no such page (the item links to the
        term's feed, which is its id)."""
        return None

    def term_order(self, term: Term) -> tuple[Any, ...]:
        """The sort key of a term-list feed's items: newest first, then by name."""
        return (-term.date.timestamp(), term.title.casefold(), term.title)

    def term_list_head(
        self, site: Site, taxonomy: str, title: str | None = None
    ) -> tuple[str, str, str | None]:
        """The title, description and page (``None``: the site's) of the term-list feed of
        ``taxonomy`` (``categories``), whose own page has ``title``, if any."""
        name = title or f"{taxonomy[:1].upper()}{taxonomy[1:]}"
        return f"{site.title} \u2014 {name}", site.description, None

    def title(self, text: str) -> str:
        """A title (an entry's, the site's) as the dialect's tool writes it in its feeds."""
        return text

    def check_permalink(self, pattern: str, problem: Callable[[str], None]) -> None:
        """Call ``problem`` with what is wrong with the ``permalink`` setting ``pattern``."""
        check_permalink(pattern, problem)

    def folders(self, path: Path, site: Site) -> tuple[str, ...]:
        """The folders of the entry file ``path`` below the entries folder (Hugo: below its
        language's there), that :meth:`section` reads its section from."""
        try:
            return path.relative_to(site.entries).parts[:-1]
        except ValueError:
            return ()

    def section(self, folders: tuple[str, ...]) -> str:
        """The section of an entry in ``folders`` of the entries folder: the top one (as
        Hugo's sections), "" for an entry at the top."""
        return folders[0] if folders else ""

    def has_templates(self, body: str) -> bool:
        """Whether a body may hold template syntax of the dialect's tool (a cheap test)."""
        return False

    def template_inputs(self, site: Site) -> str:
        """What the files a body's templates may read look like now (their names, sizes
        and times): when it changes, bodies are rendered again. feedpub's own: none."""
        return ""

    def convert(
        self, body: str, entry: Entry, site: Site, links: Mapping[str, str] | None = None
    ) -> tuple[str, list[tuple[int, str]]]:
        """``entry``'s ``body`` with its template syntax handled, and what was left out: each
        as (0-based line in ``body``, the text left out). ``links``: the link of every entry
        by its file name in the entries folder (for ``post_url``, ``ref``), ``None`` while
        scanning, when they are not known yet. feedpub's own entries have none."""
        return body, []


@lru_cache(maxsize=4096)
def _slugify(name: str) -> str:
    from slugify import slugify  # only where feeds are planned

    return slugify(name)


def check_permalink(pattern: str, problem: Callable[[str], None]) -> None:
    try:
        fields = set(permalink_fields(pattern))
    except ValueError:
        problem(f"permalink '{pattern}' has an unmatched '{{' or '}}'")
        return
    unknown = fields - PERMALINK_FIELDS
    parts = string.Formatter().parse(pattern)
    if any(spec or conversion for _, field, spec, conversion in parts if field is not None):
        # A format spec: {slug:>99999999999} would make links of any length (or none at all)
        problem(f"permalink '{pattern}': write placeholders as {{name}}, without ':' or '!'")
    elif unknown:
        problem(
            f"permalink uses unknown placeholder {{{sorted(unknown)[0]}}}; "
            f"use {', '.join('{' + f + '}' for f in sorted(PERMALINK_FIELDS))}"
        )
    elif "slug" not in fields:
        problem("permalink must contain {slug}, or every entry would get the same link")
    if ".." in pattern.split("/") or "\\" in pattern:
        problem("permalink may not contain '..' or '\\'")
