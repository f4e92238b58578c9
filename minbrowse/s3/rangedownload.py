"""Parallel ranged-GET download of one object version into a file with os.pwrite.

`download_ranges` splits ``[0, size)`` into ranges of at most `part_size` bytes (as many as
keep every worker busy to the end) and fetches them on a small thread pool, each worker
writing its bytes at their offset with ``os.pwrite`` (no shared file position, no lock). Every
range request carries ``If-Match: "<etag>"`` (and the version id when known), so an object
overwritten mid-download fails with ``PreconditionFailed`` instead of producing a file
stitched from two versions. Each range's ``Content-Range`` and byte count are verified, and
so is the final file length; when the object's ETag is its MD5, the file's MD5 is checked too.

Given an open whole-object GET (`first_response`), the download first reads 8 MiB from it
while timing the link: a fast link keeps that one stream to the end (parallel ranges would only
add requests); a slow one has the rest split over the workers, one of which keeps reading the
open stream. A body broken mid-way (connection reset, short read) is resumed from the last
written byte by ranged GETs a few times; request-level retries (5xx, connect errors) are the
transport's job. The first failure cancels the other ranges and is re-raised. The caller owns
atomicity: it passes the temp file that it renames on success and removes on failure (see
`ObjectOps.fget_object`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from .cancel import CancelToken, ProgressAdapter
from .errors import Cancelled, InvalidResponseError
from .response import ObjectResponse

if TYPE_CHECKING:
    from .ops_host import OpsHost
    from .encryption import SseCustomerKey

log = logging.getLogger("minbrowse.s3.rangedownload")

MiB = 1024 * 1024
DEFAULT_PART_SIZE = 16 * MiB
DEFAULT_WORKERS = 4
# A stream peaking this fast (bytes/s) already outruns what parallel ranges add on top
# (measured on loopback: one stream 2 GB/s after the server's start-up pause, 4 ranges slower;
# see tests/bench/RESULTS.md); fget_object then keeps reading the open response. Of 40
# downloads on loopback, the peak of the first two 4 MiB windows was 418 MiB/s once and
# 786 MiB/s or more otherwise; a long link stays far below.
SINGLE_STREAM_RATE = 256 * MiB
# With the server on this machine a slow stream means busy CPUs, not a link that caps each
# connection, and more streams only add work: in the benchmark's busiest rounds 4 of 22
# loopback downloads probed at 102-223 MiB/s. There only a crawl splits (the benchmark's
# emulated slow link, 16 MiB/s per connection, is one).
LOOPBACK_STREAM_RATE = 32 * MiB
# Objects at least this big go through `download_ranges` in fget_object (the probe decides).
RANGED_FROM = 16 * MiB
RESUME_ATTEMPTS = 3
MIN_RANGE = 1 * MiB  # balancing never makes ranges shorter than this (or than part_size)
_CHUNK = 1024 * 1024
_RATE_WINDOW = 4 * MiB
# The first two 4 MiB windows decide: on loopback SeaweedFS pauses up to 130 ms somewhere in
# the first ones, but one of the two peaked above SINGLE_STREAM_RATE in 40 of 40 downloads.
PROBE_BYTES = 2 * _RATE_WINDOW
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def plan_ranges(size: int, part_size: int, workers: int = 1,
                start: int = 0) -> list[tuple[int, int]]:
    """(offset, length) pairs covering ``[start, size)``: ranges of `part_size` (the last may be
    shorter). With `workers` > 1 their number is raised to a multiple of `workers` where the
    ranges stay at least `MIN_RANGE` (or `part_size`, if smaller) long, so no worker idles
    while the last range finishes alone."""
    if size < 0 or start < 0:
        raise ValueError("size and start must be >= 0")
    if part_size <= 0:
        raise ValueError("part_size must be > 0")
    span = size - start
    if span <= 0:
        return []
    base = math.ceil(span / part_size)
    count = base
    if workers > 1 and base % workers:
        floor = min(MIN_RANGE, part_size)
        count = max(base, min(math.ceil(base / workers) * workers, span // floor))
    length = part_size if count == base else math.ceil(span / count)
    return [(offset, min(length, size - offset)) for offset in range(start, size, length)]


def should_use_ranges(size: int | None, part_size: int, request_headers: Any = None) -> bool:
    """True when a ranged download may pay: at least `RANGED_FROM` bytes (or two parts, if
    `part_size` is smaller) and no caller Range."""
    if size is None or size < min(RANGED_FROM, 2 * part_size):
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
        self.stream_complete = False  # the open response was read to its end (MD5 checked)

    def check(self) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if self.failed.is_set():
            raise Cancelled("download aborted: another range failed")

    def advance(self, n: int) -> None:
        with self._lock:
            self.written += n
            self.progress.update(n)


def download_ranges(client: "OpsHost", bucket: str, key: str, fd_or_path: int | str,
                    size: int, etag: str | None, *, part_size: int = DEFAULT_PART_SIZE,
                    workers: int = DEFAULT_WORKERS, progress: Any = None,
                    cancel: CancelToken | None = None, ssec: "SseCustomerKey | None" = None,
                    version_id: str | None = None, request_headers: dict | None = None,
                    extra_query_params: dict | None = None,
                    first_response: ObjectResponse | None = None,
                    single_stream_rate: float | None = None) -> int:
    """Fetch `size` bytes of one object version into `fd_or_path`; return the bytes written.

    `fd_or_path`: a file descriptor open for reading and writing (left open) or a path
    (created/truncated, closed on return). `etag` (quotes optional) pins the version with
    If-Match; without an ETag a `version_id` is required. `first_response`, when given, is an
    already-open whole-object GET of that same version; it supplies the first range (saving a
    round trip) and is closed afterwards. `single_stream_rate` (bytes/s, with
    `first_response`): the first `PROBE_BYTES` are read from that response first, and when
    they came in at least that fast (peak over 4 MiB windows, reads only) the rest is read from
    it too; otherwise the rest is split over the workers. `progress` receives `update(n)`
    calls serialised under a lock (the caller sends `set_meta`). Raises S3Error (e.g.
    PreconditionFailed when the object changed), InvalidResponseError (also for a file whose
    MD5 differs from an MD5 ETag), or Cancelled.
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
    workers = max(1, min(int(workers or 1), 64))
    md5_etag = first_response.md5_etag if first_response is not None else None
    owns_fd = not isinstance(fd_or_path, int)
    fd = (os.open(fd_or_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600) if owns_fd
          else fd_or_path)
    try:
        os.ftruncate(fd, size)
        fetch = _RangeFetcher(client, bucket, key, fd, size, headers, ssec, version_id,
                              extra_query_params, shared)
        stream, done = first_response, 0
        if stream is not None and single_stream_rate is not None:
            stream, done = _probe(stream, fd, size, shared, single_stream_rate)
        ranges = plan_ranges(size, part_size, workers, done)
        log.debug("download of s3://%s/%s (%d bytes): %s", bucket, key, size,
                  f"{len(ranges)} ranges from byte {done} on {workers} workers" if ranges
                  else "one stream")
        tasks: list[Callable[[], None]] = []
        if stream is not None and ranges:
            tasks.append(partial(_continue_stream, stream, fetch, fd, ranges.pop(0), size, shared))
        elif stream is not None:
            stream.close()
        tasks += [partial(fetch, offset, length) for offset, length in ranges]
        _run(tasks, workers, shared)
        actual = os.fstat(fd).st_size
        if shared.written != size or actual != size:
            raise InvalidResponseError(None, None, f"download wrote {shared.written} bytes "
                                       f"(file holds {actual}) of {size}")
        if md5_etag and not shared.stream_complete:
            _check_file_md5(fd, size, md5_etag)
        return shared.written
    finally:
        if first_response is not None:
            first_response.close()
        if owns_fd:
            os.close(fd)


def _probe(stream: ObjectResponse, fd: int, size: int, shared: _Shared,
           single_stream_rate: float) -> tuple[ObjectResponse | None, int]:
    """Read the first `PROBE_BYTES` from the open stream; on a fast link read it all.
    Returns the stream (None once it is used up or broken) and the bytes done."""
    probe = min(size, PROBE_BYTES)
    try:
        rate = _copy_from_response(stream, fd, (0, probe), shared)
        log.debug("first %d bytes peaked at %.0f MiB/s", probe, rate / MiB)
        if rate < single_stream_rate and probe < size:
            return stream, probe
        _copy_from_response(stream, fd, (probe, size - probe), shared)
    except _BrokenBody as broken:  # the rest comes in ranges, from the last byte written
        stream.close()
        return None, broken.offset + broken.written
    _expect_end(stream, size, shared)
    return None, size


def _continue_stream(stream: ObjectResponse, fetch: "_RangeFetcher", fd: int,
                     span: tuple[int, int], size: int, shared: _Shared) -> None:
    """One worker's range read from the open stream (positioned at its start); a broken body
    is resumed by ranged GETs."""
    offset, length = span
    try:
        _copy_from_response(stream, fd, span, shared)
        if offset + length == size:
            _expect_end(stream, size, shared)
    except _BrokenBody as broken:
        stream.close()
        fetch(offset + broken.written, length - broken.written)
    finally:
        stream.close()


def _expect_end(stream: ObjectResponse, size: int, shared: _Shared) -> None:
    """The stream must end here; reading its end checks its length (and MD5 when it has one)."""
    if stream.read(1):
        raise InvalidResponseError(stream.status, None, f"body is longer than {size} bytes")
    shared.stream_complete = True


def _check_file_md5(fd: int, size: int, md5_etag: str) -> None:
    digest, offset = hashlib.md5(), 0
    while offset < size:
        chunk = os.pread(fd, min(_CHUNK, size - offset), offset)
        if not chunk:
            break
        digest.update(chunk)
        offset += len(chunk)
    if digest.hexdigest() != md5_etag.lower():
        raise InvalidResponseError(None, None, "downloaded file's MD5 does not match the ETag")


def _run(tasks: list[Callable[[], None]], workers: int, shared: _Shared) -> None:
    if not tasks:
        return
    if workers == 1 or len(tasks) == 1:
        for task in tasks:
            task()
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(tasks)),
                            thread_name_prefix="minbrowse-range") as pool:
        futures = [pool.submit(task) for task in tasks]
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
    """Copy the next `span` (offset, length) of an open response (the whole-object GET, or a
    ranged one) into `fd`; return the link's peak rate (bytes/s) over 4 MiB windows, timing
    only the reads. A read that fails or ends early raises `_BrokenBody` (bytes written so far,
    resumable).

    The peak, not the average, says what the link can carry: servers pause at the start of a
    stream (SeaweedFS on loopback: 50-130 ms in the first 32 MiB, then 2 GB/s), and parallel
    ranges would pay that pause once per range. Our own file writes are left out of the rate:
    when they are the slow part (page cache filling, a slow disk) more streams do not help and
    cost CPU (measured: right after a 256 MiB upload the writes took most of a 0.7 s download,
    ranges started, and our client used 0.73 s of CPU against minio-py's 0.64 s; 0.59 vs 0.59 s
    with the reads alone timed).
    """
    offset, length = span
    written = 0
    clock = time.perf_counter
    peak, window, waited = 0.0, 0, 0.0
    while written < length:
        shared.check()
        started = clock()
        try:
            chunk = response.read(min(_CHUNK, length - written))
        except InvalidResponseError as exc:
            raise _BrokenBody(written, exc, offset) from None
        waited += clock() - started
        if not chunk:
            raise _BrokenBody(written, InvalidResponseError(
                response.status, None,
                f"body at byte {offset} ended after {written} of {length} bytes"), offset)
        _pwrite_all(fd, chunk, offset + written)
        written += len(chunk)
        shared.advance(len(chunk))
        window += len(chunk)
        if window >= _RATE_WINDOW:
            peak = max(peak, window / max(waited, 1e-6))
            window, waited = 0, 0.0
    return peak


class _RangeFetcher:
    """Fetches one range (resuming a broken body) and writes it in place."""

    def __init__(self, client: "OpsHost", bucket: str, key: str, fd: int, size: int,
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
        try:
            self._check_range(response, offset, length)
            _copy_from_response(response, self.fd, (offset, length), self.shared)
            if response.read(1):
                raise InvalidResponseError(response.status, None,
                                           f"range at {offset} is longer than {length} bytes")
            return length
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
    """Internal: a body broke after `written` bytes of a span starting at `offset` (resumable)."""

    def __init__(self, written: int, cause: Exception, offset: int = 0):
        super().__init__(str(cause))
        self.written = written
        self.cause = cause
        self.offset = offset


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n
