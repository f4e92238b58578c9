"""A FAKE of MinIO's listen-bucket-notification endpoint, for tests only (it is not MinIO).

It serves ``GET /<bucket>?events=...`` on a free loopback port with a chunked, long-lived
body of newline-separated ``{"Records": [...]}`` JSON documents pushed by the test through
a queue, interleaved with whitespace keep-alives (MinIO writes a space; we alternate a
space and a blank line to exercise both). `hang_up()` ends the open stream, abruptly or
cleanly, to test reconnection. In ``mode="listing"`` it instead answers a
ListObjects XML page, as a server without the extension that ignores unknown parameters
does. It records each request and sets ``disconnected`` when the client goes away.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

LISTING_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Name>bucket</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys>"
    b"<IsTruncated>false</IsTruncated></ListBucketResult>"
)


class FakeListenServer:
    """Threaded local fake; use as a context manager, then `push()` records to stream."""

    def __init__(self, mode: str = "listen", keepalive_interval: float = 0.05,
                 listing_content_type: str = "application/xml") -> None:
        if mode not in ("listen", "listing"):
            raise ValueError("mode must be 'listen' or 'listing'")
        self.mode = mode
        self.keepalive_interval = keepalive_interval
        self.listing_content_type = listing_content_type
        self.outbox: "queue.Queue[bytes]" = queue.Queue()
        self.requests: list[tuple[str, list[tuple[str, str]]]] = []
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self._stop = threading.Event()
        self._hang_up = threading.Event()  # the open stream ends (see hang_up)
        self._abrupt = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, record: dict[str, Any]) -> None:
        """Queue one event document (sent as one JSON line)."""
        self.outbox.put(json.dumps(record).encode("utf-8") + b"\n")

    def push_raw(self, data: bytes) -> None:
        """Queue raw bytes, sent as-is (for malformed or oversized lines)."""
        self.outbox.put(data)

    def hang_up(self, abrupt: bool = True) -> None:
        """End the open stream: `abrupt` cuts the connection mid-body (no last chunk), as a
        crashed or restarted server does; otherwise the body ends cleanly. Later requests are
        served as usual; `connected` is cleared so a test can wait for the next one."""
        self._abrupt = abrupt
        self.connected.clear()
        self._hang_up.set()

    def __enter__(self) -> "FakeListenServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                url = urlsplit(self.path)
                fake.requests.append((url.path, parse_qsl(url.query, keep_blank_values=True)))
                if fake.mode == "listing":
                    self.send_response(200)
                    self.send_header("Content-Type", fake.listing_content_type)
                    self.send_header("Content-Length", str(len(LISTING_XML)))
                    self.end_headers()
                    self.wfile.write(LISTING_XML)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                fake.connected.set()
                self._stream()

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def _stream(self) -> None:
                keepalives = (b" ", b"\n")
                tick = 0
                try:
                    while not fake._stop.is_set():
                        if fake._hang_up.is_set():
                            fake._hang_up.clear()
                            if fake._abrupt:
                                self.connection.shutdown(socket.SHUT_RDWR)
                                return
                            break
                        try:
                            data = fake.outbox.get(timeout=fake.keepalive_interval)
                        except queue.Empty:
                            data = keepalives[tick % 2]
                            tick += 1
                        self._chunk(data)
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError, OSError):
                    fake.disconnected.set()
                finally:
                    self.close_connection = True

        return Handler
