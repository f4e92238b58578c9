"""The tools are reachable from the command palette and the detail pane of the real app (FAKE
backend: no network), open on the right bucket/prefix/object, and read-only disables changes."""

from __future__ import annotations

from typing import Any

from textual.widgets import Button

from minbrowse.ui.actions.commands import CommandsProvider
from minbrowse.ui.screenshots.render import make_app, settle
from minbrowse.ui.tools.live_events import LiveEventsScreen
from minbrowse.ui.tools.metadata import MetadataScreen
from minbrowse.ui.tools.post_form import PostFormScreen
from minbrowse.ui.tools.presign import PresignScreen
from minbrowse.ui.tools.registry import TOOLS
from minbrowse.ui.tools.select import SelectScreen
from minbrowse.ui.tools.uploads import UploadsScreen
from minbrowse.ui.tools.versions import VersionsScreen
from tests.ui.pilot_helpers import run_async, wait_until

SIZE = (140, 60)
PALETTE_NAMES = ("Live events", "Presigned URL", "Upload form (POST policy)", "S3 Select",
                 "Versions", "Incomplete uploads", "Metadata")


@run_async
async def test_palette_lists_every_tool_by_its_plain_name() -> None:
    app = make_app(location="s3://reports/")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = CommandsProvider(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        for name in PALETTE_NAMES:
            assert any(t == name or t.startswith(name + "  (") for t in titles), name
        hits = [hit.text async for hit in provider.search("incomplete")]
        assert hits and hits[0] == "Incomplete uploads"


async def open_via(pilot: Any, action: str) -> Any:
    app = pilot.app
    before = app.screen
    await app.run_action(action)
    await wait_until(pilot, lambda: app.screen is not before, what=action)
    return app.screen


@run_async
async def test_tools_open_on_the_selection() -> None:
    app = make_app(location="s3://reports/")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.listing.select_name("readme.txt")
        await settle(pilot)
        # object tools: buttons in the detail pane
        buttons = {b.label.plain for b in app.detail.query(Button)}
        assert {"S3 Select", "Versions", "Metadata"} <= buttons
        app.detail.query_one(".detail-action-tool-select", Button).press()
        await wait_until(pilot, lambda: isinstance(app.screen, SelectScreen), what="select")
        assert (app.screen.bucket, app.screen.key) == ("reports", "readme.txt")
        await pilot.press("escape")
        for action, cls, key in (("open_tool('metadata')", MetadataScreen, "readme.txt"),
                                 ("open_tool('versions')", VersionsScreen, "readme.txt"),
                                 ("open_tool('live')", LiveEventsScreen, ""),
                                 ("open_tool('post_form')", PostFormScreen, ""),
                                 ("open_tool('uploads')", UploadsScreen, "")):
            screen = await open_via(pilot, action)
            assert isinstance(screen, cls) and screen.bucket == "reports", action
            assert (screen.key or "") == key, (action, screen.key)
            await pilot.press("escape")
            await pilot.pause()
        # the `y` key opens the presigned-URL tool with a GET URL already made
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, PresignScreen)
                         and app.screen.outcome is not None, what="presign")
        assert app.screen.outcome.url.startswith("http://127.0.0.1:9000/reports/readme.txt?")
        await pilot.press("escape")
        await pilot.pause()
        # a folder: prefix tools open on it, object tools refuse
        app.listing.select_name("q1/")
        await settle(pilot)
        screen = await open_via(pilot, "open_tool('uploads')")
        assert isinstance(screen, UploadsScreen) and screen.prefix == "q1/"
        await pilot.press("escape")
        await pilot.pause()
        await app.run_action("open_tool('metadata')")
        await pilot.pause()
        assert not isinstance(app.screen, MetadataScreen)
        assert any("Metadata: select an object first" in n.message for n in app._notifications)


@run_async
async def test_read_only_app_opens_tools_for_viewing_only() -> None:
    app = make_app(read_only=True, location="s3://reports/")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.listing.select_name("q1/")
        await settle(pilot)
        screen = await open_via(pilot, "open_tool('uploads')")
        await pilot.pause()
        assert screen.query_one("#uploads-abort", Button).disabled
        assert screen.query_one("#tool-read-only")
        await pilot.press("escape")


def test_every_tool_has_a_title_and_a_target() -> None:
    assert {spec.title for spec in TOOLS} == set(PALETTE_NAMES)
    assert all(spec.target in ("prefix", "object", "object_or_prefix") for spec in TOOLS)
