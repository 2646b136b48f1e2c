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
    assert "sync floor of the full workload's feeds: " in done.stdout
    assert "### Targets" in lines


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


def _run_module():
    import importlib.util

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", REPO / "benchmarks" / "run.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_run"] = module  # (its dataclasses look their module up)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return module


def test_targets_are_judged_against_the_floors_and_hugo_of_the_same_run() -> None:
    run = _run_module()
    r = run.Results(10_000, run.Run(0.20, 16), hugo=run.Run(30.0, 900), sync_floor=0.60)
    r.steps = {
        ("full", "cold"): run.Run(4.4, 120),  # 0.147 x Hugo: met
        ("full", "warm, no change"): run.Run(0.2, 40),
        ("full", "warm, one edited"): run.Run(1.19, 90),  # 1.5 x (0.60 + 0.20) = 1.20: met
        ("full", "warm, one added"): run.Run(1.21, 310),  # over, and over 300 MiB
        ("typical", "cold"): run.Run(1.3, 60),  # 6.5 x the read floor: not met
    }
    lines = run.targets([r])
    met = {line.split(" | ")[0].lstrip("| "): line.endswith("| yes |") for line in lines[4:-2]}
    assert met == {
        "10,000, full history, warm, one edited: ≤ 1.5 x (sync floor + read floor)": True,
        "10,000, full history, warm, one added: ≤ 1.5 x (sync floor + read floor)": False,
        "10,000, full history, cold: ≤ 0.15 x Hugo": True,
        "10,000, typical, cold: ≤ 6 x read floor": False,
        "10,000, full history, warm, no change: ≤ 2 x read floor": True,
        "10,000, every step: peak RSS ≤ 300 MiB": False,
    }
    assert lines[-1] == "3 of 6 targets met"


def test_a_size_is_judged_against_the_size_ten_times_smaller() -> None:
    run = _run_module()
    small = run.Results(10_000, run.Run(0.2, 16))
    small.steps = {("full", "cold"): run.Run(6.0, 100)}
    big = run.Results(100_000, run.Run(2.0, 20))
    big.steps = {("full", "cold"): run.Run(61.0, 250)}
    lines = run.targets([small, big])
    assert (
        "| 100,000, full, cold: ≤ 10 x the 10,000 time | 61.00 s against 6.00 s (10.2 x) | **NO** |"
        in lines
    )
