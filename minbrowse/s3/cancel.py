"""Cancellation tokens and the progress-callback protocol shared by s3 and transfer."""

from __future__ import annotations

import threading
from typing import Any, Callable

from .errors import Cancelled


class CancelToken:
    """Thread-safe cancellation flag, checked by long operations between chunks."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("operation cancelled")

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds; True when cancelled meanwhile."""
        return self._event.wait(timeout)


def check(token: CancelToken | None) -> None:
    if token is not None:
        token.raise_if_cancelled()


class ProgressAdapter:
    """Wraps any progress reporter into one `set_meta(...)` / `update(n)` protocol.

    Accepts: None; an object with `update(n)` (and optionally `set_meta(object_name=,
    total_length=)`, as minio-py's Progress thread); or a plain callable `fn(n)`.
    """

    __slots__ = ("_update", "_meta")

    def __init__(self, progress: Any) -> None:
        self._update: Callable[[int], Any] | None = None
        self._meta: Callable[..., Any] | None = None
        if progress is None:
            return
        if hasattr(progress, "update"):
            self._update = progress.update
            self._meta = getattr(progress, "set_meta", None)
        elif callable(progress):
            self._update = progress
        else:
            raise TypeError("progress must have update(n) or be callable")

    def set_meta(self, object_name: str, total_length: int) -> None:
        if self._meta is not None:
            self._meta(object_name=object_name, total_length=total_length)

    def update(self, n: int) -> None:
        if self._update is not None and n:
            self._update(n)
