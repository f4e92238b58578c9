"""ObjectResponse checks a body's length and MD5 (inline for small bodies, threaded for large)."""

from __future__ import annotations

import hashlib
import io

import pytest
import requests

from minbrowse.s3.errors import InvalidResponseError
from minbrowse.s3.response import ObjectResponse


class _Raw:
    def __init__(self, data: bytes):
        self._buf = io.BytesIO(data)

    def read(self, amt=None, decode_content=False):
        return self._buf.read(amt)

    def close(self):
        self._buf.close()

    def release_conn(self):
        pass


def _response(body: bytes, etag: str, length: int | None = None) -> ObjectResponse:
    resp = requests.Response()
    resp.status_code = 200
    resp.headers["ETag"] = f'"{etag}"'
    resp.headers["Content-Length"] = str(len(body) if length is None else length)
    resp.raw = _Raw(body)
    return ObjectResponse(resp)


@pytest.mark.parametrize("size", [1000, 9 * 1024 * 1024], ids=["inline", "threaded"])
def test_md5_match_and_mismatch(size):
    body = bytes(range(256)) * (size // 256)
    good = hashlib.md5(body).hexdigest()
    assert _response(body, good).read() == body
    with pytest.raises(InvalidResponseError, match="MD5"):
        _response(body, "0" * 32).read()


def test_short_body_is_an_error():
    with pytest.raises(InvalidResponseError, match="ended after 10 of 20 bytes"):
        _response(b"x" * 10, "abc-2", length=20).read()
