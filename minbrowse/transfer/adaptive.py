"""How many requests a bulk job keeps in flight: AIMD, halved when the server says slow down.

`AdaptiveLimit` is a gate: each request enters with `slot()` and waits while `limit` requests
are in flight. A slow-down reply (503, SlowDown, Throttling; reported by the client's throttle
listener) halves the limit, at most once per `cooldown` seconds so one burst of replies to
requests already sent counts once; every `limit` successful requests add one back, up to the
ceiling. This is TCP's congestion rule applied to a request pool.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

# Files one upload_dir / download_prefix keeps in flight by default. Small objects on a link
# with a round trip are latency-bound: parallel requests are what pays (s5cmd runs 256
# workers); chosen by tests/bench/test_bench_bulk.py, see tests/bench/RESULTS.md.
FILES_IN_FLIGHT = 32


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
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, int(ceiling))
        self._limit = max(1, min(self.ceiling, int(start or self.ceiling)))
        self._cooldown = cooldown
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._successes = 0
        self._throttled = 0
        self._cuts = 0
        self._last_cut: float | None = None

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
                self._cond.wait(0.05)
            self._in_flight += 1
            return True

    def release(self, ok: bool = True) -> None:
        with self._cond:
            self._in_flight -= 1
            if ok:
                self._successes += 1
                if self._successes >= self._limit and self._limit < self.ceiling:
                    self._successes = 0
                    self._limit += 1
            self._cond.notify()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        ok = False
        try:
            yield
            ok = True
        finally:
            self.release(ok)

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
    """A limit of `concurrency` for one job on `client`: the client's pool sized for it and
    its slow-down replies followed. Returns the limit and the function that stops following."""
    limit = AdaptiveLimit(max(1, int(concurrency)))
    size_pool_for(client, limit)
    return limit, follow_throttling(client, limit, on_note)
