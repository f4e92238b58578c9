"""Pilot tests of the browser against the REAL servers (moto and SeaweedFS)."""

from __future__ import annotations

import io

import requests

from minbrowse.ui.screens.bulk_confirm import BulkConfirmScreen
from minbrowse.ui.screens.presign import PresignScreen
from minbrowse.ui.screens.preview import PreviewScreen

from tests.ui.pilot_helpers import empty_and_remove, names, run_async, notifications, wait_listing, wait_until

SIZE = (120, 36)


def put(client, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type)


def keys(client, bucket: str, prefix: str = "") -> list[str]:
    return sorted(o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True))


@run_async
async def test_navigation_folders_first_enter_and_backspace(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    for key in ("b.txt", "a/1.txt", "a/2.txt", "c/d/e.txt"):
        put(client, ui_bucket, key, b"x")
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        assert names(app) == ["a/", "c/", "b.txt"]
        # the server was named on connect (status bar), from its own reply
        await wait_until(pilot, lambda: app.status.server in ("moto", "seaweedfs"),
                         what="the server's kind")
        await pilot.press("enter")
        await wait_listing(pilot)
        assert str(app.location) == f"s3://{ui_bucket}/a/"
        assert names(app) == ["1.txt", "2.txt"]
        await pilot.press("backspace")
        await wait_listing(pilot)
        assert app.location.prefix == ""
        assert app.listing.current_entry().name == "a/"  # back on the folder we came from
        await pilot.press("j", "enter")
        await wait_listing(pilot)
        assert names(app) == ["d/"]
        await pilot.press("backspace", "backspace")
        await wait_listing(pilot)
        assert app.location.bucket is None and ui_bucket in names(app)
        assert app.listing.current_entry().name == ui_bucket


@run_async
async def test_filter_and_sort(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    for key, size in (("alpha.log", 300), ("beta.txt", 10), ("gamma.log", 20), ("dir/x", 1)):
        put(client, ui_bucket, key, b"x" * size)
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await pilot.press("slash", *".LOG")
        assert names(app) == ["alpha.log", "gamma.log"]
        await pilot.press("enter")  # keep the filter, back to the listing
        assert app.focused is app.listing and names(app) == ["alpha.log", "gamma.log"]
        await pilot.press("slash", "escape")
        assert names(app) == ["dir/", "alpha.log", "beta.txt", "gamma.log"]
        await pilot.press("s")
        assert names(app) == ["dir/", "beta.txt", "gamma.log", "alpha.log"]
        await pilot.press("s")
        assert names(app) == ["dir/", "alpha.log", "gamma.log", "beta.txt"]
        await pilot.press("n")
        assert names(app) == ["dir/", "alpha.log", "beta.txt", "gamma.log"]


@run_async
async def test_server_side_prefix_search(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    for key in ("log-1", "log-2", "other", "logs/x"):
        put(client, ui_bucket, key, b"x")
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await pilot.press("f", *"log-", "enter")
        await wait_listing(pilot)
        assert names(app) == ["log-1", "log-2"]
        await pilot.press("backspace")  # leaves the search
        await wait_listing(pilot)
        assert names(app) == ["logs/", "log-1", "log-2", "other"]


@run_async
async def test_delete_selected_with_confirm(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    for key in ("keep.txt", "one.txt", "two.txt", "folder/a", "folder/b"):
        put(client, ui_bucket, key, b"x")
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        assert names(app) == ["folder/", "keep.txt", "one.txt", "two.txt"]
        await pilot.press("space", "j", "space", "space", "d")  # folder/, one.txt, two.txt
        await wait_until(pilot, lambda: isinstance(app.screen, BulkConfirmScreen), what="confirm")
        dialog = app.screen
        # the dry run: the folder is listed, so 4 objects (4 bytes) before anything is deleted
        await wait_until(pilot, lambda: dialog.objects == 4, what="the count")
        assert "Delete 4 object(s), 4 Bytes." in str(dialog.query_one("#count").render())
        await pilot.press("n")  # cancel first: nothing happens
        assert keys(client, ui_bucket) == ["folder/a", "folder/b", "keep.txt", "one.txt", "two.txt"]
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkConfirmScreen)
                         and app.screen.objects == 4, what="counted again")
        await pilot.press("y")
        await wait_until(pilot, lambda: keys(client, ui_bucket) == ["keep.txt"], what="delete")
        await wait_listing(pilot)
        # SeaweedFS may keep an emptied directory as a common prefix; the objects are gone.
        await wait_until(pilot, lambda: [n for n in names(app) if n != "folder/"] == ["keep.txt"],
                         what="refresh")
        await wait_until(pilot, lambda: any("4 object(s) deleted" in n for n in notifications(app)),
                         what="the job's summary")
        job = app.transfers.jobs()[-1]
        assert job.kind == "delete" and job.result.done == 4 and job.result.ok


@run_async
async def test_a_large_delete_is_confirmed_by_typing_the_count(ui_server, ui_bucket, make_app,
                                                               monkeypatch) -> None:
    import minbrowse.ui.screens.bulk_confirm as bulk_confirm

    monkeypatch.setattr(bulk_confirm, "TYPED_CONFIRM_ABOVE", 5)  # 7 objects count as many
    client = ui_server.client()
    for i in range(7):
        put(client, ui_bucket, f"logs/{i}.log", b"line\n")
    put(client, ui_bucket, "other.txt", b"x")
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        assert names(app) == ["logs/", "other.txt"]
        await pilot.press("d")  # the highlighted folder
        await wait_until(pilot, lambda: isinstance(app.screen, BulkConfirmScreen)
                         and app.screen.objects == 7, what="the count")
        dialog = app.screen
        assert "Type 7 or logs/ to confirm" in str(dialog.query_one("#count").render())
        await pilot.press("y")  # a key is not enough: it is typed into the field
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#typed").value == "y"
        await pilot.press("backspace", "6", "enter")  # the wrong count: refused, dialog stays
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#confirm").disabled
        await pilot.press("backspace", *"logs", "enter")  # the prefix works as well as the count
        await wait_until(pilot, lambda: keys(client, ui_bucket) == ["other.txt"], what="delete")


@run_async
async def test_copy_move_rename_server_side(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    put(client, ui_bucket, "src/a.txt", b"alpha")
    put(client, ui_bucket, "src/b.txt", b"beta")
    app = make_app(location=f"s3://{ui_bucket}/src/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await pilot.press("space", "space", "c", *["backspace"] * 4, *"dst/", "enter")  # src/ -> dst/
        await wait_until(pilot, lambda: "dst/b.txt" in keys(client, ui_bucket), what="copy")
        assert keys(client, ui_bucket) == ["dst/a.txt", "dst/b.txt", "src/a.txt", "src/b.txt"]
        assert client.get_object(ui_bucket, "dst/a.txt").read() == b"alpha"
        await wait_listing(pilot)
        app.listing.select_name("a.txt")
        await pilot.press("R", *["backspace"] * 5, *"renamed.txt", "enter")
        await wait_until(pilot, lambda: keys(client, ui_bucket, "src/") == ["src/b.txt", "src/renamed.txt"],
                         what="rename (copy, then delete)")
        assert client.get_object(ui_bucket, "src/renamed.txt").read() == b"alpha"
        await wait_listing(pilot)
        app.listing.select_name("b.txt")
        await pilot.press("m", *["backspace"] * 4, *"moved/", "enter")
        await wait_until(pilot, lambda: "moved/b.txt" in keys(client, ui_bucket), what="move")
        await wait_until(pilot, lambda: "src/b.txt" not in keys(client, ui_bucket), what="move delete")


@run_async
async def test_presign_copies_via_pyperclip_and_osc52(ui_server, ui_bucket, make_app, monkeypatch) -> None:
    import pyperclip

    client = ui_server.client()
    put(client, ui_bucket, "doc.txt", b"presigned body", "text/plain")
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(location=f"s3://{ui_bucket}/")
    osc52: list[str] = []
    original = app.copy_to_clipboard
    monkeypatch.setattr(app, "copy_to_clipboard", lambda text: (osc52.append(text), original(text)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_listing(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, PresignScreen), what="presign modal")
        assert len(copied) == 1 and osc52 == copied
        url = copied[0]
        assert requests.get(url, timeout=10).content == b"presigned body"
        assert app.screen.query_one("#presign-url").text == url
        assert any("Copied to the clipboard" in n for n in notifications(app))
        await pilot.press("escape")

        def no_clipboard(text: str) -> None:
            raise pyperclip.PyperclipException("no copy/paste mechanism")

        monkeypatch.setattr(pyperclip, "copy", no_clipboard)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(osc52) == 2, what="second presign")
        assert any("Sent to the terminal via OSC 52" in n and "no confirmation" in n
                   for n in notifications(app))


@run_async
async def test_read_only_refuses_every_mutation(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    put(client, ui_bucket, "file.txt", b"x")
    app = make_app(location=f"s3://{ui_bucket}/", read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_listing(pilot)
        for key, what in (("d", "Delete"), ("b", "Make bucket"), ("B", "Remove bucket"),
                          ("c", "Copy"), ("m", "Move"), ("R", "Rename")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.screen_stack[0], f"{key} opened a dialog in read-only mode"
            assert any(n.startswith(f"{what} is disabled") and "read-only" in n for n in notifications(app))
        await app.workers.wait_for_complete()
        assert keys(client, ui_bucket) == ["file.txt"]
        # the bulk-job gate refuses too, even when called directly
        from minbrowse.ui.jobs.bulk_jobs import Picked, delete_job

        before = len(app.transfers.jobs())
        app._queue_bulk("delete", "delete file.txt",
                        delete_job(app.client, ui_bucket, [Picked("file.txt", 1)]), ui_bucket, "")
        await pilot.pause()
        assert len(app.transfers.jobs()) == before
        assert sum("Delete is disabled" in n for n in notifications(app)) == 2
        assert keys(client, ui_bucket) == ["file.txt"]


@run_async
async def test_preview_is_ranged_and_shows_csv(ui_server, ui_bucket, make_app) -> None:
    client = ui_server.client()
    put(client, ui_bucket, "t.csv", b"h1,h2\nv1,v2\n", "text/csv")
    put(client, ui_bucket, "z-big.log", b"INFO line\n" * 30_000, "text/plain")  # 300 kB
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PreviewScreen), what="preview")
        assert app.screen.kind == "csv"
        await pilot.press("escape", "j", "p")
        await wait_until(pilot, lambda: isinstance(app.screen, PreviewScreen), what="preview 2")
        preview = app.screen.preview
        assert app.screen.kind == "log" and len(preview.data) == 64 * 1024 and preview.truncated


@run_async
async def test_detail_pane_shows_metadata_and_tags(ui_server, ui_bucket, make_app) -> None:
    from minbrowse.s3 import Tags

    client = ui_server.client()
    client.put_object(ui_bucket, "m.txt", io.BytesIO(b"x"), 1, content_type="text/plain",
                      metadata={"owner": "ops"})
    tags = Tags.new_object_tags()
    tags["team"] = "blue"
    client.set_object_tags(ui_bucket, "m.txt", tags)
    app = make_app(location=f"s3://{ui_bucket}/")
    async with app.run_test(size=SIZE) as pilot:
        await wait_listing(pilot)
        await wait_until(pilot, lambda: app.detail.scope == "object", what="detail")
        sections = {s.title: s for s in app.detail_shown.sections}
        assert ("owner", "ops") in sections["User metadata"].rows
        assert sections["Tags"].rows == (("team", "blue"),)
        assert ("Content type", "text/plain") in sections["Object"].rows


@run_async
async def test_server_error_is_a_notification_not_a_crash(ui_server, make_app) -> None:
    app = make_app(location="s3://no-such-bucket-minbrowse-ui/")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any("NoSuchBucket" in n for n in notifications(app)),
                         what="error notification")
        assert app.is_running and app.listing.loading_done
        await pilot.press("j", "enter", "p", "y", "u")  # nothing to act on: still alive
        await pilot.pause(0.2)
        assert app.is_running


@run_async
async def test_make_and_remove_bucket_emptying_it_first(ui_server, make_app) -> None:
    import uuid

    client = ui_server.client()
    name = f"ui-mk-{uuid.uuid4().hex[:10]}"
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_listing(pilot)
            await pilot.press("b", *name, "enter")
            await wait_until(pilot, lambda: client.bucket_exists(name), what="bucket made")
            put(client, name, "inside/obj", b"x")
            await wait_listing(pilot)
            await wait_until(pilot, lambda: name in names(app), what="bucket listed")
            app.listing.select_name(name)
            await pilot.press("B", *name)
            await pilot.click("#empty-first")
            await pilot.click("#confirm")
            await wait_until(pilot, lambda: not client.bucket_exists(name), what="bucket removed")
    finally:
        if client.bucket_exists(name):
            empty_and_remove(client, name)


@run_async
async def test_config_warnings_show_on_screen(ui_server) -> None:
    """A config file readable by others is reported in the app, not only on stderr."""
    from minbrowse.config.profiles import AppConfig, Profile
    from minbrowse.ui.app import MinbrowseApp
    profile = Profile(name="test", endpoint=ui_server.endpoint, secure=ui_server.secure,
                      region="us-east-1", access_key=ui_server.access_key,
                      secret_key=ui_server.secret_key, source="config")
    warning = "/home/x/.config/minbrowse/config.toml is readable by group or others"
    config = AppConfig(profiles=(profile,), default_profile="test", warnings=(warning,))
    app = MinbrowseApp(config, profile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any("readable by group" in n for n in notifications(app)),
                         what="config warning")
