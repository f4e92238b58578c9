"""An emulated slow link for benchmarks: a loopback TCP relay that caps every connection's rate.

`SlowLink(target_host, target_port, rate)` listens on a free 127.0.0.1 port and relays each
connection to the target byte for byte (so SigV4 signatures made for the relay's address stay
valid), holding each direction of each connection to `rate` bytes per second. That is how a
long-distance link behaves for one TCP stream (window / round trip), and where several streams
pay: parallel part uploads and ranged downloads. It does not parse HTTP and adds no faults
(see `tests/fakes/proxy.py` for those).
"""

from __future__ import annotations

import socket
import threading
import time

_CHUNK = 64 * 1024


class SlowLink:
    """Threaded rate-capped TCP relay; a context manager. `connections` counts accepted ones."""

    def __init__(self, target_host: str, target_port: int, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0 bytes per second")
        self.target = (target_host, target_port)
        self.rate = float(rate)
        self.connections = 0
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True, name="slow-link")

    @classmethod
    def for_endpoint(cls, endpoint: str, rate: float) -> "SlowLink":
        host, _, port = endpoint.rpartition(":")
        return cls(host or "127.0.0.1", int(port), rate)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> "SlowLink":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.close()
                except OSError:
                    pass
            self._sockets.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True,
                                 name="slow-link-pump").start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Relay source -> sink at most `rate` bytes/s. A keep-alive connection that waited
        between requests starts a new budget, so idle time is never spent later as a burst."""
        started, sent = 0.0, 0
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                now = time.monotonic()
                if not sent or now > started + sent / self.rate + 0.05:
                    started, sent = now, 0
                due = started + (sent + len(data)) / self.rate
                if due > now:
                    time.sleep(due - now)
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
