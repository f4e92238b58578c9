"""Lifecycle configuration document: AWS examples round-trip, seed construction, validation."""

from datetime import datetime, timezone

import pytest

from minbrowse.s3.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tag
from minbrowse.s3.lifecycle import (AbortIncompleteMultipartUpload, Expiration, LifecycleConfig,
                                    NoncurrentVersionExpiration, NoncurrentVersionTransition,
                                    Rule, Transition)
from minbrowse.s3.xmlutil import S3_NS, local_name, marshal, parse_xml, unmarshal


def leaves(element, path=""):
    """Sorted (path, text) of every leaf, namespace and whitespace ignored."""
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
    root = parse_xml(body)
    assert root.tag.startswith("{" + S3_NS + "}")
    return first, root


# AWS S3 API reference, PutBucketLifecycleConfiguration, Example 1 (verbatim).
AWS_EXAMPLE_1 = """<LifecycleConfiguration>
  <Rule>
    <ID>id1</ID>
    <Filter>
       <Prefix>documents/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <Transition>
      <Days>30</Days>
      <StorageClass>GLACIER</StorageClass>
    </Transition>
  </Rule>
  <Rule>
    <ID>id2</ID>
    <Filter>
       <Prefix>logs/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <Expiration>
      <Days>365</Days>
    </Expiration>
  </Rule>
</LifecycleConfiguration>"""

# Example 3 (versioning-enabled bucket, verbatim).
AWS_EXAMPLE_3 = """<LifeCycleConfiguration>
  <Rule>
    <ID>DeleteAfterBecomingNonCurrent</ID>
    <Filter>
       <Prefix>logs/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <NoncurrentVersionExpiration>
      <NoncurrentDays>100</NoncurrentDays>
    </NoncurrentVersionExpiration>
  </Rule>
  <Rule>
    <ID>TransitionAfterBecomingNonCurrent</ID>
    <Filter>
       <Prefix>documents/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <NoncurrentVersionTransition>
      <NoncurrentDays>30</NoncurrentDays>
      <StorageClass>GLACIER</StorageClass>
    </NoncurrentVersionTransition>
  </Rule>
</LifeCycleConfiguration>"""

# Example 4 (verbatim): note NoncurrentDays 0.
AWS_EXAMPLE_4 = """<LifeCycleConfiguration>
  <Rule>
    <ID>DeleteAfterBecomingNonCurrent</ID>
    <Filter>
       <Prefix>logs/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <NoncurrentVersionExpiration>
      <NoncurrentDays>1</NoncurrentDays>
    </NoncurrentVersionExpiration>
  </Rule>
  <Rule>
    <ID>TransitionSoonAfterBecomingNonCurrent</ID>
    <Filter>
       <Prefix>documents/</Prefix>
    </Filter>
    <Status>Enabled</Status>
    <NoncurrentVersionTransition>
      <NoncurrentDays>0</NoncurrentDays>
      <StorageClass>GLACIER</StorageClass>
    </NoncurrentVersionTransition>
  </Rule>
</LifeCycleConfiguration>"""


def test_aws_example_1_round_trip():
    config, root = roundtrip(LifecycleConfig, AWS_EXAMPLE_1)
    assert leaves(root) == leaves(parse_xml(AWS_EXAMPLE_1))
    first, second = config.rules
    assert (first.rule_id, first.status, first.rule_filter) == ("id1", ENABLED,
                                                                 Filter(prefix="documents/"))
    assert first.transition == Transition(days=30, storage_class="GLACIER")
    assert second.expiration == Expiration(days=365)
    assert second.transition is None
    config.validate()


def test_aws_example_3_noncurrent_round_trip():
    config, root = roundtrip(LifecycleConfig, AWS_EXAMPLE_3)
    assert leaves(root) == [(p.replace("LifeCycle", "Lifecycle"), t)
                            for p, t in leaves(parse_xml(AWS_EXAMPLE_3))]
    assert config.rules[0].noncurrent_version_expiration == NoncurrentVersionExpiration(100)
    assert config.rules[1].noncurrent_version_transition == \
        NoncurrentVersionTransition(30, "GLACIER")
    config.validate()


def test_aws_example_4_zero_noncurrent_days_loads_and_validates():
    config, _ = roundtrip(LifecycleConfig, AWS_EXAMPLE_4)
    assert config.rules[1].noncurrent_version_transition.noncurrent_days == 0
    config.validate()  # 0 days is a legal transition


def test_transition_with_zero_days_loads_from_reply():
    xml = ("<LifecycleConfiguration><Rule><ID>t</ID><Filter/><Status>Enabled</Status>"
           "<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>"
           "</Rule></LifecycleConfiguration>")
    config, _ = roundtrip(LifecycleConfig, xml)
    assert config.rules[0].transition == Transition(days=0, storage_class="GLACIER")
    assert config.rules[0].rule_filter == Filter()


def test_seed_example_produces_expected_xml():
    config = LifecycleConfig([
        Rule(ENABLED, rule_filter=Filter(prefix="documents/"), rule_id="rule1",
             transition=Transition(days=30, storage_class="GLACIER")),
        Rule(ENABLED, rule_filter=Filter(prefix="logs/"), rule_id="rule2",
             expiration=Expiration(days=365)),
    ])
    config.validate()
    assert marshal(config) == (
        b'<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Rule><ID>rule1</ID><Filter><Prefix>documents/</Prefix></Filter>"
        b"<Status>Enabled</Status><Transition><Days>30</Days>"
        b"<StorageClass>GLACIER</StorageClass></Transition></Rule>"
        b"<Rule><ID>rule2</ID><Filter><Prefix>logs/</Prefix></Filter>"
        b"<Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule>"
        b"</LifecycleConfiguration>")


def test_all_actions_and_filters_round_trip():
    date = datetime(2030, 1, 1, tzinfo=timezone.utc)
    config = LifecycleConfig([
        Rule(ENABLED, Filter(and_operator=AndOperator("p/", {"a": "1", "b": "2"},
                                                      object_size_greater_than=500,
                                                      object_size_less_than=64000)),
             "and", abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(3),
             expiration=Expiration(date=date)),
        Rule(DISABLED, Filter(tag=Tag("k", "v")), "tag",
             expiration=Expiration(expired_object_delete_marker=True),
             noncurrent_version_expiration=NoncurrentVersionExpiration(10, 2)),
        Rule(ENABLED, Filter(object_size_greater_than=1024), "size",
             noncurrent_version_transition=NoncurrentVersionTransition(5, "STANDARD_IA", 3),
             transition=Transition(date=date, storage_class="GLACIER")),
    ])
    config.validate()
    again = unmarshal(LifecycleConfig, marshal(config))
    assert again == config
    assert b"<Date>2030-01-01T00:00:00.000Z</Date>" in marshal(config)
    assert b"<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>" in marshal(config)
    assert again.rules[0].rule_filter.and_operator.tags == {"a": "1", "b": "2"}


def test_legacy_rule_prefix_and_server_date_forms_load():
    xml = ("<LifecycleConfiguration xmlns='http://s3.amazonaws.com/doc/2006-03-01/'><Rule>"
           "<ID>old</ID><Prefix>logs/</Prefix><Status>Enabled</Status>"
           "<Expiration><Date>2016-01-01T00:00:00Z</Date></Expiration></Rule>"
           "</LifecycleConfiguration>")
    config, root = roundtrip(LifecycleConfig, xml)
    rule = config.rules[0]
    assert rule.prefix == "logs/" and rule.rule_filter is None
    assert rule.expiration.date == datetime(2016, 1, 1, tzinfo=timezone.utc)
    assert ("/LifecycleConfiguration/Rule/Filter", "") not in leaves(root)


def test_rule_without_filter_is_written_with_empty_filter():
    body = marshal(LifecycleConfig([Rule(ENABLED, expiration=Expiration(days=1))]))
    assert b"<Filter />" in body or b"<Filter/>" in body


@pytest.mark.parametrize("rule, message", [
    (Rule(ENABLED, Filter(prefix="x")), "rules[0] needs at least one action"),
    (Rule("enabled", Filter(prefix="x"), expiration=Expiration(days=1)), "rules[0].status"),
    (Rule(ENABLED, Filter(prefix="x"), expiration=Expiration(days=0)),
     "rules[0].expiration.days must be a positive integer"),
    (Rule(ENABLED, Filter(prefix="x"), expiration=Expiration(days=-1)),
     "rules[0].expiration.days"),
    (Rule(ENABLED, Filter(prefix="x"), expiration=Expiration()),
     "rules[0].expiration needs exactly one of date or days"),
    (Rule(ENABLED, Filter(prefix="x"),
          expiration=Expiration(date=datetime(2030, 1, 1, 12, tzinfo=timezone.utc))),
     "rules[0].expiration.date must be at midnight UTC"),
    (Rule(ENABLED, Filter(prefix="x"), expiration=Expiration(days=3,
                                                             expired_object_delete_marker=True)),
     "expired_object_delete_marker cannot be combined"),
    (Rule(ENABLED, Filter(prefix="x"), transition=Transition(days=-2, storage_class="GLACIER")),
     "rules[0].transition.days must be a non-negative integer"),
    (Rule(ENABLED, Filter(prefix="x"), transition=Transition(days=2)),
     "rules[0].transition.storage_class is required"),
    (Rule(ENABLED, Filter(prefix="x"),
          noncurrent_version_expiration=NoncurrentVersionExpiration(0)),
     "rules[0].noncurrent_version_expiration.noncurrent_days must be a positive integer"),
    (Rule(ENABLED, Filter(prefix="x"),
          abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(0)),
     "rules[0].abort_incomplete_multipart_upload.days_after_initiation"),
    (Rule(ENABLED, Filter(prefix="x"), "r" * 256, expiration=Expiration(days=1)),
     "rules[0].rule_id must be at most 255 characters"),
    (Rule(ENABLED, Filter(prefix="x", tag=Tag("a", "b")), expiration=Expiration(days=1)),
     "rules[0].rule_filter may hold only one of"),
    (Rule(ENABLED, Filter(AndOperator(object_size_greater_than=10, object_size_less_than=5)),
          expiration=Expiration(days=1)),
     "object_size_greater_than must be below object_size_less_than"),
    (Rule(ENABLED, Filter(tag=Tag("k" * 129, "v")), expiration=Expiration(days=1)),
     "rules[0].rule_filter.tag key must be 1 to 128 characters"),
])
def test_validation_errors_name_the_field(rule, message):
    with pytest.raises(ValueError) as info:
        LifecycleConfig([rule]).validate()
    assert message in str(info.value)


def test_validation_of_config_level_rules():
    with pytest.raises(ValueError, match="rules must hold at least one lifecycle rule"):
        LifecycleConfig([]).validate()
    rule = Rule(ENABLED, Filter(prefix=""), "same", expiration=Expiration(days=1))
    with pytest.raises(ValueError, match="rule_id must be unique; 'same'"):
        LifecycleConfig([rule, rule]).validate()


def test_bad_integer_in_reply_is_an_invalid_response():
    from minbrowse.s3.errors import InvalidResponseError
    with pytest.raises(InvalidResponseError, match="Days"):
        unmarshal(LifecycleConfig, "<LifecycleConfiguration><Rule><Status>Enabled</Status>"
                                   "<Expiration><Days>soon</Days></Expiration></Rule>"
                                   "</LifecycleConfiguration>")
