"""Probe one endpoint and its buckets without writing anything; classify each answer.

Every feature is one read of the bucket's configuration. Its answer, or its error code, is
classified: a configuration present is ON, "none set" codes (NoSuchBucketPolicy,
NoSuchLifecycleConfiguration, …) are OFF, NotImplemented / MethodNotAllowed are
UNSUPPORTED, AccessDenied is DENIED; anything else is ERROR with the server's code and
message, so a feature that fails unexpectedly still shows what the server said.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Callable

from minbrowse.s3.serverinfo import ServerKind, identify

UNSUPPORTED_CODES = frozenset({"NotImplemented", "MethodNotAllowed", "NotSupported",
                               "XNotImplemented", "XMinioNotImplemented", "NotSupportedError"})
DENIED_CODES = frozenset({"AccessDenied", "Forbidden", "HTTP 403", "AllAccessDisabled"})
NONE_SET_CODES = frozenset({
    "NoSuchBucketPolicy", "NoSuchLifecycleConfiguration", "NoSuchTagSet", "NoSuchTagSetError",
    "ServerSideEncryptionConfigurationNotFoundError", "NoSuchEncryptionConfiguration",
    "ReplicationConfigurationNotFoundError", "NoSuchReplicationConfiguration",
    "ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration",
    "NoSuchObjectLockConfigurationError", "NoSuchCORSConfiguration",
})


class FeatureState(enum.Enum):
    ON = "on"
    OFF = "off"
    UNSUPPORTED = "not supported"
    DENIED = "no permission"
    ERROR = "error"

    @property
    def usable(self) -> bool:
        """Whether an editor of the feature can do anything (on, or off but settable)."""
        return self in (FeatureState.ON, FeatureState.OFF)


@dataclass(frozen=True)
class Feature:
    """One feature of one bucket: its state and the words for it."""

    name: str
    state: FeatureState
    detail: str = ""

    @property
    def reason(self) -> str:
        """What the UI says where the feature cannot be used (or what it is set to)."""
        if self.state is FeatureState.OFF:
            return f"not enabled on this bucket{': ' + self.detail if self.detail else ''}"
        if self.state is FeatureState.UNSUPPORTED:
            return "not supported by this server"
        if self.state is FeatureState.DENIED:
            return "no permission"
        return self.detail


@dataclass(frozen=True)
class BucketCapabilities:
    bucket: str
    features: tuple[Feature, ...]

    def feature(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == name), None)


@dataclass(frozen=True)
class EndpointCapabilities:
    """The endpoint: its server kind (with evidence), whether the keys may list buckets."""

    endpoint: str
    kind: ServerKind
    can_list_buckets: bool
    list_error: str = ""


def _code_message(exc: BaseException) -> tuple[str, str]:
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code:
        return code, str(getattr(exc, "message", None) or exc)
    if type(exc).__name__ == "NotSupportedError":
        return "NotSupportedError", str(exc) or "not supported"
    status = getattr(exc, "status_code", None)
    return (f"HTTP {status}" if status else type(exc).__name__), str(exc)


def classify_error(name: str, exc: BaseException) -> Feature:
    code, message = _code_message(exc)
    if code in UNSUPPORTED_CODES:
        return Feature(name, FeatureState.UNSUPPORTED, code)
    if code in DENIED_CODES:
        return Feature(name, FeatureState.DENIED, code)
    if code in NONE_SET_CODES:
        return Feature(name, FeatureState.OFF)
    if name == "object lock" and code == "InvalidRequest":
        # SeaweedFS (and MinIO) answer InvalidRequest for a bucket made without object lock
        return Feature(name, FeatureState.OFF, "bucket made without object lock")
    return Feature(name, FeatureState.ERROR, f"{code}: {message}"[:200])


def _versioning(client: Any, bucket: str) -> Feature:
    status = getattr(client.get_bucket_versioning(bucket), "status", None) or "Off"
    state = FeatureState.ON if status in ("Enabled", "Suspended") else FeatureState.OFF
    return Feature("versioning", state, str(status))


def _object_lock(client: Any, bucket: str) -> Feature:
    config = client.get_object_lock_config(bucket)
    mode, amount = getattr(config, "mode", None), getattr(config, "duration", None)
    unit = (getattr(config, "duration_unit", None) or "").lower()
    text = f"default {mode} {amount} {unit}".strip() if mode and amount else "no default rule"
    return Feature("object lock", FeatureState.ON, text)


def _present(name: str, read: Callable[[Any, str], Any],
             describe: Callable[[Any], str]) -> Callable[[Any, str], Feature]:
    def probe(client: Any, bucket: str) -> Feature:
        value = read(client, bucket)
        if not value or (hasattr(value, "rules") and not value.rules):
            return Feature(name, FeatureState.OFF)
        return Feature(name, FeatureState.ON, describe(value))

    return probe


def _count(attribute: str, noun: str) -> Callable[[Any], str]:
    def describe(value: Any) -> str:
        items = getattr(value, attribute, None)
        return f"{len(items)} {noun}" if items is not None else "set"

    return describe


def _notification(client: Any, bucket: str) -> Feature:
    config = client.get_bucket_notification(bucket)
    targets = sum(len(getattr(config, name, ()) or ()) for name in
                  ("queue_config_list", "topic_config_list", "cloud_func_config_list"))
    if not targets:
        return Feature("notification", FeatureState.OFF)
    return Feature("notification", FeatureState.ON, f"{targets} target(s)")


PROBES: tuple[tuple[str, Callable[[Any, str], Feature]], ...] = (
    ("versioning", _versioning),
    ("object lock", _object_lock),
    ("encryption", _present("encryption", lambda c, b: c.get_bucket_encryption(b),
                            lambda v: "default encryption set")),
    ("lifecycle", _present("lifecycle", lambda c, b: c.get_bucket_lifecycle(b),
                           _count("rules", "rule(s)"))),
    ("policy", _present("policy", lambda c, b: c.get_bucket_policy(b),
                        lambda v: f"{len(v)} bytes of JSON")),
    ("tags", _present("tags", lambda c, b: c.get_bucket_tags(b),
                      lambda v: f"{len(v)} tag(s)")),
    ("replication", _present("replication", lambda c, b: c.get_bucket_replication(b),
                             _count("rules", "rule(s)"))),
    ("notification", _notification),
)
FEATURE_NAMES = tuple(name for name, _ in PROBES)


def probe_feature(client: Any, bucket: str, name: str) -> Feature:
    """One feature of `bucket`, classified; never raises for a server's answer."""
    read = dict(PROBES)[name]
    try:
        return read(client, bucket)
    except Exception as exc:  # noqa: BLE001 - every answer becomes a state
        return classify_error(name, exc)


def probe_bucket(client: Any, bucket: str,
                 names: tuple[str, ...] = FEATURE_NAMES) -> BucketCapabilities:
    """Every feature of `bucket` (one read each, nothing written)."""
    return BucketCapabilities(bucket, tuple(probe_feature(client, bucket, n) for n in names))


def probe_endpoint(client: Any, endpoint: str = "") -> EndpointCapabilities:
    """The server's kind and whether the keys may list buckets. A connection failure raises
    (the caller says the endpoint is unreachable); a nonsense reply is kind "unknown"."""
    hello = client.server_hello()
    kind = identify(hello)
    if hello.error_code or hello.status >= 300:
        return EndpointCapabilities(endpoint, kind, False,
                                    hello.error_code or f"HTTP {hello.status}")
    return EndpointCapabilities(endpoint, kind, True)
