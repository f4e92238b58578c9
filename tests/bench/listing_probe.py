"""Measures one listing in a running MinbrowseApp: first rows, last key reachable, stalls, RSS.

The event loop's health is the lateness of a 10 ms interval timer, tracked per phase
(loading / scrolling / sort+filter). For the worst stall of each phase we also record how
much CPU the whole process got meanwhile, so a stall caused by other processes on a busy
machine (little CPU for us) can be told apart from one caused by our own work.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from typing import Any

TICK = 0.01


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class StallMeter:
    """Lateness of a periodic timer, per phase; `worst[phase] = (late s, process CPU s)`."""

    phase: str = "start"
    worst: dict[str, tuple[float, float]] = field(default_factory=dict)
    _last: float = field(default_factory=time.monotonic)
    _cpu: float = field(default_factory=time.process_time)

    def tick(self) -> None:
        now, cpu = time.monotonic(), time.process_time()
        late = now - self._last - TICK
        if late > self.worst.get(self.phase, (0.0, 0.0))[0]:
            self.worst[self.phase] = (late, cpu - self._cpu)
        self._last, self._cpu = now, cpu

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        self._last, self._cpu = time.monotonic(), time.process_time()


async def _wait(pilot: Any, condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.005)


async def measure_listing(app: Any, pilot: Any, last_name: str, *, timeout: float = 600,
                          sort_while_loading: bool = False) -> dict:
    """Drive an app that is opening a big prefix; return the figures (seconds, MB).
    `sort_while_loading`: press `s` (by size) as soon as the first rows show, so the rest of
    the listing arrives into a sorted view (pending rows merged in slices)."""
    meter = StallMeter()
    app.set_interval(TICK, meter.tick)
    figures: dict[str, Any] = {"loadavg_start": os.getloadavg()[0]}
    await _wait(pilot, lambda: app.first_paint_at is not None, timeout, "first rows")
    meter.set_phase("loading")
    loop_cpu, process_cpu = time.thread_time(), time.process_time()
    started = app._listing_started
    figures["first_page_after"] = app.first_rows_at - started
    figures["first_rows"] = app.first_paint_at - app.first_rows_at
    figures["sort_while_loading"] = sort_while_loading
    if sort_while_loading:
        await pilot.press("s")
    presses = 0
    while not app.listing.loading_done:  # the user moves around while the rest loads
        await pilot.press("j")
        presses += 1
        if time.monotonic() - started > timeout:
            raise AssertionError("listing did not finish")
    figures["presses_during_load"] = presses
    figures["loaded"] = time.monotonic() - started
    figures["loop_cpu_loading"] = time.thread_time() - loop_cpu  # the event loop's own work
    figures["process_cpu_loading"] = time.process_time() - process_cpu
    figures["rss_loaded_mb"] = peak_rss_mb()  # before sort/filter make their temporary lists
    meter.set_phase("scrolling")
    if sort_while_loading:  # the last merge may still run; the last key is the biggest now
        await _wait(pilot, lambda: not app.listing.reordering and not app.listing.store.pending,
                    60, "the last merge")
        store = app.listing.store
        last_name = store.names[max(range(store.total), key=store.sizes.__getitem__)]
    await pilot.press("G")
    await _wait(pilot, lambda: (app.listing.current_entry() or None) is not None
                and app.listing.current_entry().name == last_name, 30, "the last key")
    painted: list[float] = []
    app.call_after_refresh(lambda: painted.append(time.monotonic()))
    await _wait(pilot, lambda: bool(painted), 30, "the last key on screen")
    figures["last_key_reachable"] = painted[0] - started
    figures["rows"] = app.listing.store.total
    await pilot.press("g", *["pagedown"] * 10, *["j"] * 20, "G", *["pageup"] * 10, *["k"] * 20,
                      "g", "ctrl+d", "ctrl+d", "G")
    await pilot.pause(0.05)
    meter.set_phase("sort_filter")
    started_sort = time.monotonic()
    await pilot.press("s")  # by size: big listings sort in slices while the UI keeps going
    await _wait(pilot, lambda: not app.listing.reordering, 120, "the sort by size")
    figures["sort_by_size"] = time.monotonic() - started_sort
    await pilot.press("s", "t", "n", "slash", *"0999", "escape")
    await _wait(pilot, lambda: not app.listing.reordering, 120, "sorts and the filter")
    await pilot.pause(0.05)
    figures["stalls"] = {phase: {"late": late, "cpu": cpu} for phase, (late, cpu) in meter.worst.items()}
    figures["loadavg_end"] = os.getloadavg()[0]
    figures["rss_mb"] = peak_rss_mb()
    return figures


def describe(figures: dict, report) -> None:
    """Print the figures through the bench `report(name, value)` fixture."""
    report("rows", f"{figures['rows']:,}" + (" (sorted by size while loading)"
                                             if figures.get("sort_while_loading") else ""))
    report("first page after start", f"{figures['first_page_after'] * 1000:.0f} ms")
    report("first page -> first rows on screen", f"{figures['first_rows'] * 1000:.0f} ms")
    report("all rows loaded", f"{figures['loaded']:.2f} s ({figures['presses_during_load']} "
           "key presses handled meanwhile)")
    report("CPU while loading (event loop / whole process)",
           f"{figures['loop_cpu_loading']:.2f} s / {figures['process_cpu_loading']:.2f} s")
    report("last key reachable (G shows it)", f"{figures['last_key_reachable']:.2f} s")
    report("sort by size, start to new order shown", f"{figures['sort_by_size']:.2f} s")
    for phase, stall in figures["stalls"].items():
        report(f"longest stall while {phase}",
               f"{stall['late'] * 1000:.0f} ms (process CPU meanwhile {stall['cpu'] * 1000:.0f} ms)")
    report("peak RSS (when loaded / at the end, after sort+filter)",
           f"{figures['rss_loaded_mb']:.0f} MB / {figures['rss_mb']:.0f} MB")
    report("load average (start/end)", f"{figures['loadavg_start']:.1f} / {figures['loadavg_end']:.1f}")
