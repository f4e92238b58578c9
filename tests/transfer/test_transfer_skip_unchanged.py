"""Transfers that skip what their target already holds, on SeaweedFS and moto (`server`,
`bucket`): uploads (`ExistingObjectPolicy`) and downloads (`ExistingFilePolicy.SKIP_UNCHANGED`).
What was skipped is reported with its reason, what changed is transferred, and the target ends
up with the source's bytes."""

from __future__ import annotations

import io
import os
import time

import pytest

from minbrowse.transfer import (ExistingFilePolicy, ExistingObjectPolicy, SkippedKey,
                                download_object, download_prefix, upload_dir, upload_file)
from minbrowse.transfer.unchanged import RemoteObject, skip_reason

MiB = 1024 * 1024


@pytest.fixture
def client(server):
    return server.client()


def _tree(root) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "same.txt").write_bytes(b"unchanged")
    (root / "edited.txt").write_bytes(b"version 1")
    (root / "grown.txt").write_bytes(b"short")
    (root / "sub" / "big.bin").write_bytes(os.urandom(17 * MiB))  # multipart: no MD5 ETag


def _read(client, bucket, key) -> bytes:
    response = client.get_object(bucket, key)
    try:
        return response.read()
    finally:
        response.close()


def test_skip_unchanged_uploads_only_what_changed(client, bucket, tmp_path):
    src = tmp_path / "src"
    _tree(src)
    first = upload_dir(client, str(src), bucket, "t/")
    assert len(first.uploaded) == 4 and not first.skipped
    assert client.stat_object(bucket, "t/sub/big.bin").etag.endswith("-3")

    (src / "edited.txt").write_bytes(b"version 2")  # same size, other bytes: MD5 differs
    (src / "grown.txt").write_bytes(b"longer now")
    (src / "new.txt").write_bytes(b"new")
    again = upload_dir(client, str(src), bucket, "t/",
                       existing=ExistingObjectPolicy.SKIP_UNCHANGED)
    assert sorted(f.key for f in again.uploaded) == ["t/edited.txt", "t/grown.txt", "t/new.txt"]
    skipped = {os.path.relpath(s.key, src): s.reason for s in again.skipped}
    assert skipped == {"same.txt": "unchanged: same size and MD5 in the bucket",
                       os.path.join("sub", "big.bin"):
                           "unchanged: same size in the bucket, not older than the local file"}
    for name in ("same.txt", "edited.txt", "grown.txt", "new.txt"):
        assert _read(client, bucket, f"t/{name}") == (src / name).read_bytes()

    # a newer local file of the same size is uploaded again, even without an MD5 ETag
    future = time.time() + 3600
    os.utime(src / "sub" / "big.bin", (future, future))
    later = upload_dir(client, str(src), bucket, "t/",
                       existing=ExistingObjectPolicy.SKIP_UNCHANGED)
    assert [f.key for f in later.uploaded] == ["t/sub/big.bin"]


def test_skip_existing_leaves_every_object_as_it_was(client, bucket, tmp_path):
    src = tmp_path / "src"
    _tree(src)
    upload_dir(client, str(src), bucket, "t/")
    (src / "edited.txt").write_bytes(b"version 2")
    (src / "new.txt").write_bytes(b"new")
    report = upload_dir(client, str(src), bucket, "t/", existing=ExistingObjectPolicy.SKIP)
    assert [f.key for f in report.uploaded] == ["t/new.txt"]
    assert len(report.skipped) == 4
    assert all(s.reason == "already in the bucket (skip existing)" for s in report.skipped)
    assert _read(client, bucket, "t/edited.txt") == b"version 1"


def test_upload_file_skips_or_uploads_by_policy(client, bucket, tmp_path):
    path = tmp_path / "one.txt"
    path.write_bytes(b"first")
    missing = upload_file(client, str(path), bucket, "one.txt",
                          existing=ExistingObjectPolicy.SKIP_UNCHANGED)
    assert not isinstance(missing, SkippedKey)  # nothing there yet: uploaded
    same = upload_file(client, str(path), bucket, "one.txt",
                       existing=ExistingObjectPolicy.SKIP_UNCHANGED)
    assert same == SkippedKey(str(path), "unchanged: same size and MD5 in the bucket")
    path.write_bytes(b"other")
    changed = upload_file(client, str(path), bucket, "one.txt",
                          existing=ExistingObjectPolicy.SKIP_UNCHANGED)
    assert not isinstance(changed, SkippedKey)
    assert _read(client, bucket, "one.txt") == b"other"


def test_skip_reason_rules(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    md5 = "900150983cd24fb0d6963f7d28e17f72"
    unchanged = ExistingObjectPolicy.SKIP_UNCHANGED
    assert skip_reason(unchanged, str(path), 3, 0.0, None) is None
    assert skip_reason(ExistingObjectPolicy.OVERWRITE, str(path), 3, 0.0,
                       RemoteObject(3, md5, None)) is None
    assert skip_reason(unchanged, str(path), 3, 0.0, RemoteObject(3, md5, None)) is not None
    assert skip_reason(unchanged, str(path), 3, 0.0, RemoteObject(4, md5, None)) is None
    assert skip_reason(unchanged, str(path), 3, 0.0, RemoteObject(3, "0" * 32, None)) is None
    # not an MD5 ETag and no date: never assumed unchanged
    assert skip_reason(unchanged, str(path), 3, 0.0, RemoteObject(3, "abc-2", None)) is None


def test_download_skip_unchanged_fetches_only_what_differs(client, bucket, tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    _tree(src)
    upload_dir(client, str(src), bucket, "t/")
    first = download_prefix(client, bucket, "t/", str(dst))
    assert len(first.downloaded) == 4
    client.put_object(bucket, "t/edited.txt", io.BytesIO(b"version 2"), 9)  # same size
    (dst / "grown.txt").write_bytes(b"local edit, longer")
    again = download_prefix(client, bucket, "t/", str(dst),
                            policy=ExistingFilePolicy.SKIP_UNCHANGED)
    assert sorted(f.key for f in again.downloaded) == ["t/edited.txt", "t/grown.txt"]
    assert {s.key: s.reason for s in again.skipped} == {
        "t/same.txt": "unchanged: same size and MD5 as the object",
        "t/sub/big.bin": "unchanged: same size as the object, and not older"}
    assert (dst / "edited.txt").read_bytes() == b"version 2"
    assert (dst / "grown.txt").read_bytes() == b"short"
    assert (dst / "sub" / "big.bin").read_bytes() == (src / "sub" / "big.bin").read_bytes()

    # an older local copy of a multipart object is fetched again
    os.utime(dst / "sub" / "big.bin", (0, 0))
    later = download_prefix(client, bucket, "t/", str(dst),
                            policy=ExistingFilePolicy.SKIP_UNCHANGED)
    assert [f.key for f in later.downloaded] == ["t/sub/big.bin"]

    single = download_object(client, bucket, "t/same.txt", str(dst / "same.txt"),
                             policy=ExistingFilePolicy.SKIP_UNCHANGED)
    assert single == SkippedKey("t/same.txt", "unchanged: same size and MD5 as the object")
