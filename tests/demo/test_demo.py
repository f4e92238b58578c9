"""The --demo server: starts SeaweedFS, seeds the demo buckets, and leaves nothing behind.

Checks use botocore as an independent oracle (plus our client where it is the subject).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from minbrowse.demo import BUCKETS, run_demo, seed, start_demo
from minbrowse.demo import content

pytest.importorskip("botocore")
from botocore.config import Config  # noqa: E402
from botocore.session import Session  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def oracle(profile):
    return Session().create_client(
        "s3", endpoint_url=profile.url, region_name="us-east-1",
        aws_access_key_id=profile.access_key, aws_secret_access_key=profile.secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def demo():
    session = start_demo(many=20)
    try:
        yield session
    finally:
        session.stop()


def test_demo_profile_is_loopback_random_and_redacted(demo):
    profile = demo.profile
    assert profile.source == "demo" and profile.name == "demo" and profile.secure is False
    assert profile.endpoint.startswith("127.0.0.1:")
    assert profile.access_key.startswith("demo") and len(profile.secret_key) >= 30
    assert profile.secret_key not in repr(profile)
    assert demo.data_dir.is_dir() and demo.server.running


def test_all_seeding_steps_succeed_on_seaweedfs(demo):
    assert demo.report.skipped == []
    assert len(demo.report.done) >= 30


def test_demo_buckets_and_objects_exist(demo):
    s3 = oracle(demo.profile)
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert set(BUCKETS) <= names
    listed = s3.list_objects_v2(Bucket=seed.FILES_BUCKET)["Contents"]
    keys = {item["Key"]: item["Size"] for item in listed}
    assert set(keys) == {key for key, _, _ in seed.FILES}
    assert keys["binaries/blob-3mb.bin"] == seed.BLOB_SIZE
    png = s3.get_object(Bucket=seed.FILES_BUCKET, Key="images/gradient.png")
    assert png["ContentType"] == "image/png"
    assert png["Body"].read() == content.png_image()
    records = s3.get_object(Bucket=seed.FILES_BUCKET, Key="data/records.json")["Body"].read()
    assert len(json.loads(records)) == 24
    head = s3.head_object(Bucket=seed.FILES_BUCKET, Key="README.txt")
    assert head["Metadata"] == seed.README_METADATA
    many = s3.list_objects_v2(Bucket=seed.MANY_BUCKET, Prefix="items/")["KeyCount"]
    assert many == 20


def test_demo_tags_policy_and_lifecycle(demo):
    s3 = oracle(demo.profile)
    tags = s3.get_object_tagging(Bucket=seed.FILES_BUCKET, Key="data/records.json")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == seed.OBJECT_TAGS["data/records.json"]
    bucket_tags = s3.get_bucket_tagging(Bucket=seed.FILES_BUCKET)["TagSet"]
    assert {t["Key"]: t["Value"] for t in bucket_tags} == {"project": "minbrowse-demo",
                                                            "owner": "demo"}
    policy = json.loads(s3.get_bucket_policy(Bucket=seed.FILES_BUCKET)["Policy"])
    assert policy["Statement"][0]["Action"] in (["s3:GetObject"], "s3:GetObject")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=seed.FILES_BUCKET)["Rules"]
    assert [(r["ID"], r["Expiration"]["Days"]) for r in rules] == [("expire-logs", 30)]


def test_demo_versions_and_lock(demo):
    s3 = oracle(demo.profile)
    assert s3.get_bucket_versioning(Bucket=seed.VERSIONED_BUCKET)["Status"] == "Enabled"
    listing = s3.list_object_versions(Bucket=seed.VERSIONED_BUCKET)
    notes = [v for v in listing["Versions"] if v["Key"] == "notes.txt"]
    assert len(notes) == 3
    bodies = {s3.get_object(Bucket=seed.VERSIONED_BUCKET, Key="notes.txt",
                            VersionId=v["VersionId"])["Body"].read() for v in notes}
    assert bodies == set(seed.NOTES_VERSIONS)
    markers = [m["Key"] for m in listing.get("DeleteMarkers", [])]
    assert markers == ["deleted.txt"]
    lock = s3.get_object_lock_configuration(Bucket=seed.LOCKED_BUCKET)
    assert lock["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    retention = s3.get_object_retention(Bucket=seed.LOCKED_BUCKET, Key="contract.txt")
    assert retention["Retention"]["Mode"] == "GOVERNANCE"
    hold = s3.get_object_legal_hold(Bucket=seed.LOCKED_BUCKET, Key="evidence.txt")
    assert hold["LegalHold"]["Status"] == "ON"


def test_seeding_again_is_idempotent_and_reads_back_with_our_client(demo):
    client = demo.profile.make_client()
    report = seed.seed_demo(client, many=0)
    assert report.skipped == []
    response = client.get_object(seed.FILES_BUCKET, "data/sales.csv")
    try:
        assert response.read() == content.sales_csv()
    finally:
        response.close()
        response.release_conn()


def test_refused_steps_are_logged_and_skipped(caplog):
    class Refusing:
        """A client whose server refuses everything after bucket creation."""

        def bucket_exists(self, bucket):
            return False

        def make_bucket(self, bucket, **kw):
            if kw.get("object_lock"):
                raise RuntimeError("object lock not supported")

        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                error = RuntimeError("refused")
                error.code = "NotImplemented"
                raise error
            return refuse

    report = seed.seed_demo(Refusing(), many=3)
    assert report.done == [f"make bucket {seed.FILES_BUCKET}",
                           f"make bucket {seed.VERSIONED_BUCKET}", f"make bucket {seed.MANY_BUCKET}"]
    assert (f"make bucket {seed.LOCKED_BUCKET} with object lock",
            "RuntimeError: object lock not supported") in report.skipped
    assert (f"lifecycle on {seed.FILES_BUCKET}", "NotImplemented: refused") in report.skipped
    assert ("put 3 of 3 items", "NotImplemented: refused") in report.skipped
    assert "skipped lifecycle on demo-files (NotImplemented: refused)" in caplog.text


def test_run_demo_cleans_up_on_exception(tmp_path):
    data_dir = tmp_path / "demo-data"
    with pytest.raises(KeyboardInterrupt):
        with run_demo(seed=False, data_dir=data_dir) as profile:
            assert profile.make_client().bucket_exists(seed.FILES_BUCKET) is False
            assert data_dir.is_dir()
            host, port = profile.endpoint.split(":")
            raise KeyboardInterrupt
    assert not data_dir.exists()
    with pytest.raises(OSError):  # nothing listens on the demo port any more
        socket.create_connection((host, int(port)), timeout=2).close()


def test_atexit_cleans_up_when_the_program_just_exits(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from minbrowse.demo import start_demo
        session = start_demo(seed=False, data_dir={str(tmp_path / 'data')!r})
        print(session.server.pid, flush=True)
        sys.exit(0)  # no stop(): the atexit hook must clean up
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.strip())
    assert process_gone(pid)
    assert not (tmp_path / "data").exists()


def test_stop_removes_data_and_process(demo):
    """Runs last in this module: stops the shared demo session."""
    pid, data_dir = demo.server.pid, demo.data_dir
    assert pid and not process_gone(pid) and data_dir.is_dir()
    demo.stop()
    demo.stop()  # idempotent
    assert not data_dir.exists()
    assert process_gone(pid)
