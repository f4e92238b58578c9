"""LOCATION parsing and Profile field validation."""

from __future__ import annotations

import pytest

from minbrowse.config import Location, LocationError, Profile, ProfileError, parse_location


@pytest.mark.parametrize("text, expected", [
    ("s3://bucket", Location("bucket", "", None)),
    ("s3://bucket/", Location("bucket", "", None)),
    ("s3://bucket/a/b/", Location("bucket", "a/b/", None)),
    ("s3://bucket/a/b/file.txt", Location("bucket", "a/b/", "a/b/file.txt")),
    ("s3://bucket/file.txt", Location("bucket", "", "file.txt")),
    ("S3://my.bucket-1/x%20y", Location("my.bucket-1", "", "x%20y")),
    ("s3://bucket/caf\u00e9/na\u00efve", Location("bucket", "caf\u00e9/", "caf\u00e9/na\u00efve")),
    ("s3://bucket/a//b", Location("bucket", "a//", "a//b")),
])
def test_parse_location(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("bucket/key", "must look like s3://"),
    ("https://bucket/key", "must look like s3://"),
    ("s3://", "no bucket"),
    ("s3:///key", "no bucket"),
    ("s3://ab/key", "not a valid bucket name"),
    ("s3://-bad-/key", "not a valid bucket name"),
    ("s3://a..b/key", "not a valid bucket name"),
    ("s3://bucket/a\x1b[31m", "control character"),
    ("s3://bucket/" + "k" * 1025, "1024 bytes"),
])
def test_bad_locations(text, fragment):
    with pytest.raises(LocationError) as info:
        parse_location(text)
    assert fragment in str(info.value)
    assert "\x1b" not in str(info.value) and "\n" not in str(info.value)


def test_location_str_round_trips():
    for text in ("s3://b-1/a/b/", "s3://b-1/a/key", "s3://b-1/"):
        assert str(parse_location(text)) == text


@pytest.mark.parametrize("endpoint, secure, expected", [
    ("host:9000", True, ("host:9000", True)),
    ("http://host:9000", True, ("host:9000", False)),
    ("https://host", False, ("host", True)),
    ("HTTPS://host:443/", False, ("host:443", True)),
    ("[::1]:9000", False, ("[::1]:9000", False)),
    ("10.0.0.1", True, ("10.0.0.1", True)),
])
def test_endpoint_normalisation(endpoint, secure, expected):
    profile = Profile("p", endpoint, secure=secure)
    assert (profile.endpoint, profile.secure) == expected


@pytest.mark.parametrize("kwargs, fragment", [
    ({"name": "", "endpoint": "h"}, "profile name"),
    ({"name": "a b", "endpoint": "h"}, "profile name"),
    ({"name": "p", "endpoint": "http://h/path"}, "path"),
    ({"name": "p", "endpoint": "http://user:pw@h"}, "user:password"),
    ({"name": "p", "endpoint": "h:0"}, "port"),
    ({"name": "p", "endpoint": "h", "region": "Not A Region"}, "region"),
    ({"name": "p", "endpoint": "h", "credentials": "mc:"}, "credentials"),
    ({"name": "p", "endpoint": "h", "session_token": "t"}, "session_token"),
])
def test_invalid_profiles(kwargs, fragment):
    with pytest.raises(ProfileError, match=fragment):
        Profile(**kwargs)


def test_profile_repr_redacts_secrets_and_aws_alone_means_default():
    profile = Profile("p", "h", access_key="AK", secret_key="TOPSECRET", session_token="TOKEN")
    assert "TOPSECRET" not in repr(profile) and "TOKEN" not in str(profile)
    assert "'***'" in repr(profile) and profile.auth_label == "keys"
    assert Profile("p", "h", credentials="aws").credentials == "aws:default"
    assert Profile("p", "h").auth_label == "anonymous"
