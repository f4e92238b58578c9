"""Pure tests of config_diff, config_export and config_jobs (with a recording fake client)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from minbrowse.s3 import (DISABLED, ENABLED, DeleteMarkerReplication, Destination, Expiration,
                          LifecycleConfig, NotificationConfig, ObjectLockConfig, PrefixFilterRule,
                          QueueConfig, ReplicationConfig, S3Error, SSEConfig, SuffixFilterRule,
                          Tags, Transition, VersioningConfig)
from minbrowse.s3 import lifecycle, replication, sse
from minbrowse.s3.commonconfig import AndOperator, Filter
from minbrowse.ui.editors import config_diff, config_export
from minbrowse.ui.jobs import config_jobs
from minbrowse.ui.editors import protocol as p
from minbrowse.ui.editors.lifecycle import make_filter, parse_tag_filter
from minbrowse.ui.editors.tags import parse_tags

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def bucket_tags(**items: str) -> Tags:
    tags = Tags.new_bucket_tags()
    tags.update(items)
    return tags


LIFECYCLE = LifecycleConfig([lifecycle.Rule(
    ENABLED, Filter(and_operator=AndOperator("logs/", {"tier": "cold"})), "archive",
    expiration=Expiration(date=datetime(2030, 1, 1, tzinfo=timezone.utc)),
    transition=Transition(days=30, storage_class="GLACIER"))])
REPLICATION = ReplicationConfig("arn:aws:iam::123456789012:role/r", [replication.Rule(
    Destination("arn:aws:s3:::dr"), ENABLED, DeleteMarkerReplication(DISABLED),
    rule_filter=Filter(prefix="p/"), rule_id="r1", priority=1)])
NOTIFICATION = NotificationConfig(queue_config_list=[QueueConfig(
    "arn:aws:sqs:us-east-1:123456789012:q", ["s3:ObjectCreated:*"], "q1",
    PrefixFilterRule("in/"), SuffixFilterRule(".csv"))])
EVERYTHING: dict[str, Any] = {
    "policy": '{"Version": "2012-10-17", "Statement": []}',
    "versioning": VersioningConfig(ENABLED),
    "object_lock": ObjectLockConfig("GOVERNANCE", 5, "Days"),
    "encryption": SSEConfig(sse.Rule.new_sse_kms_rule("key-1")),
    "tags": bucket_tags(owner="ops"),
    "lifecycle": LIFECYCLE,
    "replication": REPLICATION,
    "notification": NOTIFICATION,
}


# ---- config_diff ---------------------------------------------------------------------------

def test_diff_is_empty_for_equal_documents_whatever_the_formatting() -> None:
    assert config_diff.diff_text("policy", '{"a": ["x"], "b": 1}', '{"b":1,"a":"x"}') == ""
    assert config_diff.diff_text("lifecycle", LIFECYCLE, LifecycleConfig(list(LIFECYCLE.rules))) == ""


def test_diff_shows_changed_lines_only_as_plus_minus() -> None:
    edited = LifecycleConfig([lifecycle.Rule(ENABLED, Filter(prefix="logs/"), "archive",
                                             expiration=Expiration(days=7))])
    diff = config_diff.diff_text("lifecycle", LIFECYCLE, edited)
    assert diff.startswith("--- live lifecycle\n+++ edited lifecycle\n")
    assert '+        "days": 7\n' in diff
    assert '-        "date": "2030-01-01T00:00:00Z"\n' in diff
    assert config_diff.summary(diff)[0] >= 1


def test_none_set_renders_as_a_line_and_diffs_against_a_value() -> None:
    assert config_diff.canonical_text("tags", None) == "(none set)\n"
    diff = config_diff.diff_text("tags", None, bucket_tags(a="1"))
    assert "-(none set)" in diff and '+  "a": "1"' in diff


# ---- config_export -------------------------------------------------------------------------

def test_export_round_trips_every_configuration() -> None:
    text = config_export.build_export("b1", EVERYTHING, {"x": "NotImplemented: no"}, NOW)
    document = json.loads(text)
    assert document["exported_at"] == "2026-01-02T03:04:05Z"
    assert list(document["configurations"]) == list(config_export.BUCKET_KINDS)
    parsed = config_export.parse_export(text)
    assert parsed.bucket == "b1" and parsed.unavailable == {"x": "NotImplemented: no"}
    for kind, value in EVERYTHING.items():
        back = parsed.configurations[kind]
        assert config_diff.same(kind, value, back), kind
        if kind != "policy":
            assert type(back) is type(value)
    assert isinstance(parsed.configurations["notification"].queue_config_list[0]
                      .prefix_filter_rule, PrefixFilterRule)


def test_export_none_set_stays_none() -> None:
    text = config_export.build_export("b1", {"lifecycle": None}, {}, NOW)
    assert config_export.parse_export(text).configurations == {"lifecycle": None}


@pytest.mark.parametrize(("text", "message"), [
    ('{"format": ', "line 1, column 12"),
    ('{"format": "other", "version": 1}', "not a minbrowse"),
    ('{"format": "minbrowse-bucket-configuration", "version": 9, "configurations": {}}',
     "version 9"),
    ('{"format": "minbrowse-bucket-configuration", "version": 1, "configurations": '
     '{"acl": {}}}', "unknown configuration 'acl'"),
    ('{"format": "minbrowse-bucket-configuration", "version": 1, "configurations": '
     '{"lifecycle": {"rules": [{"status": "Enabled", "bogus": 1}]}}}', "lifecycle: Rule has no field 'bogus'"),
    ('{"format": "minbrowse-bucket-configuration", "version": 1, "configurations": '
     '{"versioning": {"status": 3}}}', "versioning: expected a string"),
])
def test_parse_export_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        config_export.parse_export(text)


# ---- editor parsers ------------------------------------------------------------------------

def test_parse_tags_limits_with_line_numbers() -> None:
    assert dict(parse_tags("a=1\n\n b = two \n", for_object=True)) == {"a": "1", "b": "two"}
    with pytest.raises(ValueError, match="line 2: key 'a' already set on line 1"):
        parse_tags("a=1\na=2", for_object=False)
    with pytest.raises(ValueError, match="line 1: expected key=value"):
        parse_tags("novalue", for_object=False)
    with pytest.raises(ValueError, match="line 1: .*256"):
        parse_tags("k=" + "v" * 257, for_object=False)
    with pytest.raises(ValueError, match="line 11: an object may hold at most 10"):
        parse_tags("".join(f"k{i}=v\n" for i in range(11)), for_object=True)
    assert len(parse_tags("".join(f"k{i}=v\n" for i in range(50)), for_object=False)) == 50


def test_lifecycle_filter_shapes() -> None:
    assert make_filter("a/", {}, None, None) == Filter(prefix="a/")
    assert make_filter(None, {"k": "v"}, None, None).tag.key == "k"
    both = make_filter("a/", {"k": "v"}, 10, None)
    assert both.and_operator == AndOperator("a/", {"k": "v"}, 10, None)
    assert parse_tag_filter("a=1, b=2") == {"a": "1", "b": "2"}


# ---- config_jobs with a recording fake client ------------------------------------------------

class FakeClient:
    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, tuple]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args))
            answer = self.answers.get(name)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return call


def s3_error(code: str) -> S3Error:
    return S3Error(code, f"{code} message", "/b", "req", "host", None)


def test_missing_configurations_load_as_none() -> None:
    client = FakeClient(get_bucket_policy=s3_error("NoSuchBucketPolicy"),
                        get_object_lock_config=s3_error("ObjectLockConfigurationNotFoundError"),
                        is_object_legal_hold_enabled=s3_error("NoSuchObjectLegalHold"),
                        get_bucket_notification=NotificationConfig())
    assert config_jobs.load_policy(client, "b") is None
    assert config_jobs.load_object_lock(client, "b") is None
    assert config_jobs.load_legal_hold(client, "b", "k", None) is False
    assert config_jobs.load_notification(client, "b") is None


def test_apply_reads_back_and_empty_means_delete() -> None:
    client = FakeClient(get_bucket_lifecycle=LIFECYCLE)
    assert config_jobs.apply_lifecycle(client, "b", LIFECYCLE) is LIFECYCLE
    assert [c[0] for c in client.calls] == ["set_bucket_lifecycle", "get_bucket_lifecycle"]
    client = FakeClient(get_bucket_tags=None)
    assert config_jobs.apply_bucket(client, "tags", "b", None) is None
    assert [c[0] for c in client.calls] == ["delete_bucket_tags", "get_bucket_tags"]


def test_execute_never_raises_and_maps_unsupported() -> None:
    client = FakeClient(set_bucket_replication=s3_error("BucketAlreadyOwnedByYou"),
                        get_bucket_encryption=s3_error("NotImplemented"))
    apply = p.ConfigRequest("replication", p.APPLY, "b", value=REPLICATION)
    answer = config_jobs.execute(client, apply, read_only=False)
    assert isinstance(answer, p.ConfigFailed) and answer.not_supported
    answer = config_jobs.execute(client, p.ConfigRequest("encryption", p.LOAD, "b"),
                                 read_only=False)
    assert isinstance(answer, p.ConfigFailed) and answer.code == "NotImplemented"
    answer = config_jobs.execute(client, p.ConfigRequest("nope", p.LOAD, "b"), read_only=False)
    assert isinstance(answer, p.ConfigFailed) and "unknown configuration job" in answer.message


def test_execute_refuses_mutations_when_read_only() -> None:
    client = FakeClient()
    answer = config_jobs.execute(client, p.ConfigRequest("tags", p.DELETE, "b"), read_only=True)
    assert isinstance(answer, p.ConfigFailed) and answer.code == "ReadOnly"
    assert client.calls == []
    answer = config_jobs.execute(client, p.ConfigRequest("tags", p.LOAD, "b"), read_only=True)
    assert isinstance(answer, p.ConfigDone)


def test_import_apply_reports_each_kind() -> None:
    client = FakeClient(get_bucket_tags=bucket_tags(a="1"),
                        set_bucket_versioning=s3_error("AccessDenied"))
    results = config_jobs.import_apply(client, "b", {"tags": bucket_tags(a="1"),
                                                     "versioning": VersioningConfig(ENABLED)})
    assert results["tags"] == (True, {"a": "1"})
    assert results["versioning"] == (False, "AccessDenied: AccessDenied message")


def test_tags_text_escapes_control_characters_and_round_trips() -> None:
    from minbrowse.ui.editors.tags import tags_text

    tags = Tags.new_object_tags()
    tags.update({"bad\x1bkey": "esc\u202evalue", "path": "c:\\dir"})
    text = tags_text(tags)
    assert "\x1b" not in text and "\u202e" not in text
    assert "bad\\x1bkey=esc\\u202evalue" in text
    assert dict(parse_tags(text, for_object=True)) == dict(tags)
