"""MinIO's listen-bucket-notification extension: the query builder and the event stream reader.

``GET /bucket?events=...&prefix=...&suffix=...`` answers a long-lived body of
newline-separated JSON documents ``{"Records": [...]}``; MinIO interleaves whitespace
keep-alives. :class:`ListenStream` yields each document (as minio-py does) and closes the
connection when left. A server without the extension typically ignores the unknown
parameters and answers a ListObjects XML page; that is reported as NotSupportedError.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any, Callable, Iterable, Iterator

from .cancel import CancelToken
from .errors import InvalidResponseError, NotSupportedError, S3Error

__all__ = ["DEFAULT_EVENTS", "MAX_LINE_BYTES", "listen_query", "ListenStream",
           "unsupported_listen_error"]

DEFAULT_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectAccessed:*")
#: Longest single event line accepted (one record is ~1-2 KiB).
MAX_LINE_BYTES = 1024 * 1024
_READ_SIZE = 64 * 1024
_WHITESPACE = b" \t\r\n"
_UNSUPPORTED_CODES = frozenset({"NotImplemented", "MethodNotAllowed", "XNotImplemented"})
_NOT_SUPPORTED = ("listen_bucket_notification is not supported by this server "
                  "(it answered a bucket listing)")


def listen_query(prefix: str | None = "", suffix: str | None = "",
                 events: Iterable[str] | str = DEFAULT_EVENTS) -> list[tuple[str, str]]:
    """Query parameters of the listen request, `events` repeated once per event name."""
    if isinstance(events, str):
        events = [events]
    names = list(events)
    if not names:
        raise ValueError("events must name at least one event type")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"invalid event name {name!r}")
    return ([("prefix", prefix or ""), ("suffix", suffix or "")]
            + [("events", name) for name in names])


def unsupported_listen_error(error: S3Error) -> NotSupportedError | None:
    """The NotSupportedError to raise instead of `error` when it means "no listen API".

    SeaweedFS 4.48 answers the listen GET with 501 ``NotImplemented``; other servers use
    ``MethodNotAllowed``/405. Returns None for any other error (re-raise it unchanged).
    """
    if error.code in _UNSUPPORTED_CODES or error.status in (405, 501):
        return NotSupportedError(
            f"listen_bucket_notification is not supported by this server ({error.code})")
    return None


def _underlying_socket(response: Any) -> socket.socket | None:
    """Best effort: the socket under a requests/urllib3 response (to unblock a reader)."""
    raw = getattr(response, "raw", None)
    conn = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(conn, "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    fp = getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None)
    sock = getattr(fp, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _reader(response: Any) -> Callable[[int], bytes]:
    """`read(n)` that returns whatever is available (1..n bytes) rather than waiting for n."""
    raw = getattr(response, "raw", None)
    for source in (raw, response):
        if source is None:
            continue
        for name in ("read1", "read"):
            fn = getattr(source, name, None)
            if callable(fn):
                return fn
    raise TypeError("response must expose raw.read1(n)/read(n)")


class ListenStream:
    """Iterator of event documents ``{"Records": [...]}`` read from a listen response.

    Blank/whitespace keep-alives and documents with no records are skipped. Leaving the
    ``with`` block or calling :meth:`close` (also from another thread) ends the iteration
    and closes the connection. With `reopen`, a stream the server ends is re-requested
    (as minio-py does); without it, iteration simply stops.
    """

    def __init__(self, response: Any, *, reopen: Callable[[], Any] | None = None,
                 reopen_delay: float = 0.5, max_line_bytes: int = MAX_LINE_BYTES,
                 cancel_token: CancelToken | None = None) -> None:
        self._reopen = reopen
        self._reopen_delay = reopen_delay
        self._max_line = max_line_bytes
        self._cancel = cancel_token
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._response: Any = None
        self._attach(response)

    # -- public API ------------------------------------------------------------
    def __enter__(self) -> "ListenStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __iter__(self) -> Iterator[dict]:
        return self

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Stop listening: wake a blocked reader and close the connection (idempotent)."""
        self._closed.set()
        self._close_response()

    def __next__(self) -> dict:
        while True:
            line = self._next_line()
            if line is None:
                raise StopIteration
            event = self._parse(line)
            if isinstance(event, dict) and event.get("Records"):
                return event
            # {"Records": null}/[] or an unknown document: nothing to deliver, keep reading

    # -- internals -------------------------------------------------------------
    def _attach(self, response: Any) -> None:
        self._response = response
        self._read = _reader(response)
        self._buf = bytearray()
        self._seen_content = False
        headers = getattr(response, "headers", None) or {}
        content_type = (headers.get("Content-Type") or "").lower()
        if "xml" in content_type:
            self.close()
            raise NotSupportedError(_NOT_SUPPORTED)

    def _close_response(self) -> None:
        with self._lock:
            response, self._response = self._response, None
        if response is None:
            return
        sock = _underlying_socket(response)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            response.close()
        except Exception:  # noqa: BLE001 - closing a dead connection may fail any way
            pass

    def _status(self) -> tuple[int, str | None]:
        response = self._response
        headers = getattr(response, "headers", None) or {}
        return getattr(response, "status_code", 200) or 200, headers.get("Content-Type")

    def _fail(self, detail: str) -> InvalidResponseError:
        status, content_type = self._status()
        self.close()
        return InvalidResponseError(status, content_type, detail)

    def _next_line(self) -> bytes | None:
        """Next non-blank line (without the newline), or None once closed / ended."""
        while True:
            if self._closed.is_set():
                return None
            if self._cancel is not None and self._cancel.cancelled:
                self.close()
                return None
            newline = self._buf.find(b"\n")
            if newline >= 0:
                line = bytes(self._buf[:newline]).strip(_WHITESPACE)
                del self._buf[:newline + 1]
                if line:
                    return line
                continue
            if len(self._buf) > self._max_line:
                raise self._fail(f"listen event line longer than {self._max_line} bytes refused")
            data = self._receive()
            if data is None:
                return None
            if not data:            # end of this response
                rest = bytes(self._buf).strip(_WHITESPACE)
                self._buf.clear()
                if rest:
                    return rest
                if not self._reconnect():
                    return None
                continue
            self._buf += data
            self._trim_leading_whitespace()

    def _receive(self) -> bytes | None:
        try:
            return self._read(_READ_SIZE)
        except Exception:
            if self._closed.is_set():
                return None          # close() from another thread interrupted the read
            self.close()
            raise

    def _trim_leading_whitespace(self) -> None:
        if self._buf[:1] and self._buf[0] in _WHITESPACE:
            keep = self._buf.lstrip(_WHITESPACE)
            self._buf[:] = keep
        if self._buf and not self._seen_content:
            self._seen_content = True
            if self._buf[:1] == b"<":
                self.close()
                raise NotSupportedError(_NOT_SUPPORTED)

    def _reconnect(self) -> bool:
        self._close_response()
        if self._reopen is None or self._closed.is_set():
            self._closed.set()
            return False
        if self._closed.wait(self._reopen_delay):   # do not hammer a server that hangs up
            return False
        self._attach(self._reopen())
        return True

    def _parse(self, line: bytes) -> Any:
        try:
            return json.loads(line)
        except ValueError:
            raise self._fail(f"listen stream line is not JSON: {line[:120]!r}") from None
