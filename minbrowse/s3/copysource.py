"""CopySource / ComposeSource: the source side of CopyObject and UploadPartCopy, with conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote

from .datatypes import to_utc
from .encryption import SseCustomerKey
from .errors import S3ClientError
from .urls import check_bucket_name, check_object_name


@dataclass(frozen=True)
class CopySource:
    """A source object for copy_object (optionally a version, range and conditions)."""

    bucket_name: str
    object_name: str
    region: str | None = None
    version_id: str | None = None
    ssec: SseCustomerKey | None = None
    offset: int | None = None
    length: int | None = None
    match_etag: str | None = None
    not_match_etag: str | None = None
    modified_since: datetime | None = None
    unmodified_since: datetime | None = None

    def __post_init__(self) -> None:
        check_bucket_name(self.bucket_name)
        check_object_name(self.object_name)
        if self.offset is not None and self.offset < 0:
            raise S3ClientError("copy source offset must be >= 0")
        if self.length is not None and self.length <= 0:
            raise S3ClientError("copy source length must be > 0")
        if self.ssec is not None and not isinstance(self.ssec, SseCustomerKey):
            raise S3ClientError("copy source ssec must be an SseCustomerKey")

    def copy_source_value(self) -> str:
        value = quote(f"/{self.bucket_name}/{self.object_name}", safe="/-_.~")
        if self.version_id:
            value += "?versionId=" + quote(self.version_id, safe="")
        return value

    def headers(self) -> dict[str, str]:
        hdrs = {"x-amz-copy-source": self.copy_source_value()}
        if self.match_etag:
            hdrs["x-amz-copy-source-if-match"] = self.match_etag
        if self.not_match_etag:
            hdrs["x-amz-copy-source-if-none-match"] = self.not_match_etag
        if self.modified_since:
            hdrs["x-amz-copy-source-if-modified-since"] = _http_date(self.modified_since)
        if self.unmodified_since:
            hdrs["x-amz-copy-source-if-unmodified-since"] = _http_date(self.unmodified_since)
        if self.ssec is not None:
            hdrs.update(self.ssec.copy_headers())
        return hdrs

    def range_header(self, start: int, end: int) -> dict[str, str]:
        return {"x-amz-copy-source-range": f"bytes={start}-{end}"}


class ComposeSource(CopySource):
    """A source part for compose_object (same fields as CopySource)."""


def _http_date(dt: datetime) -> str:
    return format_datetime(to_utc(dt), usegmt=True)
