"""Parse the command line's LOCATION (``s3://bucket/prefix/`` or ``s3://bucket/key``).

``s3://bucket/prefix/`` opens that prefix; ``s3://bucket/dir/key`` opens ``dir/`` with
``dir/key`` selected. The text after the bucket is taken literally (no percent-decoding),
as keys may contain ``%``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{1,61}[A-Za-z0-9]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class LocationError(ValueError):
    """LOCATION is not a usable s3:// address."""


@dataclass(frozen=True)
class Location:
    """Where the browser opens: a bucket, a prefix inside it, and optionally a selected key."""

    bucket: str
    prefix: str = ""
    key: str | None = None

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key if self.key is not None else self.prefix}"


def parse_location(text: str) -> Location:
    """Parse and validate `text`; raise LocationError with a one-line reason."""
    if not isinstance(text, str) or not text.lower().startswith("s3://"):
        raise LocationError(f"LOCATION must look like s3://bucket/prefix/ or s3://bucket/key, "
                            f"not {_show(text)}")
    rest = text[len("s3://"):]
    bucket, _, path = rest.partition("/")
    if not bucket:
        raise LocationError("LOCATION has no bucket name (expected s3://bucket/...)")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise LocationError(
            f"LOCATION bucket {_show(bucket)} is not a valid bucket name "
            "(3-63 characters: letters, digits, '.', '-' and '_')"
        )
    if _CONTROL.search(path):
        raise LocationError("LOCATION key or prefix contains a control character")
    if len(path.encode("utf-8")) > 1024:
        raise LocationError("LOCATION key or prefix is longer than 1024 bytes")
    if not path or path.endswith("/"):
        return Location(bucket, path, None)
    prefix = path.rpartition("/")[0]
    return Location(bucket, f"{prefix}/" if prefix else "", path)


def _show(text: object) -> str:
    """A quoted, control-character-safe, length-capped rendering of user input."""
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "..."
