"""The four tools of the bulk benchmark as command lines, and one timed run of a process.

Each tool runs as a process of its own with its default settings (workers, part sizes,
retries): minbrowse through `python -m tests.bench.bulk_ours`, s5cmd, rclone and aws-cli as
installed by the `bench` extra. Only what each needs to reach the server is given: the
endpoint, the keys and the region, through each tool's own environment variables, and a HOME
of its own so no user configuration leaks in. `timed_run` measures the wall time and the
process's peak RSS (its VmHWM, sampled while it runs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("minbrowse", "s5cmd", "rclone", "aws")
# minbrowse with every reply read through urllib3 instead of http11.exchange (issue 18's A/B)
URLLIB3_ONLY = "minbrowse-urllib3"
PEERS = TOOLS[1:]
WORKLOADS = ("upload", "download", "copy", "delete")


@dataclass(frozen=True)
class Link:
    """Where a tool connects ("host:port") and the keys it signs with."""

    endpoint: str
    access_key: str
    secret_key: str


@dataclass(frozen=True)
class ProcessRun:
    """One finished process: wall seconds, peak RSS in KiB, exit code, its last words."""

    wall: float
    peak_rss_kib: int
    returncode: int
    tail: str


def tool_path(tool: str) -> str | None:
    """The executable of a peer (in this venv first), or None when it is not installed."""
    here = Path(sys.executable).parent / tool
    if here.exists():
        return str(here)
    return shutil.which(tool)


def tool_env(tool: str, link: Link, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "RCLONE_", "S3_"))}
    env.update(HOME=str(home), AWS_ACCESS_KEY_ID=link.access_key,
               AWS_SECRET_ACCESS_KEY=link.secret_key, AWS_REGION="us-east-1",
               AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(home / "aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"))
    if tool == URLLIB3_ONLY:
        env["BENCH_OURS_NO_HTTP11"] = "1"
    if tool == "rclone":
        config = home / "rclone.conf"
        config.touch()
        env.update(RCLONE_CONFIG=str(config), RCLONE_CONFIG_S3_TYPE="s3",
                   RCLONE_CONFIG_S3_PROVIDER="Other",
                   RCLONE_CONFIG_S3_ENDPOINT=f"http://{link.endpoint}",
                   RCLONE_CONFIG_S3_ACCESS_KEY_ID=link.access_key,
                   RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=link.secret_key,
                   RCLONE_CONFIG_S3_REGION="us-east-1")
    return env


def command(tool: str, link: Link, workload: str, bucket: str, prefix: str,
            local: Path) -> list[str]:
    """The command that does `workload` on `bucket`/`prefix` ("X/") with `tool`'s defaults.

    upload: `local` -> prefix + "up/"; download: prefix + "up/" -> `local`;
    copy: prefix + "up/" -> prefix + "cp/" (server side); delete: prefix + "cp/".
    """
    up, cp = prefix + "up/", prefix + "cp/"
    url = f"http://{link.endpoint}"
    if tool in ("minbrowse", URLLIB3_ONLY):
        base = [sys.executable, "-m", "tests.bench.bulk_ours", link.endpoint]
        return base + {"upload": ["upload", str(local), bucket, up],
                       "download": ["download", bucket, up, str(local)],
                       "copy": ["copy", bucket, up, cp],
                       "delete": ["delete", bucket, cp]}[workload]
    exe = tool_path(tool) or tool
    if tool == "s5cmd":
        base = [exe, "--endpoint-url", url]
        return base + {"upload": ["cp", f"{local}/*", f"s3://{bucket}/{up}"],
                       "download": ["cp", f"s3://{bucket}/{up}*", f"{local}/"],
                       "copy": ["cp", f"s3://{bucket}/{up}*", f"s3://{bucket}/{cp}"],
                       "delete": ["rm", f"s3://{bucket}/{cp}*"]}[workload]
    if tool == "rclone":
        return [exe] + {"upload": ["copy", str(local), f"s3:{bucket}/{up}"],
                        "download": ["copy", f"s3:{bucket}/{up}", str(local)],
                        "copy": ["copy", f"s3:{bucket}/{up}", f"s3:{bucket}/{cp}"],
                        "delete": ["delete", f"s3:{bucket}/{cp}"]}[workload]
    if tool == "aws":
        base = [exe, "--endpoint-url", url, "s3"]
        return base + {"upload": ["cp", "--recursive", "--quiet", str(local), f"s3://{bucket}/{up}"],
                       "download": ["cp", "--recursive", "--quiet", f"s3://{bucket}/{up}",
                                    str(local)],
                       "copy": ["cp", "--recursive", "--quiet", f"s3://{bucket}/{up}",
                                f"s3://{bucket}/{cp}"],
                       "delete": ["rm", "--recursive", "--quiet", f"s3://{bucket}/{cp}"]}[workload]
    raise ValueError(f"unknown tool {tool!r}")


def peak_rss_kib(pid: int | str = "self") -> int:
    """VmHWM of a live process (KiB): its own high-water mark. (`ru_maxrss` is no use here:
    Linux carries it across fork and exec, so a child of this process would report at
    least pytest's own RSS.)"""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed_run(cmd: list[str], env: dict[str, str], log: Path, timeout: float = 900,
              cwd: str | None = None) -> ProcessRun:
    """Run `cmd` with stdout and stderr to `log`; wall time, peak RSS (VmHWM, read every
    20 ms while it runs) and exit code. Killed after `timeout` seconds."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, peak_rss_kib(proc.pid))
            if time.perf_counter() - start > timeout:
                proc.kill()
            time.sleep(0.02)
        wall = time.perf_counter() - start
    text = log.read_text(errors="replace")
    return ProcessRun(wall, peak, proc.returncode, text[-600:])
