"""Value types returned by the client (Bucket, Object) and parsers for listing pages and stat headers."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import unquote_plus
from xml.etree.ElementTree import Element

from requests.structures import CaseInsensitiveDict

from .xmlutil import find, findall, findtext


def parse_iso8601(text: str | None) -> datetime | None:
    if not text:
        return None
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_http_date(text: str | None) -> datetime | None:
    if not text:
        return None
    # The IMF-fixdate every S3 server sends ("Tue, 01 Dec 2026 12:17:01 GMT") without the
    # email package (5x faster); any other spelling goes the general way below.
    fields = text.split()
    if len(fields) == 6 and fields[5] == "GMT" and fields[1].isdigit() and fields[3].isdigit():
        month = _MONTHS.get(fields[2])
        clock = fields[4].split(":")
        if month and len(clock) == 3 and all(c.isdigit() for c in clock):
            try:
                return datetime(int(fields[3]), month, int(fields[1]), int(clock[0]),
                                int(clock[1]), int(clock[2]), tzinfo=timezone.utc)
            except ValueError:
                return None
    try:
        dt = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def to_utc(dt: datetime) -> datetime:
    """Aware UTC datetime; naive datetimes given by callers are taken as UTC."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


@dataclass(frozen=True)
class Bucket:
    """A bucket as listed by ListBuckets."""

    name: str
    creation_date: datetime | None = None


@dataclass(frozen=True)
class Object:
    """An object (or listed prefix / version / delete marker)."""

    bucket_name: str
    object_name: str
    last_modified: datetime | None = None
    etag: str | None = None
    size: int | None = None
    metadata: Mapping[str, Any] | None = None
    version_id: str | None = None
    is_latest: str | None = None
    storage_class: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    content_type: str | None = None
    is_delete_marker: bool = False
    tags: Mapping[str, str] | None = field(default=None, compare=False)

    @property
    def is_dir(self) -> bool:
        return self.object_name.endswith("/")


def _decode(value: str | None, encoded: bool) -> str | None:
    return unquote_plus(value) if (encoded and value is not None) else value


def _etag(text: str | None) -> str | None:
    return text.replace('"', "") if text is not None else None


@dataclass(frozen=True)
class ListPage:
    """One page of a ListObjects(V1/V2)/ListObjectVersions answer."""

    objects: tuple[Object, ...]
    prefixes: tuple[Object, ...]
    truncated: bool
    continuation_token: str | None = None
    next_marker: str | None = None
    next_version_id_marker: str | None = None


def _object_from(bucket: str, el: Element, encoded: bool, *, delete_marker: bool = False) -> Object:
    owner = find(el, "Owner")
    meta_el = find(el, "UserMetadata")
    metadata = None
    if meta_el is not None:
        metadata = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in meta_el}
    size_text = findtext(el, "Size")
    return Object(
        bucket,
        _decode(findtext(el, "Key"), encoded) or "",
        last_modified=parse_iso8601(findtext(el, "LastModified")),
        etag=_etag(findtext(el, "ETag")),
        size=int(size_text) if size_text not in (None, "") else None,
        metadata=metadata,
        version_id=findtext(el, "VersionId"),
        is_latest=findtext(el, "IsLatest"),
        storage_class=findtext(el, "StorageClass"),
        owner_id=findtext(owner, "ID"),
        owner_name=findtext(owner, "DisplayName"),
        is_delete_marker=delete_marker,
    )


def parse_list_page(bucket: str, root: Element, versions: bool = False) -> ListPage:
    encoded = (findtext(root, "EncodingType") or "").lower() == "url"
    objects: list[Object] = []
    if versions:
        for el in root:
            tag = el.tag.rsplit("}", 1)[-1]
            if tag in ("Version", "DeleteMarker"):
                objects.append(_object_from(bucket, el, encoded, delete_marker=tag == "DeleteMarker"))
    else:
        objects = [_object_from(bucket, el, encoded) for el in findall(root, "Contents")]
    prefixes = tuple(
        Object(bucket, _decode(findtext(el, "Prefix"), encoded) or "")
        for el in findall(root, "CommonPrefixes")
    )
    next_marker = _decode(findtext(root, "NextMarker") or findtext(root, "NextKeyMarker"), encoded)
    return ListPage(
        tuple(objects), prefixes,
        (findtext(root, "IsTruncated") or "false").lower() == "true",
        findtext(root, "NextContinuationToken"),
        next_marker,
        findtext(root, "NextVersionIdMarker"),
    )


def parse_buckets(root: Element) -> list[Bucket]:
    return [
        Bucket(findtext(el, "Name") or "", parse_iso8601(findtext(el, "CreationDate")))
        for el in findall(find(root, "Buckets"), "Bucket")
    ]


def object_from_headers(bucket: str, key: str, headers: Mapping[str, str]) -> Object:
    """Object info from a HEAD/GET response's headers (user metadata keyed as sent by the server)."""
    metadata: CaseInsensitiveDict = CaseInsensitiveDict()
    for name, value in headers.items():
        lname = name.lower()
        if (lname.startswith("x-amz-") or lname in ("content-type", "content-encoding",
                                                     "content-language", "content-disposition",
                                                     "cache-control", "expires")):
            metadata[name] = value
    length = headers.get("Content-Length")
    return Object(
        bucket, key,
        last_modified=parse_http_date(headers.get("Last-Modified")),
        etag=_etag(headers.get("ETag")),
        size=int(length) if length and length.isdigit() else None,
        metadata=metadata,
        version_id=headers.get("x-amz-version-id"),
        is_latest=None,
        storage_class=headers.get("x-amz-storage-class"),
        content_type=headers.get("Content-Type"),
        is_delete_marker=headers.get("x-amz-delete-marker", "").lower() == "true",
    )


@dataclass(frozen=True)
class ObjectWriteResult:
    """Result of put/copy/compose operations."""

    bucket_name: str
    object_name: str
    version_id: str | None
    etag: str | None
    http_headers: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    last_modified: datetime | None = None
    location: str | None = None
