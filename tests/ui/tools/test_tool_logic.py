"""Pure helpers of the ops tools: durations, event parsing and filters, listing diffs, curl
quoting, metadata validation, select-result decoding."""

from __future__ import annotations

import shlex
from datetime import timedelta

import pytest

from minbrowse.ui.tools.logic import (
    SelectDecoder,
    curl_for_form,
    curl_for_url,
    diff_listing,
    event_matches,
    parse_duration,
    parse_metadata,
    records_to_events,
)
from minbrowse.ui.tools.values import LiveEvent
from tests.ui.tools.conftest import FIXED_NOW


def test_parse_duration() -> None:
    assert parse_duration("90") == timedelta(seconds=90)
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration(" 7d ") == timedelta(days=7)
    for bad in ("0", "8d", "604801", "1w", "", "-5m", "1.5h"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_records_to_events_decodes_keys_and_skips_junk() -> None:
    events = records_to_events({"Records": [
        {"eventName": "s3:ObjectCreated:Put", "eventTime": "2026-01-15T12:00:00.000Z",
         "s3": {"object": {"key": "dir/a+b%2Fc.txt", "size": 3}}},
        "not a record",
        {"eventName": "s3:ObjectRemoved:Delete", "s3": {"object": {"key": "gone"}}},
    ]})
    assert [(e.event, e.key, e.size) for e in events] == [
        ("s3:ObjectCreated:Put", "dir/a b/c.txt", 3), ("s3:ObjectRemoved:Delete", "gone", None)]
    assert events[0].when == FIXED_NOW and events[1].when is None


def test_event_filters() -> None:
    event = LiveEvent(None, "s3:ObjectCreated:Put", "logs/a.txt")
    assert event_matches(event, "created", "logs/")
    assert not event_matches(event, "Removed", "")
    assert not event_matches(event, "", "other/")


def test_diff_listing() -> None:
    before = {"a": ("e1", 1), "b": ("e2", 2), "c": ("e3", 3)}
    after = {"a": ("e1", 1), "b": ("e9", 5), "d": ("e4", 4)}
    assert diff_listing(None, after, FIXED_NOW) == []
    events = diff_listing(before, after, FIXED_NOW)
    assert [(e.event, e.key) for e in events] == [
        ("poll:changed", "b"), ("poll:removed", "c"), ("poll:created", "d")]


def test_curl_commands_quote_hostile_keys() -> None:
    url = "http://h/b/k?X-Amz-Signature=1&a=b"
    command = curl_for_url("GET", url, "dir/it's $(rm -rf).txt")
    assert shlex.split(command) == ["curl", "-o", "it's $(rm -rf).txt", url]
    assert shlex.split(curl_for_url("DELETE", url, "k")) == ["curl", "-X", "DELETE", url]
    form = curl_for_form("http://h/b", [("policy", "p=="), ("x", "a b")], "in/")
    assert shlex.split(form.replace("\\\n", "")) == [
        "curl", "-X", "POST", "http://h/b", "-F", "key=in/${filename}", "-F", "policy=p==",
        "-F", "x=a b", "-F", "file=@FILE"]


def test_parse_metadata() -> None:
    meta, errors = parse_metadata("text/plain; charset=utf-8", "owner: alice\nx-amz-meta-Stage: 2\n\n")
    assert meta == {"owner": "alice", "Stage": "2"} and errors == []
    _, errors = parse_metadata("text", "a b: 1\ncontent-type: x\nowner: \x1b\nowner2: é\nnocolon")
    assert errors[0].startswith("content type")
    assert any("line 1" in e for e in errors) and any("line 2" in e and "standard" in e for e in errors)
    assert any("line 3" in e and "printable" in e for e in errors)
    assert any("line 4" in e for e in errors) and any("line 5" in e for e in errors)
    _, errors = parse_metadata("a/b", "k: " + "v" * 2100)
    assert any("limit is 2048" in e for e in errors)
    _, errors = parse_metadata("a/b", "Owner: 1\nowner: 2")
    assert any("twice" in e for e in errors)


def test_select_decoder_streams_partial_records() -> None:
    decoder = SelectDecoder("json")
    assert decoder.feed('{"a": 1, "b"') is None
    batch = decoder.feed(': "x"}\n{"a": 2, "c": [1]}\n{"a"')
    assert batch.columns == ("a", "b", "c")
    assert batch.rows == (("1", "x", ""), ("2", "", "[1]"))
    assert decoder.feed(": 3}", final=True).rows == (("3", "", ""),)
    csv_decoder = SelectDecoder("csv")
    batch = csv_decoder.feed('x,"y,z"\n1,2\n')
    assert batch.columns == ("_1", "_2") and batch.rows == (("x", "y,z"), ("1", "2"))
    assert csv_decoder.rows == 2
