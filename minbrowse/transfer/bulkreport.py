"""What a bulk job (copy, move, delete of a prefix) reports: counts, bytes, failures per key.

Counts, not key lists: a job over a million objects keeps one integer per outcome and a
bounded list of failures (`MAX_FAILURES_KEPT`, then only their count), so its memory stays flat.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .report import FailedItem, describe_error

MAX_FAILURES_KEPT = 10_000


@dataclass(frozen=True)
class PrefixSummary:
    """What a prefix holds (the dry run of a bulk job): objects, bytes, and in versions mode
    how many of them are noncurrent versions and delete markers."""

    objects: int
    bytes: int
    versions: int = 0  # noncurrent versions among `objects`
    delete_markers: int = 0  # delete markers among `objects`
    cancelled: bool = False


@dataclass(frozen=True)
class BulkReport:
    """The outcome of `copy_prefix` / `delete_prefix`.

    `done` objects succeeded (copied, moved or deleted) with `bytes` between them; `failed`
    holds up to MAX_FAILURES_KEPT failures by key (`failed_count` counts them all);
    `not_started` were listed but never sent because the job was cancelled. For a move,
    `copied_not_removed` are keys copied whose source could not be removed: they exist in
    both places and are listed among `failed` too. `notes` say how the job ran (throttled,
    single deletes…).
    """

    operation: str
    done: int
    bytes: int
    failed: tuple[FailedItem, ...]
    failed_count: int
    not_started: int
    cancelled: bool
    copied_not_removed: int = 0
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed_count and not self.cancelled

    @property
    def failed_map(self) -> dict[str, str]:
        return {item.key: item.error for item in self.failed}


class BulkTally:
    """Thread-safe counters the workers of one bulk job add to."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self._lock = threading.Lock()
        self.done = 0
        self.bytes = 0
        self.failed: list[FailedItem] = []
        self.failed_count = 0
        self.not_started = 0
        self.copied_not_removed = 0
        self.notes: list[str] = []

    def add_done(self, count: int, nbytes: int) -> None:
        with self._lock:
            self.done += count
            self.bytes += nbytes

    def add_failed(self, key: str, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else describe_error(error)
        with self._lock:
            self.failed_count += 1
            if len(self.failed) < MAX_FAILURES_KEPT:
                self.failed.append(FailedItem(key, text))

    def add_not_started(self, count: int = 1) -> None:
        with self._lock:
            self.not_started += count

    def add_copied_not_removed(self, key: str, error: BaseException | str) -> None:
        with self._lock:
            self.copied_not_removed += 1
        self.add_failed(key, f"copied, but the source was not removed: "
                             f"{error if isinstance(error, str) else describe_error(error)}")

    def note(self, text: str) -> None:
        with self._lock:
            if text and text not in self.notes:
                self.notes.append(text)

    def report(self, cancelled: bool) -> BulkReport:
        with self._lock:
            return BulkReport(self.operation, self.done, self.bytes, tuple(self.failed),
                              self.failed_count, self.not_started, cancelled,
                              self.copied_not_removed, tuple(self.notes))
