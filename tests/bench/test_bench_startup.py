"""Start-up benchmark (issue 6): process start to the first bucket list on screen, ≤ 1.5 s.

The real thing, in a real terminal: SeaweedFS (the session fixture) holds one bucket with a
known name; a temp ``config.toml`` names a profile for it; ``python -m minbrowse --config FILE``
runs inside a detached tmux pane (120×40). The pane's shell writes a wall-clock timestamp
right before ``exec python`` (so tmux's own start is not counted); the test polls
``tmux capture-pane -p`` every 20 ms until the bucket name is on screen. One warm-up run
(pyc compiled, page cache warm) is discarded; the figure is the median of 5 runs.

Also prints the ten slowest imports (cumulative µs) of ``python -X importtime -c
"import minbrowse.ui.app"`` so a regression points at its cause.

Run: ``.venv/bin/python -m pytest -q -m bench tests/bench/test_bench_startup.py -s``
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

BUDGET_S = 1.5  # issue 6, "Start-up"
RUNS = 5
POLL_S = 0.02
GIVE_UP_S = 30.0
COLUMNS, LINES = 120, 40
REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1200)]


def _clean_env(home: Path) -> dict[str, str]:
    """No stray AWS/MinIO/mc settings: the config file's profile is the only one offered."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "MINIO_", "MC_", "MINBROWSE_", "PYTEST", "TMUX"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), TERM="xterm-256color",
               COLORTERM="truecolor")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with compiled .pyc, as installed
    return env


def _write_config(path: Path, seaweed) -> None:  # type: ignore[no-untyped-def]
    path.write_text(
        'default_profile = "bench"\n\n[profiles.bench]\n'
        f'endpoint = "{seaweed.endpoint}"\nsecure = false\nregion = "{seaweed.region}"\n'
        f'access_key = "{seaweed.access_key}"\nsecret_key = "{seaweed.secret_key}"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)


def _tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10)


def _one_run(socket: str, config: Path, stamp: Path, marker: str, env: dict[str, str]) -> float:
    """Seconds from the pane's `exec python` to `marker` visible in the pane."""
    stamp.unlink(missing_ok=True)
    command = (f"date +%s.%N > {stamp}; exec {sys.executable} -m minbrowse "
               f"--config {config}")
    session = "s" + secrets.token_hex(3)
    started = subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", session, "-x", str(COLUMNS),
         "-y", str(LINES), "sh", "-c", command],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=10)
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.time() + GIVE_UP_S
        screen = ""
        while time.time() < deadline:
            screen = _tmux(socket, "capture-pane", "-p", "-t", session).stdout
            if marker in screen:
                seen = time.time()
                return seen - float(stamp.read_text().strip())
            time.sleep(POLL_S)
        pytest.fail(f"bucket {marker} not on screen after {GIVE_UP_S} s; screen:\n{screen}")
    finally:
        _tmux(socket, "kill-session", "-t", session)
    raise AssertionError("unreachable")


def _top_imports(count: int = 10) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import minbrowse.ui.app"],
                         cwd=REPO, capture_output=True, text=True, timeout=120).stderr
    rows = []
    for line in out.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), match.group(3)[1:] + match.group(4)))
    return sorted(rows, reverse=True)[:count]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
def test_startup_to_first_bucket_list(seaweed, tmp_path, report) -> None:  # type: ignore[no-untyped-def]
    client = seaweed.client()
    bucket = "startup-" + secrets.token_hex(4)
    client.make_bucket(bucket)
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    config = tmp_path / "config.toml"
    _write_config(config, seaweed)
    env = _clean_env(home)
    socket = "mbbench" + secrets.token_hex(3)
    try:
        warmup = _one_run(socket, config, tmp_path / "t0", bucket, env)
        times = [_one_run(socket, config, tmp_path / "t0", bucket, env) for _ in range(RUNS)]
    finally:
        _tmux(socket, "kill-server")
        Path(f"/tmp/tmux-{os.getuid()}/{socket}").unlink(missing_ok=True)  # stale socket file
        client.remove_bucket(bucket)
    load = os.getloadavg()
    median = statistics.median(times)
    report("startup warm-up run (s)", f"{warmup:.3f}")
    report("startup runs (s)", ", ".join(f"{t:.3f}" for t in times))
    report("startup median (s)", f"{median:.3f} (budget {BUDGET_S})")
    report("load average during startup bench", " ".join(f"{x:.2f}" for x in load))
    for cumulative, name in _top_imports():
        report("importtime cumulative µs", f"{cumulative:>8}  {name}")
    assert median <= BUDGET_S, (
        f"start-up median {median:.3f} s > {BUDGET_S} s (runs {times}, load {load})")
