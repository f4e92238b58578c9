"""Streaming object response returned by get_object: read/stream/iterate, length and MD5 checked."""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

import requests

from .errors import InvalidResponseError
from .hashing import BackgroundMD5

_MD5_ETAG = re.compile(r"^[0-9a-f]{32}$")
_THREADED_MD5_FROM = 8 * 1024 * 1024  # bytes; below this inline hashing is cheaper


def md5_etag_of(headers) -> str | None:
    """The ETag a whole object's body must hash to (MD5), or None when it is no MD5: a
    multipart object ("…-N") or an SSE-C / SSE-KMS encrypted one."""
    etag = (headers.get("ETag") or "").strip('"').lower()
    encrypted = ("x-amz-server-side-encryption-customer-algorithm" in headers
                 or headers.get("x-amz-server-side-encryption") == "aws:kms")
    return etag if _MD5_ETAG.match(etag) and not encrypted else None


def check_whole_body(status: int, headers, body: bytes) -> None:
    """A whole-object body read in one piece: its length and (where the ETag is one) MD5."""
    length = headers.get("Content-Length")
    if length and length.isdigit() and int(length) != len(body):
        raise InvalidResponseError(status, headers.get("Content-Type"),
                                   f"body of {len(body)} bytes, {length} declared")
    etag = md5_etag_of(headers)
    if etag is not None and hashlib.md5(body).hexdigest() != etag:
        raise InvalidResponseError(status, None, "body MD5 does not match the ETag")


class ObjectResponse:
    """Wraps a streamed `requests.Response`; raw bytes (no content decoding).

    The declared Content-Length is verified when the body ends, and so is the MD5 when the ETag
    is one (whole-object, unencrypted, single-part GETs). `close()` drops the connection;
    `release_conn()` returns it to the pool once the body is fully read.
    """

    def __init__(self, response: requests.Response, verify_md5: bool = True):
        self._resp = response
        self.status = response.status_code
        self.headers = response.headers
        self.reason = response.reason
        length = response.headers.get("Content-Length")
        self._expected = int(length) if length and length.isdigit() else None
        self._received = 0
        self._done = False
        etag = (response.headers.get("ETag") or "").strip('"').lower()
        self._md5 = None
        if verify_md5 and response.status_code == 200 and md5_etag_of(response.headers):
            big = self._expected is not None and self._expected > _THREADED_MD5_FROM
            self._md5 = BackgroundMD5() if big else hashlib.md5()
        self._etag = etag

    # urllib3.HTTPResponse-like surface -----------------------------------------------------
    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def getheaders(self):
        return self.headers

    @property
    def data(self) -> bytes:
        return self.read()

    def read(self, amt: int | None = None) -> bytes:
        if self._done:
            return b""
        if amt is None:
            return b"".join(self.stream())
        chunk = self._raw_read(amt)
        return chunk

    def stream(self, amt: int = 64 * 1024) -> Iterator[bytes]:
        while True:
            chunk = self._raw_read(amt)
            if not chunk:
                return
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        return self.stream()

    def _raw_read(self, amt: int) -> bytes:
        if self._done:
            return b""
        try:
            chunk = self._resp.raw.read(amt, decode_content=False)
        except Exception as exc:  # urllib3 protocol errors, resets
            self.close()
            raise InvalidResponseError(self.status, self.headers.get("Content-Type"),
                                       f"connection broken while reading the body: "
                                       f"{type(exc).__name__}") from None
        if chunk:
            self._received += len(chunk)
            if self._md5 is not None:
                self._md5.update(chunk)
            if self._expected is not None and self._received > self._expected:
                self.close()
                raise InvalidResponseError(self.status, None, "body longer than Content-Length")
            return chunk
        self._finish()
        return b""

    def _finish(self) -> None:
        self._done = True
        if self._expected is not None and self._received != self._expected:
            self.close()
            raise InvalidResponseError(
                self.status, self.headers.get("Content-Type"),
                f"body ended after {self._received} of {self._expected} bytes")
        if self._md5 is not None and self._md5.hexdigest() != self._etag:
            raise InvalidResponseError(self.status, None, "body MD5 does not match the ETag")

    @property
    def md5_etag(self) -> str | None:
        """The ETag this body's MD5 is checked against when read to its end (None: unchecked:
        a multipart or encrypted object, or a partial body)."""
        return self._etag if self._md5 is not None else None

    @property
    def bytes_received(self) -> int:
        return self._received

    def close(self) -> None:
        if isinstance(self._md5, BackgroundMD5):
            self._md5.close()
        self._resp.close()

    def release_conn(self) -> None:
        # requests returns the connection to the pool once the body is consumed/closed.
        self._resp.close()

    def __enter__(self) -> "ObjectResponse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
