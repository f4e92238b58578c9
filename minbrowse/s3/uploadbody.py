"""Sending one upload body (a whole object or one part) with the integrity headers it needs.

Over plain HTTP the body is signed with its SHA-256, which AWS and MinIO check, so bodies above
`MD5_FREE_ABOVE` go without Content-MD5 there, as minio-py sends them: an MD5 pass costs more
CPU than the SHA-256 (0.7 vs 1.7 GiB/s here) and was half of fput's client CPU. Caveat,
measured on SeaweedFS 4.48: it stores a body whose signed SHA-256 is wrong, but refuses a
wrong Content-MD5 (BadDigest), so on SeaweedFS over plain HTTP large bodies rely on TCP's
checksums (use TLS there; server-checked CRC32 checksums would be the cheap fix). Small
bodies and every body over TLS (where large payloads are UNSIGNED-PAYLOAD) carry Content-MD5,
and the returned ETag is checked against it when it is an MD5. A server that demands
Content-MD5 anyway (Object Lock retention on AWS and moto) gets the request again with it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Mapping

import requests

from .cancel import CancelToken
from .errors import InvalidResponseError, S3Error
from .hashing import clean_etag, etag_is_md5
from .urls import Query

if TYPE_CHECKING:
    from .client import Client

MD5_FREE_ABOVE = 1024 * 1024  # bytes; plain-HTTP bodies above this rely on the signed SHA-256


def needs_md5(secure: bool, size: int) -> bool:
    """Whether an upload body of `size` bytes carries Content-MD5 on this connection."""
    return secure or size <= MD5_FREE_ABOVE


def put_body(client: "Client", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
             query: Query | None = None, cancel: CancelToken | None = None,
             what: str = "uploaded object") -> tuple[requests.Response, str]:
    """PUT `body`; return the response and its ETag (quotes removed), checked when possible."""
    digest = hashlib.md5(body).digest() if needs_md5(client.secure, len(body)) else None
    try:
        resp = _send(client, bucket, key, body, headers, digest, query, cancel)
    except S3Error as exc:
        if digest is not None or not _md5_demanded(exc):
            raise
        digest = hashlib.md5(body).digest()
        resp = _send(client, bucket, key, body, headers, digest, query, cancel)
    etag = clean_etag(resp.headers.get("ETag"))
    encrypted = any(h.lower().startswith("x-amz-server-side-encryption") for h in headers)
    if digest is not None and etag_is_md5(etag) and not encrypted \
            and etag.lower() != digest.hex():
        raise InvalidResponseError(resp.status_code, None,
                                   f"{what}: ETag does not match the MD5 of the bytes sent")
    return resp, etag


def _send(client: "Client", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
          digest: bytes | None, query: Query | None,
          cancel: CancelToken | None) -> requests.Response:
    hdrs = dict(headers)
    if digest is not None:
        hdrs["Content-MD5"] = base64.b64encode(digest).decode()
    return client._request("PUT", bucket, key, headers=hdrs, body=body, query=query,
                           cancel=cancel)


def _md5_demanded(exc: S3Error) -> bool:
    """The server refused the body for want of Content-MD5 (AWS and moto word it differently:
    InvalidRequest, MissingContentMD5, MissingUploadObjectWithObjectLockHeaders, ...)."""
    return exc.status == 400 and (exc.code == "MissingContentMD5"
                                  or "content-md5" in (exc.message or "").lower())
