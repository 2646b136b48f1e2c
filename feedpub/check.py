"""``feedpub check``: every build error plus warnings, and the built feeds against the specs.

Nothing is written. The feed rules here are our own reading of RSS 2.0 (RSS Advisory Board
profile) and RFC 4287, the ones public validators apply; they check feedpub's own output, so a
finding in the FP3xx range on a site without ``sanitize = false`` is a feedpub bug to report.
"""

from __future__ import annotations

import io
import sys
import types
from collections import defaultdict
from datetime import datetime
from typing import Any

from . import dialects
from .cache import Cache
from .errors import BuildWarning, FeedpubError
from .feeds import finding, from_problem, summary_findings
from .feeds.atom import lint_atom
from .feeds.jsonfeed import lint_json
from .feeds.rss import lint_rss
from .files import read_body
from .model import Entry, Finding, Site
from .pipeline import archive_changes, entry_links, feed_outputs, id_changes, render_into
from .plan import carried, current_time, plan_feeds
from .render import derive_summary
from .scan import scan_all


def check(
    site: Site, *, drafts: bool = False, future: bool = False, now: datetime | None = None
) -> list[Finding]:
    """Every problem and warning of ``site``, in file order; writes nothing."""
    # A throw-away cache: check writes nothing, not even the cache.
    with Cache.open(site, enabled=False) as cache:
        try:
            scanned = scan_all(site, cache)
        except FeedpubError as e:
            return from_problem(e)
        entries = list(scanned.entries)
        found: list[FeedpubError | BuildWarning] = [*scanned.problems, *scanned.warnings]
        findings = [f for p in found for f in from_problem(p)]
        findings += [f for w in id_changes(site, scanned.entries) for f in from_problem(w)]
        findings += _entry_findings(site, entries, future=future, now=now)
        if not scanned.problems:
            try:
                plans = plan_feeds(site, scanned.entries, drafts=drafts, future=future, now=now)
            except FeedpubError as e:
                plans = []
                findings += from_problem(e)
            findings += [f for w in archive_changes(site, plans) for f in from_problem(w)]
            links = entry_links(
                site, lambda: {scanned.names[e.path]: e.link for e in scanned.entries}
            )
            render_into(site, carried(plans), scanned.digests, cache, None, links=links)
            outputs = feed_outputs(site, scanned.entries, plans, scanned.digests, cache)
            linters = {"rss": lint_rss, "atom": lint_atom, "json": lint_json}
            formats = {name: format for plan in plans for format, name in plan.files}
            for name, write in outputs.items():
                if name not in formats:
                    continue
                buffer = io.BytesIO()
                write(buffer)  # type: ignore[operator]
                lint = linters[formats[name]]
                findings += lint(buffer.getvalue(), site.output / name, site.feed_url(name))
    return sorted(findings, key=lambda f: (str(f.path or ""), f.line or 0, f.code, f.message))


# --------------------------------------------------------------------------- entries


def _entry_findings(
    site: Site, entries: list[Entry], *, future: bool, now: datetime | None
) -> list[Finding]:
    found: list[Finding] = []
    now = now or current_time()
    spellings: dict[str, dict[str, Entry]] = defaultdict(dict)
    for e in entries:
        for term in (*e.categories, *e.tags):
            spellings[term.casefold()].setdefault(term, e)
    for variants in spellings.values():
        if len(variants) < 2:
            continue
        (first, first_entry), *others = variants.items()
        for term, e in others:
            keys = ("categories", "category") if term in e.categories else ("tags",)
            found.append(
                finding(
                    "FP204",
                    f"'{term}' is also spelled '{first}' (in {first_entry.path.name}); readers "
                    "will show two categories. Use one spelling",
                    e.path,
                    e.line_of(*keys),
                )
            )
    for e in entries:
        shown = e.publish_date or e.date
        if shown > now and not e.draft and not future:
            found.append(
                finding(
                    "FP205",
                    f"dated {shown.isoformat()}, in the future: left out of the feeds until "
                    "then (build with --future to include it)",
                    e.path,
                    e.line_of("date"),
                )
            )
        if not e.authors:
            found.append(
                finding(
                    "FP209",
                    "no author, and the site sets none; add 'author: Name <email>' here or "
                    "'author' in the configuration",
                    e.path,
                    1,
                )
            )
        if e.summary is None:
            body = read_body(e, site)
            body = dialects.of(site).convert(body, e, site)[0]
            separator = e.excerpt_separator or site.excerpt_separator
            summary = derive_summary(body, None, site.summary_length, separator)
            found += summary_findings(e, summary)
    return found


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`check`. Once imported (``from feedpub.check import
    check``, the CLI's ``check``) it is the package's attribute ``check``, which the library's
    ``feedpub.check(site)`` calls: the import system sets it, after any code here runs."""

    def __call__(self, *args: Any, **kwargs: Any) -> list[Finding]:
        return check(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
