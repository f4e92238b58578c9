"""Headless jobs of the ops tools (presign, POST form, S3 Select, versions, incomplete uploads,
metadata; live events and polling come from `live_jobs`). Called ONLY through `make_run` by
`S3Service.tool_job`, on worker threads; with `live_jobs`, the tools' modules that call the
`minbrowse.s3` client. Each job takes the
`ToolRun` (client, request, clock, cancellation, `event()` for streamed pieces) and returns
its result.
"""

from __future__ import annotations

import codecs
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from minbrowse.s3 import select as sel
from minbrowse.s3.commonconfig import COMPLIANCE, COPY, GOVERNANCE, REPLACE, Tags
from minbrowse.s3.copysource import CopySource
from minbrowse.s3.datatypes import parse_iso8601
from minbrowse.s3.deleteobjects import DeleteObject
from minbrowse.s3.errors import S3Error
from minbrowse.s3.postpolicy import PostPolicy
from minbrowse.s3.retention import Retention
from minbrowse.s3.xmlutil import findall, findtext, parse_xml

from .live_jobs import listen, poll
from ..tools import logic
from ..tools.protocol import ToolRequest
from ..tools.runner import ToolRefused, ToolRun
from ..tools.values import (
    ObjectMetadata,
    PostForm,
    PresignOutcome,
    SelectSummary,
    UploadRow,
    VersionRow,
)

log = logging.getLogger("minbrowse.ui.jobs.tool_jobs")

VERSIONS_CAP = 10000
KEPT_HEADERS = ("cache-control", "content-disposition", "content-encoding", "content-language",
                "expires")


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


# ---- presigned URL and POST form ------------------------------------------------------------

def presign(run: ToolRun) -> PresignOutcome:
    r = run.request
    method = str(r.param("method", "GET")).upper()
    expires = timedelta(seconds=int(r.param("expires", 3600)))
    now = _utc(run.clock())
    headers = {}
    if method == "GET":
        for name in ("response-content-type", "response-content-disposition"):
            if r.param(name):
                headers[name] = r.param(name)
    url = run.client.get_presigned_url(method, r.bucket, r.key, expires,
                                       response_headers=headers or None, request_date=now,
                                       version_id=r.param("version_id") or None)
    credentials_expire_at = None
    provider = getattr(run.client, "credentials_provider", None)
    if provider is not None:
        credentials_expire_at = _utc(provider.retrieve().expiration)
    ok, error = False, "not attempted"
    if run.copy is not None:
        try:
            run.copy(url)
            ok, error = True, None
        except Exception as exc:  # noqa: BLE001 - no clipboard tool is a normal case
            error = f"{type(exc).__name__}: {exc}"
    return PresignOutcome(method, r.bucket, r.key or "", url, now + expires,
                          credentials_expire_at, ok, error)


def post_form(run: ToolRun) -> PostForm:
    r = run.request
    expires_at = _utc(run.clock()) + timedelta(seconds=int(r.param("expires", 3600)))
    prefix = r.param("key_prefix", "")
    policy = PostPolicy(r.bucket, expires_at)
    policy.add_starts_with_condition("key", prefix)
    if r.param("max_size") is not None:
        policy.add_content_length_range_condition(int(r.param("min_size", 0)),
                                                  int(r.param("max_size")))
    content_type = r.param("content_type", "")
    extra: list[tuple[str, str]] = []
    if content_type:
        if content_type.endswith("/"):
            policy.add_starts_with_condition("Content-Type", content_type)
        else:
            policy.add_equals_condition("Content-Type", content_type)
        extra.append(("Content-Type", content_type))
    fields = run.client.presigned_post_policy(policy)
    return PostForm(run.client.bucket_url(r.bucket), tuple(extra) + tuple(fields.items()),
                    prefix, expires_at)


# ---- S3 Select --------------------------------------------------------------------------------

def _select_request(r: ToolRequest) -> sel.SelectRequest:
    kind = r.param("input", "csv")
    compression = r.param("compression") or None
    if kind == "csv":
        source: sel.InputSerialization = sel.CSVInputSerialization(
            compression_type=compression, file_header_info=r.param("csv_header", "USE"),
            field_delimiter=r.param("csv_delimiter", ",") or ",")
    elif kind == "json":
        source = sel.JSONInputSerialization(compression_type=compression,
                                            json_type=r.param("json_type", sel.JSON_TYPE_LINES))
    else:
        source = sel.ParquetInputSerialization()
    output = (sel.JSONOutputSerialization() if r.param("output", "csv") == "json"
              else sel.CSVOutputSerialization())
    return sel.SelectRequest(r.param("sql"), source, output, request_progress=False)


def select(run: ToolRun) -> SelectSummary:
    r = run.request
    reader = run.client.select_object_content(r.bucket, r.key, _select_request(r))
    run.on_cancel(reader.close)
    decoder = logic.SelectDecoder(r.param("output", "csv"))
    text = codecs.getincrementaldecoder("utf-8")("replace")
    with reader:
        for chunk in reader.stream():
            if run.cancelled:
                return SelectSummary(decoder.rows, None, None, None)
            batch = decoder.feed(text.decode(chunk))
            if batch is not None:
                run.event(batch)
        batch = decoder.feed(text.decode(b"", final=True), final=True)
        if batch is not None:
            run.event(batch)
        stats = reader.stats()
    return SelectSummary(decoder.rows, getattr(stats, "bytes_scanned", None),
                         getattr(stats, "bytes_processed", None),
                         getattr(stats, "bytes_returned", None))


# ---- versions --------------------------------------------------------------------------------

def versions(run: ToolRun) -> tuple[VersionRow, ...]:
    r = run.request
    whole_prefix = bool(r.param("prefix_mode", False))
    rows = []
    for obj in run.client.list_objects(r.bucket, prefix=r.key or "", recursive=True,
                                       include_version=True):
        if not whole_prefix and obj.object_name != r.key:
            continue
        rows.append(VersionRow(obj.object_name, obj.version_id or "null",
                               str(obj.is_latest).lower() == "true", bool(obj.is_delete_marker),
                               obj.size, _utc(obj.last_modified), obj.etag))
        if len(rows) >= VERSIONS_CAP or run.cancelled:
            break
    return tuple(rows)


def _vid(r: ToolRequest) -> str | None:
    version = r.param("version_id")
    return None if version in (None, "", "null") else version


def version_download(run: ToolRun) -> str:
    r = run.request
    run.client.fget_object(r.bucket, r.key, r.param("path"), version_id=_vid(r))
    return f"Downloaded {r.key} ({r.param('version_id')}) to {r.param('path')}"


def version_restore(run: ToolRun) -> str:
    r = run.request
    result = run.client.copy_object(r.bucket, r.key, CopySource(r.bucket, r.key, version_id=_vid(r)))
    return f"Restored {r.key}: version {r.param('version_id')} copied as the latest " \
           f"({result.version_id or 'no version id'})"


def version_undelete(run: ToolRun) -> str:
    r = run.request
    run.client.remove_object(r.bucket, r.key, version_id=_vid(r))
    return f"Undeleted {r.key}: removed delete marker {r.param('version_id')}"


def _lock_state(run: ToolRun) -> tuple[bool, Any]:
    """(legal hold on, retention or None) of the version; a server without locks has neither."""
    r = run.request
    try:
        hold = bool(run.client.is_object_legal_hold_enabled(r.bucket, r.key, _vid(r)))
    except S3Error:
        hold = False
    try:
        retention = run.client.get_object_retention(r.bucket, r.key, _vid(r))
    except S3Error:
        retention = None
    return hold, retention


def version_delete(run: ToolRun) -> str:
    r = run.request
    bypass = bool(r.param("bypass_governance", False))
    if not r.param("is_delete_marker", False):
        hold, retention = _lock_state(run)
        if hold:
            raise ToolRefused("LegalHold", "legal hold is ON for this version: turn it off "
                                           "first (Legal hold)")
        until = _utc(getattr(retention, "retain_until_date", None))
        if until is not None and until > _utc(run.clock()):
            when = until.strftime("%Y-%m-%d %H:%M UTC")
            if retention.mode == COMPLIANCE:
                raise ToolRefused("ObjectLocked", f"COMPLIANCE retention until {when}: it "
                                                  "cannot be deleted before then")
            if retention.mode == GOVERNANCE and not bypass:
                raise ToolRefused("ObjectLocked", f"GOVERNANCE retention until {when}: tick "
                                                  "'bypass governance retention' to delete it")
    errors = list(run.client.remove_objects(r.bucket, [DeleteObject(r.key, _vid(r))],
                                            bypass_governance_mode=bypass))
    if errors:
        raise ToolRefused(errors[0].code or "DeleteFailed", errors[0].message or "delete failed")
    return f"Deleted version {r.param('version_id')} of {r.key}"


# ---- incomplete multipart uploads ------------------------------------------------------------

def list_multipart_uploads(client: Any, bucket: str, prefix: str = "",
                           page_size: int | None = None) -> list[tuple[str, str, Any]]:
    """Every unfinished upload (key, upload id, initiated) of the bucket: GET ?uploads, paged."""
    found = []
    key_marker = upload_marker = ""
    while True:
        query = [("uploads", "")]
        if prefix:
            query.append(("prefix", prefix))
        if page_size:
            query.append(("max-uploads", str(page_size)))
        if key_marker:
            query.append(("key-marker", key_marker))
        if upload_marker:
            query.append(("upload-id-marker", upload_marker))
        root = parse_xml(client._request("GET", bucket, query=query).content)  # noqa: SLF001
        for upload in findall(root, "Upload"):
            found.append((findtext(upload, "Key") or "", findtext(upload, "UploadId") or "",
                          parse_iso8601(findtext(upload, "Initiated"))))
        next_key, next_upload = findtext(root, "NextKeyMarker"), findtext(root, "NextUploadIdMarker")
        if (findtext(root, "IsTruncated") or "").lower() != "true" or \
                (next_key, next_upload) == (key_marker, upload_marker) or not (next_key or next_upload):
            return found
        key_marker, upload_marker = next_key or "", next_upload or ""


def list_parts(client: Any, bucket: str, key: str, upload_id: str,
               page_size: int | None = None) -> tuple[int, int]:
    """(part count, total bytes) of one upload: GET key?uploadId=, paged by part number."""
    count = size = 0
    marker = ""
    while True:
        query = [("uploadId", upload_id)] + ([("part-number-marker", marker)] if marker else [])
        if page_size:
            query.append(("max-parts", str(page_size)))
        root = parse_xml(client._request("GET", bucket, key, query=query).content)  # noqa: SLF001
        for part in findall(root, "Part"):
            count += 1
            size += int(findtext(part, "Size") or 0)
        next_marker = findtext(root, "NextPartNumberMarker") or ""
        if (findtext(root, "IsTruncated") or "").lower() != "true" or next_marker in ("", marker):
            return count, size
        marker = next_marker


def uploads(run: ToolRun) -> tuple[UploadRow, ...]:
    r = run.request
    rows = []
    for key, upload_id, initiated in list_multipart_uploads(run.client, r.bucket,
                                                            r.param("prefix", "")):
        if run.cancelled:
            break
        try:
            parts, size = list_parts(run.client, r.bucket, key, upload_id)
        except S3Error as exc:
            if exc.code == "NoSuchUpload":  # finished or aborted meanwhile
                continue
            raise
        rows.append(UploadRow(key, upload_id, _utc(initiated), parts, size))
    return tuple(rows)


def _abort(client: Any, bucket: str, key: str, upload_id: str) -> None:
    client._request("DELETE", bucket, key, query=[("uploadId", upload_id)])  # noqa: SLF001


def upload_abort(run: ToolRun) -> str:
    r = run.request
    _abort(run.client, r.bucket, r.key, r.param("upload_id"))
    return f"Aborted the upload of {r.key}"


def upload_abort_all(run: ToolRun) -> str:
    r = run.request
    done = failed = 0
    for key, upload_id in r.param("uploads", ()):
        try:
            _abort(run.client, r.bucket, key, upload_id)
            done += 1
        except S3Error as exc:
            failed += 1
            log.info("abort %s failed: %s", key, exc.code)
    if failed and not done:
        raise ToolRefused("AbortFailed", f"none of {failed} upload(s) could be aborted")
    return f"Aborted {done} upload(s)" + (f", {failed} failed" if failed else "")


# ---- metadata -----------------------------------------------------------------------------------

def metadata(run: ToolRun) -> ObjectMetadata:
    return _read_metadata(run.client, run.request.bucket, run.request.key)


def _read_metadata(client: Any, bucket: str, key: str) -> ObjectMetadata:
    stat = client.stat_object(bucket, key)
    headers = dict(stat.metadata or {})
    user = tuple(sorted((name[len("x-amz-meta-"):], str(value)) for name, value in headers.items()
                        if name.lower().startswith("x-amz-meta-")))
    kept = tuple(sorted((name, str(value)) for name, value in headers.items()
                        if name.lower() in KEPT_HEADERS))
    try:
        tags = client.get_object_tags(bucket, key) or {}
    except S3Error:
        tags = {}
    try:
        retention = client.get_object_retention(bucket, key)
    except S3Error:
        retention = None
    lock = (retention.mode, _utc(retention.retain_until_date)) if retention and retention.mode \
        else None
    return ObjectMetadata(stat.content_type or "", user, kept, tuple(sorted(tags.items())), lock,
                          stat.version_id)


def metadata_apply(run: ToolRun) -> ObjectMetadata:
    """Copy the object onto itself with REPLACE; keep tags, standard headers and, if asked, retention."""
    r = run.request
    before = _read_metadata(run.client, r.bucket, r.key)
    values = {"Content-Type": r.param("content_type")}
    values.update(dict(before.kept_headers))
    values.update(dict(r.param("user", {})))
    retention = None
    if r.param("keep_retention") and before.retention is not None:
        mode, until = before.retention
        if until > _utc(run.clock()):
            retention = Retention(mode, until)
    run.client.copy_object(r.bucket, r.key, CopySource(r.bucket, r.key), metadata=values,
                           metadata_directive=REPLACE, tagging_directive=COPY,
                           retention=retention)
    after = _read_metadata(run.client, r.bucket, r.key)
    if before.tags and dict(after.tags) != dict(before.tags):  # a server that dropped them
        tags = Tags.new_object_tags()
        tags.update(dict(before.tags))
        run.client.set_object_tags(r.bucket, r.key, tags)
        after = _read_metadata(run.client, r.bucket, r.key)
    return after


JOBS: dict[tuple[str, str], Callable[[ToolRun], Any]] = {
    ("live", "listen"): listen,
    ("live", "poll"): poll,
    ("presign", "generate"): presign,
    ("post_form", "generate"): post_form,
    ("select", "run"): select,
    ("versions", "load"): versions,
    ("versions", "download"): version_download,
    ("versions", "restore"): version_restore,
    ("versions", "undelete"): version_undelete,
    ("versions", "delete"): version_delete,
    ("uploads", "load"): uploads,
    ("uploads", "abort"): upload_abort,
    ("uploads", "abort_all"): upload_abort_all,
    ("metadata", "load"): metadata,
    ("metadata", "apply"): metadata_apply,
}


def make_run(client: Any, request: ToolRequest, post: Callable[[Any], Any],
             **options: Any) -> ToolRun:
    """The run of `request` (options: read_only, clock, copy); the caller starts it on a worker."""
    return ToolRun(client, request, post, JOBS.get((request.tool, request.action)), **options)
