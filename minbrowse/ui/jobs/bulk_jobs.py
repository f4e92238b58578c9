"""Delete, copy, move and rename of folders and selections as transfer-queue jobs, and their dry run.

The user's selection (files and folders of one listing) becomes a stream of objects: files as
they were listed, folders listed recursively as the job goes (never the whole key list in
memory), fed to `minbrowse.transfer`'s bulk engine (`delete_objects`, `copy_objects`), which
pipelines the requests, adapts to slow-down replies and reports failures per key. `count_selection`
is the dry run: objects and bytes the job would touch, counted before the user confirms.
Headless (no textual): the transfer bridge submits these jobs, the service runs the count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from minbrowse.s3.cancel import CancelToken
from minbrowse.transfer import BulkReport, PrefixSummary, copy_objects, delete_objects

# Above this many objects the user confirms by typing the count (or the prefix), not a key.
TYPED_CONFIRM_ABOVE = 1000


@dataclass(frozen=True)
class Picked:
    """One selected listing entry: a key, its size (files) and whether it is a folder."""

    key: str
    size: int = 0
    is_dir: bool = False


@dataclass(frozen=True)
class _Listed:
    """A selected file in the shape the bulk engine reads (as a listing's objects)."""

    object_name: str
    size: int
    version_id: str | None = None


def selected_objects(client: Any, bucket: str, picked: Iterable[Picked]) -> Iterator[Any]:
    """Every object of the selection: files as given, folders listed recursively, lazily."""
    for item in picked:
        if item.is_dir:
            yield from client.list_objects(bucket, prefix=item.key, recursive=True)
        else:
            yield _Listed(item.key, item.size)


def count_selection(client: Any, bucket: str, picked: Iterable[Picked], *,
                    cancel: CancelToken | None = None,
                    on_progress: Callable[[PrefixSummary], Any] | None = None,
                    interval: float = 0.2) -> PrefixSummary:
    """The dry run: how many objects and bytes the selection holds. `on_progress` gets the
    running count every `interval` seconds; a cancelled count returns what it had, marked."""
    objects = nbytes = 0
    last = time.monotonic()
    for obj in selected_objects(client, bucket, picked):
        if cancel is not None and cancel.cancelled:
            return PrefixSummary(objects, nbytes, cancelled=True)
        objects += 1
        nbytes += int(obj.size or 0)
        now = time.monotonic()
        if on_progress is not None and now - last >= interval:
            last = now
            on_progress(PrefixSummary(objects, nbytes))
    return PrefixSummary(objects, nbytes)


def overlap_error(bucket: str, picked: Iterable[Picked], dst_bucket: str,
                  dst_prefix: str, source_prefix: str) -> str | None:
    """Why a copy/move of `picked` to `dst_bucket/dst_prefix` must not run, or None."""
    if dst_bucket != bucket:
        return None
    if dst_prefix == source_prefix:
        return "the destination is the folder the items are in"
    for item in picked:
        if item.is_dir and dst_prefix.startswith(item.key):
            return f"the destination is inside {item.key}, which is being copied"
    return None


def _batches(tuning: dict[str, Any]) -> dict[str, Any]:
    """A user's bulk concurrency for delete batches (1000 keys each): never more than 8."""
    return {"concurrency": min(8, tuning["concurrency"])} if tuning.get("concurrency") else {}


def delete_job(client: Any, bucket: str, picked: list[Picked],
               tuning: dict[str, Any] | None = None) -> Callable[[Any, Any], BulkReport]:
    """A queue job deleting the selection (folders with everything under them)."""

    def run(progress: Any, cancel: CancelToken) -> BulkReport:
        return delete_objects(client, bucket, selected_objects(client, bucket, picked),
                              progress=progress, cancel=cancel, **_batches(tuning or {}))

    return run


def copy_job(client: Any, bucket: str, picked: list[Picked], source_prefix: str,
             dst_bucket: str, dst_prefix: str, *, move: bool,
             tuning: dict[str, Any] | None = None) -> Callable[[Any, Any], BulkReport]:
    """A queue job copying (or moving) the selection to `dst_prefix` + each key's name
    relative to `source_prefix`. A move removes each source once its copy is confirmed."""

    def rename(key: str) -> str:
        relative = key[len(source_prefix):] if key.startswith(source_prefix) else key
        return dst_prefix + relative

    def run(progress: Any, cancel: CancelToken) -> BulkReport:
        return copy_objects(client, bucket, selected_objects(client, bucket, picked), dst_bucket,
                            rename, move=move, progress=progress, cancel=cancel,
                            **(tuning or {}))

    return run


def rename_job(client: Any, bucket: str, entry: Picked, new_key: str,
               tuning: dict[str, Any] | None = None) -> Callable[[Any, Any], BulkReport]:
    """A queue job renaming one object or folder (every key under it) to `new_key`."""

    def rename(key: str) -> str:
        return new_key + key[len(entry.key):]

    def run(progress: Any, cancel: CancelToken) -> BulkReport:
        return copy_objects(client, bucket, selected_objects(client, bucket, [entry]), bucket,
                            rename, move=True, progress=progress, cancel=cancel,
                            **(tuning or {}))

    return run


def report_lines(report: BulkReport, limit: int = 20) -> list[str]:
    """What a finished bulk job says: counts, notes, then failures per key (at most `limit`)."""
    verb = {"delete": "deleted", "copy": "copied", "move": "moved"}.get(report.operation,
                                                                        report.operation)
    head = f"{report.done:,} object(s) {verb}"
    if report.failed_count:
        head += f", {report.failed_count:,} failed"
    if report.not_started:
        head += f", {report.not_started:,} not started (cancelled)"
    lines = [head]
    if report.copied_not_removed:
        lines.append(f"{report.copied_not_removed:,} copied but still at the source too")
    lines += list(report.notes)
    for item in report.failed[:limit]:
        lines.append(f"{item.key}: {item.error}")
    hidden = report.failed_count - min(limit, len(report.failed))
    if hidden > 0:
        lines.append(f"… and {hidden:,} more failures")
    return lines
