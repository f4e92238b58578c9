"""Pilot tests against moto's REAL server: lifecycle transitions, replication and
notification configuration (SeaweedFS lacks them); open, edit, apply, read back."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Select

from minbrowse.s3 import DISABLED, ENABLED, VersioningConfig
from minbrowse.ui.editors.lifecycle import LifecycleEditor
from minbrowse.ui.editors.notification import NotificationEditor
from minbrowse.ui.editors.replication import ReplicationEditor
from tests.ui.editors.test_editor_pilot_seaweed import SIZE, apply_and_confirm, host, loaded, status
from tests.ui.pilot_helpers import run_async, wait_until


def fill(editor: Any, **values: str) -> None:
    for field_id, value in values.items():
        editor.query_one(f"#{field_id.replace('_', '-')}", Input).value = value


@run_async
async def test_lifecycle_rule_with_transition_and_noncurrent(moto: Any, moto_bucket: str) -> None:
    client = moto.client()
    async with host(client, LifecycleEditor, moto_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "none set" in status(editor)
        fill(editor, lc_id="archive", lc_prefix="logs/", lc_exp_days="-3")
        editor.save_rule()
        assert "positive" in editor.last_error and editor.rules == []
        fill(editor, lc_exp_days="365", lc_tr_days="30", lc_tr_class="GLACIER",
             lc_nc_exp_days="90", lc_abort_days="7")
        assert editor.save_rule()
        await apply_and_confirm(pilot, editor)
        assert "read back" in status(editor)
    rule = client.get_bucket_lifecycle(moto_bucket).rules[0]
    assert rule.rule_id == "archive" and rule.rule_filter.prefix == "logs/"
    assert (rule.transition.days, rule.transition.storage_class) == (30, "GLACIER")
    assert rule.expiration.days == 365
    assert rule.noncurrent_version_expiration.noncurrent_days == 90
    assert rule.abort_incomplete_multipart_upload.days_after_initiation == 7


@run_async
async def test_replication_rules_apply_and_bad_arn(moto: Any, moto_bucket: str) -> None:
    client = moto.client()
    async with host(client, ReplicationEditor, moto_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        fill(editor, repl_role="arn:aws:iam::123456789012:role/replicate", repl_id="to-dr",
             repl_priority="1", repl_prefix="data/", repl_dest="not-an-arn")
        assert not editor.save_rule()
        assert "not an ARN" in editor.last_error
        fill(editor, repl_dest="arn:aws:s3:::dr-bucket")
        editor.query_one("#repl-delete-markers", Checkbox).value = True
        assert editor.save_rule()
        # moto refuses replication on an unversioned bucket: the edit must stay on screen
        editor.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not editor.busy, what="apply")
        assert "InvalidRequest" in editor.last_error and "Versioning" in editor.last_error
        assert "your edit is kept" in editor.last_error
        assert len(editor.rules) == 1
        assert editor.query_one("#repl-role", Input).value.endswith("role/replicate")
        client.set_bucket_versioning(moto_bucket, VersioningConfig(ENABLED))
        await apply_and_confirm(pilot, editor)
        # moto's GET drops the filter prefix and the delete-marker status it was sent
        # (moto gap): the read back differs and the editor must say so, not claim success
        assert "different value" in status(editor)
    config = client.get_bucket_replication(moto_bucket)
    assert config.role == "arn:aws:iam::123456789012:role/replicate"
    rule = config.rules[0]
    assert (rule.rule_id, rule.priority, rule.status) == ("to-dr", 1, ENABLED)
    assert rule.destination.bucket_arn == "arn:aws:s3:::dr-bucket"
    assert rule.rule_filter.prefix == ""  # moto gap, see above


@run_async
async def test_notification_queue_and_topic(moto: Any, moto_bucket: str) -> None:
    client = moto.client()
    async with host(client, NotificationEditor, moto_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "none set" in status(editor)
        fill(editor, nt_arn="arn:aws:sqs:us-east-1:123456789012:uploads",
             nt_events="s3:ObjectCreated:*", nt_id="q1", nt_prefix="in/", nt_suffix=".csv")
        assert editor.save_rule()
        editor.edit(None)
        editor.query_one("#nt-type", Select).value = "topic"
        fill(editor, nt_arn="arn:aws:sns:us-east-1:123456789012:alerts",
             nt_events="s3:ObjectRemoved:*", nt_id="t1")
        assert editor.save_rule()
        await apply_and_confirm(pilot, editor)
        assert len(editor.rules) == 2
    config = client.get_bucket_notification(moto_bucket)
    queue = config.queue_config_list[0]
    assert (queue.queue, queue.events, queue.config_id) == (
        "arn:aws:sqs:us-east-1:123456789012:uploads", ("s3:ObjectCreated:*",), "q1")
    assert (queue.prefix_filter_rule.value, queue.suffix_filter_rule.value) == ("in/", ".csv")
    assert config.topic_config_list[0].topic == "arn:aws:sns:us-east-1:123456789012:alerts"


@run_async
async def test_lifecycle_delete_asks_then_removes(moto: Any, moto_bucket: str) -> None:
    from minbrowse.s3 import Expiration, LifecycleConfig
    from minbrowse.s3.commonconfig import Filter
    from minbrowse.s3.lifecycle import Rule

    client = moto.client()
    client.set_bucket_lifecycle(moto_bucket, LifecycleConfig(
        [Rule(ENABLED, Filter(prefix="tmp/"), "tmp", expiration=Expiration(days=1))]))
    async with host(client, LifecycleEditor, moto_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert editor.query_one("#lc-prefix", Input).value == "tmp/"
        editor.action_delete()
        await pilot.pause()
        await pilot.press("n")  # declined: nothing sent
        await pilot.pause()
        assert [r.action for r in editor.gateway.requests] == ["load"]
        assert client.get_bucket_lifecycle(moto_bucket) is not None
        editor.action_delete()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not editor.busy and editor.live is None, what="delete")
    assert client.get_bucket_lifecycle(moto_bucket) is None
    assert DISABLED  # (imported constant used by other tests)
