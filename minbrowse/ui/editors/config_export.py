"""Pure: every configuration of a bucket as one JSON document, and that document parsed back.

The file is for audits and for "Import bucket configuration": each configuration is the
readable plain data of `config_diff.to_plain` (the policy is the policy JSON itself),
`null` for "none set"; configurations the server refused to show are listed under
"unavailable" with the server's code and are never imported.
"""

from __future__ import annotations

import collections.abc
import json
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, Mapping

from minbrowse.s3.commonconfig import Tags, parse_iso8601
from minbrowse.s3.lifecycle import LifecycleConfig
from minbrowse.s3.notification import NotificationConfig, PrefixFilterRule, SuffixFilterRule
from minbrowse.s3.objectlock import ObjectLockConfig
from minbrowse.s3.replication import ReplicationConfig
from minbrowse.s3.sse import SSEConfig
from minbrowse.s3.versioning import VersioningConfig

from .config_diff import format_datetime, policy_plain, to_plain

FORMAT_NAME = "minbrowse-bucket-configuration"
FORMAT_VERSION = 1
#: Bucket configurations in export order, with the model class each holds.
BUCKET_KINDS: dict[str, Any] = {
    "policy": str,
    "versioning": VersioningConfig,
    "object_lock": ObjectLockConfig,
    "encryption": SSEConfig,
    "tags": Tags,
    "lifecycle": LifecycleConfig,
    "replication": ReplicationConfig,
    "notification": NotificationConfig,
}


@dataclass(frozen=True)
class BucketExport:
    """A parsed export: configurations by kind (None = none set) and the unavailable ones."""

    bucket: str
    exported_at: str
    configurations: Mapping[str, Any]
    unavailable: Mapping[str, str] = field(default_factory=dict)


def build_export(bucket: str, configurations: Mapping[str, Any],
                 unavailable: Mapping[str, str], exported_at: datetime) -> str:
    """The JSON text of one export (configurations keyed in BUCKET_KINDS order)."""
    body: dict[str, Any] = {}
    for kind in BUCKET_KINDS:
        if kind in configurations:
            value = configurations[kind]
            body[kind] = policy_plain(value) if kind == "policy" else to_plain(value)
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "bucket": bucket,
        "exported_at": format_datetime(exported_at),
        "configurations": body,
        "unavailable": dict(sorted(unavailable.items())),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_export(text: str) -> BucketExport:
    """Parse an export; ValueError (with line and column for bad JSON) names what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError(f"not a minbrowse bucket configuration export "
                         f"(\"format\" must be {FORMAT_NAME!r})")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported export version {document.get('version')!r}")
    body = document.get("configurations")
    if not isinstance(body, dict):
        raise ValueError("\"configurations\" must be an object")
    configurations: dict[str, Any] = {}
    for kind, plain in body.items():
        if kind not in BUCKET_KINDS:
            raise ValueError(f"unknown configuration {kind!r}; known: {', '.join(BUCKET_KINDS)}")
        try:
            configurations[kind] = config_from_plain(kind, plain)
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"{kind}: {exc}") from None
    unavailable = document.get("unavailable") or {}
    if not isinstance(unavailable, dict):
        raise ValueError("\"unavailable\" must be an object")
    return BucketExport(str(document.get("bucket") or ""), str(document.get("exported_at") or ""),
                        configurations, {str(k): str(v) for k, v in unavailable.items()})


def config_from_plain(kind: str, plain: Any) -> Any:
    """One configuration value of `kind` from its plain data (None stays None)."""
    if plain is None:
        return None
    if kind == "policy":
        if not isinstance(plain, dict):
            raise ValueError("a policy must be a JSON object")
        return json.dumps(plain, indent=2)
    if kind == "tags":
        if not isinstance(plain, dict):
            raise ValueError("tags must be an object of key: value")
        tags = Tags.new_bucket_tags()
        tags.update({str(k): str(v) for k, v in plain.items()})
        return tags
    return from_plain(BUCKET_KINDS[kind], plain)


def _strip_optional(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def from_plain(hint: Any, plain: Any) -> Any:
    """Rebuild a value of type `hint` (a model dataclass, sequence, mapping or scalar)."""
    hint = _strip_optional(hint)
    if plain is None:
        return None
    if hint in (PrefixFilterRule, SuffixFilterRule):
        return hint(str(plain["value"]))
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(plain, dict):
            raise ValueError(f"{hint.__name__} must be an object")
        hints = typing.get_type_hints(hint)
        known = {f.name for f in fields(hint) if f.init}
        unknown = set(plain) - known
        if unknown:
            raise ValueError(f"{hint.__name__} has no field {sorted(unknown)[0]!r}")
        return hint(**{name: from_plain(hints[name], value) for name, value in plain.items()})
    origin = typing.get_origin(hint)
    if origin in (tuple, list, typing.Sequence, collections.abc.Sequence):
        if not isinstance(plain, list):
            raise ValueError("expected a list")
        item = typing.get_args(hint)[0] if typing.get_args(hint) else Any
        return tuple(from_plain(item, v) for v in plain)
    if origin in (dict, typing.Mapping, collections.abc.Mapping):
        if not isinstance(plain, dict):
            raise ValueError("expected an object")
        return {str(k): str(v) for k, v in plain.items()}
    if hint is datetime:
        return parse_iso8601(str(plain))
    if hint is bool:
        if not isinstance(plain, bool):
            raise ValueError(f"expected true/false, got {plain!r}")
        return plain
    if hint is int:
        if not isinstance(plain, int) or isinstance(plain, bool):
            raise ValueError(f"expected an integer, got {plain!r}")
        return plain
    if hint is str:
        if not isinstance(plain, str):
            raise ValueError(f"expected a string, got {plain!r}")
        return plain
    return plain
