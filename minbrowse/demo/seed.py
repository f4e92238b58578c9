"""`seed_demo(client)`: fill a server with the ``demo-…`` buckets through `minbrowse.s3.Client`.

Each step is independent: a step the server refuses (for example SeaweedFS answering
NotImplemented) is logged and recorded as skipped, never fatal. The returned `SeedReport`
says what was done and what was skipped, and why.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from minbrowse.demo import content

log = logging.getLogger("minbrowse.demo")

FILES_BUCKET = "demo-files"
VERSIONED_BUCKET = "demo-versioned"
LOCKED_BUCKET = "demo-locked"
MANY_BUCKET = "demo-many"
BUCKETS = (FILES_BUCKET, VERSIONED_BUCKET, LOCKED_BUCKET, MANY_BUCKET)
MANY_COUNT = 150
BLOB_SIZE = 3 * 1024 * 1024
NOTES_VERSIONS = (
    b"notes, version 1: first draft\n",
    b"notes, version 2: added a second line\nsecond line\n",
    b"notes, version 3: final\nsecond line\nthird line\n",
)
PUBLIC_READ_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadImages","Effect":"Allow",'
    '"Principal":{"AWS":["*"]},"Action":["s3:GetObject"],'
    f'"Resource":["arn:aws:s3:::{FILES_BUCKET}/images/*"]}}]}}'
)

# (key, body factory, content type) for demo-files.
FILES: tuple[tuple[str, Callable[[], bytes], str], ...] = (
    ("README.txt", lambda: content.README.encode(), "text/plain; charset=utf-8"),
    ("docs/guide.md", lambda: content.GUIDE.encode(), "text/markdown; charset=utf-8"),
    ("docs/notes/todo.txt", lambda: b"- try the filter\n- preview a CSV\n", "text/plain"),
    ("data/records.json", content.records_json, "application/json"),
    ("data/sales.csv", content.sales_csv, "text/csv"),
    ("logs/app-2026-01-15.log", content.app_log, "text/plain"),
    ("logs/access.log", content.access_log, "text/plain"),
    ("images/gradient.png", content.png_image, "image/png"),
    ("binaries/blob-3mb.bin", lambda: content.binary_blob(BLOB_SIZE), "application/octet-stream"),
    ("binaries/small.bin", lambda: content.binary_blob(1000, seed=6), "application/octet-stream"),
    ("empty-folder/", lambda: b"", "application/x-directory"),
    ("names/with space.txt", lambda: b"a key with a space\n", "text/plain"),
    ("names/caf\u00e9-\u65e5\u672c.txt", lambda: "unicode key\n".encode(), "text/plain"),
)
OBJECT_TAGS = {
    "data/records.json": {"team": "sales", "classification": "internal"},
    "images/gradient.png": {"kind": "image", "public": "yes"},
}
README_METADATA = {"author": "minbrowse demo", "purpose": "welcome"}


@dataclass
class SeedReport:
    """What seeding did: completed step names and skipped (step, reason) pairs."""

    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.skipped


def _reason(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc)
    text = f"{code}: {message}" if code else f"{type(exc).__name__}: {message}"
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _step(report: SeedReport, name: str, action: Callable[[], Any]) -> bool:
    try:
        action()
    except Exception as exc:  # the server refused: log, record, go on
        reason = _reason(exc)
        log.warning("demo seeding: skipped %s (%s)", name, reason)
        report.skipped.append((name, reason))
        return False
    report.done.append(name)
    return True


def _put(client: Any, bucket: str, key: str, data: bytes, content_type: str = "text/plain",
         **kw: Any) -> Any:
    return client.put_object(bucket, key, io.BytesIO(data), len(data),
                             content_type=content_type, **kw)


def _make_bucket(client: Any, bucket: str, **kw: Any) -> None:
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket, **kw)


def seed_files(client: Any, report: SeedReport) -> None:
    from minbrowse.s3.commonconfig import ENABLED, Filter, Tags
    from minbrowse.s3.lifecycle import Expiration, LifecycleConfig, Rule

    if not _step(report, f"make bucket {FILES_BUCKET}", lambda: _make_bucket(client, FILES_BUCKET)):
        return
    for key, body, content_type in FILES:
        metadata = README_METADATA if key == "README.txt" else None
        _step(report, f"put {FILES_BUCKET}/{key}",
              lambda k=key, b=body, c=content_type, m=metadata: _put(
                  client, FILES_BUCKET, k, b(), c, metadata=m))
    for key, values in OBJECT_TAGS.items():
        tags = Tags.new_object_tags()
        tags.update(values)
        _step(report, f"tag {FILES_BUCKET}/{key}",
              lambda k=key, t=tags: client.set_object_tags(FILES_BUCKET, k, t))
    bucket_tags = Tags.new_bucket_tags()
    bucket_tags.update({"project": "minbrowse-demo", "owner": "demo"})
    _step(report, f"tag bucket {FILES_BUCKET}",
          lambda: client.set_bucket_tags(FILES_BUCKET, bucket_tags))
    _step(report, f"policy on {FILES_BUCKET}",
          lambda: client.set_bucket_policy(FILES_BUCKET, PUBLIC_READ_POLICY))
    lifecycle = LifecycleConfig([
        Rule(ENABLED, rule_filter=Filter(prefix="logs/"), rule_id="expire-logs",
             expiration=Expiration(days=30)),
    ])
    _step(report, f"lifecycle on {FILES_BUCKET}",
          lambda: client.set_bucket_lifecycle(FILES_BUCKET, lifecycle))


def seed_versioned(client: Any, report: SeedReport) -> None:
    from minbrowse.s3.commonconfig import ENABLED
    from minbrowse.s3.versioning import VersioningConfig

    if not _step(report, f"make bucket {VERSIONED_BUCKET}",
                 lambda: _make_bucket(client, VERSIONED_BUCKET)):
        return
    _step(report, f"versioning on {VERSIONED_BUCKET}",
          lambda: client.set_bucket_versioning(VERSIONED_BUCKET, VersioningConfig(ENABLED)))
    for number, body in enumerate(NOTES_VERSIONS, start=1):
        _step(report, f"put {VERSIONED_BUCKET}/notes.txt version {number}",
              lambda b=body: _put(client, VERSIONED_BUCKET, "notes.txt", b))
    _step(report, f"put {VERSIONED_BUCKET}/deleted.txt",
          lambda: _put(client, VERSIONED_BUCKET, "deleted.txt", b"this was deleted\n"))
    _step(report, f"delete marker on {VERSIONED_BUCKET}/deleted.txt",
          lambda: client.remove_object(VERSIONED_BUCKET, "deleted.txt"))


def seed_locked(client: Any, report: SeedReport, *, now: datetime | None = None) -> None:
    from minbrowse.s3.commonconfig import GOVERNANCE
    from minbrowse.s3.retention import Retention

    if not _step(report, f"make bucket {LOCKED_BUCKET} with object lock",
                 lambda: _make_bucket(client, LOCKED_BUCKET, object_lock=True)):
        return
    until = (now or datetime.now(timezone.utc)) + timedelta(days=1)
    until = until.replace(microsecond=0)
    body = b"This contract is retained in GOVERNANCE mode for one day.\n"
    _step(report, f"put {LOCKED_BUCKET}/contract.txt",
          lambda: _put(client, LOCKED_BUCKET, "contract.txt", body))
    _step(report, f"retention on {LOCKED_BUCKET}/contract.txt",
          lambda: client.set_object_retention(LOCKED_BUCKET, "contract.txt",
                                              Retention(GOVERNANCE, until)))
    _step(report, f"put {LOCKED_BUCKET}/evidence.txt",
          lambda: _put(client, LOCKED_BUCKET, "evidence.txt", b"under legal hold\n"))
    _step(report, f"legal hold on {LOCKED_BUCKET}/evidence.txt",
          lambda: client.enable_object_legal_hold(LOCKED_BUCKET, "evidence.txt"))


def seed_many(client: Any, report: SeedReport, count: int = MANY_COUNT) -> None:
    if not _step(report, f"make bucket {MANY_BUCKET}", lambda: _make_bucket(client, MANY_BUCKET)):
        return
    failures = []
    for index in range(count):
        try:
            _put(client, MANY_BUCKET, f"items/item-{index:04d}.txt", content.small_item(index))
        except Exception as exc:
            failures.append(_reason(exc))
    if failures:
        log.warning("demo seeding: %d of %d items failed (%s)", len(failures), count, failures[0])
        report.skipped.append((f"put {len(failures)} of {count} items", failures[0]))
    else:
        report.done.append(f"put {count} items in {MANY_BUCKET}/items/")


def seed_demo(client: Any, *, many: int = MANY_COUNT, now: datetime | None = None) -> SeedReport:
    """Create and fill every ``demo-…`` bucket; return what was done and skipped."""
    report = SeedReport()
    seed_files(client, report)
    seed_versioned(client, report)
    seed_locked(client, report, now=now)
    if many:
        seed_many(client, report, many)
    log.info("demo seeding: %d steps done, %d skipped", len(report.done), len(report.skipped))
    return report
