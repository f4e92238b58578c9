"""Uploads: put_object (single PUT or parallel multipart, aborted on failure) and fput_object."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from . import multipart
from .cancel import CancelToken, ProgressAdapter
from .datatypes import ObjectWriteResult
from .errors import S3ClientError, S3Error
from .objectheaders import write_headers
from . import uploadbody
from .uploadbody import checksum_refused, put_body
from .urls import check_bucket_name, check_object_name

if TYPE_CHECKING:
    from .ops_host import OpsHost

_SSE_PART_HEADERS = (
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
)


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        if isinstance(chunk, str):
            raise ValueError("data must be a binary stream (read() returned str)")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class UploadOps:
    """Mixin for Client: put_object and fput_object."""

    def put_object(self: "OpsHost", bucket_name: str, object_name: str, data: BinaryIO,
                   length: int, content_type: str = "application/octet-stream",
                   metadata: dict | None = None, sse: Any = None, progress: Any = None,
                   part_size: int = 0, num_parallel_uploads: int = 3, tags: Any = None,
                   retention: Any = None, legal_hold: bool = False,
                   cancel: CancelToken | None = None) -> ObjectWriteResult:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if not callable(getattr(data, "read", None)):
            raise ValueError("input data must have callable read()")
        if length < -1:
            raise ValueError("length must be -1 (unknown) or >= 0")
        if length == -1 and not part_size:
            raise ValueError("part_size must be given when length is unknown (-1)")
        if part_size and part_size < self.min_part_size:
            raise ValueError(f"part_size must be at least {self.min_part_size} bytes")
        headers = write_headers(self.secure, metadata, sse, tags, retention, legal_hold)
        headers["Content-Type"] = content_type or "application/octet-stream"
        reporter = ProgressAdapter(progress)
        reporter.set_meta(object_name, length)
        threshold = part_size or self.multipart_threshold
        if length != -1 and length <= threshold:
            body = _read_exact(data, length)
            if len(body) != length:
                raise S3ClientError(f"data ended after {len(body)} of {length} bytes")
            result = self._put_single(bucket_name, object_name, body, headers, cancel)
            reporter.update(length)
            return result
        size = part_size or self.part_size
        if length != -1:  # the caller's part_size is kept; ours is balanced over the workers
            size, _ = multipart.plan_part_size(
                length, size, self.min_part_size,
                1 if part_size else num_workers(num_parallel_uploads))
            parts = _stream_parts(data, size, length)
        else:
            first = _read_exact(data, size)
            if len(first) < size:  # the whole stream fits in one part
                result = self._put_single(bucket_name, object_name, first, headers, cancel)
                reporter.update(len(first))
                return result
            parts = _stream_parts(data, size, -1, first)
        return self._multipart(bucket_name, object_name, headers, parts,
                               num_parallel_uploads, reporter, cancel)

    def fput_object(self: "OpsHost", bucket_name: str, object_name: str, file_path: str,
                    content_type: str = "application/octet-stream", metadata: dict | None = None,
                    sse: Any = None, progress: Any = None, part_size: int = 0,
                    num_parallel_uploads: int = 3, tags: Any = None, retention: Any = None,
                    legal_hold: bool = False,
                    cancel: CancelToken | None = None) -> ObjectWriteResult:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        with open(file_path, "rb") as handle:
            length = os.fstat(handle.fileno()).st_size
            threshold = part_size or self.multipart_threshold
            if length <= threshold:
                return self.put_object(bucket_name, object_name, handle, length, content_type,
                                       metadata, sse, progress, part_size,
                                       num_parallel_uploads, tags, retention, legal_hold, cancel)
            # Large file: every worker reads its own part with pread (parallel read + hash).
            headers = write_headers(self.secure, metadata, sse, tags, retention, legal_hold)
            headers["Content-Type"] = content_type or "application/octet-stream"
            reporter = ProgressAdapter(progress)
            reporter.set_meta(object_name, length)
            size, count = multipart.plan_part_size(
                length, part_size or self.part_size, self.min_part_size,
                1 if part_size else num_workers(num_parallel_uploads))
            fd = handle.fileno()
            parts = ((n + 1, _pread_loader(fd, n * size, min(size, length - n * size)))
                     for n in range(count))
            return self._multipart(bucket_name, object_name, headers, parts,
                                   num_parallel_uploads, reporter, cancel)

    # -- internals -----------------------------------------------------------------------
    def _put_single(self: "OpsHost", bucket: str, key: str, body: bytes, headers: dict,
                    cancel: CancelToken | None) -> ObjectWriteResult:
        sent = put_body(self, bucket, key, body, headers, cancel=cancel)
        return ObjectWriteResult(bucket, key, sent.response.headers.get("x-amz-version-id"),
                                 sent.etag or None, sent.response.headers)

    def _multipart(self: "OpsHost", bucket: str, key: str, headers: dict,
                   parts: Iterator[tuple[int, Callable[[], bytes]]], workers: int,
                   reporter: ProgressAdapter, cancel: CancelToken | None) -> ObjectWriteResult:
        # Over TLS every part carries Content-MD5; over plain HTTP every part carries the
        # checksum (declared here, as AWS requires, and listed again at Complete).
        checksum = not self.secure
        try:
            upload_id = multipart.initiate(
                self, bucket, key,
                {**headers, multipart.CHECKSUM_ALGORITHM_HEADER: uploadbody.CHECKSUM.name}
                if checksum else headers)
        except S3Error as exc:
            if not (checksum and checksum_refused(exc)):
                raise
            checksum = False  # a server that does not know checksums: parts go with the SHA-256
            upload_id = multipart.initiate(self, bucket, key, headers)
        part_headers = {k: v for k, v in headers.items() if k.lower() in _SSE_PART_HEADERS}
        try:
            done = multipart.run_parts(self, bucket, key, upload_id, parts,
                                       max(1, num_workers(workers)), part_headers, reporter,
                                       cancel, checksum)
            if cancel is not None:
                cancel.raise_if_cancelled()
            return multipart.complete(self, bucket, key, upload_id, done)
        except BaseException:
            multipart.abort(self, bucket, key, upload_id)
            raise


def num_workers(requested: int) -> int:
    return min(max(int(requested or 1), 1), 64)


def _pread_loader(fd: int, offset: int, size: int) -> Callable[[], bytes]:
    def load() -> bytes:
        chunks, pos, remaining = [], offset, size
        while remaining:
            chunk = os.pread(fd, remaining, pos)
            if not chunk:
                raise S3ClientError("file shrank while it was being uploaded")
            chunks.append(chunk)
            pos += len(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    return load


def _stream_parts(data: BinaryIO, size: int, length: int,
                  first: bytes | None = None) -> Iterator[tuple[int, Callable[[], bytes]]]:
    """Sequentially read parts from a stream (known or unknown length)."""
    number, sent = 0, 0
    pending = first
    while True:
        if pending is None:
            want = size if length == -1 else min(size, length - sent)
            if want <= 0:
                return
            pending = _read_exact(data, want)
            if length != -1 and len(pending) != want:
                raise S3ClientError(f"data ended after {sent + len(pending)} of {length} bytes")
            if not pending:
                if number == 0:
                    pending = b""
                else:
                    return
        number += 1
        sent += len(pending)
        chunk = pending
        pending = None
        yield number, (lambda c=chunk: c)
        if length == -1 and len(chunk) < size:
            return
