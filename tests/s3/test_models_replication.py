"""Replication configuration document: AWS examples round-trip, seed construction, validation."""

import pytest

from minbrowse.s3.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tag
from minbrowse.s3.replication import (AccessControlTranslation, DeleteMarkerReplication,
                                      DeleteReplication, Destination, EncryptionConfig,
                                      EventThreshold, ExistingObjectReplication, Metrics,
                                      ReplicaModifications, ReplicationConfig, ReplicationTime,
                                      Rule, SourceSelectionCriteria, SseKmsEncryptedObjects, Time)
from minbrowse.s3.xmlutil import local_name, marshal, parse_xml, unmarshal


def leaves(element, path=""):
    here = f"{path}/{local_name(element.tag)}"
    children = list(element)
    if not children:
        return [(here, (element.text or "").strip())]
    return sorted(leaf for child in children for leaf in leaves(child, here))


def roundtrip(xml):
    first = unmarshal(ReplicationConfig, xml)
    body = marshal(first)
    second = unmarshal(ReplicationConfig, body)
    assert second == first
    assert marshal(second) == body
    return first, parse_xml(body)


# AWS S3 API reference, GetBucketReplication sample response (verbatim body).
AWS_GET_REPLICATION = """<?xml version="1.0" encoding="UTF-8"?>
            <ReplicationConfiguration>
              <Role>arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3</Role>
             <Rule>
               <ID>rule1</ID>
               <Status>Enabled</Status>
               <Priority>1</Priority>
               <DeleteMarkerReplication>
                   <Status>Disabled</Status>
               </DeleteMarkerReplication>
               <Filter>
                  <And>
                       <Prefix>TaxDocs</Prefix>
                       <Tag>
                         <Key>key1</Key>
                         <Value>value1</Value>
                       </Tag>
                       <Tag>
                         <Key>key1</Key>
                        <Value>value1</Value>
                      </Tag>
                  </And>
                </Filter>
               <Destination>
                  <Bucket>arn:aws:s3:::exampletargetbucket</Bucket>
               </Destination>
              </Rule>
            </ReplicationConfiguration>"""

# AWS PutBucketReplication request example in the V1 (rule-level Prefix) form.
AWS_PUT_REPLICATION_V1 = """<ReplicationConfiguration>
  <Role>arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3</Role>
  <Rule>
    <ID>rule1</ID>
    <Prefix>TaxDocs</Prefix>
    <Status>Enabled</Status>
    <Destination>
      <Bucket>arn:aws:s3:::exampletargetbucket</Bucket>
    </Destination>
  </Rule>
</ReplicationConfiguration>"""

FULL = """<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Role>arn:aws:iam::123456789012:role/replication</Role>
  <Rule>
    <ID>replicate-logs</ID>
    <Status>Enabled</Status>
    <Priority>1</Priority>
    <Filter><Prefix>logs/</Prefix></Filter>
    <Destination>
      <Account>210987654321</Account>
      <Bucket>arn:aws:s3:::archive-bucket</Bucket>
      <StorageClass>STANDARD_IA</StorageClass>
      <AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation>
      <EncryptionConfiguration>
        <ReplicaKmsKeyID>arn:aws:kms:ap-southeast-1:123:key/demo</ReplicaKmsKeyID>
      </EncryptionConfiguration>
      <Metrics><Status>Enabled</Status><EventThreshold><Minutes>15</Minutes></EventThreshold></Metrics>
      <ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime>
    </Destination>
    <DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>
    <DeleteReplication><Status>Enabled</Status></DeleteReplication>
    <ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>
    <SourceSelectionCriteria>
      <SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects>
      <ReplicaModifications><Status>Disabled</Status></ReplicaModifications>
    </SourceSelectionCriteria>
  </Rule>
</ReplicationConfiguration>"""


def test_aws_get_replication_example_round_trip():
    config, root = roundtrip(AWS_GET_REPLICATION)
    assert config.role == "arn:aws:iam::35667example:role/CrossRegionReplicationRoleForS3"
    (rule,) = config.rules
    assert (rule.rule_id, rule.status, rule.priority) == ("rule1", ENABLED, 1)
    assert rule.delete_marker_replication == DeleteMarkerReplication(DISABLED)
    assert rule.rule_filter.and_operator.prefix == "TaxDocs"
    assert rule.rule_filter.and_operator.tags == {"key1": "value1"}  # duplicate tag collapses
    assert rule.destination == Destination("arn:aws:s3:::exampletargetbucket")
    # every distinct leaf of the AWS document survives
    assert sorted(set(leaves(root))) == sorted(set(leaves(parse_xml(AWS_GET_REPLICATION))))
    config.validate()


def test_aws_v1_prefix_example_round_trip():
    config, root = roundtrip(AWS_PUT_REPLICATION_V1)
    assert leaves(root) == leaves(parse_xml(AWS_PUT_REPLICATION_V1))
    assert config.rules[0].prefix == "TaxDocs" and config.rules[0].rule_filter is None
    config.validate()


def test_full_featured_document_round_trip():
    config, root = roundtrip(FULL)
    assert leaves(root) == leaves(parse_xml(FULL))
    rule = config.rules[0]
    dest = rule.destination
    assert dest.account == "210987654321" and dest.storage_class == "STANDARD_IA"
    assert dest.access_control_translation == AccessControlTranslation()
    assert dest.encryption_config == EncryptionConfig("arn:aws:kms:ap-southeast-1:123:key/demo")
    assert dest.metrics == Metrics(EventThreshold(15), ENABLED)
    assert dest.replication_time == ReplicationTime(Time(15), ENABLED)
    assert rule.delete_replication == DeleteReplication(ENABLED)
    assert rule.existing_object_replication == ExistingObjectReplication(ENABLED)
    assert rule.source_selection_criteria == SourceSelectionCriteria(
        SseKmsEncryptedObjects(ENABLED), ReplicaModifications(DISABLED))
    config.validate()


def test_seed_example_produces_expected_xml():
    config = ReplicationConfig(
        "arn:aws:iam::123456789012:role/replication",
        [Rule(Destination("arn:aws:s3:::destination-bucket"), ENABLED,
              delete_marker_replication=DeleteMarkerReplication(DISABLED),
              rule_filter=Filter(AndOperator("TaxDocs", {"key1": "value1", "key2": "value2"})),
              rule_id="rule1", priority=1)],
    )
    config.validate()
    assert marshal(config) == (
        b'<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Role>arn:aws:iam::123456789012:role/replication</Role><Rule><ID>rule1</ID>"
        b"<Priority>1</Priority><Filter><And><Prefix>TaxDocs</Prefix>"
        b"<Tag><Key>key1</Key><Value>value1</Value></Tag>"
        b"<Tag><Key>key2</Key><Value>value2</Value></Tag></And></Filter>"
        b"<Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::destination-bucket</Bucket>"
        b"</Destination><DeleteMarkerReplication><Status>Disabled</Status>"
        b"</DeleteMarkerReplication></Rule></ReplicationConfiguration>")
    assert DeleteMarkerReplication() == DeleteMarkerReplication(DISABLED)


def test_keyword_form_and_minio_style_role_less_config():
    rule = Rule(status=ENABLED, destination=Destination("arn:minio:replication::abc:target"),
                rule_filter=Filter(prefix=""), priority=2)
    config = ReplicationConfig("", [rule])
    config.validate()
    assert b"<Role>" not in marshal(config)
    assert unmarshal(ReplicationConfig, marshal(config)) == config


def _rule(**changes):
    values = dict(destination=Destination("arn:aws:s3:::dest"), status=ENABLED,
                  rule_filter=Filter(prefix="p/"), rule_id="r1", priority=1,
                  delete_marker_replication=DeleteMarkerReplication(DISABLED))
    values.update(changes)
    return Rule(**values)


@pytest.mark.parametrize("rules, role, message", [
    ([], "", "rules must hold at least one replication rule"),
    ([_rule()], "ROLE", "role 'ROLE' is not an ARN"),
    ([_rule(destination=Destination("REPLACE-WITH-ARN"))], "",
     "rules[0].destination.bucket_arn 'REPLACE-WITH-ARN' is not an ARN"),
    ([_rule(destination=Destination("arn:aws::::bucket"))], "",
     "rules[0].destination.bucket_arn"),
    ([_rule(destination=None)], "", "rules[0].destination is required"),
    ([_rule(status="on")], "", "rules[0].status must be one of Enabled, Disabled"),
    ([_rule(priority=-1)], "", "rules[0].priority must be a non-negative integer"),
    ([_rule(), _rule(rule_id="r2")], "", "priority must be unique; 1"),
    ([_rule(), _rule(priority=2)], "", "rule_id must be unique; 'r1'"),
    ([_rule(rule_id="x" * 256)], "", "rules[0].rule_id must be at most 255"),
    ([_rule(delete_marker_replication=DeleteMarkerReplication("yes"))], "",
     "rules[0].delete_marker_replication.status"),
    ([_rule(rule_filter=Filter(tag=Tag("", "v")))], "", "rules[0].rule_filter.tag key"),
    ([_rule(rule_filter=Filter(object_size_less_than=5))], "", "lifecycle-only"),
    ([_rule(destination=Destination("arn:aws:s3:::d", replication_time=ReplicationTime(
        Time(0), ENABLED)))], "", "rules[0].destination.replication_time.time.minutes"),
    ([_rule(destination=Destination("arn:aws:s3:::d",
                                    access_control_translation=AccessControlTranslation()))],
     "", "rules[0].destination.account is required"),
])
def test_validation_errors_name_the_field(rules, role, message):
    with pytest.raises(ValueError) as info:
        ReplicationConfig(role, rules).validate()
    assert message in str(info.value)
