"""What ``feedpub check`` says of the feeds a build is about to write, said before writing:
a build never writes a feed ``check`` would call invalid.
"""

from __future__ import annotations

import io
from collections.abc import Container, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import cast

from ..cache import Cache
from ..errors import BuildErrors, BuildWarning, FeedpubError
from ..feeds import item_findings
from ..feeds.atom import lint_atom
from ..feeds.jsonfeed import lint_json
from ..feeds.rss import lint_rss
from ..model import Entry, FeedPlan, Finding, Site
from ..plan import carried
from ._output import Content
from ._render import ItemChecks, rendered_items

# --------------------------------------------------------------------------- build


def check_written(
    site: Site,
    plans: list[FeedPlan],
    outputs: dict[str, Content | None],
    digests: Mapping[Path, str],
    cache: Cache,
    names: Mapping[Path, str],
    verified: Container[Path] = (),
    unverified: list[Entry] | None = None,
    known: ItemChecks | None = None,
) -> dict[str, Sequence[BuildWarning]]:
    """What ``check`` says of the feeds a build is about to write (the ``outputs`` that are
    not ``None``), from the same rules: each feed's document without its items, by
    :func:`lint_rss`, :func:`lint_atom` or :func:`lint_json`, and each item it carries once,
    on the values written into it (:func:`item_findings`), which costs far less than reading
    every item of every feed back; but not the items of the entries ``verified`` (by path)
    as they are, which the last build checked (or: only those ``unverified``). Raises
    :class:`BuildErrors` with the errors (the build then writes nothing); returns the
    warnings by ``feed:`` and the feed file's name, and by ``entry:`` and the entry file's
    name in ``names``, with an empty list for each one checked that has none. ``known``:
    what check said of the items as they were rendered, when every one was (then no item is
    read back from the cache for it)."""
    import dataclasses

    linters = {"rss": lint_rss, "atom": lint_atom, "json": lint_json}
    found: dict[str, Sequence[Finding]] = {}
    written = [plan for plan in plans if any(outputs.get(n) is not None for n in plan.names)]
    for plan in written:
        for format, name in plan.files:
            write = outputs.get(name)
            if not isinstance(write, partial):
                continue
            feed, url = write.args[0], write.args[1]
            head = io.BytesIO()
            write.func(dataclasses.replace(feed, items=tuple, keys=None), url, head)
            lint = linters[format]
            found[f"feed:{name}"] = lint(head.getvalue(), site.output / name, url)
    if unverified is None:  # (a caller that knows them need not go through every entry)
        unverified = [e for e in carried(written) if e.path not in verified]
    if known is not None and known.every:
        for entry in unverified:
            found[f"entry:{names[entry.path]}"] = known.findings.get(entry.path, ())
    else:
        items = rendered_items(site, unverified, digests, cache)()
        for entry, item in zip(unverified, items, strict=True):
            # (most have none: one empty list for all of them, not one each: 100,000 entries)
            found[f"entry:{names[entry.path]}"] = item_findings(item) or ()
    errors = [f for findings in found.values() for f in findings if f.severity == "error"]
    if errors:
        raise BuildErrors(FeedpubError(f.message, f.path, f.line, f.code) for f in errors)
    warnings = cast("dict[str, Sequence[BuildWarning]]", found)
    for key, findings in found.items():  # (in place: a second dict of every entry, 5 MB)
        if findings:
            warnings[key] = [BuildWarning(f.code, f.message, f.path, f.line) for f in findings]
    return warnings
