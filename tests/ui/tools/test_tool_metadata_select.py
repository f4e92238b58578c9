"""Metadata tool against a REAL SeaweedFS (copy onto itself with REPLACE, tags and headers kept,
validation, failures keep the form) and S3 Select against moto's server (rows stream into the
table, stats shown)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from minbrowse.s3 import GOVERNANCE, Retention, Tags
from minbrowse.ui.screens.confirm import ConfirmScreen
from minbrowse.ui.tools.metadata import MetadataScreen
from minbrowse.ui.tools.select import SelectScreen, guess_input
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import SIZE, ToolHost


def put(client: Any, bucket: str, key: str, data: bytes, **kw: Any) -> None:
    client.put_object(bucket, key, io.BytesIO(data), len(data), **kw)


async def ready(pilot: Any) -> Any:
    screen = pilot.app.tool
    await wait_until(pilot, lambda: not screen.busy and (screen.loaded or screen.last_error),
                     what="metadata")
    await pilot.pause()
    return screen


@run_async
async def test_metadata_replace_keeps_tags_and_headers(sw_client: Any, sw_bucket: str) -> None:
    tags = Tags.new_object_tags()
    tags["team"] = "ops"
    put(sw_client, sw_bucket, "m.txt", b"body", content_type="text/plain",
        metadata={"owner": "alice", "Cache-Control": "max-age=60"}, tags=tags)
    app = ToolHost(sw_client, lambda: MetadataScreen(sw_bucket, "m.txt"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        assert screen.query_one("#meta-content-type", Input).value == "text/plain"
        assert screen.query_one("#meta-user", TextArea).text.lower() == "owner: alice"
        kept = str(screen.query_one("#meta-kept", Static).render())
        assert "team=ops" in kept and "max-age=60" in kept

        screen.query_one("#meta-content-type", Input).value = "not a type"
        screen.query_one("#meta-user", TextArea).load_text("owner: bob\nbroken line\nx-amz-acl: x")
        screen.action_apply()
        await pilot.pause()
        errors = str(screen.query_one("#meta-error", Static).render())
        assert "content type" in errors and "line 2" in errors and "line 3" in errors
        assert not isinstance(app.screen, ConfirmScreen)  # nothing sent

        screen.query_one("#meta-content-type", Input).value = "application/json"
        screen.query_one("#meta-user", TextArea).load_text("owner: bob\nstage: review")
        screen.action_apply()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy, what="apply")
        await pilot.pause()
        assert screen.last_error is None, screen.last_error
        assert "read back" in str(screen.query_one("#tool-status").render())
    stat = sw_client.stat_object(sw_bucket, "m.txt")
    assert stat.content_type == "application/json"
    meta = {k.lower(): v for k, v in stat.metadata.items()}
    assert meta["x-amz-meta-owner"] == "bob" and meta["x-amz-meta-stage"] == "review"
    assert meta["cache-control"] == "max-age=60"
    assert dict(sw_client.get_object_tags(sw_bucket, "m.txt")) == {"team": "ops"}
    assert sw_client.get_object(sw_bucket, "m.txt").read() == b"body"


@run_async
async def test_metadata_keeps_retention_when_asked(sw_client: Any, sw_lock_bucket: str) -> None:
    until = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    put(sw_client, sw_lock_bucket, "locked.txt", b"L", content_type="text/plain",
        retention=Retention(GOVERNANCE, until))
    app = ToolHost(sw_client, lambda: MetadataScreen(sw_lock_bucket, "locked.txt"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.live.retention == (GOVERNANCE, until)
        assert screen.query_one("#meta-keep-retention", Checkbox).value
        screen.query_one("#meta-user", TextArea).load_text("reviewed: yes")
        screen.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy, what="apply")
        assert screen.last_error is None, screen.last_error
    stat = sw_client.stat_object(sw_lock_bucket, "locked.txt")
    assert {k.lower(): v for k, v in stat.metadata.items()}["x-amz-meta-reviewed"] == "yes"
    retention = sw_client.get_object_retention(sw_lock_bucket, "locked.txt")  # the new version
    assert retention.mode == GOVERNANCE and retention.retain_until_date == until


@run_async
async def test_metadata_failure_keeps_the_form(sw_client: Any, sw_bucket: str) -> None:
    put(sw_client, sw_bucket, "gone.txt", b"x", content_type="text/plain")
    app = ToolHost(sw_client, lambda: MetadataScreen(sw_bucket, "gone.txt"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        sw_client.remove_object(sw_bucket, "gone.txt")  # vanishes before the apply
        screen.query_one("#meta-user", TextArea).load_text("typed: by hand")
        screen.action_apply()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy and screen.last_error, what="failure")
        assert screen.last_error.startswith("apply failed: ")
        assert "Traceback" not in screen.last_error
        assert screen.query_one("#meta-user", TextArea).text == "typed: by hand"


CSV = b"name,city,amount\nada,london,12\nbob,paris,7\ncyd,london,30"
# moto's PartiQL parser needs lower-case keywords and an aliased `s3object` when there is a WHERE


async def run_query(pilot: Any, screen: Any) -> None:
    screen.action_run()
    await wait_until(pilot, lambda: not screen.busy, what="select")
    await pilot.pause()


@run_async
async def test_select_csv_and_json_lines_on_moto(moto: Any, moto_bucket: str) -> None:
    client = moto.client()
    put(client, moto_bucket, "sales.csv", CSV, content_type="text/csv")
    put(client, moto_bucket, "rows.json", b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}')
    app = ToolHost(client, lambda: SelectScreen(moto_bucket, "sales.csv"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        sql = screen.query_one("#select-sql", TextArea)
        sql.load_text("DELETE FROM S3Object")
        screen.action_run()
        assert screen.last_error.startswith("SQL:") and not screen.runs
        sql.load_text("select s.name, s.amount from s3object s where s.city = 'london'")
        await run_query(pilot, screen)
        assert screen.last_error is None, screen.last_error
        table = screen.query_one("#select-results", DataTable)
        cells = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert screen.columns == ["name", "amount"] and cells == [["ada", "12"], ["cyd", "30"]]
        stats = str(screen.query_one("#select-stats", Static).render())
        assert "2 row(s)" in stats and "scanned" in stats
        returned = b'{"name":"ada","amount":"12"}\n{"name":"cyd","amount":"30"}\n'
        assert screen.summary.bytes_returned == len(returned)
        assert screen.summary.bytes_scanned and screen.summary.bytes_processed

        screen.query_one("#select-output", Select).value = "csv"
        await run_query(pilot, screen)
        assert screen.columns == ["_1", "_2"] and table.row_count == 2

    app = ToolHost(client, lambda: SelectScreen(moto_bucket, "rows.json"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        assert screen.query_one("#select-input", Select).value == "json-lines"
        screen.query_one("#select-sql", TextArea).load_text("SELECT * FROM S3Object s")
        await run_query(pilot, screen)
        assert screen.last_error is None, screen.last_error
        table = screen.query_one("#select-results", DataTable)
        assert screen.columns == ["a", "b"] and table.row_count == 2


def test_guess_input() -> None:
    assert guess_input("x/data.csv.gz") == ("csv", "GZIP")
    assert guess_input("log.ndjson") == ("json-lines", "NONE")
    assert guess_input("t.parquet") == ("parquet", "NONE")


@run_async
async def test_select_error_shows_code_without_traceback(moto: Any, moto_bucket: str) -> None:
    client = moto.client()
    put(client, moto_bucket, "sales.csv", CSV)
    app = ToolHost(client, lambda: SelectScreen(moto_bucket, "missing.csv"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        await run_query(pilot, screen)
        assert screen.last_error.startswith("run failed: NoSuchKey"), screen.last_error
