"""Listing benchmark, UI alone: 100,000 and 1,000,000 keys from pages generated in process.

The service lists a deterministic FAKE backend and posts pages exactly as with a server.
Each size runs in its own process (`python -m tests.bench.bench_listing ROWS`), so peak
RSS is that listing's. Figures (see `listing_probe`): first page -> first rows on screen,
time until the last key can be reached (G shows it), longest event-loop stall while
loading, while scrolling and during sort/filter, peak RSS.
Targets (issues 4 and 6): first rows <= 0.5 s; no stall over 100 ms while loading,
scrolling, sorting or filtering; <= 200 MB RSS at 100,000 rows; a bounded, documented figure at 1,000,000.
A stall is only held against us when the process got the CPU meanwhile (on a machine
that is busy with other work, a late timer can mean the OS ran someone else).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
REPO = Path(__file__).resolve().parents[2]
STALL_LIMIT = 0.1


async def run_bench(rows: int, sort_while_loading: bool = False) -> dict:
    from minbrowse.ui.screenshots.render import make_app
    from tests.bench.listing_probe import measure_listing

    app = make_app(location="s3://huge/rows/")
    app.client.generate("huge", "rows/", rows)
    async with app.run_test(size=(120, 40)) as pilot:
        return await measure_listing(app, pilot, f"obj-{rows - 1:07d}.bin",
                                     sort_while_loading=sort_while_loading)


def run_in_subprocess(rows: int, sort_while_loading: bool = False) -> dict:
    args = [str(rows)] + (["sorted"] if sort_while_loading else [])
    done = subprocess.run([sys.executable, "-m", "tests.bench.bench_listing", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_stall(stall: dict) -> None:
    """Over the limit only counts when our process had the CPU for most of the stall."""
    if stall["late"] > STALL_LIMIT:
        assert stall["cpu"] < STALL_LIMIT, f"stall of {stall['late'] * 1000:.0f} ms, CPU " \
                                           f"{stall['cpu'] * 1000:.0f} ms"


@pytest.mark.parametrize("rows, sort_while_loading",
                         [(100_000, False), (1_000_000, False), (1_000_000, True)])
def test_listing_generated_pages(report, rows: int, sort_while_loading: bool) -> None:
    from tests.bench.listing_probe import describe

    figures = run_in_subprocess(rows, sort_while_loading)
    describe(figures, report)
    assert figures["rows"] == rows
    assert figures["first_rows"] < 0.5
    check_stall(figures["stalls"]["loading"])
    check_stall(figures["stalls"]["scrolling"])
    check_stall(figures["stalls"]["sort_filter"])
    if rows <= 100_000:
        assert figures["rss_mb"] < 200
    else:
        assert figures["rss_mb"] < 400


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    print(json.dumps(asyncio.run(run_bench(int(sys.argv[1]), sys.argv[2:] == ["sorted"]))))
