"""`minbrowse --demo` end to end in a pseudo-terminal: it shows the seeded data, and quitting
(q) or SIGTERM stops the server and removes the demo folder."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytest.importorskip("minbrowse.ui.app")


def run_demo_in_pty(tmp_path: Path, stop: str) -> tuple[bytes, int, list[str], list[str]]:
    """Start the demo at s3://demo-files/data/, wait for its rows, then stop it."""
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(REPO), TERM="xterm-256color",
               COLUMNS="120", LINES="40")
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - child
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "minbrowse", "--demo",
                                   "s3://demo-files/data/"], env)
    screen = b""
    deadline = time.monotonic() + 90
    try:
        # wait for both rows: a frame can arrive with only part of the listing drawn
        while not (b"records.json" in screen and b"sales.csv" in screen) \
                and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break
        during = sorted(p.name for p in tmp_path.glob("minbrowse-demo-*"))
        if stop == "q":
            os.write(fd, b"q")
        else:
            os.kill(pid, getattr(signal, stop))
        deadline = time.monotonic() + 60
        status = None
        while status is None and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("minbrowse --demo did not exit")
    finally:
        os.close(fd)
    after = sorted(p.name for p in tmp_path.glob("minbrowse-demo-*"))
    return screen, status, during, after


@pytest.mark.parametrize("stop, expected_status", [("q", 0), ("SIGTERM", 128 + 15)])
def test_demo_opens_location_and_cleans_up(tmp_path, stop, expected_status):
    screen, status, during, after = run_demo_in_pty(tmp_path, stop)
    assert b"records.json" in screen and b"sales.csv" in screen
    assert len(during) == 1  # the demo folder existed while running…
    assert after == []  # …and is gone after exit
    assert status == expected_status
