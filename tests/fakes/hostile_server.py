"""A FAKE, deliberately hostile S3 server for tests (it is not S3): scripted replies per request.

`HostileS3Server` listens on a free loopback port and answers every request from a script the
test supplies: a list of `Reply` values consumed in order (the last one repeats), or a function
``Request -> Reply``. Every request is recorded (method, path, query, headers, body) so tests
can assert how many attempts arrived and how they were signed. `Reply` controls the status,
headers (including a forged ``Date``), and the body, which may be streamed chunked without a
Content-Length.

`RecordingListener` is a second loopback listener standing for "another host": it records every
connection and every byte it receives, so a test can assert that nothing (and no credential)
ever reached it.

Payload builders: `billion_laughs`, `external_entity`, `error_xml`, `list_buckets_xml`,
`oversized_xml_chunks`.
"""

from __future__ import annotations

import email.utils
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it (header names lower-cased)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    body: bytes

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")

    @property
    def scope_region(self) -> str | None:
        """Region of the SigV4 credential scope in the Authorization header."""
        marker = "Credential="
        if marker not in self.authorization:
            return None
        scope = self.authorization.split(marker, 1)[1].split(",", 1)[0].split("/")
        return scope[2] if len(scope) >= 5 else None


@dataclass(frozen=True)
class Reply:
    """What the fake answers; `chunks` streams a chunked body instead of `body`."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Callable[[], Iterable[bytes]] | None = None
    date: str | None = None  # forged Date header; None → the real current time


Script = Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-reply are expected here: no tracebacks on stderr."""

    def handle_error(self, request, client_address) -> None:
        pass


class HostileS3Server:
    """Threaded local FAKE S3 server answering from a script; context manager."""

    def __init__(self, script: Script | list[Reply] | Reply | None = None) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._replies: list[Reply] = []
        self._script: Script | None = None
        self.set_script(script if script is not None else Reply())
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:port`` (pass it to Client as the endpoint, secure=False)."""
        return f"127.0.0.1:{self.port}"

    def set_script(self, script: Script | list[Reply] | Reply) -> None:
        with self._lock:
            if isinstance(script, Reply):
                self._replies, self._script = [script], None
            elif isinstance(script, list):
                if not script:
                    raise ValueError("a reply list needs at least one Reply")
                self._replies, self._script = list(script), None
            else:
                self._replies, self._script = [], script

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._script is not None:
                script = self._script
            else:
                return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        return script(request)

    def __enter__(self) -> "HostileS3Server":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(self.command, parts.path,
                                  tuple(parse_qsl(parts.query, keep_blank_values=True)),
                                  {k.lower(): v for k, v in self.headers.items()}, body)
                reply = server._next_reply(request)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _send(self, reply: Reply) -> None:
                self.send_response_only(reply.status)
                self.send_header("Server", "HostileFakeS3")
                self.send_header("Date", reply.date or email.utils.formatdate(usegmt=True))
                self.send_header("x-amz-request-id", f"FAKE{len(server.requests):06d}")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunks is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.chunks():
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD" and reply.body:
                    self.wfile.write(reply.body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        return Handler


class RecordingListener:
    """A loopback listener standing for "another host": records connections and bytes."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self.connections = 0
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(0.5)
            try:
                self.received += conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            finally:
                conn.close()

    def __enter__(self) -> "RecordingListener":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


# -- payloads -------------------------------------------------------------------------------
def billion_laughs(levels: int = 10) -> bytes:
    """The classic exponential entity-expansion document (10 levels ≈ 10^9 'lol's expanded)."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", ' <!ENTITY lol0 "lol">']
    for n in range(1, levels):
        lines.append(f' <!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">')
    lines.append("]>")
    lines.append(f'<ListAllMyBucketsResult xmlns="{S3_NS}"><Owner><ID>&lol{levels - 1};</ID>'
                 "</Owner><Buckets/></ListAllMyBucketsResult>")
    return "\n".join(lines).encode()


def external_entity(path: str = "/etc/passwd") -> bytes:
    """An XXE document that would inline a local file."""
    return (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{path}">]>'
            f'<ListAllMyBucketsResult xmlns="{S3_NS}"><Owner><ID>&xxe;</ID></Owner>'
            "<Buckets/></ListAllMyBucketsResult>").encode()


def error_xml(code: str, message: str, **extra: str) -> bytes:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>{message}</Message>{fields}<RequestId>FAKE</RequestId></Error>").encode()


def list_buckets_xml(names: Iterable[str] = ("alpha",)) -> bytes:
    buckets = "".join(f"<Bucket><Name>{n}</Name><CreationDate>2024-01-01T00:00:00.000Z"
                      "</CreationDate></Bucket>" for n in names)
    return (f'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="{S3_NS}">'
            f"<Owner><ID>fake</ID></Owner><Buckets>{buckets}</Buckets>"
            "</ListAllMyBucketsResult>").encode()


def oversized_xml_chunks(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A well-formed-looking ListAllMyBuckets document of about `total` bytes, streamed."""
    yield f'<?xml version="1.0"?><ListAllMyBucketsResult xmlns="{S3_NS}"><Buckets>'.encode()
    filler = (b"<Bucket><Name>" + b"x" * 50 + b"</Name></Bucket>") * (chunk // 73 + 1)
    sent = 0
    while sent < total:
        yield filler
        sent += len(filler)
    yield b"</Buckets></ListAllMyBucketsResult>"
