"""Frozen values the ops tools exchange with their jobs (no textual, no s3 imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class LiveEvent:
    """One bucket event: from MinIO's listen stream, or inferred by the polling mode."""

    when: datetime | None
    event: str  # e.g. "s3:ObjectCreated:Put"; polling: "poll:created" / "poll:removed" / "poll:changed"
    key: str
    size: int | None = None
    source: str = "listen"  # "listen" | "poll"


@dataclass(frozen=True)
class ListenStatus:
    """The listen stream dropped and is being reopened ("reconnecting"), or is open again
    ("reconnected"); events from `since` until then may be missing."""

    state: str  # "reconnecting" | "reconnected"
    since: datetime  # when the stream dropped
    reason: str = ""  # why it dropped (reconnecting)
    retry_in: float = 0.0  # seconds until the next attempt (reconnecting)
    attempt: int = 0  # reopening attempts so far (reconnecting)


@dataclass(frozen=True)
class PollTick:
    """One polling round: what changed since the previous listing of the prefix."""

    events: tuple[LiveEvent, ...]
    watched: int  # keys in this listing (at most the cap)
    capped: bool  # the prefix holds more keys than the cap: only the first ones are watched
    baseline: bool = False  # the first round: nothing to compare with yet


@dataclass(frozen=True)
class PresignOutcome:
    """A presigned URL and the moment it really stops working."""

    method: str
    bucket: str
    key: str
    url: str = field(repr=False)
    url_expires_at: datetime
    credentials_expire_at: datetime | None
    clipboard_ok: bool = False
    clipboard_error: str | None = None

    @property
    def expires_at(self) -> datetime:
        """The earlier of the URL's expiry and the expiry of the credentials that signed it."""
        if self.credentials_expire_at is not None and self.credentials_expire_at < self.url_expires_at:
            return self.credentials_expire_at
        return self.url_expires_at

    @property
    def limited_by_credentials(self) -> bool:
        return self.expires_at != self.url_expires_at


@dataclass(frozen=True)
class PostForm:
    """A signed browser upload form: the target URL and its fields (bearer credential)."""

    url: str
    fields: tuple[tuple[str, str], ...] = field(repr=False)
    key_prefix: str
    expires_at: datetime


@dataclass(frozen=True)
class SelectBatch:
    """Rows decoded from the select result stream (columns grow as JSON keys appear)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SelectSummary:
    rows: int
    bytes_scanned: int | None
    bytes_processed: int | None
    bytes_returned: int | None


@dataclass(frozen=True)
class VersionRow:
    key: str
    version_id: str
    is_latest: bool
    is_delete_marker: bool
    size: int | None
    last_modified: datetime | None
    etag: str | None = None


@dataclass(frozen=True)
class UploadRow:
    """One unfinished multipart upload with its parts so far."""

    key: str
    upload_id: str
    initiated: datetime | None
    parts: int
    size: int


@dataclass(frozen=True)
class ObjectMetadata:
    """What the metadata tool edits, plus what it must keep."""

    content_type: str
    user: tuple[tuple[str, str], ...]
    kept_headers: tuple[tuple[str, str], ...] = ()  # cache-control, content-disposition, …
    tags: tuple[tuple[str, str], ...] = ()
    retention: tuple[str, datetime] | None = None  # (mode, retain-until)
    version_id: str | None = None
