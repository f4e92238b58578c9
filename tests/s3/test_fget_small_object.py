"""fget_small_object (the bulk download's path for small objects) on real servers."""

from __future__ import annotations

import io
import os
import stat

import pytest

from minbrowse.s3.errors import S3Error


def _put(client, bucket, key, body):
    client.put_object(bucket, key, io.BytesIO(body), len(body))


def test_writes_the_bytes_atomically_with_the_umask_mode(server, bucket, tmp_path):
    client = server.client()
    body = os.urandom(3000)
    _put(client, bucket, "small/a.bin", body)
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    old_umask = os.umask(0o027)
    try:
        info = client.fget_small_object(bucket, "small/a.bin", str(target))
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == body
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert info.size == len(body) and info.object_name == "small/a.bin"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]  # no temp file left


def test_empty_object_and_missing_key(server, bucket, tmp_path):
    client = server.client()
    _put(client, bucket, "small/empty", b"")
    client.fget_small_object(bucket, "small/empty", str(tmp_path / "empty"))
    assert (tmp_path / "empty").read_bytes() == b""
    (tmp_path / "kept").write_bytes(b"previous")
    with pytest.raises(S3Error) as caught:
        client.fget_small_object(bucket, "small/no-such-key", str(tmp_path / "kept"))
    assert caught.value.code == "NoSuchKey"
    assert (tmp_path / "kept").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "kept"]


def test_a_folder_in_the_way_fails_and_leaves_nothing(server, bucket, tmp_path):
    client = server.client()
    _put(client, bucket, "small/b", b"bee")
    (tmp_path / "b").mkdir()
    with pytest.raises(OSError):
        client.fget_small_object(bucket, "small/b", str(tmp_path / "b"))
    assert [p.name for p in tmp_path.iterdir()] == ["b"]
    assert list((tmp_path / "b").iterdir()) == []
