"""The urllib3 internals `minbrowse.s3.http11` stands on: fail loudly (not subtly) when they move.

http11.exchange takes a connection with `HTTPConnectionPool._get_conn()`, uses the
connection's `sock`, `timeout` and `connect()`, and gives it back with `_put_conn(conn)`.
These are urllib3 2.x's private API; pyproject pins urllib3 to >=2,<3. If a release renames
or re-signs them, this test names what changed before anything else breaks in a odd way.
"""

from __future__ import annotations

import inspect
import socket

import urllib3
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool

from minbrowse.s3 import http11


def test_urllib3_major_version_is_the_pinned_one():
    assert urllib3.__version__.split(".")[0] == "2", urllib3.__version__


def test_pool_methods_exist_with_the_signatures_http11_calls():
    get_conn = inspect.signature(HTTPConnectionPool._get_conn)
    put_conn = inspect.signature(HTTPConnectionPool._put_conn)
    assert list(get_conn.parameters) == ["self", "timeout"], get_conn
    assert get_conn.parameters["timeout"].default is None
    assert list(put_conn.parameters) == ["self", "conn"], put_conn


def test_a_connection_has_sock_timeout_and_connect():
    conn = HTTPConnection("127.0.0.1", 9)
    assert conn.sock is None  # not connected yet: http11 connects it itself
    conn.timeout = 1.5
    assert conn.timeout == 1.5
    assert callable(conn.connect) and callable(conn.close)


def test_a_connection_goes_back_to_the_pool_and_is_reused():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]

    import threading

    def serve() -> None:
        peer, _ = server.accept()
        with peer:
            for _ in range(2):
                data = b""
                while b"\r\n\r\n" not in data:
                    data += peer.recv(4096)
                peer.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    pool = HTTPConnectionPool("127.0.0.1", port, maxsize=1)
    timeout = urllib3.Timeout(connect=2, read=2)
    first = http11.exchange(pool, "GET", "/a", f"127.0.0.1:{port}", {}, None, timeout, 1024)
    conn = pool._get_conn()
    assert conn.sock is not None  # the very connection http11 gave back, still open
    pool._put_conn(conn)
    second = http11.exchange(pool, "GET", "/b", f"127.0.0.1:{port}", {}, None, timeout, 1024)
    assert (first.status, first.body, second.status, second.body) == (200, b"ok", 200, b"ok")
    thread.join(5)
    server.close()
    pool.close()
