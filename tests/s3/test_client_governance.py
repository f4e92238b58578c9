"""Object lock governance on SeaweedFS: retention, legal hold, bypass, and versions paging."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from minbrowse.s3 import (COMPLIANCE, DeleteObject, GOVERNANCE, Retention, S3Error)


def _put(client, bucket, key, data=b"locked"):
    return client.put_object(bucket, key, io.BytesIO(data), len(data))


def test_retention_shortening_needs_bypass(seaweed):
    client = seaweed.client()
    bucket = seaweed.unique_bucket("gov")
    client.make_bucket(bucket, object_lock=True)
    version = _put(client, bucket, "doc").version_id
    far = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=10)
    client.set_object_retention(bucket, "doc", Retention(GOVERNANCE, far))
    got = client.get_object_retention(bucket, "doc")
    assert got.mode == GOVERNANCE and got.retain_until_date == far
    near = far - timedelta(days=9)
    with pytest.raises(S3Error) as info:
        client.set_object_retention(bucket, "doc", Retention(GOVERNANCE, near))
    assert info.value.code == "AccessDenied"
    client.set_object_retention(bucket, "doc", Retention(GOVERNANCE, near),
                                bypass_governance_mode=True)
    assert client.get_object_retention(bucket, "doc").retain_until_date == near
    # a retained version cannot be deleted without bypass; with bypass it can
    errors = list(client.remove_objects(bucket, [DeleteObject("doc", version)]))
    assert [e.code for e in errors] == ["AccessDenied"]
    errors = list(client.remove_objects(bucket, [DeleteObject("doc", version)],
                                        bypass_governance_mode=True))
    assert errors == []
    client.remove_bucket(bucket)


def test_legal_hold_blocks_version_delete(seaweed):
    client = seaweed.client()
    bucket = seaweed.unique_bucket("hold")
    client.make_bucket(bucket, object_lock=True)
    version = client.put_object(bucket, "held", io.BytesIO(b"x"), 1, legal_hold=True).version_id
    assert client.is_object_legal_hold_enabled(bucket, "held") is True
    with pytest.raises(S3Error) as info:
        client.remove_object(bucket, "held", version_id=version)
    assert info.value.code == "AccessDenied"
    client.disable_object_legal_hold(bucket, "held")
    client.remove_object(bucket, "held", version_id=version)
    client.remove_bucket(bucket)


def test_retention_date_must_be_in_the_future_before_sending():
    from minbrowse.s3 import Client
    client = Client("127.0.0.1:9", "ak", "sk", secure=False)
    past = datetime.utcnow() - timedelta(days=1)
    with pytest.raises(ValueError, match="future"):
        client.set_object_retention("bucket", "key", Retention(COMPLIANCE, past))


def test_list_versions_pages_with_markers(versioned_bucket, server):
    client = server.client()
    written = []
    for key in ("a", "b", "c"):
        for n in range(3):
            written.append((key, _put(client, versioned_bucket, key, bytes([n])).version_id))
    pages = list(client.list_object_pages(versioned_bucket, include_version=True, max_keys=2))
    seen = [(o.object_name, o.version_id) for page in pages for o in page]
    assert len(pages) >= 5
    assert sorted(seen) == sorted(written) and len(set(seen)) == len(seen)
    latest = {o.object_name: o.version_id for page in pages for o in page
              if o.is_latest == "true"}
    assert latest == {"a": written[2][1], "b": written[5][1], "c": written[8][1]}


def test_listing_without_url_encoding(server, bucket):
    client = server.client()
    keys = ["plain", "sp ace/ü+x"]
    for key in keys:
        _put(client, bucket, key)
    listed = [o.object_name for o in client.list_objects(bucket, recursive=True,
                                                        use_url_encoding_type=False)]
    assert listed == sorted(keys)


def test_delete_replication_without_config_never_deletes_the_bucket(seaweed):
    """SeaweedFS routes DELETE ?replication to DeleteBucket: the client must not send it blindly."""
    client = seaweed.client()
    name = seaweed.unique_bucket("repl")
    client.make_bucket(name)
    client.delete_bucket_replication(name)
    assert client.bucket_exists(name)
    client.remove_bucket(name)
