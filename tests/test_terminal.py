"""Output that fits where it goes: colours and progress bars on a terminal only, and never
colours when NO_COLOR is set (https://no-color.org). Runs feedpub on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from .conftest import SiteDir

ESC = b"\x1b["
GREEN = b"\x1b[32m"
RED = b"\x1b[31m"
YELLOW = b"\x1b[33m"


def on_terminal(cwd: Path, *args: str, **env: str) -> bytes:
    """What `python -m feedpub ARGS` writes to a terminal (stdout and stderr both)."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env, TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "feedpub", *args],
        cwd=cwd,
        env=environment,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    process.wait(timeout=60)
    return output


def piped(cwd: Path, *args: str) -> bytes:
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run(
        [sys.executable, "-m", "feedpub", *args], cwd=cwd, env=environment, capture_output=True
    )
    return done.stdout + done.stderr


def _entries(site: SiteDir) -> None:
    site.entry("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nA.\n")
    site.entry("b.md", "---\ntitle: B\ndate: 2025-01-02\ntilte: typo\n---\nB.\n")


def test_colours_on_a_terminal(site: SiteDir) -> None:
    _entries(site)
    output = on_terminal(site.root, "build")
    assert GREEN + "2 entries \u2192".encode() in output  # the summary
    assert YELLOW in output  # the warning about 'tilte'
    site.entry("c.md", "---\ntitle: C\ndate: someday\n---\nC.\n")
    output = on_terminal(site.root, "build")
    assert RED + b"entries/c.md:3: " in output
    output = on_terminal(site.root, "check")
    assert RED + b"entries/c.md:3: error FP105" in output


def test_no_colours_with_no_color_or_through_a_pipe(site: SiteDir) -> None:
    _entries(site)
    for output in (on_terminal(site.root, "build", NO_COLOR="1"), piped(site.root, "build")):
        assert b"2 entries \xe2\x86\x92" in output
        assert ESC not in output
    site.entry("c.md", "---\ntitle: C\ndate: someday\n---\nC.\n")
    for args in (("build",), ("check",)):
        assert ESC not in on_terminal(site.root, *args, NO_COLOR="1")
        assert ESC not in piped(site.root, *args)


def test_a_progress_bar_on_a_terminal_only(site: SiteDir) -> None:
    for n in range(600):  # over the progress bar's threshold (cli.PROGRESS_MIN)
        site.entry(f"e{n:03}.md", f"---\ntitle: Entry {n}\ndate: 2025-01-01\n---\nText {n}.\n")
    output = on_terminal(site.root, "build", "--no-cache", NO_COLOR="1")
    assert b"Reading" in output and b"100%" in output
    assert b"Reading" not in piped(site.root, "build", "--no-cache")
    assert on_terminal(site.root, "build", "--no-cache", "--quiet") == b""
