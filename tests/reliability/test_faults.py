"""Faults injected between the client and the real SeaweedFS (our TCP proxy): resets, cut and
stalled responses, refused connections. Nothing is lost, nothing half-written, retries bounded."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from minbrowse.s3 import (Client, InvalidResponseError, MinioException, RetryError, RetryPolicy,
                          S3Error, TransportError)
from servers import create_bucket, purge_bucket  # tests/ is on sys.path (tests/conftest.py)
from tests.fakes.hostile_server import HostileS3Server, Reply
from tests.fakes.proxy import FaultProxy

MiB = 1024 * 1024
FAST = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, max_total=10.0)


@pytest.fixture
def proxy(seaweed):
    with FaultProxy.for_endpoint(seaweed.endpoint) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def sw_bucket(seaweed):
    """A fresh bucket on SeaweedFS itself (whatever the proxy does); purged afterwards."""
    name = seaweed.unique_bucket("faults")
    create_bucket(seaweed, name)
    try:
        yield name
    finally:
        purge_bucket(seaweed, name)


def via(proxy: FaultProxy, seaweed, **kw) -> Client:
    """A client whose endpoint is the fault proxy in front of SeaweedFS."""
    kw.setdefault("retry", FAST)
    kw.setdefault("connect_timeout", 2)
    kw.setdefault("read_timeout", 10)
    return Client(proxy.endpoint, seaweed.access_key, seaweed.secret_key, secure=False,
                  region="us-east-1", **kw)


def small_parts(**kw) -> dict:
    return dict(multipart_threshold=5 * MiB, part_size=5 * MiB, min_part_size=5 * MiB, **kw)


def read_back(seaweed, bucket: str, key: str) -> bytes:
    response = seaweed.client().get_object(bucket, key)
    try:
        return response.read()
    finally:
        response.close()


# -- the proxy itself (against the fake server: no SeaweedFS needed) ------------------------
def test_fault_proxy_does_what_it_is_told():
    import requests

    body = bytes(range(256)) * 400
    with HostileS3Server(Reply(200, body)) as fake, FaultProxy.for_endpoint(fake.endpoint) as px:
        url = f"http://{px.endpoint}/b/k?x=1"
        http = requests.Session()
        assert http.put(url, data=b"u" * 300_000).content == body  # bodies forwarded intact
        assert fake.requests[-1].body == b"u" * 300_000
        px.add_rule("reset", method="GET", skip=1)  # the 2nd GET, not the 1st
        assert http.get(url).content == body
        with pytest.raises(requests.ConnectionError):
            http.get(url)
        px.add_rule("cut", method="GET", after_bytes=5000)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            http.get(url)
        px.add_rule("stall", method="GET", after_bytes=5000, seconds=2.0)
        with pytest.raises(requests.ConnectionError):  # read timeout mid-body
            http.get(url, timeout=(1, 0.3)).content
        px.refuse_for(0.5)
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=1)
        time.sleep(0.6)
        assert requests.get(url, timeout=2).content == body
    assert [s.action for s in px.requests] == ["pass", "pass", "reset", "cut", "stall", "pass"]
    assert len(fake.requests) == 5  # the reset GET never reached the server


# -- uploads -------------------------------------------------------------------------------
def test_multipart_upload_survives_transient_resets(seaweed, proxy, sw_bucket):
    data = os.urandom(15 * MiB + 12345)  # four parts
    proxy.add_rule("reset", method="PUT", query_contains="partNumber=2")  # never arrives
    proxy.add_rule("cut", method="PUT", query_contains="partNumber=3")  # stored, answer lost
    client = via(proxy, seaweed, **small_parts())
    result = client.put_object(sw_bucket, "big.bin", io.BytesIO(data), len(data))
    assert result.object_name == "big.bin"
    assert proxy.count("PUT", "partNumber=2", action="reset") == 1
    assert proxy.count("PUT", "partNumber=3", action="cut") == 1
    assert proxy.count("PUT", "partNumber=") == 4 + 2  # each failed part sent once more
    stored = read_back(seaweed, sw_bucket, "big.bin")
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()


@pytest.mark.parametrize("api", ["put_object", "fput_object"])
def test_multipart_upload_that_keeps_failing_is_aborted(seaweed, proxy, sw_bucket, tmp_path,
                                                        api):
    data = os.urandom(10 * MiB + 1)
    proxy.add_rule("reset", method="PUT", query_contains="partNumber=", times=None)
    client = via(proxy, seaweed, retry=RetryPolicy(3, 0.01, 0.02, 5.0), **small_parts())
    with pytest.raises(RetryError):
        if api == "put_object":
            client.put_object(sw_bucket, "doomed.bin", io.BytesIO(data), len(data))
        else:
            path = tmp_path / "doomed.bin"
            path.write_bytes(data)
            client.fput_object(sw_bucket, "doomed.bin", str(path))
    assert proxy.count("POST", "uploads") == 1  # a multipart upload was started...
    assert proxy.count("DELETE", "uploadId=") == 1  # ...and aborted
    uploads = seaweed.botocore_client().list_multipart_uploads(Bucket=sw_bucket)
    assert uploads.get("Uploads", []) == []
    with pytest.raises(S3Error) as info:
        seaweed.client().stat_object(sw_bucket, "doomed.bin")
    assert info.value.code == "NoSuchKey"


# -- downloads -----------------------------------------------------------------------------
@pytest.mark.parametrize("fault", ["cut", "stall"])
def test_interrupted_download_keeps_previous_file_and_no_temp(seaweed, proxy, sw_bucket,
                                                              tmp_path, fault):
    data = os.urandom(3 * MiB)
    seaweed.client().put_object(sw_bucket, "file.bin", io.BytesIO(data), len(data))
    target = tmp_path / "file.bin"
    target.write_bytes(b"the previous version, which must survive")
    if fault == "cut":
        proxy.add_rule("cut", method="GET", path_contains="file.bin", after_bytes=MiB)
    else:
        proxy.add_rule("stall", method="GET", path_contains="file.bin", after_bytes=MiB,
                       seconds=3.0)
    client = via(proxy, seaweed, read_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(MinioException) as info:
        client.fget_object(sw_bucket, "file.bin", str(target))
    assert time.monotonic() - started < 2.5
    assert isinstance(info.value, (InvalidResponseError, TransportError)), repr(info.value)
    assert target.read_bytes() == b"the previous version, which must survive"
    assert sorted(os.listdir(tmp_path)) == ["file.bin"]  # no temporary file left behind
    client.fget_object(sw_bucket, "file.bin", str(target))  # the rule is spent: retry works
    assert target.read_bytes() == data
    assert sorted(os.listdir(tmp_path)) == ["file.bin"]


# -- listings ------------------------------------------------------------------------------
@pytest.mark.parametrize("action,after_bytes", [("reset", 0), ("cut", 0), ("cut", 1500)],
                         ids=["reset-before-request", "answer-lost", "cut-mid-page"])
def test_listing_interrupted_between_pages_resumes(seaweed, proxy, sw_bucket, action,
                                                   after_bytes):
    direct = seaweed.client()
    keys = [f"k/{n:03d}.txt" for n in range(25)]
    for key in keys:
        direct.put_object(sw_bucket, key, io.BytesIO(key.encode()), len(key))
    rule = proxy.add_rule(action, method="GET", query_contains="continuation-token",
                          after_bytes=after_bytes)
    client = via(proxy, seaweed)
    listed = [o.object_name for o in client.list_objects(sw_bucket, recursive=True, max_keys=10)]
    assert rule.hits == 1
    assert listed == keys  # no duplicates, no gaps, in order
    assert proxy.count("GET", "list-type=2") == 3 + 1


# -- retry bounds --------------------------------------------------------------------------
def test_retries_bounded_in_count_and_name_the_last_cause(seaweed, proxy):
    proxy.add_rule("reset", method="GET", times=None)
    policy = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.1, max_total=10.0)
    client = via(proxy, seaweed, retry=policy)
    started = time.monotonic()
    with pytest.raises(RetryError) as info:
        client.list_buckets()
    elapsed = time.monotonic() - started
    assert proxy.count("GET", action="reset") == 4
    assert elapsed < 3 * policy.max_delay + 1.0
    message = str(info.value)
    assert "after 4 attempt(s)" in message
    assert "last cause: ConnectionError" in message
    assert "reset" in message.lower()
    assert isinstance(info.value.last_cause, Exception)


def test_retries_bounded_in_total_time(seaweed, proxy):
    proxy.add_rule("stall", method="GET", times=None, seconds=5.0)
    policy = RetryPolicy(max_attempts=1000, base_delay=0.1, max_delay=0.2, max_total=1.0)
    read_timeout = 0.3
    client = via(proxy, seaweed, retry=policy, read_timeout=read_timeout)
    started = time.monotonic()
    with pytest.raises(RetryError) as info:
        client.list_buckets()
    elapsed = time.monotonic() - started
    assert elapsed <= policy.max_total + read_timeout + 0.5
    attempts = proxy.count("GET", action="stall")
    assert 2 <= attempts < 10
    assert f"after {attempts} attempt(s)" in str(info.value)
    assert "ReadTimeout" in str(info.value) or "timed out" in str(info.value)


def test_refused_connections_for_a_while_then_recovery(seaweed, proxy, sw_bucket):
    proxy.refuse_for(0.6)
    started = time.monotonic()
    client = via(proxy, seaweed, retry=RetryPolicy(30, 0.05, 0.1, 10.0))
    names = [b.name for b in client.list_buckets()]
    assert time.monotonic() - started >= 0.5  # it had to wait for the proxy to come back
    assert sw_bucket in names
    assert proxy.connections == 1  # the refused attempts never reached the proxy


def test_refused_connections_beyond_the_budget_end_in_a_clear_error(seaweed, proxy):
    proxy.refuse_for(10.0)
    client = via(proxy, seaweed, retry=RetryPolicy(3, 0.01, 0.02, 5.0))
    started = time.monotonic()
    with pytest.raises(RetryError) as info:
        client.list_buckets()
    assert time.monotonic() - started < 2.0
    message = str(info.value)
    assert "after 3 attempt(s)" in message
    assert "refused" in message.lower(), message


def test_tls_failure_is_not_retried(seaweed_tls):
    with FaultProxy.for_endpoint(seaweed_tls.endpoint) as tls_proxy:
        client = Client(tls_proxy.endpoint, seaweed_tls.access_key, seaweed_tls.secret_key,
                        secure=True, region="us-east-1", retry=FAST)  # no CA: untrusted cert
        with pytest.raises(TransportError) as info:
            client.list_buckets()
        assert not isinstance(info.value, RetryError)
        assert "TLS" in str(info.value)
        assert tls_proxy.connections == 1


@pytest.mark.parametrize("env", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_bundle_is_honoured_whatever_the_environment_says(seaweed_tls, monkeypatch, env):
    import requests.certs

    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(env, requests.certs.where())  # a bundle without our test CA
    client = Client(seaweed_tls.endpoint, seaweed_tls.access_key, seaweed_tls.secret_key,
                    secure=True, region="us-east-1", ca_bundle=seaweed_tls.ca_file, retry=FAST)
    assert isinstance(client.list_buckets(), list)
