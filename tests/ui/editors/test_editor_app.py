"""The editors inside the real `MinbrowseApp` (REAL SeaweedFS / moto): palette commands,
the service's `config_job`, read-only view, "not supported by this server", export/import."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from textual.widgets import Input, Select, TextArea

from minbrowse.config.loader import AppConfig
from minbrowse.config.profiles import Profile
from minbrowse.s3 import ENABLED, Tags, VersioningConfig
from minbrowse.ui.app import MinbrowseApp
from minbrowse.ui.actions.commands import all_commands
from minbrowse.ui.editors import registry
from minbrowse.ui.editors.base import EditorScreen
from minbrowse.ui.editors.export_import import ExportScreen, ImportScreen
from tests.ui.pilot_helpers import run_async, wait_listing, wait_until

SIZE = (120, 45)


def make_app(server: Any, **kwargs: Any) -> MinbrowseApp:
    profile = Profile(name="test", endpoint=server.endpoint, secure=server.secure,
                      region="us-east-1", access_key=server.access_key,
                      secret_key=server.secret_key, source="config")
    return MinbrowseApp(AppConfig(profiles=(profile,), default_profile="test"), profile, **kwargs)


async def open_editor(pilot: Any, editor_id: str) -> Any:
    app = pilot.app
    await app.run_action(f"open_editor('{editor_id}')")
    await wait_until(pilot, lambda: isinstance(app.screen, (EditorScreen, ExportScreen,
                                                             ImportScreen)), what="editor")
    editor = app.screen
    if isinstance(editor, EditorScreen):
        await wait_until(pilot, lambda: editor.loaded or editor.last_error or editor.unsupported,
                         what="live value")
    await pilot.pause()
    return editor


def test_every_editor_is_in_the_palette() -> None:
    names = {c.name: c for c in all_commands()}
    for title in ("Bucket policy", "Lifecycle rules", "Bucket tags", "Object tags", "Versioning",
                  "Encryption", "Replication", "Object lock", "Retention", "Legal hold",
                  "Notification config", "Export bucket configuration",
                  "Import bucket configuration"):
        assert title in names, title
        assert names[title].action.startswith("open_editor(")
    assert {spec.title for spec in registry.EDITORS} <= set(names)


@run_async
async def test_versioning_through_the_app_service(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    app = make_app(seaweed, location=f"s3://{sw_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        editor = await open_editor(pilot, "versioning")
        assert "Off" in str(editor.query_one("#editor-status").render())
        editor.query_one("#versioning-status", Select).value = ENABLED
        editor.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not editor.busy, what="apply")
        assert editor.last_error is None
    assert client.get_bucket_versioning(sw_bucket).status == ENABLED


@run_async
async def test_read_only_opens_view_only(seaweed: Any, sw_bucket: str) -> None:
    client = seaweed.client()
    tags = Tags.new_bucket_tags()
    tags["k"] = "v"
    client.set_bucket_tags(sw_bucket, tags)
    app = make_app(seaweed, location=f"s3://{sw_bucket}/", read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        editor = await open_editor(pilot, "tags")
        assert editor.query_one("#tags-text", TextArea).text == "k=v\n"  # live value shown
        assert editor.query_one("#editor-apply").disabled
        assert editor.query_one("#editor-delete").disabled
        assert "view only" in str(editor.query_one("#editor-status").render())
        editor.query_one("#tags-text", TextArea).load_text("k=changed\n")
        editor.action_apply()
        await pilot.pause()
        assert "read-only" in editor.last_error
    assert dict(client.get_bucket_tags(sw_bucket)) == {"k": "v"}


@run_async
async def test_not_supported_is_said_and_marked_in_the_palette(seaweed: Any,
                                                               sw_bucket: str) -> None:
    """SeaweedFS answers PUT ?replication as if it were CreateBucket (no replication API)."""
    client = seaweed.client()
    client.set_bucket_versioning(sw_bucket, VersioningConfig(ENABLED))
    app = make_app(seaweed, location=f"s3://{sw_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        editor = await open_editor(pilot, "replication")
        editor.query_one("#repl-dest", Input).value = "arn:aws:s3:::elsewhere"
        assert editor.save_rule()
        editor.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not editor.busy, what="apply")
        assert "not supported by this server" in editor.last_error
        assert "BucketAlreadyOwnedByYou" not in editor.last_error
        assert len(editor.rules) == 1  # the edit is kept
        palette = {c.name: c for c in all_commands()}
        assert "not supported by this server" in palette["Replication"].help
    from minbrowse.ui.editors import wiring
    wiring.register_all()  # reset the palette marks for other tests


@run_async
async def test_export_then_import_applies_confirmed_changes(seaweed: Any, sw_bucket: str,
                                                            tmp_path: Path) -> None:
    client = seaweed.client()
    tags = Tags.new_bucket_tags()
    tags["owner"] = "ops"
    client.set_bucket_tags(sw_bucket, tags)
    path = tmp_path / "config.json"
    app = make_app(seaweed, location=f"s3://{sw_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        screen = await open_editor(pilot, "export")
        screen.query_one("#io-path", Input).value = str(path)
        await pilot.click("#io-export")
        await wait_until(pilot, lambda: screen.result is not None or screen.last_error,
                         what="export")
        document = json.loads(path.read_text())
        assert document["bucket"] == sw_bucket
        assert document["configurations"]["tags"] == {"owner": "ops"}
        assert document["configurations"]["versioning"]["status"] == "Off"
        # edit the file: new tags, a policy; import shows the diff and applies it
        document["configurations"]["tags"] = {"owner": "platform", "tier": "gold"}
        document["configurations"]["versioning"]["status"] = "Enabled"
        path.write_text(json.dumps(document))
        await pilot.press("escape")
        screen = await open_editor(pilot, "import")
        screen.query_one("#io-path", Input).value = str(path)
        await pilot.click("#io-preview")
        await wait_until(pilot, lambda: screen.plan, what="import preview")
        await pilot.pause()
        assert [kind for kind, *_ in screen.plan] == ["versioning", "tags"]
        screen.query_one("#io-pick-versioning").value = False  # keep versioning as is
        screen.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.result is not None, what="import apply")
        assert screen.result["tags"][0] is True and "versioning" not in screen.result
    assert dict(client.get_bucket_tags(sw_bucket)) == {"owner": "platform", "tier": "gold"}
    assert client.get_bucket_versioning(sw_bucket).status == "Off"


@run_async
async def test_detail_pane_chooser_opens_an_object_editor(seaweed: Any, sw_bucket: str) -> None:
    from minbrowse.ui.editors.chooser import EditorChooser
    from minbrowse.ui.editors.tags import ObjectTagsEditor
    from minbrowse.ui.widgets.detail_pane import DETAIL_ACTIONS

    assert {a.label for a in DETAIL_ACTIONS} >= {"Bucket configuration…", "Object configuration…"}
    seaweed.client().put_object(sw_bucket, "a.txt", io.BytesIO(b"a"), 1)
    app = make_app(seaweed, location=f"s3://{sw_bucket}/a.txt")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await app.run_action("open_editor('object')")
        await wait_until(pilot, lambda: isinstance(app.screen, EditorChooser), what="chooser")
        await pilot.pause()
        options = app.screen.query_one("#editor-options")
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert titles == ["Object tags", "Retention", "Legal hold"]
        options.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ObjectTagsEditor), what="editor")
        editor = app.screen
        await wait_until(pilot, lambda: editor.loaded, what="live tags")
        assert editor.key == "a.txt" and "none set" in str(editor.query_one("#editor-status").render())
