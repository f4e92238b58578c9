"""Upload a local folder tree (streamed os.scandir walk, bounded pool) or a single file.

Symlinks never lead the walk out of the chosen folder: links whose target resolves outside
it are skipped and reported. Links inside it are followed only with ``follow_symlinks=True``
(loops through an ancestor are reported). FIFOs, sockets and devices are skipped. Files whose
key already holds the object can be skipped (`ExistingObjectPolicy`, see `unchanged`).
"""

from __future__ import annotations

import mimetypes
import os
import stat
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled

from .download import ProgressArg, as_tracker
from .keypaths import SkippedKey, is_inside
from .policy import ExistingObjectPolicy
from .adaptive import FILES_IN_FLIGHT, open_limit
from .pool import BoundedPool
from .progress import TransferProgress
from .report import ReportBuilder, TransferEvent, TransferredFile, UploadReport
from .unchanged import RemoteObject, remote_object, remote_objects, skip_reason

MAX_KEY_BYTES = 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class LocalFile:
    """A regular file found by the walk; `relative` are its path segments below the root."""

    path: str
    relative: tuple[str, ...]
    size: int
    mtime: float = 0.0


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or DEFAULT_CONTENT_TYPE


def _file_id(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def walk_tree(src_dir: str, *, follow_symlinks: bool = False) -> Iterator[LocalFile | SkippedKey]:
    """Yield every regular file below `src_dir` (streaming), or a `SkippedKey(path, reason)`."""
    root = os.path.abspath(src_dir)
    root_real = os.path.realpath(root)
    stack: list[tuple[str, tuple[str, ...], frozenset[tuple[int, int]]]] = [
        (root, (), frozenset([_file_id(os.stat(root))]))
    ]
    while stack:
        folder, rel, ancestors = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            yield SkippedKey(folder, f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs = []
        with entries:
            for entry in entries:
                item = _classify(entry, rel, root_real, follow_symlinks)
                if isinstance(item, tuple):  # a folder to descend into
                    st, path = item
                    if _file_id(st) in ancestors:
                        yield SkippedKey(path, "symlink loop (points to a parent folder)")
                    else:
                        subdirs.append((path, rel + (entry.name,), ancestors | {_file_id(st)}))
                elif item is not None:
                    yield item
        stack.extend(reversed(subdirs))


def _classify(
    entry: os.DirEntry, rel: tuple[str, ...], root_real: str, follow_symlinks: bool
) -> LocalFile | SkippedKey | tuple[os.stat_result, str] | None:
    path = entry.path
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        return SkippedKey(path, "file name is not valid UTF-8")
    try:
        if entry.is_symlink():
            if not os.path.exists(path):
                return SkippedKey(path, "broken symlink")
            if not is_inside(root_real, path):
                return SkippedKey(path, "symlink points outside the folder")
            if not follow_symlinks:
                return SkippedKey(path, "symlink not followed")
            st = os.stat(path)
        else:
            st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return SkippedKey(path, f"cannot stat: {exc.strerror or exc}")
    if stat.S_ISDIR(st.st_mode):
        return st, path
    if stat.S_ISREG(st.st_mode):
        return LocalFile(path, rel + (entry.name,), st.st_size, st.st_mtime)
    return SkippedKey(path, "not a regular file")


def _upload_one(client: Any, bucket: str, key: str, item: LocalFile, content_type: str,
                tracker: TransferProgress, builder: ReportBuilder, cancel: CancelToken | None,
                existing: ExistingObjectPolicy = ExistingObjectPolicy.OVERWRITE,
                remote: RemoteObject | None = None) -> None:
    if cancel is not None and cancel.cancelled:
        tracker.add_total(-item.size, files=-1)
        builder.cancelled = True
        return
    try:
        reason = skip_reason(existing, item.path, item.size, item.mtime, remote)
    except OSError as exc:
        tracker.add_total(-item.size, files=-1)
        builder.add_failed(key, exc, item.path)
        return
    if reason is not None:
        tracker.add_total(-item.size, files=-1)
        builder.add_skipped(SkippedKey(item.path, reason), item.path)
        return
    tracker.start_file(key, item.size)
    builder.started(key, item.path, item.size)
    try:
        client.fput_object(bucket, key, item.path, content_type=content_type,
                           progress=tracker.callback_for(key), cancel=cancel)
    except Cancelled:
        tracker.finish_file(key, ok=False)
        builder.cancelled = True
    except Exception as exc:  # one file failing never stops the others
        tracker.finish_file(key, ok=False)
        builder.add_failed(key, exc, item.path)
    else:
        tracker.finish_file(key, ok=True)
        builder.add_done(key, item.path, item.size)


def upload_dir(
    client: Any,
    src_dir: str,
    bucket: str,
    prefix: str = "",
    *,
    follow_symlinks: bool = False,
    concurrency: int = FILES_IN_FLIGHT,
    progress: ProgressArg = None,
    cancel: CancelToken | None = None,
    content_type_guess: bool = True,
    on_event: Callable[[TransferEvent], Any] | None = None,
    existing: ExistingObjectPolicy = ExistingObjectPolicy.OVERWRITE,
) -> UploadReport:
    """Upload every regular file below `src_dir` as ``prefix + relative/path``.

    `prefix` is prepended literally (pass ``"folder/"`` to upload into a folder).
    Skipped paths (symlinks, special files, bad names, and with `existing` other than
    OVERWRITE the files the bucket already holds: `prefix` is listed once first) are reported
    with reasons; per-file errors land in the report; cancellation returns
    ``cancelled=True``. `progress` (snapshots, throttled) and `on_event` are called from
    worker threads.
    """
    if not os.path.isdir(src_dir):
        raise NotADirectoryError(f"not a folder: {src_dir}")
    remote = ({} if existing is ExistingObjectPolicy.OVERWRITE
              else remote_objects(client, bucket, prefix))
    tracker = as_tracker(progress)
    builder = ReportBuilder("uploaded", on_event)
    limit, unfollow = open_limit(client, concurrency, tracker.set_note)
    pool = BoundedPool(concurrency, cancel, "upload", limit)
    heavy_from = getattr(client, "multipart_threshold", None)
    try:
        for item in walk_tree(src_dir, follow_symlinks=follow_symlinks):
            if cancel is not None and cancel.cancelled:
                break
            if isinstance(item, SkippedKey):
                builder.add_skipped(item, item.key)
                continue
            key = prefix + "/".join(item.relative)
            if len(key.encode("utf-8")) > MAX_KEY_BYTES:
                builder.add_skipped(SkippedKey(item.path, "object key longer than 1024 bytes"), item.path)
                continue
            ctype = guess_content_type(item.path) if content_type_guess else DEFAULT_CONTENT_TYPE
            tracker.add_total(item.size)
            if not pool.submit(_upload_one, client, bucket, key, item, ctype, tracker, builder,
                               cancel, existing, remote.get(key),
                               heavy=heavy_from is not None and item.size >= heavy_from):
                tracker.add_total(-item.size, files=-1)
                break
        tracker.set_total_known()
    finally:
        pool.close()
        unfollow()
        if cancel is not None and cancel.cancelled:
            builder.cancelled = True
        tracker.flush()
    return builder.upload_report()


def upload_file(
    client: Any,
    file_path: str,
    bucket: str,
    key: str,
    *,
    progress: ProgressArg = None,
    cancel: CancelToken | None = None,
    content_type: str | None = None,
    existing: ExistingObjectPolicy = ExistingObjectPolicy.OVERWRITE,
) -> TransferredFile | SkippedKey:
    """Upload one local file as `key`; a `SkippedKey(file_path, reason)` when `existing` says
    the object there makes it unneeded. Errors and `Cancelled` are raised."""
    tracker = as_tracker(progress)
    st = os.stat(file_path)
    if existing is not ExistingObjectPolicy.OVERWRITE:
        reason = skip_reason(existing, file_path, st.st_size, st.st_mtime,
                             remote_object(client, bucket, key))
        if reason is not None:
            return SkippedKey(file_path, reason)
    size = st.st_size
    tracker.add_total(size)
    tracker.set_total_known()
    tracker.start_file(key, size)
    ok = False
    try:
        client.fput_object(bucket, key, file_path,
                           content_type=content_type or guess_content_type(file_path),
                           progress=tracker.callback_for(key), cancel=cancel)
        ok = True
    finally:
        tracker.finish_file(key, ok=ok)
        tracker.flush()
    return TransferredFile(key, file_path, size)
