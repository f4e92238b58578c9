"""minbrowse.transfer against real servers: each test runs on SeaweedFS and on moto (`server`, `bucket`)."""

from __future__ import annotations

import filecmp
import io
import os

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import MinioException, S3Error
from servers import create_bucket, purge_bucket

from minbrowse.transfer import (
    ExistingFilePolicy,
    JobState,
    SkippedKey,
    TransferProgress,
    TransferQueue,
    download_object,
    download_prefix,
    upload_dir,
)


def _files(root) -> list[str]:
    out = []
    for folder, _dirs, names in os.walk(root):
        out.extend(os.path.relpath(os.path.join(folder, n), root) for n in names)
    return sorted(out)


def _make_tree(root) -> None:
    (root / "docs" / "deep" / "deeper").mkdir(parents=True)
    (root / "unicodé 日本").mkdir()
    (root / "index.html").write_bytes(b"<html>hi</html>")
    (root / "empty.txt").write_bytes(b"")
    (root / "docs" / "notes with spaces.md").write_bytes(b"# notes\n" * 100)
    (root / "docs" / "deep" / "deeper" / "blob.bin").write_bytes(os.urandom(1_500_000))
    (root / "unicodé 日本" / "fichier ü.txt").write_bytes("ünïcødé".encode())
    (root / "plus+and&amp=.txt").write_bytes(b"odd chars")


@pytest.fixture
def client(server):
    return server.client()


def test_upload_then_download_gives_byte_identical_tree(client, bucket, tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    _make_tree(src)
    up = upload_dir(client, str(src), bucket, "tree/")
    assert up.ok and not up.skipped, (up.failed, up.skipped)
    listed = sorted(o.object_name for o in client.list_objects(bucket, prefix="tree/", recursive=True))
    assert listed == sorted("tree/" + p.replace(os.sep, "/") for p in _files(src))
    stat = client.stat_object(bucket, "tree/index.html")
    assert stat.content_type == "text/html"

    snaps = []
    down = download_prefix(client, bucket, "tree/", str(dst), progress=snaps.append)
    assert down.ok and not down.skipped and not down.conflicts
    assert _files(dst) == _files(src)
    match, mismatch, errors = filecmp.cmpfiles(src, dst, _files(src), shallow=False)
    assert (mismatch, errors) == ([], [])
    total = sum(os.path.getsize(src / p) for p in _files(src))
    assert (snaps[-1].bytes_done, snaps[-1].bytes_total) == (total, total)
    assert down.bytes_transferred == total


@pytest.mark.parametrize("policy", list(ExistingFilePolicy))
def test_existing_file_policy_against_server(client, bucket, tmp_path, policy):
    client.put_object(bucket, "p/a.txt", io.BytesIO(b"server"), 6)
    client.put_object(bucket, "p/b.txt", io.BytesIO(b"bbb"), 3)
    (tmp_path / "a.txt").write_bytes(b"local")
    report = download_prefix(client, bucket, "p/", str(tmp_path), policy=policy)
    assert (tmp_path / "b.txt").read_bytes() == b"bbb"
    if policy is ExistingFilePolicy.SKIP:
        assert (tmp_path / "a.txt").read_bytes() == b"local"
        assert report.skipped == (SkippedKey("p/a.txt", "file exists locally"),)
        assert _files(tmp_path) == ["a.txt", "b.txt"]
    elif policy in (ExistingFilePolicy.OVERWRITE, ExistingFilePolicy.SKIP_UNCHANGED):
        # the local a.txt differs from the object (size), so "skip if unchanged" replaces it
        assert (tmp_path / "a.txt").read_bytes() == b"server"
        assert _files(tmp_path) == ["a.txt", "b.txt"]
    else:
        assert (tmp_path / "a.txt").read_bytes() == b"local"
        assert (tmp_path / "a (1).txt").read_bytes() == b"server"


def test_cancel_mid_download_keeps_old_file_and_no_temp(client, bucket, tmp_path):
    size = 4 * 1024 * 1024
    client.put_object(bucket, "big/blob.bin", io.BytesIO(os.urandom(size)), size)
    (tmp_path / "blob.bin").write_bytes(b"precious old data")
    cancel = CancelToken()

    def on_update(snap):
        if snap.bytes_done > 0:  # at least one chunk written to the temp file
            cancel.cancel()

    report = download_prefix(client, bucket, "big/", str(tmp_path), cancel=cancel,
                             policy=ExistingFilePolicy.OVERWRITE,
                             progress=TransferProgress(on_update, min_interval=0))
    assert report.cancelled and not report.downloaded and not report.failed
    assert (tmp_path / "blob.bin").read_bytes() == b"precious old data"
    assert os.listdir(tmp_path) == ["blob.bin"]


def test_missing_object_is_reported_by_download_object(client, bucket, tmp_path):
    with pytest.raises(S3Error) as err:
        download_object(client, bucket, "no/such/key", str(tmp_path / "x"))
    assert err.value.code == "NoSuchKey"
    assert os.listdir(tmp_path) == []


def test_hostile_keys_stored_by_server_never_escape(server, client, bucket, tmp_path):
    for key in ["h/a//b", "h/./c", "h/x/../../d"]:
        try:
            client.put_object(bucket, key, io.BytesIO(b"evil"), 4)
        except MinioException:  # refused by the server: nothing stored
            continue
    listed = [o.object_name for o in client.list_objects(bucket, prefix="h/", recursive=True)]
    stored = [k for k in listed if "//" in k or "/./" in k or "/../" in k]
    if not stored:
        pytest.skip(f"{server.name} normalises '//', '/./', '/../' in keys (stored: {listed}); "
                    "the fake-client tests cover the skipping")
    dest = tmp_path / "in" / "dest"
    report = download_prefix(client, bucket, "h/", str(dest))
    assert {s.key for s in report.skipped} >= set(stored)
    assert all(str(p).startswith(str(dest)) for p in dest.rglob("*"))
    assert sorted(os.listdir(tmp_path)) == ["in"]


def test_queue_runs_jobs_and_copies_between_buckets(server, client, bucket, tmp_path):
    other = server.unique_bucket("tcopy")
    create_bucket(server, other)
    body = os.urandom(200_000)
    client.put_object(bucket, "src/obj.png", io.BytesIO(body), len(body), content_type="image/png",
                      metadata={"x-amz-meta-owner": "tester"})
    queue = TransferQueue(max_running=2)
    try:
        copy_job = queue.copy_between(client, bucket, "src/obj.png", client, other, "dst/obj.png")
        bad_job = queue.download_object(client, bucket, "missing", str(tmp_path / "m"))
        up_dir = tmp_path / "up"
        up_dir.mkdir()
        (up_dir / "f.txt").write_bytes(b"queued upload")
        up_job = queue.upload_dir(client, str(up_dir), other, "q/")
        assert queue.wait_all(60)
        assert queue.get(copy_job).state is JobState.DONE, queue.get(copy_job).error
        assert queue.get(bad_job).state is JobState.FAILED
        assert queue.get(bad_job).error.startswith("NoSuchKey")
        assert queue.get(up_job).state is JobState.DONE
        response = client.get_object(other, "dst/obj.png")
        try:
            assert response.read() == body
        finally:
            response.close()
        stat = client.stat_object(other, "dst/obj.png")
        assert stat.content_type == "image/png"
        assert stat.metadata.get("x-amz-meta-owner") == "tester"
        got = client.get_object(other, "q/f.txt")
        try:
            assert got.read() == b"queued upload"
        finally:
            got.close()
    finally:
        queue.shutdown()
        purge_bucket(server, other)


def test_multipart_upload_through_upload_dir_round_trips(server, bucket, tmp_path):
    mib = 1024 * 1024
    client = server.client(multipart_threshold=5 * mib, part_size=5 * mib)
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    (src / "large.bin").write_bytes(os.urandom(11 * mib))
    (src / "small.txt").write_bytes(b"small")
    report = upload_dir(client, str(src), bucket, "mp/", concurrency=2)
    assert report.ok and report.bytes_transferred == 11 * mib + 5
    stat = client.stat_object(bucket, "mp/large.bin")
    assert stat.size == 11 * mib and stat.etag.endswith("-3")  # three parts
    down = download_prefix(client, bucket, "mp/", str(dst))
    assert down.ok
    assert filecmp.cmpfiles(src, dst, ["large.bin", "small.txt"], shallow=False)[0] == \
        ["large.bin", "small.txt"]


def test_cancel_upload_dir_stops_after_current_file(client, bucket, tmp_path):
    for i in range(10):
        (tmp_path / f"f{i}.txt").write_bytes(b"x" * 1000)
    cancel = CancelToken()

    def on_update(snap):
        if snap.files_done >= 1:
            cancel.cancel()

    report = upload_dir(client, str(tmp_path), bucket, "c/", concurrency=1, cancel=cancel,
                        progress=TransferProgress(on_update, min_interval=0))
    assert report.cancelled and not report.failed
    listed = [o.object_name for o in client.list_objects(bucket, prefix="c/", recursive=True)]
    assert listed == [f.key for f in report.uploaded] and len(listed) == 1


def test_object_and_prefix_with_same_name_is_a_conflict(client, bucket, tmp_path):
    client.put_object(bucket, "k/a", io.BytesIO(b"file"), 4)
    try:
        client.put_object(bucket, "k/a/b", io.BytesIO(b"nested"), 6)
    except MinioException as exc:
        pytest.skip(f"server cannot store an object and a prefix of the same name: {exc}")
    names = sorted(o.object_name for o in client.list_objects(bucket, prefix="k/", recursive=True))
    if names != ["k/a", "k/a/b"]:
        pytest.skip(f"server does not keep both 'a' and 'a/b' (lists {names})")
    report = download_prefix(client, bucket, "k/", str(tmp_path))
    assert [(c.key, c.other_key) for c in report.conflicts] == [("k/a/b", "k/a")]
    assert (tmp_path / "a").read_bytes() == b"file"
