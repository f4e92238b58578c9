"""Pure helpers of the ops tools: event parsing and filtering, listing diffs, durations,
curl commands, metadata validation and select-result decoding (no textual, no s3)."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping
from urllib.parse import unquote_plus

from .values import LiveEvent, SelectBatch

MAX_EXPIRY = timedelta(days=7)
EXPIRY_PRESETS: tuple[tuple[str, str], ...] = (
    ("15 minutes", "15m"), ("1 hour", "1h"), ("12 hours", "12h"), ("1 day", "1d"),
    ("7 days", "7d"), ("custom", "custom"),
)
_DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """"90", "90s", "15m", "12h", "7d" → timedelta between 1 s and 7 days; ValueError otherwise."""
    match = _DURATION_RE.match(text or "")
    if not match:
        raise ValueError("give a number with an optional unit s, m, h or d (e.g. 90m)")
    seconds = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds < 1 or seconds > MAX_EXPIRY.total_seconds():
        raise ValueError("the expiry must be between 1 second and 7 days")
    return timedelta(seconds=seconds)


# ---- live events ---------------------------------------------------------------------------

def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def records_to_events(document: Mapping[str, Any]) -> list[LiveEvent]:
    """The events of one listen document `{"Records": [...]}` (keys arrive URL-encoded)."""
    events = []
    for record in document.get("Records") or []:
        if not isinstance(record, Mapping):
            continue
        s3 = record.get("s3") if isinstance(record.get("s3"), Mapping) else {}
        obj = s3.get("object") if isinstance(s3.get("object"), Mapping) else {}
        size = obj.get("size")
        events.append(LiveEvent(
            when=_parse_time(record.get("eventTime")),
            event=str(record.get("eventName") or "?"),
            key=unquote_plus(str(obj.get("key") or "")),
            size=int(size) if isinstance(size, (int, float)) else None,
            source="listen"))
    return events


def event_matches(event: LiveEvent, event_filter: str, prefix_filter: str) -> bool:
    """Case-insensitive substring match on the event name; prefix match on the key."""
    if event_filter and event_filter.lower() not in event.event.lower():
        return False
    return event.key.startswith(prefix_filter) if prefix_filter else True


def diff_listing(previous: Mapping[str, tuple[str, int]] | None,
                 current: Mapping[str, tuple[str, int]], now: datetime) -> list[LiveEvent]:
    """Created, removed and changed (new ETag) keys between two listings {key: (etag, size)}."""
    if previous is None:
        return []
    events = [LiveEvent(now, "poll:created", key, size, "poll")
              for key, (_, size) in current.items() if key not in previous]
    events += [LiveEvent(now, "poll:changed", key, size, "poll")
               for key, (etag, size) in current.items()
               if key in previous and previous[key][0] != etag]
    events += [LiveEvent(now, "poll:removed", key, None, "poll")
               for key in previous if key not in current]
    return sorted(events, key=lambda e: (e.key, e.event))


# ---- commands --------------------------------------------------------------------------------

def local_name(key: str) -> str:
    name = key.rstrip("/").rsplit("/", 1)[-1]
    return name or "download"


def curl_for_url(method: str, url: str, key: str) -> str:
    """A curl example using the presigned URL."""
    quoted = shlex.quote(url)
    if method == "PUT":
        return f"curl -X PUT -T {shlex.quote(local_name(key))} {quoted}"
    if method == "DELETE":
        return f"curl -X DELETE {quoted}"
    return f"curl -o {shlex.quote(local_name(key))} {quoted}"


def curl_for_form(url: str, fields: Iterable[tuple[str, str]], key_prefix: str) -> str:
    """A curl multipart upload with the signed form fields (the file goes last, as S3 wants)."""
    parts = [f"curl -X POST {shlex.quote(url)}",
             f"-F {shlex.quote('key=' + key_prefix + '${filename}')}"]
    parts += [f"-F {shlex.quote(f'{name}={value}')}" for name, value in fields]
    parts.append("-F 'file=@FILE'")
    return " \\\n  ".join(parts)


# ---- metadata ----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
_CONTENT_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$")
RESERVED_NAMES = frozenset({"cache-control", "content-disposition", "content-encoding",
                            "content-language", "content-type", "expires"})
MAX_USER_METADATA = 2048  # bytes of keys + values, as Amazon S3 limits it


def parse_metadata(content_type: str, text: str) -> tuple[dict[str, str], list[str]]:
    """Validate the form: `content_type` and `key: value` lines → (user metadata, errors)."""
    errors: list[str] = []
    if not _CONTENT_TYPE_RE.match(content_type.strip()) or any(ord(c) < 32 for c in content_type):
        errors.append("content type: give type/subtype, e.g. text/plain")
    metadata: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            errors.append(f"line {number}: write key: value")
            continue
        if name.lower().startswith("x-amz-meta-"):
            name = name[len("x-amz-meta-"):]
        if name.lower() in RESERVED_NAMES or name.lower().startswith("x-amz-"):
            errors.append(f"line {number}: {name!r} is a standard header, not user metadata")
        elif not _TOKEN_RE.match(name):
            errors.append(f"line {number}: key {name!r} may hold only letters, digits and -_.")
        elif name.lower() in {k.lower() for k in metadata}:
            errors.append(f"line {number}: key {name!r} appears twice")
        if any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in value) or not value.isascii():
            errors.append(f"line {number}: the value must be printable ASCII")
        metadata[name] = value
    size = sum(len(k) + len(v) for k, v in metadata.items())
    if size > MAX_USER_METADATA:
        errors.append(f"user metadata is {size} bytes; the limit is {MAX_USER_METADATA}")
    return metadata, errors


def metadata_text(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in pairs)


# ---- select results ------------------------------------------------------------------------------

class SelectDecoder:
    """Turns streamed select output (CSV or JSON lines) into table batches."""

    def __init__(self, output: str, record_delimiter: str = "\n") -> None:
        self.output = output
        self.delimiter = record_delimiter
        self.columns: list[str] = []
        self.pending = ""
        self.rows = 0

    def feed(self, data: str, final: bool = False) -> SelectBatch | None:
        self.pending += data
        records = self.pending.split(self.delimiter)
        self.pending = "" if final else records.pop()
        records = [r for r in records if r.strip()]
        if not records:
            return None
        rows = [self._csv(r) if self.output == "csv" else self._json(r) for r in records]
        width = len(self.columns)
        rows = [tuple(row) + ("",) * (width - len(row)) for row in rows]
        self.rows += len(rows)
        return SelectBatch(tuple(self.columns), tuple(rows))

    def _csv(self, record: str) -> tuple[str, ...]:
        values = next(csv.reader(io.StringIO(record)), [])
        while len(self.columns) < len(values):
            self.columns.append(f"_{len(self.columns) + 1}")
        return tuple(values)

    def _json(self, record: str) -> tuple[str, ...]:
        try:
            value = json.loads(record)
        except ValueError:
            value = {"_raw": record}
        if not isinstance(value, dict):
            value = {"_value": value}
        for name in value:
            if name not in self.columns:
                self.columns.append(str(name))
        return tuple(_cell(value.get(name, "")) for name in self.columns)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)
