"""Pure: a readable unified diff between a live and an edited configuration.

Every configuration value (the s3 model dataclasses, `Tags`, a policy JSON string, a
legal-hold bool, None for "none set") is first rendered to a canonical text: plain data
(`to_plain`) dumped as indented JSON with sorted keys, so equal documents give equal
text whatever their field order or the server's formatting.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

NONE_SET = "(none set)"


def format_datetime(value: datetime) -> str:
    """UTC ISO 8601 with a Z, seconds precision (milliseconds when present)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def to_plain(value: Any) -> Any:
    """JSON-able plain data of a configuration value; None fields and empty lists dropped."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        plain: dict[str, Any] = {}
        for item in fields(value):
            if not item.init:
                continue
            field_value = getattr(value, item.name)
            if field_value is None or (isinstance(field_value, (tuple, list))
                                       and not field_value):
                continue
            plain[item.name] = to_plain(field_value)
        return plain
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return str(value)


def policy_plain(text: str | None) -> Any:
    """A policy string as parsed JSON (the raw text when it does not parse)."""
    if text is None or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _collapse_singletons(value: Any) -> Any:
    """IAM treats ["x"] and "x" alike; servers rewrite one into the other."""
    if isinstance(value, list):
        items = [_collapse_singletons(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        return {k: _collapse_singletons(v) for k, v in value.items()}
    return value


def canonical_text(kind: str, value: Any) -> str:
    """The canonical text of one configuration (`NONE_SET` line for None)."""
    if kind == "policy":
        plain = _collapse_singletons(policy_plain(value))
    else:
        plain = to_plain(value)
    if plain is None:
        return NONE_SET + "\n"
    if isinstance(plain, str):
        return plain if plain.endswith("\n") else plain + "\n"
    return json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def same(kind: str, live: Any, edited: Any) -> bool:
    return canonical_text(kind, live) == canonical_text(kind, edited)


def diff_text(kind: str, live: Any, edited: Any, *, live_label: str = "live",
              edited_label: str = "edited") -> str:
    """Unified diff (full context) from live to edited; "" when they are the same."""
    before = canonical_text(kind, live).splitlines(keepends=True)
    after = canonical_text(kind, edited).splitlines(keepends=True)
    if before == after:
        return ""
    lines = difflib.unified_diff(before, after, fromfile=f"{live_label} {kind}",
                                 tofile=f"{edited_label} {kind}",
                                 n=max(len(before), len(after)))
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def summary(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed
