"""A FAKE HTTP server speaking raw bytes (it is not S3): each request gets a scripted reply.

`RawHTTPServer` listens on a free loopback port. For every request it reads the head and the
Content-Length body, records them, and calls the script with (connection number, request number
on that connection, request bytes); the script returns the raw bytes to send (anything, valid
HTTP or not) and whether to close the connection afterwards, or None to hang up at once without
replying. It exists to test how our HTTP/1.1 exchange reads replies no real server sends on
demand: chunked bodies with trailers, interim 1xx replies, bare-LF heads, folded headers,
truncated bodies, keep-alive connections closed by the server.
"""

from __future__ import annotations

import socket
import threading
from typing import Callable

Script = Callable[[int, int, bytes], "tuple[bytes, bool] | None"]


class RawHTTPServer:
    """Threaded loopback FAKE server; context manager. `requests` holds every request's bytes,
    `connections` counts accepted connections."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.connections = 0
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._stop = False

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> "RawHTTPServer":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buf = b""
        index = 0
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(buf) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                request, buf = head + b"\r\n\r\n" + buf[:length], buf[length:]
                with self._lock:
                    self.requests.append(request)
                index += 1
                answer = self.script(number, index, request)
                if answer is None:
                    return
                data, close = answer
                try:
                    conn.sendall(data)
                except OSError:
                    return
                if close:
                    return
