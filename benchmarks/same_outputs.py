"""Check that two versions of feedpub produce the same outputs: every file of the output folder,
and the stdout, stderr and exit status of ``build``, ``check --format json`` and ``list --format
json``, on the sample site, every fixture site in tests/data and a generated site.

For a change that must not change behaviour (moving code between modules, say):

    python benchmarks/same_outputs.py --base main          # the working tree against main
    python benchmarks/same_outputs.py --base HEAD~3 --entries 300

The base version is checked out into a temporary git worktree and run from there with the same
Python (the same installed dependencies); each site is copied to the same temporary path for
both versions, so paths in messages agree. Build times in the summary line are masked. Prints
each difference and exits 1 if there is any, else prints what it compared and exits 0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: "(0.21 s)" and "(0.21 s, unchanged)" in build's summary line.
_TIMING = re.compile(rb"\(\d+\.\d+ s")


def _sites(work: Path, entries: int) -> Iterator[tuple[str, Path, str | None]]:
    """(name, prepared site folder, dialect for ``init --from``) for every site compared."""
    sample = work / "src-sample"
    sample.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", sample / "pyproject.toml")
    shutil.copytree(ROOT / "entries", sample / "entries")
    yield "sample", sample, None
    for fixture in sorted((ROOT / "tests" / "data").iterdir()):
        if not fixture.is_dir():
            continue
        dialect = (
            "jekyll"
            if (fixture / "_config.yml").exists()
            else "hugo"
            if (fixture / "hugo.toml").exists() or (fixture / "config.toml").exists()
            else None
        )
        yield fixture.name, fixture, dialect
    generated = work / "src-generated"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--entries",
            str(entries),
            "--out",
            str(generated),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    yield f"generated-{entries}", generated, None


def _run(code: Path, site: Path, args: list[str]) -> bytes:
    """One command of the feedpub at ``code``, in ``site``: its exit status, stdout, stderr."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "feedpub", *args], cwd=site, env=env, capture_output=True
    )
    stdout = _TIMING.sub(b"(T s", done.stdout)
    return b"exit %d\n--- stdout\n%s--- stderr\n%s" % (done.returncode, stdout, done.stderr)


def _outputs(code: Path, source: Path, dialect: str | None, stage: Path) -> dict[str, bytes]:
    """Everything one version makes of one site, by a name per result."""
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(source, stage, symlinks=True)
    results: dict[str, bytes] = {}
    if dialect:
        results["init"] = _run(code, stage, ["init", "--from", dialect, "."])
    results["check"] = _run(code, stage, ["check", "--format", "json"])
    results["list"] = _run(code, stage, ["list", "--format", "json", "--drafts", "--future"])
    results["build"] = _run(code, stage, ["build"])
    results["build again"] = _run(code, stage, ["build"])
    for path in sorted(stage.rglob("*")):
        relative = path.relative_to(stage)
        made = not (source / relative).exists()  # by feedpub, not copied from the site
        if path.is_file() and made and not relative.parts[0].startswith(".feedpub-cache"):
            results[f"file {relative}"] = path.read_bytes()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="git revision to compare with")
    parser.add_argument("--entries", type=int, default=1000, help="entries of the generated site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feedpub-same-") as temp:
        work = Path(temp)
        base = work / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.base],
            check=True,
        )
        differences = 0
        try:
            for name, source, dialect in _sites(work, args.entries):
                stage = work / "site"
                before = _outputs(base, source, dialect, stage)
                after = _outputs(ROOT, source, dialect, stage)
                for key in sorted(before.keys() | after.keys()):
                    if before.get(key) != after.get(key):
                        differences += 1
                        print(f"DIFFERENT {name}: {key}")
                        if key.startswith(("init", "check", "list", "build")):
                            print("  before:", (before.get(key) or b"(none)")[:2000].decode())
                            print("  after: ", (after.get(key) or b"(none)")[:2000].decode())
                print(f"{name}: {len(before)} results compared")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False
            )
    print("no difference" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
