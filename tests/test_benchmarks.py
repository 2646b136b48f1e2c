"""Smoke run of the benchmarks (numbers are not checked here: benchmarks print them)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_benchmark_runner_prints_every_step_for_both_workloads() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            *("--entries", "30", "--no-hugo", "--repeat", "2"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "### 30 entries" in lines
    for workload in ("full", "typical"):
        for step in ("cold", "warm, no change", "warm, one edited", "warm, one added"):
            assert any(line.startswith(f"| {workload} | {step} |") for line in lines), step


def test_generator_is_deterministic(tmp_path) -> None:
    for name in ("a", "b"):
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                "--entries",
                "5",
                "--out",
                str(tmp_path / name),
            ],
            check=True,
        )
    files = sorted(p.name for p in (tmp_path / "a" / "entries").iterdir())
    assert len(files) == 5
    for name in files:
        a = (tmp_path / "a" / "entries" / name).read_bytes()
        assert a == (tmp_path / "b" / "entries" / name).read_bytes()


def test_sync_floor_copies_and_syncs_the_feed_files_and_leaves_them(tmp_path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    for name, size in (("feed.xml", 300_000), ("atom.xml", 200_000), ("feed.json", 100_000)):
        (public / name).write_bytes(b"x" * size)
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "sync_floor.py"), str(public), "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 MiB of feeds copied and synced in ")
    assert done.stdout.rstrip().endswith("s (best of 2)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]  # its copies are gone
    assert (public / "atom.xml").read_bytes() == b"x" * 200_000


def test_same_outputs_compares_every_site_with_a_revision() -> None:
    # Against HEAD the working tree of a clean checkout makes the same outputs; a site whose
    # outputs differ from run to run (a clock, a temporary path) would show up here.
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "same_outputs.py"),
            *("--base", "HEAD", "--entries", "20"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = done.stdout.splitlines()
    for site in ("sample", "hugo-site", "jekyll-blog", "tricky", "generated-20"):
        assert any(line.startswith(f"{site}: ") for line in lines), (site, done.stdout)
    if done.returncode == 0:
        assert lines[-1] == "no difference"
    else:  # the working tree holds uncommitted changes to feedpub (a developer's machine)
        assert "DIFFERENT" in done.stdout, done.stderr
