"""Pilot tests of the bucket/object editors against a REAL SeaweedFS: open, read the live
value, edit, apply, read back through `minbrowse.s3`."""

from __future__ import annotations

import io
import json
from typing import Any

from textual.widgets import Input, Select, TextArea

from minbrowse.s3 import ENABLED, Tags
from minbrowse.s3 import sse
from minbrowse.ui.editors.bucket_settings import EncryptionEditor, VersioningEditor
from minbrowse.ui.editors.policy import PolicyEditor
from minbrowse.ui.editors.tags import BucketTagsEditor, ObjectTagsEditor
from tests.ui.editors.conftest import DirectGateway, HostApp
from tests.ui.pilot_helpers import run_async, wait_until

SIZE = (110, 50)


def host(client: Any, editor_cls: type, bucket: str, key: str | None = None,
         read_only: bool = False, **kwargs: Any) -> HostApp:
    return HostApp(lambda app: editor_cls(bucket, key, gateway=DirectGateway(app, client, read_only),
                                          **kwargs))


async def loaded(pilot: Any) -> Any:
    editor = pilot.app.editor
    await wait_until(pilot, lambda: editor.loaded or editor.last_error or editor.unsupported,
                     what="live configuration")
    await pilot.pause()
    return editor


async def apply_and_confirm(pilot: Any, editor: Any) -> None:
    editor.action_apply()
    await pilot.pause()
    assert editor.last_error is None, editor.last_error
    await pilot.press("y")  # the diff modal
    await wait_until(pilot, lambda: not editor.busy, what="apply")
    await pilot.pause()
    assert editor.last_error is None, editor.last_error


def status(editor: Any) -> str:
    return str(editor.query_one("#editor-status").render())


@run_async
async def test_policy_editor_reads_applies_and_reads_back(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    async with host(client, PolicyEditor, sw_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert editor.live is None and "none set" in status(editor)
        area = editor.query_one("#policy-text", TextArea)
        area.load_text('{"Version": "2012-10-17",\n  "Statement": [}')
        editor.action_apply()
        await pilot.pause()
        assert "line 2, column 17" in editor.last_error  # nothing was sent
        assert [r.action for r in editor.gateway.requests] == ["load"]
        await pilot.click("#policy-template-ro")
        await apply_and_confirm(pilot, editor)
        assert "read back" in status(editor)
    stored = json.loads(client.get_bucket_policy(sw_bucket))
    assert stored["Statement"][1]["Resource"] == f"arn:aws:s3:::{sw_bucket}/*"


@run_async
async def test_bucket_tags_limits_and_apply(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    tags = Tags.new_bucket_tags()
    tags["team"] = "ops"
    client.set_bucket_tags(sw_bucket, tags)
    async with host(client, BucketTagsEditor, sw_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        area = editor.query_one("#tags-text", TextArea)
        assert area.text == "team=ops\n"
        area.load_text("team=ops\n" + "k" * 129 + "=v\n")
        editor.action_apply()
        await pilot.pause()
        assert "line 2" in editor.last_error and "128" in editor.last_error
        area.load_text("team=platform\nenv=prod\n")
        await apply_and_confirm(pilot, editor)
    assert dict(client.get_bucket_tags(sw_bucket)) == {"team": "platform", "env": "prod"}


@run_async
async def test_object_tags_limit_of_ten(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    client.put_object(sw_bucket, "doc.txt", io.BytesIO(b"x"), 1)
    async with host(client, ObjectTagsEditor, sw_bucket, "doc.txt").run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        area = editor.query_one("#tags-text", TextArea)
        area.load_text("".join(f"k{i}=v\n" for i in range(11)))
        editor.action_apply()
        await pilot.pause()
        assert "at most 10 tags" in editor.last_error
        area.load_text("owner=alice\n")
        await apply_and_confirm(pilot, editor)
        assert editor.live == {"owner": "alice"}
    assert dict(client.get_object_tags(sw_bucket, "doc.txt")) == {"owner": "alice"}


@run_async
async def test_versioning_and_encryption(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    async with host(client, VersioningEditor, sw_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "Off" in status(editor)
        editor.query_one("#versioning-status", Select).value = ENABLED
        await apply_and_confirm(pilot, editor)
    assert client.get_bucket_versioning(sw_bucket).status == ENABLED
    async with host(client, EncryptionEditor, sw_bucket).run_test(size=SIZE) as pilot:
        editor = await loaded(pilot)
        assert "none set" in status(editor)
        editor.query_one("#sse-algorithm", Select).value = sse.AWS_KMS
        editor.query_one("#sse-key", Input).value = "my-key"
        await apply_and_confirm(pilot, editor)
    rule = client.get_bucket_encryption(sw_bucket).rule
    assert (rule.sse_algorithm, rule.kms_master_key_id) == (sse.AWS_KMS, "my-key")
