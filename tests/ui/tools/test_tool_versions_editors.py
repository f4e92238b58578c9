"""The Versions tool opens the tags, retention and legal hold editors on the highlighted version
(REAL SeaweedFS): each change lands on that version only, read back through the client."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from textual.widgets import Button, DataTable, Input, Select, Switch, TextArea

from minbrowse.s3 import ENABLED, GOVERNANCE, Tags, VersioningConfig
from minbrowse.s3.errors import S3Error
from minbrowse.ui.editors.object_settings import LegalHoldEditor, RetentionEditor
from minbrowse.ui.editors.tags import ObjectTagsEditor
from minbrowse.ui.tools.versions import VersionsScreen
from tests.ui.editors.test_editor_pilot_seaweed import apply_and_confirm
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import SIZE, ToolHost
from tests.ui.tools.test_tool_versions_uploads import loaded, put


async def open_on(pilot: Any, screen: VersionsScreen, version_id: str, key: str,
                  editor_cls: type) -> Any:
    """Highlight `version_id`, press `key`, wait for the editor's live value."""
    row = next(i for i, r in enumerate(screen.rows) if r.version_id == version_id)
    screen.query_one(DataTable).move_cursor(row=row)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, editor_cls), what="editor")
    editor = pilot.app.screen
    await wait_until(pilot, lambda: editor.loaded or editor.last_error, what="live value")
    await pilot.pause()
    return editor


async def apply_and_close(pilot: Any, editor: Any) -> None:
    await apply_and_confirm(pilot, editor)
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, VersionsScreen), what="close")


def retention_of(client: Any, bucket: str, key: str, version_id: str) -> Any:
    try:
        return client.get_object_retention(bucket, key, version_id)
    except S3Error as exc:
        assert exc.code in ("NoSuchObjectLockConfiguration", "NoSuchKey"), exc.code
        return None


@run_async
async def test_editors_change_only_the_highlighted_version(sw_client: Any,
                                                           sw_lock_bucket: str) -> None:
    bucket = sw_lock_bucket  # object lock: versioned, with retention and legal hold
    old = put(sw_client, bucket, "doc.txt", b"one").version_id
    latest = put(sw_client, bucket, "doc.txt", b"two").version_id
    app = ToolHost(sw_client, lambda: VersionsScreen(bucket, "doc.txt"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert {r.version_id for r in screen.rows} == {old, latest}

        editor = await open_on(pilot, screen, old, "t", ObjectTagsEditor)
        assert editor.version_id == old and editor.key == "doc.txt"
        assert f"(version {old})" in editor.query_one("#editor-box").border_title
        editor.query_one("#tags-text", TextArea).load_text("owner=alice\n")
        await apply_and_close(pilot, editor)

        editor = await open_on(pilot, screen, old, "l", LegalHoldEditor)
        assert "OFF" in str(editor.query_one("#editor-status").render())
        editor.query_one("#legal-hold", Switch).value = True
        await apply_and_close(pilot, editor)

        until = (datetime.now(timezone.utc) + timedelta(days=2)).date()
        editor = await open_on(pilot, screen, old, "e", RetentionEditor)
        editor.query_one("#retention-mode", Select).value = GOVERNANCE
        editor.query_one("#retention-until", Input).value = until.isoformat()
        await apply_and_close(pilot, editor)

        # the button opens the same editor, now showing what was applied to that version
        row = next(i for i, r in enumerate(screen.rows) if r.version_id == old)
        screen.query_one(DataTable).move_cursor(row=row)
        screen.query_one("#versions-tags", Button).press()
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ObjectTagsEditor),
                         what="editor from the button")
        editor = pilot.app.screen
        await wait_until(pilot, lambda: editor.loaded, what="tags")
        assert editor.live == {"owner": "alice"}

    assert dict(sw_client.get_object_tags(bucket, "doc.txt", old) or {}) == {"owner": "alice"}
    assert dict(sw_client.get_object_tags(bucket, "doc.txt", latest) or {}) == {}
    assert sw_client.is_object_legal_hold_enabled(bucket, "doc.txt", old) is True
    assert sw_client.is_object_legal_hold_enabled(bucket, "doc.txt", latest) is False
    kept = retention_of(sw_client, bucket, "doc.txt", old)
    assert kept.mode == GOVERNANCE and kept.retain_until_date.date() == until
    assert retention_of(sw_client, bucket, "doc.txt", latest) is None


@run_async
async def test_delete_marker_has_no_version_settings(sw_client: Any, sw_bucket: str) -> None:
    sw_client.set_bucket_versioning(sw_bucket, VersioningConfig(ENABLED))
    put(sw_client, sw_bucket, "gone.txt", b"x")
    sw_client.remove_object(sw_bucket, "gone.txt")
    app = ToolHost(sw_client, lambda: VersionsScreen(sw_bucket, "gone.txt"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.rows[0].is_delete_marker
        screen.query_one(DataTable).move_cursor(row=0)
        for key in ("t", "e", "l"):
            screen.last_error = None
            await pilot.press(key)
            await pilot.pause()
            assert pilot.app.screen is screen
            assert "delete marker has no tags" in screen.last_error


@run_async
async def test_read_only_opens_version_editors_view_only(sw_client: Any,
                                                         sw_bucket: str) -> None:
    sw_client.set_bucket_versioning(sw_bucket, VersioningConfig(ENABLED))
    version = put(sw_client, sw_bucket, "a.txt", b"a").version_id
    tags = Tags.new_object_tags()
    tags["k"] = "v"
    sw_client.set_object_tags(sw_bucket, "a.txt", tags, version)
    app = ToolHost(sw_client, lambda: VersionsScreen(sw_bucket, "a.txt"), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        editor = await open_on(pilot, screen, version, "t", ObjectTagsEditor)
        assert editor.read_only and editor.live == {"k": "v"}
        assert editor.query_one("#editor-apply", Button).disabled
        editor.action_apply()
        await pilot.pause()
        assert "view only" in editor.last_error
    assert dict(sw_client.get_object_tags(sw_bucket, "a.txt", version)) == {"k": "v"}

