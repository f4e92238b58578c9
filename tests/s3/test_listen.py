"""MinIO listen-bucket-notification stream: against a local FAKE listen server and moto."""

from __future__ import annotations

import io
import threading
import time

import pytest
import requests

from minbrowse.s3.errors import InvalidResponseError, NotSupportedError, S3Error
from minbrowse.s3.listen import (
    DEFAULT_EVENTS, MAX_LINE_BYTES, ListenStream, listen_query, unsupported_listen_error,
)
from tests.fakes import moto_endpoint_fixture
from tests.fakes.listen_server import FakeListenServer


def _record(key: str, name: str = "s3:ObjectCreated:Put") -> dict:
    return {"Records": [{"eventName": name, "s3": {"object": {"key": key}}}]}


def _open(server: FakeListenServer, **query) -> requests.Response:
    return requests.get(f"{server.endpoint}/bucket", params=listen_query(**query),
                        stream=True, timeout=10)


def test_listen_query_repeats_events():
    assert listen_query("photos/", ".jpg", ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]) == [
        ("prefix", "photos/"), ("suffix", ".jpg"),
        ("events", "s3:ObjectCreated:*"), ("events", "s3:ObjectRemoved:*")]
    assert listen_query(None, None, "s3:ObjectCreated:Put") == [
        ("prefix", ""), ("suffix", ""), ("events", "s3:ObjectCreated:Put")]
    assert [v for k, v in listen_query() if k == "events"] == list(DEFAULT_EVENTS)
    with pytest.raises(ValueError):
        listen_query(events=[])


def test_records_arrive_in_order_and_keepalives_are_skipped():
    with FakeListenServer(keepalive_interval=0.01) as server:
        response = _open(server, prefix="p/", events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
        with ListenStream(response) as events:
            assert server.connected.wait(5)
            time.sleep(0.1)   # let several keep-alives (" " and "\n") through first
            for i in range(3):
                server.push(_record(f"p/{i}"))
            server.push({"Records": []})           # nothing to deliver: skipped
            server.push_raw(b"   \n\n  ")
            server.push(_record("p/3", "s3:ObjectRemoved:Delete"))
            received = [next(events) for _ in range(4)]
        assert received == [_record("p/0"), _record("p/1"), _record("p/2"),
                            _record("p/3", "s3:ObjectRemoved:Delete")]
        path, query = server.requests[0]
        assert path == "/bucket"
        assert query == [("prefix", "p/"), ("suffix", ""), ("events", "s3:ObjectCreated:*"),
                         ("events", "s3:ObjectRemoved:*")]


def test_leaving_with_block_closes_connection():
    with FakeListenServer(keepalive_interval=0.02) as server:
        with ListenStream(_open(server)) as events:
            server.push(_record("a"))
            assert next(events) == _record("a")
            assert not server.disconnected.is_set()
        assert events.closed
        assert server.disconnected.wait(5), "server never saw the client go away"
        with pytest.raises(StopIteration):
            next(events)


def test_close_from_another_thread_unblocks_the_reader():
    with FakeListenServer(keepalive_interval=0.05) as server:
        events = ListenStream(_open(server))
        got: list = []
        reader = threading.Thread(target=lambda: got.extend(events), daemon=True)
        reader.start()
        server.push(_record("x"))
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.01)
        events.close()
        reader.join(5)
        assert not reader.is_alive()
        assert got == [_record("x")]
        assert server.disconnected.wait(5)


@pytest.mark.parametrize("content_type", ["application/xml", "text/plain"])
def test_bucket_listing_answer_is_not_supported(content_type):
    # "text/plain" forces detection from the first bytes rather than the header
    with FakeListenServer(mode="listing", listing_content_type=content_type) as server:
        with pytest.raises(NotSupportedError, match="answered a bucket listing"):
            with ListenStream(_open(server)) as events:
                next(events)


def test_oversized_line_is_refused():
    with FakeListenServer() as server:
        with ListenStream(_open(server)) as events:
            server.push_raw(b'{"Records": ["' + b"x" * (MAX_LINE_BYTES + 10))
            with pytest.raises(InvalidResponseError, match="longer than 1048576 bytes"):
                next(events)
        assert server.disconnected.wait(5)


def test_non_json_line_is_an_invalid_response():
    with FakeListenServer() as server:
        with ListenStream(_open(server)) as events:
            server.push_raw(b"hello world\n")
            with pytest.raises(InvalidResponseError, match="not JSON"):
                next(events)


class _BodyOnly:
    """Minimal finished response: a body and a close flag."""

    def __init__(self, body: bytes) -> None:
        self.raw = io.BytesIO(body)
        self.headers = {"Content-Type": "application/json"}
        self.status_code = 200
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_stream_end_stops_iteration_or_reopens():
    first = _BodyOnly(b' {"Records": [1]}\n  {"Records": [2]}')   # last line unterminated
    assert list(ListenStream(first)) == [{"Records": [1]}, {"Records": [2]}]
    assert first.closed

    bodies = [_BodyOnly(b'{"Records": [3]}\n'), _BodyOnly(b'{"Records": [4]}\n')]
    opened = []

    def reopen():
        opened.append(bodies[len(opened)])
        return opened[-1]

    with ListenStream(_BodyOnly(b'{"Records": [2]}\n'), reopen=reopen, reopen_delay=0) as events:
        assert [next(events) for _ in range(3)] == [
            {"Records": [2]}, {"Records": [3]}, {"Records": [4]}]
    assert len(opened) == 2 and all(b.closed for b in opened)


def test_unsupported_listen_error_mapping():
    class Answer:
        def __init__(self, status):
            self.status_code = status

    # what SeaweedFS 4.48 answers to GET /bucket?events=s3:ObjectCreated:* (verified by hand)
    seaweed = S3Error("NotImplemented", "A header you provided implies functionality that is "
                      "not implemented", "/bkt", "REQ", None, Answer(501), "bkt")
    mapped = unsupported_listen_error(seaweed)
    assert isinstance(mapped, NotSupportedError)
    assert "not supported" in str(mapped) and "NotImplemented" in str(mapped)
    assert unsupported_listen_error(
        S3Error("NoSuchBucket", "gone", "/b", None, None, Answer(404), "b")) is None


# ---------------------------------------------------------------- real server: moto

@pytest.fixture(scope="module")
def moto_url(request):
    yield from moto_endpoint_fixture(request)


def test_moto_answers_a_listing_which_is_reported_not_supported(moto_url):
    auth = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/s3/"
                             "aws4_request, SignedHeaders=host, Signature=00"}
    assert requests.put(f"{moto_url}/listen-tests", headers=auth, timeout=10).ok
    response = requests.get(f"{moto_url}/listen-tests", params=listen_query(), headers=auth,
                            stream=True, timeout=10)
    assert response.status_code == 200
    with pytest.raises(NotSupportedError, match="answered a bucket listing"):
        ListenStream(response)
    assert response.raw.closed
