"""The HTTP/1.1 exchange (`minbrowse.s3.http11`): reply framing, keep-alive, errors.

Replies come from a raw-bytes FAKE server (tests/fakes/raw_http_server.py) for what real servers
do not send on demand; the last tests run the Client through it against SeaweedFS (plain and
TLS) and check the connection is reused.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
import requests
import urllib3

from minbrowse.s3 import Client
from minbrowse.s3 import http11
from minbrowse.s3.errors import InvalidResponseError, RetryError
from minbrowse.s3.transport import RetryPolicy
from tests.fakes.raw_http_server import RawHTTPServer

TIMEOUT = urllib3.Timeout(connect=2.0, read=2.0)
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Amz-Request-Id: r1\r\n\r\nhello"


def _exchange(server: RawHTTPServer, method: str = "GET", body: bytes | None = None,
              headers: dict[str, str] | None = None, cap: int = 1 << 20,
              pool: urllib3.HTTPConnectionPool | None = None,
              timeout: urllib3.Timeout = TIMEOUT) -> http11.Reply:
    pool = pool or urllib3.HTTPConnectionPool("127.0.0.1", server.port, maxsize=4)
    return http11.exchange(pool, method, "/bucket/key?x=1", server.origin,
                           headers or {}, body, timeout, cap)


def _always(data: bytes, close: bool = False):
    return lambda conn, index, request: (data, close)


def test_sized_reply_and_keep_alive():
    with RawHTTPServer(_always(OK)) as server:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port, maxsize=4)
        for _ in range(3):
            reply = _exchange(server, pool=pool)
            assert (reply.status, reply.reason, reply.body) == (200, "OK", b"hello")
            assert reply.headers["x-amz-request-id"] == "r1"  # case-insensitive
        assert server.connections == 1


def test_request_bytes_host_identity_and_empty_put_length():
    with RawHTTPServer(_always(OK)) as server:
        _exchange(server, "PUT", headers={"X-Amz-Meta-A": "b"})
        _exchange(server, "PUT", body=b"payload", headers={"Content-Length": "7",
                                                          "Host": "example.test"})
    first, second = server.requests
    assert first.startswith(b"PUT /bucket/key?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nContent-Length: 0\r\n" in first and b"Accept-Encoding: identity" in first
    assert b"Host: example.test\r\n" in second and second.count(b"Host:") == 1
    assert second.endswith(b"\r\n\r\npayload")


def test_chunked_reply_with_extension_and_trailer():
    reply = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n")
    with RawHTTPServer(_always(reply)) as server:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
        assert _exchange(server, pool=pool).body == b"hello world"
        assert _exchange(server, pool=pool).body == b"hello world"
        assert server.connections == 1


def test_interim_replies_are_skipped():
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n" + OK
    with RawHTTPServer(_always(reply)) as server:
        result = _exchange(server, "PUT", body=b"x")
    assert (result.status, result.body) == (200, b"hello")


def test_bare_lf_head_and_folded_header():
    reply = (b"HTTP/1.1 404 Not Found\nX-Long: one\n  two\nContent-Length: 2\n\nno")
    with RawHTTPServer(_always(reply)) as server:
        result = _exchange(server)
    assert (result.status, result.reason, result.body) == (404, "Not Found", b"no")
    assert result.headers["X-Long"] == "one two"


def test_connection_close_and_http10_replies_use_a_new_connection():
    close = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    old = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
    for reply in (close, old):
        with RawHTTPServer(_always(reply, close=True)) as server:
            pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
            assert [_exchange(server, pool=pool).body for _ in range(3)] == [b"ok"] * 3
            assert server.connections == 3


def test_reply_without_framing_is_read_to_the_end():
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
    with RawHTTPServer(_always(reply, close=True)) as server:
        assert _exchange(server).body == b"all of it"


def test_head_reply_has_no_body_and_keeps_the_connection():
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nETag: \"e\"\r\n\r\n"
    with RawHTTPServer(_always(reply)) as server:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
        for _ in range(2):
            result = _exchange(server, "HEAD", pool=pool)
            assert (result.body, result.headers["Content-Length"]) == (b"", "12345")
        assert server.connections == 1


@pytest.mark.parametrize("reply, words", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd", "body ended 6 bytes early"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "body ended"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"),
    (b"SSH-2.0-OpenSSH_9.2\r\n\r\n", "not an HTTP/1.x status line"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
     "invalid Content-Length"),
    (b"HTTP/1.1 200 OK\r\nContent-Len", "before the reply's head ended"),
])
def test_broken_replies_are_connection_errors(reply, words):
    with RawHTTPServer(_always(reply, close=True)) as server:
        with pytest.raises(requests.ConnectionError, match=words):
            _exchange(server)
        assert server.connections == 1  # a fresh connection's failure is not retried here


def test_bodies_over_the_cap_are_refused():
    declared = b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n"
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"400\r\n" + b"a" * 1024
    unframed = b"HTTP/1.1 200 OK\r\n\r\n" + b"b" * 2000
    for reply in (declared, chunked, unframed):
        with RawHTTPServer(_always(reply, close=True)) as server:
            with pytest.raises(InvalidResponseError, match="exceeds the 1000-byte cap"):
                _exchange(server, cap=1000)


def test_reused_connection_closed_by_the_server_is_retried_at_once():
    def script(conn, index, request):
        return None if (conn, index) == (1, 2) else (OK, False)  # hang up on the 2nd request

    with RawHTTPServer(script) as server:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
        assert _exchange(server, pool=pool).body == b"hello"
        started = time.monotonic()
        assert _exchange(server, pool=pool).body == b"hello"
        assert time.monotonic() - started < 1.0
    assert server.connections == 2 and len(server.requests) == 3


def test_silent_server_is_a_read_timeout():
    release = threading.Event()

    def script(conn, index, request):
        release.wait(5)
        return None

    with RawHTTPServer(script) as server:
        with pytest.raises(requests.exceptions.ReadTimeout):
            _exchange(server, timeout=urllib3.Timeout(connect=1.0, read=0.3))
        release.set()


@pytest.mark.parametrize("headers", [{"X-Amz-Meta-A": "one\r\nInjected: yes"},
                                     {"Bad Name": "v"}, {"X-Amz-Meta-A": "caf\u20ac"}])
def test_unsendable_headers_are_refused_before_connecting(headers):
    with RawHTTPServer(_always(OK)) as server:
        with pytest.raises(ValueError):
            _exchange(server, "PUT", headers=headers)
        assert server.connections == 0


def test_client_through_the_exchange_retries_and_names_the_cause():
    """A truncated reply on every attempt ends in RetryError naming the break (transport loop)."""
    broken = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
    with RawHTTPServer(_always(broken, close=True)) as server:
        client = Client(server.origin, access_key="k", secret_key="s" * 16, secure=False,
                        region="us-east-1",
                        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02))
        with pytest.raises(RetryError, match="body ended 7 bytes early"):
            client.list_buckets()
        assert server.connections == 3


def test_client_reuses_one_connection_on_seaweedfs(seaweed):
    client = seaweed.client()
    bucket = "http11-reuse"
    client.make_bucket(bucket)
    try:
        for i in range(20):
            data = bytes([i]) * (100 + i)
            client.put_object(bucket, f"k{i}", io.BytesIO(data), len(data))
            assert client.get_object(bucket, f"k{i}").read() == data
            assert client.stat_object(bucket, f"k{i}").size == len(data)
        pool = client._transport._pool_for(f"http://{seaweed.endpoint}")  # noqa: SLF001
        assert pool.num_connections == 1
    finally:
        for i in range(20):
            client.remove_object(bucket, f"k{i}")
        client.remove_bucket(bucket)


def test_client_over_tls_with_our_own_session(seaweed_tls):
    """The exchange on TLS connections (ca_bundle, no caller session), and a CA that does not
    match fails as a TLS error at once."""
    client = Client(seaweed_tls.endpoint, access_key=seaweed_tls.access_key,
                    secret_key=seaweed_tls.secret_key, secure=True,
                    ca_bundle=seaweed_tls.ca_file)
    assert client._transport._direct  # noqa: SLF001
    bucket = "http11-tls"
    client.make_bucket(bucket)
    try:
        client.put_object(bucket, "k", io.BytesIO(b"secret bytes"), 12)
        assert client.stat_object(bucket, "k").size == 12
        assert client.get_object(bucket, "k").read() == b"secret bytes"
        client.remove_object(bucket, "k")
    finally:
        client.remove_bucket(bucket)
    untrusted = Client(seaweed_tls.endpoint, access_key=seaweed_tls.access_key,
                       secret_key=seaweed_tls.secret_key, secure=True)
    started = time.monotonic()
    with pytest.raises(Exception) as info:
        untrusted.list_buckets()
    assert "certificate" in str(info.value).lower() or "TLS" in str(info.value)
    assert time.monotonic() - started < 5


def test_early_reply_to_a_large_body_is_read():
    """A server that refuses a large body before reading it and hangs up: its reply is what
    the caller gets, not a broken pipe."""
    refusal = (b"HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\n"
               b"denied")
    import socket as socket_module

    listener = socket_module.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        conn.sendall(refusal)
        conn.shutdown(socket_module.SHUT_WR)
        time.sleep(0.2)
        conn.close()  # unread body bytes make the kernel reset the connection

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port)
    reply = http11.exchange(pool, "PUT", "/b/k", f"127.0.0.1:{port}",
                            {"Content-Length": str(32 << 20)}, b"x" * (32 << 20), TIMEOUT, 1000)
    assert (reply.status, reply.body) == (403, b"denied")
    thread.join(2)
    listener.close()


def test_closed_pool_is_a_connection_error():
    with RawHTTPServer(_always(OK)) as server:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
        pool.close()
        with pytest.raises(requests.ConnectionError):
            _exchange(server, pool=pool)


def test_compressed_reply_is_decoded_and_capped():
    """We ask for identity; a server that gzips or deflates anyway is decoded (as urllib3 did),
    and what it inflates to is capped too."""
    import gzip
    import zlib

    text = b"<ListAllMyBucketsResult>" + b"x" * 500 + b"</ListAllMyBucketsResult>"
    for coding, data in (("gzip", gzip.compress(text)), ("deflate", zlib.compress(text))):
        reply = (f"HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\n"
                 f"Content-Length: {len(data)}\r\n\r\n").encode() + data
        with RawHTTPServer(_always(reply)) as server:
            assert _exchange(server).body == text
            with pytest.raises(InvalidResponseError, match="exceeds the 100-byte cap"):
                _exchange(server, cap=100)
    bogus = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope"
    with RawHTTPServer(_always(bogus)) as server:
        with pytest.raises(requests.ConnectionError, match="not valid gzip"):
            _exchange(server)
