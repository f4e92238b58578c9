"""Headless configuration jobs of the editors: load, apply (then read back), delete, export,
import. Called ONLY by `S3Service.config_job` on worker threads; the one UI module besides
the service that calls the `minbrowse.s3` client.

Every `apply_*`/`delete_*` reads the configuration back, so the editor shows what the
server really holds. `execute` turns a `ConfigRequest` into a `ConfigDone`/`ConfigFailed`
message and never raises.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from minbrowse.s3.commonconfig import Tags
from minbrowse.s3.errors import NotSupportedError, S3Error
from minbrowse.s3.notification import NotificationConfig
from minbrowse.s3.objectlock import ObjectLockConfig

from ..editors import config_diff, config_export
from ..editors import protocol as p
from ..core.errors import describe_error

log = logging.getLogger("minbrowse.ui.jobs.config_jobs")

NONE_CODES = frozenset({"NoSuchBucketPolicy", "NoSuchTagSet", "NoSuchLifecycleConfiguration",
                        "ReplicationConfigurationNotFoundError",
                        "ServerSideEncryptionConfigurationNotFoundError",
                        "ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration",
                        "NoSuchObjectLegalHold"})


def _none_if_missing(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except S3Error as exc:
        if exc.code in NONE_CODES:
            return None
        raise


def _put(call: Callable[[], Any]) -> None:
    """Run a configuration PUT; a server that takes it for CreateBucket does not support it."""
    try:
        call()
    except S3Error as exc:
        if exc.code == "BucketAlreadyOwnedByYou":
            raise NotSupportedError("the server treated the configuration request as "
                                    "CreateBucket: not supported by this server") from None
        raise


# ---- bucket configurations -----------------------------------------------------------------

def load_policy(client: Any, bucket: str) -> str | None:
    text = _none_if_missing(lambda: client.get_bucket_policy(bucket))
    return text if text and text.strip() else None


def load_lifecycle(client: Any, bucket: str) -> Any:
    return _none_if_missing(lambda: client.get_bucket_lifecycle(bucket))


def load_replication(client: Any, bucket: str) -> Any:
    return _none_if_missing(lambda: client.get_bucket_replication(bucket))


def load_encryption(client: Any, bucket: str) -> Any:
    return _none_if_missing(lambda: client.get_bucket_encryption(bucket))


def load_versioning(client: Any, bucket: str) -> Any:
    return client.get_bucket_versioning(bucket)


def load_object_lock(client: Any, bucket: str) -> ObjectLockConfig | None:
    """None: object lock is not enabled on the bucket."""
    return _none_if_missing(lambda: client.get_object_lock_config(bucket))


def load_tags(client: Any, bucket: str) -> Tags | None:
    tags = _none_if_missing(lambda: client.get_bucket_tags(bucket))
    return tags if tags else None


def load_notification(client: Any, bucket: str) -> NotificationConfig | None:
    config = client.get_bucket_notification(bucket)
    if config is None or not (config.queue_config_list or config.topic_config_list
                              or config.cloud_func_config_list):
        return None
    return config


def set_policy(client: Any, bucket: str, value: str | None) -> None:
    if value is None:
        client.delete_bucket_policy(bucket)
    else:
        _put(lambda: client.set_bucket_policy(bucket, value))


def set_lifecycle(client: Any, bucket: str, value: Any) -> None:
    if value is None or not value.rules:
        client.delete_bucket_lifecycle(bucket)
    else:
        _put(lambda: client.set_bucket_lifecycle(bucket, value))


def set_replication(client: Any, bucket: str, value: Any) -> None:
    if value is None or not value.rules:
        client.delete_bucket_replication(bucket)
    else:
        _put(lambda: client.set_bucket_replication(bucket, value))


def set_encryption(client: Any, bucket: str, value: Any) -> None:
    if value is None:
        client.delete_bucket_encryption(bucket)
    else:
        _put(lambda: client.set_bucket_encryption(bucket, value))


def set_versioning(client: Any, bucket: str, value: Any) -> None:
    if value is None:
        raise ValueError("versioning cannot be removed; suspend it instead")
    _put(lambda: client.set_bucket_versioning(bucket, value))


def set_object_lock(client: Any, bucket: str, value: Any) -> None:
    if value is None:
        client.delete_object_lock_config(bucket)  # removes the default retention only
    else:
        _put(lambda: client.set_object_lock_config(bucket, value))


def set_tags(client: Any, bucket: str, value: Tags | None) -> None:
    if not value:
        client.delete_bucket_tags(bucket)
    else:
        _put(lambda: client.set_bucket_tags(bucket, value))


def set_notification(client: Any, bucket: str, value: Any) -> None:
    if value is None:
        client.delete_bucket_notification(bucket)
    else:
        _put(lambda: client.set_bucket_notification(bucket, value))


BUCKET_JOBS: dict[str, tuple[Callable[..., Any], Callable[..., None]]] = {
    "policy": (load_policy, set_policy),
    "versioning": (load_versioning, set_versioning),
    "object_lock": (load_object_lock, set_object_lock),
    "encryption": (load_encryption, set_encryption),
    "tags": (load_tags, set_tags),
    "lifecycle": (load_lifecycle, set_lifecycle),
    "replication": (load_replication, set_replication),
    "notification": (load_notification, set_notification),
}


def apply_bucket(client: Any, kind: str, bucket: str, value: Any) -> Any:
    """Apply one bucket configuration (None deletes it), then read it back."""
    load, store = BUCKET_JOBS[kind]
    store(client, bucket, value)
    return load(client, bucket)


def apply_lifecycle(client: Any, bucket: str, config: Any) -> Any:
    return apply_bucket(client, "lifecycle", bucket, config)


# ---- object configurations -------------------------------------------------------------------

def load_object_tags(client: Any, bucket: str, key: str, version_id: str | None) -> Tags | None:
    tags = _none_if_missing(lambda: client.get_object_tags(bucket, key, version_id))
    return tags if tags else None


def load_retention(client: Any, bucket: str, key: str, version_id: str | None) -> Any:
    return _none_if_missing(lambda: client.get_object_retention(bucket, key, version_id))


def load_legal_hold(client: Any, bucket: str, key: str, version_id: str | None) -> bool:
    return bool(_none_if_missing(
        lambda: client.is_object_legal_hold_enabled(bucket, key, version_id)))


def apply_object(client: Any, request: p.ConfigRequest) -> Any:
    bucket, key, version = request.bucket, request.key, request.version_id
    assert key is not None, "object configuration without a key"
    value = request.value
    if request.kind == "object_tags":
        if value:
            _put(lambda: client.set_object_tags(bucket, key, value, version))
        else:
            client.delete_object_tags(bucket, key, version)
        return load_object_tags(client, bucket, key, version)
    if request.kind == "retention":
        _put(lambda: client.set_object_retention(bucket, key, value, version,
                                                 bypass_governance_mode=request.bypass_governance))
        return load_retention(client, bucket, key, version)
    if request.kind == "legal_hold":
        if value:
            client.enable_object_legal_hold(bucket, key, version)
        else:
            client.disable_object_legal_hold(bucket, key, version)
        return load_legal_hold(client, bucket, key, version)
    raise ValueError(f"unknown object configuration {request.kind!r}")


OBJECT_LOADERS: dict[str, Callable[..., Any]] = {
    "object_tags": load_object_tags,
    "retention": load_retention,
    "legal_hold": load_legal_hold,
}


# ---- export / import -------------------------------------------------------------------------

def load_all(client: Any, bucket: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Every bucket configuration: (values by kind, "code: message" of those not readable)."""

    values: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    for kind, (load, _store) in BUCKET_JOBS.items():
        try:
            values[kind] = load(client, bucket)
        except Exception as exc:  # noqa: BLE001 - one unreadable kind never stops the export
            code, message = describe_error(exc)
            unavailable[kind] = f"{code}: {message}"
    return values, unavailable


def write_atomically(path: Path, text: str) -> None:
    path = path.expanduser()
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def export_bucket(client: Any, bucket: str, path: str,
                  now: datetime | None = None) -> dict[str, str]:
    """Write the export file; returns the unavailable kinds (kind -> "code: message")."""
    values, unavailable = load_all(client, bucket)
    text = config_export.build_export(bucket, values, unavailable,
                                      now or datetime.now(timezone.utc))
    write_atomically(Path(path), text)
    return unavailable


def import_preview(client: Any, bucket: str, path: str) -> list[tuple[str, Any, Any, str]]:
    """(kind, live, imported, diff) for every kind of the file that differs from the bucket."""
    parsed = config_export.parse_export(Path(path).expanduser().read_text(encoding="utf-8"))
    plan = []
    for kind, imported in parsed.configurations.items():
        live = BUCKET_JOBS[kind][0](client, bucket)
        diff = config_diff.diff_text(kind, live, imported, edited_label="imported")
        if diff:
            plan.append((kind, live, imported, diff))
    return plan


def import_apply(client: Any, bucket: str,
                 chosen: dict[str, Any]) -> dict[str, tuple[bool, Any]]:
    """Apply each chosen kind; kind -> (True, read back) or (False, "code: message")."""

    results: dict[str, tuple[bool, Any]] = {}
    for kind, value in chosen.items():
        try:
            if value is not None and hasattr(value, "validate"):
                value.validate()
            results[kind] = (True, apply_bucket(client, kind, bucket, value))
        except Exception as exc:  # noqa: BLE001 - report per kind, keep going
            code, message = describe_error(exc)
            results[kind] = (False, f"{code}: {message}")
    return results


# ---- dispatch --------------------------------------------------------------------------------

def run_request(client: Any, request: p.ConfigRequest) -> Any:
    """Perform one request; returns the value for `ConfigDone`."""
    kind, action, bucket = request.kind, request.action, request.bucket
    if action == p.EXPORT:
        return export_bucket(client, bucket, request.path or "")
    if action == p.IMPORT_PREVIEW:
        return import_preview(client, bucket, request.path or "")
    if action == p.IMPORT_APPLY:
        return import_apply(client, bucket, dict(request.value or {}))
    if kind in OBJECT_LOADERS:
        if action == p.LOAD:
            return OBJECT_LOADERS[kind](client, bucket, request.key, request.version_id)
        if action == p.APPLY:
            return apply_object(client, request)
        if action == p.DELETE and kind == "object_tags":
            return apply_object(client, p.ConfigRequest(kind, p.APPLY, bucket, request.key,
                                                        request.version_id, None))
    elif kind in BUCKET_JOBS:
        if action == p.LOAD:
            return BUCKET_JOBS[kind][0](client, bucket)
        if action == p.APPLY:
            return apply_bucket(client, kind, bucket, request.value)
        if action == p.DELETE:
            return apply_bucket(client, kind, bucket, None)
    raise ValueError(f"unknown configuration job {action} {kind}")


def execute(client: Any, request: p.ConfigRequest, *, read_only: bool) -> Any:
    """Run `request` and return the message for the editor (never raises)."""

    try:
        if request.mutating and read_only:
            return p.ConfigFailed(request, "ReadOnly", "refused: minbrowse is read-only")
        return p.ConfigDone(request, run_request(client, request))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        code, message = describe_error(exc)
        log.info("%s %s failed: %s: %s", request.action, request.kind, code, message)
        return p.ConfigFailed(request, code, message)
