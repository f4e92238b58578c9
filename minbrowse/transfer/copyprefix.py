"""Server-side copy or move of a whole prefix (or a list of objects) at bulk speed.

The listing streams into CopyObject requests on a pool under an `AdaptiveLimit` (multipart copy
above the client's `copy_threshold`, 5 GiB by default; the listed size spares a StatObject per
key). A move removes a source only after its copy was confirmed, in 1000-key DeleteObjects
batches; a cancelled move still removes the sources of the copies already confirmed, so every
object ends at its source or at its target, and any that is at both (its removal failed) is
reported by key.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.copysource import CopySource
from minbrowse.s3.deleteobjects import DeleteObject

from .bulkreport import BulkReport
from .bulkrun import BulkRun
from .download import ProgressArg

COPIES_IN_FLIGHT = 64
REMOVE_BATCH = 1000


def target_key(key: str, src_prefix: str, dst_prefix: str) -> str:
    """`key` under `src_prefix` renamed to the same place under `dst_prefix`."""
    return dst_prefix + key[len(src_prefix):]


def check_prefixes(src_bucket: str, src_prefix: str, dst_bucket: str, dst_prefix: str) -> None:
    """Refuse a copy whose target lies inside its source or the other way round: the listing
    would meet the copies it makes (or the targets would overwrite sources not yet read)."""
    if src_bucket != dst_bucket:
        return
    if src_prefix == dst_prefix:
        raise ValueError("source and target are the same place")
    if dst_prefix.startswith(src_prefix) or src_prefix.startswith(dst_prefix):
        raise ValueError(f"the target {dst_prefix or '(bucket root)'} overlaps the source "
                         f"{src_prefix or '(bucket root)'}: choose a folder outside it")


class _SourceRemover:
    """Collects confirmed copies and removes their sources in batches (a move)."""

    def __init__(self, run: BulkRun, bucket: str) -> None:
        self.run = run
        self.bucket = bucket
        self._lock = threading.Lock()
        self._pending: list[tuple[str, int]] = []

    def confirmed(self, key: str, size: int) -> None:
        with self._lock:
            self._pending.append((key, size))
            if len(self._pending) < REMOVE_BATCH:
                return
            batch, self._pending = self._pending, []
        self._remove(batch)

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            self._remove(batch)

    def _remove(self, batch: list[tuple[str, int]]) -> None:
        tally = self.run.tally
        try:
            errors = list(self.run.client.remove_objects(
                self.bucket, [DeleteObject(key) for key, _ in batch]))
        except Exception as exc:  # noqa: BLE001 - every key of the batch is in both places
            for key, _ in batch:
                tally.add_copied_not_removed(key, exc)
            return
        for error in errors:
            tally.add_copied_not_removed(error.name or "?", f"{error.code}: {error.message}")
        failed = {e.name for e in errors}
        moved = [size for key, size in batch if key not in failed]
        tally.add_done(len(moved), sum(moved))


def copy_objects(client: Any, src_bucket: str, entries: Iterable[Any], dst_bucket: str,
                 rename: Any, *, move: bool = False, concurrency: int = COPIES_IN_FLIGHT,
                 progress: ProgressArg = None, cancel: CancelToken | None = None) -> BulkReport:
    """Copy (or move) listed objects: each `entry` (with `object_name`, `size`) goes to
    `rename(entry.object_name)` in `dst_bucket`. The engine under `copy_prefix`."""
    run = BulkRun(client, "move" if move else "copy", concurrency=concurrency,
                  progress=progress, cancel=cancel)
    tracker, tally = run.tracker, run.tally
    remover = _SourceRemover(run, src_bucket) if move else None

    def copy_one(item: tuple[str, int]) -> None:
        key, size = item
        try:
            client.copy_object(dst_bucket, rename(key), CopySource(src_bucket, key),
                               source_size=size)
        except Exception as exc:  # noqa: BLE001 - reported per key, the job goes on
            tally.add_failed(key, exc)
            tracker.complete(0, 0, failed=1)
            tracker.withdraw(0, size)
            return
        tracker.complete(1, size)  # progress counts copies; the report counts moves
        if remover is not None:
            remover.confirmed(key, size)
        else:
            tally.add_done(1, size)

    def unstarted(item: tuple[str, int]) -> None:
        tally.add_not_started()
        tracker.withdraw(1, item[1])

    pipeline = run.pipeline(copy_one, unstarted, "bulk-move" if move else "bulk-copy")
    try:
        for obj in entries:
            if run.cancelled():
                break
            size = obj.size or 0
            tracker.add_total(size)
            if not pipeline.feed((obj.object_name, size)):
                unstarted((obj.object_name, size))
                break
    finally:
        try:
            pipeline.close()
        finally:
            if remover is not None:
                remover.flush()  # also when cancelled: confirmed copies leave their source
    return run.finish()


def copy_prefix(client: Any, src_bucket: str, src_prefix: str, dst_bucket: str,
                dst_prefix: str, *, move: bool = False, concurrency: int = COPIES_IN_FLIGHT,
                progress: ProgressArg = None, cancel: CancelToken | None = None) -> BulkReport:
    """Server-side copy of every object under `src_prefix` to the same relative keys under
    `dst_prefix` (in `dst_bucket`); with `move=True` each source is removed once its copy is
    confirmed. Target and source may not overlap in one bucket (ValueError). The listing
    streams into the copies, so memory stays flat however many keys there are; per-key
    failures are in the report, a listing error is raised after the running copies end.
    """
    check_prefixes(src_bucket, src_prefix, dst_bucket, dst_prefix)
    entries = client.list_objects(src_bucket, prefix=src_prefix or None, recursive=True)
    return copy_objects(client, src_bucket, entries, dst_bucket,
                        lambda key: target_key(key, src_prefix, dst_prefix), move=move,
                        concurrency=concurrency, progress=progress, cancel=cancel)
