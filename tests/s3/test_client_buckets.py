"""Bucket operations and listings of the S3 core against SeaweedFS and moto's server."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest

from minbrowse.s3 import DeleteObject, S3ClientError, S3Error, VersioningConfig, ENABLED


def test_make_exists_list_remove(server):
    client = server.client()
    name = server.unique_bucket("mk")
    assert not client.bucket_exists(name)
    client.make_bucket(name)
    try:
        assert client.bucket_exists(name)
        names = [b.name for b in client.list_buckets()]
        assert name in names
        created = next(b for b in client.list_buckets() if b.name == name).creation_date
        assert created is not None and created.tzinfo is not None
    finally:
        client.remove_bucket(name)
    assert not client.bucket_exists(name)


def test_remove_missing_bucket_is_no_such_bucket(server):
    with pytest.raises(S3Error) as info:
        server.client().remove_bucket(server.unique_bucket("gone"))
    assert info.value.code == "NoSuchBucket"


def test_remove_non_empty_bucket_refused(server, bucket):
    client = server.client()
    client.put_object(bucket, "x", io.BytesIO(b"1"), 1)
    with pytest.raises(S3Error) as info:
        client.remove_bucket(bucket)
    assert info.value.code == "BucketNotEmpty"
    assert client.bucket_exists(bucket)


@pytest.mark.parametrize("name", ["ab", "Upper-Case", "bad_name", "-lead", "a..b", "192.168.1.1",
                                  "x" * 64, ""])
def test_invalid_bucket_name_rejected_before_sending(name):
    from minbrowse.s3 import Client
    client = Client("127.0.0.1:1", "ak", "sk", secure=False)  # nothing listens there
    with pytest.raises(S3ClientError):
        client.make_bucket(name)


def _seed(client, bucket, keys):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: client.put_object(bucket, k, io.BytesIO(k.encode()), len(k)),
                      keys))


@pytest.mark.parametrize("api_v1", [False, True], ids=["v2", "v1"])
def test_list_1001_objects_across_pages(server, bucket, api_v1):
    client = server.client()
    keys = [f"dir/obj-{i:05d}" for i in range(1001)] + ["top.txt", "other/x"]
    _seed(client, bucket, keys)
    listed = [o.object_name for o in client.list_objects(bucket, prefix="dir/", recursive=True,
                                                        use_api_v1=api_v1)]
    assert listed == sorted(k for k in keys if k.startswith("dir/"))
    shallow = list(client.list_objects(bucket, use_api_v1=api_v1))
    assert [(o.object_name, o.is_dir) for o in shallow] == [
        ("top.txt", False), ("dir/", True), ("other/", True)]
    after = [o.object_name for o in client.list_objects(
        bucket, prefix="dir/", recursive=True, start_after="dir/obj-00990", use_api_v1=api_v1)]
    assert after == [f"dir/obj-{i:05d}" for i in range(991, 1001)]
    top = next(o for o in shallow if o.object_name == "top.txt")
    assert top.size == len("top.txt") and top.etag and top.last_modified is not None


def test_list_pages_small_max_keys_no_gaps_or_duplicates(server, bucket):
    client = server.client()
    keys = [f"k{i:03d}" for i in range(25)]
    _seed(client, bucket, keys)
    pages = list(client.list_object_pages(bucket, recursive=True, max_keys=7))
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    assert [o.object_name for p in pages for o in p] == keys


def test_unicode_and_special_keys_round_trip(server, bucket):
    client = server.client()
    keys = ["ünïcödé/文件.txt", "space name.txt", "plus+tilde~eq=amp&.txt",
            "emoji 😀.bin", "percent%20literal"]
    if server.name != "seaweedfs":  # server gap: SeaweedFS 4.48 folds "//" in keys to "/"
        keys.append("a//double")
    for key in keys:
        client.put_object(bucket, key, io.BytesIO(key.encode()), len(key.encode()))
    listed = sorted(o.object_name for o in client.list_objects(bucket, recursive=True))
    assert listed == sorted(keys)
    for key in keys:
        assert client.get_object(bucket, key).read() == key.encode()
        assert client.stat_object(bucket, key).size == len(key.encode())


def test_versioning_and_list_versions_with_delete_markers(server, bucket):
    client = server.client()
    assert client.get_bucket_versioning(bucket).status == "Off"
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    assert client.get_bucket_versioning(bucket).status == ENABLED
    v1 = client.put_object(bucket, "doc", io.BytesIO(b"one"), 3).version_id
    v2 = client.put_object(bucket, "doc", io.BytesIO(b"two!"), 4).version_id
    assert v1 and v2 and v1 != v2
    client.remove_object(bucket, "doc")  # creates a delete marker
    versions = list(client.list_objects(bucket, include_version=True))
    markers = [o for o in versions if o.is_delete_marker]
    plain = [o for o in versions if not o.is_delete_marker]
    assert len(markers) == 1 and markers[0].is_latest == "true"
    assert sorted(o.version_id for o in plain) == sorted([v1, v2])
    assert client.get_object(bucket, "doc", version_id=v1).read() == b"one"
    with pytest.raises(S3Error) as info:
        client.stat_object(bucket, "doc")
    assert info.value.code in ("NoSuchKey", "MethodNotAllowed")
    # undelete: remove the marker
    client.remove_object(bucket, "doc", version_id=markers[0].version_id)
    assert client.get_object(bucket, "doc").read() == b"two!"


def test_remove_objects_batches_and_is_lazy(server, bucket):
    client = server.client()
    keys = [f"del/{i:04d}" for i in range(1005)]
    _seed(client, bucket, keys)
    errors = client.remove_objects(bucket, (DeleteObject(k) for k in keys))
    assert list(client.list_objects(bucket, prefix="del/", recursive=True))  # lazy: nothing yet
    assert list(errors) == []
    assert list(client.list_objects(bucket, prefix="del/", recursive=True)) == []


def test_remove_objects_sends_batches_concurrently_and_reports_in_order(seaweed, monkeypatch):
    """3 batches of a real bucket are deleted; then the ordering and overlap, with slowed batches."""
    import threading
    import time

    from minbrowse.s3.deleteobjects import DeleteError

    client = seaweed.client()
    bucket = seaweed.unique_bucket("rmpar")
    client.make_bucket(bucket)
    keys = [f"k/{i:04d}" for i in range(2500)]
    _seed(client, bucket, keys)
    assert list(client.remove_objects(bucket, (DeleteObject(k) for k in keys))) == []
    assert list(client.list_objects(bucket, prefix="k/", recursive=True)) == []
    client.remove_bucket(bucket)

    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow_batch(bucket_name, batch, headers):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.2 if batch[0].name == "b/0000" else 0.02)  # the first batch ends last
        with lock:
            in_flight[0] -= 1
        return [DeleteError("AccessDenied", "no", batch[0].name, None)]

    monkeypatch.setattr(client, "_delete_batch", slow_batch)
    names = [e.name for e in client.remove_objects(
        "any-bucket", (DeleteObject(f"b/{i:04d}") for i in range(5500)))]
    assert names == ["b/0000", "b/1000", "b/2000", "b/3000", "b/4000", "b/5000"]
    assert peak[0] >= 2
