"""Small documents: bucket encryption, object lock, retention, legal hold, versioning."""

from datetime import datetime, timedelta, timezone

import pytest

from minbrowse.s3.commonconfig import COMPLIANCE, DISABLED, ENABLED, GOVERNANCE
from minbrowse.s3.errors import InvalidResponseError
from minbrowse.s3.legalhold import LegalHold
from minbrowse.s3.objectlock import DAYS, YEARS, ObjectLockConfig
from minbrowse.s3.retention import Retention
from minbrowse.s3.sse import AES256, AWS_KMS, AWS_KMS_DSSE, Rule, SSEConfig
from minbrowse.s3.versioning import OFF, SUSPENDED, VersioningConfig
from minbrowse.s3.xmlutil import local_name, marshal, parse_xml, unmarshal

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def leaves(element, path=""):
    here = f"{path}/{local_name(element.tag)}"
    children = list(element)
    if not children:
        return [(here, (element.text or "").strip())]
    return sorted(leaf for child in children for leaf in leaves(child, here))


def roundtrip(cls, xml):
    first = unmarshal(cls, xml)
    body = marshal(first)
    second = unmarshal(cls, body)
    assert second == first
    assert marshal(second) == body
    return first, parse_xml(body)


# ---------------------------------------------------------------- PutBucketEncryption
# AWS S3 API reference, PutBucketEncryption examples (verbatim bodies).
AWS_SSE_S3 = """<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
      <Rule>
        <ApplyServerSideEncryptionByDefault>
            <SSEAlgorithm>AES256</SSEAlgorithm>
        </ApplyServerSideEncryptionByDefault>
      </Rule>
  </ServerSideEncryptionConfiguration>"""

AWS_SSE_KMS = """<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule>
    <ApplyServerSideEncryptionByDefault>
        <SSEAlgorithm>aws:kms</SSEAlgorithm>
        <KMSKeyID>arn:aws:kms:us-east-1:1234/5678example</KMSKeyID>
    </ApplyServerSideEncryptionByDefault>
</Rule>
</ServerSideEncryptionConfiguration>"""


def test_aws_sse_s3_example_round_trip_and_seed_form():
    config, root = roundtrip(SSEConfig, AWS_SSE_S3)
    assert leaves(root) == leaves(parse_xml(AWS_SSE_S3))
    assert config == SSEConfig(Rule.new_sse_s3_rule())
    assert config.rule.sse_algorithm == AES256 and config.rule.kms_master_key_id is None
    config.validate()


def test_aws_sse_kms_example_reads_documented_key_element():
    config, root = roundtrip(SSEConfig, AWS_SSE_KMS)
    assert config == SSEConfig(Rule.new_sse_kms_rule("arn:aws:kms:us-east-1:1234/5678example"))
    # we write the schema's element name
    assert ("/ServerSideEncryptionConfiguration/Rule/ApplyServerSideEncryptionByDefault/"
            "KMSMasterKeyID", "arn:aws:kms:us-east-1:1234/5678example") in leaves(root)
    config.validate()


def test_sse_seed_xml_and_kms_without_key_and_bucket_key():
    assert marshal(SSEConfig(Rule.new_sse_s3_rule())) == (
        b'<ServerSideEncryptionConfiguration ' + NS.encode() + b"><Rule>"
        b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
        b"</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")
    kms = SSEConfig(Rule.new_sse_kms_rule())
    assert kms.rule == Rule(AWS_KMS) and b"KMSMasterKeyID" not in marshal(kms)
    keyed = SSEConfig(Rule(AWS_KMS_DSSE, "key-1", bucket_key_enabled=True))
    assert unmarshal(SSEConfig, marshal(keyed)) == keyed
    assert b"<BucketKeyEnabled>true</BucketKeyEnabled>" in marshal(keyed)


@pytest.mark.parametrize("config, message", [
    (SSEConfig(Rule("ROT13")), "rule.sse_algorithm must be one of AES256, aws:kms"),
    (SSEConfig(Rule(AES256, "key")), "rule.kms_master_key_id is only allowed with aws:kms"),
    (SSEConfig(Rule(AWS_KMS, "")), "rule.kms_master_key_id must not be empty"),
])
def test_sse_validation(config, message):
    with pytest.raises(ValueError) as info:
        config.validate()
    assert message in str(info.value)


def test_sse_reply_without_default_is_invalid_response():
    with pytest.raises(InvalidResponseError, match="ApplyServerSideEncryptionByDefault"):
        unmarshal(SSEConfig, "<ServerSideEncryptionConfiguration><Rule/>"
                             "</ServerSideEncryptionConfiguration>")


# ---------------------------------------------------------------- object lock
# Shape of the AWS PutObjectLockConfiguration request syntax with concrete values.
AWS_OBJECT_LOCK = f"""<ObjectLockConfiguration {NS}>
   <ObjectLockEnabled>Enabled</ObjectLockEnabled>
   <Rule>
      <DefaultRetention>
         <Mode>COMPLIANCE</Mode>
         <Years>2</Years>
      </DefaultRetention>
   </Rule>
</ObjectLockConfiguration>"""


def test_object_lock_round_trip():
    config, root = roundtrip(ObjectLockConfig, AWS_OBJECT_LOCK)
    assert config == ObjectLockConfig(COMPLIANCE, 2, YEARS)
    assert leaves(root) == leaves(parse_xml(AWS_OBJECT_LOCK))
    config.validate()


def test_object_lock_seed_form_and_no_default_retention():
    assert marshal(ObjectLockConfig(GOVERNANCE, 15, DAYS)) == (
        b"<ObjectLockConfiguration " + NS.encode() + b"><ObjectLockEnabled>Enabled"
        b"</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>15</Days>"
        b"</DefaultRetention></Rule></ObjectLockConfiguration>")
    for xml in ("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                "</ObjectLockConfiguration>",
                "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                "<Rule></Rule></ObjectLockConfiguration>"):
        config = unmarshal(ObjectLockConfig, xml)
        assert config == ObjectLockConfig(None, None, None) and config.mode is None
        config.validate()
    assert b"<Rule>" not in marshal(ObjectLockConfig(None, None, None))
    assert ObjectLockConfig(GOVERNANCE, 1, "days").duration_unit == DAYS


@pytest.mark.parametrize("config, message", [
    (ObjectLockConfig(GOVERNANCE, None, None), "duration is required when mode is set"),
    (ObjectLockConfig(None, 5, DAYS), "mode is required when duration is set"),
    (ObjectLockConfig("STRICT", 5, DAYS), "mode must be one of GOVERNANCE, COMPLIANCE"),
    (ObjectLockConfig(GOVERNANCE, 0, DAYS), "duration must be a positive integer"),
    (ObjectLockConfig(GOVERNANCE, 5, "Weeks"), "duration_unit must be one of Days, Years"),
])
def test_object_lock_validation(config, message):
    with pytest.raises(ValueError) as info:
        config.validate()
    assert message in str(info.value)


# ---------------------------------------------------------------- retention
# Shape of the AWS PutObjectRetention request syntax with concrete values.
AWS_RETENTION = f"""<Retention {NS}>
   <Mode>GOVERNANCE</Mode>
   <RetainUntilDate>2020-01-01T00:00:00.000Z</RetainUntilDate>
</Retention>"""


def test_retention_in_the_past_loads_round_trips_but_does_not_validate():
    config, root = roundtrip(Retention, AWS_RETENTION)
    assert config == Retention(GOVERNANCE, datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert leaves(root) == leaves(parse_xml(AWS_RETENTION))
    with pytest.raises(ValueError, match="retain_until_date must be in the future"):
        config.validate()


def test_retention_seed_form_naive_utc():
    future = datetime.utcnow() + timedelta(days=10)
    config = Retention(GOVERNANCE, future)
    config.validate()
    assert config.retain_until_date == future.replace(tzinfo=timezone.utc)
    expected = future.strftime("%Y-%m-%dT%H:%M:%S.") + f"{future.microsecond // 1000:03d}Z"
    assert f"<RetainUntilDate>{expected}</RetainUntilDate>".encode() in marshal(config)
    aware = Retention(COMPLIANCE, datetime(2031, 5, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert b"2031-05-01T10:00:00.000Z" in marshal(aware)
    assert unmarshal(Retention, "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>"
                     "2031-05-01T10:00:00.123456789Z</RetainUntilDate></Retention>"
                     ).retain_until_date == datetime(2031, 5, 1, 10, 0, 0, 123456,
                                                     tzinfo=timezone.utc)


def test_retention_validation_mode_and_now():
    date = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="mode must be one of GOVERNANCE, COMPLIANCE"):
        Retention("governance", date).validate()
    Retention(GOVERNANCE, date).validate(now=datetime(2029, 12, 31))
    with pytest.raises(ValueError, match="retain_until_date"):
        Retention(GOVERNANCE, date).validate(now=datetime(2030, 1, 2))


# ---------------------------------------------------------------- legal hold
def test_legal_hold_both_ways():
    on = f"<LegalHold {NS}><Status>ON</Status></LegalHold>"
    config, root = roundtrip(LegalHold, on)
    assert config == LegalHold(True) and leaves(root) == leaves(parse_xml(on))
    assert unmarshal(LegalHold, "<LegalHold><Status>OFF</Status></LegalHold>") == LegalHold(False)
    assert marshal(LegalHold(False)) == b"<LegalHold " + NS.encode() + \
        b"><Status>OFF</Status></LegalHold>"
    LegalHold(True).validate()
    with pytest.raises(ValueError, match="status must be a bool"):
        LegalHold("ON").validate()


# ---------------------------------------------------------------- versioning
# AWS S3 API reference, PutBucketVersioning sample requests (verbatim bodies).
AWS_VERSIONING = [
    """<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Status>Enabled</Status>
</VersioningConfiguration>""",
    """<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
   <Status>Suspended</Status>
</VersioningConfiguration>""",
    """<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
   <Status>Enabled</Status>
   <MfaDelete>Enabled</MfaDelete>
</VersioningConfiguration>""",
]


@pytest.mark.parametrize("xml, expected", zip(AWS_VERSIONING, [
    VersioningConfig(ENABLED), VersioningConfig(SUSPENDED), VersioningConfig(ENABLED, ENABLED)]))
def test_aws_versioning_examples_round_trip(xml, expected):
    config, root = roundtrip(VersioningConfig, xml)
    assert config == expected and leaves(root) == leaves(parse_xml(xml))
    config.validate()


def test_versioning_unset_reads_off_and_minio_extensions():
    config = unmarshal(VersioningConfig, f"<VersioningConfiguration {NS}/>")
    assert config.status == OFF == config.status_string
    assert VersioningConfig().status == OFF
    assert b"Status" not in marshal(config)
    minio = VersioningConfig(ENABLED, excluded_prefixes=["tmp/", "cache/"], exclude_folders=True)
    minio.validate()
    body = marshal(minio)
    assert body.count(b"<ExcludedPrefixes><Prefix>") == 2
    assert b"<ExcludeFolders>true</ExcludeFolders>" in body
    assert unmarshal(VersioningConfig, body) == minio
    legacy = unmarshal(VersioningConfig, "<VersioningConfiguration><Status>Enabled</Status>"
                                         "<MFADelete>Disabled</MFADelete></VersioningConfiguration>")
    assert legacy.mfa_delete == DISABLED


@pytest.mark.parametrize("config, message", [
    (VersioningConfig(), "status must be one of Enabled, Suspended; got 'Off'"),
    (VersioningConfig("enabled"), "status must be one of Enabled, Suspended"),
    (VersioningConfig(ENABLED, "yes"), "mfa_delete must be one of Enabled, Disabled"),
    (VersioningConfig(SUSPENDED, exclude_folders=True), "need status Enabled"),
    (VersioningConfig(ENABLED, excluded_prefixes=[str(i) for i in range(11)]),
     "excluded_prefixes may hold at most 10"),
    (VersioningConfig(ENABLED, excluded_prefixes=[""]), "excluded_prefixes[0]"),
])
def test_versioning_validation(config, message):
    with pytest.raises(ValueError) as info:
        config.validate()
    assert message in str(info.value)
