"""Parallel ranged-GET download of one object version into a file with os.pwrite.

`download_ranges` splits ``[0, size)`` into ranges of `part_size` bytes and fetches them on a
small thread pool, each worker writing its bytes at their offset with ``os.pwrite`` (no shared
file position, no lock). Every range request carries ``If-Match: "<etag>"`` (and the version
id when known), so an object overwritten mid-download fails with ``PreconditionFailed``
instead of producing a file stitched from two versions. A multipart ETag is not an MD5, so
the whole-object MD5 cannot be checked here; instead each range's ``Content-Range`` and byte
count are verified, and so is the final file length.

A body broken mid-range (connection reset, short read) is resumed from the last written byte
a few times; request-level retries (5xx, connect errors) are the transport's job. The first
failure cancels the other ranges and is re-raised. The caller owns atomicity: it passes the
temp file that it renames on success and removes on failure (see `ObjectOps.fget_object`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from .cancel import CancelToken, ProgressAdapter
from .errors import Cancelled, InvalidResponseError
from .response import ObjectResponse

if TYPE_CHECKING:
    from .client import Client
    from .encryption import SseCustomerKey

MiB = 1024 * 1024
DEFAULT_PART_SIZE = 16 * MiB
DEFAULT_WORKERS = 4
# A first range peaking this fast (bytes/s) means one stream already outruns what parallel
# ranges add on top (measured on loopback: one stream 2 GB/s after the server's start-up pause,
# 4 ranges slower; see tests/bench/RESULTS.md); fget_object then keeps reading the open response.
SINGLE_STREAM_RATE = 512 * MiB
RESUME_ATTEMPTS = 3
_CHUNK = 1024 * 1024
_RATE_WINDOW = 4 * MiB
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def plan_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """(offset, length) pairs covering ``[0, size)``; the last range may be shorter."""
    if size < 0:
        raise ValueError("size must be >= 0")
    if part_size <= 0:
        raise ValueError("part_size must be > 0")
    return [(offset, min(part_size, size - offset)) for offset in range(0, size, part_size)]


def should_use_ranges(size: int | None, part_size: int, request_headers: Any = None) -> bool:
    """True when a parallel ranged download pays: at least two parts, no caller Range."""
    if size is None or size < 2 * part_size:
        return False
    return not any(str(name).lower() == "range" for name in (request_headers or {}))


class _Shared:
    """State shared by the workers of one download: abort flag and serialised progress."""

    def __init__(self, progress: Any, cancel: CancelToken | None):
        self.progress = progress if isinstance(progress, ProgressAdapter) \
            else ProgressAdapter(progress)
        self.cancel = cancel
        self.failed = threading.Event()
        self._lock = threading.Lock()
        self.written = 0

    def check(self) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if self.failed.is_set():
            raise Cancelled("download aborted: another range failed")

    def advance(self, n: int) -> None:
        with self._lock:
            self.written += n
            self.progress.update(n)


def download_ranges(client: "Client", bucket: str, key: str, fd_or_path: int | str,
                    size: int, etag: str | None, *, part_size: int = DEFAULT_PART_SIZE,
                    workers: int = DEFAULT_WORKERS, progress: Any = None,
                    cancel: CancelToken | None = None, ssec: "SseCustomerKey | None" = None,
                    version_id: str | None = None, request_headers: dict | None = None,
                    extra_query_params: dict | None = None,
                    first_response: ObjectResponse | None = None,
                    single_stream_rate: float | None = None) -> int:
    """Fetch `size` bytes of one object version into `fd_or_path`; return the bytes written.

    `fd_or_path`: a file descriptor open for writing (left open) or a path (created/truncated,
    closed on return). The file is truncated to `size` first. `etag` (quotes optional) pins the
    version with If-Match; without an ETag a `version_id` is required. `first_response`, when
    given, is an already-open whole-object GET of that same version: its first range is read
    from it (saving one round trip) and it is closed afterwards. `single_stream_rate`
    (bytes/s, with `first_response`): when the first range came in at least that fast (its
    peak over 4 MiB windows), the link is not what limits the download, so the rest is read
    from the same response instead of being split into parallel ranges (which then only add
    requests). `progress` receives
    `update(n)` calls serialised under a lock (the caller sends `set_meta`). Raises S3Error
    (e.g. PreconditionFailed when the object changed), InvalidResponseError, or Cancelled.
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    if part_size <= 0:
        raise ValueError("part_size must be > 0")
    tag = (etag or "").strip().strip('"')
    if not tag and not version_id:
        raise ValueError("an ETag or a version id is needed to pin the object version")
    headers = {name: value for name, value in (request_headers or {}).items()
               if name.lower() not in ("range", "if-match")}
    if tag:
        headers["If-Match"] = f'"{tag}"'
    shared = _Shared(progress, cancel)
    owns_fd = not isinstance(fd_or_path, int)
    fd = (os.open(fd_or_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if owns_fd
          else fd_or_path)
    try:
        os.ftruncate(fd, size)
        ranges = plan_ranges(size, part_size)
        if first_response is not None and ranges:
            try:
                rate = _copy_from_response(first_response, fd, ranges[0], shared)
                if len(ranges) > 1 and single_stream_rate is not None \
                        and rate >= single_stream_rate:
                    rest = ranges[0][1]
                    _copy_from_response(first_response, fd, (rest, size - rest), shared)
                    if first_response.read(1):
                        raise InvalidResponseError(first_response.status, None,
                                                   f"body is longer than {size} bytes")
                    ranges = ranges[:1]
            finally:
                first_response.close()
            ranges = ranges[1:]
        fetch = _RangeFetcher(client, bucket, key, fd, size, headers, ssec, version_id,
                              extra_query_params, shared)
        _run(fetch, ranges, max(1, min(int(workers or 1), 64)), shared)
        actual = os.fstat(fd).st_size
        if shared.written != size or actual != size:
            raise InvalidResponseError(None, None, f"download wrote {shared.written} bytes "
                                       f"(file holds {actual}) of {size}")
        return shared.written
    finally:
        if first_response is not None:
            first_response.close()
        if owns_fd:
            os.close(fd)


def _run(fetch: "_RangeFetcher", ranges: list[tuple[int, int]], workers: int,
         shared: _Shared) -> None:
    if not ranges:
        return
    if workers == 1 or len(ranges) == 1:
        for offset, length in ranges:
            fetch(offset, length)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(ranges)),
                            thread_name_prefix="minbrowse-range") as pool:
        futures = [pool.submit(fetch, offset, length) for offset, length in ranges]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failure = next((f.exception() for f in done if f.exception() is not None), None)
        if failure is not None:
            shared.failed.set()
            for fut in futures:
                fut.cancel()
            wait(futures)
            # Prefer the root cause over the "another range failed" echoes of the others.
            raise failure
        for fut in futures:
            fut.result()


def _copy_from_response(response: ObjectResponse, fd: int, span: tuple[int, int],
                        shared: _Shared) -> float:
    """Copy the next `span` (offset, length) of the open whole-object response into `fd`;
    return the link's peak rate (bytes/s) over 4 MiB windows, timing only the reads.

    The peak, not the average, says what the link can carry: servers pause at the start of a
    stream (SeaweedFS on loopback: 50-130 ms in the first 32 MiB, then 2 GB/s), and parallel
    ranges would pay that pause once per range. Our own file writes are left out of the rate:
    when they are the slow part (page cache filling, a slow disk) more streams do not help and
    cost CPU (measured: right after a 256 MiB upload the writes took most of a 0.7 s download,
    ranges started, and our client used 0.73 s of CPU against minio-py's 0.64 s; 0.59 vs 0.59 s
    with the reads alone timed).
    """
    offset, length = span
    remaining = length
    clock = time.perf_counter
    peak, window, waited = 0.0, 0, 0.0
    while remaining > 0:
        shared.check()
        started = clock()
        chunk = response.read(min(_CHUNK, remaining))
        waited += clock() - started
        if not chunk:
            raise InvalidResponseError(response.status, None,
                                       f"body ended after {length - remaining} bytes")
        _pwrite_all(fd, chunk, offset + length - remaining)
        remaining -= len(chunk)
        shared.advance(len(chunk))
        window += len(chunk)
        if window >= _RATE_WINDOW:
            peak = max(peak, window / max(waited, 1e-6))
            window, waited = 0, 0.0
    return peak


class _RangeFetcher:
    """Fetches one range (resuming a broken body) and writes it in place."""

    def __init__(self, client: "Client", bucket: str, key: str, fd: int, size: int,
                 headers: dict, ssec: Any, version_id: str | None,
                 extra_query_params: dict | None, shared: _Shared):
        self.client, self.bucket, self.key, self.fd, self.size = client, bucket, key, fd, size
        self.headers, self.ssec, self.version_id = headers, ssec, version_id
        self.extra_query_params, self.shared = extra_query_params, shared

    def __call__(self, offset: int, length: int) -> None:
        done, attempt = 0, 0
        while done < length:
            self.shared.check()
            try:
                done += self._fetch(offset + done, length - done)
            except _BrokenBody as broken:
                done += broken.written
                attempt += 1
                if attempt > RESUME_ATTEMPTS:
                    raise broken.cause from None

    def _fetch(self, offset: int, length: int) -> int:
        response = self.client.get_object(
            self.bucket, self.key, offset=offset, length=length,
            request_headers=dict(self.headers), ssec=self.ssec, version_id=self.version_id,
            extra_query_params=self.extra_query_params)
        written = 0
        try:
            self._check_range(response, offset, length)
            while written < length:
                self.shared.check()
                try:
                    chunk = response.read(min(_CHUNK, length - written))
                except InvalidResponseError as exc:
                    raise _BrokenBody(written, exc) from None
                if not chunk:
                    raise _BrokenBody(written, InvalidResponseError(
                        response.status, None,
                        f"range at {offset} ended after {written} of {length} bytes"))
                _pwrite_all(self.fd, chunk, offset + written)
                written += len(chunk)
                self.shared.advance(len(chunk))
            if response.read(1):
                raise InvalidResponseError(response.status, None,
                                           f"range at {offset} is longer than {length} bytes")
            return written
        finally:
            response.close()

    def _check_range(self, response: ObjectResponse, offset: int, length: int) -> None:
        """The server must answer 206 with exactly the requested range of a same-size object."""
        content_range = response.headers.get("Content-Range") or ""
        match = _CONTENT_RANGE.match(content_range.strip())
        expected = (offset, offset + length - 1)
        if response.status != 206 or match is None:
            raise InvalidResponseError(response.status, response.headers.get("Content-Type"),
                                       "server ignored the Range header "
                                       f"(status {response.status}, "
                                       f"Content-Range {content_range!r})")
        start, end, total = int(match.group(1)), int(match.group(2)), match.group(3)
        if (start, end) != expected or (total != "*" and int(total) != self.size):
            raise InvalidResponseError(response.status, None,
                                       f"asked for bytes {expected[0]}-{expected[1]}/{self.size},"
                                       f" got {content_range!r}")
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) != length:
            raise InvalidResponseError(response.status, None,
                                       f"range at {offset}: Content-Length {declared}, "
                                       f"expected {length}")


class _BrokenBody(Exception):
    """Internal: a range body broke after `written` bytes (resumable)."""

    def __init__(self, written: int, cause: Exception):
        super().__init__(str(cause))
        self.written = written
        self.cause = cause


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n
