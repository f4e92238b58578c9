"""The client against a hostile FAKE S3 server: unsafe XML, oversized bodies, foreign redirects,
odd ETags, throttling and clock skew are all handled safely, fast and with clear errors."""

from __future__ import annotations

import email.utils
import hashlib
import io
import re
import time
import tracemalloc

import pytest

from minbrowse.s3 import Client, InvalidResponseError, RetryPolicy, S3Error
from tests.fakes.hostile_server import (S3_NS, HostileS3Server, RecordingListener, Reply,
                                        Request, billion_laughs, error_xml, external_entity,
                                        list_buckets_xml, oversized_xml_chunks)

ACCESS, SECRET = "AKIAHOSTILETEST", "hostile-secret-key-never-shown"
FAST = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, max_total=5.0)
MiB = 1024 * 1024


def client_for(fake: HostileS3Server, region: str | None = "us-east-1", **kw) -> Client:
    kw.setdefault("retry", FAST)
    return Client(fake.endpoint, ACCESS, SECRET, secure=False, region=region,
                  connect_timeout=2, read_timeout=5, **kw)


def _location(region: str = "") -> Reply:
    return Reply(200, (f'<?xml version="1.0"?><LocationConstraint xmlns="{S3_NS}">{region}'
                       "</LocationConstraint>").encode())


def _listing(keys=()) -> bytes:
    items = "".join(f"<Contents><Key>{k}</Key><Size>1</Size><ETag>\"x\"</ETag>"
                    "<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>"
                    for k in keys)
    return (f'<?xml version="1.0"?><ListBucketResult xmlns="{S3_NS}"><Name>b</Name>'
            f"<Prefix></Prefix><KeyCount>{len(keys)}</KeyCount><MaxKeys>1000</MaxKeys>"
            f"<IsTruncated>false</IsTruncated>{items}</ListBucketResult>").encode()


# -- unsafe and oversized XML ---------------------------------------------------------------
def test_billion_laughs_refused_fast_without_memory_growth():
    with HostileS3Server(Reply(200, billion_laughs(), {"Content-Type": "application/xml"})) as fake:
        client = client_for(fake)
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(InvalidResponseError) as info:
                client.list_buckets()
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 8 * MiB, f"parsing the bomb allocated {peak} bytes"
    assert "unsafe XML refused" in str(info.value)
    assert "lol" not in str(info.value)
    assert len(fake.requests) == 1  # refused, not retried


def test_entity_bomb_in_an_error_body_is_not_expanded():
    bomb = Reply(403, billion_laughs(), {"Content-Type": "application/xml"})
    with HostileS3Server(bomb) as fake:
        started = time.monotonic()
        with pytest.raises(S3Error) as info:
            client_for(fake).list_buckets()
    assert time.monotonic() - started < 1.0
    assert info.value.code == "AccessDenied"  # from the status: the body was refused
    assert "lol" not in str(info.value)


def test_external_entity_is_not_resolved():
    with HostileS3Server(Reply(200, external_entity("/etc/passwd"))) as fake:
        with pytest.raises(InvalidResponseError) as info:
            client_for(fake).list_buckets()
    assert "root:" not in str(info.value)
    assert "unsafe XML refused" in str(info.value)


def test_oversized_xml_with_declared_length_refused_before_reading():
    body = list_buckets_xml(["a"]) + b" " * (17 * MiB)
    with HostileS3Server(Reply(200, body)) as fake:
        started = time.monotonic()
        with pytest.raises(InvalidResponseError) as info:
            client_for(fake).list_buckets()
    assert time.monotonic() - started < 2.0
    assert "cap" in str(info.value)


def test_oversized_streamed_xml_is_capped_in_memory():
    reply = Reply(200, headers={"Content-Type": "application/xml"},
                  chunks=lambda: oversized_xml_chunks(64 * MiB))
    with HostileS3Server(reply) as fake:
        client = client_for(fake)
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(InvalidResponseError) as info:
                client.list_buckets()
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "exceeds the" in str(info.value) and "cap" in str(info.value)
    assert peak < 40 * MiB, f"reading a 64 MiB body peaked at {peak} bytes"
    assert elapsed < 10.0


# -- redirects and regions ------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_to_another_host_is_never_followed(status):
    with RecordingListener() as other:
        reply = Reply(status, error_xml("TemporaryRedirect", "Please re-send"),
                      {"Location": f"{other.url}/bucket/key.txt"})
        with HostileS3Server(reply) as fake:
            with pytest.raises(S3Error):
                client_for(fake).get_object("bucket", "key.txt")
            time.sleep(0.1)
    assert other.connections == 0
    assert other.received == b""
    assert len(fake.requests) == 1


@pytest.mark.parametrize("status", [301, 307, 400])
def test_bucket_region_header_resigns_against_the_same_host(status):
    def script(req: Request) -> Reply:
        if any(k == "location" for k, _ in req.query):
            return _location("")
        if req.scope_region != "eu-west-2":
            return Reply(status, error_xml("AuthorizationHeaderMalformed", "wrong region",
                                           Region="eu-west-2"),
                         {"x-amz-bucket-region": "eu-west-2",
                          "Location": f"{other.url}/bucket?list-type=2"})
        return Reply(200, _listing(["a.txt", "b.txt"]))

    with RecordingListener() as other, HostileS3Server(script) as fake:
        client = client_for(fake, region=None)
        names = [o.object_name for o in client.list_objects("bucket")]
        again = [o.object_name for o in client.list_objects("bucket")]
    assert names == again == ["a.txt", "b.txt"]
    listings = [r for r in fake.requests if not any(k == "location" for k, _ in r.query)]
    assert [r.scope_region for r in listings] == ["us-east-1", "eu-west-2", "eu-west-2"]
    assert all(r.headers["host"] == fake.endpoint for r in fake.requests)
    assert other.connections == 0 and other.received == b""


def test_region_redirect_loop_is_bounded():
    reply = Reply(301, error_xml("PermanentRedirect", "elsewhere"),
                  {"x-amz-bucket-region": "ap-south-1"})
    with HostileS3Server(reply) as fake:
        with pytest.raises(S3Error) as info:
            client_for(fake).stat_object("bucket", "k")
    assert info.value.code == "PermanentRedirect"
    assert len(fake.requests) == 2  # the original and one re-signed attempt, then give up


# -- hostile ETags --------------------------------------------------------------------------
@pytest.mark.parametrize("etag", ['"../../escaped"', '"/etc/passwd"', '"a"b"', '"..\\\\x/.."',
                                  '"%2e%2e%2fx"'])
def test_hostile_etag_is_harmless(tmp_path, etag):
    data = b"hostile etag payload"
    reply = Reply(200, data, {"ETag": etag, "Content-Type": "application/octet-stream",
                              "Last-Modified": email.utils.formatdate(usegmt=True)})
    target = tmp_path / "dl" / "target.bin"
    with HostileS3Server(reply) as fake:
        client = client_for(fake)
        info = client.fget_object("bucket", "key", str(target))
        stat = client.stat_object("bucket", "key")
        written = client.put_object("bucket", "up", io.BytesIO(b"abc"), 3)
    assert target.read_bytes() == data
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert created == ["dl", "dl/target.bin"]
    assert info.etag == stat.etag
    assert info.etag in (etag.strip('"'), etag.replace('"', ""))  # kept as opaque text
    assert written.etag in (etag.strip('"'), etag.replace('"', ""))


# -- throttling and clock skew --------------------------------------------------------------
def test_slowdown_twice_then_success_is_retried_with_the_same_body():
    slow = Reply(503, error_xml("SlowDown", "Please reduce your request rate."))
    ok = Reply(200, headers={"ETag": f'"{hashlib.md5(b"payload").hexdigest()}"'})
    with HostileS3Server([slow, slow, ok]) as fake:
        result = client_for(fake).put_object("bucket", "obj", io.BytesIO(b"payload"), 7)
    assert result.etag == hashlib.md5(b"payload").hexdigest()
    assert [r.method for r in fake.requests] == ["PUT", "PUT", "PUT"]
    assert all(r.body == b"payload" for r in fake.requests)


def test_slowdown_forever_is_bounded_by_the_policy():
    slow = Reply(503, error_xml("SlowDown", "Please reduce your request rate."))
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02, max_total=5.0)
    with HostileS3Server(slow) as fake:
        with pytest.raises(S3Error) as info:
            client_for(fake, retry=policy).list_buckets()
    assert info.value.code == "SlowDown"
    assert len(fake.requests) == 3


def test_html_503_from_a_load_balancer_is_retried():
    html = Reply(503, b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable"
                      b"</title></head><body><center><h1>503</h1></center><hr><center>nginx"
                      b"</center></body></html>",
                 {"Content-Type": "text/html"})
    with HostileS3Server([html, html, Reply(200, list_buckets_xml(["ok"]))]) as fake:
        buckets = client_for(fake).list_buckets()
    assert [b.name for b in buckets] == ["ok"]
    assert len(fake.requests) == 3


@pytest.mark.parametrize("offset,direction", [(-3600, "ahead of"), (7200, "behind")])
def test_request_time_too_skewed_names_the_skew(offset, direction):
    server_date = email.utils.formatdate(time.time() + offset, usegmt=True)
    reply = Reply(403, error_xml("RequestTimeTooSkewed",
                                 "The difference between the request time and the current "
                                 "time is too large."), date=server_date)
    with HostileS3Server(reply) as fake:
        with pytest.raises(S3Error) as info:
            client_for(fake).list_buckets()
    assert info.value.code == "RequestTimeTooSkewed"
    seconds = abs(offset)
    match = re.search(r"(\d+) s (ahead of|behind)", str(info.value))
    assert match, str(info.value)
    assert abs(int(match.group(1)) - seconds) <= 2 and match.group(2) == direction
    assert len(fake.requests) == 1  # not retried: the clock will not fix itself
