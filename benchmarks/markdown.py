"""Compare CommonMark renderers on the benchmark's entries: speed, and the GFM features feeds need.

    python benchmarks/markdown.py --entries 2000

Renders the bodies of generated entries with each installed renderer (cmarkgfm, pyromark,
markdown-it-py) and prints milliseconds per entry, then whether each renders the GitHub
extensions feedpub relies on (tables, strikethrough, bare-URL autolinks) and keeps raw HTML for
the sanitiser. Install the ones you want compared: `pip install pyromark markdown-it-py`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

SAMPLES = {
    "table": ("| a | b |\n| --- | --- |\n| 1 | 2 |\n", ("<table>",)),
    "strikethrough": ("~~gone~~\n", ("<del>", "<s>")),
    "autolink": ("see www.example.com today\n", ('href="http://www.example.com"',)),
    "raw HTML kept": ('<figure><img src="x.png"></figure>\n', ("<figure>",)),
}


def renderers() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    try:
        import cmarkgfm
        from cmarkgfm.cmark import Options

        def cmark(text: str) -> str:
            return cmarkgfm.markdown_to_html_with_extensions(
                text,
                options=Options.CMARK_OPT_UNSAFE,
                extensions=["table", "strikethrough", "autolink"],
            )

        found["cmarkgfm (cmark-gfm, used by feedpub)"] = cmark
    except ImportError:
        pass
    try:
        import pyromark

        options = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
        found["pyromark (pulldown-cmark)"] = lambda text: pyromark.html(text, options=options)
    except ImportError:
        pass
    try:
        from markdown_it import MarkdownIt

        parser = MarkdownIt("gfm-like", {"html": True})
        try:
            parser.render("www.example.com")
        except ModuleNotFoundError:  # its autolinks need linkify-it-py
            parser = MarkdownIt("gfm-like", {"html": True, "linkify": False}).disable("linkify")
        found["markdown-it-py"] = parser.render
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        site = generate.generate(Path(temp) / "site", args.entries)
        bodies = [
            p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
            for p in sorted((site / "entries").iterdir())
        ]
    print(f"{len(bodies)} entries, {sum(map(len, bodies)) / len(bodies) / 1024:.1f} KiB each\n")
    print("| renderer | ms per entry | " + " | ".join(SAMPLES) + " |")
    print("| --- | ---: |" + " --- |" * len(SAMPLES))
    for name, render in renderers().items():
        started = time.perf_counter()
        for body in bodies:
            render(body)
        per_entry = (time.perf_counter() - started) / len(bodies) * 1000
        checks = [
            "yes" if any(m in render(text) for m in markers) else "no"
            for text, markers in SAMPLES.values()
        ]
        print(f"| {name} | {per_entry:.3f} | " + " | ".join(checks) + " |")


if __name__ == "__main__":
    main()
