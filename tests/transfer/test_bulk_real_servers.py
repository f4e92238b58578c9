"""The bulk engine (copy_prefix, delete_prefix, …) on real servers: SeaweedFS and moto (`server`)."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.commonconfig import ENABLED
from minbrowse.s3.versioning import VersioningConfig
from minbrowse.transfer import (
    TransferProgress,
    copy_objects,
    copy_prefix,
    delete_objects,
    delete_prefix,
    summarize_prefix,
)
from minbrowse.transfer.copyprefix import target_key

N_OBJECTS = 230  # more than one 1000-key page is covered by the listing tests; here: batches, pool


@pytest.fixture
def client(server):
    return server.client()


def _put_tree(client, bucket: str, prefix: str, count: int = N_OBJECTS) -> dict[str, bytes]:
    """`count` objects under `prefix` in nested folders, sizes 0..~3 KiB; returns key -> bytes."""
    made = {}
    for i in range(count):
        key = f"{prefix}d{i % 7}/sub{i % 3}/obj-{i:04d} ü.bin"
        body = hashlib.sha256(str(i).encode()).digest() * (i % 97)
        client.put_object(bucket, key, io.BytesIO(body), len(body))
        made[key] = body
    return made


def _read(client, bucket: str, key: str) -> bytes:
    resp = client.get_object(bucket, key)
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


def _keys(client, bucket: str, prefix: str) -> set[str]:
    return {o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True)}


def test_copy_prefix_copies_every_object_byte_for_byte(client, bucket):
    made = _put_tree(client, bucket, "src/")
    client.put_object(bucket, "srcx/not-me", io.BytesIO(b"x"), 1)  # same leading letters
    snapshots = []
    report = copy_prefix(client, bucket, "src/", bucket, "dst/", progress=snapshots.append)
    assert report.ok and report.done == len(made), report.failed[:3]
    assert report.bytes == sum(len(b) for b in made.values())
    assert _keys(client, bucket, "dst/") == {target_key(k, "src/", "dst/") for k in made}
    for key, body in made.items():
        assert _read(client, bucket, target_key(key, "src/", "dst/")) == body
    assert _keys(client, bucket, "src/") == set(made)  # a copy leaves the sources
    final = snapshots[-1]
    assert final.files_done == len(made) and final.total_known and final.files_failed == 0


def test_move_prefix_to_another_bucket_removes_sources_after_copying(client, bucket, server):
    made = _put_tree(client, bucket, "photos/", 120)
    other = server.unique_bucket("mv")
    client.make_bucket(other)
    try:
        report = copy_prefix(client, bucket, "photos/", other, "archive/2026/", move=True)
        assert report.ok and report.done == len(made) and report.copied_not_removed == 0
        assert _keys(client, bucket, "photos/") == set()
        for key, body in made.items():
            assert _read(client, other, target_key(key, "photos/", "archive/2026/")) == body
    finally:
        delete_prefix(client, other, "")
        client.remove_bucket(other)


def test_overlapping_copy_is_refused_before_anything_is_written(client, bucket):
    client.put_object(bucket, "a/one", io.BytesIO(b"1"), 1)
    for src, dst in (("a/", "a/b/"), ("a/b/", "a/"), ("a/", "a/"), ("", "x/")):
        with pytest.raises(ValueError):
            copy_prefix(client, bucket, src, bucket, dst)
    assert _keys(client, bucket, "") == {"a/one"}


def test_cancelled_move_leaves_every_object_in_exactly_one_place(client, bucket):
    made = _put_tree(client, bucket, "big/", 400)
    cancel = CancelToken()

    def on_update(snapshot):
        if snapshot.files_done >= 30:
            cancel.cancel()

    # a small pool, so most keys are still waiting when the cancel comes
    tracker = TransferProgress(on_update, min_interval=0)
    report = copy_prefix(client, bucket, "big/", bucket, "moved/", move=True, concurrency=4,
                         progress=tracker, cancel=cancel)
    assert report.cancelled
    at_source = _keys(client, bucket, "big/")
    at_target = {"big/" + k[len("moved/"):] for k in _keys(client, bucket, "moved/")}
    assert at_source | at_target == set(made), "an object is in neither place"
    both = at_source & at_target
    assert len(both) == report.copied_not_removed == 0
    assert len(at_target) == report.done and 0 < report.done < len(made)
    assert report.not_started + report.done + report.failed_count <= len(made)
    for key in at_target:
        assert _read(client, bucket, target_key(key, "big/", "moved/")) == made[key]


def test_delete_prefix_deletes_only_that_prefix_in_batches(client, bucket):
    made = _put_tree(client, bucket, "logs/", 2300)  # three DeleteObjects batches
    client.put_object(bucket, "logsx", io.BytesIO(b"keep"), 4)
    summary = summarize_prefix(client, bucket, "logs/")
    assert (summary.objects, summary.bytes) == (len(made), sum(map(len, made.values())))
    report = delete_prefix(client, bucket, "logs/")
    assert report.ok and report.done == len(made) and report.bytes == summary.bytes
    assert _keys(client, bucket, "") == {"logsx"}


def test_delete_objects_takes_a_selection(client, bucket):
    made = _put_tree(client, bucket, "sel/", 20)
    chosen = [o for o in client.list_objects(bucket, prefix="sel/", recursive=True)][:5]
    report = delete_objects(client, bucket, chosen)
    assert report.ok and report.done == 5
    assert _keys(client, bucket, "sel/") == set(made) - {o.object_name for o in chosen}


def test_versions_mode_empties_a_versioned_prefix(client, bucket):
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    for i in range(15):
        for generation in range(3):
            body = f"{i}-{generation}".encode()
            client.put_object(bucket, f"v/k{i}", io.BytesIO(body), len(body))
    for i in range(5):
        client.remove_object(bucket, f"v/k{i}")  # a delete marker on top
    client.put_object(bucket, "w/stay", io.BytesIO(b"s"), 1)
    summary = summarize_prefix(client, bucket, "v/", versions=True)
    assert summary.objects == 15 * 3 + 5
    assert summary.delete_markers == 5
    assert summary.versions == 15 * 3 + 5 - 15  # all but the latest of each key
    latest_only = delete_prefix(client, bucket, "v/k1")  # keys k1, k10..k14: markers only
    assert latest_only.ok
    report = delete_prefix(client, bucket, "v/", versions=True)
    assert report.ok, report.failed[:3]
    left = list(client.list_objects(bucket, prefix="v/", recursive=True, include_version=True))
    assert left == []
    assert _keys(client, bucket, "w/") == {"w/stay"}


def test_copy_above_the_copy_threshold_goes_multipart(server, bucket):
    client = server.client(copy_threshold=6 * 1024 * 1024)
    body = os.urandom(13 * 1024 * 1024 + 5)
    client.put_object(bucket, "large/blob", io.BytesIO(body), len(body))
    client.put_object(bucket, "large/small", io.BytesIO(b"tiny"), 4)
    report = copy_prefix(client, bucket, "large/", bucket, "copy/")
    assert report.ok and report.done == 2 and report.bytes == len(body) + 4
    assert _read(client, bucket, "copy/blob") == body
    assert _read(client, bucket, "copy/small") == b"tiny"


def test_per_key_failures_are_reported_and_the_rest_goes_on(client, bucket):
    made = _put_tree(client, bucket, "part/", 12)
    entries = list(client.list_objects(bucket, prefix="part/", recursive=True))

    class Missing:
        object_name = "part/never-existed"
        size = 3

    report = copy_objects(client, bucket, entries + [Missing()], bucket,
                          lambda key: "out/" + key)
    assert report.done == len(made) and report.failed_count == 1
    assert "part/never-existed" in report.failed_map
    assert report.failed_map["part/never-existed"].startswith("NoSuchKey")
