"""The bulk engine's pump: items streamed from a listing into a fixed set of worker threads.

The caller's thread iterates the items (a listing generator, so a prefix of ten million keys
never sits in memory) and hands them over a bounded queue to `workers` threads; each worker
takes a slot of the `AdaptiveLimit` for its request, so the server's slow-down replies shrink
the number of requests in flight without stopping or restarting threads. Cancellation stops
the feeding at once; items already handed over are returned as not started.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable, Generic, Iterable, TypeVar

from minbrowse.s3.cancel import CancelToken

from .adaptive import AdaptiveLimit

T = TypeVar("T")
_STOP = object()


class Pipeline(Generic[T]):
    """Run `work(item)` for every fed item on `workers` threads under `limit`.

    `work` reports its own per-item outcome (it must not raise for one item's failure; an
    exception that escapes it is kept and re-raised by `close`). `unstarted(item)` is called
    for every item that was fed but not run because the job was cancelled.
    """

    def __init__(self, work: Callable[[T], None], *, workers: int, limit: AdaptiveLimit,
                 cancel: CancelToken | None = None,
                 unstarted: Callable[[T], None] | None = None, name: str = "bulk") -> None:
        self._work = work
        self._limit = limit
        self._cancel = cancel
        self._unstarted = unstarted
        self._queue: queue.Queue = queue.Queue(maxsize=max(2, 2 * workers))
        self._error: BaseException | None = None
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for thread in self._threads:
            thread.start()

    def cancelled(self) -> bool:
        return (self._cancel is not None and self._cancel.cancelled) or self._error is not None

    def feed(self, item: T) -> bool:
        """Hand one item to the workers (waits while the queue is full); False once cancelled."""
        while True:
            if self.cancelled():
                return False
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue

    def feed_all(self, items: Iterable[T]) -> bool:
        """Feed every item; False when cancelled before the end."""
        for item in items:
            if not self.feed(item):
                return False
        return True

    def close(self) -> None:
        """Wait for the fed items to finish, stop the threads, re-raise a worker's escape."""
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if self.cancelled() or not self._limit.acquire(self.cancelled):
                if self._unstarted is not None:
                    self._unstarted(item)
                continue
            ok, started = False, time.monotonic()
            try:
                self._work(item)
                ok = True
            except BaseException as exc:  # noqa: BLE001 - kept for close() to re-raise
                if self._error is None:
                    self._error = exc
            finally:
                self._limit.release(ok, time.monotonic() - started)
