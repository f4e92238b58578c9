"""Server-side copies: copy_object (CopyObject, or multipart copy over the copy threshold) and compose_object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from . import multipart
from .commonconfig import COPY, REPLACE
from .copysource import ComposeSource, CopySource
from .datatypes import ObjectWriteResult, parse_iso8601
from .hashing import clean_etag
from .objectheaders import write_headers
from .urls import check_bucket_name, check_object_name
from .xmlutil import findtext, parse_xml

if TYPE_CHECKING:
    from .ops_host import OpsHost


class CopyOps:
    """Mixin for Client: copy_object and compose_object."""

    def copy_object(self: "OpsHost", bucket_name: str, object_name: str, source: CopySource,
                    sse: Any = None, metadata: dict | None = None, tags: Any = None,
                    retention: Any = None, legal_hold: bool = False,
                    metadata_directive: str | None = None,
                    tagging_directive: str | None = None, *,
                    source_size: int | None = None) -> ObjectWriteResult:
        """Server-side copy (one CopyObject; a multipart copy above `copy_threshold`).

        Extension: `source_size`, the source's size when the caller knows it (from a
        listing), spares the StatObject that otherwise decides between the two.
        """
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if not isinstance(source, CopySource):
            raise ValueError("source must be CopySource type")
        for name, value in (("metadata_directive", metadata_directive),
                            ("tagging_directive", tagging_directive)):
            if value is not None and value not in (COPY, REPLACE):
                raise ValueError(f"{name} must be COPY or REPLACE")
        size = -1
        if source.offset is None and source.length is None and source_size is not None:
            size = source_size
        elif source.offset is None and source.length is None:
            stat = self.stat_object(source.bucket_name, source.object_name, ssec=source.ssec,
                                    version_id=source.version_id)
            size = stat.size or 0
        if source.offset is not None or source.length is not None or size > self.copy_threshold:
            if metadata_directive == COPY:
                raise ValueError("COPY metadata directive is not applicable to a ranged source "
                                 "or one over the copy threshold")
            if tagging_directive == COPY:
                raise ValueError("COPY tagging directive is not applicable to a ranged source "
                                 "or one over the copy threshold")
            compose_src = ComposeSource(**{f: getattr(source, f) for f in source.__dataclass_fields__})
            return self.compose_object(bucket_name, object_name, [compose_src], sse=sse,
                                       metadata=metadata, tags=tags, retention=retention,
                                       legal_hold=legal_hold)
        headers = write_headers(self.secure, metadata, sse, tags, retention, legal_hold)
        if metadata_directive:
            headers["x-amz-metadata-directive"] = metadata_directive
        elif metadata:
            headers["x-amz-metadata-directive"] = REPLACE
        if tagging_directive:
            headers["x-amz-tagging-directive"] = tagging_directive
        elif tags:
            headers["x-amz-tagging-directive"] = REPLACE
        headers.update(source.headers())
        resp = self._request("PUT", bucket_name, object_name, headers=headers)
        root = parse_xml(resp.content)
        multipart._raise_embedded_error(root, resp, bucket_name, object_name)  # noqa: SLF001
        return ObjectWriteResult(bucket_name, object_name, resp.headers.get("x-amz-version-id"),
                                 clean_etag(findtext(root, "ETag")) or None, resp.headers,
                                 parse_iso8601(findtext(root, "LastModified")))

    def compose_object(self: "OpsHost", bucket_name: str, object_name: str,
                       sources: Sequence[ComposeSource], sse: Any = None,
                       metadata: dict | None = None, tags: Any = None, retention: Any = None,
                       legal_hold: bool = False) -> ObjectWriteResult:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if not sources:
            raise ValueError("sources must be a non-empty list of ComposeSource")
        if len(sources) > multipart.MAX_PARTS:
            raise ValueError(f"at most {multipart.MAX_PARTS} sources can be composed")
        ranges = []  # (source, start, length, etag)
        for index, src in enumerate(sources):
            if not isinstance(src, ComposeSource):
                raise ValueError("sources must hold ComposeSource items")
            stat = self.stat_object(src.bucket_name, src.object_name, ssec=src.ssec,
                                    version_id=src.version_id)
            size = stat.size or 0
            start = src.offset or 0
            if start and start >= size:
                raise ValueError(f"source {index}: offset {start} is beyond its size {size}")
            length = src.length if src.length is not None else size - start
            if start + length > size:
                raise ValueError(f"source {index}: offset+length exceeds its size {size}")
            if index < len(sources) - 1 and length < self.min_part_size:
                raise ValueError(f"source {index}: all but the last source must be at least "
                                 f"{self.min_part_size} bytes")
            ranges.append((src, start, length, stat.etag))
        if (len(ranges) == 1 and ranges[0][1] == 0 and ranges[0][2] <= self.copy_threshold
                and sources[0].offset is None and sources[0].length is None):
            plain = CopySource(**{f: getattr(sources[0], f)
                                  for f in sources[0].__dataclass_fields__})
            return self.copy_object(bucket_name, object_name, plain, sse=sse,
                                    metadata=metadata, tags=tags, retention=retention,
                                    legal_hold=legal_hold,
                                    metadata_directive=REPLACE if metadata else None,
                                    tagging_directive=REPLACE if tags else None)
        headers = write_headers(self.secure, metadata, sse, tags, retention, legal_hold)
        upload_id = multipart.initiate(self, bucket_name, object_name, headers)
        ssec_headers = {k: v for k, v in headers.items()
                        if k.lower().startswith("x-amz-server-side-encryption-customer")}
        try:
            parts, number = [], 0
            limit = min(self.copy_threshold, multipart.MAX_PART_COPY)
            for src, start, length, etag in ranges:
                base = {**src.headers(), **ssec_headers}
                if etag and not src.match_etag:
                    base["x-amz-copy-source-if-match"] = etag
                for part_start, part_len in split_range(start, length, limit,
                                                        self.min_part_size):
                    number += 1
                    hdrs = dict(base)
                    if part_len:
                        hdrs.update(src.range_header(part_start, part_start + part_len - 1))
                    part_etag = multipart.upload_part_copy(self, bucket_name, object_name,
                                                           upload_id, number, hdrs)
                    parts.append(multipart.SentPart(number, part_etag))
            return multipart.complete(self, bucket_name, object_name, upload_id, parts)
        except BaseException:
            multipart.abort(self, bucket_name, object_name, upload_id)
            raise


def split_range(start: int, length: int, limit: int,
                min_size: int = 1) -> list[tuple[int, int]]:
    """Split [start, start+length) into near-equal parts of about `limit` bytes (one for empty).

    Parts never drop below `min_size` (S3's minimum for all but the object's last part), even
    when that makes them a little larger than a small test `limit`.
    """
    if length <= 0:
        return [(start, 0)]
    count = -(-length // limit)
    if count > 1 and -(-length // count) < min_size:
        count = max(1, length // min_size)
    size = -(-length // count)
    return [(start + i * size, min(size, length - i * size)) for i in range(count)]
