"""Versions and incomplete-uploads tools against a REAL SeaweedFS: list, download, restore,
undelete, delete (legal hold, retention, bypass governance), list and abort multipart uploads."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

from textual.widgets import Button, Checkbox, DataTable

from minbrowse.s3 import ENABLED, GOVERNANCE, Retention, VersioningConfig
from minbrowse.s3 import multipart
from minbrowse.ui.screens.confirm import ConfirmScreen
from minbrowse.ui.screens.prompt import PromptScreen
from minbrowse.ui.jobs.tool_jobs import list_multipart_uploads, list_parts
from minbrowse.ui.tools.uploads import UploadsScreen
from minbrowse.ui.tools.versions import VersionsScreen
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import SIZE, ToolHost


def put(client: Any, bucket: str, key: str, data: bytes, **kw: Any) -> Any:
    return client.put_object(bucket, key, io.BytesIO(data), len(data), **kw)


async def loaded(pilot: Any) -> Any:
    screen = pilot.app.tool
    await wait_until(pilot, lambda: not screen.busy and (screen.loaded or screen.last_error),
                     what="tool data")
    await pilot.pause()
    return screen


async def act(pilot: Any, screen: Any, button: str, row: int, *, confirm: bool = True) -> None:
    screen.query_one(DataTable).move_cursor(row=row)
    screen.query_one(button, Button).press()
    await pilot.pause()
    if confirm:
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
    await wait_until(pilot, lambda: not screen.busy, what=f"{button}")
    await pilot.pause()


def content(client: Any, bucket: str, key: str, version: str | None = None) -> bytes:
    return client.get_object(bucket, key, version_id=version).read()


@run_async
async def test_versions_restore_undelete_download_delete(sw_client: Any, sw_bucket: str,
                                                         tmp_path: Any) -> None:
    sw_client.set_bucket_versioning(sw_bucket, VersioningConfig(ENABLED))
    v1 = put(sw_client, sw_bucket, "doc.txt", b"one").version_id
    v2 = put(sw_client, sw_bucket, "doc.txt", b"two").version_id
    sw_client.remove_object(sw_bucket, "doc.txt")  # a delete marker on top
    app = ToolHost(sw_client, lambda: VersionsScreen(sw_bucket, "doc.txt",
                                                     download_dir=str(tmp_path)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        kinds = [(r.version_id, r.is_delete_marker, r.is_latest) for r in screen.rows]
        assert len(kinds) == 3 and kinds[0][1] and kinds[0][2], kinds
        assert {v for v, marker, _ in kinds if not marker} == {v1, v2}
        row_of = {r.version_id: i for i, r in enumerate(screen.rows)}

        await act(pilot, screen, "#versions-undelete", 0)  # remove the delete marker
        assert content(sw_client, sw_bucket, "doc.txt") == b"two"
        assert len(screen.rows) == 2

        row_of = {r.version_id: i for i, r in enumerate(screen.rows)}
        await act(pilot, screen, "#versions-restore", row_of[v1])  # copy v1 over the latest
        assert content(sw_client, sw_bucket, "doc.txt") == b"one"
        assert len(screen.rows) == 3 and screen.rows[0].is_latest

        row_of = {r.version_id: i for i, r in enumerate(screen.rows)}
        await act(pilot, screen, "#versions-download", row_of[v2], confirm=False)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # the default path in download_dir
        await wait_until(pilot, lambda: not screen.busy, what="download")
        saved = list(tmp_path.iterdir())
        assert len(saved) == 1 and saved[0].read_bytes() == b"two", saved

        row_of = {r.version_id: i for i, r in enumerate(screen.rows)}
        await act(pilot, screen, "#versions-delete", row_of[v2])
        assert v2 not in {r.version_id for r in screen.rows}
        listed = {o.version_id for o in sw_client.list_objects(sw_bucket, include_version=True)}
        assert v2 not in listed and v1 in listed


@run_async
async def test_delete_version_honours_legal_hold_and_governance(sw_client: Any,
                                                               sw_lock_bucket: str) -> None:
    bucket = sw_lock_bucket
    held = put(sw_client, bucket, "held.txt", b"h", legal_hold=True).version_id
    until = datetime.now(timezone.utc) + timedelta(days=1)
    kept = put(sw_client, bucket, "kept.txt", b"k", retention=Retention(GOVERNANCE, until)).version_id
    app = ToolHost(sw_client, lambda: VersionsScreen(bucket, ""))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        row_of = {r.version_id: i for i, r in enumerate(screen.rows)}
        await act(pilot, screen, "#versions-delete", row_of[held])
        assert screen.last_error.startswith("delete failed: LegalHold: legal hold is ON")
        await act(pilot, screen, "#versions-delete", row_of[kept])
        assert "GOVERNANCE retention until" in screen.last_error
        assert "bypass governance" in screen.last_error
        assert len(list(sw_client.list_objects(bucket, include_version=True))) == 2
        screen.query_one("#versions-bypass", Checkbox).value = True
        await act(pilot, screen, "#versions-delete", row_of[kept])
        assert screen.last_error is None
        await wait_until(pilot, lambda: not screen.busy and len(screen.rows) == 1, what="reload")
    left = [o.version_id for o in sw_client.list_objects(bucket, recursive=True, include_version=True)]
    assert left == [held]


@run_async
async def test_versions_read_only_disables_changes(sw_client: Any, sw_bucket: str) -> None:
    put(sw_client, sw_bucket, "a.txt", b"a")
    app = ToolHost(sw_client, lambda: VersionsScreen(sw_bucket, "a.txt"), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert len(screen.rows) == 1
        for name in ("restore", "undelete", "delete"):
            assert screen.query_one(f"#versions-{name}", Button).disabled
        assert not screen.query_one("#versions-download", Button).disabled
        assert screen.submit("delete", {"version_id": "null"}, mutating=True) is None
        assert "read-only" in screen.last_error


PART = 64 * 1024  # servers check the 5 MiB minimum only when completing


def start_upload(client: Any, bucket: str, key: str, parts: int) -> str:
    upload_id = multipart.initiate(client, bucket, key, {})
    for number in range(1, parts + 1):
        multipart.upload_part(client, bucket, key, upload_id, number, b"p" * PART,
                              {}, None)
    return upload_id


@run_async
async def test_incomplete_uploads_list_paginate_and_abort(sw_client: Any, sw_bucket: str) -> None:
    first = start_upload(sw_client, sw_bucket, "big/one.bin", 2)
    start_upload(sw_client, sw_bucket, "big/two.bin", 1)
    start_upload(sw_client, sw_bucket, "three.bin", 0)
    # pagination of both listings, one item per page
    paged = list_multipart_uploads(sw_client, sw_bucket, page_size=1)
    assert sorted(key for key, _, _ in paged) == ["big/one.bin", "big/two.bin", "three.bin"]
    assert list_parts(sw_client, sw_bucket, "big/one.bin", first, page_size=1) == \
        (2, 2 * PART)
    app = ToolHost(sw_client, lambda: UploadsScreen(sw_bucket, ""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        rows = {r.key: (r.parts, r.size) for r in screen.rows}
        assert rows == {"big/one.bin": (2, 2 * PART), "big/two.bin": (1, PART),
                        "three.bin": (0, 0)}
        assert all(r.initiated is not None for r in screen.rows)
        index = [r.key for r in screen.rows].index("big/one.bin")
        await act(pilot, screen, "#uploads-abort", index)
        await wait_until(pilot, lambda: not screen.busy and len(screen.rows) == 2, what="reload")
        assert "big/one.bin" not in {r.key for r in screen.rows}
        screen.query_one("#uploads-abort-all", Button).press()
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy and not screen.rows, what="abort all")
        assert "no unfinished uploads" in str(screen.query_one("#tool-status").render())
    assert list_multipart_uploads(sw_client, sw_bucket) == []
