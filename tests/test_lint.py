"""The code stays `ruff check`, `ruff format --check`, `mypy` and `lint-imports` clean (all in
the test extra), and the wheel ships every module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    # The settings ([tool.mypy] in pyproject.toml) name the package; libraries without type
    # information are left unchecked there, everything of feedpub's is checked.
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout


#: Modules mypy checks strictly (some of each package named in pyproject.toml).
STRICT = [
    "feedpub/model.py",
    "feedpub/plan.py",
    "feedpub/dialects/__init__.py",
    "feedpub/dialects/_jekyll.py",
    "feedpub/feeds/__init__.py",
    "feedpub/feeds/rss.py",
]


def test_mypy_is_strict_where_asked_only(tmp_path: Path) -> None:
    # [[tool.mypy.overrides]] makes mypy strict for the data types, the planning, the dialects
    # and the feed formats, and only for them (`strict = true` there would make every module
    # strict): a function without annotations is an error in those, allowed in the others.
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy2(REPO / "pyproject.toml", copy)
    shutil.copytree(REPO / "feedpub", copy / "feedpub", ignore=shutil.ignore_patterns("*.pyc"))
    lenient = ["feedpub/check.py", "feedpub/scan/_entry.py"]
    for module in STRICT + lenient:
        target = copy / module
        target.write_text(target.read_text() + "\n\ndef untyped(x):  # noqa\n    return x\n")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    flagged = {
        line.split(":")[0] for line in done.stdout.splitlines() if "[no-untyped-def]" in line
    }
    assert flagged == set(STRICT), done.stdout + done.stderr


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the contracts of pyproject.toml, on the package under ``root``."""
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_import_layers() -> None:
    # The layers of docs/architecture.md ([tool.importlinter] in pyproject.toml): no module
    # imports from a layer above its own, so there is no import cycle between packages.
    done = _lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("feedpub/model.py", "from feedpub import plan"),  # the data types import nothing
        ("feedpub/dialects/_jekyll.py", "from feedpub.pipeline import build"),
        ("feedpub/render/_text.py", "from feedpub.scan import scan"),  # a layer up
    ],
)
def test_an_upward_import_breaks_the_layers(tmp_path: Path, module: str, line: str) -> None:
    # The contracts are not vacuous: a copy of the package with one import against them fails.
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy2(REPO / "pyproject.toml", copy)
    shutil.copytree(REPO / "feedpub", copy / "feedpub", ignore=shutil.ignore_patterns("*.pyc"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    done = _lint_imports(copy)
    assert done.returncode != 0, done.stdout
    assert "BROKEN" in done.stdout, done.stdout


def test_the_wheel_ships_every_module(tmp_path: Path) -> None:
    # PEP 561: without feedpub/py.typed in the installed package, a user's type checker
    # ignores every annotation of feedpub's library API.
    source = tmp_path / "src"  # (a copy: a build/ folder left in the checkout would be reused)
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "node_modules", "public", ".feedpub-cache"
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("feedpub-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    # PEP 561 marker, and every module of every subpackage (an installed feedpub that lacks
    # one fails on its first import; an editable install in the tests would not show it).
    assert "feedpub/py.typed" in shipped
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "feedpub").rglob("*.py")}
    assert modules - shipped == set()
