"""Transfers through the UI against a real SeaweedFS: upload a folder tree, see it listed,
download the prefix (bytes compared), the existing-file policy, cancel, read-only refusal."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from minbrowse.config.loader import AppConfig
from minbrowse.config.profiles import Profile
from minbrowse.ui.app import MinbrowseApp
from minbrowse.ui.screens.transfer_dialogs import DownloadDialog, UploadDialog
from minbrowse.ui.screens.transfers import TransferRow, TransfersScreen
from minbrowse.ui.jobs.transfer_bridge import JobState
from minbrowse.ui.widgets.path_input import PathInput
from tests.ui.pilot_helpers import empty_and_remove, names, notifications, run_async, wait_listing, wait_until

TREE = {
    "a.txt": b"alpha\n",
    "sub/b.bin": os.urandom(300_000),
    "sub/deeper/c.json": b'{"c": 3}',
    "empty.dat": b"",
}


@pytest.fixture
def weed_bucket(seaweed: Any) -> Iterator[str]:
    client = seaweed.client()
    name = f"tr-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    yield name
    empty_and_remove(client, name)


def app_for(server: Any, *, settings: tuple = (), **kwargs: Any) -> MinbrowseApp:
    profile = Profile(name="weed", endpoint=server.endpoint, secure=server.secure, region="us-east-1",
                      access_key=server.access_key, secret_key=server.secret_key, source="config",
                      settings=settings)
    return MinbrowseApp(AppConfig(profiles=(profile,), default_profile="weed"), profile, **kwargs)


class SlowPuts:
    """The real client, with 20 ms added before each fput_object."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def fput_object(self, *args: Any, **kwargs: Any) -> Any:
        import time

        time.sleep(0.02)
        return self._client.fput_object(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def all_finished(app: MinbrowseApp, count: int) -> bool:
    jobs = app.transfers.jobs()
    return len(jobs) >= count and all(job.state.finished for job in jobs)


@run_async
async def test_upload_tree_then_download_prefix_with_policy(seaweed: Any, weed_bucket: str,
                                                             tmp_path: Path) -> None:
    write_tree(tmp_path / "src" / "tree", TREE)
    client = seaweed.client()
    app = app_for(seaweed, location=f"s3://{weed_bucket}/")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_listing(pilot)
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, UploadDialog), what="upload dialog")
        path_input = app.screen.query_one("#upload-path", PathInput)
        path_input.value = str(tmp_path / "sr")
        await pilot.press("tab")  # completion: the only entry starting with "sr" is the folder src/
        assert path_input.value == str(tmp_path / "src") + os.sep
        await pilot.press(*"tree", "enter")
        await wait_until(pilot, lambda: all_finished(app, 1), what="the upload")
        job = app.transfers.jobs()[0]
        assert job.state is JobState.DONE, job.error
        assert job.progress.bytes_done == sum(len(v) for v in TREE.values())
        await wait_until(pilot, lambda: "tree/" in names(app), what="the uploaded folder listed")
        for relative, data in TREE.items():
            response = client.get_object(weed_bucket, f"tree/{relative}")
            try:
                assert response.read() == data
            finally:
                response.close()

        # download the folder (highlighted row) into tmp_path/out
        assert app.listing.select_name("tree/")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadDialog), what="download dialog")
        app.screen.query_one("#download-dest", PathInput).value = str(tmp_path / "out")
        await pilot.press("enter")
        await wait_until(pilot, lambda: all_finished(app, 2), what="the download")
        assert app.transfers.jobs()[1].state is JobState.DONE
        for relative, data in TREE.items():
            assert (tmp_path / "out" / "tree" / relative).read_bytes() == data

        # again into the same folder: the policy is asked once for the batch -> rename
        (tmp_path / "out" / "tree" / "a.txt").write_bytes(b"local edit")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadDialog), what="download dialog")
        app.screen.query_one("#download-dest", PathInput).value = str(tmp_path / "out")
        await pilot.click("#policy-rename")
        await pilot.click("#dialog-ok")
        await wait_until(pilot, lambda: all_finished(app, 3), what="the second download")
        out = tmp_path / "out" / "tree"
        assert (out / "a.txt").read_bytes() == b"local edit"
        assert (out / "a (1).txt").read_bytes() == TREE["a.txt"]
        assert (out / "sub" / "b (1).bin").read_bytes() == TREE["sub/b.bin"]

        # the transfers screen lists the three jobs as done
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TransfersScreen), what="transfers")
        await pilot.pause()
        rows = list(app.screen.query(TransferRow))
        assert [row.job.state for row in rows] == [JobState.DONE] * 3


async def through_dialog(pilot: Any, key: str, dialog: type, field: str, path: Path,
                         choice: str | None, jobs: int) -> None:
    """Press `key`, put `path` in the dialog's `field`, click `choice` (a policy), confirm,
    and wait until `jobs` transfer jobs have finished."""
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, dialog), what=dialog.__name__)
    app.screen.query_one(field, PathInput).value = str(path)
    if choice:
        await pilot.click(choice)
    await pilot.click("#dialog-ok")
    await wait_until(pilot, lambda: all_finished(app, jobs), what=f"transfer job {jobs}")


@run_async
async def test_upload_and_download_again_skip_what_is_unchanged(seaweed: Any, weed_bucket: str,
                                                    tmp_path: Path) -> None:
    write_tree(tmp_path / "tree", TREE)
    client = seaweed.client()
    app = app_for(seaweed, location=f"s3://{weed_bucket}/")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_listing(pilot)
        await through_dialog(pilot, "U", UploadDialog, "#upload-path", tmp_path / "tree", None, 1)
        (tmp_path / "tree" / "a.txt").write_bytes(b"ALPHA\n")  # same size, new bytes
        await through_dialog(pilot, "U", UploadDialog, "#upload-path", tmp_path / "tree",
                             "#existing-skip-unchanged", 2)
        report = app.transfers.jobs()[1].result
        assert [f.key for f in report.uploaded] == ["tree/a.txt"]
        assert len(report.skipped) == len(TREE) - 1
        assert all(s.reason.startswith("unchanged: same size and MD5") for s in report.skipped)
        await wait_until(pilot, lambda: any("1 uploaded · 3 skipped" in text
                                            for text in notifications(app)), what="summary")

        # and down again: "skip if unchanged" fetches only the file edited locally
        await wait_until(pilot, lambda: "tree/" in names(app), what="the uploaded folder listed")
        assert app.listing.select_name("tree/")
        out = tmp_path / "out"
        await through_dialog(pilot, "D", DownloadDialog, "#download-dest", out, None, 3)
        (out / "tree" / "a.txt").write_bytes(b"local!")  # same size, other bytes
        await through_dialog(pilot, "D", DownloadDialog, "#download-dest", out,
                             "#policy-skip-unchanged", 4)
        report = app.transfers.jobs()[3].result
        assert [f.key for f in report.downloaded] == ["tree/a.txt"]
        assert len(report.skipped) == len(TREE) - 1
        assert (out / "tree" / "a.txt").read_bytes() == b"ALPHA\n"
    response = client.get_object(weed_bucket, "tree/a.txt")
    try:
        assert response.read() == b"ALPHA\n"
    finally:
        response.close()


@run_async
async def test_cancel_a_running_upload(seaweed: Any, weed_bucket: str, tmp_path: Path) -> None:
    many = {f"f{i:04d}.txt": b"x" for i in range(800)}
    write_tree(tmp_path / "many", many)
    client = seaweed.client()
    # every PUT is real but takes 20 ms longer, and the profile caps a bulk job at 4 files in
    # flight ([profiles.NAME.settings] bulk_concurrency): the upload runs >= 4 s, long enough
    # to cancel (uncapped, the engine would open up to 128 and finish in a fraction of that)
    app = app_for(seaweed, location=f"s3://{weed_bucket}/", client=SlowPuts(client),
                  settings=(("bulk_concurrency", 4),))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_listing(pilot)
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, UploadDialog), what="upload dialog")
        app.screen.query_one("#upload-path", PathInput).value = str(tmp_path / "many")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(j.state is JobState.RUNNING for j in app.transfers.jobs()),
                         what="the upload to run")
        await pilot.press("T")
        await wait_until(pilot, lambda: bool(app.screen.query(TransferRow)), what="the transfer row")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, TransferRow), what="row focus")
        await pilot.press("x")
        assert "Cancelling transfer #1" in notifications(app)
        await wait_until(pilot, lambda: all_finished(app, 1), what="the cancelled upload")
        assert app.transfers.jobs()[0].state is JobState.CANCELLED
        await pilot.pause()
        assert "cancelled" in str(app.screen.query_one(TransferRow).query_one(".title").render())
    uploaded = sum(1 for _ in client.list_objects(weed_bucket, prefix="many/", recursive=True))
    assert uploaded < len(many)


@run_async
async def test_read_only_refuses_upload_but_downloads(seaweed: Any, weed_bucket: str,
                                                      tmp_path: Path) -> None:
    import io

    seaweed.client().put_object(weed_bucket, "keep.txt", io.BytesIO(b"kept"), 4)
    app = app_for(seaweed, location=f"s3://{weed_bucket}/", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_listing(pilot)
        await pilot.press("U")
        await pilot.pause()
        assert not isinstance(app.screen, UploadDialog)
        assert any("Upload is disabled" in text for text in notifications(app))
        await pilot.press("D")  # downloading only writes local files: allowed
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadDialog), what="download dialog")
        app.screen.query_one("#download-dest", PathInput).value = str(tmp_path / "dl")
        await pilot.press("enter")
        await wait_until(pilot, lambda: all_finished(app, 1), what="the download")
    assert (tmp_path / "dl" / "keep.txt").read_bytes() == b"kept"


@run_async
async def test_copy_to_another_profile_streams_the_object(seaweed: Any, weed_bucket: str) -> None:
    import io

    from minbrowse.ui.screens.transfer_dialogs import CopyToProfileDialog

    data = os.urandom(200_000)
    client = seaweed.client()
    client.put_object(weed_bucket, "src/blob.bin", io.BytesIO(data), len(data))
    here = Profile(name="weed", endpoint=seaweed.endpoint, secure=False, region="us-east-1",
                   access_key=seaweed.access_key, secret_key=seaweed.secret_key, source="config")
    other = Profile(name="other", endpoint=seaweed.endpoint, secure=False, region="us-east-1",
                    access_key=seaweed.access_key, secret_key=seaweed.secret_key, source="config")
    app = MinbrowseApp(AppConfig(profiles=(here, other), default_profile="weed"), here,
                       location=f"s3://{weed_bucket}/src/")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_listing(pilot)
        assert app.listing.select_name("blob.bin")
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CopyToProfileDialog), what="dialog")
        app.screen.query_one("#copy-dest").value = f"s3://{weed_bucket}/copied/"
        app.screen.query_one("#copy-dest").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: all_finished(app, 1), what="the copy")
        job = app.transfers.jobs()[0]
        assert job.state is JobState.DONE, job.error
        assert "other:" in job.title
    response = client.get_object(weed_bucket, "copied/blob.bin")
    try:
        assert response.read() == data
    finally:
        response.close()
