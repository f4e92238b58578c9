"""`minbrowse --demo` end to end in a pseudo-terminal: it shows the seeded data, and quitting
(q) or SIGTERM stops the server and removes the demo folder; so does a SIGTERM while the
server starts, or one raised inside one of the app's asyncio tasks.

A hung child is aborted with SIGABRT: it runs with `-X faulthandler`, so the failure
message shows where each of its threads was waiting.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytest.importorskip("minbrowse.ui.app")

LOCATION = "s3://demo-files/data/"
ROWS = (b"records.json", b"sales.csv")
START_TIMEOUT = 90
EXIT_TIMEOUT = 60  # stopping SeaweedFS alone may take its 5 s grace plus the SIGKILL wait


def spawn_in_pty(tmp_path: Path, args: list[str]) -> tuple[int, int]:
    """Run `python -X faulthandler ARGS` in a pseudo-terminal with TMPDIR=tmp_path."""
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(REPO), TERM="xterm-256color",
               COLUMNS="120", LINES="40")
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - child
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-X", "faulthandler", *args], env)
    return pid, fd


def read_some(fd: int, timeout: float) -> bytes:
    if select.select([fd], [], [], timeout)[0]:
        try:
            return os.read(fd, 65536)
        except OSError:  # EIO: the child side is closed
            return b""
    return b""


def wait_for_rows(fd: int) -> bytes:
    """The terminal output up to the first frame showing both demo rows (or the timeout)."""
    screen = b""
    deadline = time.monotonic() + START_TIMEOUT
    # wait for both rows: a frame can arrive with only part of the listing drawn
    while not all(row in screen for row in ROWS) and time.monotonic() < deadline:
        screen += read_some(fd, 0.5)
    return screen


def wait_for_exit(pid: int, fd: int, timeout: float = EXIT_TIMEOUT) -> int:
    """The child's exit status; a child still running after `timeout` s fails the test."""
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output += read_some(fd, 0.2)
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(raw)
    os.kill(pid, signal.SIGABRT)  # faulthandler prints every thread's stack, then it dies
    deadline = time.monotonic() + 10
    while not (reaped := os.waitpid(pid, os.WNOHANG)[0]) and time.monotonic() < deadline:
        output += read_some(fd, 0.2)
    if not reaped:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    while chunk := read_some(fd, 0.2):
        output += chunk
    text = re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]", "", output[-6000:].decode(errors="replace"))
    pytest.fail(f"minbrowse --demo did not exit within {timeout} s; its stacks:\n{text}")


def demo_dirs(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.glob("minbrowse-demo-*"))


def weed_pids(tmp_path: Path) -> list[int]:
    """Live `weed` processes whose command line names a folder under tmp_path."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes() if proc.name.isdigit() else b""
        except OSError:
            continue
        if b"weed" in cmdline and str(tmp_path).encode() in cmdline:
            found.append(int(proc.name))
    return found


def wait_for_weed(tmp_path: Path, fd: int) -> list[int]:
    """The demo server's pids, once it has been launched (or [] after START_TIMEOUT)."""
    deadline = time.monotonic() + START_TIMEOUT
    while not (pids := weed_pids(tmp_path)) and time.monotonic() < deadline:
        read_some(fd, 0.1)
    return pids


def weed_left(tmp_path: Path) -> list[int]:
    """`weed` processes still alive a moment after minbrowse exited (they should be none)."""
    deadline = time.monotonic() + 5
    while (pids := weed_pids(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")


def run_demo_in_pty(tmp_path: Path, stop: str) -> tuple[bytes, int, list[str], list[int]]:
    """Start the demo at LOCATION, wait for its rows, then stop it."""
    pid, fd = spawn_in_pty(tmp_path, ["-m", "minbrowse", "--demo", LOCATION])
    try:
        screen = wait_for_rows(fd)
        during = demo_dirs(tmp_path)
        weeds = weed_pids(tmp_path)
        if stop == "q":
            os.write(fd, b"q")
        else:
            os.kill(pid, getattr(signal, stop))
        status = wait_for_exit(pid, fd)
    finally:
        os.close(fd)
    return screen, status, during, weeds


@needs_proc
@pytest.mark.parametrize("stop, expected_status", [("q", 0), ("SIGTERM", 128 + 15)])
def test_demo_opens_location_and_cleans_up(tmp_path, stop, expected_status):
    screen, status, during, weeds = run_demo_in_pty(tmp_path, stop)
    assert all(row in screen for row in ROWS)
    assert len(during) == 1 and weeds  # the demo folder and server existed while running…
    assert status == expected_status
    assert demo_dirs(tmp_path) == []  # …and are gone after exit
    assert weed_left(tmp_path) == []


@needs_proc
def test_sigterm_while_the_server_starts_exits_and_cleans_up(tmp_path):
    pid, fd = spawn_in_pty(tmp_path, ["-m", "minbrowse", "--demo", LOCATION])
    try:
        weeds = wait_for_weed(tmp_path, fd)  # launched, not yet ready or not yet seeded
        os.kill(pid, signal.SIGTERM)
        status = wait_for_exit(pid, fd)
    finally:
        os.close(fd)
    assert weeds
    assert status == 128 + signal.SIGTERM
    assert demo_dirs(tmp_path) == []
    assert weed_left(tmp_path) == []


# SIGTERM raised from a widget's mount handler: the handler runs in that widget's own
# asyncio task, not in the app's main one. The SystemExit it used to raise there ended that
# task, escaped the event loop, and escaped it again when, during the cancellation that
# followed, a parent awaited the task: Textual's shutdown then often never stopped its
# driver, whose input thread kept the process alive for ever (which one wins the race
# varies, so this case hung only now and then; now no exception is raised in the loop).
SIGTERM_IN_A_WIDGET_TASK = textwrap.dedent(f"""
    import signal, sys
    from textual.widgets import Static
    from minbrowse.__main__ import main
    from minbrowse.ui.app import MinbrowseApp

    class Terminating(Static):
        def on_mount(self):
            signal.raise_signal(signal.SIGTERM)

    compose = MinbrowseApp.compose

    def compose_and_terminate(self):
        yield from compose(self)
        yield Terminating()

    MinbrowseApp.compose = compose_and_terminate
    sys.exit(main(["--demo", {LOCATION!r}]))
""")


@needs_proc
def test_sigterm_inside_an_app_task_exits_and_cleans_up(tmp_path):
    pid, fd = spawn_in_pty(tmp_path, ["-c", SIGTERM_IN_A_WIDGET_TASK])
    try:
        weeds = wait_for_weed(tmp_path, fd)
        status = wait_for_exit(pid, fd, START_TIMEOUT + EXIT_TIMEOUT)  # seeding, app start, exit
    finally:
        os.close(fd)
    assert weeds  # the demo server ran (so the checks below mean something)…
    assert status == 128 + signal.SIGTERM
    assert demo_dirs(tmp_path) == []  # …and its folder…
    assert weed_left(tmp_path) == []  # …and its process are gone
