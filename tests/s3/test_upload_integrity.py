"""Upload bodies: when Content-MD5 goes with them, its ETag check, and the retry a server may demand."""

from __future__ import annotations

import base64
import hashlib
import io
import os

import pytest

from minbrowse.s3 import GOVERNANCE, Client, ObjectLockConfig
from minbrowse.s3.uploadbody import CHECKSUM, MD5_FREE_ABOVE, needs_md5
from tests.fakes.hostile_server import HostileS3Server, Reply, Request, error_xml

MiB = 1024 * 1024


def test_md5_goes_with_small_bodies_and_everything_over_tls():
    assert needs_md5(secure=False, size=MD5_FREE_ABOVE)
    assert not needs_md5(secure=False, size=MD5_FREE_ABOVE + 1)  # the signed SHA-256 covers it
    assert needs_md5(secure=True, size=64 * MiB)  # large TLS bodies are UNSIGNED-PAYLOAD


def _sent_headers(client) -> list[str]:
    """Request header blocks the client traced (secrets are redacted by the tracer)."""
    stream = io.StringIO()
    client.trace_on(stream)
    return stream


def _traced_puts(trace: io.StringIO) -> list[str]:
    """The traced PUT requests (request line and headers, lowercased), in order."""
    blocks = trace.getvalue().lower().split("---------start-http---------")
    return [block.split("\nhttp ")[0] for block in blocks if block.startswith("\nput ")]


def test_large_plain_http_put_without_md5_reads_back_identical(seaweed):
    client = seaweed.client()
    bucket = seaweed.unique_bucket("md5")
    client.make_bucket(bucket)
    try:
        data = os.urandom(3 * MiB)
        trace = _sent_headers(client)
        client.put_object(bucket, "big", io.BytesIO(data), len(data))
        client.put_object(bucket, "small", io.BytesIO(b"tiny"), 4)
        client.trace_off()
        puts = _traced_puts(trace)
        assert len(puts) == 2
        assert "content-md5" not in puts[0] and "content-md5" in puts[1]
        with client.get_object(bucket, "big") as response:
            assert hashlib.sha256(response.read()).digest() == hashlib.sha256(data).digest()
        assert client.stat_object(bucket, "small").etag == hashlib.md5(b"tiny").hexdigest()
    finally:
        for key in ("big", "small"):
            client.remove_object(bucket, key)
        client.remove_bucket(bucket)


def test_object_lock_takes_the_checksum_in_place_of_content_md5(moto):
    """moto (like AWS) refuses a PUT under a default retention unless Content-MD5 or a
    checksum header comes with it: the checksum of a large plain-HTTP body is enough."""
    client = moto.client()
    bucket = moto.unique_bucket("lockmd5")
    client.make_bucket(bucket, object_lock=True)
    client.set_object_lock_config(bucket, ObjectLockConfig(GOVERNANCE, 1, "DAYS"))
    data = os.urandom(MD5_FREE_ABOVE + 1)
    trace = _sent_headers(client)
    result = client.put_object(bucket, "locked", io.BytesIO(data), len(data))
    client.trace_off()
    puts = _traced_puts(trace)
    assert len(puts) == 1
    assert "content-md5" not in puts[0] and CHECKSUM.header in puts[0]
    assert result.etag == hashlib.md5(data).hexdigest()
    with client.get_object(bucket, "locked") as response:
        assert response.read() == data


def test_server_demanding_md5_gets_it_on_the_retry():
    """A server that wants Content-MD5 and takes no checksum in its place (a FAKE stands for
    it: AWS and moto take the checksum) gets the body again with both."""
    data = os.urandom(MD5_FREE_ABOVE + 1)

    def demanding(request: Request) -> Reply:
        if "content-md5" not in request.headers:
            return Reply(400, error_xml("InvalidRequest", "Content-MD5 HTTP header is required "
                                        "for Put Object requests with Object Lock parameters"))
        return Reply(200, headers={"ETag": f'"{hashlib.md5(request.body).hexdigest()}"'})

    with HostileS3Server(demanding) as fake:
        client = Client(fake.endpoint, "AKIAFAKE", "fake-secret", secure=False,
                        region="us-east-1")
        result = client.put_object("bkt", "locked", io.BytesIO(data), len(data))
    first, second = fake.requests
    assert "content-md5" not in first.headers
    assert second.headers["content-md5"] == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert second.headers[CHECKSUM.header] == first.headers[CHECKSUM.header]
    assert second.body == data and result.etag == hashlib.md5(data).hexdigest()


def test_seaweedfs_refuses_a_wrong_content_md5_but_not_a_wrong_sha256(seaweed):
    """What the Content-MD5 policy rests on (see minbrowse/s3/uploadbody.py): SeaweedFS 4.48
    checks Content-MD5 but stores a body whose signed SHA-256 is wrong. (moto 5.2 checks
    neither, so this runs on SeaweedFS only.)"""
    from minbrowse.s3 import S3Error

    client = seaweed.client()
    bucket = seaweed.unique_bucket("digest")
    client.make_bucket(bucket)
    try:
        wrong = base64.b64encode(hashlib.md5(b"other bytes").digest()).decode()
        with pytest.raises(S3Error) as caught:
            client._request("PUT", bucket, "corrupt", body=b"hello world",
                            headers={"Content-MD5": wrong})
        assert caught.value.code == "BadDigest"
        assert [o.object_name for o in client.list_objects(bucket)] == []
        client._request("PUT", bucket, "unchecked", body=b"hello world",
                        content_sha256=hashlib.sha256(b"other bytes").hexdigest())
        assert client.get_object(bucket, "unchecked").read() == b"hello world"
        client.remove_object(bucket, "unchecked")
    finally:
        client.remove_bucket(bucket)
