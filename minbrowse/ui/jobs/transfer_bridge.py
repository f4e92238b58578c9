"""The UI's link to `minbrowse.transfer`: one TransferQueue, its changes posted as messages.

The queue runs jobs on its own threads and reports `JobSnapshot`s from them; the bridge
turns each into a `TransferChanged` message posted to the app (thread-safe), so no
transfer thread ever touches a widget. Progress messages replace a queued older progress
message of the same job (`can_replace`), so a fast transfer cannot flood the event loop.
The bridge also keeps the latest snapshot per job for the transfers screen, and re-exports
the transfer value types screens need (the service and this bridge are the UI's only
gateways to minbrowse.transfer).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Iterable

from textual.message import Message

from minbrowse.transfer import (
    BulkReport,
    Cancelled,
    ExistingFilePolicy,
    ExistingObjectPolicy,
    JobSnapshot,
    JobState,
    SkippedKey,
    TransferQueue,
    copy_between,
    download_object,
)
from minbrowse.transfer.download import as_tracker

__all__ = ["BulkReport", "ExistingFilePolicy", "ExistingObjectPolicy", "JobSnapshot", "JobState", "SkippedKey",
           "TransferBridge", "TransferChanged"]


class TransferChanged(Message):
    """A transfer job changed state or made progress."""

    def __init__(self, snapshot: JobSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def can_replace(self, message: Message) -> bool:
        """A newer progress update replaces a queued older one of the same running job;
        state changes are never dropped."""
        return (isinstance(message, TransferChanged)
                and message.snapshot.id == self.snapshot.id
                and message.snapshot.state is self.snapshot.state is JobState.RUNNING)


class TransferBridge:
    """Owns the app's TransferQueue. `post` is thread-safe (e.g. `app.post_message`)."""

    def __init__(self, post: Callable[[Message], Any], *, max_running: int = 2,
                 progress_interval: float = 0.1,
                 tuning: Callable[[], dict[str, Any]] | None = None) -> None:
        self._post = post
        self._lock = threading.Lock()
        self._latest: dict[int, JobSnapshot] = {}
        self.queue = TransferQueue(max_running=max_running, on_change=self._changed,
                                   progress_interval=progress_interval)
        self.context: dict[int, dict[str, Any]] = {}  # what the UI needs to react to an end
        self._tuning = tuning or dict  # concurrency= for folder jobs, from the settings in force

    @property
    def tuning(self) -> dict[str, Any]:
        """`concurrency=` for folder and bulk jobs, read from the current profile's settings."""
        return self._tuning()

    def _changed(self, snapshot: JobSnapshot) -> None:  # on a transfer thread
        with self._lock:
            self._latest[snapshot.id] = snapshot
        self._post(TransferChanged(snapshot))

    # ---- reading ------------------------------------------------------------------------

    def jobs(self) -> list[JobSnapshot]:
        """Latest snapshot of every job, oldest first."""
        with self._lock:
            return [self._latest[k] for k in sorted(self._latest)]

    def active_count(self) -> int:
        return sum(1 for job in self.jobs() if not job.state.finished)

    # ---- submitting ---------------------------------------------------------------------

    def upload(self, client: Any, local_path: str, bucket: str, prefix: str,
               existing: ExistingObjectPolicy = ExistingObjectPolicy.OVERWRITE) -> int:
        """A file becomes `prefix + its name`; a folder `prefix + its name/ + relative path`;
        `existing` says what to do where the bucket already holds an object."""
        path = os.path.abspath(os.path.expanduser(local_path))
        name = os.path.basename(path.rstrip(os.sep)) or "upload"
        if os.path.isdir(path):
            job = self.queue.upload_dir(client, path, bucket, f"{prefix}{name}/",
                                        existing=existing, **self.tuning)
        else:
            job = self.queue.upload_file(client, path, bucket, prefix + name, existing=existing)
        self.context[job] = {"bucket": bucket, "prefix": prefix, "refresh": True}
        return job

    def download(self, client: Any, bucket: str, prefix: str, names: Iterable[str],
                 dest_dir: str, policy: ExistingFilePolicy) -> list[int]:
        """Download entries of `prefix` (names relative to it; a name ending in '/' is a
        folder, downloaded whole) into `dest_dir`. Folders get a job each; files one job."""
        dest = os.path.abspath(os.path.expanduser(dest_dir))
        jobs: list[int] = []
        files: list[str] = []
        for name in names:
            if name.endswith("/"):
                target = os.path.join(dest, name.rstrip("/"))
                jobs.append(self.queue.download_prefix(client, bucket, prefix + name, target,
                                                       policy=policy, **self.tuning))
            else:
                files.append(name)
        if len(files) == 1:
            jobs.append(self.queue.download_object(client, bucket, prefix + files[0],
                                                   os.path.join(dest, files[0]), policy=policy))
        elif files:
            jobs.append(self.queue.submit("download_objects", f"{len(files)} objects of "
                                          f"{bucket}/{prefix} → {dest}",
                                          _download_many(client, bucket, prefix, files, dest, policy)))
        return jobs

    def download_prefix(self, client: Any, bucket: str, prefix: str, dest_dir: str,
                        policy: ExistingFilePolicy) -> int:
        dest = os.path.abspath(os.path.expanduser(dest_dir))
        return self.queue.download_prefix(client, bucket, prefix, dest, policy=policy,
                                          **self.tuning)

    def copy_to(self, src_client: Any, bucket: str, keys: list[str], dst_client: Any,
                dst_bucket: str, dst_prefix: str, source_prefix: str, label: str) -> int:
        """Stream objects (folders expanded) to another server/profile, one job."""

        def run(progress: Any, cancel: Any) -> int:
            tracker = as_tracker(progress)
            copied = 0
            for key in _expand(src_client, bucket, keys):
                if cancel.cancelled:
                    raise Cancelled("copy cancelled")
                relative = key[len(source_prefix):] if key.startswith(source_prefix) else key
                copy_between(src_client, bucket, key, dst_client, dst_bucket, dst_prefix + relative,
                             progress=tracker, cancel=cancel)
                copied += 1
            return copied

        job = self.queue.submit("copy", f"{len(keys)} item(s) of {bucket}/{source_prefix} → "
                                f"{label}:{dst_bucket}/{dst_prefix}", run)
        self.context[job] = {"bucket": dst_bucket, "prefix": dst_prefix, "refresh": False}
        return job

    def bulk(self, kind: str, title: str, job: Callable[[Any, Any], Any], *, bucket: str,
             prefix: str) -> int:
        """Queue a bulk job (`bulk_jobs`: delete, copy, move, rename); the listing of
        `bucket`/`prefix` is refreshed when it ends (also when cancelled: part is done)."""
        job_id = self.queue.submit(kind, title, job)
        self.context[job_id] = {"bucket": bucket, "prefix": prefix, "refresh": True,
                                "always_refresh": True}
        return job_id

    def cancel(self, job_id: int) -> bool:
        return self.queue.cancel(job_id)

    def clear_finished(self) -> None:
        self.queue.remove_finished()
        with self._lock:
            for job_id in [k for k, s in self._latest.items() if s.state.finished]:
                del self._latest[job_id]

    def shutdown(self) -> None:
        self.queue.shutdown(cancel=True, wait=False)


def _expand(client: Any, bucket: str, keys: Iterable[str]) -> Iterable[str]:
    for key in keys:
        if key.endswith("/"):
            for obj in client.list_objects(bucket, prefix=key, recursive=True):
                if not obj.object_name.endswith("/"):
                    yield obj.object_name
        else:
            yield key


def _download_many(client: Any, bucket: str, prefix: str, names: list[str], dest: str,
                   policy: ExistingFilePolicy) -> Callable[[Any, Any], list]:
    """One job downloading several objects of one prefix with a shared progress."""

    def run(progress: Any, cancel: Any) -> list:
        results = []
        for name in names:
            if cancel.cancelled:
                raise Cancelled("download cancelled")
            results.append(download_object(client, bucket, prefix + name, os.path.join(dest, name),
                                           policy=policy, progress=progress, cancel=cancel))
        return results

    return run
