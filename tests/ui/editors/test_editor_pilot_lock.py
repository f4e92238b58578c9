"""Pilot tests of the object-lock family on a REAL SeaweedFS lock-enabled bucket: object
lock default retention, retention (future date, bypass governance when shortening), legal
hold."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

from textual.widgets import Checkbox, Input, Select, Switch

from minbrowse.s3 import DAYS, GOVERNANCE
from minbrowse.ui.editors.bucket_settings import ObjectLockEditor
from minbrowse.ui.editors.object_settings import LegalHoldEditor, RetentionEditor
from tests.ui.editors.test_editor_pilot_seaweed import SIZE, apply_and_confirm, host, loaded, status
from tests.ui.pilot_helpers import run_async


@run_async
async def test_object_lock_default_retention(seaweed: Any, sw_lock_bucket: str,
                                             sw_bucket: str) -> None:
    client = seaweed.client()
    async with host(client, ObjectLockEditor, sw_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "not enabled" in status(editor)
        editor.action_apply()
        await pilot.pause()
        assert "not enabled" in editor.last_error  # nothing sent
        assert [r.action for r in editor.gateway.requests] == ["load"]
    async with host(client, ObjectLockEditor, sw_lock_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "no default retention" in status(editor)
        editor.query_one("#lock-mode", Select).value = GOVERNANCE
        editor.query_one("#lock-duration", Input).value = "0"
        editor.action_apply()
        await pilot.pause()
        assert "positive" in editor.last_error
        editor.query_one("#lock-duration", Input).value = "3"
        await apply_and_confirm(pilot, editor)
    config = client.get_object_lock_config(sw_lock_bucket)
    assert (config.mode, config.duration, config.duration_unit) == (GOVERNANCE, 3, DAYS)


@run_async
async def test_retention_future_date_and_bypass_to_shorten(seaweed: Any,
                                                           sw_lock_bucket: str) -> None:
    client = seaweed.client()
    client.put_object(sw_lock_bucket, "held.bin", io.BytesIO(b"abc"), 3)
    now = datetime.now(timezone.utc)
    far, near = (now + timedelta(days=3)).date(), (now + timedelta(days=2)).date()
    async with host(client, RetentionEditor, sw_lock_bucket, "held.bin").run_test(
            size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "none set" in status(editor)
        editor.query_one("#retention-mode", Select).value = GOVERNANCE
        editor.query_one("#retention-until", Input).value = "2001-01-01"
        editor.action_apply()
        await pilot.pause()
        assert "future" in editor.last_error
        editor.query_one("#retention-until", Input).value = far.isoformat()
        await apply_and_confirm(pilot, editor)
        editor.query_one("#retention-until", Input).value = near.isoformat()
        editor.action_apply()
        await pilot.pause()
        assert "Bypass governance" in editor.last_error  # shortening needs the bypass
        editor.query_one("#retention-bypass", Checkbox).value = True
        await apply_and_confirm(pilot, editor)
        assert editor.gateway.requests[-1].bypass_governance is True
    retention = client.get_object_retention(sw_lock_bucket, "held.bin")
    assert retention.mode == GOVERNANCE and retention.retain_until_date.date() == near


@run_async
async def test_legal_hold_on_and_off(seaweed: Any, sw_lock_bucket: str) -> None:
    client = seaweed.client()
    client.put_object(sw_lock_bucket, "case.pdf", io.BytesIO(b"%PDF"), 4)
    async with host(client, LegalHoldEditor, sw_lock_bucket, "case.pdf").run_test(
            size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "OFF" in status(editor)
        editor.query_one("#legal-hold", Switch).value = True
        await apply_and_confirm(pilot, editor)
        assert client.is_object_legal_hold_enabled(sw_lock_bucket, "case.pdf") is True
        editor.query_one("#legal-hold", Switch).value = False
        await apply_and_confirm(pilot, editor)
    assert client.is_object_legal_hold_enabled(sw_lock_bucket, "case.pdf") is False
