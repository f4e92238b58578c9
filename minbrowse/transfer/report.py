"""Result values of bulk transfers (reports, per-file events) and secret-free error text."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Callable

from minbrowse.s3.errors import S3Error

from .keypaths import KeyConflict, SkippedKey

_SECRET_QUERY = re.compile(
    r"(?i)(X-Amz-(?:Signature|Credential|Security-Token)|Signature|AWSAccessKeyId|"
    r"x-amz-server-side-encryption-customer-key(?:-md5)?)=[^&\s'\"]*"
)


def describe_error(exc: BaseException) -> str:
    """One line describing `exc` for a report, never including credentials or signatures."""
    if isinstance(exc, S3Error):
        text = f"{exc.code}: {exc.message}" if exc.message else str(exc.code)
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{type(exc).__name__}: {exc.strerror}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + "=REDACTED", text)
    return text[:500]


@dataclass(frozen=True)
class TransferEvent:
    """Per-file event: kind is 'started', 'downloaded', 'uploaded', 'skipped', 'conflict'
    or 'failed'; `key`/`path` name the object and local file; `detail` a reason/error."""

    kind: str
    key: str
    path: str = ""
    size: int = 0
    detail: str = ""


@dataclass(frozen=True)
class TransferredFile:
    key: str
    path: str
    size: int


@dataclass(frozen=True)
class FailedItem:
    key: str
    error: str


@dataclass(frozen=True)
class DownloadReport:
    downloaded: tuple[TransferredFile, ...]
    skipped: tuple[SkippedKey, ...]
    conflicts: tuple[KeyConflict, ...]
    failed: tuple[FailedItem, ...]
    cancelled: bool
    bytes_transferred: int

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    @property
    def failed_map(self) -> dict[str, str]:
        return {f.key: f.error for f in self.failed}


@dataclass(frozen=True)
class UploadReport:
    uploaded: tuple[TransferredFile, ...]
    skipped: tuple[SkippedKey, ...]  # `key` holds the local path here
    failed: tuple[FailedItem, ...]  # `key` is the object key
    cancelled: bool
    bytes_transferred: int

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    @property
    def failed_map(self) -> dict[str, str]:
        return {f.key: f.error for f in self.failed}


class ReportBuilder:
    """Collects results from worker threads and forwards each as a `TransferEvent`."""

    def __init__(self, done_kind: str, on_event: Callable[[TransferEvent], object] | None):
        self._done_kind = done_kind
        self._on_event = on_event
        self._lock = threading.Lock()
        self.done: list[TransferredFile] = []
        self.skipped: list[SkippedKey] = []
        self.conflicts: list[KeyConflict] = []
        self.failed: list[FailedItem] = []
        self.bytes = 0
        self.cancelled = False

    def _emit(self, event: TransferEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)

    def started(self, key: str, path: str, size: int) -> None:
        self._emit(TransferEvent("started", key, path, size))

    def add_done(self, key: str, path: str, size: int) -> None:
        with self._lock:
            self.done.append(TransferredFile(key, path, size))
            self.bytes += size
        self._emit(TransferEvent(self._done_kind, key, path, size))

    def add_skipped(self, item: SkippedKey, path: str = "") -> None:
        with self._lock:
            self.skipped.append(item)
        self._emit(TransferEvent("skipped", item.key, path, 0, item.reason))

    def add_conflict(self, item: KeyConflict) -> None:
        with self._lock:
            self.conflicts.append(item)
        self._emit(TransferEvent("conflict", item.key, "", 0, f"{item.reason} ({item.other_key})"))

    def add_failed(self, key: str, exc: BaseException, path: str = "") -> None:
        error = describe_error(exc)
        with self._lock:
            self.failed.append(FailedItem(key, error))
        self._emit(TransferEvent("failed", key, path, 0, error))

    def download_report(self) -> DownloadReport:
        with self._lock:
            return DownloadReport(tuple(self.done), tuple(self.skipped), tuple(self.conflicts),
                                  tuple(self.failed), self.cancelled, self.bytes)

    def upload_report(self) -> UploadReport:
        with self._lock:
            return UploadReport(tuple(self.done), tuple(self.skipped), tuple(self.failed),
                                self.cancelled, self.bytes)
