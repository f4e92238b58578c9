"""Plain value types shared by the service, widgets and screens (no textual, no s3 imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Location:
    """Where the listing is: a bucket (or none: the bucket list) and a prefix ending in '/'."""

    bucket: str | None = None
    prefix: str = ""

    @property
    def parent(self) -> "Location":
        if not self.prefix:
            return Location(None, "")
        trimmed = self.prefix[:-1] if self.prefix.endswith("/") else self.prefix
        cut = trimmed.rfind("/")
        return Location(self.bucket, trimmed[: cut + 1] if cut >= 0 else "")

    def child(self, name: str) -> "Location":
        return Location(self.bucket, self.prefix + name)

    def __str__(self) -> str:
        if self.bucket is None:
            return "s3://"
        return f"s3://{self.bucket}/{self.prefix}"


def parse_location(text: str) -> tuple[Location, str | None]:
    """Parse `s3://bucket/prefix/` or `s3://bucket/key` into (location, key to select)."""
    body = text[5:] if text.startswith("s3://") else text
    if not body:
        return Location(None, ""), None
    bucket, _, rest = body.partition("/")
    if not rest or rest.endswith("/"):
        return Location(bucket, rest), None
    cut = rest.rfind("/")
    return Location(bucket, rest[: cut + 1]), rest


# One listing row as it travels from the service: (name relative to the listed prefix,
# size, last-modified epoch seconds or -1, storage class, is_dir). Tuples keep 100k rows small.
RowTuple = tuple[str, int, float, str, bool]


@dataclass(frozen=True)
class Entry:
    """One row of the listing as the UI hands it around (a selected object or folder)."""

    bucket: str
    key: str
    name: str
    size: int
    modified: float
    storage_class: str
    is_dir: bool


@dataclass(frozen=True)
class BucketInfo:
    name: str
    created: datetime | None = None


@dataclass(frozen=True)
class DetailSection:
    """A titled group of (label, value) rows; `note` replaces rows for errors / none / not supported."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    is_error: bool = False


@dataclass(frozen=True)
class Detail:
    """What the detail pane shows for a bucket, a folder or an object."""

    bucket: str
    key: str | None
    sections: tuple[DetailSection, ...]
    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviewData:
    """The first bytes of an object, fetched with a ranged GET."""

    bucket: str
    key: str
    content_type: str
    data: bytes
    total_size: int
    truncated: bool


@dataclass(frozen=True)
class Usage:
    """Object count and total size under a prefix (partial while `done` is False)."""

    bucket: str
    prefix: str
    count: int
    size: int
    done: bool
