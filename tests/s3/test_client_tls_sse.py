"""TLS with a custom CA bundle, and SSE-C on SeaweedFS's TLS endpoint."""

from __future__ import annotations

import io
import os

import pytest

from minbrowse.s3 import (Client, S3ClientError, S3Error, SseCustomerKey,
                          TransportError)

KEY = SseCustomerKey(b"32byteslongsecretkeymustprovided")


def test_custom_ca_bundle_is_used_and_verification_on_by_default(seaweed_tls):
    ok = Client(seaweed_tls.endpoint, seaweed_tls.access_key, seaweed_tls.secret_key,
                secure=True, ca_bundle=seaweed_tls.ca_file)
    assert isinstance(ok.list_buckets(), list)
    default = Client(seaweed_tls.endpoint, seaweed_tls.access_key, seaweed_tls.secret_key,
                     secure=True)
    with pytest.raises(TransportError, match="TLS"):
        default.list_buckets()


def test_sse_c_put_get_stat_and_missing_key(seaweed_tls):
    client = seaweed_tls.client()
    name = seaweed_tls.unique_bucket("ssec")
    client.make_bucket(name)
    try:
        data = os.urandom(64 * 1024)
        client.put_object(name, "secret.bin", io.BytesIO(data), len(data), sse=KEY)
        got = client.get_object(name, "secret.bin", ssec=KEY).read()
        assert got == data
        assert client.stat_object(name, "secret.bin", ssec=KEY).size == len(data)
        with pytest.raises(S3Error) as info:
            client.get_object(name, "secret.bin").read()
        assert info.value.code in ("InvalidArgument", "InvalidRequest", "BadRequest",
                                   "AccessDenied")
        client.remove_object(name, "secret.bin")
    finally:
        client.remove_bucket(name)


def test_sse_c_refused_over_plain_http_before_sending():
    client = Client("127.0.0.1:9", "ak", "sk", secure=False)
    with pytest.raises(S3ClientError, match="secure"):
        client.put_object("bucket", "k", io.BytesIO(b"x"), 1, sse=KEY)
    with pytest.raises(S3ClientError, match="secure"):
        client.get_object("bucket", "k", ssec=KEY)


def test_sse_c_key_never_in_repr():
    assert "32byteslong" not in repr(KEY)
    import base64
    assert base64.b64encode(b"32byteslongsecretkeymustprovided").decode() not in repr(KEY)


def test_sse_c_copy_source_key_refused_over_plain_http_before_sending():
    from minbrowse.s3 import ComposeSource, CopySource
    client = Client("127.0.0.1:1", "ak", "sk", secure=False, region="us-east-1")  # nothing listens
    with pytest.raises(S3ClientError, match="secure"):
        client.copy_object("bucket", "dst", CopySource("bucket", "src", ssec=KEY))
    with pytest.raises(S3ClientError, match="secure"):
        client.compose_object("bucket", "dst", [ComposeSource("bucket", "src", ssec=KEY)])
