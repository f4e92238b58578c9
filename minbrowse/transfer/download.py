"""Download objects to local files: a whole prefix (streamed listing, bounded pool) or one object.

Every file is written through the client's atomic ``fget_object`` (temp file in the target
folder, renamed over the target only when complete), so a failure or cancellation leaves any
previous file intact and no temp file behind.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled
from minbrowse.s3.ops_object import SMALL_OBJECT_BYTES
from minbrowse.s3.rangedownload import RANGED_FROM

from .keypaths import (ConflictTracker, InsideChecker, KeyPlan, SkippedKey, base_of_prefix,
                       plan_key)
from .policy import ExistingFilePolicy, free_name
from .adaptive import FILES_IN_FLIGHT, open_limit
from .pool import BoundedPool
from .progress import ProgressSnapshot, TransferProgress
from .report import DownloadReport, ReportBuilder, TransferEvent, TransferredFile
from .unchanged import RemoteObject, local_unchanged_reason

ProgressArg = TransferProgress | Callable[[ProgressSnapshot], Any] | None


def as_tracker(progress: ProgressArg) -> TransferProgress:
    """Accept a `TransferProgress`, a callable receiving snapshots, or None."""
    if isinstance(progress, TransferProgress):
        return progress
    if progress is None:
        return TransferProgress()
    if callable(progress):
        return TransferProgress(progress)
    raise TypeError("progress must be a TransferProgress or a callable(snapshot)")


def _cancelled(cancel: CancelToken | None) -> bool:
    return cancel is not None and cancel.cancelled


def resolve_target(
    path: str, policy: ExistingFilePolicy, claimed: set[str] | None = None
) -> str | SkippedKey:
    """Apply the existing-file policy to `path`: the path to write, or why not (key left empty)."""
    if os.path.isdir(path):
        return SkippedKey("", "a folder exists locally at this path")
    taken = claimed if claimed is not None else set()
    if not (os.path.lexists(path) or path in taken):
        return path
    if policy is ExistingFilePolicy.SKIP:
        return SkippedKey("", "file exists locally")
    if policy is ExistingFilePolicy.RENAME:
        return free_name(path, taken)
    if os.path.islink(path):
        return SkippedKey("", "a symlink exists locally at this path")
    return path  # OVERWRITE, or SKIP_UNCHANGED (the worker compares the file first)


class _Downloader:
    """State shared by the listing thread and the download workers of one run."""

    def __init__(self, client: Any, bucket: str, dest_real: str, policy: ExistingFilePolicy,
                 tracker: TransferProgress, builder: ReportBuilder, cancel: CancelToken | None):
        self.client = client
        self.bucket = bucket
        self.dest_real = dest_real
        self.policy = policy
        self.tracker = tracker
        self.builder = builder
        self.cancel = cancel
        self.conflicts = ConflictTracker()
        self.claimed: set[str] = set()
        self.ready: set[str] = set()  # folders made and checked inside the destination
        self.ready_lock = threading.Lock()
        self.inside = InsideChecker(dest_real)

    def plan(self, obj: Any, base: str) -> tuple[KeyPlan, str] | None:
        """Decide what to do with one listed object; None when it needs no download."""
        key = obj.object_name
        plan = plan_key(key, base, self.dest_real, inside=self.inside)
        if isinstance(plan, SkippedKey):
            self.builder.add_skipped(plan)
            return None
        conflict = self.conflicts.claim(plan)
        if conflict is not None:
            self.builder.add_conflict(conflict)
            return None
        if plan.is_dir:
            try:
                os.makedirs(plan.path, exist_ok=True)
            except OSError as exc:
                self.builder.add_failed(key, exc, plan.path)
            return None
        claimed = self.claimed if self.policy is ExistingFilePolicy.RENAME else None
        target = resolve_target(plan.path, self.policy, claimed)
        if isinstance(target, SkippedKey):
            self.builder.add_skipped(SkippedKey(key, target.reason), plan.path)
            return None
        if claimed is not None:
            claimed.add(target)
        return plan, target

    def _ready_folder(self, parent: str) -> bool:
        """Make `parent` and check it is inside the destination (symlinks resolved); each
        folder once per run, not once per file (thousands of files share a few folders)."""
        if parent in self.ready:
            return True
        os.makedirs(parent, exist_ok=True)
        if not self.inside(os.path.join(parent, ".")):  # the folder itself, resolved
            return False
        with self.ready_lock:
            self.ready.add(parent)
        return True

    def fetch(self, key: str, target: str, size: int, remote: RemoteObject | None = None) -> None:
        """Worker: download one object to `target` (atomic via the client); with `remote`
        (SKIP_UNCHANGED), not when the file there already holds its bytes."""
        if _cancelled(self.cancel):
            self.tracker.add_total(-size, files=-1)
            self.builder.cancelled = True
            return
        if remote is not None:
            try:
                reason = local_unchanged_reason(target, remote)
            except OSError as exc:
                self.tracker.add_total(-size, files=-1)
                self.builder.add_failed(key, exc, target)
                return
            if reason is not None:
                self.tracker.add_total(-size, files=-1)
                self.builder.add_skipped(SkippedKey(key, reason), target)
                return
        self.tracker.start_file(key, size)
        self.builder.started(key, target, size)
        try:
            if not self._ready_folder(os.path.dirname(target)):
                self.tracker.finish_file(key, ok=False)
                self.builder.add_skipped(SkippedKey(key, "resolves outside the destination folder (symlink)"))
                return
            if size <= SMALL_OBJECT_BYTES and hasattr(self.client, "fget_small_object"):
                self.client.fget_small_object(self.bucket, key, target)
            else:
                self.client.fget_object(self.bucket, key, target,
                                        progress=self.tracker.callback_for(key),
                                        cancel=self.cancel)
        except Cancelled:
            self.tracker.finish_file(key, ok=False)
            self.builder.cancelled = True
        except Exception as exc:  # one file failing never stops the others
            self.tracker.finish_file(key, ok=False)
            self.builder.add_failed(key, exc, target)
        else:
            self.tracker.finish_file(key, ok=True)
            self.builder.add_done(key, target, size)


def download_prefix(
    client: Any,
    bucket: str,
    prefix: str,
    dest_dir: str,
    *,
    policy: ExistingFilePolicy = ExistingFilePolicy.SKIP,
    recursive: bool = True,
    progress: ProgressArg = None,
    cancel: CancelToken | None = None,
    concurrency: int = FILES_IN_FLIGHT,
    on_event: Callable[[TransferEvent], Any] | None = None,
) -> DownloadReport:
    """Download every object under `prefix` into `dest_dir`, keeping the key hierarchy.

    Keys are placed relative to the prefix's last ``/`` (``photos/`` puts ``photos/a.jpg`` at
    ``dest/a.jpg``; ``photos`` puts it at ``dest/photos/a.jpg``). Unsafe keys are skipped
    with a reason, never written outside `dest_dir`. The listing is consumed lazily while a
    bounded pool downloads. A listing error is raised after running downloads finish;
    per-file errors land in the report. Cancellation returns a report with ``cancelled=True``.
    `progress` (snapshots, throttled) and `on_event` are called from worker threads.
    """
    tracker = as_tracker(progress)
    builder = ReportBuilder("downloaded", on_event)
    os.makedirs(dest_dir, exist_ok=True)
    run = _Downloader(client, bucket, os.path.realpath(dest_dir), policy, tracker, builder, cancel)
    base = base_of_prefix(prefix)
    limit, unfollow = open_limit(client, concurrency, tracker.set_note)
    pool = BoundedPool(concurrency, cancel, "download", limit)
    heavy_from = RANGED_FROM  # fget_object splits these over ranged GETs of its own
    try:
        for obj in client.list_objects(bucket, prefix=prefix, recursive=recursive):
            if _cancelled(cancel):
                break
            if getattr(obj, "is_delete_marker", False) or (not recursive and obj.is_dir):
                continue
            planned = run.plan(obj, base)
            if planned is None:
                continue
            plan, target = planned
            size = int(obj.size or 0)
            remote = (RemoteObject.of(obj)
                      if policy is ExistingFilePolicy.SKIP_UNCHANGED else None)
            tracker.add_total(size)
            if not pool.submit(run.fetch, plan.key, target, size, remote,
                               heavy=size >= heavy_from):
                tracker.add_total(-size, files=-1)
                break
        tracker.set_total_known()
    finally:
        pool.close()
        unfollow()
        if _cancelled(cancel):
            builder.cancelled = True
        tracker.flush()
    return builder.download_report()


def download_object(
    client: Any,
    bucket: str,
    key: str,
    dest_path: str,
    *,
    policy: ExistingFilePolicy = ExistingFilePolicy.SKIP,
    progress: ProgressArg = None,
    cancel: CancelToken | None = None,
    version_id: str | None = None,
) -> TransferredFile | SkippedKey:
    """Download one object to `dest_path` (atomic). Errors and `Cancelled` are raised."""
    tracker = as_tracker(progress)
    target = resolve_target(dest_path, policy)
    if isinstance(target, SkippedKey):
        return SkippedKey(key, target.reason)
    stat = client.stat_object(bucket, key, version_id=version_id)
    size = int(stat.size or 0)
    if policy is ExistingFilePolicy.SKIP_UNCHANGED:
        reason = local_unchanged_reason(target, RemoteObject.of(stat))
        if reason is not None:
            return SkippedKey(key, reason)
    tracker.add_total(size)
    tracker.set_total_known()
    tracker.start_file(key, size)
    ok = False
    try:
        parent = os.path.dirname(os.path.abspath(target))
        os.makedirs(parent, exist_ok=True)
        kwargs = {"version_id": version_id} if version_id else {}
        client.fget_object(bucket, key, target, progress=tracker.callback_for(key),
                           cancel=cancel, **kwargs)
        ok = True
    finally:
        tracker.finish_file(key, ok=ok)
        tracker.flush()
    return TransferredFile(key, target, size)
