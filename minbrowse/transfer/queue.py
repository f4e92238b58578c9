"""`TransferQueue`: headless, thread-based queue of transfer jobs with ids, states and per-job cancel.

At most `max_running` jobs run at once; the rest wait in submission order. A job that fails
(or whose listener raises) never affects the others. Every state change and throttled
progress update is reported as a `JobSnapshot` through `on_change`.
"""

from __future__ import annotations

import enum
import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled

from .copy import copy_between
from .download import download_object, download_prefix
from .policy import ExistingFilePolicy
from .progress import ProgressSnapshot, TransferProgress
from .report import describe_error
from .upload import upload_dir, upload_file

_log = logging.getLogger(__name__)

JobFunction = Callable[[TransferProgress, CancelToken], Any]


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobSnapshot:
    """Immutable view of one job. `result` is the job function's return value (a report,
    `TransferredFile` or `SkippedKey`) once it has run; `error` is secret-free text."""

    id: int
    kind: str
    title: str
    state: JobState
    progress: ProgressSnapshot
    error: str | None = None
    result: Any = None
    created: float = 0.0
    started: float | None = None
    finished: float | None = None


class _Job:
    def __init__(self, job_id: int, kind: str, title: str, fn: JobFunction,
                 on_progress: Callable[[ProgressSnapshot], None], interval: float):
        self.id = job_id
        self.kind = kind
        self.title = title
        self.fn = fn
        self.cancel = CancelToken()
        self.tracker = TransferProgress(on_progress, min_interval=interval)
        self.state = JobState.QUEUED
        self.error: str | None = None
        self.result: Any = None
        self.created = time.time()
        self.started: float | None = None
        self.finished: float | None = None
        self.done = threading.Event()


def _outcome(result: Any, cancel: CancelToken) -> tuple[JobState, str | None]:
    """Bulk reports carry partial failure/cancellation; map them onto a job state."""
    if getattr(result, "cancelled", False):
        return JobState.CANCELLED, None
    failed = getattr(result, "failed", ())
    count = getattr(result, "failed_count", len(failed))
    if count:
        noun = "object(s)" if hasattr(result, "failed_count") else "file(s)"
        if not failed:
            return JobState.FAILED, f"{count} {noun} failed"
        first = failed[0]
        return JobState.FAILED, f"{count} {noun} failed; first: {first.key}: {first.error}"
    return JobState.DONE, None


class TransferQueue:
    """Runs transfer jobs on background threads. All methods are thread-safe."""

    def __init__(self, *, max_running: int = 2,
                 on_change: Callable[[JobSnapshot], Any] | None = None,
                 progress_interval: float = 0.1) -> None:
        self._on_change = on_change
        self._interval = progress_interval
        self._lock = threading.Lock()
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._executor = ThreadPoolExecutor(max_workers=max(1, max_running),
                                            thread_name_prefix="transfer-job")
        self._closed = False

    # ---- submitting ------------------------------------------------------------------
    def submit(self, kind: str, title: str, fn: JobFunction) -> int:
        """Queue `fn(progress, cancel)`; returns the job id."""
        with self._lock:
            if self._closed:
                raise RuntimeError("transfer queue is shut down")
            job_id = next(self._ids)
            job = _Job(job_id, kind, title, fn,
                       lambda _snap, jid=job_id: self._notify(jid), self._interval)
            self._jobs[job_id] = job
        self._notify(job_id)
        self._executor.submit(self._run, job)
        return job_id

    def upload_file(self, client: Any, file_path: str, bucket: str, key: str, **kw: Any) -> int:
        return self.submit("upload_file", f"{file_path} → {bucket}/{key}",
                           lambda p, c: upload_file(client, file_path, bucket, key,
                                                    progress=p, cancel=c, **kw))

    def upload_dir(self, client: Any, src_dir: str, bucket: str, prefix: str = "", **kw: Any) -> int:
        return self.submit("upload_dir", f"{src_dir} → {bucket}/{prefix}",
                           lambda p, c: upload_dir(client, src_dir, bucket, prefix,
                                                   progress=p, cancel=c, **kw))

    def download_object(self, client: Any, bucket: str, key: str, dest_path: str,
                        policy: ExistingFilePolicy = ExistingFilePolicy.SKIP, **kw: Any) -> int:
        return self.submit("download_object", f"{bucket}/{key} → {dest_path}",
                           lambda p, c: download_object(client, bucket, key, dest_path,
                                                        policy=policy, progress=p, cancel=c, **kw))

    def download_prefix(self, client: Any, bucket: str, prefix: str, dest_dir: str, **kw: Any) -> int:
        return self.submit("download_prefix", f"{bucket}/{prefix} → {dest_dir}",
                           lambda p, c: download_prefix(client, bucket, prefix, dest_dir,
                                                        progress=p, cancel=c, **kw))

    def copy_between(self, src_client: Any, src_bucket: str, src_key: str,
                     dst_client: Any, dst_bucket: str, dst_key: str, **kw: Any) -> int:
        return self.submit("copy", f"{src_bucket}/{src_key} → {dst_bucket}/{dst_key}",
                           lambda p, c: copy_between(src_client, src_bucket, src_key, dst_client,
                                                     dst_bucket, dst_key, progress=p, cancel=c, **kw))

    # ---- control ---------------------------------------------------------------------
    def cancel(self, job_id: int) -> bool:
        """Cancel one job (queued: never starts; running: stops at the next chunk).
        False when the job is unknown or already finished."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state.finished:
                return False
            job.cancel.cancel()
            was_queued = job.state is JobState.QUEUED
            if was_queued:
                self._finish_locked(job, JobState.CANCELLED, None)
        if was_queued:
            self._notify(job_id)
        return True

    def cancel_all(self) -> None:
        for job_id in [s.id for s in self.jobs() if not s.state.finished]:
            self.cancel(job_id)

    def get(self, job_id: int) -> JobSnapshot:
        with self._lock:
            return self._snapshot_locked(self._jobs[job_id])

    def jobs(self) -> list[JobSnapshot]:
        with self._lock:
            return [self._snapshot_locked(job) for job in self._jobs.values()]

    def wait(self, job_id: int, timeout: float | None = None) -> JobSnapshot:
        """Block until the job finished (or timeout); returns its snapshot."""
        with self._lock:
            job = self._jobs[job_id]
        job.done.wait(timeout)
        return self.get(job_id)

    def wait_all(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            pending = list(self._jobs.values())
        for job in pending:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not job.done.wait(left):
                return False
        return True

    def remove_finished(self) -> int:
        """Forget finished jobs; returns how many were removed."""
        with self._lock:
            gone = [jid for jid, job in self._jobs.items() if job.state.finished]
            for jid in gone:
                del self._jobs[jid]
        return len(gone)

    def shutdown(self, *, cancel: bool = True, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
        if cancel:
            self.cancel_all()
        self._executor.shutdown(wait=wait)

    # ---- internals -------------------------------------------------------------------
    def _run(self, job: _Job) -> None:
        with self._lock:
            if job.state is not JobState.QUEUED:
                return
            job.state = JobState.RUNNING
            job.started = time.time()
        self._notify(job.id)
        state, error, result = JobState.DONE, None, None
        try:
            result = job.fn(job.tracker, job.cancel)
            state, error = _outcome(result, job.cancel)
        except Cancelled:
            state = JobState.CANCELLED
        except Exception as exc:  # isolate: a failing job never affects the others
            state, error = JobState.FAILED, describe_error(exc)
        with self._lock:
            job.result = result
            self._finish_locked(job, state, error)
        self._notify(job.id)

    def _finish_locked(self, job: _Job, state: JobState, error: str | None) -> None:
        job.state = state
        job.error = error
        job.finished = time.time()
        job.done.set()

    def _snapshot_locked(self, job: _Job) -> JobSnapshot:
        return JobSnapshot(job.id, job.kind, job.title, job.state, job.tracker.snapshot(),
                           job.error, job.result, job.created, job.started, job.finished)

    def _notify(self, job_id: int) -> None:
        if self._on_change is None:
            return
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            snap = self._snapshot_locked(job)
        try:
            self._on_change(snap)
        except Exception:  # a broken listener must not break the transfer
            _log.exception("transfer queue listener failed")
