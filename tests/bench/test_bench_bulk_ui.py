"""The app stays responsive while a bulk job runs: delete a folder of BENCH_UI_BULK_KEYS keys.

Drives a real MinbrowseApp against `fake_bulk_server` (a FAKE server, in a process of its own:
generated listing pages, counted deletes) through the whole flow a user takes: `d` on the
folder, the dry run counts every key, the count is typed to confirm, the job runs while the
transfers screen shows its progress. The event loop's health is the lateness of a 10 ms timer
(`listing_probe.StallMeter`), per phase (counting, deleting); the issue's limit is 100 ms,
counted only when our process had the CPU (`bench_listing.check_stall`). The server's own
count says every key was deleted.
Run with `make bench` (or `pytest -m bench tests/bench/test_bench_bulk_ui.py -s`).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bench.bench_listing import check_stall
from tests.bench.listing_probe import TICK, StallMeter
from tests.ui.pilot_helpers import wait_until

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

KEYS = int(os.environ.get("BENCH_UI_BULK_KEYS", "200000"))
REPO = Path(__file__).resolve().parents[2]


async def _until(pilot, condition, timeout: float, what: str) -> None:
    await wait_until(pilot, condition, timeout, what)


async def _drive(endpoint: str) -> dict:
    from minbrowse.config import AppConfig, Profile
    from minbrowse.ui.app import MinbrowseApp
    from minbrowse.ui.jobs.transfer_bridge import JobState
    from minbrowse.ui.screens.bulk_confirm import BulkConfirmScreen
    from minbrowse.ui.screens.transfers import TransfersScreen

    profile = Profile(name="fake", endpoint=endpoint, secure=False, region="us-east-1",
                      access_key="fake", secret_key="fake-secret", source="config")
    app = MinbrowseApp(AppConfig(profiles=(profile,), default_profile="fake"), profile,
                       location="s3://bkt/")
    figures: dict = {}
    async with app.run_test(size=(120, 36)) as pilot:
        meter = StallMeter()
        app.set_interval(TICK, meter.tick)
        await _until(pilot, lambda: app.listing.loading_done and len(app.listing.store) == 1,
                     60, "the folder")
        started = time.monotonic()
        meter.set_phase("counting")
        await pilot.press("d")
        await _until(pilot, lambda: isinstance(app.screen, BulkConfirmScreen)
                     and app.screen.objects == KEYS, 600, "the dry run's count")
        figures["count_s"] = time.monotonic() - started
        await pilot.press(*str(KEYS), "enter")
        meter.set_phase("deleting")
        started = time.monotonic()
        await _until(pilot, lambda: bool(app.transfers.jobs()), 30, "the job")
        await pilot.press("T")
        await _until(pilot, lambda: isinstance(app.screen, TransfersScreen), 30, "transfers")
        await _until(pilot, lambda: app.transfers.jobs()[-1].state.finished, 1200, "the delete")
        figures["delete_s"] = time.monotonic() - started
        job = app.transfers.jobs()[-1]
        figures["state"] = job.state.value
        figures["done"] = job.result.done if job.result else 0
        assert job.state is JobState.DONE, job
        figures["stalls"] = {phase: {"late": late, "cpu": cpu}
                             for phase, (late, cpu) in meter.worst.items()}
    return figures


def test_bench_ui_stays_responsive_during_a_bulk_delete(report) -> None:
    server = subprocess.Popen([sys.executable, "-m", "tests.bench.fake_bulk_server", str(KEYS)],
                              stdout=subprocess.PIPE, cwd=str(REPO), text=True)
    try:
        port = int(server.stdout.readline())
        figures = asyncio.run(_drive(f"127.0.0.1:{port}"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats", timeout=10) as resp:
            stats = json.load(resp)
    finally:
        server.kill()
        server.wait()
    report(f"UI bulk delete of {KEYS} keys",
           f"count {figures['count_s']:.1f} s, delete {figures['delete_s']:.1f} s")
    for phase in ("counting", "deleting"):
        stall = figures["stalls"].get(phase, {"late": 0.0, "cpu": 0.0})
        report(f"UI worst stall while {phase}",
               f"{stall['late'] * 1000:.0f} ms (process CPU meanwhile {stall['cpu'] * 1000:.0f} ms)")
    assert figures["done"] == KEYS and stats["deleted"] == KEYS, (figures, stats)
    for phase in ("counting", "deleting"):
        check_stall(figures["stalls"].get(phase, {"late": 0.0, "cpu": 0.0}))
