"""Live events: MinIO's listen API through the FAKE listen server (log, filters, pause, clear,
Enter jumps, the stream closes with the screen), and the polling mode against a REAL SeaweedFS,
which has no listen API."""

from __future__ import annotations

import io
from typing import Any

from textual.widgets import Button, DataTable, Input

from minbrowse.s3 import Client
from minbrowse.ui.models import Location
from minbrowse.ui.tools.live_events import LiveEventsScreen
from tests.fakes.listen_server import FakeListenServer
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import SIZE, ToolHost


def record(event: str, key: str, size: int = 5) -> dict:
    return {"Records": [{"eventName": event, "eventTime": "2026-01-15T12:00:01.000Z",
                         "s3": {"object": {"key": key, "size": size}}}]}


def rows(screen: Any) -> list[tuple[str, str]]:
    table = screen.query_one("#live-log", DataTable)
    return [(str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2]))
            for i in range(table.row_count)]


@run_async
async def test_listen_log_filters_pause_clear_and_jump() -> None:
    with FakeListenServer(keepalive_interval=0.02) as server:
        client = Client(server.endpoint.split("://", 1)[1], "ACCESS", "SECRET-KEY", secure=False,
                        region="us-east-1")
        app = ToolHost(client, lambda: LiveEventsScreen("events-bucket", "logs/"))
        async with app.run_test(size=SIZE) as pilot:
            screen = app.tool
            assert server.connected.wait(5)
            assert ("prefix", "logs/") in server.requests[0][1]
            server.push(record("s3:ObjectCreated:Put", "logs/a%20b.txt"))
            server.push(record("s3:ObjectRemoved:Delete", "logs/old.txt"))
            await wait_until(pilot, lambda: len(rows(screen)) == 2, what="two events")
            assert rows(screen) == [("s3:ObjectCreated:Put", "logs/a b.txt"),
                                    ("s3:ObjectRemoved:Delete", "logs/old.txt")]

            screen.query_one("#live-event-filter", Input).value = "removed"
            await pilot.pause()
            assert rows(screen) == [("s3:ObjectRemoved:Delete", "logs/old.txt")]
            screen.query_one("#live-event-filter", Input).value = ""
            screen.query_one("#live-prefix-filter", Input).value = "logs/a"
            await pilot.pause()
            assert rows(screen) == [("s3:ObjectCreated:Put", "logs/a b.txt")]
            screen.query_one("#live-prefix-filter", Input).value = ""

            screen.query_one("#live-log", DataTable).focus()
            await pilot.press("space")  # pause
            server.push(record("s3:ObjectCreated:Copy", "logs/c.txt"))
            await wait_until(pilot, lambda: screen.held == 1, what="held event")
            assert len(rows(screen)) == 2
            assert str(screen.query_one("#live-pause", Button).label) == "Resume (1 new)"
            await pilot.press("space")  # resume
            assert len(rows(screen)) == 3
            await pilot.press("c")  # clear
            assert rows(screen) == []

            server.push(record("s3:ObjectCreated:Put", "logs/deep/new.csv"))
            await wait_until(pilot, lambda: len(rows(screen)) == 1, what="event after clear")
            await pilot.press("enter")
            await wait_until(pilot, lambda: bool(app.navigations), what="jump")
            jump = app.navigations[0]
            assert jump.location == Location("events-bucket", "logs/deep/")
            assert jump.select_key == "new.csv"
            assert app.screen is not screen
            assert server.disconnected.wait(5), "the stream must close with the screen"


@run_async
async def test_escape_closes_the_stream() -> None:
    with FakeListenServer(keepalive_interval=0.02) as server:
        client = Client(server.endpoint.split("://", 1)[1], "ACCESS", "SECRET-KEY", secure=False,
                        region="us-east-1")
        app = ToolHost(client, lambda: LiveEventsScreen("events-bucket", ""))
        async with app.run_test(size=SIZE) as pilot:
            assert server.connected.wait(5)
            await pilot.press("escape")
            assert server.disconnected.wait(5)
            await wait_until(pilot, lambda: not [w for w in app.workers if w.group == "s3-tool"
                                                 and w.is_running], what="worker to stop")


def put(client: Any, bucket: str, key: str, data: bytes) -> None:
    client.put_object(bucket, key, io.BytesIO(data), len(data))


@run_async
async def test_polling_mode_on_seaweedfs(sw_client: Any, sw_bucket: str) -> None:
    put(sw_client, sw_bucket, "watch/kept.txt", b"k")
    put(sw_client, sw_bucket, "watch/gone.txt", b"g")
    put(sw_client, sw_bucket, "elsewhere.txt", b"e")
    app = ToolHost(sw_client, lambda: LiveEventsScreen(sw_bucket, "watch/", poll_interval=0.3))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        poll = screen.query_one("#live-poll", Button)
        await wait_until(pilot, lambda: poll.display, what="the offer of polling mode")
        assert "not supported by this server" in screen.last_error
        poll.press()
        await wait_until(pilot, lambda: "watching 2 keys" in str(
            screen.query_one("#tool-status").render()), what="baseline")
        assert "POLLING" in str(screen.query_one("#live-mode").render())
        put(sw_client, sw_bucket, "watch/new.txt", b"n")
        put(sw_client, sw_bucket, "watch/kept.txt", b"changed")
        sw_client.remove_object(sw_bucket, "watch/gone.txt")
        put(sw_client, sw_bucket, "elsewhere2.txt", b"x")
        await wait_until(pilot, lambda: len(rows(screen)) >= 3, what="poll diff")
        await pilot.pause(0.5)
        assert sorted(rows(screen)) == [("poll:changed", "watch/kept.txt"),
                                        ("poll:created", "watch/new.txt"),
                                        ("poll:removed", "watch/gone.txt")]


@run_async
async def test_polling_cap_is_reported(sw_client: Any, sw_bucket: str) -> None:
    for name in ("a", "b", "c"):
        put(sw_client, sw_bucket, f"{name}.txt", b"x")
    app = ToolHost(sw_client, lambda: LiveEventsScreen(sw_bucket, "", start=False,
                                                       poll_interval=0.2, poll_cap=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        screen.start_polling()
        await wait_until(pilot, lambda: "capped at 2" in str(
            screen.query_one("#tool-status").render()), what="cap note")
        put(sw_client, sw_bucket, "0.txt", b"x")  # sorts first: pushes b.txt past the cap
        await wait_until(pilot, lambda: len(rows(screen)) >= 1, what="created")
        await pilot.pause(0.5)
        assert rows(screen) == [("poll:created", "0.txt")]  # no false "removed" for b.txt
