"""Listing benchmark: 100,000 rows in pages of 1000 through the real message path.

The service lists a deterministic FAKE backend of 100,000 objects and posts ListingPage
messages exactly as with a server; we measure the time from the first page to the first
rows on screen, the longest event-loop stall (lateness of a 10 ms interval timer) while
the pages load and while the user moves around, and peak RSS. Targets (issue 4):
first rows < 0.5 s, no stall > 100 ms, RSS < 200 MB.
"""

from __future__ import annotations

import asyncio
import resource
import time

import pytest

from minbrowse.ui.screenshots import make_app

pytestmark = pytest.mark.bench
ROWS = 100_000
TICK = 0.01


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def run_bench() -> dict[str, float]:
    app = make_app(location="s3://huge/rows/")
    app._client_backend = app.client  # the FAKE backend
    app.client.generate("huge", "rows/", ROWS)
    figures: dict[str, float] = {"stall": 0.0}
    async with app.run_test(size=(120, 40)) as pilot:
        last = [time.monotonic()]

        def tick() -> None:
            now = time.monotonic()
            late = now - last[0] - TICK
            if late > 0.05:
                print(f"stall {late*1000:.0f} ms at +{now - started:.3f}s rows={app.listing.store.total}")
            figures["stall"] = max(figures["stall"], late)
            last[0] = now

        started = time.monotonic()
        app.set_interval(TICK, tick)
        while app.first_paint_at is None:
            await asyncio.sleep(0.005)
        figures["first_page_after"] = app.first_rows_at - app._listing_started
        figures["first_rows"] = app.first_paint_at - app.first_rows_at
        presses = 0
        while not app.listing.loading_done:
            await pilot.press("j")  # the user scrolls while the rest loads
            presses += 1
        figures["load_all"] = time.monotonic() - started
        figures["rows"] = app.listing.store.total
        await pilot.press("G", "k", "g", "s", "s", "t", "n")
        await pilot.press("slash", *"0999", "escape")
        await pilot.pause(0.1)
        figures["presses_during_load"] = presses
    figures["rss_mb"] = peak_rss_mb()
    return figures


def test_listing_100k_rows(report) -> None:
    figures = asyncio.run(run_bench())
    report("rows", f"{figures['rows']:,.0f}")
    report("first page after start", f"{figures['first_page_after'] * 1000:.0f} ms")
    report("first page -> first rows on screen", f"{figures['first_rows'] * 1000:.1f} ms")
    report("all rows loaded", f"{figures['load_all']:.2f} s ({figures['presses_during_load']:.0f} "
           "key presses handled meanwhile)")
    report("longest event-loop stall", f"{figures['stall'] * 1000:.1f} ms")
    report("peak RSS", f"{figures['rss_mb']:.0f} MB")
    assert figures["rows"] == ROWS
    assert figures["first_rows"] < 0.5
    assert figures["stall"] < 0.1
    assert figures["rss_mb"] < 200
