"""Copy one object between two clients (e.g. two servers) by streaming GET into PUT.

Nothing is buffered on disk: the source response is wrapped in a reader that counts
progress, honours the cancel token between chunks and checks the announced length.
"""

from __future__ import annotations

from typing import Any

from minbrowse.s3.cancel import CancelToken, check
from minbrowse.s3.errors import S3ClientError

from .download import ProgressArg, as_tracker
from .report import TransferredFile


class _CountingReader:
    """File-like `read(n)` over a streaming response with progress and cancellation."""

    def __init__(self, response: Any, length: int, on_bytes: Any, cancel: CancelToken | None):
        self._response = response
        self._remaining = length
        self._on_bytes = on_bytes
        self._cancel = cancel

    def read(self, size: int = -1) -> bytes:
        check(self._cancel)
        if self._remaining <= 0:
            return b""
        want = self._remaining if size is None or size < 0 else min(size, self._remaining)
        chunks = []
        while want > 0:
            data = self._response.read(want)
            if not data:
                raise S3ClientError(f"source ended early: {self._remaining} bytes missing")
            chunks.append(data)
            want -= len(data)
            self._remaining -= len(data)
            self._on_bytes(len(data))
            check(self._cancel)
        return b"".join(chunks)


def _user_metadata(stat: Any) -> dict[str, str]:
    meta = getattr(stat, "metadata", None) or {}
    return {k: v for k, v in dict(meta).items() if str(k).lower().startswith("x-amz-meta-")}


def copy_between(
    src_client: Any,
    src_bucket: str,
    src_key: str,
    dst_client: Any,
    dst_bucket: str,
    dst_key: str,
    *,
    progress: ProgressArg = None,
    cancel: CancelToken | None = None,
    version_id: str | None = None,
) -> TransferredFile:
    """Stream `src_bucket/src_key` into `dst_bucket/dst_key`, keeping content type and user metadata.

    `TransferredFile.path` is ``"bucket/key"`` of the source. Errors and `Cancelled` are raised.
    """
    tracker = as_tracker(progress)
    kwargs = {"version_id": version_id} if version_id else {}
    stat = src_client.stat_object(src_bucket, src_key, **kwargs)
    size = int(stat.size or 0)
    tracker.add_total(size)
    tracker.set_total_known()
    tracker.start_file(src_key, size)
    ok = False
    response = src_client.get_object(src_bucket, src_key, **kwargs)
    try:
        reader = _CountingReader(response, size, tracker.callback_for(src_key), cancel)
        dst_client.put_object(
            dst_bucket, dst_key, reader, size,
            content_type=getattr(stat, "content_type", None) or "application/octet-stream",
            metadata=_user_metadata(stat) or None,
            cancel=cancel,
        )
        ok = True
    finally:
        response.close()
        release = getattr(response, "release_conn", None)
        if release is not None:
            release()
        tracker.finish_file(src_key, ok=ok)
        tracker.flush()
    return TransferredFile(dst_key, f"{src_bucket}/{src_key}", size)
