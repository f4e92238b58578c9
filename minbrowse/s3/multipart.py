"""Multipart upload protocol steps and a bounded parallel part uploader (aborts on any failure)."""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from .cancel import CancelToken, ProgressAdapter
from .datatypes import ObjectWriteResult
from .errors import InvalidResponseError, S3Error
from .hashing import clean_etag
from . import uploadbody
from .uploadbody import put_body
from .xmlutil import SubElement, findtext, new_element, parse_xml, to_bytes

if TYPE_CHECKING:
    from .ops_host import OpsHost

MAX_PARTS = 10000
MAX_OBJECT_SIZE = 5 * 1024 ** 4
_ALIGN = 64 * 1024  # balanced part sizes are multiples of this
MAX_PART_COPY = 5 * 1024 ** 3
CHECKSUM_ALGORITHM_HEADER = "x-amz-checksum-algorithm"


@dataclass(frozen=True)
class SentPart:
    """One uploaded (or copied) part as CompleteMultipartUpload lists it."""

    number: int
    etag: str
    checksum: str | None = None  # base64, when the upload declared `uploadbody.CHECKSUM`


def plan_part_size(length: int, part_size: int, min_part_size: int,
                   workers: int = 1) -> tuple[int, int]:
    """(part_size, part_count) for a known length: parts of `part_size` (grown so that
    count <= 10000). With `workers` > 1 the count is rounded up to a multiple of `workers`
    (parts shrink to match, never below `min_part_size`, rounded up to 64 KiB), so that
    every worker is busy until the end: 64 MiB in 16 MiB parts on 3 workers would upload
    as 3 parts and then one part alone on one connection; as 6 parts of 11 MiB it is two
    full rounds (on a link that caps each connection, 2.06 s -> ~1.4 s, see
    tests/bench/RESULTS.md).
    """
    if length > MAX_OBJECT_SIZE:
        raise ValueError("object size is over the 5 TiB S3 limit")
    size = max(part_size, min_part_size, math.ceil(length / MAX_PARTS))
    count = max(1, math.ceil(length / size))
    if workers > 1 and count % workers:
        balanced = min(MAX_PARTS, math.ceil(count / workers) * workers)
        even = max(min_part_size, math.ceil(length / balanced / _ALIGN) * _ALIGN)
        if even < size:
            size, count = even, max(1, math.ceil(length / even))
    return size, count


def initiate(client: "OpsHost", bucket: str, key: str, headers: Mapping[str, str]) -> str:
    resp = client._request("POST", bucket, key, query=[("uploads", "")], headers=headers,
                           retryable=False)
    upload_id = findtext(parse_xml(resp.content), "UploadId")
    if not upload_id:
        raise InvalidResponseError(resp.status_code, resp.headers.get("Content-Type"),
                                   "InitiateMultipartUpload answered without an UploadId")
    return upload_id


def upload_part(client: "OpsHost", bucket: str, key: str, upload_id: str, number: int,
                data: bytes, headers: Mapping[str, str], cancel: CancelToken | None,
                checksum: bool = False) -> SentPart:
    """PUT one part; `checksum`: with its `CHECKSUM` (the upload declared that algorithm)."""
    sent = put_body(client, bucket, key, data, headers, cancel=cancel, what=f"part {number}",
                    query=[("partNumber", str(number)), ("uploadId", upload_id)],
                    checksum=checksum)
    return SentPart(number, sent.etag, sent.checksum)


def upload_part_copy(client: "OpsHost", bucket: str, key: str, upload_id: str, number: int,
                     headers: Mapping[str, str]) -> str:
    resp = client._request("PUT", bucket, key, headers=headers,
                           query=[("partNumber", str(number)), ("uploadId", upload_id)])
    root = parse_xml(resp.content)
    _raise_embedded_error(root, resp, bucket, key)
    return clean_etag(findtext(root, "ETag"))


def complete(client: "OpsHost", bucket: str, key: str, upload_id: str,
             parts: list[SentPart]) -> ObjectWriteResult:
    root = new_element("CompleteMultipartUpload")
    for sent in parts:
        part = SubElement(root, "Part")
        SubElement(part, "PartNumber", str(sent.number))
        SubElement(part, "ETag", f'"{sent.etag}"')
        if sent.checksum:
            SubElement(part, uploadbody.CHECKSUM.element, sent.checksum)
    body = to_bytes(root)
    resp = client._request("POST", bucket, key, query=[("uploadId", upload_id)], body=body,
                           headers={"Content-Type": "application/xml"})
    result = parse_xml(resp.content)
    _raise_embedded_error(result, resp, bucket, key)
    version = resp.headers.get("x-amz-version-id")
    etag = clean_etag(findtext(result, "ETag")) or None
    if etag is None:
        # Ceph RGW 16.2 answers <ETag></ETag>: the object's own (HEAD) is the truth
        etag = _etag_of(client, bucket, key, version)
    return ObjectWriteResult(bucket, key, version, etag, resp.headers,
                             location=findtext(result, "Location"))


def _etag_of(client: "OpsHost", bucket: str, key: str, version: str | None) -> str | None:
    query = [("versionId", version)] if version else None
    try:
        head = client._request("HEAD", bucket, key, query=query)
    except S3Error:
        return None
    return clean_etag(head.headers.get("ETag")) or None


def abort(client: "OpsHost", bucket: str, key: str, upload_id: str) -> None:
    """Best-effort abort; never masks the original failure."""
    try:
        client._request("DELETE", bucket, key, query=[("uploadId", upload_id)])
    except Exception:  # noqa: BLE001 - the caller re-raises the real cause
        pass


def _raise_embedded_error(root, resp, bucket: str, key: str) -> None:
    """S3 may answer 200 with an <Error> body for Complete/Copy operations."""
    if root.tag.rsplit("}", 1)[-1] == "Error":
        raise S3Error(findtext(root, "Code"), findtext(root, "Message"),
                      findtext(root, "Resource"), findtext(root, "RequestId"),
                      findtext(root, "HostId"), resp, bucket, key)


def run_parts(client: "OpsHost", bucket: str, key: str, upload_id: str,
              parts: Iterator[tuple[int, Callable[[], bytes]]], workers: int,
              part_headers: Mapping[str, str], progress: ProgressAdapter,
              cancel: CancelToken | None, checksum: bool = False) -> list[SentPart]:
    """Upload parts on a bounded pool; at most workers+1 part bodies are in memory."""
    results: dict[int, SentPart] = {}
    slots = threading.BoundedSemaphore(workers + 1)
    lock = threading.Lock()

    def job(number: int, load: Callable[[], bytes]) -> None:
        try:
            if cancel is not None:
                cancel.raise_if_cancelled()
            data = load()
            sent = upload_part(client, bucket, key, upload_id, number, data, part_headers,
                               cancel, checksum)
            with lock:
                results[number] = sent
            progress.update(len(data))
        finally:
            slots.release()

    futures: list[Future] = []
    with ThreadPoolExecutor(max_workers=max(1, workers),
                            thread_name_prefix="minbrowse-part") as pool:
        try:
            for number, load in parts:
                while not slots.acquire(timeout=0.2):
                    _raise_first_failure(futures)
                _raise_first_failure(futures)
                futures.append(pool.submit(job, number, load))
            wait(futures)
            for fut in futures:
                fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return [results[number] for number in sorted(results)]


def _raise_first_failure(futures: list[Future]) -> None:
    for fut in futures:
        if fut.done() and not fut.cancelled() and fut.exception() is not None:
            raise fut.exception()  # type: ignore[misc]
