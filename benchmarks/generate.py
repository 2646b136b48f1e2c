"""Generate a deterministic benchmark site: N entries of realistic front matter and Markdown.

    python benchmarks/generate.py --entries 10000 --out /tmp/site

Each entry has ~9.5 KB of Markdown (headings, paragraphs, lists, links, images, a code block, a
table) and front matter with several categories and tags. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "market",
    "policy",
    "energy",
    "vehicle",
    "battery",
    "supply",
    "chain",
    "factory",
    "investor",
    "analyst",
    "growth",
    "quarter",
    "revenue",
    "tariff",
    "import",
    "export",
    "labor",
    "union",
    "software",
    "platform",
    "customer",
    "price",
    "inflation",
    "rate",
    "bank",
    "credit",
    "housing",
    "retail",
    "consumer",
    "demand",
    "forecast",
    "region",
    "county",
    "council",
    "budget",
    "school",
    "transit",
    "bridge",
    "river",
    "harbor",
    "climate",
    "storm",
    "harvest",
    "festival",
    "museum",
    "library",
    "research",
    "study",
    "patient",
    "hospital",
    "clinic",
    "startup",
    "founder",
    "venture",
    "fund",
]
CATEGORIES = [
    "Business & Economy",
    "Politics",
    "Technology",
    "Science",
    "Health",
    "Local",
    "World",
    "Culture",
    "Sports",
    "Opinion",
    "Climate",
    "Education",
]
TAGS = [f"tag-{i}" for i in range(200)]
AUTHORS = [
    "Emily Carter <emily@example.com>",
    "Jun Park",
    "Amara Okafor <amara@example.com>",
    "Luis García",
    "Sofia Rossi <sofia@example.com>",
    "Noah Schmidt",
]
CONFIG = """\
title = "Benchmark Gazette"
base_url = "https://bench.example.com/"
description = "Generated entries for benchmarks"
timezone = "Europe/Berlin"
author = "Newsroom <newsroom@bench.example.com>"
limit = {limit}
"""


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    parts = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 6))]
    i = rng.randrange(len(parts))
    parts[i] += f" See [the {rng.choice(WORDS)} report](../{rng.choice(WORDS)}/) for more."
    return " ".join(parts)


def body(rng: random.Random, target: int = 9500) -> str:
    blocks: list[str] = []
    size = 0
    while size < target:
        kind = rng.random()
        if kind < 0.08:
            block = f"## {sentence(rng, 4)[:-1]}"
        elif kind < 0.16:
            block = "\n".join(f"- {sentence(rng, rng.randint(4, 10))}" for _ in range(4))
        elif kind < 0.20:
            block = (
                f"![{rng.choice(WORDS)} chart](images/{rng.choice(WORDS)}-{rng.randint(1, 99)}.png)"
            )
        elif kind < 0.24:
            block = (
                "```python\n"
                + "\n".join(
                    f"{rng.choice(WORDS)} = compute({rng.randint(1, 999)})  # {rng.choice(WORDS)}"
                    for _ in range(6)
                )
                + "\n```"
            )
        elif kind < 0.27:
            block = "| item | value |\n| --- | --- |\n" + "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(1, 9999)} |" for _ in range(4)
            )
        else:
            block = paragraph(rng)
        blocks.append(block)
        size += len(block) + 2
    return "\n\n".join(blocks) + "\n"


def entry(rng: random.Random, index: int, start: datetime) -> tuple[str, str]:
    date = start + timedelta(minutes=37 * index + rng.randint(0, 30))
    title = sentence(rng, rng.randint(5, 10))[:-1]
    slug = f"{index:06d}-" + "-".join(title.lower().split()[:5])
    cats = rng.sample(CATEGORIES, rng.randint(1, 3))
    tags = rng.sample(TAGS, rng.randint(2, 6))
    fm = [
        "---",
        f'title: "{title}"',
        f"date: {date.strftime('%Y-%m-%d %H:%M:%S')}",
        f"author: {rng.choice(AUTHORS)}",
        "categories:",
        *(f"  - {c}" for c in cats),
        f"tags: [{', '.join(tags)}]",
    ]
    if rng.random() < 0.5:
        fm.append(f'summary: "{sentence(rng, 25)}"')
    fm.append("---")
    return f"{date:%Y-%m-%d}-{slug}.md", "\n".join(fm) + "\n\n" + body(rng)


def generate(out: Path, count: int, *, seed: int = 42, limit: int = 20) -> Path:
    """Write ``count`` entries and a feedpub.toml into ``out``; returns ``out``."""
    rng = random.Random(seed)
    entries = out / "entries"
    entries.mkdir(parents=True, exist_ok=True)
    (out / "feedpub.toml").write_text(CONFIG.format(limit=limit), encoding="utf-8")
    start = datetime(2015, 1, 1, tzinfo=UTC)
    for index in range(count):
        name, text = entry(rng, index, start)
        (entries / name).write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000, help="number of entries")
    parser.add_argument("--out", type=Path, required=True, help="site folder to create")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--limit", type=int, default=20, help="'limit' in feedpub.toml (0: all)")
    args = parser.parse_args()
    generate(args.out, args.entries, seed=args.seed, limit=args.limit)


if __name__ == "__main__":
    main()
