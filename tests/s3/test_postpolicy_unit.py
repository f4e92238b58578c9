"""PostPolicy: AWS's POST example signature, policy document, validation, minio-py as an oracle."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import minio.datatypes
import pytest
from minio.credentials import Credentials as MinioCredentials
from minio.datatypes import PostPolicy as MinioPostPolicy

from minbrowse.s3.credentials import Credentials
from minbrowse.s3.errors import S3ClientError
from minbrowse.s3.postpolicy import PostPolicy, PostPolicyError
from minbrowse.s3.signer import post_presign_v4

# "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)",
# Amazon S3 API reference: the base64 policy is the string to sign.
AWS_POST_POLICY_B64 = (
    "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6"
    "ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFj"
    "bCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tl"
    "dC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5"
    "cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZl"
    "ci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoN"
    "CiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVx"
    "dWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAx"
    "NTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
)
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

NOW = datetime(2024, 2, 29, 10, 11, 12)
CREDS = Credentials("AKIDPOST", "post/secret+key")


def test_aws_post_example_signature():
    decoded = base64.b64decode(AWS_POST_POLICY_B64).decode()
    assert '"x-amz-date": "20151229T000000Z"' in decoded
    assert post_presign_v4(AWS_POST_POLICY_B64, AWS_SECRET, datetime(2015, 12, 29), "us-east-1") == (
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e")


def _policy(**kwargs) -> PostPolicy:
    policy = PostPolicy("my-bucket", kwargs.get("expiration", NOW + timedelta(days=10)))
    policy.add_starts_with_condition("key", "my/object/prefix/")
    policy.add_content_length_range_condition(1024, 10 * 1024 * 1024)
    return policy


def _decode(fields: dict[str, str]) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def test_form_data_fields_and_policy_document():
    policy = _policy()
    policy.add_equals_condition("Content-Type", "image/png")
    policy.add_equals_condition("$x-amz-meta-owner", "ann")
    policy.add_starts_with_condition("$x-amz-meta-tag", "")
    fields = policy.form_data(CREDS, "eu-west-3", now=NOW)

    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert fields["x-amz-credential"] == "AKIDPOST/20240229/eu-west-3/s3/aws4_request"
    assert fields["x-amz-date"] == "20240229T101112Z"
    assert fields["x-amz-signature"] == post_presign_v4(fields["policy"], CREDS.secret_key, NOW, "eu-west-3")
    assert "x-amz-security-token" not in fields
    # equals conditions travel as form fields too; starts-with ones are the caller's to fill
    assert fields["Content-Type"] == "image/png" and fields["x-amz-meta-owner"] == "ann"
    assert "key" not in fields and "x-amz-meta-tag" not in fields

    assert _decode(fields) == {
        "expiration": "2024-03-10T10:11:12.000Z",
        "conditions": [
            ["eq", "$bucket", "my-bucket"],
            ["eq", "$Content-Type", "image/png"],
            ["eq", "$x-amz-meta-owner", "ann"],
            ["starts-with", "$key", "my/object/prefix/"],
            ["starts-with", "$x-amz-meta-tag", ""],
            ["content-length-range", 1024, 10485760],
            ["eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"],
            ["eq", "$x-amz-credential", "AKIDPOST/20240229/eu-west-3/s3/aws4_request"],
            ["eq", "$x-amz-date", "20240229T101112Z"],
        ],
    }


def test_equals_key_is_returned_and_session_token_is_signed():
    policy = PostPolicy("my-bucket", datetime(2030, 1, 1, 0, 0, 0, 123456, tzinfo=timezone.utc))
    policy.add_equals_condition("key", "exact/key.txt")
    creds = Credentials("AKID", "sk", "session/token==")
    fields = policy.form_data(creds, "us-east-1", now=NOW)
    assert fields["key"] == "exact/key.txt"
    assert fields["x-amz-security-token"] == "session/token=="
    document = _decode(fields)
    assert document["expiration"] == "2030-01-01T00:00:00.123Z"
    assert ["eq", "$x-amz-security-token", "session/token=="] in document["conditions"]
    assert document["conditions"][-1] == ["eq", "$x-amz-date", "20240229T101112Z"]


def test_remove_conditions():
    policy = _policy()
    policy.add_equals_condition("Content-Type", "text/plain")
    policy.remove_equals_condition("Content-Type")
    policy.remove_content_length_range_condition()
    conditions = _decode(policy.form_data(CREDS, "us-east-1", now=NOW))["conditions"]
    assert all(c[0] != "content-length-range" for c in conditions)
    assert all(c[1] != "$Content-Type" for c in conditions)
    policy.remove_starts_with_condition("key")
    with pytest.raises(PostPolicyError, match="key condition"):
        policy.form_data(CREDS, "us-east-1", now=NOW)
    with pytest.raises(KeyError):
        policy.remove_equals_condition("never-added")


def test_expiration_must_be_in_the_future_naive_is_utc():
    aware_now = datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=2)))  # 10:00 UTC
    policy = _policy(expiration=datetime(2024, 2, 29, 10, 0, 1))
    assert policy.form_data(CREDS, "us-east-1", now=aware_now)["x-amz-date"] == "20240229T100000Z"
    with pytest.raises(PostPolicyError, match="future"):
        policy.form_data(CREDS, "us-east-1", now=datetime(2024, 2, 29, 10, 0, 1))
    with pytest.raises(PostPolicyError, match="future"):
        _policy(expiration=datetime(2000, 1, 1)).form_data(CREDS, "us-east-1")


@pytest.mark.parametrize("method, element, match", [
    ("add_equals_condition", "success_action_redirect", "unsupported"),
    ("add_equals_condition", "redirect", "unsupported"),
    ("add_equals_condition", "content-length-range", "unsupported"),
    ("add_equals_condition", "$bucket", "cannot be set"),
    ("add_equals_condition", "x-amz-signature", "cannot be set"),
    ("add_equals_condition", "policy", "cannot be set"),
    ("add_equals_condition", "", "empty"),
    ("add_starts_with_condition", "success_action_status", "unsupported"),
    ("add_starts_with_condition", "x-amz-server-side-encryption", "unsupported"),
    ("add_starts_with_condition", "X-Amz-Date", "unsupported"),
    ("add_starts_with_condition", "bucket", "cannot be set"),
    ("add_starts_with_condition", "$", "empty"),
])
def test_disallowed_elements(method, element, match):
    policy = PostPolicy("my-bucket", NOW)
    with pytest.raises(PostPolicyError, match=match) as info:
        getattr(policy, method)(element, "v")
    assert isinstance(info.value, ValueError) and isinstance(info.value, S3ClientError)


def test_allowed_meta_starts_with_and_limits():
    policy = PostPolicy("my-bucket", NOW)
    policy.add_starts_with_condition("x-amz-meta-color", "bl")
    policy.add_content_length_range_condition(0, 0)
    for lower, upper in ((-1, 5), (5, -1), (6, 5)):
        with pytest.raises(PostPolicyError):
            policy.add_content_length_range_condition(lower, upper)
    with pytest.raises(PostPolicyError):
        policy.add_content_length_range_condition(1.5, 2)


def test_constructor_and_form_data_arguments_checked():
    with pytest.raises(S3ClientError):
        PostPolicy("x", NOW)
    with pytest.raises(PostPolicyError):
        PostPolicy("my-bucket", "2030-01-01")  # type: ignore[arg-type]
    assert PostPolicy("my-bucket", NOW).bucket_name == "my-bucket"
    with pytest.raises(PostPolicyError, match="region"):
        _policy().form_data(CREDS, "", now=NOW)
    with pytest.raises(PostPolicyError, match="credentials"):
        _policy().form_data(("a", "b"), "us-east-1", now=NOW)  # type: ignore[arg-type]


class _FrozenDatetime(datetime):
    @classmethod
    def utcnow(cls):
        return NOW


@pytest.mark.parametrize("token", [None, "sess/ion+tok"])
def test_matches_minio_form_data(monkeypatch, token):
    monkeypatch.setattr(minio.datatypes, "datetime", _FrozenDatetime)
    # minio checks isinstance(expiration, <patched datetime>): build it from the subclass
    expiration = _FrozenDatetime(2024, 2, 29, 15, 11, 12, 250000)

    def build(cls):
        policy = cls("my-bucket", expiration)
        policy.add_equals_condition("Content-Type", "image/jpeg")
        policy.add_starts_with_condition("key", "uploads/ü nicode/")
        policy.add_starts_with_condition("x-amz-meta-tag", "")
        policy.add_content_length_range_condition(10, 2048)
        return policy

    theirs = build(MinioPostPolicy).form_data(MinioCredentials("AKIDPOST", "post/secret+key", token), "ap-south-1")
    ours = build(PostPolicy).form_data(Credentials("AKIDPOST", "post/secret+key", token), "ap-south-1", now=NOW)
    extra = {k: ours.pop(k) for k in list(ours) if k not in theirs}
    assert extra == {"Content-Type": "image/jpeg"}
    assert ours == theirs
