"""Live events: MinIO's listen API through the FAKE listen server (log, filters, pause, clear,
Enter jumps, the stream closes with the screen), and the polling mode against a REAL SeaweedFS,
which has no listen API."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

from textual.widgets import Button, DataTable, Input

from minbrowse.s3 import Client
from minbrowse.ui.jobs import live_jobs, tool_jobs
from minbrowse.ui.tools.protocol import ToolEvent, ToolFailed, ToolRequest
from minbrowse.ui.tools.values import ListenStatus
from minbrowse.ui.core.models import Location
from minbrowse.ui.tools.live_events import LiveEventsScreen
from tests.fakes.listen_server import FakeListenServer
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import SIZE, ToolHost


def record(event: str, key: str, size: int = 5) -> dict:
    return {"Records": [{"eventName": event, "eventTime": "2026-01-15T12:00:01.000Z",
                         "s3": {"object": {"key": key, "size": size}}}]}


def listen_client(server: FakeListenServer) -> Client:
    return Client(server.endpoint.split("://", 1)[1], "ACCESS", "SECRET-KEY", secure=False,
                  region="us-east-1")


def rows(screen: Any) -> list[tuple[str, str]]:
    table = screen.query_one("#live-log", DataTable)
    return [(str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2]))
            for i in range(table.row_count)]


@run_async
async def test_listen_log_filters_pause_clear_and_jump() -> None:
    with FakeListenServer(keepalive_interval=0.02) as server:
        client = listen_client(server)
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
        client = listen_client(server)
        app = ToolHost(client, lambda: LiveEventsScreen("events-bucket", ""))
        async with app.run_test(size=SIZE) as pilot:
            assert server.connected.wait(5)
            await pilot.press("escape")
            assert server.disconnected.wait(5)
            await wait_until(pilot, lambda: not [w for w in app.workers if w.group == "s3-tool"
                                                 and w.is_running], what="worker to stop")


def status(screen: Any) -> str:
    return str(screen.query_one("#tool-status").render())


@run_async
async def test_a_dropped_stream_is_reopened_and_the_gap_is_said(monkeypatch: Any) -> None:
    """The server cuts the stream, then ends it cleanly: each time the log says so, reopens
    it after the back-off, says events may be missing, and keeps logging."""
    monkeypatch.setattr(live_jobs, "LISTEN_BACKOFF", (0.05, 0.1))
    with FakeListenServer(keepalive_interval=0.02) as server:
        client = listen_client(server)
        app = ToolHost(client, lambda: LiveEventsScreen("events-bucket", ""))
        async with app.run_test(size=SIZE) as pilot:
            screen = app.tool
            said: list[str] = []
            real_set_status = screen.set_status

            def recording(text: str, **kw: Any) -> None:
                said.append(text)
                real_set_status(text, **kw)

            screen.set_status = recording
            assert server.connected.wait(5)
            server.push(record("s3:ObjectCreated:Put", "before.txt"))
            await wait_until(pilot, lambda: len(rows(screen)) == 1, what="first event")
            for requests, abrupt in ((2, True), (3, False)):
                server.hang_up(abrupt=abrupt)
                await wait_until(pilot, lambda: len(server.requests) == requests
                                 and "reopened" in status(screen), what="stream reopened")
            drops = [text for text in said if "dropped" in text]
            assert len(drops) == 2 and "reopening in 0.05 s (attempt 1)" in drops[0]
            assert "(connection lost (ProtocolError))" in drops[0]
            assert "the server ended the stream" in drops[1]
            server.push(record("s3:ObjectRemoved:Delete", "after.txt"))
            await wait_until(pilot, lambda: len(rows(screen)) == 2, what="event after the gap")
            assert rows(screen)[1] == ("s3:ObjectRemoved:Delete", "after.txt")


def test_listen_job_says_each_gap_and_backs_off(monkeypatch: Any) -> None:
    """The job alone: the statuses it posts while a server keeps cutting the stream, with the
    back-off growing per attempt and reset by a successful reopening."""
    monkeypatch.setattr(live_jobs, "LISTEN_BACKOFF", (0.01, 0.02, 0.04))
    posted: list[Any] = []
    with FakeListenServer(keepalive_interval=0.02) as server:
        client = listen_client(server)
        run = tool_jobs.make_run(client, ToolRequest("live", "listen", "events-bucket",
                                                     params={"prefix": ""}), posted.append)
        worker = threading.Thread(target=run)
        worker.start()
        try:
            assert server.connected.wait(5)
            server.hang_up()
            assert server.connected.wait(5)
            deadline = time.monotonic() + 5
            while not any(isinstance(m.value, ListenStatus) and m.value.state == "reconnected"
                          for m in posted if isinstance(m, ToolEvent)):
                assert time.monotonic() < deadline, posted
                time.sleep(0.01)
        finally:
            run.cancel()
            worker.join(5)
    statuses = [m.value for m in posted if isinstance(m, ToolEvent)
                and isinstance(m.value, ListenStatus)]
    assert [s.state for s in statuses] == ["reconnecting", "reconnected"]
    assert statuses[0].attempt == 1 and statuses[0].retry_in == 0.01
    assert statuses[0].since == statuses[1].since
    assert not worker.is_alive()
    assert not [m for m in posted if isinstance(m, ToolFailed)]


def test_a_server_that_ends_every_stream_at_once_is_asked_less_and_less(
        monkeypatch: Any) -> None:
    """Each listen request answered 200 with an empty body: the back-off keeps growing (a
    reopened stream resets it only once it has stayed open LISTEN_STABLE seconds)."""
    from tests.fakes.hostile_server import HostileS3Server, Reply

    monkeypatch.setattr(live_jobs, "LISTEN_BACKOFF", (0.01, 0.02, 0.04))
    posted: list[Any] = []

    def reconnecting() -> list[ListenStatus]:
        return [m.value for m in list(posted) if isinstance(m, ToolEvent)
                and isinstance(m.value, ListenStatus) and m.value.state == "reconnecting"]

    with HostileS3Server(Reply(200, b"")) as server:
        client = Client(server.endpoint, "ACCESS", "SECRET-KEY", secure=False,
                        region="us-east-1")
        run = tool_jobs.make_run(client, ToolRequest("live", "listen", "events-bucket"),
                                 posted.append)
        worker = threading.Thread(target=run)
        worker.start()
        try:
            deadline = time.monotonic() + 5
            while len(reconnecting()) < 4:
                assert time.monotonic() < deadline, posted
                time.sleep(0.01)
        finally:
            run.cancel()
            worker.join(5)
    assert [s.retry_in for s in reconnecting()[:4]] == [0.01, 0.02, 0.04, 0.04]
    assert [s.attempt for s in reconnecting()[:4]] == [1, 2, 3, 4]


@run_async
async def test_refused_listen_is_not_retried() -> None:
    """A 403 on the first request is an answer, not a drop: one request, the error shown."""
    from tests.fakes.hostile_server import HostileS3Server, Reply, error_xml

    with HostileS3Server(Reply(403, error_xml("AccessDenied", "Access Denied"))) as server:
        client = Client(server.endpoint, "ACCESS", "SECRET-KEY", secure=False,
                        region="us-east-1")
        app = ToolHost(client, lambda: LiveEventsScreen("events-bucket", ""))
        async with app.run_test(size=SIZE) as pilot:
            screen = app.tool
            await wait_until(pilot, lambda: "AccessDenied" in status(screen), what="refusal")
            await pilot.pause(0.3)
            assert len(server.requests) == 1


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
