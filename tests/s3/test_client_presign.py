"""Presigned GET/PUT/DELETE URLs and POST policies, exercised with plain `requests`."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from minbrowse.s3 import PostPolicy, S3Error


def _get(url, server):
    return requests.get(url, verify=server.ca_file or True, timeout=30)


def test_presigned_get_and_response_headers(server, bucket):
    client = server.client()
    client.put_object(bucket, "dir/ü x+y.txt", io.BytesIO(b"payload"), 7)
    url = client.presigned_get_object(bucket, "dir/ü x+y.txt", expires=timedelta(hours=2))
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["7200"]
    resp = _get(url, server)
    assert resp.status_code == 200 and resp.content == b"payload"
    url = client.presigned_get_object(
        bucket, "dir/ü x+y.txt",
        response_headers={"response-content-type": "application/json",
                          "response-content-disposition": 'attachment; filename="a.json"'})
    resp = _get(url, server)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"


def test_presigned_put_then_read_back(server, bucket):
    client = server.client()
    url = client.presigned_put_object(bucket, "up/loaded.bin", expires=timedelta(minutes=5))
    resp = requests.put(url, data=b"\x00\x01binary", timeout=30)
    assert resp.status_code == 200
    assert client.get_object(bucket, "up/loaded.bin").read() == b"\x00\x01binary"


def test_presigned_delete(server, bucket):
    client = server.client()
    client.put_object(bucket, "bye", io.BytesIO(b"1"), 1)
    url = client.get_presigned_url("DELETE", bucket, "bye", expires=timedelta(days=1))
    assert requests.delete(url, timeout=30).status_code == 204
    with pytest.raises(S3Error):
        client.stat_object(bucket, "bye")


def test_tampered_presigned_url_is_refused_by_seaweedfs(seaweed):
    client = seaweed.client()
    name = seaweed.unique_bucket("sig")
    client.make_bucket(name)
    try:
        client.put_object(name, "k", io.BytesIO(b"v"), 1)
        url = client.presigned_get_object(name, "k")
        assert requests.get(url, timeout=30).status_code == 200
        tampered = url.replace("X-Amz-Expires=604800", "X-Amz-Expires=604799")
        assert requests.get(tampered, timeout=30).status_code == 403
        client.remove_object(name, "k")
    finally:
        client.remove_bucket(name)


@pytest.mark.parametrize("expires", [timedelta(days=7, seconds=1), timedelta(0),
                                     timedelta(seconds=-5)])
def test_presign_expiry_bounds(expires):
    from minbrowse.s3 import Client
    client = Client("127.0.0.1:9", "ak", "sk", secure=False, region="us-east-1")
    with pytest.raises(ValueError):
        client.presigned_get_object("bucket", "key", expires=expires)


def test_presign_with_request_date_is_deterministic():
    from minbrowse.s3 import Client
    client = Client("127.0.0.1:9", "ak", "sk", secure=False, region="us-east-1")
    when = datetime(2026, 1, 2, 3, 4, 5)  # naive: taken as UTC
    one = client.presigned_get_object("bucket", "key", request_date=when)
    two = client.presigned_get_object("bucket", "key",
                                      request_date=when.replace(tzinfo=timezone.utc))
    assert one == two and "X-Amz-Date=20260102T030405Z" in one


def test_post_policy_upload_with_requests(server, bucket):
    client = server.client()
    policy = PostPolicy(bucket, datetime.utcnow() + timedelta(days=10))
    policy.add_starts_with_condition("key", "uploads/")
    policy.add_content_length_range_condition(1, 1024 * 1024)
    form = client.presigned_post_policy(policy)
    for field in ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
                  "x-amz-signature"):
        assert field in form
    fields = dict(form, key="uploads/form.txt")
    resp = requests.post(client.bucket_url(bucket), data=fields,
                         files={"file": ("form.txt", b"posted bytes")},
                         verify=server.ca_file or True, timeout=30)
    assert resp.status_code in (200, 204), resp.text
    assert client.get_object(bucket, "uploads/form.txt").read() == b"posted bytes"


def test_post_policy_rejects_key_outside_prefix_on_seaweedfs(seaweed):
    client = seaweed.client()
    name = seaweed.unique_bucket("pp")
    client.make_bucket(name)
    try:
        policy = PostPolicy(name, datetime.utcnow() + timedelta(hours=1))
        policy.add_starts_with_condition("key", "allowed/")
        form = dict(client.presigned_post_policy(policy), key="elsewhere/x.txt")
        resp = requests.post(client.bucket_url(name), data=form,
                             files={"file": ("x.txt", b"nope")}, timeout=30)
        assert resp.status_code == 403
        assert list(client.list_objects(name, recursive=True)) == []
    finally:
        client.remove_bucket(name)
