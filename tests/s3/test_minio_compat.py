"""Reproducers for API differences found by running minio-py's own functional suite against us.

Each test here stands for one failure of minio-py's `tests/functional/tests.py` run through a
`minio` -> `minbrowse.s3` shim (see tests/s3/RUN_MINIO_FUNCTIONAL.md); it asserts what
minio-py 7.2.20 does on the same input against the same server.
"""

from __future__ import annotations

import io

import pytest

from minbrowse.s3 import REPLACE, CopySource, S3ClientError

# The three names minio-py's test_negative_make_bucket_invalid_name tries; it expects the
# client to refuse each one with a ValueError (minio-py's check_bucket_name raises ValueError).
_INVALID_NAMES = ("{base}.", ".{base}", "{base}...abcd")


@pytest.mark.parametrize("pattern", _INVALID_NAMES)
def test_make_bucket_invalid_name_is_a_value_error(seaweed, pattern):
    """minio-py: test_negative_make_bucket_invalid_name (only `except ValueError` is tolerated)."""
    client = seaweed.client()
    base = seaweed.unique_bucket("inv")
    with pytest.raises(ValueError) as info:
        client.make_bucket(pattern.format(base=base))
    assert isinstance(info.value, S3ClientError)  # our own contract stays true as well
    assert not [b.name for b in client.list_buckets() if base in b.name]  # nothing created


def test_copy_object_metadata_with_non_string_keys_and_values(server, bucket):
    """minio-py: test_copy_object_with_metadata; keys and values are str()-ed, as minio-py does."""
    client = server.client()
    payload = b"k" * 1024
    client.put_object(bucket, "source", io.BytesIO(payload), len(payload))
    client.copy_object(bucket, "copy", CopySource(bucket, "source"),
                       metadata={"testing-string": "string", "testing-int": 1, 10: "value"},
                       metadata_directive=REPLACE)
    stat = client.stat_object(bucket, "copy")
    meta = {key.lower(): value for key, value in stat.metadata.items()}
    assert meta["x-amz-meta-testing-string"] == "string"
    assert meta["x-amz-meta-testing-int"] == "1"
    assert meta["x-amz-meta-10"] == "value"
    assert stat.size == len(payload)


def test_put_object_metadata_with_integer_key(server, bucket):
    """Same normalisation on plain uploads: {10: 'value'} becomes x-amz-meta-10: value."""
    client = server.client()
    client.put_object(bucket, "obj", io.BytesIO(b"abc"), 3, metadata={10: "value", "n": 7})
    meta = {key.lower(): value for key, value in client.stat_object(bucket, "obj").metadata.items()}
    assert meta["x-amz-meta-10"] == "value"
    assert meta["x-amz-meta-n"] == "7"
    assert client.get_object(bucket, "obj").read() == b"abc"


def test_ssl_cert_file_environment_names_the_ca(seaweed_tls, monkeypatch):
    """minio-py trusts $SSL_CERT_FILE by default (mint's HTTPS runs set only it); so should we,
    even when a curl-wide CURL_CA_BUNDLE (set system-wide on many hosts) names another bundle."""
    import requests.certs

    from minbrowse.s3 import Client

    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("CURL_CA_BUNDLE", requests.certs.where())  # without our test CA
    monkeypatch.setenv("SSL_CERT_FILE", seaweed_tls.ca_file)
    client = Client(seaweed_tls.endpoint, seaweed_tls.access_key, seaweed_tls.secret_key,
                    secure=True)
    name = seaweed_tls.unique_bucket("ssl")
    client.make_bucket(name)
    try:
        assert name in [b.name for b in client.list_buckets()]
    finally:
        client.remove_bucket(name)
