"""A loopback TCP fault-injection proxy for tests: resets, stalls, cut responses, refused connects.

`FaultProxy(target_host, target_port)` listens on a free 127.0.0.1 port and forwards every
connection to the target. It reads each HTTP/1.1 request head on the way through (bodies are
forwarded by Content-Length), logs it, and applies the first matching `Rule`:

* ``reset``  — RST the client connection as soon as the request head arrives (nothing forwarded);
* ``cut``    — forward the request, relay ``after_bytes`` bytes of the response, then RST;
* ``stall``  — forward the request, relay ``after_bytes`` bytes, pause ``seconds``, continue;
* ``reply``  — answer the request itself with ``status`` and ``body`` (an S3 error document:
  SlowDown, NotImplemented…); the request and its body never reach the target.

`refuse_for(seconds)` closes the listening socket so connects fail with ECONNREFUSED, and
re-opens it on the same port afterwards. Bytes that do not start with an HTTP method (TLS) are
piped raw: only connections are counted then. Everything is bounded by the test that drives it.
"""

from __future__ import annotations

import re
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

_METHOD = re.compile(rb"^[A-Z]{3,10} ")
_MAX_HEAD = 64 * 1024
ACTIONS = ("reset", "cut", "stall", "reply")


@dataclass
class Rule:
    """Which requests to hit and how; `times=None` means every matching request, forever."""

    action: str
    method: str | None = None
    path_contains: str | None = None
    query_contains: str | None = None
    times: int | None = 1
    skip: int = 0
    after_bytes: int = 0
    seconds: float = 0.0
    status: int = 503
    body: bytes = b""
    hits: int = 0
    seen: int = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}")

    def matches(self, method: str, path: str, query: str) -> bool:
        return ((self.method is None or self.method == method)
                and (self.path_contains is None or self.path_contains in path)
                and (self.query_contains is None or self.query_contains in query))


@dataclass(frozen=True)
class Seen:
    """One request head that went through the proxy, and what the proxy did to it."""

    method: str
    path: str
    query: str
    action: str  # "pass" or a Rule action


def _hard_close(sock: socket.socket | None) -> None:
    """Close with SO_LINGER 0: the peer sees a TCP RST (ECONNRESET), not a clean FIN."""
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class FaultProxy:
    """Threaded TCP proxy; use as a context manager and drive it with `add_rule`/`refuse_for`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.requests: list[Seen] = []
        self.connections = 0
        self._refuse_until = 0.0
        self._not_listening = threading.Event()
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conns: list[_Pipe] = []
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)

    @classmethod
    def for_endpoint(cls, endpoint: str) -> "FaultProxy":
        """Proxy in front of ``host:port`` or ``http(s)://host:port``."""
        parts = urlsplit(endpoint if "://" in endpoint else f"//{endpoint}")
        return cls(parts.hostname or "127.0.0.1", parts.port or 80)

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:port`` (pass it to Client as the endpoint)."""
        return f"127.0.0.1:{self.port}"

    # -- control ------------------------------------------------------------------------
    def add_rule(self, action: str, **kw) -> Rule:
        rule = Rule(action, **kw)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear_rules(self) -> None:
        with self._lock:
            self._rules.clear()

    def refuse_for(self, seconds: float) -> None:
        """Stop listening (connects are refused) from now on, listen again after `seconds`."""
        self._not_listening.clear()
        with self._lock:
            self._refuse_until = time.monotonic() + seconds
        if not self._not_listening.wait(5):
            raise RuntimeError("the proxy did not stop listening")

    def count(self, method: str | None = None, query_contains: str | None = None,
              action: str | None = None) -> int:
        with self._lock:
            return sum(1 for s in self.requests
                       if (method is None or s.method == method)
                       and (query_contains is None or query_contains in s.query)
                       and (action is None or s.action == action))

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> "FaultProxy":
        self._accepting.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._accepting.join(timeout=5)
        with self._lock:
            listener, self._listener = self._listener, None
            conns = list(self._conns)
        if listener is not None:
            listener.close()
        for conn in conns:  # each pipe notices _stop within one select tick and closes itself
            if conn.thread is not None:
                conn.thread.join(timeout=5)

    # -- internals ----------------------------------------------------------------------
    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        sock.settimeout(0.05)
        return sock

    def _accept_loop(self) -> None:
        """Accept connections; only this thread closes or re-opens the listening socket."""
        while not self._stop.is_set():
            with self._lock:
                refusing = time.monotonic() < self._refuse_until
                listener = self._listener
            if refusing:
                if listener is not None:
                    listener.close()
                    with self._lock:
                        self._listener = None
                self._not_listening.set()
                time.sleep(0.01)
                continue
            if listener is None:
                listener = self._listen(self.port)
                with self._lock:
                    self._listener = listener
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                time.sleep(0.01)
                continue
            client.settimeout(None)
            conn = _Pipe(self, client)
            with self._lock:
                self.connections += 1
                self._conns.append(conn)
            conn.thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            conn.thread.start()

    def _serve(self, conn: "_Pipe") -> None:
        try:
            conn.run()
        except OSError:
            pass
        finally:
            conn.close(hard=self._stop.is_set())
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)

    def _pick_rule(self, head: bytes) -> Rule | None:
        """Log the request and return the rule that applies to it (if any)."""
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, _, rest = line.partition(" ")
        target = rest.rsplit(" ", 1)[0]
        path, _, query = target.partition("?")
        chosen: Rule | None = None
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.hits >= rule.times:
                    continue
                if not rule.matches(method, path, query):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                rule.hits += 1
                chosen = rule
                break
            self.requests.append(Seen(method, path, query, chosen.action if chosen else "pass"))
        return chosen


class _Pipe:
    """One proxied connection, served by one thread with select() (no cross-thread closes)."""

    def __init__(self, proxy: FaultProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream: socket.socket | None = None
        self.closed = False
        self.thread: threading.Thread | None = None
        self._buf = b""
        self._body_left = 0
        self._raw = False
        self._rule: Rule | None = None
        self._relayed = 0
        self._stall_until = 0.0
        self._pending = b""
        self._discard = False  # the current request's body is swallowed (a "reply" rule)

    def run(self) -> None:
        try:
            self.upstream = socket.create_connection(self.proxy.target, timeout=5)
        except OSError:
            self.close(hard=True)
            return
        self.upstream.settimeout(None)
        while not self.closed and not self.proxy._stop.is_set():
            now = time.monotonic()
            stalled = now < self._stall_until
            if not stalled and self._pending:
                self.client.sendall(self._pending)
                self._pending = b""
            wanted = [self.client] if stalled else [self.client, self.upstream]
            timeout = min(self._stall_until - now, 0.05) if stalled else 0.05
            readable, _, _ = select.select(wanted, [], [], max(timeout, 0.001))
            for sock in readable:
                data = sock.recv(256 * 1024)
                if not data:
                    self.close(hard=False)
                    return
                keep = self._up(data) if sock is self.client else self._down(data)
                if not keep:
                    return

    def close(self, hard: bool) -> None:
        if self.closed:
            return
        self.closed = True
        for sock in (self.client, self.upstream):
            if hard:
                _hard_close(sock)
            elif sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass

    def _up(self, data: bytes) -> bool:
        """Client → upstream: parse request heads, forward bodies by Content-Length."""
        assert self.upstream is not None
        if self._raw:
            self.upstream.sendall(data)
            return True
        self._buf += data
        while self._buf:
            if self._raw:
                self.upstream.sendall(self._buf)
                self._buf = b""
                break
            if self._body_left:
                piece = self._buf[:self._body_left]
                if not self._discard:
                    self.upstream.sendall(piece)
                self._body_left -= len(piece)
                self._buf = self._buf[len(piece):]
                continue
            if not _METHOD.match(self._buf[:11]):
                self._raw = True  # TLS or something else: pipe it untouched
                continue
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buf) > _MAX_HEAD:
                    self._raw = True
                    continue
                break
            head, self._buf = self._buf[:end + 4], self._buf[end + 4:]
            self._body_left, chunked = _body_framing(head)
            self._raw = chunked
            rule = self.proxy._pick_rule(head)
            if rule is not None and rule.action == "reset":
                self.close(hard=True)
                return False
            self._discard = rule is not None and rule.action == "reply"
            if self._discard:
                self.client.sendall(_canned_reply(rule.status, rule.body))
                continue
            self._rule, self._relayed = rule, 0
            self.upstream.sendall(head)
        return True

    def _down(self, data: bytes) -> bool:
        """Upstream → client, applying the current request's cut/stall after N bytes."""
        rule = self._rule
        if rule is not None:
            room = max(rule.after_bytes - self._relayed, 0)
            if len(data) >= room:
                if room:
                    self.client.sendall(data[:room])
                if rule.action == "cut":
                    self.close(hard=True)
                    return False
                self._rule = None
                self._relayed += room
                self._pending = data[room:]
                self._stall_until = time.monotonic() + rule.seconds
                return True
        self._relayed += len(data)
        self.client.sendall(data)
        return True


def _canned_reply(status: int, body: bytes) -> bytes:
    head = (f"HTTP/1.1 {status} Fault\r\nContent-Type: application/xml\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


def _body_framing(head: bytes) -> tuple[int, bool]:
    """(Content-Length, chunked?) of a request head."""
    length, chunked = 0, False
    for raw_line in head.split(b"\r\n")[1:]:
        name, _, value = raw_line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                length = 0
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return length, chunked
