"""Sending one upload body (a whole object or one part) with the integrity headers it needs.

Every body carries a digest the server checks. Over plain HTTP the body is signed with its
SHA-256, which AWS and MinIO check, so bodies above `MD5_FREE_ABOVE` go without Content-MD5
there, as minio-py sends them: an MD5 pass costs more CPU than the SHA-256 (0.7 vs 1.7 GiB/s
here) and was half of fput's client CPU. They carry a CRC32 checksum instead
(`x-amz-checksum-crc32`, 3.8 GiB/s): SeaweedFS 4.48 stores a body whose signed SHA-256 is
wrong, but refuses a wrong CRC32 or Content-MD5 (BadDigest), as AWS and MinIO do. Small bodies
and every body over TLS (where large payloads are UNSIGNED-PAYLOAD) carry Content-MD5, and the
returned ETag is checked against it when it is an MD5. A server that demands Content-MD5 anyway
(Object Lock retention on moto) gets the request again with it; one that refuses checksum
headers as unknown gets it again without the CRC32.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import requests

from .cancel import CancelToken
from .errors import InvalidResponseError, S3Error
from .hashing import clean_etag, etag_is_md5
from .urls import Query

if TYPE_CHECKING:
    from .client import Client

MD5_FREE_ABOVE = 1024 * 1024  # bytes; plain-HTTP bodies above this carry a CRC32 instead
CRC32_HEADER = "x-amz-checksum-crc32"
_CHECKSUM_REFUSALS = frozenset({"NotImplemented", "InvalidArgument", "InvalidRequest"})


@dataclass(frozen=True)
class SentBody:
    """What a PUT of one body answered: the response, its ETag (quotes removed) and the CRC32
    checksum the body went with (base64, as sent), or None."""

    response: requests.Response
    etag: str
    crc32: str | None


def needs_md5(secure: bool, size: int) -> bool:
    """Whether an upload body of `size` bytes carries Content-MD5 on this connection."""
    return secure or size <= MD5_FREE_ABOVE


def crc32_base64(body: bytes) -> str:
    """The body's CRC32 as S3 spells it: the 4 big-endian bytes, base64 encoded."""
    return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()


def put_body(client: "Client", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
             query: Query | None = None, cancel: CancelToken | None = None,
             what: str = "uploaded object", crc32: bool | None = None) -> SentBody:
    """PUT `body` and check the returned ETag when possible. `crc32`: send a CRC32 checksum
    (None: when the body goes without Content-MD5; a multipart upload that declared CRC32
    sends it with every part)."""
    md5 = needs_md5(client.secure, len(body))
    digest = hashlib.md5(body).digest() if md5 else None
    checksum = crc32_base64(body) if (not md5 if crc32 is None else crc32) else None
    try:
        resp = _send(client, bucket, key, body, headers, digest, checksum, query, cancel)
    except S3Error as exc:
        if checksum is not None and checksum_refused(exc):
            checksum = None
        elif digest is None and _md5_demanded(exc):
            digest = hashlib.md5(body).digest()
        else:
            raise
        resp = _send(client, bucket, key, body, headers, digest, checksum, query, cancel)
    etag = clean_etag(resp.headers.get("ETag"))
    encrypted = any(h.lower().startswith("x-amz-server-side-encryption") for h in headers)
    if digest is not None and etag_is_md5(etag) and not encrypted \
            and etag.lower() != digest.hex():
        raise InvalidResponseError(resp.status_code, None,
                                   f"{what}: ETag does not match the MD5 of the bytes sent")
    return SentBody(resp, etag, checksum)


def _send(client: "Client", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
          digest: bytes | None, checksum: str | None, query: Query | None,
          cancel: CancelToken | None) -> requests.Response:
    hdrs = dict(headers)
    if digest is not None:
        hdrs["Content-MD5"] = base64.b64encode(digest).decode()
    if checksum is not None:
        hdrs[CRC32_HEADER] = checksum
        hdrs["x-amz-sdk-checksum-algorithm"] = "CRC32"  # as AWS SDKs send it (moto keys on it)
    return client._request("PUT", bucket, key, headers=hdrs, body=body, query=query,
                           cancel=cancel)


def _md5_demanded(exc: S3Error) -> bool:
    """The server refused the body for want of Content-MD5 (AWS and moto word it differently:
    InvalidRequest, MissingContentMD5, MissingUploadObjectWithObjectLockHeaders, ...)."""
    return exc.status == 400 and (exc.code == "MissingContentMD5"
                                  or "content-md5" in (exc.message or "").lower())


def checksum_refused(exc: S3Error) -> bool:
    """The server does not take checksum headers (an unknown header or algorithm), as opposed
    to a checksum that does not match the body (BadDigest, which is raised)."""
    return exc.code in _CHECKSUM_REFUSALS and "checksum" in (exc.message or "").lower()
