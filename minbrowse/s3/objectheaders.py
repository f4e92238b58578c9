"""Request headers for object writes: user metadata, encryption, tags, retention, legal hold."""

from __future__ import annotations

from typing import Any, Mapping

from .commonconfig import Tags
from .datatypes import to_utc
from .encryption import SseCustomerKey
from .errors import S3ClientError
from .retention import Retention

_STANDARD = {
    "cache-control", "content-disposition", "content-encoding", "content-language",
    "content-type", "expires", "x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read",
    "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-storage-class",
    "x-amz-website-redirect-location",
}


def _is_standard(name: str) -> bool:
    lname = name.lower()
    return lname in _STANDARD or lname.startswith("x-amz-")


def normalize_metadata(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """User keys become x-amz-meta-*; standard and x-amz-* headers pass through."""
    headers: dict[str, str] = {}
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) and key is not None:
            key = str(key)  # minio-py accepts e.g. {10: "value"} -> x-amz-meta-10
        if not isinstance(key, str) or not key:
            raise ValueError("metadata keys must be non-empty strings")
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        text = str(value)
        if any(ord(c) < 32 and c != "\t" for c in text) or "\x7f" in text:
            raise ValueError(f"metadata value for {key!r} contains control characters")
        name = key if _is_standard(key) else f"x-amz-meta-{key}"
        headers[name] = text
    return headers


def require_tls_for_ssec(client_secure: bool) -> None:
    """An SSE-C key travels in headers: never send it over plain HTTP."""
    if not client_secure:
        raise S3ClientError("SSE-C operations must be performed over a secure connection")


def write_headers(client_secure: bool, metadata: Mapping[str, Any] | None, sse: Any,
                  tags: Mapping[str, str] | None, retention: Retention | None,
                  legal_hold: bool) -> dict[str, str]:
    headers = normalize_metadata(metadata)
    if sse is not None:
        if isinstance(sse, SseCustomerKey):
            require_tls_for_ssec(client_secure)
        headers.update(sse.headers())
    if tags:
        if not isinstance(tags, Tags):
            converted = Tags.new_object_tags()
            converted.update(tags)
            tags = converted
        headers["x-amz-tagging"] = tags.to_query_string()
    if retention is not None:
        if not isinstance(retention, Retention):
            raise ValueError("retention must be Retention type")
        headers["x-amz-object-lock-mode"] = retention.mode
        headers["x-amz-object-lock-retain-until-date"] = iso8601_ms(retention.retain_until_date)
    if legal_hold:
        headers["x-amz-object-lock-legal-hold"] = "ON"
    return headers


def iso8601_ms(dt) -> str:
    """2006-01-02T15:04:05.000Z (naive datetimes are UTC)."""
    return to_utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
