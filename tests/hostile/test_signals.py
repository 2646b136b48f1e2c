"""Ctrl-C (SIGINT) or SIGTERM at any moment ends a build, and every process it started,
within a second: the previous outputs stay as they were, no staging folder is left, the
command ends with one line and by the signal itself, and the next build gives the bytes a
clean build gives. A build killed with SIGKILL leaves none of its processes behind either.

Each build runs in a session of its own, so that its process group is the build and
everything it started; /proc tells which of them are still there.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import REPO, SiteDir

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() and not os.environ.get("CI"),
    reason="needs /proc (Linux)",
)

spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

ENTRIES = 2000
#: Processes for reading, rendering and writing, whatever the machine's cores.
JOBS = ("--jobs", "2")
#: The time a build has to stop in once signalled (its processes ended and reaped).
PROMPT = 1.0


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid → (parent pid, process group, state), from /proc."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:  # ended meanwhile
            continue
        state, ppid, pgid = data.rsplit(b")", 1)[1].split()[:3]
        found[int(name)] = (int(ppid), int(pgid), state.decode())
    return found


def _alive(root: int) -> set[int]:
    """The processes of the build started as ``root``, but for ``root`` itself: those in its
    process group (it leads its own session) or descended from it. Zombies have ended."""
    table = _processes()

    def descends(pid: int) -> bool:
        for _ in range(64):
            pid = table[pid][0] if pid in table else 0
            if pid == root:
                return True
            if pid <= 1:
                return False
        return False

    return {
        pid
        for pid, (_, pgid, state) in table.items()
        if pid != root and state != "Z" and (pgid == root or descends(pid))
    }


def _hashes(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (by relative name) and its SHA-256."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _stages(site: Path) -> list[str]:
    return [p.name for p in site.iterdir() if ".feedpub-stage-" in p.name]


#: The process groups of the commands started by the current test.
_started: list[int] = []


@pytest.fixture(autouse=True)
def _no_process_outlives_a_test() -> Iterator[None]:
    """Whatever a test finds, what it started is gone after it (a failing test must not leave
    a blocked worker behind)."""
    yield
    for pid in _started:
        for left in _alive(pid) | {pid}:
            with contextlib.suppress(OSError):
                if _processes().get(left, (0, 0, ""))[1] == pid:
                    os.kill(left, signal.SIGKILL)
    _started.clear()


def _signals_as_at_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C and SIGTERM at their defaults, as a command typed
    at a terminal has them, even when the tests run in the background (a shell without job
    control ignores SIGINT for what it starts with '&', and its children inherit that; feedpub
    then leaves it ignored, as it should)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Build:
    """A feedpub command in a session of its own, its output on a terminal (so that a build
    shows how far it has come); the processes it starts are watched."""

    def __init__(self, site: Path, *args: str, command: str = "build") -> None:
        self.site = site
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        terminal, self._terminal = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feedpub", command, *args],
            cwd=site,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            start_new_session=True,
            preexec_fn=_signals_as_at_a_terminal,
        )
        # The terminal stays open here until the command's output is read: a terminal that
        # every process closed hangs up, and output not read by then may be dropped.
        self._keep = terminal
        self.pid = self.process.pid
        _started.append(self.pid)
        #: Every process of the build seen so far.
        self.seen: set[int] = set()
        self._output: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._terminal, 65536)
            except OSError:  # every process that had the terminal has ended
                break
            if not data:
                break
            self._output.append(data)

    def output(self) -> str:
        """What it printed so far, progress bars included."""
        return b"".join(self._output).decode(errors="replace")

    def lines(self) -> list[str]:
        """The lines it printed, progress bars left out (once it has ended)."""
        self.process.wait(timeout=60)
        size, still = -1, 0
        while still < 10:  # until nothing more came for 0.1 s
            time.sleep(0.01)
            still, size = (still + 1, size) if len(self._output) == size else (0, len(self._output))
        if self._keep >= 0:
            os.close(self._keep)
            self._keep = -1
        self._reader.join(timeout=2)
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.output())
        lines = (raw.rstrip("\r").split("\r")[-1].strip() for raw in text.split("\n"))
        return [line for line in lines if line]

    def children(self) -> set[int]:
        alive = _alive(self.pid)
        self.seen |= alive
        return alive

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self.children()
            assert self.process.poll() is None, f"the command ended before {what}"
            assert time.monotonic() < deadline, f"no {what} in {timeout} s"
            time.sleep(0.002)

    def signal(self, signum: int) -> float:
        """Send ``signum`` (Ctrl-C, as a terminal does, to the whole process group); returns
        how long the command then took to end."""
        self.children()
        started = time.monotonic()
        if signum == signal.SIGINT:
            os.killpg(self.pid, signum)
        else:
            self.process.send_signal(signum)
        self.process.wait(timeout=60)
        return time.monotonic() - started


@dataclass
class Sites:
    #: The site: built once from the old entries (the outputs kept in ``old``), then edited.
    site: Path
    #: The outputs of the old entries, a copy to put back (hard links: never written to).
    old: Path
    old_hashes: dict[str, str]
    #: The outputs of a clean build of the edited entries.
    new_hashes: dict[str, str]


def _run(site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "feedpub", "build", *JOBS],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("signals")
    site = generate.generate(root / "site", ENTRIES, limit=100)
    _run(site)
    old = root / "old"
    shutil.copytree(site / "public", old)
    for path in sorted((site / "entries").glob("*.md"))[::40]:  # edit every 40th entry
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    reference = root / "reference"
    shutil.copytree(site / "entries", reference / "entries")
    shutil.copy(site / "feedpub.toml", reference)
    _run(reference)
    sites = Sites(site, old, _hashes(old), _hashes(reference / "public"))
    assert sites.new_hashes != sites.old_hashes
    return sites


def _old_outputs(sites: Sites) -> None:
    """Put the old outputs back, as if the edits were not built yet."""
    shutil.rmtree(sites.site / "public")
    shutil.copytree(sites.old, sites.site / "public", copy_function=os.link)


def showing(stage: str) -> Callable[[Build, Sites], None]:
    """The moment the build shows the progress of ``stage`` ("Reading", "Rendering")."""

    def wait(build: Build, sites: Sites) -> None:
        build.wait_until(lambda: stage in build.output(), f"{stage} stage")

    return wait


def workers_started(build: Build, sites: Sites) -> None:
    """The moment the scan has started its worker processes."""
    build.wait_until(lambda: bool(build.children()), "worker process")


def staging(build: Build, sites: Sites) -> None:
    """The moment the staging folder appears (the write stage)."""
    build.wait_until(lambda: bool(_stages(sites.site)), "staging folder")


def writers(build: Build, sites: Sites) -> None:
    """The moment processes write outputs into the staging folder."""
    build.wait_until(
        lambda: bool(_stages(sites.site)) and bool(build.children()), "writing process"
    )


#: (signal, how the cache is, when to send it, whether processes must have been started).
MOMENTS = {
    "scan-workers": (signal.SIGTERM, "--no-cache", workers_started, True),
    "scan": (signal.SIGINT, "cold", showing("Reading"), True),
    "render": (signal.SIGTERM, "cold", showing("Rendering"), True),
    "render-no-cache": (signal.SIGINT, "--no-cache", showing("Rendering"), True),
    "write-staging": (signal.SIGINT, "warm", staging, False),
    "write-writers": (signal.SIGTERM, "cold", writers, True),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_signalled_build_ends_with_every_process_and_changes_nothing(
    sites: Sites, moment: str
) -> None:
    signum, cache, wait, starts_processes = MOMENTS[moment]
    site = sites.site
    _old_outputs(sites)
    if cache == "cold":
        shutil.rmtree(site / ".feedpub-cache", ignore_errors=True)
    build = Build(site, *JOBS, *(["--no-cache"] if cache == "--no-cache" else []))
    wait(build, sites)
    took = build.signal(signum)
    left = _alive(build.pid)
    printed = build.lines()
    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    assert not left, f"processes of the build still running: {left}"
    assert took < PROMPT, f"the build took {took:.2f} s to stop"
    if starts_processes:
        assert build.seen, "the build had started no process when signalled"
    # Ended by the signal itself, which shells report as 128 + its number (130, 143), so a
    # shell loop around the build stops too.
    assert build.process.returncode == -signum, printed
    assert "Traceback" not in build.output()
    assert printed[-1:] == [f"feedpub: stopped by {name}; public/ is as it was."], printed
    assert all(line.startswith(("Reading", "Rendering")) for line in printed[:-1]), printed
    assert _hashes(site / "public") == sites.old_hashes
    assert _stages(site) == []
    # The cache it leaves gives what a clean build gives.
    _run(site)
    assert _hashes(site / "public") == sites.new_hashes


@pytest.mark.parametrize("moment", ["scan-workers", "write-writers"])
def test_a_build_killed_with_sigkill_leaves_no_process(sites: Sites, moment: str) -> None:
    _, cache, wait, _ = MOMENTS[moment]
    site = sites.site
    _old_outputs(sites)
    if cache == "cold":
        shutil.rmtree(site / ".feedpub-cache", ignore_errors=True)
    build = Build(site, *JOBS, *(["--no-cache"] if cache == "--no-cache" else []))
    wait(build, sites)
    started = build.children()
    assert started
    build.signal(signal.SIGKILL)
    deadline = time.monotonic() + 0.5  # (writers have more than that left to write)
    while _alive(build.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(build.pid), f"processes of the killed build still running: {started}"
    assert _hashes(site / "public") == sites.old_hashes


def test_a_rebuild_of_serve_stopped_by_sigterm_leaves_no_process(sites: Sites) -> None:
    site = sites.site.parent / "served"
    site.mkdir()
    for name in ("entries", ".feedpub-cache"):
        shutil.copytree(sites.site / name, site / name)
    shutil.copy(sites.site / "feedpub.toml", site)
    served = Build(site, "--port", "0", command="serve")
    served.wait_until(lambda: "serving " in served.output(), "first build")
    before = _hashes(site / "public")
    time.sleep(0.5)  # (the watch is in place)
    settings = site / "feedpub.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("Benchmark Gazette", "Other Gazette"),
        encoding="utf-8",
    )
    # Every feed is made again (another title), by processes writing side by side.
    served.wait_until(lambda: bool(served.children()), "process of the rebuild")
    took = served.signal(signal.SIGTERM)
    printed = served.lines()
    assert served.process.returncode == 0, printed
    assert "Traceback" not in served.output()
    assert printed[-1] == "stopped"
    assert not _alive(served.pid), "processes of the rebuild still running"
    assert took < PROMPT, f"serve took {took:.2f} s to stop"
    assert _hashes(site / "public") == before
    assert _stages(site) == []


# ---------------------------------------------------------------------- in this process


@pytest.fixture
def small(site: SiteDir, make_entry: Callable[..., str]) -> SiteDir:
    for number in range(3):
        site.entry(
            f"e{number}.md", make_entry(title=f"Entry {number}", date=f"2025-01-0{number + 1}")
        )
    return site


def test_a_signal_once_the_outputs_are_in_place_waits_for_the_build_to_record_them(
    small: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedpub import signals

    build_module = sys.modules["feedpub.pipeline._full"]
    from feedpub import build, load_site

    site = load_site()
    record = build_module.note_unannounced

    def note(*args: object) -> None:  # after the swap: SIGTERM comes
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.01)
        record(*args)

    monkeypatch.setattr(build_module, "note_unannounced", note)
    with signals.handled(), pytest.raises(signals.Interrupted) as raised:
        build(site)
    assert raised.value.finished and raised.value.exit_status == 143
    monkeypatch.setattr(build_module, "note_unannounced", record)
    again = build(site)
    assert again.written == () and again.outputs  # recorded: nothing left to do


def test_ctrl_c_while_writing_leaves_the_outputs_and_says_so(
    small: SiteDir, make_entry: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import feedpub.pipeline._output as output
    from feedpub.cli import main

    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    before = small.snapshot()
    small.entry("e9.md", make_entry(title="New", date="2025-02-01"))
    write = output._write_file

    def interrupted(path: Path, content: object, *rest: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
        return write(path, content, *rest)

    monkeypatch.setattr(output, "_write_file", interrupted)
    # Ctrl-C as at a terminal, even when the tests run in the background with SIGINT ignored
    # (which feedpub leaves ignored, as it should).
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = CliRunner().invoke(main, ["build"])
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert result.exit_code == 130
    assert result.output.splitlines()[-1] == "feedpub: stopped by Ctrl-C; public/ is as it was."
    assert small.snapshot() == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handlers are put back


def _half_sent(site: object, flags: list[str]) -> list[str]:
    """In a worker: start sending a result, as a worker ended mid-way would have, then hang."""
    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:  # (the worker's loop, in concurrent.futures)
        assert frame.f_back is not None
        frame = frame.f_back
    pipe = frame.f_locals["result_queue"]._writer.fileno()
    os.write(pipe, (1000).to_bytes(4, "big") + b"\x80\x04 only a part")  # 1000 bytes, it says
    Path(flags[0]).touch()
    time.sleep(60)
    return []


def test_workers_ended_while_sending_a_result_leave_no_thread_to_wait_for(tmp_path: Path) -> None:
    """Python waits for the pool's thread before it exits: when it waits for the rest of a
    result that a killed worker never sent, the process never ends."""
    workers = sys.modules["feedpub.workers"].Workers(2)
    pool = workers._start()
    thread, results = pool._executor_manager_thread, pool._result_queue
    flag = tmp_path / "half-sent"
    pool.submit(_half_sent, None, [str(flag)])
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        started = time.monotonic()
        workers.close(now=True)
        assert time.monotonic() - started < PROMPT
        assert not thread.is_alive(), "the pool's thread still waits for the rest of a result"
    finally:
        with contextlib.suppress(OSError):
            results._writer.close()  # (else pytest would never end)
        thread.join(5)


def test_a_signal_past_the_swap_never_hides_the_error_the_build_ends_with() -> None:
    from feedpub import signals

    def past_the_swap(error: Exception | None) -> None:
        with signals.finishing():
            signals.point_of_no_return()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # (it waits)
            if error is not None:
                raise error

    with signals.handled():
        try:
            with pytest.raises(ValueError, match="files kept in"):
                past_the_swap(ValueError("files kept in .public.feedpub-kept-1"))
        except signals.Interrupted:
            pytest.fail("the signal took the place of the error")
        with pytest.raises(signals.Interrupted) as raised:
            past_the_swap(None)
        assert raised.value.finished
        with signals.deferred():  # nothing is left waiting from before
            time.sleep(0.01)


class _Finalised:
    """An object whose finaliser is where the signal comes."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)


def test_a_signal_that_comes_in_a_finaliser_still_stops_the_command() -> None:
    """Python prints an exception raised in a finaliser ("Exception ignored in") and goes on:
    the signal would be lost."""
    from feedpub import signals

    with signals.handled(), pytest.raises(signals.Interrupted):
        finalised = _Finalised()
        del finalised
        deadline = time.monotonic() + PROMPT
        while time.monotonic() < deadline:
            time.sleep(0.01)


def test_ctrl_c_stops_a_shell_loop_around_the_build(sites: Sites) -> None:
    # A shell that runs commands one after another stops at Ctrl-C only when the command
    # it waited for was ended by the signal; a command that exits with status 130 is taken
    # to have handled Ctrl-C itself, and the loop goes on with the next build.
    site = sites.site
    _old_outputs(sites)
    shutil.rmtree(site / ".feedpub-cache", ignore_errors=True)
    loop = f'for n in 1 2 3; do echo "build $n"; "{sys.executable}" -m feedpub build -q; done'
    shell = subprocess.Popen(
        ["bash", "-c", loop],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        preexec_fn=_signals_as_at_a_terminal,
    )
    _started.append(shell.pid)
    deadline = time.monotonic() + 60
    while not any(pgid == shell.pid and ppid == shell.pid for ppid, pgid, _ in _table()):
        assert time.monotonic() < deadline, "the loop started no build"
        time.sleep(0.01)
    time.sleep(0.5)  # the build is under way: its handlers are in place
    os.killpg(shell.pid, signal.SIGINT)
    printed, _ = shell.communicate(timeout=60)
    assert "build 2" not in printed, printed
    assert shell.returncode == -signal.SIGINT, printed


def _table() -> list[tuple[int, int, str]]:
    return list(_processes().values())
