"""Checksums used on the wire: Content-MD5 values and ETag comparison."""

from __future__ import annotations

import base64
import hashlib
import re

_MD5_ETAG = re.compile(r"^[0-9a-f]{32}$")


def md5_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def etag_is_md5(etag: str | None) -> bool:
    return bool(etag) and bool(_MD5_ETAG.match(etag.strip('"').lower()))


def clean_etag(value: str | None) -> str:
    """An ETag without any quotes (as minio-py reports them)."""
    return (value or "").replace('"', "")
