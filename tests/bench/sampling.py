"""Timing for the S3 benchmarks: one sample (wall, client CPU, server CPU) per run, the table
that prints medians, spreads and ratios, the server's CPU read from /proc, and the untimed
settling steps (disk, page cache) taken before a sample."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from typing import Callable, NamedTuple

MiB = 1024 * 1024
VERBOSE = os.environ.get("BENCH_VERBOSE") == "1"  # print every sample under its row

class Sample(NamedTuple):
    """One timed run: wall seconds, this process's CPU seconds, the server's CPU seconds."""
    wall: float
    client_cpu: float
    server_cpu: float | None


class Table:
    """Collects samples per (workload, side); prints medians, spreads and ratios of the wall
    time beside the median CPU seconds of the client (this process) and of the server."""

    def __init__(self, title: str):
        self.title = title
        self.samples: dict[str, dict[str, list[Sample]]] = {}

    def add(self, workload: str, side: str, sample: Sample) -> None:
        self.samples.setdefault(workload, {}).setdefault(side, []).append(sample)

    def render(self, ours: str = "minbrowse", theirs: str = "minio-py") -> str:
        """Ratio = median / the base side's median (the issue's figure); paired = median of
        the per-round ratios (each round runs both sides back to back, so a machine that
        changes speed mid-run — the VM's first-touch regime in "first read" — hits both)."""
        lines = [f"\n== {self.title} ==",
                 f"{'workload':<30}{'side':<25}{'median s':>9}  {'spread (min-max)':<16}"
                 f"{'ratio':>6}{'paired':>7}{'client CPU':>11}{'server CPU':>11}"]
        for workload, sides in self.samples.items():
            base = _median_wall(sides[theirs]) if theirs in sides else None
            for side, samples in sides.items():
                walls = [s.wall for s in samples]
                med = statistics.median(walls)
                ratio = f"{med / base:6.2f}" if base and side != theirs else f"{'':6}"
                pairs = zip(samples, sides.get(theirs, ()))
                paired = (f"{statistics.median(a.wall / b.wall for a, b in pairs):7.2f}"
                          if base and side != theirs else f"{'':7}")
                server = [s.server_cpu for s in samples if s.server_cpu is not None]
                server_text = f"{statistics.median(server):11.3f}" if server else f"{'n/a':>11}"
                lines.append(f"{workload:<30}{side:<25}{med:9.3f}  "
                             f"{min(walls):.3f}-{max(walls):.3f}{'':<4}{ratio}{paired}"
                             f"{statistics.median(s.client_cpu for s in samples):11.3f}"
                             f"{server_text}")
                if VERBOSE:
                    lines.append("    wall/client/server: " + "  ".join(
                        f"{s.wall:.2f}/{s.client_cpu:.2f}/"
                        f"{s.server_cpu if s.server_cpu is not None else 0:.2f}"
                        for s in samples))
        return "\n".join(lines)

    def ratio(self, workload: str, side: str = "minbrowse", base: str = "minio-py") -> float:
        sides = self.samples[workload]
        return _median_wall(sides[side]) / _median_wall(sides[base])


def _median_wall(samples: list[Sample]) -> float:
    return statistics.median(s.wall for s in samples)


def server_cpu_reader(endpoint: str) -> Callable[[], float | None]:
    """A reader of the CPU seconds (user + system) used so far by the `weed` process that
    serves S3 on `endpoint`'s port, found in /proc; it reads None where /proc is missing."""
    port = endpoint.rsplit(":", 1)[-1]
    stat_path = None
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                args = handle.read().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"weed") and f"-s3.port={port}".encode() in args:
            stat_path = f"/proc/{entry}/stat"
            break
    ticks = os.sysconf("SC_CLK_TCK") if stat_path else 100

    def read() -> float | None:
        if stat_path is None:
            return None
        try:
            with open(stat_path) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def write_file(path: str, size: int, block: bytes) -> float:
    """Write `size` bytes (`block`, repeated) to a new file at `path` through the page cache,
    without syncing; return the seconds the writes took."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        start = time.perf_counter()
        for offset in range(0, size, len(block)):
            os.pwrite(fd, block, offset)
        return time.perf_counter() - start
    finally:
        os.close(fd)


def recycle_pages(directory: str, size: int) -> None:
    """Write `size` bytes to a scratch file in `directory` and delete it: its page cache is
    freed (unwritten, so no disk write) for whatever allocates next."""
    path = os.path.join(directory, f"recycle-{uuid.uuid4().hex}.tmp")
    try:
        write_file(path, size, bytes(MiB))
    finally:
        if os.path.exists(path):
            os.unlink(path)


# The reader of the server's CPU seconds; the `sides` fixture sets it for its server.
server_cpu: Callable[[], float | None] = lambda: None  # noqa: E731


def timed(fn: Callable[[], object], *, settle_disk: bool = False,
          recycle: tuple[str, int] | None = None) -> Sample:
    """Run `fn` once and sample it. `settle_disk`: flush dirty pages first (untimed), so a
    256 MiB file written by the previous side is not written back during this side's timing.
    `recycle` = (directory, bytes): then write and delete that many bytes there (untimed), so
    the page cache `fn` fills (the server's volume, the downloaded file) takes pages just
    freed rather than guest memory it has never held, which this VM charges 0.7-0.9 s per
    256 MiB to whichever writer comes first (test_bench_machine.py); it hit the two sides at
    random and made "first read" bimodal."""
    if settle_disk:
        os.sync()
    if recycle:
        recycle_pages(*recycle)
    server_before = server_cpu()
    cpu_before = time.process_time()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_before
    server_after = server_cpu()
    server = (None if server_before is None or server_after is None
              else server_after - server_before)
    return Sample(wall, cpu, server)
