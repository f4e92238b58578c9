"""Checksums used on the wire: Content-MD5 values and ETag comparison."""

from __future__ import annotations

import base64
import hashlib
import re

_MD5_ETAG = re.compile(r"^[0-9a-f]{32}$")


def md5_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def etag_is_md5(etag: str | None) -> bool:
    return bool(etag) and bool(_MD5_ETAG.match(etag.strip('"').lower()))


def clean_etag(value: str | None) -> str:
    """An ETag without any quotes (as minio-py reports them)."""
    return (value or "").replace('"', "")


class BackgroundMD5:
    """MD5 computed on a helper thread, so hashing overlaps the network reads and disk writes.

    hashlib releases the GIL on large buffers, so on two cores this hides most of MD5's cost
    (~0.4 s per 256 MiB here). `update` never blocks for long: the queue is bounded.
    """

    def __init__(self, max_chunks: int = 32) -> None:
        import queue
        import threading
        self._md5 = hashlib.md5()
        self._queue: "queue.Queue[bytes | None]" = queue.Queue(max_chunks)
        self._thread = threading.Thread(target=self._run, name="minbrowse-md5", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._md5.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._md5.hexdigest()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
