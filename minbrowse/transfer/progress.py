"""Thread-safe progress aggregation for a transfer: bytes/files done, rate, ETA, throttled callbacks.

Workers call `add_total`, `start_file`, `advance`, `finish_file`; the UI either polls
`snapshot()` or passes `on_update(snapshot)`, which is called at most every
`min_interval` seconds (plus once on `flush()`), always outside the internal lock.
The rate is measured over a moving window of recent samples, so ETA follows the current speed.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class FileProgress:
    """One file currently in flight."""

    name: str
    done: int
    total: int


@dataclass(frozen=True)
class ProgressSnapshot:
    """An immutable view of a transfer's progress at one instant."""

    bytes_done: int
    bytes_total: int
    files_done: int
    files_failed: int
    files_total: int
    rate: float  # bytes per second over the moving window
    eta: float | None  # seconds, None when unknown
    elapsed: float
    total_known: bool  # True once listing/walking has finished
    active: tuple[FileProgress, ...] = ()
    files_rate: float = 0.0  # objects per second over the moving window
    note: str = ""  # what the job is doing differently (throttled, single deletes…)

    @property
    def fraction(self) -> float:
        """Done / total in [0, 1]; 1.0 when there is nothing to transfer."""
        if self.bytes_total <= 0:
            return 1.0 if self.total_known else 0.0
        return min(1.0, self.bytes_done / self.bytes_total)


class TransferProgress:
    """Aggregates progress from many worker threads."""

    def __init__(
        self,
        on_update: Callable[[ProgressSnapshot], object] | None = None,
        *,
        min_interval: float = 0.1,
        window: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_update = on_update
        self._min_interval = min_interval
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._last_emit: float | None = None
        self._samples: collections.deque[tuple[float, int, int]] = collections.deque()
        self._base_bytes = 0  # bytes done as of the window's start
        self._base_files = 0  # ... and objects done then
        self._note = ""
        self._bytes_done = 0
        self._bytes_total = 0
        self._files_done = 0
        self._files_failed = 0
        self._files_total = 0
        self._total_known = False
        self._active: dict[str, list[int]] = {}

    # ---- producers -------------------------------------------------------------------
    def add_total(self, nbytes: int, files: int = 1) -> None:
        """`files` of `nbytes` will be transferred (totals grow as listing proceeds);
        negative values withdraw something that was announced but never started."""
        with self._lock:
            self._bytes_total += nbytes
            self._files_total += files
        self._maybe_emit()

    def set_total_known(self) -> None:
        """Listing/walking finished: totals are final."""
        with self._lock:
            self._total_known = True
        self._maybe_emit()

    def start_file(self, name: str, size: int) -> None:
        with self._lock:
            self._active[name] = [0, max(0, size)]
        self._maybe_emit()

    def advance(self, name: str, nbytes: int) -> None:
        """`nbytes` more of file `name` were transferred."""
        if nbytes <= 0:
            return
        with self._lock:
            entry = self._active.get(name)
            if entry is not None:
                entry[0] += nbytes
            self._bytes_done += nbytes
            self._sample()
        self._maybe_emit()

    def finish_file(self, name: str, ok: bool = True) -> None:
        """File ended. A failed/cancelled file's bytes leave both done and total,
        so the totals describe what actually arrives."""
        with self._lock:
            done, total = self._active.pop(name, [0, 0])
            if ok:
                self._files_done += 1
                if done < total:  # callback under-reported: count the rest
                    self._bytes_done += total - done
                elif done > total:  # retries re-sent bytes: keep done <= total honest
                    self._bytes_done -= done - total
            else:
                self._files_failed += 1
                self._bytes_done -= done
                self._bytes_total -= total
            self._sample()
        self._maybe_emit()

    def complete(self, files: int, nbytes: int, *, failed: int = 0) -> None:
        """`files` objects of `nbytes` finished at once (a batch delete, a server-side copy)
        and `failed` more ended in failure; they were announced with `add_total`."""
        with self._lock:
            self._files_done += files
            self._bytes_done += nbytes
            self._files_failed += failed
            self._sample()
        self._maybe_emit()

    def withdraw(self, files: int, nbytes: int) -> None:
        """Announced work that will not run (failed or cancelled before it started)."""
        with self._lock:
            self._files_total -= files
            self._bytes_total -= nbytes
        self._maybe_emit()

    def set_note(self, note: str) -> None:
        """A short line on how the job runs now ("server asked to slow down…")."""
        with self._lock:
            changed = note != self._note
            self._note = note
        if changed:
            self._maybe_emit()

    def callback_for(self, name: str) -> Callable[[int], None]:
        """A per-file progress callable `fn(n)` suitable for the client's `progress=`."""
        return lambda n: self.advance(name, n)

    # ---- consumers -------------------------------------------------------------------
    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            return self._snapshot_locked(self._clock())

    def flush(self) -> ProgressSnapshot:
        """Deliver the current snapshot to `on_update` now (used at the end of a transfer)."""
        with self._lock:
            now = self._clock()
            self._last_emit = now
            snap = self._snapshot_locked(now)
        if self._on_update is not None:
            self._on_update(snap)
        return snap

    # ---- internals -------------------------------------------------------------------
    def _sample(self) -> None:
        now = self._clock()
        samples = self._samples
        if samples and now - samples[-1][0] < 0.01:
            samples[-1] = (samples[-1][0], self._bytes_done, self._files_done)
        else:
            samples.append((now, self._bytes_done, self._files_done))
        self._prune(now)

    def _prune(self, now: float) -> None:
        horizon = now - self._window
        while self._samples and self._samples[0][0] <= horizon:
            _, self._base_bytes, self._base_files = self._samples.popleft()

    def _rates_locked(self, now: float) -> tuple[float, float]:
        """Bytes and objects per second over the last `window` seconds (both step functions)."""
        self._prune(now)
        anchor = max(now - self._window, self._started)
        span = now - anchor
        if span <= 1e-6:
            return 0.0, 0.0
        return (max(0.0, (self._bytes_done - self._base_bytes) / span),
                max(0.0, (self._files_done - self._base_files) / span))

    def _snapshot_locked(self, now: float) -> ProgressSnapshot:
        rate, files_rate = self._rates_locked(now)
        remaining = self._bytes_total - self._bytes_done
        files_left = self._files_total - self._files_done - self._files_failed
        if rate > 0 and remaining > 0:
            eta: float | None = remaining / rate
        elif files_rate > 0 and files_left > 0:  # zero-byte objects, delete markers
            eta = files_left / files_rate
        elif remaining <= 0 and files_left <= 0 and self._total_known:
            eta = 0.0
        else:
            eta = remaining / rate if rate > 0 else None
        active = tuple(FileProgress(n, d, t) for n, (d, t) in self._active.items())
        return ProgressSnapshot(
            bytes_done=self._bytes_done,
            bytes_total=self._bytes_total,
            files_done=self._files_done,
            files_failed=self._files_failed,
            files_total=self._files_total,
            rate=rate,
            eta=eta,
            elapsed=now - self._started,
            total_known=self._total_known,
            active=active,
            files_rate=files_rate,
            note=self._note,
        )

    def _maybe_emit(self) -> None:
        if self._on_update is None:
            return
        with self._lock:
            now = self._clock()
            if self._last_emit is not None and now - self._last_emit < self._min_interval:
                return
            self._last_emit = now
            snap = self._snapshot_locked(now)
        self._on_update(snap)
