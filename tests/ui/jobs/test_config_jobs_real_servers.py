"""The editors' service jobs (`ui/jobs/config_jobs.execute`) on every real server: apply a
configuration, read it back, delete it; a server gap is a named skip."""

from __future__ import annotations

import json

import pytest

from minbrowse.s3.commonconfig import ENABLED, Filter, Tags
from minbrowse.s3.lifecycle import Expiration, LifecycleConfig, Rule
from minbrowse.s3.versioning import VersioningConfig
from minbrowse.ui.editors import protocol as p
from minbrowse.ui.jobs.config_jobs import execute


def _run(client, kind, action, bucket, value=None, key=None):
    return execute(client, p.ConfigRequest(kind, action, bucket, key=key, value=value),
                   read_only=False)


def _done(message):
    assert isinstance(message, p.ConfigDone), (message.code, message.message)
    return message.value


@pytest.fixture
def client(server):
    return server.client()


def test_bucket_tags_apply_read_back_delete(client, bucket):
    tags = Tags.new_bucket_tags()
    tags["team"] = "ops"
    tags["tier"] = "gold"
    assert dict(_done(_run(client, "tags", p.APPLY, bucket, tags))) == {"team": "ops", "tier": "gold"}
    assert dict(_done(_run(client, "tags", p.LOAD, bucket))) == {"team": "ops", "tier": "gold"}
    assert not _done(_run(client, "tags", p.DELETE, bucket))


def test_policy_apply_read_back_delete(client, bucket):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/public/*"]}]}
    back = _done(_run(client, "policy", p.APPLY, bucket, json.dumps(policy)))
    assert json.loads(back)["Statement"][0]["Action"] in (["s3:GetObject"], "s3:GetObject")
    assert not _done(_run(client, "policy", p.DELETE, bucket))


def test_versioning_apply_read_back(client, bucket):
    back = _done(_run(client, "versioning", p.APPLY, bucket, VersioningConfig(ENABLED)))
    assert back.status == "Enabled"


def test_lifecycle_apply_read_back_delete(server, client, bucket):
    config = LifecycleConfig([Rule(ENABLED, rule_filter=Filter(prefix="logs/"), rule_id="old-logs",
                                   expiration=Expiration(days=30))])
    back = _done(_run(client, "lifecycle", p.APPLY, bucket, config))
    assert [r.rule_id for r in back.rules] == ["old-logs"]
    assert back.rules[0].expiration.days == 30
    assert _done(_run(client, "lifecycle", p.DELETE, bucket)) is None


def test_object_tags_apply_read_back(client, bucket):
    import io

    client.put_object(bucket, "doc.txt", io.BytesIO(b"x"), 1)
    tags = Tags.new_object_tags()
    tags["kind"] = "doc"
    back = _done(_run(client, "object_tags", p.APPLY, bucket, tags, key="doc.txt"))
    assert dict(back) == {"kind": "doc"}


def test_a_failing_job_is_a_message_with_the_servers_code(client):
    failed = _run(client, "policy", p.LOAD, "no-such-bucket-" + "x" * 20)
    assert isinstance(failed, p.ConfigFailed) and failed.code == "NoSuchBucket"
