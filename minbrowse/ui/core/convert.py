"""Pure conversions from client results (duck-typed) to the UI's plain models.

Runs on service worker threads; imports neither textual widgets nor minbrowse.s3.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from .models import BucketInfo, DetailSection, RowTuple

NOT_SUPPORTED_CODES = frozenset(
    {"NotImplemented", "MethodNotAllowed", "NotSupported", "XNotImplemented", "XMinioNotImplemented"}
)
# Codes meaning "this object / bucket simply has none of that configuration".
NONE_SET_CODES = frozenset(
    {
        "NoSuchTagSet",
        "NoSuchObjectLockConfiguration",
        "ObjectLockConfigurationNotFoundError",
        "NoSuchObjectLockConfigurationError",
    }
)
USER_META_PREFIX = "x-amz-meta-"


def epoch(value: Any) -> float:
    """A datetime (or None) as epoch seconds; -1 when unknown."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    return -1.0


def object_to_row(obj: Any, prefix: str) -> RowTuple:
    """One listed Object as a compact row tuple, its name relative to `prefix`."""
    name = obj.object_name or ""
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    is_dir = bool(getattr(obj, "is_dir", False))
    return (
        name,
        int(obj.size or 0) if not is_dir else 0,
        epoch(getattr(obj, "last_modified", None)),
        str(getattr(obj, "storage_class", None) or ("" if is_dir else "STANDARD")),
        is_dir,
    )


def bucket_info(bucket: Any) -> BucketInfo:
    return BucketInfo(bucket.name, getattr(bucket, "creation_date", None))


def format_time(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return "" if value is None else str(value)


def user_metadata(metadata: Any) -> list[tuple[str, str]]:
    """User metadata (x-amz-meta-*) from a stat result's metadata/headers mapping."""
    if not metadata:
        return []
    items: Iterable[tuple[Any, Any]] = metadata.items() if hasattr(metadata, "items") else []
    found = []
    for name, value in items:
        lowered = str(name).lower()
        if lowered.startswith(USER_META_PREFIX):
            found.append((str(name)[len(USER_META_PREFIX):], str(value)))
    return sorted(found)


def stat_section(stat: Any) -> DetailSection:
    rows = [
        ("Size", f"{int(stat.size or 0):,} bytes"),
        ("Content type", str(getattr(stat, "content_type", "") or "")),
        ("ETag", str(getattr(stat, "etag", "") or "")),
        ("Last modified", format_time(getattr(stat, "last_modified", None))),
        ("Storage class", str(getattr(stat, "storage_class", None) or "STANDARD")),
    ]
    version = getattr(stat, "version_id", None)
    rows.append(("Version", str(version) if version and version != "null" else "—"))
    return DetailSection("Object", tuple(rows))


def metadata_section(stat: Any) -> DetailSection:
    meta = user_metadata(getattr(stat, "metadata", None))
    if not meta:
        return DetailSection("User metadata", note="none set")
    return DetailSection("User metadata", tuple(meta))


def tags_section(tags: Any) -> DetailSection:
    if not tags:
        return DetailSection("Tags", note="none set")
    return DetailSection("Tags", tuple(sorted((str(k), str(v)) for k, v in dict(tags).items())))


def retention_text(retention: Any) -> str | None:
    if retention is None:
        return None
    mode = getattr(retention, "mode", None)
    until = getattr(retention, "retain_until_date", None)
    if not mode:
        return None
    return f"{mode} until {format_time(until)}" if until else str(mode)
