"""Benchmark feedpub builds, and Hugo's on the same entries when `hugo` is installed.

    python benchmarks/run.py --entries 1000 10000 100000

For each size it generates a site (benchmarks/generate.py, fixed seed) and prints, for two
workloads ("full": every entry in the main feeds with full content, no per-category feeds, as
Hugo builds it; "typical": the default limit of 20 items and the per-category feeds), the wall
time and peak memory (RSS) of:

- the read floor: a Python process that only reads every entry file;
- a cold build (no cache, no output), a warm build with nothing changed, a warm build after
  editing one entry and after adding one;
- Hugo building an RSS and an Atom feed of every entry with full content (full workload only),
  with the ratio feedpub/Hugo from the same run.

Every command runs in its own process, as a user would run it; times are wall-clock seconds.
Each step is measured ``--repeat`` times (default 3) and the best run is shown, the read
floor's and Hugo's as well: on a shared machine a run is slowed at random by others' work,
never sped up, so the fastest is the least disturbed (as ``timeit`` advises). Each repetition
starts from the same state: a cold build without the cache and the outputs, an edit or an
addition of its own before each warm build.
"Cold" means without feedpub's cache, not with files unread: the entries are read once (untimed)
before each timed command, as for the read floor, so that every number is taken with the
files in the system's page cache (on this shared machine they are otherwise dropped now and
then, and a build that happens to read them from disk takes twice as long).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

READ_FLOOR = """
import os, sys
total = 0
for top, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(top, name), "rb") as f:
            total += len(f.read())
"""

HUGO_CONFIG = """\
baseURL = "https://bench.example.com/"
title = "Benchmark Gazette"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
[services.rss]
limit = -1
[outputs]
home = ["RSS", "Atom"]
page = []
section = []
[mediaTypes."application/atom+xml"]
suffixes = ["xml"]
[outputFormats.Atom]
mediaType = "application/atom+xml"
baseName = "atom"
"""
HUGO_RSS = """\
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link><description>bench</description>
{{ range .Site.RegularPages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>
<guid>{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
{{ range .Params.categories }}<category>{{ . }}</category>{{ end }}
<description>{{ .Summary | html }}</description>
<content:encoded>{{ .Content | html }}</content:encoded>
</item>{{ end }}</channel></rss>
"""
HUGO_ATOM = """\
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Site.Title }}</title>
<id>{{ .Permalink }}</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range .Site.RegularPages }}<entry><title>{{ .Title }}</title><id>{{ .Permalink }}</id>
<link href="{{ .Permalink }}"/><updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range .Params.categories }}<category term="{{ . }}"/>{{ end }}
<summary>{{ .Summary | plainify }}</summary><content type="html">{{ .Content | html }}</content>
</entry>{{ end }}</feed>
"""


@dataclass
class Run:
    seconds: float
    peak_mib: float

    def __str__(self) -> str:
        return f"{self.seconds:7.2f} s {self.peak_mib:6.0f} MiB"


def measure(command: list[str], cwd: Path) -> Run:
    """Run ``command`` and return its wall time and peak RSS (its own and its children's)."""
    # As an installed feedpub runs: its compiled modules kept (pip compiles them at install);
    # a PYTHONDONTWRITEBYTECODE=1 in the environment (set on some machines) would make every
    # run of this editable checkout compile feedpub again.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024)


def feedpub(site: Path, config: str) -> list[str]:
    return [sys.executable, "-m", "feedpub", "build", "--quiet", "--config", config]


def hugo_site(site: Path) -> Path:
    """A Hugo site whose content is the benchmark's entries (hard links)."""
    root = site / "hugo"
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for path in (site / "entries").iterdir():
        os.link(path, posts / path.name)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts"
    layouts.mkdir()
    (layouts / "index.rss.xml").write_text(HUGO_RSS, encoding="utf-8")
    (layouts / "index.atom.xml").write_text(HUGO_ATOM, encoding="utf-8")
    return root


def bench(
    count: int,
    workdir: Path,
    with_hugo: bool,
    workloads: tuple[str, ...] = ("full", "typical"),
    repeat: int = 3,
) -> list[str]:
    site = generate.generate(workdir / f"site-{count}", count)
    # "full" is what Hugo builds too: the main feeds with every entry, no per-category feeds.
    (site / "full.toml").write_text(
        (site / "feedpub.toml")
        .read_text(encoding="utf-8")
        .replace("limit = 20", "limit = 0\ncategory_feeds = false"),
        encoding="utf-8",
    )
    (site / "typical.toml").write_text(
        (site / "feedpub.toml")
        .read_text(encoding="utf-8")
        .replace("limit = 20", 'limit = 20\noutput = "public-typical"'),
        encoding="utf-8",
    )
    read_all = [sys.executable, "-c", READ_FLOOR, "entries"]
    floor = best(measure(read_all, site) for _ in range(repeat))

    def timed(command: list[str], cwd: Path, before: Callable[[int], None] | None = None) -> Run:
        """The best of ``repeat`` runs of ``command``, each after ``before(i)`` (untimed)."""
        runs = []
        for i in range(repeat):
            if before:
                before(i)
            measure(read_all, site)  # the entries in the page cache, as for the floor
            runs.append(measure(command, cwd))
        return best(runs)

    lines = [f"### {count:,} entries", "", f"read floor: {floor}", ""]
    lines += [
        "| workload | step | time | peak RSS | vs read floor | vs Hugo |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    hugo = None
    if with_hugo and "full" in workloads:
        root = hugo_site(site)
        out = site / "hugo-public"
        hugo = timed(
            ["hugo", "--quiet", "--destination", str(out)],
            root,
            lambda _: shutil.rmtree(out, ignore_errors=True),
        )
        lines.append(
            f"| full | Hugo {_hugo_version()} | {hugo.seconds:.2f} s | {hugo.peak_mib:.0f} MiB "
            f"| {hugo.seconds / floor.seconds:.1f} | 1.00 |"
        )
    entries = sorted((site / "entries").iterdir())
    for workload in workloads:
        steps = _steps(site, workload, entries, timed)
        for step, run in steps.items():
            versus = f"{run.seconds / hugo.seconds:.2f}" if hugo and workload == "full" else ""
            lines.append(
                f"| {workload} | {step} | {run.seconds:.2f} s | {run.peak_mib:.0f} MiB "
                f"| {run.seconds / floor.seconds:.1f} | {versus} |"
            )
    return [*lines, ""]


def _steps(
    site: Path, workload: str, entries: list[Path], timed: Callable[..., Run]
) -> dict[str, Run]:
    """The four builds of one workload, each from the state the one before left."""
    command = feedpub(site, f"{workload}.toml")
    output = site / ("public" if workload == "full" else "public-typical")

    def cold(_: int) -> None:
        shutil.rmtree(site / ".feedpub-cache", ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)

    def edit(i: int) -> None:
        edited = entries[len(entries) // 2]
        text = edited.read_text(encoding="utf-8")
        edited.write_text(f"{text}\nEdited ({workload}, {i}).\n", encoding="utf-8")

    def add(i: int) -> None:
        added = site / "entries" / f"9999-12-31-added-{workload}-{i}.md"
        added.write_text(
            f"---\ntitle: Added {i}\ndate: 2025-06-01 00:00:0{i % 10}\n---\nNew entry.\n",
            encoding="utf-8",
        )

    return {
        "cold": timed(command, site, cold),
        "warm, no change": timed(command, site),
        "warm, one edited": timed(command, site, edit),
        "warm, one added": timed(command, site, add),
    }


def best(runs: Iterable[Run]) -> Run:
    """The fastest of ``runs``."""
    return min(runs, key=lambda r: r.seconds)


def _hugo_version() -> str:
    output = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
    return output.split()[1].split("+")[0] if output else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even if installed")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument(
        "--workload",
        choices=["full", "typical"],
        action="append",
        help="only this workload (repeatable; default: both)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each step, the best shown (default 3)"
    )
    args = parser.parse_args()
    with_hugo = not args.no_hugo and shutil.which("hugo") is not None
    if not with_hugo and not args.no_hugo:
        print("hugo is not installed (apt-get install hugo): no Hugo comparison.\n")
    print(f"feedpub benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory(prefix="feedpub-bench-") as temp:
        workdir = args.keep or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        for count in args.entries:
            workloads = tuple(args.workload or ("full", "typical"))
            lines = bench(count, workdir, with_hugo, workloads, max(1, args.repeat))
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
