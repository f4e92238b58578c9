"""Shared parts: Tags, Filter/AndOperator, validators, request encryption headers."""

import base64
import copy
import hashlib
import json
import pickle
from urllib.parse import parse_qsl

import pytest

from minbrowse.s3 import commonconfig
from minbrowse.s3.commonconfig import (COMPLIANCE, COPY, DISABLED, ENABLED, GOVERNANCE, REPLACE,
                                       AndOperator, Filter, Tag, Tags)
from minbrowse.s3.encryption import Sse, SseCustomerKey, SseKMS, SseS3
from minbrowse.s3.validation import Arn, check_policy_json, parse_arn
from minbrowse.s3.xmlutil import local_name, marshal, parse_xml, unmarshal

KEY = b"32byteslongsecretkeymustprovided"


def leaves(element, path=""):
    here = f"{path}/{local_name(element.tag)}"
    children = list(element)
    if not children:
        return [(here, (element.text or "").strip())]
    return sorted(leaf for child in children for leaf in leaves(child, here))


def test_constants():
    assert (ENABLED, DISABLED, COPY, REPLACE, GOVERNANCE, COMPLIANCE) == (
        "Enabled", "Disabled", "COPY", "REPLACE", "GOVERNANCE", "COMPLIANCE")


# ---------------------------------------------------------------- Tags
# AWS S3 API reference, PutBucketTagging / GetBucketTagging example body (verbatim).
AWS_TAGGING = """<Tagging>
  <TagSet>
    <Tag>
      <Key>Project</Key>
      <Value>Project One</Value>
    </Tag>
    <Tag>
      <Key>User</Key>
      <Value>jsmith</Value>
    </Tag>
  </TagSet>
</Tagging>"""


def test_aws_tagging_example_round_trip_and_seed_form():
    tags = unmarshal(Tags, AWS_TAGGING)
    assert tags == {"Project": "Project One", "User": "jsmith"}
    body = marshal(tags)
    assert leaves(parse_xml(body)) == leaves(parse_xml(AWS_TAGGING))
    assert unmarshal(Tags, body) == tags
    seed = Tags.new_bucket_tags()
    seed["Project"] = "Project One"
    seed["User"] = "jsmith"
    assert marshal(seed) == body == (
        b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>'
        b"<Tag><Key>Project</Key><Value>Project One</Value></Tag>"
        b"<Tag><Key>User</Key><Value>jsmith</Value></Tag></TagSet></Tagging>")
    seed.validate()


def test_tag_limits_enforced_on_assignment():
    tags = Tags.new_object_tags()
    for i in range(10):
        tags[f"k{i}"] = "v"
    tags["k0"] = "replaced"  # replacing an existing key is not an addition
    with pytest.raises(ValueError, match="object tags may hold at most 10 tags"):
        tags["k10"] = "v"
    with pytest.raises(ValueError, match="object tags may hold at most 10"):
        tags.update({"x": "1"})
    with pytest.raises(ValueError, match="object tags may hold at most 10"):
        tags |= {"y": "1"}
    with pytest.raises(ValueError, match="object tags may hold at most 10"):
        tags.setdefault("z", "1")
    bucket = Tags.new_bucket_tags()
    for i in range(50):
        bucket[str(i)] = ""
    with pytest.raises(ValueError, match="bucket tags may hold at most 50 tags"):
        bucket["50"] = "v"
    with pytest.raises(ValueError, match="tag key must be 1 to 128 characters long, got 129"):
        Tags()["k" * 129] = "v"
    with pytest.raises(ValueError, match="tag key must be 1 to 128"):
        Tags()[""] = "v"
    with pytest.raises(ValueError, match="at most 256 characters long, got 257"):
        Tags()["k"] = "v" * 257
    with pytest.raises(ValueError, match="tag value for key 'k' must be a string"):
        Tags()["k"] = 5
    Tags()["k" * 128] = "v" * 256  # limits are inclusive


def test_reply_tags_load_unchecked_and_validate_catches_them():
    many = "".join(f"<Tag><Key>k{i}</Key><Value>v</Value></Tag>" for i in range(12))
    tags = Tags.fromxml(parse_xml(f"<Tagging><TagSet>{many}</TagSet></Tagging>"),
                        for_object=True)
    assert len(tags) == 12 and tags.for_object
    with pytest.raises(ValueError, match="object tags may hold at most 10 tags, got 12"):
        tags.validate()


def test_tags_constructor_refuses_a_mapping():
    with pytest.raises(TypeError, match="new_bucket_tags"):
        Tags({"a": "b"})
    assert Tags(True).for_object and not Tags().for_object


def test_query_string_is_url_encoded():
    tags = Tags.new_object_tags()
    tags["Project"] = "Project One"
    tags["a&b=c"] = "ü/+%"
    query = tags.to_query_string()
    assert query == "Project=Project%20One&a%26b%3Dc=%C3%BC%2F%2B%25"
    assert dict(parse_qsl(query)) == dict(tags)
    assert Tags().to_query_string() == ""


def test_tags_copy_and_pickle_keep_kind():
    tags = Tags.new_object_tags()
    tags["a"] = "1"
    for clone in (tags.copy(), copy.deepcopy(tags), pickle.loads(pickle.dumps(tags))):
        assert isinstance(clone, Tags) and clone == tags and clone.for_object
        assert clone.limit == 10


# ---------------------------------------------------------------- Filter
def test_filter_positional_and_operator_and_xml():
    filt = Filter(AndOperator("TaxDocs", {"key1": "value1"}))
    assert filt.and_operator.prefix == "TaxDocs" and filt.prefix is None
    root = filt.toxml(None)
    assert [local_name(c.tag) for c in root[0]] == ["Prefix", "Tag"]
    assert Filter.fromxml(root) == filt
    assert Filter.fromxml(Filter(tag=Tag("k", "v")).toxml()) == Filter(tag=Tag("k", "v"))
    assert Filter.fromxml(Filter(prefix="").toxml()) == Filter(prefix="")
    empty = Filter.fromxml(parse_xml("<Filter/>"))
    assert empty == Filter() and len(empty.toxml()) == 0
    empty.validate()


@pytest.mark.parametrize("filt, message", [
    (Filter(prefix="a", tag=Tag("k", "v")), "rule_filter may hold only one of"),
    (Filter(AndOperator()), "rule_filter.and_operator needs a prefix, tags"),
    (Filter(AndOperator("p", {"": "v"})), "rule_filter.and_operator.tags key must be 1 to 128"),
    (Filter(object_size_greater_than=-1), "rule_filter.object_size_greater_than must be a non-"),
])
def test_filter_validation(filt, message):
    with pytest.raises(ValueError) as info:
        filt.validate()
    assert message in str(info.value)


def test_timestamp_helpers():
    from datetime import datetime, timezone
    parse = commonconfig.parse_iso8601
    utc = timezone.utc
    assert parse("2020-01-01T00:00:00Z") == datetime(2020, 1, 1, tzinfo=utc)
    assert parse("2020-01-01T00:00:00.5+02:00") == datetime(2019, 12, 31, 22, 0, 0, 500000,
                                                            tzinfo=utc)
    assert parse("2020-01-01") == datetime(2020, 1, 1, tzinfo=utc)
    assert commonconfig.format_iso8601(datetime(2020, 1, 1, 1, 2, 3, 456789)) == \
        "2020-01-01T01:02:03.456Z"
    from minbrowse.s3.errors import InvalidResponseError
    with pytest.raises(InvalidResponseError, match="RetainUntilDate"):
        parse("tomorrow", "RetainUntilDate")


# ---------------------------------------------------------------- validators
def test_parse_arn():
    assert parse_arn("arn:aws:s3:::bucket") == Arn("aws", "s3", "", "", "bucket")
    arn = parse_arn("arn:minio:sqs::1:webhook")
    assert (arn.service, arn.account, arn.resource) == ("sqs", "1", "webhook")
    assert str(parse_arn("arn:aws:iam::123:role/a:b")) == "arn:aws:iam::123:role/a:b"
    assert parse_arn("arn:aws:iam::123:role/a:b").resource == "role/a:b"
    for bad in ("", "bucket", "arn:aws:s3", "arn:aws:s3:::", "urn:aws:s3:::b", "arn::s3:::b"):
        with pytest.raises(ValueError, match="destination"):
            parse_arn(bad, "destination")


def test_check_policy_json():
    policy = json.dumps({"Version": "2012-10-17", "Statement": []}, indent=2)
    assert check_policy_json(policy) == policy
    assert check_policy_json(policy.encode()) == policy
    with pytest.raises(ValueError, match=r"line 3, column 5"):
        check_policy_json('{\n  "Version": "2012-10-17",\n    oops\n}')
    with pytest.raises(ValueError, match="policy must be a JSON object"):
        check_policy_json("[1, 2]")
    with pytest.raises(ValueError, match="non-empty"):
        check_policy_json("   ")


# ---------------------------------------------------------------- request encryption
def test_sse_customer_key_headers():
    ssec = SseCustomerKey(KEY)
    b64 = base64.b64encode(KEY).decode()
    md5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
    assert ssec.headers() == {
        "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Amz-Server-Side-Encryption-Customer-Key": b64,
        "X-Amz-Server-Side-Encryption-Customer-Key-MD5": md5,
    }
    assert ssec.copy_headers() == {
        "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key": b64,
        "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-MD5": md5,
    }
    assert ssec.tls_required() and isinstance(ssec, Sse)
    ssec.headers()["X-Amz-Server-Side-Encryption-Customer-Key"] = "tampered"
    assert ssec.headers()["X-Amz-Server-Side-Encryption-Customer-Key"] == b64


def test_sse_customer_key_never_shows_the_key():
    ssec = SseCustomerKey(KEY)
    b64 = base64.b64encode(KEY).decode()
    for text in (repr(ssec), str(ssec), repr([ssec]), repr(vars(ssec) if hasattr(ssec, "__dict__")
                                                               else {})):
        assert "32bytes" not in text and b64 not in text
    assert copy.deepcopy(ssec) is ssec
    with pytest.raises(TypeError):
        pickle.dumps(ssec)
    for bad in (b"short", KEY + b"x", base64.b64encode(KEY)):
        with pytest.raises(ValueError, match="exactly 32 bytes") as info:
            SseCustomerKey(bad)
        assert "32bytes" not in str(info.value)
    with pytest.raises(ValueError, match="must be bytes"):
        SseCustomerKey(KEY.decode())


def test_sse_kms_and_s3_headers():
    kms = SseKMS("my-key", {"project": "x"})
    headers = kms.headers()
    assert headers["X-Amz-Server-Side-Encryption"] == "aws:kms"
    assert headers["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] == "my-key"
    context = headers["X-Amz-Server-Side-Encryption-Context"]
    assert json.loads(base64.b64decode(context)) == {"project": "x"}
    assert kms.tls_required() and kms.copy_headers() == {}
    assert "X-Amz-Server-Side-Encryption-Context" not in SseKMS("k", {}).headers()
    s3 = SseS3()
    assert s3.headers() == {"X-Amz-Server-Side-Encryption": "AES256"}
    assert not s3.tls_required() and s3.copy_headers() == {}
