"""A bounded thread pool for per-file work: submission blocks while too many tasks are in flight.

Keeps memory flat when a listing yields millions of keys, and stops accepting work as soon as
the cancel token fires. With an `AdaptiveLimit` the tasks also pass its gate, so a server's
slow-down replies shrink how many files are in flight; `heavy=True` tasks (multipart-sized
files, each already running several part requests) are held to `HEAVY_IN_FLIGHT` at a time.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from minbrowse.s3.cancel import CancelToken

from .adaptive import AdaptiveLimit

HEAVY_IN_FLIGHT = 4


class BoundedPool:
    """`submit` waits for a free slot (at most `2 * workers` queued or running tasks)."""

    def __init__(self, workers: int, cancel: CancelToken | None, name: str = "transfer",
                 limit: AdaptiveLimit | None = None) -> None:
        workers = max(1, int(workers))
        self._cancel = cancel
        self._limit = limit
        self._heavy = threading.BoundedSemaphore(HEAVY_IN_FLIGHT)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers * 2)

    def submit(self, fn: Callable[..., Any], *args: Any, heavy: bool = False) -> bool:
        """Run `fn(*args)` on a worker; False (not run) when cancelled while waiting.

        With a limit, the caller waits here for its gate, so no more tasks than the limit
        allows reach the executor (and no more threads are started than that)."""
        while not self._slots.acquire(timeout=0.05):
            if self._stopped():
                return False
        if self._limit is not None and not self._limit.acquire(self._stopped):
            self._slots.release()
            return False
        try:
            future = self._executor.submit(self._run, fn, args, heavy)
        except BaseException:
            self._slots.release()
            if self._limit is not None:
                self._limit.release(False)
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        return True

    def _stopped(self) -> bool:
        return self._cancel is not None and self._cancel.cancelled

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...], heavy: bool) -> Any:
        # `fn` checks the cancel token itself and accounts for work it never starts
        if heavy:
            self._heavy.acquire()
        ok, started = False, time.monotonic()
        try:
            result = fn(*args)
            ok = True
            return result
        finally:
            if self._limit is not None:
                # heavy tasks run many requests of their own: their time says nothing of one
                self._limit.release(ok, None if heavy else time.monotonic() - started)
            if heavy:
                self._heavy.release()

    def close(self) -> None:
        """Wait for every submitted task to finish."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> "BoundedPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
