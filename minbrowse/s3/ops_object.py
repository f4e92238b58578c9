"""Object read/delete operations: get_object, fget_object (atomic), stat_object, remove_object(s)."""

from __future__ import annotations

import itertools
import os
import secrets
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable, Iterator

from .cancel import CancelToken, ProgressAdapter
from .datatypes import Object, object_from_headers
from .deleteobjects import DeleteError, DeleteObject, delete_request_xml, parse_delete_result
from .encryption import SseCustomerKey
from .hashing import md5_base64
from .objectheaders import require_tls_for_ssec
from .rangedownload import DEFAULT_WORKERS as DOWNLOAD_WORKERS
from .rangedownload import (LOOPBACK_STREAM_RATE, SINGLE_STREAM_RATE, download_ranges,
                            should_use_ranges)
from .response import ObjectResponse, check_whole_body
from .urls import check_bucket_name, check_object_name
from .xmlutil import parse_xml, to_bytes

if TYPE_CHECKING:
    from .ops_host import OpsHost

_COPY_CHUNK = 1024 * 1024
REMOVE_BATCHES_IN_FLIGHT = 4
SMALL_OBJECT_BYTES = 1024 * 1024  # fget_small_object: bodies read whole up to this size


def _ssec_headers(client: "OpsHost", ssec: SseCustomerKey | None) -> dict[str, str]:
    if ssec is None:
        return {}
    if not isinstance(ssec, SseCustomerKey):
        raise ValueError("ssec must be SseCustomerKey type")
    require_tls_for_ssec(client.secure)
    return dict(ssec.headers())


def _query(version_id: str | None, extra: dict | None) -> list[tuple[str, str]]:
    q: list[tuple[str, str]] = []
    if version_id:
        q.append(("versionId", version_id))
    if extra:
        q.extend((k, str(v)) for k, v in extra.items())
    return q


class ObjectOps:
    """Mixin for Client: reading, stat and removal of objects."""

    def get_object(self: "OpsHost", bucket_name: str, object_name: str, offset: int = 0,
                   length: int = 0, request_headers: dict | None = None,
                   ssec: SseCustomerKey | None = None, version_id: str | None = None,
                   extra_query_params: dict | None = None) -> ObjectResponse:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if offset < 0 or length < 0:
            raise ValueError("offset and length must be >= 0")
        headers = dict(request_headers or {})
        headers.update(_ssec_headers(self, ssec))
        ranged = bool(offset or length)
        if length:
            headers["Range"] = f"bytes={offset}-{offset + length - 1}"
        elif offset:
            headers["Range"] = f"bytes={offset}-"
        resp = self._request("GET", bucket_name, object_name, headers=headers,
                             query=_query(version_id, extra_query_params), stream=True)
        return ObjectResponse(resp, verify_md5=not ranged and "Range" not in headers)

    def stat_object(self: "OpsHost", bucket_name: str, object_name: str,
                    ssec: SseCustomerKey | None = None, version_id: str | None = None,
                    extra_headers: dict | None = None,
                    extra_query_params: dict | None = None) -> Object:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        headers = dict(extra_headers or {})
        headers.update(_ssec_headers(self, ssec))
        resp = self._request("HEAD", bucket_name, object_name, headers=headers,
                             query=_query(version_id, extra_query_params))
        return object_from_headers(bucket_name, object_name, resp.headers)

    def fget_object(self: "OpsHost", bucket_name: str, object_name: str, file_path: str,
                    request_headers: dict | None = None, ssec: SseCustomerKey | None = None,
                    version_id: str | None = None, extra_query_params: dict | None = None,
                    tmp_file_path: str | None = None, progress=None,
                    cancel: CancelToken | None = None) -> Object:
        """Download to `file_path` atomically: temp file in the same folder, renamed when complete.

        On any failure or cancellation the previous file is untouched and no temp file remains.
        """
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if os.path.isdir(file_path):
            raise ValueError(f"file {file_path} is a directory")
        folder = os.path.dirname(os.path.abspath(file_path))
        os.makedirs(folder, exist_ok=True)
        reporter = ProgressAdapter(progress)
        response = self.get_object(bucket_name, object_name, request_headers=request_headers,
                                   ssec=ssec, version_id=version_id,
                                   extra_query_params=extra_query_params)
        info = object_from_headers(bucket_name, object_name, response.headers)
        reporter.set_meta(object_name, info.size or 0)
        if tmp_file_path:
            tmp_path = tmp_file_path
            fd = os.open(tmp_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        else:
            fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=".minbrowse-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                if info.etag and should_use_ranges(info.size, self.part_size, request_headers):
                    # Large object: the open response's first 8 MiB time the link; a fast
                    # one (SINGLE_STREAM_RATE) keeps this one stream, a slow one has the rest
                    # split into parallel ranged GETs pinned to this ETag (If-Match).
                    download_ranges(self, bucket_name, object_name, out.fileno(), info.size,
                                    info.etag, part_size=self.part_size,
                                    workers=min(DOWNLOAD_WORKERS, self.max_pool_connections),
                                    progress=reporter, cancel=cancel, ssec=ssec,
                                    version_id=version_id, request_headers=request_headers,
                                    extra_query_params=extra_query_params,
                                    first_response=response,
                                    single_stream_rate=self._single_stream_rate())
                else:
                    for chunk in response.stream(_COPY_CHUNK):
                        if cancel is not None:
                            cancel.raise_if_cancelled()
                        out.write(chunk)
                        reporter.update(len(chunk))
            _apply_mode(tmp_path)
            os.replace(tmp_path, file_path)
        except BaseException:
            response.close()
            try:
                os.unlink(tmp_path)
            except FileNotFoundError:
                pass
            raise
        finally:
            response.close()
        return info

    def fget_small_object(self: "OpsHost", bucket_name: str, object_name: str,
                          file_path: str, version_id: str | None = None) -> Object:
        """`fget_object` for an object a listing said is small (up to SMALL_OBJECT_BYTES; not
        in the seed API): its body comes whole with the reply, in one exchange with no
        stream set up, which is a third of the client's CPU on a 1 KiB download. Written as
        atomically (a temp file in the folder, renamed over the target when complete; the
        file's mode from the umask), its length and MD5 checked as `get_object` checks them.
        A body over 16 MiB (the object grew since it was listed) is refused, nothing written.
        """
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        resp = self._request("GET", bucket_name, object_name, query=_query(version_id, None))
        body = resp.content
        check_whole_body(resp.status_code, resp.headers, body)
        info = object_from_headers(bucket_name, object_name, resp.headers)
        folder = os.path.dirname(os.path.abspath(file_path))
        tmp_path = os.path.join(folder, f".minbrowse-{secrets.token_hex(6)}.part")
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_BINARY", 0), 0o666)
        try:
            view = memoryview(body)
            while view:
                view = view[os.write(fd, view):]
            os.close(fd)
            fd = -1
            os.replace(tmp_path, file_path)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            try:
                os.unlink(tmp_path)
            except FileNotFoundError:
                pass
            raise
        return info

    def _single_stream_rate(self: "OpsHost") -> float:
        """The probe rate above which a download keeps one stream (lower for a local server)."""
        return LOOPBACK_STREAM_RATE if self._base_url.is_loopback else SINGLE_STREAM_RATE

    def remove_object(self: "OpsHost", bucket_name: str, object_name: str,
                      version_id: str | None = None) -> None:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        self._request("DELETE", bucket_name, object_name, query=_query(version_id, None))

    def remove_objects(self: "OpsHost", bucket_name: str,
                       delete_object_list: Iterable[DeleteObject],
                       bypass_governance_mode: bool = False) -> Iterator[DeleteError]:
        """Lazily delete in batches of 1000; yields a DeleteError per failed key.

        Deleting starts when the result is iterated, as in minio-py. Beyond minio-py: with more
        than one batch, up to `REMOVE_BATCHES_IN_FLIGHT` batch requests run at once (SeaweedFS
        deleted 4000 keys 1.6x faster with 4); errors still come out in batch order, and a
        failed request raises once the batches sent before it have reported.
        """
        check_bucket_name(bucket_name)
        headers = ({"x-amz-bypass-governance-retention": "true"}
                   if bypass_governance_mode else {})
        batches = _batches_of(iter(delete_object_list))
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        if second is None:  # one batch: no threads
            yield from self._delete_batch(bucket_name, first, headers)
            return
        workers = max(1, min(REMOVE_BATCHES_IN_FLIGHT, self.max_pool_connections))
        with ThreadPoolExecutor(workers, thread_name_prefix="minbrowse-delete") as pool:
            pending: deque[Future] = deque()
            for batch in itertools.chain((first, second), batches):
                pending.append(pool.submit(self._delete_batch, bucket_name, batch, headers))
                if len(pending) >= workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()

    def _delete_batch(self: "OpsHost", bucket_name: str, batch: list[DeleteObject],
                      extra_headers: dict[str, str]) -> list[DeleteError]:
        body = to_bytes(delete_request_xml(batch, quiet=True))
        headers = {"Content-Type": "application/xml", "Content-MD5": md5_base64(body),
                   **extra_headers}
        resp = self._request("POST", bucket_name, query=[("delete", "")], headers=headers,
                             body=body)
        return parse_delete_result(parse_xml(resp.content))[1]


def _batches_of(objects: Iterator[DeleteObject]) -> Iterator[list[DeleteObject]]:
    """Lists of up to 1000 DeleteObjects (the DeleteObjects limit), each checked when read."""
    while True:
        batch = list(itertools.islice(objects, 1000))
        if not batch:
            return
        for obj in batch:
            if not isinstance(obj, DeleteObject):
                raise ValueError("delete_object_list must hold DeleteObject items")
        yield batch


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide and not thread-safe


def _apply_mode(path: str) -> None:
    """Give the downloaded file the usual umask-derived mode (mkstemp creates 0600)."""
    try:
        os.chmod(path, 0o666 & ~_UMASK)
    except OSError:
        pass
