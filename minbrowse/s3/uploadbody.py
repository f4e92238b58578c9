"""Sending one upload body (a whole object or one part) with the integrity headers it needs.

Every body carries a digest the server checks. Over plain HTTP the body is signed with its
SHA-256, which AWS and MinIO check, so bodies above `MD5_FREE_ABOVE` go without Content-MD5
there, as minio-py sends them: an MD5 pass costs more CPU than the SHA-256 (0.7 vs 1.7 GiB/s
here) and was half of fput's client CPU. They carry an S3 checksum instead (`CHECKSUM`:
CRC32C with the `crc32c` package's hardware instruction, 11 GiB/s here; else zlib's CRC32,
2-4 GiB/s): SeaweedFS 4.48 stores a body whose signed SHA-256 is wrong, but refuses a wrong
checksum or Content-MD5 (BadDigest), as AWS and MinIO do. Small bodies and every body over
TLS (where large payloads are UNSIGNED-PAYLOAD) carry Content-MD5, and the returned ETag is
checked against it when it is an MD5. A server that demands Content-MD5 anyway (Object Lock
retention on moto) gets the request again with it; one that refuses checksum headers as
unknown gets it again without the checksum.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

import requests

from .cancel import CancelToken
from .errors import InvalidResponseError, S3Error
from .hashing import clean_etag, etag_is_md5
from .urls import Query

if TYPE_CHECKING:
    from .ops_host import OpsHost

MD5_FREE_ABOVE = 1024 * 1024  # bytes; plain-HTTP bodies above this carry a checksum instead
_CHECKSUM_REFUSALS = frozenset({"NotImplemented", "InvalidArgument", "InvalidRequest"})


@dataclass(frozen=True)
class ChecksumAlgorithm:
    """One S3 checksum algorithm: its name, header, Complete element and 32-bit function."""

    name: str  # as x-amz-checksum-algorithm spells it
    function: Callable[[bytes], int]

    @property
    def header(self) -> str:
        return f"x-amz-checksum-{self.name.lower()}"

    @property
    def element(self) -> str:
        """The element naming a part's checksum in CompleteMultipartUpload."""
        return f"Checksum{self.name}"

    def of(self, body: bytes) -> str:
        """The body's checksum as S3 spells it: the 4 big-endian bytes, base64 encoded."""
        return base64.b64encode(self.function(body).to_bytes(4, "big")).decode()


CRC32 = ChecksumAlgorithm("CRC32", zlib.crc32)


def _fastest_checksum() -> ChecksumAlgorithm:
    try:
        import crc32c
    except ImportError:
        return CRC32
    if not getattr(crc32c, "hardware_based", False):  # its software CRC32C is slower than zlib
        return CRC32
    return ChecksumAlgorithm("CRC32C", crc32c.crc32c)


CHECKSUM = _fastest_checksum()


@dataclass(frozen=True)
class SentBody:
    """What a PUT of one body answered: the response, its ETag (quotes removed) and the
    `CHECKSUM` value the body went with (base64, as sent), or None."""

    response: requests.Response
    etag: str
    checksum: str | None


def needs_md5(secure: bool, size: int) -> bool:
    """Whether an upload body of `size` bytes carries Content-MD5 on this connection."""
    return secure or size <= MD5_FREE_ABOVE


def body_checksum(body: bytes) -> str:
    """The `CHECKSUM` value of an upload body."""
    return CHECKSUM.of(body)


def put_body(client: "OpsHost", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
             query: Query | None = None, cancel: CancelToken | None = None,
             what: str = "uploaded object", checksum: bool | None = None) -> SentBody:
    """PUT `body` and check the returned ETag when possible. `checksum`: send the `CHECKSUM`
    of the body (None: when it goes without Content-MD5; a multipart upload that declared
    the algorithm sends it with every part)."""
    md5 = needs_md5(client.secure, len(body))
    digest = hashlib.md5(body).digest() if md5 else None
    value = body_checksum(body) if (not md5 if checksum is None else checksum) else None
    try:
        resp = _send(client, bucket, key, body, headers, digest, value, query, cancel)
    except S3Error as exc:
        if value is not None and checksum_refused(exc):
            value = None
        elif digest is None and _md5_demanded(exc):
            digest = hashlib.md5(body).digest()
        else:
            raise
        resp = _send(client, bucket, key, body, headers, digest, value, query, cancel)
    etag = clean_etag(resp.headers.get("ETag"))
    encrypted = any(h.lower().startswith("x-amz-server-side-encryption") for h in headers)
    if digest is not None and etag_is_md5(etag) and not encrypted \
            and etag.lower() != digest.hex():
        raise InvalidResponseError(resp.status_code, None,
                                   f"{what}: ETag does not match the MD5 of the bytes sent")
    return SentBody(resp, etag, value)


def _send(client: "OpsHost", bucket: str, key: str, body: bytes, headers: Mapping[str, str],
          digest: bytes | None, checksum: str | None, query: Query | None,
          cancel: CancelToken | None) -> requests.Response:
    hdrs = dict(headers)
    if digest is not None:
        hdrs["Content-MD5"] = base64.b64encode(digest).decode()
    if checksum is not None:
        hdrs[CHECKSUM.header] = checksum
        hdrs["x-amz-sdk-checksum-algorithm"] = CHECKSUM.name  # as AWS SDKs send it (moto)
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
