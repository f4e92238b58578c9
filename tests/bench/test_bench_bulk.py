"""Bulk benchmark: minbrowse's bulk engine beside s5cmd, rclone and aws-cli, one run, one server.

Four workloads on BENCH_BULK_COUNT (5000) objects of 1 KiB: upload a folder, download a prefix,
copy a prefix server side, delete a prefix. Every tool runs as its own process with its own
defaults (tests/bench/bulk_tools.py), on loopback and through `LatencyRelay` (20 ms round
trip, BENCH_BULK_RTT_MS). Rounds (BENCH_BULK_ROUNDS, default 3) rotate the order of the tools;
each row gives the median wall time, the peak RSS, and ratio = minbrowse / fastest peer.
Every run is checked untimed (objects listed, files counted and compared): a tool that fails
is reported as failed, never as fast. A second test measures the peak RSS of a 1,000,000-key
`delete_prefix` against the generated pages of `fake_bulk_server` (a FAKE server: no local
server holds a million keys without minutes of uploads). Run with `make bench`
(or `pytest -m bench tests/bench/test_bench_bulk.py -s`); figures in tests/bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from minbrowse.transfer import delete_prefix
from tests.bench.bulk_tools import (PEERS, TOOLS, URLLIB3_ONLY, WORKLOADS, Link, ProcessRun,
                                    command, timed_run, tool_env, tool_path)
from tests.bench.latency_relay import LatencyRelay
from tests.bench.test_bench_s3 import bench_seaweed  # noqa: F401 - the module's own SeaweedFS

pytestmark = [pytest.mark.bench, pytest.mark.timeout(3600)]

COUNT = int(os.environ.get("BENCH_BULK_COUNT", "5000"))
ROUNDS = int(os.environ.get("BENCH_BULK_ROUNDS", "3"))
RTT = float(os.environ.get("BENCH_BULK_RTT_MS", "20")) / 1000
MILLION = int(os.environ.get("BENCH_BULK_RSS_KEYS", "1000000"))
DIRS = 10
BODY = b"b" * 1024
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bulk-src")
    for i in range(COUNT):
        folder = root / f"d{i % DIRS}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i:05d}").write_bytes(BODY)
    return root


@pytest.fixture(scope="module")
def bulk_bucket(bench_seaweed):  # noqa: F811
    client = bench_seaweed.client()
    client.make_bucket("bulk")
    yield client, "bulk"


def _installed() -> list[str]:
    missing = [tool for tool in PEERS if tool_path(tool) is None]
    if missing:
        pytest.skip(f"bench peers not installed ({', '.join(missing)}): "
                    "pip install -e '.[bench]' (make bench does)")
    return list(TOOLS)


def _check(client, bucket: str, tool: str, workload: str, prefix: str, local: Path) -> str:
    """'' when the run did its work, else what is wrong (untimed)."""
    if workload == "download":
        files = [p for p in local.rglob("*") if p.is_file()]
        if len(files) != COUNT:
            return f"{len(files)} of {COUNT} files"
        if any(p.read_bytes() != BODY for p in files[:50]):
            return "wrong bytes"
        return ""
    target = prefix + ("cp/" if workload in ("copy", "delete") else "up/")
    listed = sum(1 for _ in client.list_objects(bucket, prefix=target, recursive=True))
    want = 0 if workload == "delete" else COUNT
    return "" if listed == want else f"{listed} objects under {target}, want {want}"


def _rotated(tools: list[str], round_no: int) -> list[str]:
    shift = round_no % len(tools)
    return tools[shift:] + tools[:shift]


def _run_link(label: str, link: Link, client, bucket: str, tools: list[str],
              source: Path, scratch: Path) -> dict:
    """samples[workload][tool] = list of ProcessRun; failures[tool] = first failure."""
    samples: dict[str, dict[str, list[ProcessRun]]] = {w: {t: [] for t in tools}
                                                       for w in WORKLOADS}
    failures: dict[str, str] = {}
    for round_no in range(ROUNDS):
        order = _rotated(tools, round_no)
        prefixes = {tool: f"{label}/{tool}-r{round_no}/" for tool in order}
        for workload in WORKLOADS:
            for tool in order:
                home = scratch / f"home-{tool}"
                home.mkdir(exist_ok=True)
                local = source
                if workload == "download":
                    local = scratch / f"down-{label}-{tool}-{round_no}"
                    local.mkdir()
                cmd = command(tool, link, workload, bucket, prefixes[tool], local)
                run = timed_run(cmd, tool_env(tool, link, home), scratch / f"{tool}.log",
                                cwd=str(REPO))
                wrong = _check(client, bucket, tool, workload, prefixes[tool], local)
                if run.returncode != 0 or wrong:
                    failures.setdefault(f"{tool} {workload}",
                                        f"exit {run.returncode}; {wrong}; {run.tail[-300:]}")
                else:
                    samples[workload][tool].append(run)
                if workload == "download":
                    shutil.rmtree(local, ignore_errors=True)
        for tool in order:  # untimed: empty the round's prefixes for the next
            delete_prefix(client, bucket, prefixes[tool])
    return {"samples": samples, "failures": failures}


def _table(label: str, result: dict, tools=TOOLS, peers=PEERS,
           versus: str = "fastest peer") -> list[str]:
    lines = [f"\n== bulk, {label}: {COUNT} x 1 KiB, {ROUNDS} rounds; median wall s "
             f"(peak RSS MiB); ratio = minbrowse / {versus} ==",
             f"{'workload':<10}" + "".join(f"{t:>20}" for t in tools) + f"{'ratio':>8}"]
    for workload in WORKLOADS:
        cells, medians = [], {}
        for tool in tools:
            runs = result["samples"][workload].get(tool, [])
            if not runs:
                cells.append(f"{'failed' if f'{tool} {workload}' in result['failures'] else '-':>20}")
                continue
            med = statistics.median(r.wall for r in runs)
            rss = max(r.peak_rss_kib for r in runs) / 1024
            medians[tool] = med
            cells.append(f"{med:>11.2f} ({rss:>5.0f})")
        others = [medians[t] for t in peers if t in medians]
        ratio = (f"{medians['minbrowse'] / min(others):8.2f}"
                 if others and "minbrowse" in medians else f"{'n/a':>8}")
        lines.append(f"{workload:<10}" + "".join(cells) + ratio)
    for what, why in result["failures"].items():
        lines.append(f"  FAILED {what}: {why}")
    return lines


def test_bench_bulk_against_peers(bench_seaweed, bulk_bucket, source_tree,  # noqa: F811
                                  tmp_path, report):
    tools = _installed()
    client, bucket = bulk_bucket
    direct = Link(bench_seaweed.endpoint, bench_seaweed.access_key, bench_seaweed.secret_key)
    lines = []
    results = {"loopback": _run_link("loopback", direct, client, bucket, tools,
                                     source_tree, tmp_path)}
    with LatencyRelay.for_endpoint(bench_seaweed.endpoint, rtt=RTT) as relay:
        far = Link(relay.endpoint, direct.access_key, direct.secret_key)
        label = f"rtt{int(RTT * 1000)}ms"
        results[label] = _run_link(label, far, client, bucket, tools, source_tree, tmp_path)
    for label, result in results.items():
        lines += _table(label, result)
        for workload in WORKLOADS:
            runs = result["samples"][workload]
            ours = runs.get("minbrowse")
            peers = [statistics.median(r.wall for r in runs[t]) for t in PEERS if runs.get(t)]
            if ours and peers:
                report(f"bulk {workload} {label} ratio",
                       f"{statistics.median(r.wall for r in ours) / min(peers):.2f}")
    print("\n".join(lines))
    ours_failed = [k for r in results.values() for k in r["failures"] if k.startswith("minbrowse")]
    assert not ours_failed, [results[label]["failures"] for label in results]


def test_bench_bulk_million_key_delete_rss(tmp_path, report):
    """Peak RSS of one `delete_prefix` over MILLION keys streamed from generated pages."""
    server = subprocess.Popen([sys.executable, "-m", "tests.bench.fake_bulk_server",
                               str(MILLION)], stdout=subprocess.PIPE, cwd=str(REPO), text=True)
    try:
        port = int(server.stdout.readline())
        link = Link(f"127.0.0.1:{port}", "fake", "fake-secret")
        env = tool_env("minbrowse", link, tmp_path)
        cmd = [sys.executable, "-m", "tests.bench.bulk_ours", link.endpoint, "delete", "bkt", "",
               "--rss"]
        run = timed_run(cmd, env, tmp_path / "million.log", timeout=1800, cwd=str(REPO))
        with urllib.request.urlopen(f"http://{link.endpoint}/_stats", timeout=10) as resp:
            stats = json.load(resp)
    finally:
        server.kill()
        server.wait()
    assert run.returncode == 0, run.tail
    assert stats["deleted"] == MILLION, stats
    printed = [line for line in run.tail.splitlines() if line.startswith("peak_rss_kib=")]
    rss_mib = max(run.peak_rss_kib, int(printed[-1].split("=")[1]) if printed else 0) / 1024
    report(f"delete_prefix {MILLION} keys (fake server)",
           f"{run.wall:.1f} s, peak RSS {rss_mib:.0f} MiB")
    assert rss_mib < 150, f"peak RSS {rss_mib:.0f} MiB over the 150 MiB target"


def test_bench_bulk_http11_against_urllib3(bench_seaweed, bulk_bucket, source_tree,  # noqa: F811
                                           tmp_path, report):
    """Issue 18's question: does http11.exchange pay in bulk work? The same engine with every
    reply read through urllib3's response machinery instead, side by side."""
    client, bucket = bulk_bucket
    direct = Link(bench_seaweed.endpoint, bench_seaweed.access_key, bench_seaweed.secret_key)
    tools = ["minbrowse", URLLIB3_ONLY]
    lines = []
    results = {"loopback": _run_link("h11-loopback", direct, client, bucket, tools,
                                     source_tree, tmp_path)}
    with LatencyRelay.for_endpoint(bench_seaweed.endpoint, rtt=RTT) as relay:
        far = Link(relay.endpoint, direct.access_key, direct.secret_key)
        results[f"rtt{int(RTT * 1000)}ms"] = _run_link("h11-far", far, client, bucket, tools,
                                                       source_tree, tmp_path)
    for label, result in results.items():
        lines += _table(label, result, tools, [URLLIB3_ONLY], "minbrowse via urllib3")
        for workload in WORKLOADS:
            runs = result["samples"][workload]
            if runs.get("minbrowse") and runs.get(URLLIB3_ONLY):
                report(f"http11 vs urllib3 {workload} {label}",
                       f"{statistics.median(r.wall for r in runs['minbrowse']) / statistics.median(r.wall for r in runs[URLLIB3_ONLY]):.2f}")
    print("\n".join(lines))
    assert not [k for r in results.values() for k in r["failures"]], results
