"""A bounded thread pool for per-file work: submission blocks while too many tasks are in flight.

Keeps memory flat when a listing yields millions of keys, and stops accepting work as soon as
the cancel token fires. With an `AdaptiveLimit` the tasks also pass its gate, so a server's
slow-down replies shrink how many files are in flight; `heavy=True` tasks (multipart-sized
files, each already running several part requests) are held to `HEAVY_IN_FLIGHT` at a time.
"""

from __future__ import annotations

import threading
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
        """Run `fn(*args)` on a worker; False (not run) when cancelled while waiting."""
        while not self._slots.acquire(timeout=0.05):
            if self._cancel is not None and self._cancel.cancelled:
                return False
        try:
            future = self._executor.submit(self._run, fn, args, heavy)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        return True

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...], heavy: bool) -> Any:
        # `fn` checks the cancel token itself and accounts for work it never starts
        if heavy:
            self._heavy.acquire()
        try:
            if self._limit is None:
                return fn(*args)
            with self._limit.slot():
                return fn(*args)
        finally:
            if heavy:
                self._heavy.release()

    def close(self) -> None:
        """Wait for every submitted task to finish."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> "BoundedPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
