"""An in-memory FAKE S3 client for unit-testing minbrowse.transfer without a server.

It implements only the calls the transfer engine makes, with the same contracts as the
real client: `fget_object` writes a temp file next to the target and renames it only when
complete; progress is called with byte counts; cancel tokens are checked between chunks.
Hooks let tests inject failures (`fail_keys`) and block a transfer mid-file (`gate`).
"""

from __future__ import annotations

import io
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from minbrowse.s3.cancel import ProgressAdapter, check
from minbrowse.s3.errors import S3Error

CHUNK = 4


@dataclass
class FakeObject:
    bucket_name: str
    object_name: str
    size: int | None = None
    etag: str | None = None
    last_modified: datetime | None = None
    is_dir: bool = False
    version_id: str | None = None
    is_latest: bool | None = None
    is_delete_marker: bool = False
    storage_class: str | None = None
    content_type: str | None = None
    metadata: dict = field(default_factory=dict)


class FakeResponse(io.BytesIO):
    released = False

    def release_conn(self) -> None:
        self.released = True


def _no_such_key(bucket: str, key: str) -> S3Error:
    return S3Error("NoSuchKey", "The specified key does not exist.", f"/{bucket}/{key}",
                   "req", "host", None, bucket, key)


class FakeClient:
    """Stores objects in a dict {(bucket, key): (bytes, content_type, metadata)}."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], tuple[bytes, str, dict]] = {}
        self.fail_keys: set[str] = set()
        self.gate: threading.Event | None = None  # when set: block after the first chunk
        self.blocked = threading.Event()  # signalled when a transfer waits on the gate
        self.calls: list[tuple[str, str]] = []
        self.list_error: Exception | None = None
        self._lock = threading.Lock()

    def add(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream",
            metadata: dict | None = None) -> None:
        self.store[(bucket, key)] = (data, content_type, dict(metadata or {}))

    def data(self, bucket: str, key: str) -> bytes:
        return self.store[(bucket, key)][0]

    # ---- listing ---------------------------------------------------------------------
    def list_objects(self, bucket, prefix="", recursive=False, **_kw):
        keys = sorted(k for (b, k) in self.store if b == bucket and k.startswith(prefix or ""))
        seen_prefixes = set()
        for key in keys:
            rest = key[len(prefix or ""):]
            body = rest[:-1] if rest.endswith("/") else rest
            if not recursive and "/" in body:
                sub = (prefix or "") + rest.split("/", 1)[0] + "/"
                if sub not in seen_prefixes:
                    seen_prefixes.add(sub)
                    yield FakeObject(bucket, sub, is_dir=True)
                continue
            data, ctype, _meta = self.store[(bucket, key)]
            yield FakeObject(bucket, key, size=len(data), etag="e", is_dir=key.endswith("/"),
                             last_modified=datetime.now(timezone.utc))
        if self.list_error is not None:
            raise self.list_error

    # ---- reads -----------------------------------------------------------------------
    def _get(self, bucket: str, key: str) -> tuple[bytes, str, dict]:
        with self._lock:
            self.calls.append(("get", key))
        if key in self.fail_keys:
            raise S3Error("InternalError", "injected failure", f"/{bucket}/{key}",
                          "req", "host", None, bucket, key)
        try:
            return self.store[(bucket, key)]
        except KeyError:
            raise _no_such_key(bucket, key) from None

    def stat_object(self, bucket, key, **_kw):
        data, ctype, meta = self._get(bucket, key)
        return FakeObject(bucket, key, size=len(data), content_type=ctype, metadata=dict(meta))

    def get_object(self, bucket, key, **_kw):
        return FakeResponse(self._get(bucket, key)[0])

    def _stream(self, data: bytes, sink, progress, cancel) -> None:
        adapter = ProgressAdapter(progress)
        for start in range(0, len(data), CHUNK):
            check(cancel)
            piece = data[start:start + CHUNK]
            sink(piece)
            adapter.update(len(piece))
            if self.gate is not None and start == 0:
                self.blocked.set()
                while not self.gate.wait(0.01):
                    check(cancel)
        check(cancel)

    def fget_object(self, bucket, key, file_path, progress=None, cancel=None, **_kw):
        data = self._get(bucket, key)[0]
        folder = os.path.dirname(os.path.abspath(file_path))
        tmp = os.path.join(folder, f".{os.path.basename(file_path)}.{uuid.uuid4().hex}.part")
        try:
            with open(tmp, "wb") as fh:
                self._stream(data, fh.write, progress, cancel)
            os.replace(tmp, file_path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    # ---- writes ----------------------------------------------------------------------
    def put_object(self, bucket, key, data, length, content_type="application/octet-stream",
                   metadata=None, progress=None, cancel=None, **_kw):
        with self._lock:
            self.calls.append(("put", key))
        if key in self.fail_keys:
            raise S3Error("AccessDenied", "injected failure", f"/{bucket}/{key}",
                          "req", "host", None, bucket, key)
        body = data.read(length)
        if len(body) != length:
            raise ValueError("short body")
        buf = bytearray()
        self._stream(body, buf.extend, progress, cancel)
        self.add(bucket, key, bytes(buf), content_type, metadata)

    def fput_object(self, bucket, key, file_path, content_type="application/octet-stream",
                    metadata=None, progress=None, cancel=None, **_kw):
        with open(file_path, "rb") as fh:
            body = fh.read()
        self.put_object(bucket, key, io.BytesIO(body), len(body), content_type, metadata,
                        progress=progress, cancel=cancel)
