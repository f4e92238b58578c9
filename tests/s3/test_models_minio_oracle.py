"""Oracle check: minio-py 7.2.20 reads our XML and we read its XML back to the same value.

minio is a test-only dependency; this guards element names and nesting against a client that
MinIO servers are known to accept.
"""

from datetime import datetime, timezone

import pytest

from minbrowse.s3 import commonconfig as ours_common
from minbrowse.s3 import lifecycle, notification, objectlock, replication, retention, sse
from minbrowse.s3 import versioning
from minbrowse.s3.commonconfig import DISABLED, ENABLED, GOVERNANCE, AndOperator, Filter, Tags
from minbrowse.s3.xmlutil import marshal, unmarshal

minio_xml = pytest.importorskip("minio.xml", reason="minio-py oracle not installed")
from minio import (lifecycleconfig, notificationconfig, objectlockconfig,  # noqa: E402
                   replicationconfig, retention as m_retention, sseconfig, versioningconfig)


def through_minio(ours, minio_cls):
    """ours -> XML -> minio object -> XML -> ours."""
    theirs = minio_xml.unmarshal(minio_cls, marshal(ours).decode())
    return unmarshal(type(ours), minio_xml.marshal(theirs)), theirs


def test_lifecycle_through_minio():
    config = lifecycle.LifecycleConfig([
        lifecycle.Rule(ENABLED, Filter(prefix="documents/"), "rule1",
                       transition=lifecycle.Transition(days=30, storage_class="GLACIER")),
        lifecycle.Rule(ENABLED, Filter(AndOperator("logs/", {"a": "1", "b": "2"})), "rule2",
                       expiration=lifecycle.Expiration(days=365),
                       noncurrent_version_expiration=lifecycle.NoncurrentVersionExpiration(7, 2),
                       abort_incomplete_multipart_upload=(
                           lifecycle.AbortIncompleteMultipartUpload(3))),
    ])
    back, theirs = through_minio(config, lifecycleconfig.LifecycleConfig)
    assert back == config
    assert theirs.rules[1].rule_filter.and_operator.tags == {"a": "1", "b": "2"}


def test_replication_through_minio():
    config = replication.ReplicationConfig("arn:aws:iam::1:role/r", [replication.Rule(
        replication.Destination("arn:aws:s3:::dest", storage_class="STANDARD"), ENABLED,
        delete_marker_replication=replication.DeleteMarkerReplication(DISABLED),
        existing_object_replication=replication.ExistingObjectReplication(ENABLED),
        rule_filter=Filter(prefix="p/"), rule_id="rule1", priority=1)])
    back, theirs = through_minio(config, replicationconfig.ReplicationConfig)
    assert back == config
    assert theirs.rules[0].destination.bucket_arn == "arn:aws:s3:::dest"


def test_notification_through_minio():
    config = notification.NotificationConfig(queue_config_list=[notification.QueueConfig(
        "arn:minio:sqs::1:webhook", ["s3:ObjectCreated:*"], config_id="1",
        prefix_filter_rule=notification.PrefixFilterRule("abc"),
        suffix_filter_rule=notification.SuffixFilterRule(".jpg"))])
    back, theirs = through_minio(config, notificationconfig.NotificationConfig)
    assert back == config
    assert theirs.queue_config_list[0].prefix_filter_rule.value == "abc"


def test_small_documents_through_minio():
    assert through_minio(sse.SSEConfig(sse.Rule.new_sse_kms_rule("k")),
                         sseconfig.SSEConfig)[0].rule.kms_master_key_id == "k"
    lock = objectlock.ObjectLockConfig(GOVERNANCE, 15, objectlock.DAYS)
    assert through_minio(lock, objectlockconfig.ObjectLockConfig)[0] == lock
    keep = retention.Retention(GOVERNANCE, datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert through_minio(keep, m_retention.Retention)[0] == keep
    vers = versioning.VersioningConfig(ENABLED, excluded_prefixes=["tmp/"], exclude_folders=True)
    assert through_minio(vers, versioningconfig.VersioningConfig)[0] == vers


def test_tags_through_minio():
    from minio.tagging import Tagging
    ours = Tags.new_object_tags()
    ours["Project"] = "Project One"
    ours["k/ü"] = "a b=c"
    theirs = minio_xml.unmarshal(Tagging, marshal(ours).decode())
    assert theirs.tags == ours
    assert unmarshal(ours_common.Tags, minio_xml.marshal(theirs)) == ours
