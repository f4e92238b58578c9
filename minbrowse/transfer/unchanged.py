"""Whether a transfer can be skipped because its target already holds the same bytes.

Uploads (`ExistingObjectPolicy`): `remote_objects` lists a destination prefix once (about 150
bytes per key held in memory), `remote_object` asks for one key, `skip_reason` decides.
Downloads (`ExistingFilePolicy.SKIP_UNCHANGED`): `local_unchanged_reason` compares a local file
with the listed object. The local file's MD5 is read only when sizes match and the object's
ETag is an MD5; other ETags (multipart, KMS) fall back to comparing times.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minbrowse.s3.errors import S3Error
from minbrowse.s3.hashing import clean_etag, etag_is_md5

from .policy import ExistingObjectPolicy

_MISSING_CODES = frozenset({"NoSuchKey", "NotFound", "404"})


@dataclass(frozen=True)
class RemoteObject:
    """What the bucket holds at a key: size, ETag (no quotes) and last-modified time."""

    size: int
    etag: str
    last_modified: datetime | None

    @classmethod
    def of(cls, obj: Any) -> "RemoteObject":
        """From a listed or stat'ed `Object`."""
        return cls(int(obj.size or 0), clean_etag(obj.etag), obj.last_modified)


def remote_objects(client: Any, bucket: str, prefix: str) -> dict[str, RemoteObject]:
    """Every object under `prefix`, by key (one recursive listing)."""
    return {obj.object_name: RemoteObject.of(obj)
            for obj in client.list_objects(bucket, prefix, recursive=True)
            if not obj.is_dir}


def remote_object(client: Any, bucket: str, key: str) -> RemoteObject | None:
    """What `key` holds, or None when there is no such object."""
    try:
        stat = client.stat_object(bucket, key)
    except S3Error as exc:
        if exc.code in _MISSING_CODES:
            return None
        raise
    return RemoteObject.of(stat)


def skip_reason(policy: ExistingObjectPolicy, path: str, size: int, mtime: float,
                remote: RemoteObject | None) -> str | None:
    """Why the upload of `path` (`size` bytes, modified at `mtime`) is not needed, or None."""
    if remote is None or policy is ExistingObjectPolicy.OVERWRITE:
        return None
    if policy is ExistingObjectPolicy.SKIP:
        return "already in the bucket (skip existing)"
    same = _same_bytes(path, size, remote)
    if same is not None:
        return "unchanged: same size and MD5 in the bucket" if same else None
    if remote.last_modified is not None and remote.last_modified.timestamp() >= int(mtime):
        return "unchanged: same size in the bucket, not older than the local file"
    return None


def local_unchanged_reason(path: str, remote: RemoteObject) -> str | None:
    """Why the local file at `path` need not be downloaded again from `remote`, or None."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    same = _same_bytes(path, st.st_size, remote)
    if same is not None:
        return "unchanged: same size and MD5 as the object" if same else None
    if remote.last_modified is not None and st.st_mtime >= int(remote.last_modified.timestamp()):
        return "unchanged: same size as the object, and not older"
    return None


def _same_bytes(path: str, size: int, remote: RemoteObject) -> bool | None:
    """False when sizes differ; True/False by MD5 when the ETag is one; else None."""
    if remote.size != size:
        return False
    if not etag_is_md5(remote.etag):
        return None
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "md5").hexdigest() == remote.etag.lower()
