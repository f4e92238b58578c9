"""`ToolRun`: one ops-tool job on a worker thread and, at the same time, its handle.

The worker calls the run; the screen calls `cancel()` from the UI thread, which also closes
an open listen/select stream (their readers allow that). A run posts `ToolEvent`s while it
streams, then one `ToolDone` or `ToolFailed` (S3 code and message); it never raises.
No s3 imports: the jobs themselves live in `minbrowse.ui.jobs.tool_jobs` and `minbrowse.ui.jobs.live_jobs`.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Any, Callable

from ..core.errors import describe_error
from .protocol import READ_ONLY_CODE, ToolDone, ToolEvent, ToolFailed, ToolRequest

log = logging.getLogger("minbrowse.ui.tools.runner")


class ToolRefused(Exception):
    """A job declined to send a request (legal hold, retention, read-only): code + message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ToolRun:
    """One job on a worker thread; `cancel()` may be called from any thread."""

    def __init__(self, client: Any, request: ToolRequest, post: Callable[[Any], Any],
                 job: Callable[["ToolRun"], Any] | None, *, read_only: bool = False,
                 clock: Callable[[], datetime] | None = None,
                 copy: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.request = request
        self.post = post
        self.job = job
        self.read_only = read_only
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.copy = copy
        self.worker: Any = None
        self._cancelled = threading.Event()
        self._closers: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    # ---- handle side ------------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            closers, self._closers = self._closers, []
        for close in closers:
            try:
                close()
            except Exception:  # noqa: BLE001 - closing a dead stream may fail any way
                pass
        if self.worker is not None:
            self.worker.cancel()

    # ---- job side ---------------------------------------------------------------------------
    def on_cancel(self, close: Callable[[], None]) -> None:
        with self._lock:
            if not self._cancelled.is_set():
                self._closers.append(close)
                return
        close()

    def off_cancel(self, close: Callable[[], None]) -> None:
        """Forget a closer given to `on_cancel` (its stream has ended on its own)."""
        with self._lock:
            if close in self._closers:
                self._closers.remove(close)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when cancelled meanwhile."""
        return self._cancelled.wait(seconds)

    def event(self, value: Any) -> None:
        if not self.cancelled:
            self.post(ToolEvent(self.request, value))

    def __call__(self) -> None:
        request = self.request
        try:
            if request.mutating and self.read_only:
                raise ToolRefused(READ_ONLY_CODE, "refused: minbrowse is read-only")
            if self.job is None:
                raise ToolRefused("UnknownTool", f"no job for {request.tool} {request.action}")
            value = self.job(self)
            if not self.cancelled:
                self.post(ToolDone(request, value))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            if self.cancelled:
                return
            code, message = describe_error(exc)
            log.info("%s %s failed: %s: %s", request.tool, request.action, code, message)
            self.post(ToolFailed(request, code, message))
