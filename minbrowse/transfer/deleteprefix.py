"""Delete a whole prefix (or every version in it), or a list of objects, at bulk speed.

The listing is streamed into 1000-key `DeleteObjects` batches, several batches in flight
(`concurrency`) under an `AdaptiveLimit` that halves on the server's slow-down replies. A
server that refuses multi-object delete (NotImplemented, MethodNotAllowed) gets single DELETEs
from then on, on the same pool, and the job says so. Versions mode deletes every version and
every delete marker, which is how a versioned bucket is emptied. `summarize_prefix` is the dry
run: what the same listing would delete, counted and summed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable, Iterator

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.deleteobjects import DeleteObject
from minbrowse.s3.errors import S3Error

from .bulkreport import BulkReport, PrefixSummary
from .bulkrun import BulkRun
from .download import ProgressArg

BATCH_KEYS = 1000  # the most one DeleteObjects request takes
DELETE_BATCHES_IN_FLIGHT = 8
SINGLE_DELETES_IN_FLIGHT = 64
MULTI_DELETE_REFUSED = frozenset({"NotImplemented", "MethodNotAllowed", "NotSupported"})
SINGLE_DELETES_NOTE = "server refuses multi-object delete: deleting one object at a time"


def listing(client: Any, bucket: str, prefix: str, versions: bool) -> Iterator[Any]:
    """Every object under `prefix` (every version and delete marker in versions mode)."""
    return client.list_objects(bucket, prefix=prefix or None, recursive=True,
                               include_version=versions)


def summarize_prefix(client: Any, bucket: str, prefix: str, *, versions: bool = False,
                     cancel: CancelToken | None = None,
                     entries: Iterable[Any] | None = None) -> PrefixSummary:
    """The dry run: how many objects (versions, delete markers) and bytes a bulk job over
    `prefix` would touch. Cancelling returns what was counted so far, marked cancelled."""
    objects = nbytes = noncurrent = markers = 0
    for obj in entries if entries is not None else listing(client, bucket, prefix, versions):
        if cancel is not None and cancel.cancelled:
            return PrefixSummary(objects, nbytes, noncurrent, markers, cancelled=True)
        objects += 1
        nbytes += obj.size or 0
        if getattr(obj, "is_delete_marker", False):
            markers += 1
        elif versions and _is_noncurrent(obj):
            noncurrent += 1
    return PrefixSummary(objects, nbytes, noncurrent, markers)


def _is_noncurrent(obj: Any) -> bool:
    """A version listing says IsLatest as text ("true"/"false"); absent means current."""
    latest = getattr(obj, "is_latest", None)
    return latest is not None and str(latest).strip().lower() == "false"


def _refuses_multi_delete(exc: S3Error) -> bool:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return exc.code in MULTI_DELETE_REFUSED or status in (405, 501)


class _Deleter:
    """One delete job's state: batches, the single-delete fallback, the tally."""

    def __init__(self, run: BulkRun, bucket: str, bypass_governance_mode: bool) -> None:
        self.run = run
        self.client = run.client
        self.bucket = bucket
        self.tally = run.tally
        self.tracker = run.tracker
        self.bypass = bypass_governance_mode
        self.single = False
        self._singles: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run_batch(self, batch: list[tuple[str, str | None, int]]) -> None:
        if not self.single:
            try:
                errors = list(self.client.remove_objects(
                    self.bucket, [DeleteObject(key, version) for key, version, _ in batch],
                    bypass_governance_mode=self.bypass))
            except S3Error as exc:
                if not _refuses_multi_delete(exc):
                    self._fail_batch(batch, exc)
                    return
                self.single = True
                self.run.note(SINGLE_DELETES_NOTE)
            except Exception as exc:  # noqa: BLE001 - the batch fails, the job goes on
                self._fail_batch(batch, exc)
                return
            else:
                self._settle(batch, errors)
                return
        self._run_singles(batch)

    def _settle(self, batch: list[tuple[str, str | None, int]], errors: list[Any]) -> None:
        failed = {(e.name, e.version_id) for e in errors}
        for error in errors:
            label = error.name if not error.version_id else f"{error.name} ({error.version_id})"
            self.tally.add_failed(label or "?", f"{error.code}: {error.message}")
        done = nbytes = bad_bytes = 0
        for key, version, size in batch:
            # a server may name the failed key without the version id it was sent with
            if (key, version) in failed or (key, None) in failed:
                bad_bytes += size
                continue
            done += 1
            nbytes += size
        self.tally.add_done(done, nbytes)
        self.tracker.complete(done, nbytes, failed=len(batch) - done)
        self.tracker.withdraw(0, bad_bytes)

    def _fail_batch(self, batch: list[tuple[str, str | None, int]], exc: BaseException) -> None:
        for key, _, _ in batch:
            self.tally.add_failed(key, exc)
        self.tracker.complete(0, 0, failed=len(batch))
        self.tracker.withdraw(0, sum(size for _, _, size in batch))

    def _run_singles(self, batch: list[tuple[str, str | None, int]]) -> None:
        with self._lock:
            if self._singles is None:
                self._singles = ThreadPoolExecutor(SINGLE_DELETES_IN_FLIGHT,
                                                   thread_name_prefix="bulk-delete-one")
        futures = []
        for item in batch:
            if self.run.cancelled():
                self.tally.add_not_started()
                self.tracker.withdraw(1, item[2])
                continue
            futures.append((item, self._singles.submit(self._delete_one, item)))
        for _, future in futures:
            future.result()

    def _delete_one(self, item: tuple[str, str | None, int]) -> None:
        key, version, size = item
        try:
            self.client.remove_object(self.bucket, key, version_id=version)
        except Exception as exc:  # noqa: BLE001 - reported per key
            self.tally.add_failed(key if not version else f"{key} ({version})", exc)
            self.tracker.complete(0, 0, failed=1)
            self.tracker.withdraw(0, size)
        else:
            self.tally.add_done(1, size)
            self.tracker.complete(1, size)

    def close(self) -> None:
        if self._singles is not None:
            self._singles.shutdown(wait=True)


def delete_objects(client: Any, bucket: str, entries: Iterable[Any], *,
                   concurrency: int = DELETE_BATCHES_IN_FLIGHT, progress: ProgressArg = None,
                   cancel: CancelToken | None = None,
                   bypass_governance_mode: bool = False, batch_keys: int = BATCH_KEYS,
                   operation: str = "delete") -> BulkReport:
    """Delete listed objects (anything with `object_name`, `size`, `version_id`: a listing,
    a selection) in batches; the engine under `delete_prefix`."""
    # A batch is 1000 keys: a job has too few of them for the latency rule to learn from,
    # so all `concurrency` batches may be in flight from the start (slow-down still halves).
    run = BulkRun(client, operation, concurrency=concurrency, progress=progress, cancel=cancel,
                  latency_tuned=False)
    tracker, tally = run.tracker, run.tally
    deleter = _Deleter(run, bucket, bypass_governance_mode)

    def unstarted(batch: list[tuple[str, str | None, int]]) -> None:
        tally.add_not_started(len(batch))
        tracker.withdraw(len(batch), sum(size for _, _, size in batch))

    pipeline = run.pipeline(deleter.run_batch, unstarted, "bulk-delete")
    batch: list[tuple[str, str | None, int]] = []
    try:
        for obj in entries:
            if run.cancelled():
                break
            size = obj.size or 0
            batch.append((obj.object_name, getattr(obj, "version_id", None), size))
            tracker.add_total(size)
            if len(batch) >= batch_keys:
                if not pipeline.feed(batch):
                    unstarted(batch)
                batch = []
        if batch and (run.cancelled() or not pipeline.feed(batch)):
            unstarted(batch)
    finally:
        try:
            pipeline.close()
        finally:
            deleter.close()
    return run.finish()


def delete_prefix(client: Any, bucket: str, prefix: str, *, versions: bool = False,
                  concurrency: int = DELETE_BATCHES_IN_FLIGHT, progress: ProgressArg = None,
                  cancel: CancelToken | None = None,
                  bypass_governance_mode: bool = False) -> BulkReport:
    """Delete every object under `prefix` ("" for the whole bucket); with `versions=True`
    every version and delete marker too. The listing streams into the deletes, so memory
    stays flat however many keys there are. Per-key failures (Object Lock, permissions) are
    in the report; a listing error is raised after the batches already sent have finished.
    """
    return delete_objects(client, bucket, listing(client, bucket, prefix, versions),
                          concurrency=concurrency, progress=progress, cancel=cancel,
                          bypass_governance_mode=bypass_governance_mode,
                          operation="delete versions" if versions else "delete")
