"""A deterministic in-process FAKE S3 backend for snapshots, screenshots and the listing bench.

Not a client: it answers the read calls the service makes (list/stat/get/tags/presign)
from fixed in-memory data, so SVG snapshots never change between runs. Real behaviour
is tested against moto and SeaweedFS; this exists only where determinism matters.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

FIXED_NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=timezone.utc)


class FakeS3Error(Exception):
    """Shaped like minbrowse.s3.errors.S3Error: `.code` and `.message`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class FakeObject:
    bucket_name: str
    object_name: str
    size: int = 0
    last_modified: datetime | None = None
    etag: str = ""
    is_dir: bool = False
    storage_class: str | None = "STANDARD"
    content_type: str = "application/octet-stream"
    metadata: dict = field(default_factory=dict)
    version_id: str | None = None


@dataclass
class FakeBucket:
    name: str
    creation_date: datetime


class FakeResponse:
    def __init__(self, data: bytes, content_type: str) -> None:
        self._data = data
        self.headers = {"Content-Type": content_type}

    def read(self, amt: int | None = None) -> bytes:
        data, self._data = (self._data, b"") if amt is None else (self._data[:amt], self._data[amt:])
        return data

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


class FakeBackend:
    """Buckets -> {key: (bytes, content_type, metadata, tags)}; listing is generated on demand."""

    def __init__(self) -> None:
        self.buckets: dict[str, dict[str, tuple[bytes, str, dict, dict]]] = {}
        self.generated: dict[tuple[str, str], int] = {}  # (bucket, prefix) -> n synthetic objects
        self.created = FIXED_NOW - timedelta(days=30)

    # ---- seeding --------------------------------------------------------------------------

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "text/plain",
            metadata: dict | None = None, tags: dict | None = None) -> None:
        self.buckets.setdefault(bucket, {})[key] = (data, content_type, metadata or {}, tags or {})

    def generate(self, bucket: str, prefix: str, count: int) -> None:
        """`count` synthetic objects `prefix + "obj-%07d.bin"` (made lazily when listed)."""
        self.buckets.setdefault(bucket, {})
        self.generated[(bucket, prefix)] = count

    # ---- client surface -------------------------------------------------------------------

    def list_buckets(self) -> list[FakeBucket]:
        return [FakeBucket(name, self.created) for name in sorted(self.buckets)]

    def _mtime(self, index: int) -> datetime:
        return FIXED_NOW - timedelta(minutes=index * 7)

    def _bucket(self, bucket: str) -> dict:
        if bucket not in self.buckets:
            raise FakeS3Error("NoSuchBucket", "The specified bucket does not exist")
        return self.buckets[bucket]

    def list_objects(self, bucket: str, prefix: str = "", recursive: bool = False,
                     start_after: str | None = None, include_version: bool = False) -> Iterator[Any]:
        objects = self._bucket(bucket)
        seen_dirs: set[str] = set()
        entries: list[tuple[str, Any]] = []
        for index, (key, (data, ctype, _meta, _tags)) in enumerate(sorted(objects.items())):
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix):]
            if not recursive and "/" in rest:
                folder = prefix + rest[: rest.index("/") + 1]
                if folder not in seen_dirs:
                    seen_dirs.add(folder)
                    entries.append((folder, FakeObject(bucket, folder, is_dir=True, storage_class=None)))
                continue
            entries.append((key, FakeObject(bucket, key, len(data), self._mtime(index),
                                            f"{index:032x}", content_type=ctype)))
        streams: list[Iterator[tuple[str, Any]]] = [iter(sorted(entries, key=lambda e: e[0]))]
        for (gen_bucket, gen_prefix), count in self.generated.items():
            if gen_bucket != bucket or not gen_prefix.startswith(prefix):
                continue
            rest = gen_prefix[len(prefix):]
            if rest and not recursive and "/" in rest:
                folder = prefix + rest[: rest.index("/") + 1]
                if folder not in seen_dirs:
                    seen_dirs.add(folder)
                    streams.append(iter([(folder, FakeObject(bucket, folder, is_dir=True,
                                                             storage_class=None))]))
                continue
            # generated keys are already in order: stream them lazily (no 100k list, no sort)
            streams.append((f"{gen_prefix}obj-{i:07d}.bin", None) for i in range(count))
        for number, (key, obj) in enumerate(heapq.merge(*streams, key=lambda e: e[0])):
            yield obj if obj is not None else FakeObject(
                bucket, key, (number * 7919) % 10_000_000, self._mtime(number % 5000))

    def stat_object(self, bucket: str, key: str) -> FakeObject:
        objects = self._bucket(bucket)
        if key not in objects:
            raise FakeS3Error("NoSuchKey", "The specified key does not exist.")
        data, ctype, meta, _tags = objects[key]
        index = sorted(objects).index(key)
        return FakeObject(bucket, key, len(data), self._mtime(index), f"{index:032x}",
                          content_type=ctype, metadata={f"x-amz-meta-{k}": v for k, v in meta.items()})

    def get_object(self, bucket: str, key: str, offset: int = 0, length: int = 0) -> FakeResponse:
        data, ctype, _meta, _tags = self._bucket(bucket)[key]
        end = offset + length if length else len(data)
        return FakeResponse(data[offset:end], ctype)

    def get_object_tags(self, bucket: str, key: str) -> dict | None:
        return self._bucket(bucket)[key][3] or None

    def get_object_retention(self, bucket: str, key: str) -> Any:
        raise FakeS3Error("InvalidRequest", "Bucket is missing Object Lock Configuration")

    def is_object_legal_hold_enabled(self, bucket: str, key: str) -> bool:
        raise FakeS3Error("NotImplemented", "A header you provided implies functionality that is not implemented")

    def get_bucket_versioning(self, bucket: str) -> Any:
        self._bucket(bucket)
        return type("VersioningConfig", (), {"status": "Off"})()

    def server_hello(self) -> Any:
        """The reply a SeaweedFS (what the demo runs) gives to ListBuckets."""
        from minbrowse.s3.serverinfo import hello_from

        return hello_from(200, {"Server": "SeaweedFS 8000GB 4.48", "Content-Type": "application/xml"})

    # Bucket configurations, as a plain server holding none of them answers (capabilities).
    def get_object_lock_config(self, bucket: str) -> Any:
        self._bucket(bucket)
        raise FakeS3Error("ObjectLockConfigurationNotFoundError",
                          "Object Lock configuration does not exist for this bucket")

    def get_bucket_encryption(self, bucket: str) -> Any:
        self._bucket(bucket)
        return None

    def get_bucket_lifecycle(self, bucket: str) -> Any:
        self._bucket(bucket)
        return None

    def get_bucket_policy(self, bucket: str) -> str:
        self._bucket(bucket)
        raise FakeS3Error("NoSuchBucketPolicy", "The bucket policy does not exist")

    def get_bucket_tags(self, bucket: str) -> Any:
        self._bucket(bucket)
        return None

    def get_bucket_replication(self, bucket: str) -> Any:
        self._bucket(bucket)
        return None

    def get_bucket_notification(self, bucket: str) -> Any:
        self._bucket(bucket)
        return type("NotificationConfig", (), {"queue_config_list": (), "topic_config_list": (),
                                               "cloud_func_config_list": ()})()

    def presigned_get_object(self, bucket: str, key: str, expires: timedelta = timedelta(days=7)) -> str:
        return self.get_presigned_url("GET", bucket, key, expires)

    credentials_provider = None  # static demo keys: no temporary credentials expiry

    def get_presigned_url(self, method: str, bucket: str, key: str,
                          expires: timedelta = timedelta(days=7), response_headers: dict | None = None,
                          request_date: datetime | None = None, version_id: str | None = None) -> str:
        return (f"http://127.0.0.1:9000/{bucket}/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                f"&X-Amz-Expires={int(expires.total_seconds())}&X-Amz-Signature=fake")


def demo_backend() -> FakeBackend:
    """The fixed data the snapshot tests and screenshots show."""
    backend = FakeBackend()
    backend.put("photos", "2025/holiday.jpg", b"\xff\xd8\xff" + bytes(2048), "image/jpeg")
    backend.put("logs", "app/2026-01-15.log", b"2026-01-15 INFO started\n2026-01-15 WARN slow\n"
                b"2026-01-15 ERROR failed\n", "text/plain")
    data = "reports"
    backend.put(data, "readme.txt", b"Quarterly reports.\nSee the CSV files.\n", "text/plain",
                metadata={"owner": "finance"}, tags={"team": "finance", "review": "2026"})
    backend.put(data, "config.json", b'{"name": "demo", "items": [1, 2, 3], "nested": {"ok": true}}',
                "application/json")
    backend.put(data, "q1/sales.csv", b"region,amount,currency\nnorth,1200,EUR\nsouth,950,EUR\n", "text/csv")
    backend.put(data, "q1/summary.txt", b"Q1 summary\n", "text/plain")
    backend.put(data, "q2/sales.csv", b"region,amount,currency\nnorth,1300,EUR\n", "text/csv")
    backend.put(data, "evil-\x1b[31mred\u202etxt.exe", b"escape me", "text/plain",
                metadata={"note": "bell\x07 and \x1b]52;c;AAAA\x07"}, tags={"k\x1b": "v\u202e"})
    backend.put(data, "big.bin", bytes(5 * 1024 * 1024 // 1024), "application/octet-stream")
    return backend
