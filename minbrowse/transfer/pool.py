"""A bounded thread pool for per-file work: submission blocks while too many tasks are in flight.

Keeps memory flat when a listing yields millions of keys, and stops accepting work as soon as
the cancel token fires.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from minbrowse.s3.cancel import CancelToken


class BoundedPool:
    """`submit` waits for a free slot (at most `2 * workers` queued or running tasks)."""

    def __init__(self, workers: int, cancel: CancelToken | None, name: str = "transfer") -> None:
        workers = max(1, int(workers))
        self._cancel = cancel
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers * 2)

    def submit(self, fn: Callable[..., Any], *args: Any) -> bool:
        """Run `fn(*args)` on a worker; False (not run) when cancelled while waiting."""
        while not self._slots.acquire(timeout=0.05):
            if self._cancel is not None and self._cancel.cancelled:
                return False
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        return True

    def close(self) -> None:
        """Wait for every submitted task to finish."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> "BoundedPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
