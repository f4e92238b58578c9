"""Shared request-side validators for S3 configuration documents.

Every check raises :class:`ValueError` whose message names the offending field. These run
when a request is *built* (``validate()`` on each document), never when a server reply is
parsed: servers legitimately return values (expired retentions, zero-day transitions) that
we would refuse to send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Optional

__all__ = [
    "MAX_TAG_KEY_LENGTH", "MAX_TAG_VALUE_LENGTH", "MAX_OBJECT_TAGS", "MAX_BUCKET_TAGS",
    "MAX_RULE_ID_LENGTH", "MAX_RULES", "Arn", "parse_arn", "check_arn", "check_tag",
    "check_tag_count", "check_positive_int", "check_non_negative_int", "check_choice",
    "check_rule_id", "check_unique", "check_policy_json",
]

MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
MAX_OBJECT_TAGS = 10
MAX_BUCKET_TAGS = 50
MAX_RULE_ID_LENGTH = 255
#: Lifecycle and replication configurations hold at most this many rules.
MAX_RULES = 1000


@dataclass(frozen=True)
class Arn:
    """The six colon-separated parts of an Amazon Resource Name."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return ":".join(("arn", self.partition, self.service, self.region, self.account,
                         self.resource))


def parse_arn(text: str, field: str = "arn") -> Arn:
    """Parse ``arn:partition:service:region:account:resource`` (region/account may be empty)."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"{field} must be a non-empty ARN string")
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(
            f"{field} {text!r} is not an ARN (arn:partition:service:region:account:resource)")
    _, partition, service, region, account, resource = parts
    if not partition or not service or not resource:
        raise ValueError(f"{field} {text!r} needs a partition, a service and a resource")
    return Arn(partition, service, region, account, resource)


def check_arn(text: str, field: str) -> None:
    parse_arn(text, field)


def check_tag(key: object, value: object, field: str = "tag") -> None:
    """A tag key is 1..128 characters, a value 0..256 characters; both strings."""
    if not isinstance(key, str):
        raise ValueError(f"{field} key must be a string, not {type(key).__name__}")
    if not isinstance(value, str):
        raise ValueError(f"{field} value for key {key[:40]!r} must be a string, "
                         f"not {type(value).__name__}")
    if not 0 < len(key) <= MAX_TAG_KEY_LENGTH:
        raise ValueError(f"{field} key must be 1 to {MAX_TAG_KEY_LENGTH} characters long, "
                         f"got {len(key)}")
    if len(value) > MAX_TAG_VALUE_LENGTH:
        raise ValueError(f"{field} value for key {key[:40]!r} must be at most "
                         f"{MAX_TAG_VALUE_LENGTH} characters long, got {len(value)}")


def check_tag_count(count: int, limit: int, field: str = "tags") -> None:
    if count > limit:
        raise ValueError(f"{field} may hold at most {limit} tags, got {count}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_positive_int(value: object, field: str) -> None:
    if not _is_int(value) or value <= 0:  # type: ignore[operator]
        raise ValueError(f"{field} must be a positive integer, got {value!r}")


def check_non_negative_int(value: object, field: str) -> None:
    if not _is_int(value) or value < 0:  # type: ignore[operator]
        raise ValueError(f"{field} must be a non-negative integer, got {value!r}")


def check_choice(value: object, allowed: Iterable[str], field: str) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}; got {value!r}")


def check_rule_id(rule_id: Optional[str], field: str = "rule_id") -> None:
    if rule_id is None:
        return
    if not isinstance(rule_id, str):
        raise ValueError(f"{field} must be a string")
    if len(rule_id) > MAX_RULE_ID_LENGTH:
        raise ValueError(f"{field} must be at most {MAX_RULE_ID_LENGTH} characters long, "
                         f"got {len(rule_id)}")


def check_unique(values: Iterable[object], field: str) -> None:
    """Refuse duplicates among the non-None values."""
    seen: set = set()
    for value in values:
        if value is None:
            continue
        if value in seen:
            raise ValueError(f"{field} must be unique; {value!r} is used more than once")
        seen.add(value)


def check_policy_json(text: str | bytes) -> str:
    """Return `text` if it is a JSON object; else ValueError with line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"policy is not UTF-8 text (byte {exc.start})") from None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("policy must be a non-empty JSON document")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"policy is not valid JSON: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}") from None
    if not isinstance(document, dict):
        raise ValueError(f"policy must be a JSON object ({{...}}), got {type(document).__name__}")
    return text
