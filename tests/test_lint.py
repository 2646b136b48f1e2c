"""The code stays `ruff check`, `ruff format --check` and `mypy` clean (all in the test extra)."""

from __future__ import annotations

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


def test_the_wheel_ships_the_type_information_marker(tmp_path: Path) -> None:
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
    assert "feedpub/py.typed" in zipfile.ZipFile(wheel).namelist()
