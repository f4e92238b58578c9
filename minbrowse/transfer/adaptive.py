"""How many requests a bulk job keeps in flight: sized to the link by latency, halved on slow down.

`AdaptiveLimit` is a gate: each request enters with `slot()` (or `acquire`/`release`) and
waits while `limit` requests are in flight. Two rules move the limit:

- **Latency (a gradient, as TCP Vegas):** every window of completed requests compares their
  median time with the fastest time seen lately (the link's own round trip). While requests
  take no longer than `tolerance` times that, more in flight would pay, so the limit grows
  (doubling at first, as TCP's slow start, then by one per window, as Vegas); when they
  take longer, requests are queuing (in our
  process: the GIL and the CPU, or at the server), so it shrinks in proportion. On loopback
  this settles at a handful of requests (more threads only cost CPU); at 20-100 ms of round
  trip it climbs towards the ceiling, since each request then waits on the wire.
- **Slow down (AIMD):** a slow-down reply (503, SlowDown, Throttling; reported by the client's
  throttle listener) halves the limit, at most once per `cooldown` seconds so one burst of
  replies to requests already sent counts once.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

# The most files one upload_dir / download_prefix keeps in flight (the latency rule finds how
# many pay, from START_IN_FLIGHT): small objects on a link with a round trip are latency-bound
# and parallel requests are what pays (s5cmd runs 256 workers); on loopback a few requests
# keep the CPU busy and more only add thread switching. See tests/bench/RESULTS.md.
_log = logging.getLogger(__name__)

FILES_IN_FLIGHT = 128
START_IN_FLIGHT = 2  # the first window, few in flight, measures the link's own round trip
TOLERANCE = 2.0  # requests may take this many times the link's fastest before the limit shrinks


@dataclass(frozen=True)
class LimitState:
    """The gate at one instant: the current limit, its ceiling and how often it was cut."""

    limit: int
    ceiling: int
    throttled: int  # slow-down replies seen
    cuts: int  # times the limit was halved

    @property
    def note(self) -> str:
        """The progress line's words for it ("" while the server never asked to slow down)."""
        if not self.throttled:
            return ""
        return (f"server asked to slow down {self.throttled}x: "
                f"{self.limit} of {self.ceiling} requests in flight")


class AdaptiveLimit:
    """A thread-safe AIMD gate between 1 and `ceiling` requests in flight."""

    def __init__(self, ceiling: int, *, start: int | None = None, cooldown: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, tolerance: float = TOLERANCE,
                 latency_tuned: bool = True) -> None:
        self.ceiling = max(1, int(ceiling))
        first = start if start is not None else (START_IN_FLIGHT if latency_tuned else None)
        self._limit = max(1, min(self.ceiling, int(first or self.ceiling)))
        self._cooldown = cooldown
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._successes = 0
        self._throttled = 0
        self._cuts = 0
        self._last_cut: float | None = None
        self._latency_tuned = latency_tuned
        self._tolerance = tolerance
        self._window: list[float] = []
        self._base: float | None = None  # the fastest window median seen lately
        self._size = float(self._limit)  # the latency rule's limit, before rounding
        self._slow_start = True

    @property
    def limit(self) -> int:
        return self._limit

    def state(self) -> LimitState:
        with self._cond:
            return LimitState(self._limit, self.ceiling, self._throttled, self._cuts)

    def acquire(self, should_stop: Callable[[], bool] | None = None) -> bool:
        """Wait for a free slot; False (no slot taken) once `should_stop()` says so."""
        with self._cond:
            while self._in_flight >= self._limit:
                if should_stop is not None and should_stop():
                    return False
                self._cond.wait(0.25)
            self._in_flight += 1
            return True

    def release(self, ok: bool = True, seconds: float | None = None) -> None:
        """A request left the gate; `seconds` (how long it took) feeds the latency rule."""
        with self._cond:
            self._in_flight -= 1
            if ok and self._latency_tuned:
                if seconds is not None:
                    self._observe(seconds)
            elif ok:
                self._successes += 1
                if self._successes >= self._limit and self._limit < self.ceiling:
                    self._successes = 0
                    self._limit += 1
            self._cond.notify()

    def _observe(self, seconds: float) -> None:
        """One window of request times moves the limit (called with the lock held)."""
        self._window.append(seconds)
        if len(self._window) < max(8, self._limit // 2):
            return
        self._window.sort()
        short = self._window[len(self._window) // 2]
        self._window.clear()
        # The baseline is the fastest window median, learnt in the first window (few in
        # flight), drifting up 0.5 % a window so that a link that became slower is learnt.
        self._base = short if self._base is None else min(short, self._base * 1.005)
        gradient = max(0.5, min(1.0, self._tolerance * self._base / max(short, 1e-6)))
        if self._slow_start and gradient >= 0.9:
            size = self._size * 2  # nothing queues yet: double, as TCP's slow start
        else:
            self._slow_start = False
            size = self._size * gradient + 1.0
        self._size = max(1.0, min(float(self.ceiling), size))
        self._limit = max(1, int(self._size))
        _log.debug("window median %.1f ms, base %.1f ms: limit %d", short * 1e3,
                   self._base * 1e3, self._limit)
        self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        ok = False
        started = time.monotonic()
        try:
            yield
            ok = True
        finally:
            self.release(ok, time.monotonic() - started)

    def throttled(self, _code: str = "") -> None:
        """A slow-down reply arrived: halve the limit (once per cooldown)."""
        with self._cond:
            self._throttled += 1
            now = self._clock()
            if self._last_cut is not None and now - self._last_cut < self._cooldown:
                return
            self._last_cut = now
            if self._limit > 1:
                self._limit = max(1, self._limit // 2)
                self._size = float(self._limit)
                self._slow_start = False
                self._cuts += 1
                self._successes = 0


def follow_throttling(client: Any, limit: AdaptiveLimit,
                      on_note: Callable[[str], object]) -> Callable[[], None]:
    """Halve `limit` on the client's slow-down replies and say so through `on_note`;
    returns the function that stops following (a client without the signal: a no-op)."""
    if not hasattr(client, "add_throttle_listener"):
        return lambda: None

    def on_throttle(code: str) -> None:
        limit.throttled(code)
        on_note(limit.state().note)

    return client.add_throttle_listener(on_throttle)


def size_pool_for(client: Any, limit: AdaptiveLimit) -> None:
    """Give the client a connection for every request the limit may let through."""
    if hasattr(client, "ensure_pool_size"):
        client.ensure_pool_size(limit.ceiling + 4)


def open_limit(client: Any, concurrency: int,
               on_note: Callable[[str], object]) -> tuple[AdaptiveLimit, Callable[[], None]]:
    """A limit of at most `concurrency` for one job on `client`: the client's pool sized for
    it and its slow-down replies followed. Returns the limit and the function that stops
    following."""
    limit = AdaptiveLimit(max(1, int(concurrency)))
    size_pool_for(client, limit)
    return limit, follow_throttling(client, limit, on_note)
