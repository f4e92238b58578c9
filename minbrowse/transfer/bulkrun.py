"""One bulk job's shared parts: progress tracker, tally, adaptive limit, throttle wiring, pump.

`copy_prefix` and `delete_objects` both open a `BulkRun`, feed its pipeline, and close it for
their report; the run sizes the client's connection pool to its concurrency and follows the
client's slow-down signal for as long as it is open.
"""

from __future__ import annotations

from typing import Any, Callable

from minbrowse.s3.cancel import CancelToken

from .adaptive import AdaptiveLimit, follow_throttling, size_pool_for
from .bulkreport import BulkReport, BulkTally
from .download import ProgressArg, as_tracker
from .pipeline import Pipeline

THROTTLED_NOTE = "server asked to slow down: fewer requests were kept in flight"


class BulkRun:
    """Open for the length of one job; `finish()` gives its report."""

    def __init__(self, client: Any, operation: str, *, concurrency: int,
                 progress: ProgressArg, cancel: CancelToken | None,
                 latency_tuned: bool = True) -> None:
        self.client = client
        self.cancel = cancel
        self.tracker = as_tracker(progress)
        self.tally = BulkTally(operation)
        self.limit = AdaptiveLimit(max(1, int(concurrency)), latency_tuned=latency_tuned)
        size_pool_for(client, self.limit)
        self._unfollow = follow_throttling(client, self.limit, self._throttled)

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.cancelled

    def note(self, text: str) -> None:
        """Say how the job runs now, on the progress line and in the report."""
        self.tracker.set_note(text)
        self.tally.note(text)

    def _throttled(self, state_note: str) -> None:
        self.tracker.set_note(state_note)
        self.tally.note(THROTTLED_NOTE)

    def pipeline(self, work: Callable[[Any], None], unstarted: Callable[[Any], None],
                 name: str, workers: int | None = None) -> Pipeline:
        return Pipeline(work, workers=workers or self.limit.ceiling, limit=self.limit,
                        cancel=self.cancel, unstarted=unstarted, name=name)

    def finish(self) -> BulkReport:
        self._unfollow()
        self.tracker.set_total_known()
        self.tracker.flush()
        return self.tally.report(self.cancelled())
