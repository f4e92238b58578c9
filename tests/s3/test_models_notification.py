"""Notification configuration document: AWS examples round-trip, seed construction, validation."""

import pytest

from minbrowse.s3.notification import (CloudFuncConfig, FilterRule, NotificationConfig,
                                       PrefixFilterRule, QueueConfig, SuffixFilterRule,
                                       TopicConfig)
from minbrowse.s3.xmlutil import local_name, marshal, parse_xml, unmarshal


def leaves(element, path=""):
    here = f"{path}/{local_name(element.tag)}"
    children = list(element)
    if not children:
        return [(here, (element.text or "").strip())]
    return sorted(leaf for child in children for leaf in leaves(child, here))


def roundtrip(xml):
    first = unmarshal(NotificationConfig, xml)
    body = marshal(first)
    second = unmarshal(NotificationConfig, body)
    assert second == first
    assert marshal(second) == body
    assert leaves(parse_xml(body)) == leaves(parse_xml(xml))
    return first


# AWS S3 API reference, PutBucketNotificationConfiguration examples 1-3 (verbatim bodies).
AWS_EXAMPLE_1 = """<NotificationConfiguration>
  <CloudFunctionConfiguration>
    <Id>ObjectCreatedEvents</Id>
    <CloudFunction>arn:aws:lambda:us-west-2:35667example:function:CreateThumbnail</CloudFunction>
    <Event>s3:ObjectCreated:*</Event>
  </CloudFunctionConfiguration>
</NotificationConfiguration>"""

AWS_EXAMPLE_2 = """<NotificationConfiguration>
  <TopicConfiguration>
    <Topic>arn:aws:sns:us-east-1:356671443308:s3notificationtopic2</Topic>
    <Event>s3:ReducedRedundancyLostObject</Event>
  </TopicConfiguration>
  <QueueConfiguration>
    <Queue>arn:aws:sqs:us-east-1:356671443308:s3notificationqueue</Queue>
    <Event>s3:ObjectCreated:*</Event>
  </QueueConfiguration>
</NotificationConfiguration>"""

AWS_EXAMPLE_3 = """<NotificationConfiguration>
  <QueueConfiguration>
      <Id>1</Id>
      <Filter>
          <S3Key>
              <FilterRule>
                  <Name>prefix</Name>
                  <Value>images/</Value>
              </FilterRule>
              <FilterRule>
                  <Name>suffix</Name>
                  <Value>.jpg</Value>
              </FilterRule>
          </S3Key>
     </Filter>
     <Queue>arn:aws:sqs:us-west-2:444455556666:s3notificationqueue</Queue>
     <Event>s3:ObjectCreated:Put</Event>
  </QueueConfiguration>
</NotificationConfiguration>"""


def test_aws_example_1_cloud_function():
    config = roundtrip(AWS_EXAMPLE_1)
    assert config.cloud_func_config_list == (CloudFuncConfig(
        "arn:aws:lambda:us-west-2:35667example:function:CreateThumbnail",
        ["s3:ObjectCreated:*"], config_id="ObjectCreatedEvents"),)
    assert config.cloud_func_config_list[0].cloud_func.endswith(":CreateThumbnail")
    config.validate()


def test_aws_example_2_topic_and_queue():
    config = roundtrip(AWS_EXAMPLE_2)
    assert config.topic_config_list[0].topic.endswith(":s3notificationtopic2")
    assert config.topic_config_list[0].events == ("s3:ReducedRedundancyLostObject",)
    assert config.queue_config_list[0].queue.endswith(":s3notificationqueue")
    assert config.queue_config_list[0].config_id is None
    config.validate()


def test_aws_example_3_key_filters():
    config = roundtrip(AWS_EXAMPLE_3)
    queue = config.queue_config_list[0]
    assert queue.prefix_filter_rule == PrefixFilterRule("images/")
    assert queue.suffix_filter_rule == SuffixFilterRule(".jpg")
    assert queue.prefix_filter_rule.name == "prefix"
    config.validate()


def test_seed_example_produces_expected_xml():
    config = NotificationConfig(queue_config_list=[QueueConfig(
        "arn:minio:sqs::1:webhook", ["s3:ObjectCreated:*"], config_id="1",
        prefix_filter_rule=PrefixFilterRule("abc"))])
    config.validate()
    assert marshal(config) == (
        b'<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<QueueConfiguration><Id>1</Id><Queue>arn:minio:sqs::1:webhook</Queue>"
        b"<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name>"
        b"<Value>abc</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
        b"</NotificationConfiguration>")


def test_all_three_lists_and_keyword_forms():
    config = NotificationConfig(
        queue_config_list=[QueueConfig(queue="arn:aws:sqs:us-east-1:1:q",
                                       events=["s3:ObjectRemoved:*"])],
        topic_config_list=[TopicConfig("arn:aws:sns:us-east-1:1:t", ["s3:ObjectCreated:Put"],
                                       suffix_filter_rule=SuffixFilterRule(".png"))],
        cloud_func_config_list=[CloudFuncConfig("arn:aws:lambda:us-east-1:1:function:f",
                                                ["s3:ObjectCreated:*"], "fn")],
    )
    config.validate()
    assert unmarshal(NotificationConfig, marshal(config)) == config


def test_empty_configuration_is_valid_and_filter_names_are_case_tolerant():
    NotificationConfig().validate()
    assert marshal(NotificationConfig()).startswith(b"<NotificationConfiguration")
    xml = ("<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:r:1:q</Queue>"
           "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name>"
           "<Value>a/</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
           "</NotificationConfiguration>")
    config = unmarshal(NotificationConfig, xml)
    assert config.queue_config_list[0].prefix_filter_rule == PrefixFilterRule("a/")
    assert FilterRule("prefix", "x") != PrefixFilterRule("x")  # distinct classes


@pytest.mark.parametrize("config, message", [
    (NotificationConfig(queue_config_list=[QueueConfig("QUEUE-ARN", ["s3:ObjectCreated:*"])]),
     "queue_config_list[0].queue 'QUEUE-ARN' is not an ARN"),
    (NotificationConfig(topic_config_list=[TopicConfig("arn:aws:sns:r:1:t", [])]),
     "topic_config_list[0].events must name at least one event"),
    (NotificationConfig(topic_config_list=[TopicConfig("arn:aws:sns:r:1:t", ["ObjectCreated"])]),
     "topic_config_list[0].events: 'ObjectCreated' is not an s3:... event name"),
    (NotificationConfig(cloud_func_config_list=[CloudFuncConfig("arn:x", ["s3:ObjectCreated:*"])]),
     "cloud_func_config_list[0].cloud_func 'arn:x' is not an ARN"),
    (NotificationConfig(
        queue_config_list=[QueueConfig("arn:aws:sqs:r:1:q", ["s3:ObjectCreated:*"], "same")],
        topic_config_list=[TopicConfig("arn:aws:sns:r:1:t", ["s3:ObjectCreated:*"], "same")]),
     "config_id must be unique; 'same'"),
])
def test_validation_errors_name_the_field(config, message):
    with pytest.raises(ValueError) as info:
        config.validate()
    assert message in str(info.value)
